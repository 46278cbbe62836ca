//! The account a family is debited from: its IBAN (checked by the `iban_validate`
//! crate: length and format of its country, check digits) and its BIC, which SEPA asks
//! only of accounts outside the European Economic Area.

use iban::{Iban, IbanLike, ParseBaseIbanError, ParseIbanError};

/// A checked account: the IBAN in its electronic form (no spaces, capitals) and the
/// BIC when given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankAccount {
    pub iban: String,
    pub bic: Option<String>,
}

/// Why an account cannot be debited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("not an IBAN")]
    IbanFormat,
    #[error("the IBAN's check digits are wrong")]
    IbanCheckDigits,
    #[error("the IBAN does not have its country's format")]
    IbanCountryFormat,
    #[error("the IBAN's country is not in the SEPA area")]
    NotSepa,
    #[error("a BIC is needed for an account outside the EEA")]
    BicRequired,
    #[error("not a BIC")]
    BicFormat,
}

/// The European Economic Area: a BIC is optional for its accounts.
const EEA: [&str; 30] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "IS", "LI", "NO",
];

/// SEPA countries outside the EEA: their accounts need a BIC.
const SEPA_OUTSIDE_EEA: [&str; 12] = [
    "AD", "AL", "CH", "GB", "GI", "MC", "MD", "ME", "MK", "RS", "SM", "VA",
];

impl BankAccount {
    /// Checks an account as typed: spaces are ignored and letters taken as capitals.
    pub fn parse(iban: &str, bic: Option<&str>) -> Result<Self, AccountError> {
        let iban: String = iban
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_uppercase)
            .collect();
        let parsed: Iban = iban.parse().map_err(|e| match e {
            ParseIbanError::InvalidBaseIban {
                source: ParseBaseIbanError::InvalidChecksum,
            } => AccountError::IbanCheckDigits,
            ParseIbanError::InvalidBaseIban { .. } => AccountError::IbanFormat,
            ParseIbanError::InvalidBban(_) => AccountError::IbanCountryFormat,
            ParseIbanError::UnknownCountry(_) => AccountError::NotSepa,
        })?;
        let country = parsed.country_code();
        let bic = bic
            .map(|b| b.trim().to_uppercase())
            .filter(|b| !b.is_empty());
        if bic.as_deref().is_some_and(|b| !is_bic(b)) {
            return Err(AccountError::BicFormat);
        }
        if SEPA_OUTSIDE_EEA.contains(&country) {
            if bic.is_none() {
                return Err(AccountError::BicRequired);
            }
        } else if !EEA.contains(&country) {
            return Err(AccountError::NotSepa);
        }
        Ok(Self {
            iban: parsed.electronic_str().to_owned(),
            bic,
        })
    }
}

/// Four letters (the bank), two (the country), two letters or digits (the place),
/// and maybe three more (the branch).
fn is_bic(bic: &str) -> bool {
    let b = bic.as_bytes();
    (b.len() == 8 || b.len() == 11)
        && b[..6].iter().all(u8::is_ascii_uppercase)
        && b[6..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// An IBAN as families and most agents see it: its country and check digits, and its
/// last four characters (`FR76 **** 0189`).
pub fn mask_iban(iban: &str) -> String {
    let chars: Vec<char> = iban.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.len() < 8 {
        return "****".to_owned();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head} **** {tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_french_iban_is_read_as_typed() {
        let account = BankAccount::parse("fr76 3000 6000 0112 3456 7890 189", None);
        assert_eq!(
            account,
            Ok(BankAccount {
                iban: "FR7630006000011234567890189".to_owned(),
                bic: None
            })
        );
    }

    #[test]
    fn wrong_check_digits_and_formats_are_told_apart() {
        assert_eq!(
            BankAccount::parse("FR7730006000011234567890189", None),
            Err(AccountError::IbanCheckDigits)
        );
        assert_eq!(
            BankAccount::parse("FR76-3000", None),
            Err(AccountError::IbanFormat)
        );
        assert_eq!(BankAccount::parse("", None), Err(AccountError::IbanFormat));
    }

    #[test]
    fn outside_the_eea_a_bic_is_needed() {
        // A Swiss IBAN (the standard's example).
        let swiss = "CH9300762011623852957";
        assert_eq!(
            BankAccount::parse(swiss, None),
            Err(AccountError::BicRequired)
        );
        assert!(BankAccount::parse(swiss, Some("UBSWCHZH80A")).is_ok());
        assert_eq!(
            BankAccount::parse(swiss, Some("UBS")),
            Err(AccountError::BicFormat)
        );
    }

    #[test]
    fn outside_sepa_is_refused() {
        // A valid Brazilian IBAN.
        assert_eq!(
            BankAccount::parse("BR1800360305000010009795493C1", None),
            Err(AccountError::NotSepa)
        );
    }

    #[test]
    fn masks_keep_the_country_and_the_last_four() {
        assert_eq!(mask_iban("FR7630006000011234567890189"), "FR76 **** 0189");
        assert_eq!(mask_iban("FR7"), "****");
    }
}

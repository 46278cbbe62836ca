//! The creditor identifier (ICS, "identifiant créancier SEPA") the Banque de France
//! gives the city: its country, two check digits, a business code the creditor chooses
//! (`ZZZ` by default), and its national identifier. The check digits are the IBAN's
//! (ISO 7064 mod 97-10) over the national identifier and the country, the business
//! code left out.

/// Why a creditor identifier is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CreditorIdError {
    #[error("not a creditor identifier")]
    Format,
    #[error("the creditor identifier's check digits are wrong")]
    CheckDigits,
}

/// Checks a creditor identifier as typed and answers it in capitals without spaces.
pub fn creditor_identifier(value: &str) -> Result<String, CreditorIdError> {
    let id: String = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect();
    let b = id.as_bytes();
    let well_formed = (8..=35).contains(&b.len())
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..4].iter().all(u8::is_ascii_digit)
        && b[4..].iter().all(u8::is_ascii_alphanumeric);
    if !well_formed {
        return Err(CreditorIdError::Format);
    }
    let checked = format!("{}{}00", &id[7..], &id[..2]);
    let expected = 98 - mod97(&checked);
    let given: u32 = id[2..4].parse().map_err(|_| CreditorIdError::Format)?;
    if given == expected {
        Ok(id)
    } else {
        Err(CreditorIdError::CheckDigits)
    }
}

/// The remainder by 97 of the number written by the digits, each letter read as two
/// digits (A = 10 ... Z = 35).
fn mod97(value: &str) -> u32 {
    value.chars().fold(0u32, |rest, c| {
        let n = c.to_digit(36).unwrap_or(0);
        if n < 10 {
            (rest * 10 + n) % 97
        } else {
            (rest * 100 + n) % 97
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_identifiers_are_accepted() {
        assert_eq!(
            creditor_identifier("FR72 ZZZ 123456"),
            Ok("FR72ZZZ123456".to_owned())
        );
        // The Bundesbank's test identifier, and Spanish and Italian ones.
        assert!(creditor_identifier("DE98ZZZ09999999999").is_ok());
        assert!(creditor_identifier("ES23ZZZ47690558N").is_ok());
        assert!(creditor_identifier("it66zzzA1B2C3D4E5F6G7H8").is_ok());
    }

    #[test]
    fn the_business_code_is_not_checked() {
        assert!(creditor_identifier("FR72ABC123456").is_ok());
    }

    #[test]
    fn wrong_digits_and_shapes_are_refused() {
        assert_eq!(
            creditor_identifier("FR73ZZZ123456"),
            Err(CreditorIdError::CheckDigits)
        );
        assert_eq!(
            creditor_identifier("FRXXZZZ123456"),
            Err(CreditorIdError::Format)
        );
        assert_eq!(creditor_identifier("FR72"), Err(CreditorIdError::Format));
        assert_eq!(
            creditor_identifier("FR72ZZZ12-456"),
            Err(CreditorIdError::Format)
        );
    }
}

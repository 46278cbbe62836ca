//! The ISO 20022 reason codes a bank gives for a debit it rejects or returns, in the
//! words a family reads.

/// Four capital letters or digits, as ISO 20022 writes a reason.
pub fn is_reason_code(code: &str) -> bool {
    code.len() == 4
        && code
            .bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// Why the bank did not pay, in French; an unlisted code is named as such.
pub fn reason_text(code: &str) -> String {
    let text = match code {
        "AC01" => "numéro de compte incorrect",
        "AC04" => "compte clôturé",
        "AC06" => "compte bloqué",
        "AC13" => "compte d'un type qui ne peut pas être prélevé",
        "AG01" => "prélèvements interdits sur ce compte",
        "AG02" => "opération non valide",
        "AM04" => "provision insuffisante",
        "AM05" => "prélèvement en double",
        "BE05" => "créancier non reconnu par la banque",
        "CNOR" | "DNOR" => "banque injoignable",
        "FF01" => "fichier de prélèvement invalide",
        "MD01" => "pas de mandat valide",
        "MD02" => "informations du mandat manquantes ou erronées",
        "MD06" => "remboursement demandé par le titulaire du compte",
        "MD07" => "titulaire du compte décédé",
        "MS02" => "opposition du titulaire du compte",
        "MS03" => "motif non précisé par la banque",
        "RC01" => "code BIC incorrect",
        "RR01" | "RR02" | "RR03" | "RR04" => "motif réglementaire",
        "SL01" => "prélèvement bloqué par un service de la banque",
        _ => return format!("motif bancaire {code}"),
    };
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_in_french() {
        assert_eq!(reason_text("AM04"), "provision insuffisante");
        assert_eq!(
            reason_text("MD06"),
            "remboursement demandé par le titulaire du compte"
        );
        assert_eq!(reason_text("ZZ99"), "motif bancaire ZZ99");
        assert!(is_reason_code("AM04"));
        assert!(!is_reason_code("am04"));
        assert!(!is_reason_code("AM045"));
    }
}

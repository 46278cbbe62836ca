//! Texts and amounts as SEPA files carry them: the Latin characters the EPC allows,
//! and euros with a dot and two decimals.

/// `value` in the characters every SEPA bank accepts (letters without accents, digits,
/// space and `/ - ? : ( ) . , ' +`), others turned to spaces, spaces collapsed, cut at
/// `max` characters.
pub fn sepa_text(value: &str, max: usize) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => out.push('a'),
            'À' | 'Á' | 'Â' | 'Ä' | 'Ã' | 'Å' => out.push('A'),
            'ç' => out.push('c'),
            'Ç' => out.push('C'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'É' | 'È' | 'Ê' | 'Ë' => out.push('E'),
            'í' | 'ì' | 'î' | 'ï' => out.push('i'),
            'Í' | 'Ì' | 'Î' | 'Ï' => out.push('I'),
            'ñ' => out.push('n'),
            'Ñ' => out.push('N'),
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => out.push('o'),
            'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' => out.push('O'),
            'ú' | 'ù' | 'û' | 'ü' => out.push('u'),
            'Ú' | 'Ù' | 'Û' | 'Ü' => out.push('U'),
            'ÿ' => out.push('y'),
            'œ' => out.push_str("oe"),
            'Œ' => out.push_str("OE"),
            'æ' => out.push_str("ae"),
            'Æ' => out.push_str("AE"),
            '’' => out.push('\''),
            c if c.is_ascii_alphanumeric() || "/-?:().,'+".contains(c) => out.push(c),
            _ => out.push(' '),
        }
    }
    out.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(max)
        .collect::<String>()
        .trim_end()
        .to_owned()
}

/// Cents as a file's amount: `6220` is `62.20`.
pub fn decimal_euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}{}.{:02}", cents / 100, cents % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_keep_to_the_latin_set() {
        assert_eq!(sepa_text("Élodie  Müller-Nuñez", 70), "Elodie Muller-Nunez");
        assert_eq!(sepa_text("L’Haÿ & Cœur; <b>", 70), "L'Hay Coeur b");
        assert_eq!(sepa_text("Facture F2027-000001", 10), "Facture F2");
        assert_eq!(sepa_text("ab          cd", 3), "ab");
    }

    #[test]
    fn amounts_have_two_decimals() {
        assert_eq!(decimal_euros(6220), "62.20");
        assert_eq!(decimal_euros(5), "0.05");
        assert_eq!(decimal_euros(100_000_000), "1000000.00");
        assert_eq!(decimal_euros(-150), "-1.50");
    }
}

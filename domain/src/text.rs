//! Comparing what people type: names and places as written by hand, by a civil-status
//! record or by an open-data file.

/// Lowercase, without accents or punctuation: `Créteil`, `creteil` and `CRÉTEIL` compare
/// equal, as do `Jean-Pierre` and `JEAN PIERRE`, and the apostrophes of descriptions.
pub fn fold(value: &str) -> String {
    let mut folded = String::with_capacity(value.len());
    for c in value
        .trim_start_matches('\u{feff}')
        .chars()
        .flat_map(char::to_lowercase)
    {
        match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => folded.push('a'),
            'ç' => folded.push('c'),
            'é' | 'è' | 'ê' | 'ë' => folded.push('e'),
            'í' | 'ì' | 'î' | 'ï' => folded.push('i'),
            'ñ' => folded.push('n'),
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => folded.push('o'),
            'ú' | 'ù' | 'û' | 'ü' => folded.push('u'),
            'ÿ' => folded.push('y'),
            'œ' => folded.push_str("oe"),
            'æ' => folded.push_str("ae"),
            c if c.is_alphanumeric() => folded.push(c),
            _ => folded.push(' '),
        }
    }
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `words` (folded) appear, whole and in order, within `within` (folded):
/// `Marie` and `Anne-Marie` are within `ANNE MARIE LOUISE`; `Ann` is not.
pub fn words_within(words: &str, within: &str) -> bool {
    let (words, within) = (fold(words), fold(within));
    !words.is_empty() && format!(" {within} ").contains(&format!(" {words} "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_accents_and_punctuation() {
        assert_eq!(fold("  Créteil "), "creteil");
        assert_eq!(fold("Jean-Pierre"), fold("JEAN PIERRE"));
        assert_eq!(fold("L'Haÿ-les-Roses"), "l hay les roses");
        assert_eq!(fold("Nuñez"), "nunez");
    }

    #[test]
    fn words_are_found_whole_and_in_order() {
        assert!(words_within("Marie", "ANNE MARIE LOUISE"));
        assert!(words_within("Anne-Marie", "ANNE MARIE LOUISE"));
        assert!(words_within("élodie", "ELODIE JUDITH"));
        assert!(!words_within("Ann", "ANNE MARIE"));
        assert!(!words_within("Marie Anne", "ANNE MARIE"));
        assert!(!words_within(" - ", "ANNE"));
    }
}

//! Sign-up step 2: the references a family types against those the city holds.

/// What the city holds for a dossier.
#[derive(Debug, Clone, Copy)]
pub struct HeldReferences<'a> {
    pub number: &'a str,
    pub name: &'a str,
    pub email: Option<&'a str>,
}

/// What the family typed, as printed on its invoices ("1 8", "T I").
#[derive(Debug, Clone, Copy)]
pub struct GivenReferences<'a> {
    pub number: &'a str,
    pub name: &'a str,
    pub email: &'a str,
}

/// The dossier number as stored: spaces and leading zeros dropped ("0 18" is 18).
pub fn normalise_number(typed: &str) -> String {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    digits.trim_start_matches('0').to_owned()
}

fn normalise_name(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}

/// All three must match: the number (spaces and leading zeros aside), the name
/// (case and spacing aside) and the email (case aside). A dossier without an email
/// cannot be claimed online.
pub fn references_match(held: HeldReferences<'_>, given: GivenReferences<'_>) -> bool {
    normalise_number(held.number) == normalise_number(given.number)
        && normalise_name(held.name) == normalise_name(given.name)
        && held
            .email
            .is_some_and(|email| email.trim().eq_ignore_ascii_case(given.email.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HELD: HeldReferences<'static> = HeldReferences {
        number: "18",
        name: "T I",
        email: Some("famille.ti@exemple.fr"),
    };

    fn given<'a>(number: &'a str, name: &'a str, email: &'a str) -> GivenReferences<'a> {
        GivenReferences {
            number,
            name,
            email,
        }
    }

    #[test]
    fn references_typed_as_on_the_invoice_match() {
        assert!(references_match(
            HELD,
            given("1 8", "t  i", " Famille.TI@exemple.fr")
        ));
        assert!(references_match(
            HELD,
            given("018", "T I", "famille.ti@exemple.fr")
        ));
    }

    #[test]
    fn any_wrong_reference_fails() {
        assert!(!references_match(
            HELD,
            given("19", "T I", "famille.ti@exemple.fr")
        ));
        assert!(!references_match(
            HELD,
            given("18", "T J", "famille.ti@exemple.fr")
        ));
        assert!(!references_match(
            HELD,
            given("18", "T I", "autre@exemple.fr")
        ));
        let no_email = HeldReferences {
            email: None,
            ..HELD
        };
        assert!(!references_match(no_email, given("18", "T I", "")));
    }
}

//! What families read about a password that breaks the policy.

use domain::accounts::password::PasswordViolation;

use super::Text;

/// What to show under a password field for a broken rule.
pub fn password_violation_message(violation: PasswordViolation) -> Text {
    match violation {
        PasswordViolation::TooShort { min } => Text::new(
            format!("{min} caractères au minimum."),
            format!("At least {min} characters."),
        ),
        PasswordViolation::TooLong { max } => Text::new(
            format!("{max} caractères au maximum."),
            format!("At most {max} characters."),
        ),
        PasswordViolation::MissingUppercase => {
            Text::new("Au moins 1 majuscule.", "At least 1 uppercase letter.")
        }
        PasswordViolation::MissingLowercase => {
            Text::new("Au moins 1 minuscule.", "At least 1 lowercase letter.")
        }
        PasswordViolation::MissingDigit => Text::new("Au moins 1 chiffre.", "At least 1 digit."),
        PasswordViolation::MissingSpecial => Text::new(
            "Au moins 1 caractère spécial.",
            "At least 1 special character.",
        ),
        PasswordViolation::TooCommon => Text::new(
            "Ce mot de passe est trop courant : choisissez-en un autre.",
            "This password is too common: choose another one.",
        ),
    }
}

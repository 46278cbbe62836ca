//! Values that cannot be built invalid: parse, don't validate.

/// Why a value was refused; the API turns it into a field error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error("empty")]
    Empty,
    #[error("too long")]
    TooLong,
    #[error("invalid format")]
    InvalidFormat,
}

/// `text` trimmed, refused when empty or longer than `max` characters.
fn trimmed(text: &str, max: usize) -> Result<&str, IdentityError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(IdentityError::Empty);
    }
    if text.chars().count() > max {
        return Err(IdentityError::TooLong);
    }
    Ok(text)
}

/// `text` trimmed, refused when empty, longer than `max` characters or not `valid`.
fn checked(
    text: &str,
    max: usize,
    valid: impl FnOnce(&str) -> bool,
) -> Result<String, IdentityError> {
    let text = trimmed(text, max)?;
    if valid(text) {
        Ok(text.to_owned())
    } else {
        Err(IdentityError::InvalidFormat)
    }
}

/// An email address, trimmed; compared and indexed lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// A deliberately simple check (one `@`, a dotted domain, no spaces or control
    /// characters, at most 254 characters): the activation email proves the rest.
    pub fn parse(text: &str) -> Result<Self, IdentityError> {
        checked(text, 254, |text| {
            text.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && local.len() <= 64
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
                    && !domain.contains('@')
                    && !text.chars().any(|c| c.is_whitespace() || c.is_control())
            })
        })
        .map(Self)
    }
}

/// A login name: 3 to 50 letters, digits, dots, dashes or underscores. No `@`: a
/// login is a username or an email address, and must never be both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(text: &str) -> Result<Self, IdentityError> {
        checked(text, 50, |text| {
            text.chars().count() >= 3
                && text
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
        })
        .map(Self)
    }
}

/// A first or last name as the person writes it, 1 to 100 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(text: &str) -> Result<Self, IdentityError> {
        checked(text, 100, |text| !text.chars().any(char::is_control)).map(Self)
    }
}

/// The text a value holds; for logins, also the form used for uniqueness and
/// look-ups (lowercased).
macro_rules! text_values {
    ($($name:ident),* ; keyed: $($keyed:ident),*) => {
        $(impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        })*
        $(impl $keyed {
            pub fn key(&self) -> String {
                self.0.to_lowercase()
            }
        })*
    };
}

text_values!(Email, Username, PersonName; keyed: Email, Username);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_keyed_lowercase() {
        let email = Email::parse("  Famille.TI@Example.fr ").unwrap();
        assert_eq!(email.as_str(), "Famille.TI@Example.fr");
        assert_eq!(email.key(), "famille.ti@example.fr");
        for bad in [
            "",
            "no-at.example.fr",
            "a@b",
            "a@.fr",
            "a b@c.fr",
            "a@b..fr",
            "@c.fr",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn usernames_allow_what_people_type() {
        assert!(Username::parse("famille.ti").is_ok());
        assert!(Username::parse("élodie_2").is_ok());
        assert_eq!(Username::parse("ab"), Err(IdentityError::InvalidFormat));
        assert_eq!(Username::parse("a b c"), Err(IdentityError::InvalidFormat));
        assert_eq!(
            Username::parse("sam@exemple.fr"),
            Err(IdentityError::InvalidFormat)
        );
        assert_eq!(
            Username::parse(&"x".repeat(51)),
            Err(IdentityError::TooLong)
        );
    }
}

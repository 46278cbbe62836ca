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

/// An email address, trimmed; compared and indexed lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// A deliberately simple check (one `@`, a dotted domain, no spaces or control
    /// characters, at most 254 characters): the activation email proves the rest.
    pub fn parse(text: &str) -> Result<Self, IdentityError> {
        let text = trimmed(text, 254)?;
        let Some((local, domain)) = text.split_once('@') else {
            return Err(IdentityError::InvalidFormat);
        };
        let valid = !local.is_empty()
            && local.len() <= 64
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@')
            && !text.chars().any(|c| c.is_whitespace() || c.is_control());
        if !valid {
            return Err(IdentityError::InvalidFormat);
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form used for uniqueness and look-ups.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A login name: 3 to 50 letters, digits, dots, dashes or underscores. No `@`: a
/// login is a username or an email address, and must never be both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(text: &str) -> Result<Self, IdentityError> {
        let text = trimmed(text, 50)?;
        let valid = text.chars().count() >= 3
            && text
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if !valid {
            return Err(IdentityError::InvalidFormat);
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A first or last name as the person writes it, 1 to 100 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(text: &str) -> Result<Self, IdentityError> {
        let text = trimmed(text, 100)?;
        if text.chars().any(char::is_control) {
            return Err(IdentityError::InvalidFormat);
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

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

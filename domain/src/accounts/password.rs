//! The password policy families and agents must follow.
//!
//! The policy is the city's configuration; the default is the rule printed in the
//! guide ("6 caractères minimum contenant 1 majuscule et 1 caractère spécial").
//! A password is never truncated or altered: it is checked as typed.

/// Passwords people pick first, refused whatever the other rules say. Compared
/// case-insensitively and ignoring a trailing run of digits and symbols, so that
/// "Azerty123!" counts as "azerty".
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// The length at which any policy stops: argon2 hashes longer input fine, but a
/// bound keeps hashing time predictable.
pub const MAX_LENGTH_CAP: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub min_length: usize,
    pub max_length: usize,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub require_digit: bool,
    pub require_special: bool,
    pub reject_common: bool,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: 6,
            max_length: MAX_LENGTH_CAP,
            require_uppercase: true,
            require_lowercase: false,
            require_digit: false,
            require_special: true,
            reject_common: true,
        }
    }
}

/// A rule a candidate password breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordViolation {
    TooShort { min: usize },
    TooLong { max: usize },
    MissingUppercase,
    MissingLowercase,
    MissingDigit,
    MissingSpecial,
    TooCommon,
}

impl PasswordViolation {
    /// The stable machine code clients switch on.
    pub fn code(self) -> &'static str {
        match self {
            Self::TooShort { .. } => "too_short",
            Self::TooLong { .. } => "too_long",
            Self::MissingUppercase => "missing_uppercase",
            Self::MissingLowercase => "missing_lowercase",
            Self::MissingDigit => "missing_digit",
            Self::MissingSpecial => "missing_special",
            Self::TooCommon => "too_common",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidPolicy {
    #[error("the minimum length must be at least 1")]
    MinLengthZero,
    #[error("the maximum length must be between 64 and {MAX_LENGTH_CAP}")]
    MaxLengthOutOfRange,
    #[error("the minimum length is greater than the maximum length")]
    MinAboveMax,
}

impl PasswordPolicy {
    /// Checks that a configured policy is coherent and accepts long passphrases.
    pub fn validated(self) -> Result<Self, InvalidPolicy> {
        if self.min_length == 0 {
            return Err(InvalidPolicy::MinLengthZero);
        }
        if !(64..=MAX_LENGTH_CAP).contains(&self.max_length) {
            return Err(InvalidPolicy::MaxLengthOutOfRange);
        }
        if self.min_length > self.max_length {
            return Err(InvalidPolicy::MinAboveMax);
        }
        Ok(self)
    }

    /// Every rule the candidate breaks, in a stable order; empty when it is acceptable.
    /// Lengths count characters (Unicode scalar values), not bytes.
    pub fn check(&self, candidate: &str) -> Vec<PasswordViolation> {
        let length = candidate.chars().count();
        let mut violations = Vec::new();
        if length < self.min_length {
            violations.push(PasswordViolation::TooShort {
                min: self.min_length,
            });
        }
        if length > self.max_length {
            violations.push(PasswordViolation::TooLong {
                max: self.max_length,
            });
        }
        if self.require_uppercase && !candidate.chars().any(char::is_uppercase) {
            violations.push(PasswordViolation::MissingUppercase);
        }
        if self.require_lowercase && !candidate.chars().any(char::is_lowercase) {
            violations.push(PasswordViolation::MissingLowercase);
        }
        if self.require_digit && !candidate.chars().any(|c| c.is_ascii_digit()) {
            violations.push(PasswordViolation::MissingDigit);
        }
        if self.require_special && !candidate.chars().any(is_special) {
            violations.push(PasswordViolation::MissingSpecial);
        }
        if self.reject_common && is_common(candidate) {
            violations.push(PasswordViolation::TooCommon);
        }
        violations
    }
}

/// Anything that is neither a letter, a digit nor white space counts as special.
fn is_special(c: char) -> bool {
    !c.is_alphanumeric() && !c.is_whitespace()
}

fn is_common(candidate: &str) -> bool {
    let lowered = candidate.to_lowercase();
    let stem = lowered.trim_end_matches(|c: char| c.is_ascii_digit() || is_special(c));
    COMMON_PASSWORDS
        .lines()
        .map(str::trim)
        .filter(|word| !word.is_empty())
        .any(|word| word == lowered || word == stem)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_guide_rule_is_the_default() {
        let policy = PasswordPolicy::default();
        assert_eq!(policy.check("Abcde!"), vec![]);
        assert_eq!(
            policy.check("Ab!"),
            vec![PasswordViolation::TooShort { min: 6 }]
        );
        assert_eq!(
            policy.check("bcdefg!"),
            vec![PasswordViolation::MissingUppercase]
        );
        assert_eq!(
            policy.check("Abcdefg"),
            vec![PasswordViolation::MissingSpecial]
        );
    }

    #[test]
    fn common_passwords_are_refused_even_decorated() {
        let policy = PasswordPolicy::default();
        for candidate in ["Azerty123!", "Password!", "Motdepasse1*", "Soleil!!"] {
            assert!(
                policy
                    .check(candidate)
                    .contains(&PasswordViolation::TooCommon),
                "{candidate}"
            );
        }
        assert!(
            !policy
                .check("Trois-Chats-Verts")
                .contains(&PasswordViolation::TooCommon)
        );
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let policy = PasswordPolicy::default();
        assert_eq!(policy.check("Été!éé"), vec![]);
    }

    #[test]
    fn incoherent_policies_are_refused() {
        let short_cap = PasswordPolicy {
            max_length: 32,
            ..PasswordPolicy::default()
        };
        assert_eq!(
            short_cap.validated(),
            Err(InvalidPolicy::MaxLengthOutOfRange)
        );
        let zero = PasswordPolicy {
            min_length: 0,
            ..PasswordPolicy::default()
        };
        assert_eq!(zero.validated(), Err(InvalidPolicy::MinLengthZero));
    }

    proptest! {
        #[test]
        fn a_password_within_all_rules_is_never_refused_for_its_length(
            body in "[a-z]{4,100}",
        ) {
            let candidate = format!("Q{body}#x");
            let violations = PasswordPolicy::default().check(&candidate);
            let refused_for_length = violations.iter().any(|v| {
                matches!(v, PasswordViolation::TooShort { .. } | PasswordViolation::TooLong { .. })
            });
            prop_assert!(!refused_for_length, "{candidate}: {violations:?}");
        }

        #[test]
        fn passwords_over_the_cap_are_always_refused(extra in 1usize..50) {
            let candidate = format!("A!{}", "x".repeat(MAX_LENGTH_CAP - 2 + extra));
            let too_long = PasswordViolation::TooLong { max: MAX_LENGTH_CAP };
            prop_assert!(PasswordPolicy::default().check(&candidate).contains(&too_long));
        }
    }
}

//! Checks of the values a dossier holds; each failure names a stable code.

use chrono::NaiveDate;

/// A value that breaks its rule: a stable code the API turns into a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldProblem {
    Required,
    TooLong,
    InvalidFormat,
    InFuture,
    TooOld,
}

impl FieldProblem {
    pub fn code(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::TooLong => "too_long",
            Self::InvalidFormat => "invalid_format",
            Self::InFuture => "in_future",
            Self::TooOld => "too_old",
        }
    }
}

impl From<crate::accounts::IdentityError> for FieldProblem {
    fn from(error: crate::accounts::IdentityError) -> Self {
        use crate::accounts::IdentityError as E;
        match error {
            E::Empty => Self::Required,
            E::TooLong => Self::TooLong,
            E::InvalidFormat => Self::InvalidFormat,
        }
    }
}

/// The groups of contact details a family edits, each of which the city may
/// apply at once or hold for an agent's approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContactField {
    Address,
    Phones,
    Email,
}

impl ContactField {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Address => "address",
            Self::Phones => "phones",
            Self::Email => "email",
        }
    }
}

impl std::str::FromStr for ContactField {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "address" => Ok(Self::Address),
            "phones" => Ok(Self::Phones),
            "email" => Ok(Self::Email),
            other => Err(format!(
                "unknown contact field: {other} (address, phones, email)"
            )),
        }
    }
}

/// A dossier number as the city prints it: 1 to 20 letters, digits, `-` or `/`.
pub fn check_dossier_number(number: &str) -> Result<String, FieldProblem> {
    let number = number.trim();
    if number.is_empty() {
        return Err(FieldProblem::Required);
    }
    if number.chars().count() > 20 {
        return Err(FieldProblem::TooLong);
    }
    if !number
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/')
    {
        return Err(FieldProblem::InvalidFormat);
    }
    Ok(number.to_owned())
}

/// A phone number kept as digits with an optional leading `+`: separators (spaces,
/// dots, dashes, brackets) are dropped, 6 to 15 digits remain.
pub fn normalise_phone(phone: &str) -> Result<String, FieldProblem> {
    let trimmed = phone.trim();
    if trimmed.is_empty() {
        return Err(FieldProblem::Required);
    }
    let (plus, rest) = match trimmed.strip_prefix('+') {
        Some(rest) => ("+", rest),
        None => ("", trimmed),
    };
    let mut digits = String::new();
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '.' | '-' | '(' | ')' => {}
            _ => return Err(FieldProblem::InvalidFormat),
        }
    }
    if !(6..=15).contains(&digits.len()) {
        return Err(FieldProblem::InvalidFormat);
    }
    Ok(format!("{plus}{digits}"))
}

/// A French postcode: five digits.
pub fn check_postcode(postcode: &str) -> Result<String, FieldProblem> {
    let postcode = postcode.trim();
    if postcode.is_empty() {
        return Err(FieldProblem::Required);
    }
    if postcode.len() == 5 && postcode.chars().all(|c| c.is_ascii_digit()) {
        Ok(postcode.to_owned())
    } else {
        Err(FieldProblem::InvalidFormat)
    }
}

/// A child's birth date: not after today, and less than 26 years ago (the portal
/// serves children and young adults, not typos like 1026).
pub fn check_birth_date(birth: NaiveDate, today: NaiveDate) -> Result<NaiveDate, FieldProblem> {
    if birth > today {
        return Err(FieldProblem::InFuture);
    }
    match today.checked_sub_months(chrono::Months::new(26 * 12)) {
        Some(limit) if birth <= limit => Err(FieldProblem::TooOld),
        _ => Ok(birth),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn phones_lose_their_separators_and_keep_a_leading_plus() {
        assert_eq!(normalise_phone("01 45 59 20 00"), Ok("0145592000".into()));
        assert_eq!(
            normalise_phone("+33 (0)6.12.34.56.78"),
            Ok("+330612345678".into())
        );
        assert_eq!(normalise_phone("06-12"), Err(FieldProblem::InvalidFormat));
        assert_eq!(
            normalise_phone("06 12 34 56 7a"),
            Err(FieldProblem::InvalidFormat)
        );
        assert_eq!(normalise_phone("  "), Err(FieldProblem::Required));
    }

    #[test]
    fn postcodes_are_five_digits() {
        assert_eq!(check_postcode(" 94800 "), Ok("94800".into()));
        assert_eq!(check_postcode("9480"), Err(FieldProblem::InvalidFormat));
        assert_eq!(check_postcode("94 800"), Err(FieldProblem::InvalidFormat));
    }

    #[test]
    fn dossier_numbers_are_short_and_plain() {
        assert_eq!(check_dossier_number(" 18 "), Ok("18".into()));
        assert_eq!(check_dossier_number("2026/A-18"), Ok("2026/A-18".into()));
        assert_eq!(
            check_dossier_number("18 19"),
            Err(FieldProblem::InvalidFormat)
        );
        assert_eq!(
            check_dossier_number(&"1".repeat(21)),
            Err(FieldProblem::TooLong)
        );
        assert_eq!(check_dossier_number(""), Err(FieldProblem::Required));
    }

    #[test]
    fn birth_dates_are_past_and_plausible() {
        let today = date(2026, 11, 26);
        assert!(check_birth_date(date(2022, 3, 14), today).is_ok());
        assert!(check_birth_date(today, today).is_ok());
        assert_eq!(
            check_birth_date(date(2026, 11, 27), today),
            Err(FieldProblem::InFuture)
        );
        assert_eq!(
            check_birth_date(date(1026, 3, 14), today),
            Err(FieldProblem::TooOld)
        );
    }
}

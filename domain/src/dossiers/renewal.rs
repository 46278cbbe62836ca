//! The yearly renewal of a family file: the city opens a campaign for a school year,
//! each family confirms the sections it asks (a draft kept on the server), sends it,
//! and an agent validates it or sends it back with a comment. Registrations for that
//! school year need a validated renewal.

use chrono::{Datelike, NaiveDate};

use crate::stored::stored_enum;

stored_enum! {
    /// What a campaign asks families to confirm.
    RenewalSection {
        ContactDetails => "contact_details", Guardians => "guardians",
        Contacts => "contacts", Health => "health", Schools => "schools",
        Quotient => "quotient", Documents => "documents",
    }
}

stored_enum! {
    /// Where a family's renewal stands: confirmed section by section (`draft`), sent to
    /// the city (`submitted`), sent back with a comment (`returned`), `validated`.
    RenewalStatus {
        Draft => "draft", Submitted => "submitted", Returned => "returned",
        Validated => "validated",
    }
}

impl RenewalStatus {
    /// Whether the family may still change it: not once sent or validated.
    pub fn open_to_family(self) -> bool {
        matches!(self, Self::Draft | Self::Returned)
    }
}

/// An agent's decision on a renewal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenewalDecision {
    Validate,
    Return,
}

/// The status a decision leads to: an agent validates a renewal whatever its state
/// (an override, for a family that cannot do it online), except one validated
/// already; only a submitted one is sent back.
pub fn decide_renewal(current: RenewalStatus, decision: RenewalDecision) -> Option<RenewalStatus> {
    match (current, decision) {
        (RenewalStatus::Validated, _) => None,
        (_, RenewalDecision::Validate) => Some(RenewalStatus::Validated),
        (RenewalStatus::Submitted, RenewalDecision::Return) => Some(RenewalStatus::Returned),
        (_, RenewalDecision::Return) => None,
    }
}

/// The school year (its first calendar year: 2027 for 2027-2028) a day belongs to.
pub fn school_year_of(day: NaiveDate) -> i32 {
    if day.month() >= 9 {
        day.year()
    } else {
        day.year() - 1
    }
}

/// The sections of `asked` not in `confirmed`, in the campaign's order.
pub fn unconfirmed(asked: &[RenewalSection], confirmed: &[RenewalSection]) -> Vec<RenewalSection> {
    asked
        .iter()
        .filter(|s| !confirmed.contains(s))
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agents_validate_any_renewal_once_and_return_only_a_submitted_one() {
        use RenewalDecision::{Return, Validate};
        use RenewalStatus::{Draft, Returned, Submitted, Validated};
        for status in [Draft, Submitted, Returned] {
            assert_eq!(decide_renewal(status, Validate), Some(Validated));
        }
        assert_eq!(decide_renewal(Submitted, Return), Some(Returned));
        for status in [Draft, Returned, Validated] {
            assert_eq!(decide_renewal(status, Return), None);
        }
        assert_eq!(decide_renewal(Validated, Validate), None);
        assert!(Draft.open_to_family() && Returned.open_to_family());
        assert!(!Submitted.open_to_family() && !Validated.open_to_family());
    }

    #[test]
    fn a_day_belongs_to_the_school_year_that_starts_in_september() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(school_year_of(day(2027, 9, 1)), 2027);
        assert_eq!(school_year_of(day(2027, 8, 31)), 2026);
        assert_eq!(school_year_of(day(2028, 1, 5)), 2027);
    }

    #[test]
    fn unconfirmed_sections_keep_the_campaigns_order() {
        use RenewalSection::{ContactDetails, Documents, Health, Quotient};
        assert_eq!(
            unconfirmed(
                &[ContactDetails, Health, Quotient, Documents],
                &[Quotient, ContactDetails]
            ),
            [Health, Documents]
        );
    }
}

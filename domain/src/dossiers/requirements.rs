//! The documents the city requires, and how long each stays valid: a proof of address
//! under three months, the school insurance of the school year, vaccination pages that
//! do not expire. For each requirement, a dossier holds a document that meets it, one
//! waiting for an agent, one expired or refused, or nothing.

use chrono::{Datelike, Days, Months, NaiveDate};

use super::quotient::renewed_school_year_end;
use super::vocabulary::DocumentStatus;
use crate::stored::stored_enum;

/// How many days before its expiry a document counts as expiring (and the family is
/// reminded).
pub const EXPIRY_NOTICE_DAYS: u64 = 30;

stored_enum! {
    /// Whom a requirement asks: every dossier once, every child, every child with a
    /// declared allergy (the care plan), or only children registered to an activity
    /// that lists the document.
    RequirementScope {
        Dossier => "dossier", Child => "child", ChildWithAllergy => "child_with_allergy",
        Activity => "activity",
    }
}

stored_enum! {
    /// How long a document stays valid from the day it was issued: some months, to the
    /// end of the school year it is for, or for good.
    ValidityRule { Months => "months", SchoolYear => "school_year", Permanent => "permanent" }
}

/// A requirement's validity: the rule and, for `Months`, how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    pub rule: ValidityRule,
    pub months: Option<u32>,
}

impl Validity {
    /// The last day a document issued on `issued_on` is valid; `None` for good.
    pub fn valid_until(self, issued_on: NaiveDate) -> Option<NaiveDate> {
        match self.rule {
            ValidityRule::Permanent => None,
            ValidityRule::SchoolYear => Some(renewed_school_year_end(issued_on)),
            // The day before the same day N months on; a day the month lacks (30
            // February) is the month's last, so 30 November gives 28 February.
            ValidityRule::Months => Some(
                match issued_on.checked_add_months(Months::new(self.months.unwrap_or(0))) {
                    Some(same_day) if same_day.day() == issued_on.day() => {
                        same_day.pred_opt().unwrap_or(same_day)
                    }
                    Some(month_end) => month_end,
                    None => issued_on,
                },
            ),
        }
    }
}

/// A document as a requirement sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldDocument {
    pub id: i64,
    pub status: DocumentStatus,
    pub valid_until: Option<NaiveDate>,
}

impl HeldDocument {
    /// Whether it can stand for the requirement on `day`: accepted or waiting for an
    /// agent (a family is not held up by the review), and not expired by then.
    pub fn meets_on(&self, day: NaiveDate) -> bool {
        self.status != DocumentStatus::Refused && self.valid_until.is_none_or(|end| end >= day)
    }
}

stored_enum! {
    /// Where a requirement stands for a dossier or a child.
    RequirementStatus {
        Valid => "valid", Expiring => "expiring", Pending => "pending", Expired => "expired",
        Refused => "refused", Missing => "missing",
    }
}

impl RequirementStatus {
    /// Whether a document stands for the requirement (a pending one counts until an
    /// agent refuses it).
    pub fn is_met(self) -> bool {
        matches!(self, Self::Valid | Self::Expiring | Self::Pending)
    }
}

/// Where a requirement stands on `today`, and the document that decides it: the best
/// of the documents held (valid before waiting, waiting before expired, expired before
/// refused; the latest-expiring, then the newest, among equals).
pub fn requirement_status(
    documents: &[HeldDocument],
    today: NaiveDate,
) -> (RequirementStatus, Option<HeldDocument>) {
    let soon = today
        .checked_add_days(Days::new(EXPIRY_NOTICE_DAYS))
        .unwrap_or(today);
    let status_of = |d: &HeldDocument| match d.status {
        DocumentStatus::Refused => RequirementStatus::Refused,
        _ if !d.meets_on(today) => RequirementStatus::Expired,
        DocumentStatus::Pending => RequirementStatus::Pending,
        DocumentStatus::Accepted if d.valid_until.is_some_and(|end| end <= soon) => {
            RequirementStatus::Expiring
        }
        DocumentStatus::Accepted => RequirementStatus::Valid,
    };
    let rank = |s: RequirementStatus| match s {
        RequirementStatus::Valid | RequirementStatus::Expiring => 0,
        RequirementStatus::Pending => 1,
        RequirementStatus::Expired => 2,
        RequirementStatus::Refused => 3,
        RequirementStatus::Missing => 4,
    };
    documents
        .iter()
        .map(|d| (status_of(d), *d))
        .min_by_key(|(s, d)| {
            (
                rank(*s),
                std::cmp::Reverse((d.valid_until.is_none(), d.valid_until, d.id)),
            )
        })
        .map_or((RequirementStatus::Missing, None), |(s, d)| (s, Some(d)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn held(id: i64, status: DocumentStatus, valid_until: Option<NaiveDate>) -> HeldDocument {
        HeldDocument {
            id,
            status,
            valid_until,
        }
    }

    #[test]
    fn validity_runs_some_months_to_the_school_year_end_or_for_good() {
        let months = |n| Validity {
            rule: ValidityRule::Months,
            months: Some(n),
        };
        assert_eq!(
            months(3).valid_until(date(2026, 11, 30)),
            Some(date(2027, 2, 28))
        );
        assert_eq!(
            months(1).valid_until(date(2027, 1, 31)),
            Some(date(2027, 2, 28))
        );
        assert_eq!(
            months(1).valid_until(date(2027, 1, 28)),
            Some(date(2027, 2, 27))
        );
        assert_eq!(
            months(3).valid_until(date(2026, 9, 10)),
            Some(date(2026, 12, 9))
        );
        let year = Validity {
            rule: ValidityRule::SchoolYear,
            months: None,
        };
        assert_eq!(year.valid_until(date(2026, 9, 10)), Some(date(2027, 8, 31)));
        assert_eq!(year.valid_until(date(2027, 3, 1)), Some(date(2027, 8, 31)));
        // An insurance taken out in the summer is for the coming school year.
        assert_eq!(year.valid_until(date(2027, 7, 2)), Some(date(2028, 8, 31)));
        let forever = Validity {
            rule: ValidityRule::Permanent,
            months: None,
        };
        assert_eq!(forever.valid_until(date(2020, 1, 1)), None);
    }

    #[test]
    fn the_best_document_decides_where_a_requirement_stands() {
        use DocumentStatus::{Accepted, Pending, Refused};
        let today = date(2026, 12, 7);
        let status = |docs: &[HeldDocument]| requirement_status(docs, today);
        assert_eq!(status(&[]), (RequirementStatus::Missing, None));
        let expired = held(1, Accepted, Some(date(2026, 8, 31)));
        let refused = held(2, Refused, None);
        let pending = held(3, Pending, Some(date(2027, 8, 31)));
        let valid = held(4, Accepted, Some(date(2027, 8, 31)));
        let expiring = held(5, Accepted, Some(date(2026, 12, 20)));
        assert_eq!(status(&[refused]).0, RequirementStatus::Refused);
        assert_eq!(
            status(&[refused, expired]),
            (RequirementStatus::Expired, Some(expired))
        );
        assert_eq!(status(&[expired, pending]).0, RequirementStatus::Pending);
        assert_eq!(
            status(&[valid, pending, expired]),
            (RequirementStatus::Valid, Some(valid))
        );
        assert_eq!(status(&[expiring]).0, RequirementStatus::Expiring);
        assert_eq!(
            status(&[expiring, valid]).1,
            Some(valid),
            "the one that lasts longer"
        );
        assert_eq!(
            status(&[held(6, Accepted, None), valid]).1.map(|d| d.id),
            Some(6)
        );
    }

    #[test]
    fn a_document_meets_a_requirement_until_it_expires_unless_refused() {
        let insurance = held(1, DocumentStatus::Accepted, Some(date(2026, 8, 31)));
        assert!(insurance.meets_on(date(2026, 8, 31)));
        assert!(!insurance.meets_on(date(2026, 9, 1)));
        assert!(held(2, DocumentStatus::Pending, None).meets_on(date(2030, 1, 1)));
        assert!(!held(3, DocumentStatus::Refused, None).meets_on(date(2026, 1, 1)));
    }
}

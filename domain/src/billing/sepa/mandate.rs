//! A mandate's reference (RUM), its lapse after 36 months unused, and the sequence
//! type of each debit under it.

use chrono::{Months, NaiveDate};

use super::SequenceType;
use super::text::sepa_text;

/// A mandate no debit has used for this long lapses (SEPA Core rulebook).
pub const LAPSE_MONTHS: u32 = 36;

/// Rejections in a row after which the city suspends a mandate.
pub const REJECTIONS_BEFORE_SUSPENSION: i32 = 2;

/// The unique mandate reference: `EF`, the dossier's number and the mandate's id
/// (`EF-18-000042`), 35 characters at most, in the characters SEPA allows.
pub fn mandate_reference(dossier_number: &str, mandate_id: i64) -> String {
    let dossier: String = sepa_text(dossier_number, 35)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(12)
        .collect();
    format!("EF-{dossier}-{mandate_id:06}")
}

/// The last day a mandate signed on `signed_on` and last used on `last_collected_on`
/// may be used: 36 months after its last use, or after its signature if never used.
pub fn lapses_on(signed_on: NaiveDate, last_collected_on: Option<NaiveDate>) -> NaiveDate {
    let from = last_collected_on.unwrap_or(signed_on).max(signed_on);
    from.checked_add_months(Months::new(LAPSE_MONTHS))
        .unwrap_or(from)
}

/// The first debit of a mandate is `FRST`, the next ones `RCUR`; a first debit the
/// bank rejected leaves the next one first again.
pub fn sequence_type(collected_before: bool) -> SequenceType {
    if collected_before {
        SequenceType::Recurring
    } else {
        SequenceType::First
    }
}

/// Whether a mandate is suspended after a rejection: two in a row, or one that says
/// the mandate cannot be used again (account closed or unknown, holder deceased, no
/// mandate, debits forbidden on the account).
pub fn suspends(consecutive_rejections: i32, reason_code: &str) -> bool {
    consecutive_rejections >= REJECTIONS_BEFORE_SUSPENSION
        || matches!(reason_code, "AC01" | "AC04" | "AG01" | "MD01" | "MD07")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn references_are_short_and_plain() {
        assert_eq!(mandate_reference("18", 42), "EF-18-000042");
        assert_eq!(mandate_reference("DOS/2026 é", 7), "EF-DOS2026e-000007");
        assert!(mandate_reference(&"9".repeat(60), i64::MAX).len() <= 35);
    }

    #[test]
    fn mandates_lapse_36_months_after_their_last_use() {
        assert_eq!(lapses_on(date(2024, 1, 15), None), date(2027, 1, 15));
        assert_eq!(
            lapses_on(date(2024, 1, 15), Some(date(2026, 2, 5))),
            date(2029, 2, 5)
        );
        assert_eq!(lapses_on(date(2024, 2, 29), None), date(2027, 2, 28));
    }

    #[test]
    fn first_then_recurring() {
        assert_eq!(sequence_type(false), SequenceType::First);
        assert_eq!(sequence_type(true), SequenceType::Recurring);
        assert_eq!(SequenceType::First.as_str(), "FRST");
    }

    #[test]
    fn two_rejections_in_a_row_or_a_final_one_suspend() {
        assert!(!suspends(1, "AM04"));
        assert!(suspends(2, "AM04"));
        assert!(suspends(1, "AC04"));
        assert!(suspends(1, "MD07"));
    }
}

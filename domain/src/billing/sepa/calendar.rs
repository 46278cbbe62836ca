//! When a debit may be collected: on a TARGET2 business day (the euro's interbank
//! settlement calendar: closed on weekends, 1 January, Good Friday, Easter Monday,
//! 1 May, 25 and 26 December), and no sooner than 14 calendar days after the family
//! was told its amount and date (the rulebook's pre-notification).

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::calendar::easter_sunday;

/// Calendar days between telling the family and collecting.
pub const PRENOTIFICATION_DAYS: u64 = 14;

/// Whether banks settle euro payments on `day`.
pub fn is_target_business_day(day: NaiveDate) -> bool {
    if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        return false;
    }
    let fixed = matches!(
        (day.month(), day.day()),
        (1, 1) | (5, 1) | (12, 25) | (12, 26)
    );
    let easter = easter_sunday(day.year()).is_some_and(|sunday| {
        sunday.checked_sub_days(Days::new(2)) == Some(day)
            || sunday.checked_add_days(Days::new(1)) == Some(day)
    });
    !fixed && !easter
}

/// `day` if banks settle on it, else the next day they do.
pub fn next_business_day(day: NaiveDate) -> NaiveDate {
    let mut day = day;
    // Never more than four closed days in a row (Good Friday to Easter Monday).
    for _ in 0..7 {
        if is_target_business_day(day) {
            return day;
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => return day,
        }
    }
    day
}

/// The day an invoice due on `due_on` is collected when the family is told on
/// `told_on`: its due date, or 14 days after the notice if that is later, moved to the
/// next business day.
pub fn collection_date(due_on: NaiveDate, told_on: NaiveDate) -> NaiveDate {
    let earliest = told_on
        .checked_add_days(Days::new(PRENOTIFICATION_DAYS))
        .unwrap_or(told_on);
    next_business_day(due_on.max(earliest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn target_closes_on_weekends_and_six_days() {
        assert!(is_target_business_day(date(2027, 1, 4)));
        assert!(!is_target_business_day(date(2027, 1, 1)));
        assert!(!is_target_business_day(date(2027, 1, 2)));
        // Easter 2027 is 28 March: Good Friday 26, Easter Monday 29.
        assert!(!is_target_business_day(date(2027, 3, 26)));
        assert!(!is_target_business_day(date(2027, 3, 29)));
        assert!(is_target_business_day(date(2027, 3, 30)));
        assert!(!is_target_business_day(date(2027, 5, 1)));
        assert!(!is_target_business_day(date(2026, 12, 25)));
        assert!(!is_target_business_day(date(2026, 12, 26)));
        // French public holidays that are not TARGET holidays: banks settle.
        assert!(is_target_business_day(date(2027, 7, 14)));
        assert!(is_target_business_day(date(2027, 5, 6))); // Ascension
    }

    #[test]
    fn a_debit_waits_for_its_due_date_and_fourteen_days_of_notice() {
        // Due later than the notice period: the due date, a business day.
        assert_eq!(
            collection_date(date(2027, 2, 3), date(2027, 1, 4)),
            date(2027, 2, 3)
        );
        // Due sooner: 14 days after the notice.
        assert_eq!(
            collection_date(date(2027, 1, 10), date(2027, 1, 5)),
            date(2027, 1, 19)
        );
        // Due on a Saturday: the Monday.
        assert_eq!(
            collection_date(date(2027, 2, 6), date(2027, 1, 4)),
            date(2027, 2, 8)
        );
        // Fourteen days land on Good Friday: after Easter Monday.
        assert_eq!(
            collection_date(date(2027, 3, 1), date(2027, 3, 12)),
            date(2027, 3, 30)
        );
        // Over Christmas and New Year: 25 and 26 December and 1 January are closed.
        assert_eq!(
            collection_date(date(2027, 12, 24), date(2027, 12, 11)),
            date(2027, 12, 27)
        );
        assert_eq!(
            collection_date(date(2027, 12, 31), date(2027, 12, 17)),
            date(2027, 12, 31)
        );
        assert_eq!(
            collection_date(date(2033, 1, 1), date(2032, 12, 1)),
            date(2033, 1, 3)
        );
    }

    #[test]
    fn notice_is_always_fourteen_days_ahead() {
        let mut told = date(2026, 1, 1);
        while told < date(2028, 12, 31) {
            for due_in in [0_u64, 10, 30] {
                let due = told.checked_add_days(Days::new(due_in)).unwrap_or(told);
                let on = collection_date(due, told);
                assert!(is_target_business_day(on), "{on}");
                assert!((on - told).num_days() >= 14, "{told} {on}");
                assert!(on >= due);
                assert!((on - due.max(told + Days::new(14))).num_days() <= 4);
            }
            told = told.succ_opt().unwrap_or(told);
        }
    }
}

//! The deadline rules an activity carries (the city can change them) and the calendar
//! they are read against.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

use crate::calendar::SchoolHolidayPeriod;
use crate::stored::stored_enum;

stored_enum! {
    /// What a `Before` rule's amount counts.
    TimeUnit {
        Hours => "hours",
        Days => "days",
        Weeks => "weeks",
        Months => "months",
    }
}

/// How long before a unit's start a booking or a change is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeadlineRule {
    /// Changes allowed until the unit starts.
    UntilStart,
    /// `amount` units before the unit's start.
    ///
    /// - `Hours` count elapsed time (48 h across a DST change is 48 real hours). With
    ///   `working_days_only`, only the hours of working days count (`Calendar::is_working_day`,
    ///   each counting 24 local hours, the start day up to the start time): non-working days
    ///   are skipped whole, so 48 h before a Monday 07:30 is the Thursday 07:30. With a
    ///   `cutoff`, the deadline moves back to the latest `cutoff` not after that instant (on a
    ///   working day when `working_days_only`).
    /// - `Days`, `Weeks`, `Months` are calendar arithmetic on the local date (months clamped
    ///   to the month's last day), at the start's local time or at `cutoff`. With
    ///   `working_days_only`, `Days` counts working days back; `Weeks` and `Months` ignore the
    ///   flag (a week or a month before is a date families can read on a calendar).
    Before {
        amount: u32,
        unit: TimeUnit,
        cutoff: Option<NaiveTime>,
        working_days_only: bool,
    },
    /// Until `day` (1..=31, clamped to the month's last day; 0 reads as 1) of the month
    /// before the unit's day, at `cutoff`; without a cutoff, until the end of that day: the
    /// deadline instant is 00:00 of the next day.
    PreviousMonth { day: u32, cutoff: Option<NaiveTime> },
    /// A window of local date-times set by the city: open from `opens`, closed from `closes`.
    Window {
        opens: NaiveDateTime,
        closes: NaiveDateTime,
    },
    /// Holiday centres, short holidays: the window opens on the day classes resume after the
    /// school holidays that precede the holidays holding the unit's day, at 00:00 local, and
    /// lasts `days` days. Adjacent or overlapping periods count as one holiday. A day outside
    /// every school holiday period, or without earlier holidays in the calendar, has no window.
    AfterReturn { days: u32 },
    /// Stays and summer centres ("Période définie par la Ville"): the city opens a period
    /// on each activity (its own `Window`); until it does, no day has a window.
    CityPeriod,
}

/// What rules need to know about the calendar; the caller builds it (public holidays of
/// every year it may need, the school holidays of the city's zone).
#[derive(Debug, Clone, Copy)]
pub struct Calendar<'a> {
    /// A set, so that lookups and range counts stay cheap whatever the order of the source.
    pub public_holidays: &'a BTreeSet<NaiveDate>,
    /// Periods in any order; they may touch or overlap.
    pub school_holidays: &'a [SchoolHolidayPeriod],
}

fn is_weekday(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The weekday `x` with exactly `n` weekdays in `x..day` (`day` itself for 0); None out of
/// chrono's range. Whole weeks are jumped at once so that huge amounts cost nothing.
fn weekdays_before(day: NaiveDate, n: u64) -> Option<NaiveDate> {
    if n == 0 {
        return Some(day);
    }
    let weeks = (n - 1) / 5;
    let mut left = (n - 1) % 5 + 1;
    let mut at = day.checked_sub_days(Days::new(weeks.checked_mul(7)?))?;
    loop {
        at = at.pred_opt()?;
        if is_weekday(at) {
            left -= 1;
            if left == 0 {
                return Some(at);
            }
        }
    }
}

impl Calendar<'_> {
    /// Monday to Friday, and not a public holiday.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        is_weekday(day) && !self.public_holidays.contains(&day)
    }

    pub fn is_school_holiday(&self, day: NaiveDate) -> bool {
        self.school_holidays.iter().any(|p| p.contains(day))
    }

    /// The working day `x` with exactly `n` working days in `x..day` (`day` itself for 0);
    /// None out of chrono's range. Each round steps over the weekdays still missing, then
    /// counts the public holidays it crossed, which are missing in turn.
    pub(crate) fn working_days_before(&self, day: NaiveDate, n: u64) -> Option<NaiveDate> {
        let mut end = day;
        let mut missing = n;
        while missing > 0 {
            let start = weekdays_before(end, missing)?;
            let crossed = self.public_holidays.range(start..end);
            missing = u64::try_from(crossed.filter(|d| is_weekday(**d)).count()).ok()?;
            end = start;
        }
        Some(end)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn holidays() -> BTreeSet<NaiveDate> {
        use crate::calendar::{HolidayRegion, public_holidays};
        (2024..=2030)
            .flat_map(|y| public_holidays(y, HolidayRegion::Metropole).unwrap_or_default())
            .map(|h| h.date)
            .collect()
    }

    #[test]
    fn weekends_and_public_holidays_are_not_working_days() {
        let holidays = holidays();
        let calendar = Calendar {
            public_holidays: &holidays,
            school_holidays: &[],
        };
        assert!(calendar.is_working_day(date(2026, 11, 10)));
        assert!(!calendar.is_working_day(date(2026, 11, 11)));
        assert!(!calendar.is_working_day(date(2026, 11, 14)));
        assert!(!calendar.is_working_day(date(2027, 5, 6)));
    }

    #[test]
    fn huge_amounts_of_working_days_leave_chronos_range_without_panicking() {
        let holidays = holidays();
        let calendar = Calendar {
            public_holidays: &holidays,
            school_holidays: &[],
        };
        assert_eq!(
            calendar.working_days_before(date(2026, 1, 1), u64::MAX),
            None
        );
        assert_eq!(
            calendar.working_days_before(NaiveDate::MIN, 1),
            None,
            "nothing before the first date"
        );
    }

    proptest! {
        #[test]
        fn working_days_before_matches_a_day_by_day_walk(offset in 0u64..4000, n in 0u64..400) {
            let holidays = holidays();
            let calendar = Calendar { public_holidays: &holidays, school_holidays: &[] };
            let day = date(2025, 6, 1) + Days::new(offset);
            let mut walked = day;
            let mut left = n;
            while left > 0 {
                let Some(previous) = walked.pred_opt() else { panic!("before the first date") };
                walked = previous;
                if calendar.is_working_day(walked) {
                    left -= 1;
                }
            }
            prop_assert_eq!(calendar.working_days_before(day, n), Some(walked));
        }
    }
}

//! A rule read against the calendar: the window of UTC instants in which a unit's day may
//! be changed, and the decision for the current instant (a refusal says which deadline
//! passed and when).

use chrono::{
    DateTime, Datelike, Days, MappedLocalTime, Months, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeDelta, TimeZone, Timelike, Utc,
};
use chrono_tz::Europe::Paris;

use super::rules::{Calendar, DeadlineRule, TimeUnit};

/// When changes to one unit on one day may be made (UTC instants). `opens_at: None` = open
/// since ever; `closes_at` is exclusive: a change at `closes_at` or later is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeWindow {
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeDecision {
    Allowed { closes_at: DateTime<Utc> },
    DeadlinePassed { deadline: DateTime<Utc> },
    NotYetOpen { opens_at: DateTime<Utc> },
    NoWindow,
}

/// Local Paris date-time → UTC instant: ambiguous (autumn fold) → the earlier instant;
/// nonexistent (spring gap) → shifted forward by one hour. Beyond chrono's range it
/// saturates to its first or last instant.
pub fn paris_instant(local: NaiveDateTime) -> DateTime<Utc> {
    let resolved = match Paris.from_local_datetime(&local) {
        MappedLocalTime::Single(at) => Some(at),
        MappedLocalTime::Ambiguous(first, second) => Some(first.min(second)),
        MappedLocalTime::None => local
            .checked_add_signed(TimeDelta::hours(1))
            .and_then(|later| Paris.from_local_datetime(&later).earliest()),
    };
    match resolved {
        Some(at) => at.with_timezone(&Utc),
        None if local.year() < 0 => DateTime::<Utc>::MIN_UTC,
        None => DateTime::<Utc>::MAX_UTC,
    }
}

/// The Paris local time of an instant; None only at the very end of chrono's range.
fn paris_local(instant: DateTime<Utc>) -> Option<NaiveDateTime> {
    let offset = Paris.offset_from_utc_datetime(&instant.naive_utc()).fix();
    instant.naive_utc().checked_add_offset(offset)
}

/// `start` is the unit's local start (Europe/Paris) on that day. None when the rule gives
/// no window for this day (AfterReturn outside holidays) or the window is empty.
/// `closes_at` is never after the start instant.
pub fn change_window(
    rule: &DeadlineRule,
    start: NaiveDateTime,
    calendar: &Calendar,
) -> Option<ChangeWindow> {
    let start_at = paris_instant(start);
    // A deadline that does not fit in chrono's range is far in the past.
    let far_past = DateTime::<Utc>::MIN_UTC;
    let (opens_at, deadline) = match rule {
        DeadlineRule::UntilStart => (None, start_at),
        DeadlineRule::Before {
            amount,
            unit: TimeUnit::Hours,
            cutoff,
            working_days_only,
        } => {
            let calendar = working_days_only.then_some(calendar);
            let deadline = hours_before(*amount, start, start_at, calendar);
            let deadline = match cutoff {
                Some(cutoff) => deadline.and_then(|d| latest_cutoff(d, *cutoff, calendar)),
                None => deadline,
            };
            (None, deadline.unwrap_or(far_past))
        }
        DeadlineRule::Before {
            amount,
            unit,
            cutoff,
            working_days_only,
        } => {
            let calendar = working_days_only.then_some(calendar);
            let day = date_before(*amount, *unit, start.date(), calendar);
            let at = |day: NaiveDate| paris_instant(day.and_time(cutoff.unwrap_or(start.time())));
            (None, day.map_or(far_past, at))
        }
        DeadlineRule::PreviousMonth { day, cutoff } => (
            None,
            previous_month(start.date(), *day, *cutoff).map_or(far_past, paris_instant),
        ),
        DeadlineRule::Window { opens, closes } => {
            (Some(paris_instant(*opens)), paris_instant(*closes))
        }
        DeadlineRule::AfterReturn { days } => {
            let (opens, closes) = after_return(start.date(), *days, calendar)?;
            (Some(opens), closes)
        }
        DeadlineRule::CityPeriod => return None,
    };
    let closes_at = deadline.min(start_at);
    if opens_at.is_some_and(|opens| opens >= closes_at) {
        return None;
    }
    Some(ChangeWindow {
        opens_at,
        closes_at,
    })
}

/// The booking windows a rule opens over the local starts of an activity's units: one per
/// distinct opening instant, closing at the latest deadline of its days, in opening order.
/// Rules that count back from each day (no opening) have none: nothing to remind of.
pub fn booking_windows(
    rule: &DeadlineRule,
    starts: impl IntoIterator<Item = NaiveDateTime>,
    calendar: &Calendar,
) -> Vec<ChangeWindow> {
    let mut by_opening: std::collections::BTreeMap<DateTime<Utc>, DateTime<Utc>> =
        std::collections::BTreeMap::new();
    for start in starts {
        if let Some(ChangeWindow {
            opens_at: Some(opens_at),
            closes_at,
        }) = change_window(rule, start, calendar)
        {
            let latest = by_opening.entry(opens_at).or_insert(closes_at);
            *latest = (*latest).max(closes_at);
        }
    }
    by_opening
        .into_iter()
        .map(|(opens_at, closes_at)| ChangeWindow {
            opens_at: Some(opens_at),
            closes_at,
        })
        .collect()
}

/// Whether a change to the unit starting at `start` (local) may be made at `now`.
pub fn decide(
    rule: &DeadlineRule,
    start: NaiveDateTime,
    now: DateTime<Utc>,
    calendar: &Calendar,
) -> ChangeDecision {
    judge(change_window(rule, start, calendar), now)
}

/// Whether `now` falls in `window` (`None`: the rule gives no window).
pub fn judge(window: Option<ChangeWindow>, now: DateTime<Utc>) -> ChangeDecision {
    let Some(window) = window else {
        return ChangeDecision::NoWindow;
    };
    match window.opens_at {
        Some(opens_at) if now < opens_at => ChangeDecision::NotYetOpen { opens_at },
        _ if now >= window.closes_at => ChangeDecision::DeadlinePassed {
            deadline: window.closes_at,
        },
        _ => ChangeDecision::Allowed {
            closes_at: window.closes_at,
        },
    }
}

/// `amount` hours before the start: elapsed time, or with a calendar the hours of its
/// working days only (24 local hours each, the start day up to the start time).
fn hours_before(
    amount: u32,
    start: NaiveDateTime,
    start_at: DateTime<Utc>,
    working: Option<&Calendar>,
) -> Option<DateTime<Utc>> {
    let hours = TimeDelta::try_hours(i64::from(amount))?;
    let Some(calendar) = working else {
        return start_at.checked_sub_signed(hours);
    };
    let counted_today = if calendar.is_working_day(start.date()) {
        start.time().signed_duration_since(NaiveTime::MIN)
    } else {
        TimeDelta::zero()
    };
    if hours <= counted_today {
        return Some(paris_instant(start.checked_sub_signed(hours)?));
    }
    // Whole seconds from here on; the start's fraction of a second is added back at the end.
    let fraction = if counted_today.is_zero() {
        0
    } else {
        start.nanosecond() % 1_000_000_000
    };
    let left = u64::from(amount) * 3600 - u64::try_from(counted_today.num_seconds()).ok()?;
    let days = left.div_ceil(86_400);
    let day = calendar.working_days_before(start.date(), days)?;
    let into_day = u32::try_from(days * 86_400 - left).ok()?;
    let time = NaiveTime::from_num_seconds_from_midnight_opt(into_day, fraction)?;
    Some(paris_instant(day.and_time(time)))
}

/// The latest `cutoff` (local) not after `deadline`, on a working day when a calendar is given.
fn latest_cutoff(
    deadline: DateTime<Utc>,
    cutoff: NaiveTime,
    working: Option<&Calendar>,
) -> Option<DateTime<Utc>> {
    let mut day = paris_local(deadline)?.date();
    loop {
        if working.is_none_or(|calendar| calendar.is_working_day(day)) {
            let at = paris_instant(day.and_time(cutoff));
            if at <= deadline {
                return Some(at);
            }
        }
        day = day.pred_opt()?;
    }
}

/// The deadline's date for calendar units; `working` counts days as working days.
fn date_before(
    amount: u32,
    unit: TimeUnit,
    day: NaiveDate,
    working: Option<&Calendar>,
) -> Option<NaiveDate> {
    match (unit, working) {
        (TimeUnit::Days, Some(calendar)) => calendar.working_days_before(day, amount.into()),
        (TimeUnit::Hours | TimeUnit::Days, _) => day.checked_sub_days(Days::new(amount.into())),
        (TimeUnit::Weeks, _) => day.checked_sub_days(Days::new(u64::from(amount) * 7)),
        (TimeUnit::Months, _) => day.checked_sub_months(Months::new(amount)),
    }
}

/// The local deadline of `PreviousMonth`.
fn previous_month(day: NaiveDate, on: u32, cutoff: Option<NaiveTime>) -> Option<NaiveDateTime> {
    let first = day.with_day(1)?;
    let last_of_previous = first.pred_opt()?;
    let deadline_day = last_of_previous.with_day(on.clamp(1, last_of_previous.day()))?;
    match cutoff {
        Some(cutoff) => Some(deadline_day.and_time(cutoff)),
        None => Some(deadline_day.succ_opt()?.and_time(NaiveTime::MIN)),
    }
}

/// The `AfterReturn` window (opens, closes) for a unit on `day`, uncapped.
fn after_return(
    day: NaiveDate,
    days: u32,
    calendar: &Calendar,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let periods = calendar.school_holidays;
    if !calendar.is_school_holiday(day) {
        return None;
    }
    // The first day of the holidays holding `day`, touching periods merged.
    let mut holidays_start = day;
    while let Some(first) = holidays_start.pred_opt().and_then(|before| {
        periods
            .iter()
            .filter(|p| p.contains(before))
            .map(|p| p.first_day)
            .min()
    }) {
        holidays_start = first;
    }
    // No period holds the day before, so every earlier one ended before it.
    let previous_end = periods
        .iter()
        .map(|p| p.last_day)
        .filter(|last| *last < holidays_start)
        .max()?;
    let return_day = previous_end.succ_opt()?;
    let opens = paris_instant(return_day.and_time(NaiveTime::MIN));
    let closes = return_day
        .checked_add_days(Days::new(days.into()))
        .map_or(DateTime::<Utc>::MAX_UTC, |d| {
            paris_instant(d.and_time(NaiveTime::MIN))
        });
    Some((opens, closes))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::calendar::{HolidayRegion, SchoolHolidayPeriod, public_holidays};

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|day| day.and_hms_opt(h, min, 0))
            .unwrap_or_default()
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        local(y, m, d, h, min).and_utc()
    }

    fn time(h: u32, m: u32) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(h, m, 0)
    }

    fn holidays() -> BTreeSet<NaiveDate> {
        (2026..=2028)
            .flat_map(|y| public_holidays(y, HolidayRegion::Metropole).unwrap_or_default())
            .map(|h| h.date)
            .collect()
    }

    fn period(
        description: &str,
        first: (i32, u32, u32),
        last: (i32, u32, u32),
    ) -> SchoolHolidayPeriod {
        let day = |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        SchoolHolidayPeriod {
            school_year: "2026-2027".into(),
            description: description.into(),
            first_day: day(first),
            last_day: day(last),
        }
    }

    /// Créteil 2026-2027, each period from its first to its last day off.
    fn creteil() -> Vec<SchoolHolidayPeriod> {
        vec![
            period("Vacances d'Hiver", (2027, 2, 6), (2027, 2, 21)),
            period("Vacances de la Toussaint", (2026, 10, 17), (2026, 11, 1)),
            period("Vacances de Printemps", (2027, 4, 3), (2027, 4, 18)),
            period("Vacances de Noël", (2026, 12, 19), (2027, 1, 3)),
        ]
    }

    fn before(
        amount: u32,
        unit: TimeUnit,
        cutoff: Option<NaiveTime>,
        working: bool,
    ) -> DeadlineRule {
        DeadlineRule::Before {
            amount,
            unit,
            cutoff,
            working_days_only: working,
        }
    }

    /// The rule's window for a unit starting at `start`, with 2026-2028's public holidays
    /// and Créteil's school holidays.
    fn window(rule: &DeadlineRule, start: NaiveDateTime) -> Option<ChangeWindow> {
        let holidays = holidays();
        let periods = creteil();
        let calendar = Calendar {
            public_holidays: &holidays,
            school_holidays: &periods,
        };
        change_window(rule, start, &calendar)
    }

    fn closes(rule: &DeadlineRule, start: NaiveDateTime) -> Option<DateTime<Utc>> {
        window(rule, start).map(|w| w.closes_at)
    }

    fn decide_at(rule: &DeadlineRule, start: NaiveDateTime, now: DateTime<Utc>) -> ChangeDecision {
        let holidays = holidays();
        let periods = creteil();
        let calendar = Calendar {
            public_holidays: &holidays,
            school_holidays: &periods,
        };
        decide(rule, start, now, &calendar)
    }

    #[test]
    fn morning_care_changes_close_48_hours_before_tuesday_7_30() {
        let rule = before(48, TimeUnit::Hours, None, false);
        let start = local(2026, 9, 8, 7, 30);
        let deadline = utc(2026, 9, 6, 5, 30);
        assert_eq!(closes(&rule, start), Some(deadline));
        let start_at = paris_instant(start);
        assert_eq!(
            decide_at(&rule, start, start_at - TimeDelta::hours(47)),
            ChangeDecision::DeadlinePassed { deadline }
        );
        assert_eq!(
            decide_at(&rule, start, start_at - TimeDelta::hours(49)),
            ChangeDecision::Allowed {
                closes_at: deadline
            }
        );
        assert_eq!(
            decide_at(&rule, start, deadline),
            ChangeDecision::DeadlinePassed { deadline },
            "the deadline itself is too late"
        );
    }

    #[test]
    fn canteen_bookings_close_one_month_before_the_day() {
        let rule = before(1, TimeUnit::Months, None, false);
        let now = utc(2026, 9, 1, 8, 0);
        let lunch_in = |days: u64| {
            NaiveDate::from_ymd_opt(2026, 9, 1)
                .and_then(|d| d.checked_add_days(Days::new(days)))
                .and_then(|d| d.and_hms_opt(11, 30, 0))
                .unwrap_or_default()
        };
        assert!(matches!(
            decide_at(&rule, lunch_in(29), now),
            ChangeDecision::DeadlinePassed { .. }
        ));
        assert!(matches!(
            decide_at(&rule, lunch_in(32), now),
            ChangeDecision::Allowed { .. }
        ));
    }

    #[test]
    fn paris_instant_takes_the_earlier_fold_and_shifts_the_gap() {
        assert_eq!(
            paris_instant(local(2026, 3, 29, 2, 30)),
            utc(2026, 3, 29, 1, 30)
        );
        assert_eq!(
            paris_instant(local(2026, 10, 25, 2, 30)),
            utc(2026, 10, 25, 0, 30)
        );
        assert_eq!(
            paris_instant(local(2026, 7, 14, 12, 0)),
            utc(2026, 7, 14, 10, 0)
        );
        assert_eq!(
            paris_instant(local(2026, 12, 25, 12, 0)),
            utc(2026, 12, 25, 11, 0)
        );
    }

    #[test]
    fn hours_count_elapsed_time_across_both_dst_changes() {
        let rule = before(48, TimeUnit::Hours, None, false);
        // Spring: Mon 30 March 07:30 CEST back to Sat 28 March 06:30 CET.
        assert_eq!(
            closes(&rule, local(2026, 3, 30, 7, 30)),
            Some(utc(2026, 3, 28, 5, 30))
        );
        // Autumn: Mon 26 October 07:30 CET back to Sat 24 October 08:30 CEST.
        assert_eq!(
            closes(&rule, local(2026, 10, 26, 7, 30)),
            Some(utc(2026, 10, 24, 6, 30))
        );
    }

    #[test]
    fn days_and_weeks_keep_the_local_time_across_both_dst_changes() {
        let two_days = before(2, TimeUnit::Days, None, false);
        // Sat 28 March 07:30 CET, 47 real hours before.
        assert_eq!(
            closes(&two_days, local(2026, 3, 30, 7, 30)),
            Some(utc(2026, 3, 28, 6, 30))
        );
        // Sat 24 October 07:30 CEST, 49 real hours before.
        assert_eq!(
            closes(&two_days, local(2026, 10, 26, 7, 30)),
            Some(utc(2026, 10, 24, 5, 30))
        );
        let week = before(1, TimeUnit::Weeks, None, false);
        assert_eq!(
            closes(&week, local(2026, 3, 30, 7, 30)),
            Some(utc(2026, 3, 23, 6, 30))
        );
        assert_eq!(
            closes(&week, local(2026, 10, 26, 7, 30)),
            Some(utc(2026, 10, 19, 5, 30))
        );
    }

    #[test]
    fn cutoffs_across_both_dst_changes() {
        // 48 h before Mon 30 March 07:30 is Sat 06:30: the latest 10:00 before is Friday's.
        let hours = before(48, TimeUnit::Hours, time(10, 0), false);
        assert_eq!(
            closes(&hours, local(2026, 3, 30, 7, 30)),
            Some(utc(2026, 3, 27, 9, 0))
        );
        // 48 h before Mon 26 October 07:30 is Sat 08:30 CEST: 08:00 that day is before it.
        let hours = before(48, TimeUnit::Hours, time(8, 0), false);
        assert_eq!(
            closes(&hours, local(2026, 10, 26, 7, 30)),
            Some(utc(2026, 10, 24, 6, 0))
        );
        // A cutoff in the spring gap moves an hour later; one in the fold is the earlier.
        let day = before(1, TimeUnit::Days, time(2, 30), false);
        assert_eq!(
            closes(&day, local(2026, 3, 30, 7, 30)),
            Some(utc(2026, 3, 29, 1, 30))
        );
        assert_eq!(
            closes(&day, local(2026, 10, 26, 7, 30)),
            Some(utc(2026, 10, 25, 0, 30))
        );
    }

    #[test]
    fn a_cutoff_after_the_start_is_capped_at_the_start() {
        let rule = before(0, TimeUnit::Days, time(10, 0), false);
        let start = local(2026, 9, 8, 7, 30);
        assert_eq!(closes(&rule, start), Some(paris_instant(start)));
    }

    #[test]
    fn working_hours_skip_weekends_and_public_holidays() {
        let rule = before(48, TimeUnit::Hours, None, true);
        // Monday 07:30 back over the weekend to Thursday 07:30.
        assert_eq!(
            closes(&rule, local(2026, 3, 30, 7, 30)),
            Some(utc(2026, 3, 26, 6, 30))
        );
        // Thursday 12 November 07:30 back over Wednesday 11 November to Monday 07:30.
        assert_eq!(
            closes(&rule, local(2026, 11, 12, 7, 30)),
            Some(utc(2026, 11, 9, 6, 30))
        );
        // A Saturday start counts nothing that day: 24 h is all of Friday.
        let day = before(24, TimeUnit::Hours, None, true);
        assert_eq!(
            closes(&day, local(2026, 11, 14, 10, 0)),
            Some(utc(2026, 11, 12, 23, 0))
        );
        // With a cutoff, the latest 10:00 of a working day: Friday 07:30 → Thursday 10:00.
        let cutoff = before(24, TimeUnit::Hours, time(10, 0), true);
        assert_eq!(
            closes(&cutoff, local(2026, 11, 16, 7, 30)),
            Some(utc(2026, 11, 12, 9, 0))
        );
    }

    #[test]
    fn working_days_skip_weekends_and_public_holidays() {
        let rule = before(2, TimeUnit::Days, None, true);
        assert_eq!(
            closes(&rule, local(2026, 11, 12, 7, 30)),
            Some(utc(2026, 11, 9, 6, 30))
        );
        // Ascension 2027 is Thursday 6 May: Friday 7, then Wednesday 5 May.
        assert_eq!(
            closes(&rule, local(2027, 5, 10, 7, 30)),
            Some(utc(2027, 5, 5, 5, 30))
        );
        // Weeks ignore the flag: a week before Thursday 12 November is Thursday 5.
        let week = before(1, TimeUnit::Weeks, None, true);
        assert_eq!(
            closes(&week, local(2026, 11, 12, 7, 30)),
            Some(utc(2026, 11, 5, 6, 30))
        );
    }

    #[test]
    fn previous_month_days_are_clamped_to_the_months_end() {
        let rule = DeadlineRule::PreviousMonth {
            day: 31,
            cutoff: None,
        };
        // Until the end of 28 February 2027, i.e. 1 March 00:00 CET.
        assert_eq!(
            closes(&rule, local(2027, 3, 15, 8, 0)),
            Some(utc(2027, 2, 28, 23, 0))
        );
        // 2028 is a leap year: the end of 29 February.
        assert_eq!(
            closes(&rule, local(2028, 3, 15, 8, 0)),
            Some(utc(2028, 2, 29, 23, 0))
        );
        let noon = DeadlineRule::PreviousMonth {
            day: 31,
            cutoff: time(12, 0),
        };
        assert_eq!(
            closes(&noon, local(2027, 3, 15, 8, 0)),
            Some(utc(2027, 2, 28, 11, 0))
        );
        // January looks back to December of the year before; day 0 reads as 1.
        let twentieth = DeadlineRule::PreviousMonth {
            day: 20,
            cutoff: None,
        };
        assert_eq!(
            closes(&twentieth, local(2027, 1, 10, 8, 0)),
            Some(utc(2026, 12, 20, 23, 0))
        );
        let zero = DeadlineRule::PreviousMonth {
            day: 0,
            cutoff: None,
        };
        assert_eq!(
            closes(&zero, local(2027, 1, 10, 8, 0)),
            Some(utc(2026, 12, 1, 23, 0))
        );
    }

    #[test]
    fn winter_holidays_open_on_the_return_from_christmas_for_15_days() {
        let rule = DeadlineRule::AfterReturn { days: 15 };
        let start = local(2027, 2, 8, 8, 0);
        assert_eq!(
            window(&rule, start),
            Some(ChangeWindow {
                opens_at: Some(utc(2027, 1, 3, 23, 0)),
                closes_at: utc(2027, 1, 18, 23, 0),
            })
        );
        assert_eq!(
            decide_at(&rule, start, utc(2027, 1, 2, 12, 0)),
            ChangeDecision::NotYetOpen {
                opens_at: utc(2027, 1, 3, 23, 0)
            }
        );
        assert!(matches!(
            decide_at(&rule, start, utc(2027, 1, 10, 12, 0)),
            ChangeDecision::Allowed { .. }
        ));
        // Spring holidays open when classes resume after the winter ones, 22 February.
        let spring = window(&rule, local(2027, 4, 5, 8, 0)).and_then(|w| w.opens_at);
        assert_eq!(spring, Some(utc(2027, 2, 21, 23, 0)));
    }

    #[test]
    fn booking_windows_are_one_per_opening_closing_at_their_last_deadline() {
        let holidays = holidays();
        let periods = creteil();
        let calendar = Calendar {
            public_holidays: &holidays,
            school_holidays: &periods,
        };
        // Every weekday at 08:00 from Christmas to the end of the spring holidays.
        let days = (0..130)
            .map(|n| local(2026, 12, 21, 8, 0) + TimeDelta::days(n))
            .filter(|start| start.weekday().number_from_monday() <= 5);
        let rule = DeadlineRule::AfterReturn { days: 15 };
        let windows = booking_windows(&rule, days.clone(), &calendar);
        let openings: Vec<_> = windows.iter().map(|w| w.opens_at).collect();
        // Christmas (after Toussaint), winter (after Christmas), spring (after winter).
        assert_eq!(
            openings,
            vec![
                Some(utc(2026, 11, 1, 23, 0)),
                Some(utc(2027, 1, 3, 23, 0)),
                Some(utc(2027, 2, 21, 23, 0)),
            ]
        );
        // It lasts 15 days from the return, whatever the day booked.
        assert_eq!(windows[0].closes_at, utc(2026, 11, 16, 23, 0));
        // Rules counting back from each day open nothing.
        let before = before(48, TimeUnit::Hours, None, false);
        assert!(booking_windows(&before, days, &calendar).is_empty());
    }

    #[test]
    fn an_after_return_window_is_capped_at_the_start() {
        let rule = DeadlineRule::AfterReturn { days: 60 };
        let start = local(2027, 2, 8, 8, 0);
        assert_eq!(closes(&rule, start), Some(paris_instant(start)));
    }

    #[test]
    fn days_outside_holidays_or_without_earlier_holidays_have_no_window() {
        let rule = DeadlineRule::AfterReturn { days: 15 };
        assert_eq!(window(&rule, local(2027, 3, 10, 8, 0)), None);
        assert_eq!(
            decide_at(&rule, local(2027, 3, 10, 8, 0), utc(2027, 3, 1, 8, 0)),
            ChangeDecision::NoWindow
        );
        // Toussaint is the first period given: nothing to return from.
        assert_eq!(window(&rule, local(2026, 10, 20, 8, 0)), None);
        // An empty window is no window.
        let empty = DeadlineRule::AfterReturn { days: 0 };
        assert_eq!(window(&empty, local(2027, 2, 8, 8, 0)), None);
    }

    #[test]
    fn touching_periods_count_as_one_holiday() {
        let holidays = holidays();
        let periods = vec![
            period("Vacances de la Toussaint", (2026, 10, 17), (2026, 11, 1)),
            period("Noël, première semaine", (2026, 12, 19), (2026, 12, 25)),
            period("Noël, seconde semaine", (2026, 12, 26), (2027, 1, 3)),
        ];
        let calendar = Calendar {
            public_holidays: &holidays,
            school_holidays: &periods,
        };
        let rule = DeadlineRule::AfterReturn { days: 15 };
        let opens =
            change_window(&rule, local(2027, 1, 2, 8, 0), &calendar).and_then(|w| w.opens_at);
        assert_eq!(opens, Some(utc(2026, 11, 1, 23, 0)));
    }

    #[test]
    fn a_city_window_opens_and_closes_at_local_times_capped_at_the_start() {
        let rule = DeadlineRule::Window {
            opens: local(2027, 5, 3, 9, 0),
            closes: local(2027, 5, 31, 18, 0),
        };
        assert_eq!(
            window(&rule, local(2027, 7, 12, 8, 0)),
            Some(ChangeWindow {
                opens_at: Some(utc(2027, 5, 3, 7, 0)),
                closes_at: utc(2027, 5, 31, 16, 0),
            })
        );
        assert_eq!(
            closes(&rule, local(2027, 5, 20, 8, 0)),
            Some(utc(2027, 5, 20, 6, 0))
        );
        // Opening after the unit starts, or after closing, gives no window.
        assert_eq!(window(&rule, local(2027, 5, 1, 8, 0)), None);
        let inverted = DeadlineRule::Window {
            opens: local(2027, 5, 31, 18, 0),
            closes: local(2027, 5, 3, 9, 0),
        };
        assert_eq!(window(&inverted, local(2027, 7, 12, 8, 0)), None);
    }

    #[test]
    fn until_start_is_open_since_ever_until_the_start() {
        let start = local(2026, 10, 25, 2, 30);
        assert_eq!(
            window(&DeadlineRule::UntilStart, start),
            Some(ChangeWindow {
                opens_at: None,
                closes_at: utc(2026, 10, 25, 0, 30),
            })
        );
    }

    #[test]
    fn huge_amounts_give_a_deadline_far_in_the_past() {
        let start = local(2026, 9, 8, 7, 30);
        for unit in [
            TimeUnit::Hours,
            TimeUnit::Days,
            TimeUnit::Weeks,
            TimeUnit::Months,
        ] {
            for working in [false, true] {
                for cutoff in [None, time(10, 0)] {
                    let rule = before(u32::MAX, unit, cutoff, working);
                    assert_eq!(
                        closes(&rule, start),
                        Some(DateTime::<Utc>::MIN_UTC),
                        "{rule:?}"
                    );
                    assert!(matches!(
                        decide_at(&rule, start, utc(1970, 1, 1, 0, 0)),
                        ChangeDecision::DeadlinePassed { .. }
                    ));
                }
            }
        }
    }

    #[test]
    fn the_ends_of_chronos_range_do_not_panic() {
        let rules = [
            DeadlineRule::UntilStart,
            before(u32::MAX, TimeUnit::Hours, time(23, 59), true),
            before(1, TimeUnit::Days, time(0, 0), true),
            before(1, TimeUnit::Months, None, false),
            DeadlineRule::PreviousMonth {
                day: 31,
                cutoff: None,
            },
            DeadlineRule::Window {
                opens: NaiveDateTime::MIN,
                closes: NaiveDateTime::MAX,
            },
            DeadlineRule::AfterReturn { days: u32::MAX },
        ];
        for rule in &rules {
            for start in [NaiveDateTime::MIN, NaiveDateTime::MAX] {
                let now = [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC];
                for now in now {
                    let _ = decide_at(rule, start, now);
                }
                if let Some(w) = window(rule, start) {
                    assert!(w.closes_at <= paris_instant(start));
                }
            }
        }
    }
}

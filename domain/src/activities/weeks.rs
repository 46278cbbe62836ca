//! Holiday weeks paid at once: a week (Monday to Sunday) of an activity's period,
//! its open days (the unit's weekdays, public holidays excluded) and its price.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};

use crate::calendar::{HolidayRegion, public_holidays};
use crate::planning::{Calendar, ChangeWindow, DeadlineRule, change_window};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayWeek {
    /// The week's Monday.
    pub start: NaiveDate,
    /// Its open days within the activity's period.
    pub days: Vec<NaiveDate>,
}

impl HolidayWeek {
    /// The week's price: one day's price for each open day.
    pub fn price_cents(&self, day_price_cents: i64) -> i64 {
        day_price_cents * i64::try_from(self.days.len()).unwrap_or(0)
    }
}

/// When the week may be booked under the activity's booking `rule`, its unit starting
/// at `starts_at` (local): while every open day of it may be, as the planning reads
/// each day. None when some day has no window, or the days' windows do not meet.
pub fn week_booking_window(
    week: &HolidayWeek,
    rule: &DeadlineRule,
    starts_at: NaiveTime,
    calendar: &Calendar,
) -> Option<ChangeWindow> {
    let mut window: Option<ChangeWindow> = None;
    for day in &week.days {
        let of_day = change_window(rule, day.and_time(starts_at), calendar)?;
        window = Some(match window {
            // `None` (open since ever) is the earliest opening.
            Some(so_far) => ChangeWindow {
                opens_at: so_far.opens_at.max(of_day.opens_at),
                closes_at: so_far.closes_at.min(of_day.closes_at),
            },
            None => of_day,
        });
    }
    window.filter(|w| w.opens_at.is_none_or(|opens| opens < w.closes_at))
}

/// The Monday of `day`'s week.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// The weeks of `starts_on..=ends_on` with at least one open day: a day of the
/// unit's ISO `weekdays` (1 = Monday) that is not a public holiday.
pub fn holiday_weeks(
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    weekdays: &[u32],
    region: HolidayRegion,
) -> Vec<HolidayWeek> {
    let holidays: Vec<NaiveDate> = (starts_on.year()..=ends_on.year())
        .filter_map(|year| public_holidays(year, region).ok())
        .flatten()
        .map(|h| h.date)
        .collect();
    let mut weeks: Vec<HolidayWeek> = Vec::new();
    let mut day = starts_on;
    while day <= ends_on {
        if weekdays.contains(&day.weekday().number_from_monday()) && !holidays.contains(&day) {
            let start = week_start(day);
            match weeks.last_mut() {
                Some(week) if week.start == start => week.days.push(day),
                _ => weeks.push(HolidayWeek {
                    start,
                    days: vec![day],
                }),
            }
        }
        day += Duration::days(1);
    }
    weeks
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn the_guides_weeks_cost_60_88_and_76_10_at_15_22_a_day() {
        // August 2019: 15 August is a Thursday.
        let weeks = holiday_weeks(
            date(2019, 8, 12),
            date(2019, 8, 23),
            &[1, 2, 3, 4, 5],
            HolidayRegion::Metropole,
        );
        assert_eq!(weeks.len(), 2);
        assert_eq!(weeks[0].days.len(), 4);
        assert_eq!(weeks[0].price_cents(1522), 6088);
        assert_eq!(weeks[1].price_cents(1522), 7610);
        // Summer 2027: 14 July is a Wednesday.
        let weeks = holiday_weeks(
            date(2027, 7, 5),
            date(2027, 8, 27),
            &[1, 2, 3, 4, 5],
            HolidayRegion::Metropole,
        );
        let july_12 = weeks
            .iter()
            .find(|w| w.start == date(2027, 7, 12))
            .map(|w| w.price_cents(1522));
        let july_19 = weeks
            .iter()
            .find(|w| w.start == date(2027, 7, 19))
            .map(|w| w.price_cents(1522));
        assert_eq!((july_12, july_19), (Some(6088), Some(7610)));
        assert_eq!(weeks.len(), 8);
    }

    #[test]
    fn weeks_start_on_mondays_even_when_the_period_does_not() {
        let weeks = holiday_weeks(
            date(2027, 7, 7),
            date(2027, 7, 16),
            &[1, 2, 3, 4, 5],
            HolidayRegion::Metropole,
        );
        assert_eq!(weeks[0].start, date(2027, 7, 5));
        assert_eq!(
            weeks[0].days,
            [date(2027, 7, 7), date(2027, 7, 8), date(2027, 7, 9)]
        );
        assert_eq!(week_start(date(2027, 7, 18)), date(2027, 7, 12));
    }

    proptest! {
        #[test]
        fn no_open_day_is_a_public_holiday_or_outside_the_period(offset in 0i64..3000, length in 0i64..120) {
            let start = date(2020, 1, 1) + Duration::days(offset);
            let end = start + Duration::days(length);
            let holidays: Vec<NaiveDate> = public_holidays(start.year(), HolidayRegion::Metropole).unwrap_or_default()
                .into_iter().chain(public_holidays(end.year(), HolidayRegion::Metropole).unwrap_or_default()).map(|h| h.date).collect();
            for week in holiday_weeks(start, end, &[1, 2, 3, 4, 5], HolidayRegion::Metropole) {
                prop_assert!(!week.days.is_empty() && week.days.len() <= 5);
                for day in week.days {
                    prop_assert!(day >= start && day <= end && !holidays.contains(&day));
                    prop_assert_eq!(week_start(day), week.start);
                }
            }
        }
    }
}

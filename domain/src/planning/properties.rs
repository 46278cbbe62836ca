//! Properties every rule must keep, whatever the amounts, units, cutoffs and start times
//! (DST days included): a window and a decision that agree, never closing after the start.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use proptest::prelude::*;

use super::*;
use crate::calendar::{HolidayRegion, SchoolHolidayPeriod, public_holidays};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

static PUBLIC_HOLIDAYS: LazyLock<BTreeSet<NaiveDate>> = LazyLock::new(|| {
    (1999..=2100)
        .flat_map(|y| public_holidays(y, HolidayRegion::Metropole).unwrap_or_default())
        .map(|h| h.date)
        .collect()
});

/// Zone-like school holidays for every year: autumn, Christmas, winter, spring, summer.
static SCHOOL_HOLIDAYS: LazyLock<Vec<SchoolHolidayPeriod>> = LazyLock::new(|| {
    (1999..=2100)
        .flat_map(|y| {
            [
                ((y, 10, 20), (y, 11, 2)),
                ((y, 12, 20), (y + 1, 1, 3)),
                ((y, 2, 10), (y, 2, 24)),
                ((y, 4, 10), (y, 4, 24)),
                ((y, 7, 5), (y, 8, 31)),
            ]
            .map(|((fy, fm, fd), (ly, lm, ld))| SchoolHolidayPeriod {
                school_year: String::new(),
                description: String::new(),
                first_day: date(fy, fm, fd),
                last_day: date(ly, lm, ld),
            })
        })
        .collect()
});

fn calendar() -> Calendar<'static> {
    Calendar {
        public_holidays: &PUBLIC_HOLIDAYS,
        school_holidays: &SCHOOL_HOLIDAYS,
    }
}

fn time() -> impl Strategy<Value = NaiveTime> {
    (0u32..24, 0u32..60).prop_map(|(h, m)| NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default())
}

/// The last Sunday of March or October: the DST days.
fn dst_day(year: i32, spring: bool) -> NaiveDate {
    let last = date(year, if spring { 3 } else { 10 }, 31);
    last - Days::new(u64::from(last.weekday().num_days_from_sunday()))
}

/// Local starts from 2000 to 2099, one in three on a DST day.
fn start() -> impl Strategy<Value = NaiveDateTime> {
    let any_day = (0u64..36_524).prop_map(|n| date(2000, 1, 1) + Days::new(n));
    let dst = (2000i32..2100, any::<bool>()).prop_map(|(y, spring)| dst_day(y, spring));
    (prop_oneof![2 => any_day, 1 => dst], time()).prop_map(|(day, time)| day.and_time(time))
}

fn unit() -> impl Strategy<Value = TimeUnit> {
    prop_oneof![
        Just(TimeUnit::Hours),
        Just(TimeUnit::Days),
        Just(TimeUnit::Weeks),
        Just(TimeUnit::Months),
    ]
}

/// Every variant; windows are placed around `start` so that they matter.
fn rule(start: NaiveDateTime) -> impl Strategy<Value = DeadlineRule> {
    let shift = move |hours: i64| {
        start
            .checked_add_signed(TimeDelta::hours(hours))
            .unwrap_or(start)
    };
    prop_oneof![
        Just(DeadlineRule::UntilStart),
        (
            0u32..400,
            unit(),
            proptest::option::of(time()),
            any::<bool>()
        )
            .prop_map(
                |(amount, unit, cutoff, working_days_only)| DeadlineRule::Before {
                    amount,
                    unit,
                    cutoff,
                    working_days_only,
                }
            ),
        (0u32..=32, proptest::option::of(time()))
            .prop_map(|(day, cutoff)| DeadlineRule::PreviousMonth { day, cutoff }),
        (-3000i64..100, -50i64..3000).prop_map(move |(opens, length)| DeadlineRule::Window {
            opens: shift(opens),
            closes: shift(opens + length),
        }),
        (0u32..60).prop_map(|days| DeadlineRule::AfterReturn { days }),
        Just(DeadlineRule::CityPeriod),
    ]
}

fn case() -> impl Strategy<Value = (NaiveDateTime, DeadlineRule)> {
    start().prop_flat_map(|start| (Just(start), rule(start)))
}

fn allowed(rule: &DeadlineRule, start: NaiveDateTime, now: DateTime<Utc>) -> bool {
    matches!(
        decide(rule, start, now, &calendar()),
        ChangeDecision::Allowed { .. }
    )
}

/// Instants worth probing: around the window's ends, the start, and one at random.
fn probes(
    window: Option<ChangeWindow>,
    start_at: DateTime<Utc>,
    random: TimeDelta,
) -> Vec<DateTime<Utc>> {
    let second = TimeDelta::seconds(1);
    let mut probes = vec![start_at, start_at - second, start_at + random];
    if let Some(window) = window {
        let ends = std::iter::once(window.closes_at).chain(window.opens_at);
        for end in ends {
            probes.extend([end - second, end, end + second]);
        }
    }
    probes
}

proptest! {
    #[test]
    fn windows_and_decisions_agree_and_never_close_after_the_start(
        (start, rule) in case(),
        random in -40_000i64..48,
    ) {
        let start_at = paris_instant(start);
        let window = change_window(&rule, start, &calendar());
        if let Some(window) = window {
            prop_assert!(window.closes_at <= start_at);
            prop_assert!(window.opens_at.is_none_or(|opens| opens < window.closes_at));
        }
        for now in probes(window, start_at, TimeDelta::hours(random)) {
            let decision = decide(&rule, start, now, &calendar());
            let Some(window) = window else {
                prop_assert_eq!(decision, ChangeDecision::NoWindow);
                continue;
            };
            let inside = window.opens_at.is_none_or(|opens| opens <= now) && now < window.closes_at;
            prop_assert_eq!(matches!(decision, ChangeDecision::Allowed { .. }), inside);
            if now >= window.closes_at || now >= start_at {
                let refused = !matches!(decision, ChangeDecision::Allowed { .. });
                prop_assert!(refused, "allowed at or after the deadline or the start");
            }
            let expected = match window.opens_at {
                Some(opens_at) if now < opens_at => ChangeDecision::NotYetOpen { opens_at },
                _ if inside => ChangeDecision::Allowed { closes_at: window.closes_at },
                _ => ChangeDecision::DeadlinePassed { deadline: window.closes_at },
            };
            prop_assert_eq!(decision, expected);
        }
    }

    #[test]
    fn the_allowed_instants_form_one_interval(
        (start, rule) in case(),
        mut fractions in proptest::array::uniform3(0i64..=1_000_000),
    ) {
        fractions.sort_unstable();
        let start_at = paris_instant(start);
        let Some(window) = change_window(&rule, start, &calendar()) else {
            return Ok(());
        };
        let day = TimeDelta::days(1);
        let low = window.opens_at.unwrap_or(window.closes_at - TimeDelta::days(400)) - day;
        let high = start_at + day;
        let span = (high - low).num_seconds();
        let [t1, t2, t3] = fractions.map(|f| low + TimeDelta::seconds(span / 1_000_000 * f));
        if allowed(&rule, start, t1) && allowed(&rule, start, t3) {
            prop_assert!(allowed(&rule, start, t2));
        }
    }

    /// A holiday week is booked at once: whatever the rule, it may be booked only at an
    /// instant the planning would let every one of its days be booked.
    #[test]
    fn a_holiday_week_is_bookable_only_when_each_of_its_days_is(
        (start, rule) in case(),
        open_days in proptest::sample::subsequence(vec![0u64, 1, 2, 3, 4], 1..=5),
        random in -40_000i64..48,
    ) {
        let monday = start.date() - Days::new(u64::from(start.weekday().num_days_from_monday()));
        let week = crate::activities::HolidayWeek {
            start: monday,
            days: open_days.iter().map(|d| monday + Days::new(*d)).collect(),
        };
        let window = crate::activities::week_booking_window(&week, &rule, start.time(), &calendar());
        let first_at = paris_instant(week.days[0].and_time(start.time()));
        for now in probes(window, first_at, TimeDelta::hours(random)) {
            let week_allowed = matches!(judge(window, now), ChangeDecision::Allowed { .. });
            let every_day = week.days.iter().all(|d| allowed(&rule, d.and_time(start.time()), now));
            prop_assert_eq!(week_allowed, every_day, "at {}", now);
        }
    }

    #[test]
    fn hours_are_elapsed_time_even_across_dst(
        start in start(),
        amount in 0u32..400,
        cutoff in proptest::option::of(time()),
        working_days_only in any::<bool>(),
    ) {
        let rule = DeadlineRule::Before { amount, unit: TimeUnit::Hours, cutoff, working_days_only };
        let start_at = paris_instant(start);
        let Some(window) = change_window(&rule, start, &calendar()) else {
            panic!("a Before rule always has a window");
        };
        let elapsed = start_at - window.closes_at;
        let hours = TimeDelta::hours(i64::from(amount));
        match (cutoff, working_days_only) {
            (None, false) => prop_assert_eq!(elapsed, hours),
            // Skipping days and moving back to a cutoff only make the deadline earlier...
            (_, true) => prop_assert!(elapsed >= hours),
            // ...a cutoff by less than a day (25 h on the autumn DST day).
            (Some(_), false) => prop_assert!(elapsed >= hours && elapsed - hours <= TimeDelta::hours(25)),
        }
    }

    #[test]
    fn no_input_panics(
        days in -100_000_000i32..100_000_000,
        seconds in 0u32..86_400,
        amount in any::<u32>(),
        unit in unit(),
        cutoff in proptest::option::of(time()),
        working_days_only in any::<bool>(),
        day in any::<u32>(),
    ) {
        let start = NaiveDate::from_num_days_from_ce_opt(days)
            .unwrap_or(if days < 0 { NaiveDate::MIN } else { NaiveDate::MAX })
            .and_time(NaiveTime::from_num_seconds_from_midnight_opt(seconds, 0).unwrap_or_default());
        let rules = [
            DeadlineRule::Before { amount, unit, cutoff, working_days_only },
            DeadlineRule::PreviousMonth { day, cutoff },
            DeadlineRule::AfterReturn { days: amount },
        ];
        for rule in rules {
            if let Some(window) = change_window(&rule, start, &calendar()) {
                prop_assert!(window.closes_at <= paris_instant(start));
            }
            let _ = decide(&rule, start, DateTime::<Utc>::UNIX_EPOCH, &calendar());
        }
    }
}

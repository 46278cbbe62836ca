//! Custody of a child whose separated parents keep two households (two dossiers): a
//! schedule an agent sets says, for any date, which household has the child. That
//! household books, cancels and pays the child's day; the other sees "garde de l'autre
//! parent". A child of one household has no schedule: every day is its household's.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};

use crate::calendar::SchoolHolidayPeriod;
use crate::stored::stored_enum;

stored_enum! {
    /// One of a child's two households: the dossier the child was first filed in
    /// (`first`), or the one an agent linked it to later (`second`).
    Household { First => "first", Second => "second" }
}

impl Household {
    pub fn other(self) -> Self {
        match self {
            Self::First => Self::Second,
            Self::Second => Self::First,
        }
    }
}

stored_enum! {
    /// Which half of a holiday period is longer when it has an odd number of days.
    Half { First => "first", Second => "second" }
}

/// The usual rhythm of custody, outside school holidays when they are split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rhythm {
    /// Week about: `reference` has the child from the handover day of the week of
    /// `reference_week` for seven days, then the other household for seven, and so on
    /// in both directions.
    AlternatingWeeks {
        reference_week: NaiveDate,
        reference: Household,
        handover: Weekday,
    },
    /// The same days every week: the second household's weekdays, the first has the
    /// others.
    FixedWeekdays { second: Vec<Weekday> },
    /// Explicit dated periods (a judge's calendar); days outside every period are
    /// `otherwise`'s.
    DatedPeriods {
        periods: Vec<DatedPeriod>,
        otherwise: Household,
    },
}

/// Days `first..=last` with one household.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatedPeriod {
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub household: Household,
}

/// School holidays split in two halves: in even years (the year the holiday starts)
/// `first_half_in_even_years` has the first half and the other household the second;
/// in odd years the other way round. An odd number of days gives its extra day to
/// `longer_half`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HolidaySplit {
    pub first_half_in_even_years: Household,
    pub longer_half: Half,
}

/// A child's custody from one date on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustodySchedule {
    pub rhythm: Rhythm,
    pub holidays: Option<HolidaySplit>,
    /// Single days given to one household whatever the rest says.
    pub exceptions: BTreeMap<NaiveDate, Household>,
}

/// Why a schedule cannot be kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleProblem {
    #[error("a period ends before it starts")]
    PeriodInverted,
    #[error("two dated periods overlap")]
    PeriodsOverlap,
    #[error("a weekday is given twice")]
    WeekdayRepeated,
}

impl ScheduleProblem {
    pub fn code(self) -> &'static str {
        match self {
            Self::PeriodInverted => "period_inverted",
            Self::PeriodsOverlap => "periods_overlap",
            Self::WeekdayRepeated => "weekday_repeated",
        }
    }
}

impl CustodySchedule {
    /// The schedule if it says one thing for every day: periods in order, none
    /// inverted or overlapping, no weekday twice.
    pub fn check(self) -> Result<Self, ScheduleProblem> {
        match &self.rhythm {
            Rhythm::DatedPeriods { periods, .. } => {
                if periods.iter().any(|p| p.last < p.first) {
                    return Err(ScheduleProblem::PeriodInverted);
                }
                let mut sorted: Vec<_> = periods.iter().collect();
                sorted.sort_by_key(|p| p.first);
                if sorted.windows(2).any(|w| w[1].first <= w[0].last) {
                    return Err(ScheduleProblem::PeriodsOverlap);
                }
            }
            Rhythm::FixedWeekdays { second } => {
                let mut days: Vec<u32> = second.iter().map(Weekday::number_from_monday).collect();
                days.sort_unstable();
                days.dedup();
                if days.len() != second.len() {
                    return Err(ScheduleProblem::WeekdayRepeated);
                }
            }
            Rhythm::AlternatingWeeks { .. } => {}
        }
        Ok(self)
    }

    /// The household that has the child on `day`: an exception first, then the
    /// holiday half when holidays are split and `day` is in one, then the rhythm.
    pub fn household_on(&self, day: NaiveDate, holidays: &[SchoolHolidayPeriod]) -> Household {
        if let Some(household) = self.exceptions.get(&day) {
            return *household;
        }
        if let Some(split) = self.holidays
            && let Some(period) = holidays.iter().find(|p| p.contains(day))
        {
            return split.household_on(period.first_day, period.last_day, day);
        }
        self.rhythm.household_on(day)
    }
}

impl Rhythm {
    fn household_on(&self, day: NaiveDate) -> Household {
        match self {
            Self::AlternatingWeeks {
                reference_week,
                reference,
                handover,
            } => {
                // Day numbers, not date arithmetic: no date a client sends can overflow.
                let start = i64::from(reference_week.num_days_from_ce())
                    - i64::from(reference_week.weekday().num_days_from_monday())
                    + i64::from(handover.num_days_from_monday());
                let weeks = (i64::from(day.num_days_from_ce()) - start).div_euclid(7);
                if weeks.rem_euclid(2) == 0 {
                    *reference
                } else {
                    reference.other()
                }
            }
            Self::FixedWeekdays { second } => {
                if second.contains(&day.weekday()) {
                    Household::Second
                } else {
                    Household::First
                }
            }
            Self::DatedPeriods { periods, otherwise } => periods
                .iter()
                .find(|p| p.first <= day && day <= p.last)
                .map_or(*otherwise, |p| p.household),
        }
    }
}

impl HolidaySplit {
    /// The household of `day` in the holiday `first..=last`.
    pub fn household_on(&self, first: NaiveDate, last: NaiveDate, day: NaiveDate) -> Household {
        let length = (last - first).num_days() + 1;
        let first_half_days = match self.longer_half {
            Half::First => (length + 1) / 2,
            Half::Second => length / 2,
        };
        let first_half_holder = if first.year().rem_euclid(2) == 0 {
            self.first_half_in_even_years
        } else {
            self.first_half_in_even_years.other()
        };
        if (day - first).num_days() < first_half_days {
            first_half_holder
        } else {
            first_half_holder.other()
        }
    }
}

/// A child's schedules over time: each applies from its date until the next one's.
/// Before the first, and for a child without one, every day is the first household's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Custody {
    schedules: Vec<(NaiveDate, CustodySchedule)>,
}

impl Custody {
    pub fn new(mut schedules: Vec<(NaiveDate, CustodySchedule)>) -> Self {
        schedules.sort_by_key(|(from, _)| *from);
        Self { schedules }
    }

    pub fn household_on(&self, day: NaiveDate, holidays: &[SchoolHolidayPeriod]) -> Household {
        self.schedules
            .iter()
            .rev()
            .find(|(from, _)| *from <= day)
            .map_or(Household::First, |(_, schedule)| {
                schedule.household_on(day, holidays)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("a test date")
    }

    fn holiday(first: &str, last: &str) -> SchoolHolidayPeriod {
        SchoolHolidayPeriod {
            school_year: "2026-2027".into(),
            description: "Vacances".into(),
            first_day: date(first),
            last_day: date(last),
        }
    }

    fn alternating(reference: Household, handover: Weekday) -> CustodySchedule {
        CustodySchedule {
            rhythm: Rhythm::AlternatingWeeks {
                reference_week: date("2026-09-07"),
                reference,
                handover,
            },
            holidays: None,
            exceptions: BTreeMap::new(),
        }
    }

    #[test]
    fn alternating_weeks_change_hands_on_the_handover_day() {
        let schedule = alternating(Household::First, Weekday::Fri);
        // The reference week's Friday 2026-09-11 starts the first household's week.
        assert_eq!(
            schedule.household_on(date("2026-09-10"), &[]),
            Household::Second
        );
        assert_eq!(
            schedule.household_on(date("2026-09-11"), &[]),
            Household::First
        );
        assert_eq!(
            schedule.household_on(date("2026-09-17"), &[]),
            Household::First
        );
        assert_eq!(
            schedule.household_on(date("2026-09-18"), &[]),
            Household::Second
        );
        assert_eq!(
            schedule.household_on(date("2026-09-25"), &[]),
            Household::First
        );
        // And backwards before the reference week.
        assert_eq!(
            schedule.household_on(date("2026-09-04"), &[]),
            Household::Second
        );
        assert_eq!(
            schedule.household_on(date("2026-08-28"), &[]),
            Household::First
        );
    }

    #[test]
    fn a_reference_week_at_the_ends_of_the_calendar_does_not_overflow() {
        for reference_week in [NaiveDate::MIN, NaiveDate::MAX] {
            let schedule = CustodySchedule {
                rhythm: Rhythm::AlternatingWeeks {
                    reference_week,
                    reference: Household::First,
                    handover: Weekday::Sun,
                },
                holidays: None,
                exceptions: BTreeMap::new(),
            };
            let today = date("2026-12-07");
            let tomorrow = date("2026-12-08");
            // Whatever the household, it is the same for two days of one custody week.
            assert_eq!(
                schedule.household_on(today, &[]),
                schedule.household_on(tomorrow, &[])
            );
        }
    }

    #[test]
    fn exceptions_win_over_holidays_and_rhythm() {
        let mut schedule = alternating(Household::First, Weekday::Mon);
        schedule.holidays = Some(HolidaySplit {
            first_half_in_even_years: Household::First,
            longer_half: Half::First,
        });
        schedule
            .exceptions
            .insert(date("2026-10-19"), Household::Second);
        let toussaint = [holiday("2026-10-17", "2026-11-01")];
        assert_eq!(
            schedule.household_on(date("2026-10-19"), &toussaint),
            Household::Second
        );
        assert_eq!(
            schedule.household_on(date("2026-10-20"), &toussaint),
            Household::First
        );
    }

    #[test]
    fn holiday_halves_follow_the_year_and_the_odd_day() {
        let split = HolidaySplit {
            first_half_in_even_years: Household::Second,
            longer_half: Half::Second,
        };
        // Nine days in 2026 (even): four to the second household, five to the first.
        let (first, last) = (date("2026-12-19"), date("2026-12-27"));
        let days: Vec<_> = first
            .iter_days()
            .take_while(|d| *d <= last)
            .map(|d| split.household_on(first, last, d))
            .collect();
        assert_eq!(days.iter().filter(|h| **h == Household::Second).count(), 4);
        assert_eq!(days[..4], [Household::Second; 4]);
        assert_eq!(days[4..], [Household::First; 5]);
        // In 2027 (odd) the first half is the other household's.
        let odd = split.household_on(date("2027-02-20"), date("2027-03-07"), date("2027-02-20"));
        assert_eq!(odd, Household::First);
    }

    #[test]
    fn a_schedule_applies_from_its_date() {
        let custody = Custody::new(vec![
            (
                date("2027-01-15"),
                alternating(Household::Second, Weekday::Mon),
            ),
            (
                date("2026-09-01"),
                alternating(Household::First, Weekday::Mon),
            ),
        ]);
        // Before any schedule: the first household.
        assert_eq!(
            custody.household_on(date("2026-08-31"), &[]),
            Household::First
        );
        // The week of Monday 2027-01-11 is the first household's under the first
        // schedule, the second's under the one that applies from Friday 2027-01-15.
        assert_eq!(
            custody.household_on(date("2027-01-14"), &[]),
            Household::First
        );
        assert_eq!(
            custody.household_on(date("2027-01-15"), &[]),
            Household::Second
        );
    }

    #[test]
    fn a_schedule_that_says_two_things_is_refused() {
        let periods = |b: &str| CustodySchedule {
            rhythm: Rhythm::DatedPeriods {
                periods: vec![
                    DatedPeriod {
                        first: date("2026-09-01"),
                        last: date("2026-09-10"),
                        household: Household::First,
                    },
                    DatedPeriod {
                        first: date(b),
                        last: date("2026-09-20"),
                        household: Household::Second,
                    },
                ],
                otherwise: Household::First,
            },
            holidays: None,
            exceptions: BTreeMap::new(),
        };
        assert_eq!(
            periods("2026-09-10").check(),
            Err(ScheduleProblem::PeriodsOverlap)
        );
        assert!(periods("2026-09-11").check().is_ok());
        let twice = CustodySchedule {
            rhythm: Rhythm::FixedWeekdays {
                second: vec![Weekday::Wed, Weekday::Wed],
            },
            holidays: None,
            exceptions: BTreeMap::new(),
        };
        assert_eq!(twice.check(), Err(ScheduleProblem::WeekdayRepeated));
    }

    fn household() -> impl Strategy<Value = Household> {
        prop_oneof![Just(Household::First), Just(Household::Second)]
    }

    fn weekday() -> impl Strategy<Value = Weekday> {
        (0u8..7).prop_map(|n| Weekday::try_from(n).expect("0..7 is a weekday"))
    }

    fn half() -> impl Strategy<Value = Half> {
        prop_oneof![Just(Half::First), Just(Half::Second)]
    }

    /// Any of the three rhythms, in 2026-2027.
    fn rhythm() -> impl Strategy<Value = Rhythm> {
        let alternating =
            (0i64..400, household(), weekday()).prop_map(|(offset, reference, handover)| {
                Rhythm::AlternatingWeeks {
                    reference_week: date("2026-01-05") + chrono::Days::new(offset as u64),
                    reference,
                    handover,
                }
            });
        let fixed = proptest::sample::subsequence(
            vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
                Weekday::Sat,
                Weekday::Sun,
            ],
            0..=7,
        )
        .prop_map(|second| Rhythm::FixedWeekdays { second });
        let periods = (
            proptest::collection::vec((1i64..40, household()), 0..10),
            household(),
        )
            .prop_map(|(lengths, otherwise)| {
                let mut start = date("2026-09-01");
                let mut periods = Vec::new();
                for (length, household) in lengths {
                    let last = start + chrono::Days::new(length as u64 - 1);
                    periods.push(DatedPeriod {
                        first: start,
                        last,
                        household,
                    });
                    start = last + chrono::Days::new(3);
                }
                Rhythm::DatedPeriods { periods, otherwise }
            });
        prop_oneof![alternating, fixed, periods]
    }

    /// The 2026-2027 school year's holidays of zone C.
    fn school_holidays() -> Vec<SchoolHolidayPeriod> {
        vec![
            holiday("2026-10-17", "2026-11-01"),
            holiday("2026-12-19", "2027-01-03"),
            holiday("2027-02-20", "2027-03-07"),
            holiday("2027-04-17", "2027-05-02"),
            holiday("2027-07-03", "2027-08-31"),
        ]
    }

    proptest! {
        /// Every day of the school year is in exactly one household's custody, and the
        /// two households' days add up to the year, for every schedule shape.
        #[test]
        fn every_day_has_one_household(
            rhythm in rhythm(),
            split in proptest::option::of((household(), half())),
            exceptions in proptest::collection::btree_map(0u64..365, household(), 0..20),
        ) {
            let start = date("2026-09-01");
            let schedule = CustodySchedule {
                rhythm,
                holidays: split.map(|(h, longer)| HolidaySplit { first_half_in_even_years: h, longer_half: longer }),
                exceptions: exceptions.iter().map(|(d, h)| (start + chrono::Days::new(*d), *h)).collect(),
            }.check();
            prop_assert!(schedule.is_ok());
            let schedule = schedule.expect("checked above");
            let holidays = school_holidays();
            let year: Vec<NaiveDate> = start.iter_days().take_while(|d| *d <= date("2027-08-31")).collect();
            let mut first = 0;
            let mut second = 0;
            for day in &year {
                let household = schedule.household_on(*day, &holidays);
                // The answer is stable: asking again gives the same household.
                prop_assert_eq!(household, schedule.household_on(*day, &holidays));
                match household {
                    Household::First => first += 1,
                    Household::Second => second += 1,
                }
                if let Some(h) = schedule.exceptions.get(day) {
                    prop_assert_eq!(household, *h);
                }
            }
            prop_assert_eq!(first + second, year.len());
        }

        /// Alternating weeks outside holidays: any fourteen days in a row hold seven
        /// of each household, and the household changes only on the handover day.
        #[test]
        fn alternating_weeks_give_seven_days_each(
            offset in 0i64..400,
            reference in household(),
            handover in weekday(),
            start_offset in 0u64..300,
        ) {
            let schedule = CustodySchedule {
                rhythm: Rhythm::AlternatingWeeks {
                    reference_week: date("2026-01-05") + chrono::Days::new(offset as u64),
                    reference,
                    handover,
                },
                holidays: None,
                exceptions: BTreeMap::new(),
            };
            let start = date("2026-09-01") + chrono::Days::new(start_offset);
            let days: Vec<_> = start.iter_days().take(14).map(|d| (d, schedule.household_on(d, &[]))).collect();
            prop_assert_eq!(days.iter().filter(|(_, h)| *h == Household::First).count(), 7);
            for pair in days.windows(2) {
                if pair[0].1 != pair[1].1 {
                    prop_assert_eq!(pair[1].0.weekday(), handover);
                }
            }
        }

        /// A split holiday gives each household one unbroken half; the halves differ
        /// by at most a day, the odd day going to the half the schedule says.
        #[test]
        fn holiday_halves_split_odd_lengths_as_said(
            start_offset in 0u64..700,
            length in 1u64..70,
            holder in household(),
            longer in half(),
        ) {
            let split = HolidaySplit { first_half_in_even_years: holder, longer_half: longer };
            let first = date("2026-01-01") + chrono::Days::new(start_offset);
            let last = first + chrono::Days::new(length - 1);
            let days: Vec<Household> = first.iter_days().take(length as usize).map(|d| split.household_on(first, last, d)).collect();
            let expected_first = if first.year() % 2 == 0 { holder } else { holder.other() };
            let first_half = days.iter().take_while(|h| **h == expected_first).count();
            let second_half = days.len() - first_half;
            // One change of hands at most.
            prop_assert!(days[first_half..].iter().all(|h| *h == expected_first.other()));
            match longer {
                Half::First => prop_assert_eq!(first_half as u64, length.div_ceil(2)),
                Half::Second => prop_assert_eq!(second_half as u64, length.div_ceil(2)),
            }
        }
    }
}

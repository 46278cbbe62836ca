//! Whether a unit runs on a day for a child, and if not, why: the planning greys the day
//! out with the reason.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use super::rules::Calendar;

/// Which days of the school year a unit runs on, school holidays considered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunsOn {
    SchoolDays,
    SchoolHolidays,
    EveryDay,
}

impl RunsOn {
    pub const ALL: [Self; 3] = [Self::SchoolDays, Self::SchoolHolidays, Self::EveryDay];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SchoolDays => "school_days",
            Self::SchoolHolidays => "school_holidays",
            Self::EveryDay => "every_day",
        }
    }
}

impl fmt::Display for RunsOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown runs-on value {0:?} (expected school_days, school_holidays or every_day)")]
pub struct UnknownRunsOn(pub String);

/// A stored value outside the list is an error naming it, never a default.
impl TryFrom<String> for RunsOn {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse().map_err(|e: UnknownRunsOn| e.to_string())
    }
}

impl FromStr for RunsOn {
    type Err = UnknownRunsOn;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == text)
            .ok_or_else(|| UnknownRunsOn(text.to_owned()))
    }
}

/// Why a unit does not run on a day; stable codes, served to the planning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosedReason {
    NotAWeekdayOfTheUnit,
    PublicHoliday,
    SchoolHoliday,
    OutsideSchoolHolidays,
    OutsideActivity,
    BeforeEntryDate,
    ClosureDay,
}

impl ClosedReason {
    pub fn code(self) -> &'static str {
        match self {
            Self::NotAWeekdayOfTheUnit => "not_a_weekday_of_the_unit",
            Self::PublicHoliday => "public_holiday",
            Self::SchoolHoliday => "school_holiday",
            Self::OutsideSchoolHolidays => "outside_school_holidays",
            Self::OutsideActivity => "outside_activity",
            Self::BeforeEntryDate => "before_entry_date",
            Self::ClosureDay => "closure_day",
        }
    }
}

/// What decides whether a unit runs on a day for one child.
#[derive(Debug, Clone, Copy)]
pub struct DaySetting<'a> {
    /// ISO weekdays, 1 = Monday.
    pub weekdays: &'a [u32],
    pub runs_on: RunsOn,
    /// The activity's period, both ends included.
    pub activity_from: NaiveDate,
    pub activity_to: NaiveDate,
    /// The child's registration starts on this day.
    pub entry_date: NaiveDate,
    /// Days the city closes the unit (strike, works...).
    pub closure_days: &'a BTreeSet<NaiveDate>,
}

/// Ok(()) when the unit runs that day for that child. Checked in this order, the first
/// reason found is returned: outside activity, before entry date, weekday, public holiday,
/// closure day, school holiday vs `runs_on`.
pub fn day_state(
    day: NaiveDate,
    setting: &DaySetting,
    calendar: &Calendar,
) -> Result<(), ClosedReason> {
    if day < setting.activity_from || day > setting.activity_to {
        return Err(ClosedReason::OutsideActivity);
    }
    if day < setting.entry_date {
        return Err(ClosedReason::BeforeEntryDate);
    }
    if !setting
        .weekdays
        .contains(&day.weekday().number_from_monday())
    {
        return Err(ClosedReason::NotAWeekdayOfTheUnit);
    }
    if calendar.public_holidays.contains(&day) {
        return Err(ClosedReason::PublicHoliday);
    }
    if setting.closure_days.contains(&day) {
        return Err(ClosedReason::ClosureDay);
    }
    match (setting.runs_on, calendar.is_school_holiday(day)) {
        (RunsOn::SchoolDays, true) => Err(ClosedReason::SchoolHoliday),
        (RunsOn::SchoolHolidays, false) => Err(ClosedReason::OutsideSchoolHolidays),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::SchoolHolidayPeriod;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn toussaint() -> Vec<SchoolHolidayPeriod> {
        vec![SchoolHolidayPeriod {
            school_year: "2026-2027".into(),
            description: "Vacances de la Toussaint".into(),
            first_day: date(2026, 10, 17),
            last_day: date(2026, 11, 1),
        }]
    }

    /// A school-days unit on Mon, Tue, Thu, Fri of 2026-2027, the child entering on 7 Sept,
    /// closed on 20 Nov 2026; and the same with `runs_on` given.
    fn state(day: NaiveDate, runs_on: RunsOn) -> Result<(), ClosedReason> {
        let holidays = BTreeSet::from([date(2026, 11, 11), date(2026, 12, 25)]);
        let closures = BTreeSet::from([date(2026, 11, 20)]);
        let periods = toussaint();
        let calendar = Calendar {
            public_holidays: &holidays,
            school_holidays: &periods,
        };
        let setting = DaySetting {
            weekdays: &[1, 2, 4, 5],
            runs_on,
            activity_from: date(2026, 9, 1),
            activity_to: date(2027, 7, 2),
            entry_date: date(2026, 9, 7),
            closure_days: &closures,
        };
        day_state(day, &setting, &calendar)
    }

    #[test]
    fn a_school_day_of_the_unit_is_open() {
        assert_eq!(state(date(2026, 9, 8), RunsOn::SchoolDays), Ok(()));
        assert_eq!(state(date(2026, 10, 19), RunsOn::EveryDay), Ok(()));
        assert_eq!(state(date(2026, 10, 19), RunsOn::SchoolHolidays), Ok(()));
    }

    #[test]
    fn each_closed_reason_is_given_for_its_day() {
        use ClosedReason as R;
        let cases = [
            (date(2026, 8, 31), RunsOn::SchoolDays, R::OutsideActivity),
            (date(2027, 7, 5), RunsOn::SchoolDays, R::OutsideActivity),
            (date(2026, 9, 4), RunsOn::SchoolDays, R::BeforeEntryDate),
            (
                date(2026, 9, 9),
                RunsOn::SchoolDays,
                R::NotAWeekdayOfTheUnit,
            ),
            (date(2026, 12, 25), RunsOn::SchoolDays, R::PublicHoliday),
            (date(2026, 11, 20), RunsOn::SchoolDays, R::ClosureDay),
            (date(2026, 10, 19), RunsOn::SchoolDays, R::SchoolHoliday),
            (
                date(2026, 11, 2),
                RunsOn::SchoolHolidays,
                R::OutsideSchoolHolidays,
            ),
        ];
        for (day, runs_on, reason) in cases {
            assert_eq!(state(day, runs_on), Err(reason), "{day}");
        }
    }

    #[test]
    fn the_first_reason_in_order_wins() {
        // 1 Sept 2026 is before the entry date and a school day: the entry date is told.
        assert_eq!(
            state(date(2026, 9, 1), RunsOn::SchoolDays),
            Err(ClosedReason::BeforeEntryDate)
        );
        // 11 Nov 2026 is a public holiday on a Wednesday, not a day of the unit anyway.
        assert_eq!(
            state(date(2026, 11, 11), RunsOn::SchoolDays),
            Err(ClosedReason::NotAWeekdayOfTheUnit)
        );
    }

    #[test]
    fn runs_on_and_reasons_have_stable_codes() {
        for runs_on in RunsOn::ALL {
            assert_eq!(runs_on.as_str().parse(), Ok(runs_on));
        }
        assert_eq!("every_day".parse(), Ok(RunsOn::EveryDay));
        assert!("weekends".parse::<RunsOn>().is_err());
        assert_eq!(
            ClosedReason::NotAWeekdayOfTheUnit.code(),
            "not_a_weekday_of_the_unit"
        );
        assert_eq!(
            ClosedReason::OutsideSchoolHolidays.code(),
            "outside_school_holidays"
        );
    }
}

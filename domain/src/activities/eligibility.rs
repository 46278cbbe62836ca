//! The guide's rule: a child is offered the current or future activities that match
//! its age band or school level.

use chrono::{Datelike, NaiveDate};

use crate::dossiers::SchoolLevel;

/// What an activity requires of a child: to join while it runs, and its admission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligibility {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub admission: Admission,
}

/// Who an activity admits, as the city sets it: an age band (on a reference day) and
/// school levels; what is unset admits everyone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Admission {
    /// Age range in whole years (both included), on `age_reference` (the
    /// activity's start when none is set).
    pub min_age: Option<u32>,
    pub max_age: Option<u32>,
    pub age_reference: Option<NaiveDate>,
    /// The school levels admitted; empty admits every level.
    pub levels: Vec<SchoolLevel>,
}

impl Eligibility {
    /// The rule of an activity running `starts_on..=ends_on` that admits `admission`.
    pub fn new(starts_on: NaiveDate, ends_on: NaiveDate, admission: &Admission) -> Self {
        Self {
            starts_on,
            ends_on,
            admission: admission.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ineligible {
    /// The activity ended before today.
    Ended,
    TooYoung,
    TooOld,
    /// The child's school level is not one the activity admits (or is unknown).
    WrongLevel,
}

impl Ineligible {
    pub fn code(self) -> &'static str {
        match self {
            Self::Ended => "activity_ended",
            Self::TooYoung => "too_young",
            Self::TooOld => "too_old",
            Self::WrongLevel => "wrong_level",
        }
    }
}

/// A person's age in whole years on `day`.
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> u32 {
    let mut years = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

/// Whether a child (birth date, school level) may join the activity on `today`.
pub fn check_eligibility(
    rule: &Eligibility,
    birth: NaiveDate,
    level: Option<SchoolLevel>,
    today: NaiveDate,
) -> Result<(), Ineligible> {
    if rule.ends_on < today {
        return Err(Ineligible::Ended);
    }
    let admission = &rule.admission;
    let age = age_on(birth, admission.age_reference.unwrap_or(rule.starts_on));
    if admission.min_age.is_some_and(|min| age < min) {
        return Err(Ineligible::TooYoung);
    }
    if admission.max_age.is_some_and(|max| age > max) {
        return Err(Ineligible::TooOld);
    }
    if !admission.levels.is_empty() && !level.is_some_and(|l| admission.levels.contains(&l)) {
        return Err(Ineligible::WrongLevel);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn nursery_morning_care() -> Eligibility {
        Eligibility {
            starts_on: date(2026, 9, 1),
            ends_on: date(2027, 7, 2),
            admission: Admission {
                levels: vec![SchoolLevel::Ps, SchoolLevel::Ms, SchoolLevel::Gs],
                ..Admission::default()
            },
        }
    }

    #[test]
    fn ages_count_whole_years() {
        assert_eq!(age_on(date(2023, 3, 14), date(2026, 3, 13)), 2);
        assert_eq!(age_on(date(2023, 3, 14), date(2026, 3, 14)), 3);
        assert_eq!(age_on(date(2030, 1, 1), date(2026, 3, 14)), 0);
    }

    #[test]
    fn nursery_activities_take_nursery_children_until_they_end() {
        let rule = nursery_morning_care();
        let today = date(2026, 11, 26);
        assert_eq!(
            check_eligibility(&rule, date(2023, 3, 14), Some(SchoolLevel::Ps), today),
            Ok(())
        );
        assert_eq!(
            check_eligibility(&rule, date(2017, 9, 2), Some(SchoolLevel::Cm1), today),
            Err(Ineligible::WrongLevel)
        );
        assert_eq!(
            check_eligibility(&rule, date(2023, 3, 14), None, today),
            Err(Ineligible::WrongLevel)
        );
        assert_eq!(
            check_eligibility(
                &rule,
                date(2023, 3, 14),
                Some(SchoolLevel::Ps),
                date(2027, 7, 3)
            ),
            Err(Ineligible::Ended)
        );
    }

    #[test]
    fn age_bands_are_read_on_the_reference_day() {
        let rule = Eligibility {
            admission: Admission {
                min_age: Some(6),
                max_age: Some(11),
                ..Admission::default()
            },
            ..nursery_morning_care()
        };
        let today = date(2026, 11, 26);
        // Six on 1 September 2026: in; six only on 2 September: too young.
        assert_eq!(
            check_eligibility(&rule, date(2020, 9, 1), None, today),
            Ok(())
        );
        assert_eq!(
            check_eligibility(&rule, date(2020, 9, 2), None, today),
            Err(Ineligible::TooYoung)
        );
        assert_eq!(
            check_eligibility(&rule, date(2014, 9, 1), None, today),
            Err(Ineligible::TooOld)
        );
    }
}

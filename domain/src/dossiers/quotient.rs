//! The family quotient: a value valid over a period; the latest recorded one that
//! covers a day is the one that applies on it. Without one, the city's top bracket
//! ("tarif maximal"), but only from the day of the school year the city chose: until
//! then the previous year's quotient runs on, while families renew.

use chrono::{Datelike, NaiveDate};

use crate::stored::stored_enum;
use crate::text::{fold, words_within};

/// One recorded quotient and its period (both ends included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotientPeriod {
    pub id: i64,
    pub quotient: i64,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
}

impl QuotientPeriod {
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.valid_from <= day && day <= self.valid_until
    }
}

/// The quotient in force on `day`: among the periods covering it, the one recorded
/// last (the highest id), since a correction is recorded after what it corrects.
pub fn current_quotient(periods: &[QuotientPeriod], day: NaiveDate) -> Option<QuotientPeriod> {
    periods
        .iter()
        .filter(|p| p.covers(day))
        .max_by_key(|p| p.id)
        .copied()
}

/// A day of the year ("10-01"): from it on, each school year, a family without a
/// quotient for the day pays the top bracket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthDay {
    pub month: u32,
    pub day: u32,
}

impl MonthDay {
    /// `MM-DD`, a day that exists in a leap year (`02-29` included).
    pub fn parse(text: &str) -> Option<Self> {
        let (month, day) = text.split_once('-')?;
        if month.len() != 2 || day.len() != 2 {
            return None;
        }
        let (month, day) = (month.parse().ok()?, day.parse().ok()?);
        NaiveDate::from_ymd_opt(2028, month, day).map(|_| Self { month, day })
    }

    /// The same day in the school year holding `day` (school years start on 1
    /// September); 29 February becomes 1 March in a common year.
    pub fn in_school_year_of(self, day: NaiveDate) -> NaiveDate {
        let start = school_year_start(day).year();
        let year = if self.month >= 9 { start } else { start + 1 };
        NaiveDate::from_ymd_opt(year, self.month, self.day)
            .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
            .unwrap_or(day)
    }
}

impl std::fmt::Display for MonthDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

/// 1 September of the school year holding `day`.
fn school_year_start(day: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(super::school_year_of(day), 9, 1).unwrap_or(day)
}

/// What a family's prices rest on for a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceBasis {
    /// A quotient covering the day.
    Quotient(QuotientPeriod),
    /// None covers the day, but the city's top bracket starts later in the school
    /// year (`top_bracket_from`): the last quotient of the previous school year runs on.
    Provisional {
        period: QuotientPeriod,
        top_bracket_from: NaiveDate,
    },
    /// No quotient: the top bracket. `since` is the day it started to apply when the
    /// city has one (`None`: whenever no quotient is known).
    TopBracket { since: Option<NaiveDate> },
}

impl PriceBasis {
    /// The quotient prices are read with (`None`: the top bracket).
    pub fn quotient(&self) -> Option<i64> {
        match self {
            Self::Quotient(period) | Self::Provisional { period, .. } => Some(period.quotient),
            Self::TopBracket { .. } => None,
        }
    }
}

/// What a family's prices rest on for `day`: the quotient in force; otherwise, before
/// the city's `top_bracket_from` day of the school year, the latest quotient that was
/// still valid during the previous school year; otherwise the top bracket.
pub fn price_basis(
    periods: &[QuotientPeriod],
    day: NaiveDate,
    top_bracket_from: Option<MonthDay>,
) -> PriceBasis {
    if let Some(period) = current_quotient(periods, day) {
        return PriceBasis::Quotient(period);
    }
    let Some(rule) = top_bracket_from else {
        return PriceBasis::TopBracket { since: None };
    };
    let from = rule.in_school_year_of(day);
    if day >= from {
        return PriceBasis::TopBracket { since: Some(from) };
    }
    let previous_year_start = school_year_start(day)
        .with_year(school_year_start(day).year() - 1)
        .unwrap_or(day);
    periods
        .iter()
        .filter(|p| p.valid_until < day && p.valid_until >= previous_year_start)
        .max_by_key(|p| (p.valid_until, p.id))
        .map_or(PriceBasis::TopBracket { since: None }, |period| {
            PriceBasis::Provisional {
                period: *period,
                top_bracket_from: from,
            }
        })
}

stored_enum! {
    /// Where a recorded quotient comes from.
    QuotientSource { Agent => "agent", ApiParticulier => "api_particulier" }
}

stored_enum! {
    /// The body that computed a looked-up quotient.
    QuotientProvider { Caf => "caf", Msa => "msa" }
}

stored_enum! {
    /// What a lookup at API Particulier came to.
    LookupOutcome {
        Found => "found", NotFound => "not_found", SeveralFound => "several_found",
        Unavailable => "unavailable", NotAGuardian => "not_a_guardian",
    }
}

/// Someone the CAF or MSA pays, as its answer names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocataire {
    pub birth_name: String,
    pub usage_name: Option<String>,
    /// The first names, space-separated, in civil-status order.
    pub first_names: String,
}

/// A guardian as the dossier names them.
#[derive(Debug, Clone, Copy)]
pub struct GuardianName<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
}

/// Whether a quotient found is this family's: one of its allocataires is one of the
/// dossier's guardians, their last name being the allocataire's birth or usage name and
/// their first name among the allocataire's (case, accents and hyphens aside). Without
/// it, a family could read anyone's quotient by typing their identity.
pub fn allocataire_is_guardian(
    allocataires: &[Allocataire],
    guardians: &[GuardianName<'_>],
) -> bool {
    allocataires.iter().any(|a| {
        guardians.iter().any(|g| {
            let last = fold(g.last_name);
            let last_matches = fold(&a.birth_name) == last
                || a.usage_name.as_deref().is_some_and(|u| fold(u) == last);
            last_matches && words_within(g.first_name, &a.first_names)
        })
    })
}

stored_enum! {
    /// From when a looked-up quotient applies: the lookup's day, the first day of its
    /// month, or the first day of the next month.
    LookupAppliesFrom { Day => "day", Month => "month", NextMonth => "next_month" }
}

/// The period a quotient looked up on `today` covers: from the city's rule's day to the
/// end of a school year (31 August), when families renew it: that day's school year, or
/// the next one for a lookup in its last three months (families renew in the summer
/// for the coming year).
pub fn looked_up_period(rule: LookupAppliesFrom, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let month_start = today.with_day(1).unwrap_or(today);
    let from = match rule {
        LookupAppliesFrom::Day => today,
        LookupAppliesFrom::Month => month_start,
        LookupAppliesFrom::NextMonth => month_start
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(month_start),
    };
    (from, renewed_school_year_end(from))
}

/// The last day (31 August) of the school year something dated `day` is for: that
/// day's school year, or the next one from June on (families renew in the summer for
/// the coming year).
pub fn renewed_school_year_end(day: NaiveDate) -> NaiveDate {
    let ahead = day
        .checked_add_months(chrono::Months::new(3))
        .unwrap_or(day);
    school_year_start(ahead)
        .with_year(school_year_start(ahead).year() + 1)
        .and_then(|next| next.pred_opt())
        .unwrap_or(day)
}
#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn period(id: i64, quotient: i64, from: NaiveDate, until: NaiveDate) -> QuotientPeriod {
        QuotientPeriod {
            id,
            quotient,
            valid_from: from,
            valid_until: until,
        }
    }

    #[test]
    fn the_latest_period_covering_the_day_applies() {
        let year = period(1, 850, date(2026, 1, 1), date(2026, 12, 31));
        let correction = period(2, 620, date(2026, 9, 1), date(2026, 12, 31));
        let periods = [year, correction];
        assert_eq!(current_quotient(&periods, date(2026, 3, 1)), Some(year));
        assert_eq!(
            current_quotient(&periods, date(2026, 11, 26)),
            Some(correction)
        );
        assert_eq!(current_quotient(&periods, date(2027, 1, 1)), None);
        assert!(year.covers(date(2026, 12, 31)));
    }

    #[test]
    fn month_days_parse_and_land_in_the_school_year() {
        let october = MonthDay::parse("10-01").unwrap_or(MonthDay { month: 0, day: 0 });
        assert_eq!(october.to_string(), "10-01");
        assert_eq!(
            october.in_school_year_of(date(2027, 3, 2)),
            date(2026, 10, 1)
        );
        assert_eq!(
            october.in_school_year_of(date(2026, 9, 1)),
            date(2026, 10, 1)
        );
        let leap = MonthDay::parse("02-29").unwrap_or(october);
        assert_eq!(leap.in_school_year_of(date(2026, 9, 1)), date(2027, 3, 1));
        assert_eq!(leap.in_school_year_of(date(2027, 9, 1)), date(2028, 2, 29));
        for bad in ["1-01", "13-01", "02-30", "10/01", "", "10-1"] {
            assert_eq!(MonthDay::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_previous_years_quotient_runs_on_until_the_top_bracket_day() {
        let last_year = period(1, 620, date(2025, 9, 1), date(2026, 8, 31));
        let rule = MonthDay::parse("10-01");
        let sept = price_basis(&[last_year], date(2026, 9, 15), rule);
        assert_eq!(
            sept,
            PriceBasis::Provisional {
                period: last_year,
                top_bracket_from: date(2026, 10, 1)
            }
        );
        assert_eq!(sept.quotient(), Some(620));
        let october = price_basis(&[last_year], date(2026, 10, 1), rule);
        assert_eq!(
            october,
            PriceBasis::TopBracket {
                since: Some(date(2026, 10, 1))
            }
        );
        assert_eq!(october.quotient(), None);
        // Without the city's rule, no grace.
        assert_eq!(
            price_basis(&[last_year], date(2026, 9, 15), None),
            PriceBasis::TopBracket { since: None }
        );
        // A quotient two years old does not run on.
        let older = period(2, 300, date(2024, 9, 1), date(2025, 8, 31));
        assert_eq!(
            price_basis(&[older], date(2026, 9, 15), rule).quotient(),
            None
        );
        // A quotient for the day wins.
        let this_year = period(3, 900, date(2026, 9, 1), date(2027, 8, 31));
        assert_eq!(
            price_basis(&[last_year, this_year], date(2026, 9, 15), rule),
            PriceBasis::Quotient(this_year)
        );
    }

    #[test]
    fn a_looked_up_quotient_runs_to_the_end_of_the_school_year() {
        let today = date(2026, 12, 6);
        assert_eq!(
            looked_up_period(LookupAppliesFrom::Day, today),
            (today, date(2027, 8, 31))
        );
        assert_eq!(
            looked_up_period(LookupAppliesFrom::Month, today),
            (date(2026, 12, 1), date(2027, 8, 31))
        );
        assert_eq!(
            looked_up_period(LookupAppliesFrom::NextMonth, today),
            (date(2027, 1, 1), date(2027, 8, 31))
        );
        // Looked up in the summer: it covers the coming school year too.
        assert_eq!(
            looked_up_period(LookupAppliesFrom::NextMonth, date(2027, 8, 20)),
            (date(2027, 9, 1), date(2028, 8, 31))
        );
        assert_eq!(
            looked_up_period(LookupAppliesFrom::Day, date(2027, 6, 10)),
            (date(2027, 6, 10), date(2028, 8, 31))
        );
        assert_eq!(
            looked_up_period(LookupAppliesFrom::Day, date(2027, 5, 31)),
            (date(2027, 5, 31), date(2027, 8, 31))
        );
    }

    #[test]
    fn a_quotient_is_the_familys_only_when_an_allocataire_is_a_guardian() {
        let elodie = Allocataire {
            birth_name: "BERNARD".into(),
            usage_name: Some("DUPONT".into()),
            first_names: "ELODIE JUDITH".into(),
        };
        let guardian = |first_name, last_name| GuardianName {
            first_name,
            last_name,
        };
        let found =
            |g: GuardianName<'_>| allocataire_is_guardian(std::slice::from_ref(&elodie), &[g]);
        assert!(found(guardian("Élodie", "Bernard")));
        assert!(found(guardian("Judith", "Dupont")), "the usage name counts");
        assert!(!found(guardian("Élodie", "Martin")), "another family");
        assert!(!found(guardian("Paul", "Bernard")), "another Bernard");
        assert!(!allocataire_is_guardian(
            &[],
            &[guardian("Élodie", "Bernard")]
        ));
    }
}

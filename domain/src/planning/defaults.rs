//! The guide's deadlines per activity kind: what a new activity starts with before the
//! city adjusts its rules.

use super::days::RunsOn;
use super::rules::{DeadlineRule, TimeUnit};

/// `amount` units before the start, at the start's own time, every day counted.
pub(super) fn before(amount: u32, unit: TimeUnit) -> DeadlineRule {
    DeadlineRule::Before {
        amount,
        unit,
        cutoff: None,
        working_days_only: false,
    }
}

/// (booking rule, change rule) for a kind code, the guide's table column by column;
/// None for unknown codes (the caller then uses `UntilStart` for both). Stays and
/// summer centres are booked in the period the city opens on each ("Période définie
/// par la Ville", "Période de 2 à 3 semaines"): none until it does.
pub fn default_rules(kind_code: &str) -> Option<(DeadlineRule, DeadlineRule)> {
    match kind_code {
        "morning_care" | "evening_care" | "wednesday_care" => {
            Some((before(1, TimeUnit::Weeks), before(48, TimeUnit::Hours)))
        }
        "school_catering" => Some((before(1, TimeUnit::Months), before(15, TimeUnit::Days))),
        "stay" => Some((DeadlineRule::CityPeriod, DeadlineRule::UntilStart)),
        "short_holiday_centre" => Some((
            DeadlineRule::AfterReturn { days: 15 },
            before(1, TimeUnit::Months),
        )),
        "summer_centre" => Some((DeadlineRule::CityPeriod, before(1, TimeUnit::Months))),
        _ => None,
    }
}

/// Holiday centres and stays run during school holidays, every other kind on school days.
pub fn default_runs_on(kind_code: &str) -> RunsOn {
    match kind_code {
        "short_holiday_centre" | "summer_centre" | "stay" => RunsOn::SchoolHolidays,
        _ => RunsOn::SchoolDays,
    }
}

/// Rules as the city wrote them at one level (a kind, or an activity); each `None`
/// inherits from the level above.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WrittenRules {
    pub runs_on: Option<RunsOn>,
    pub booking: Option<DeadlineRule>,
    pub change: Option<DeadlineRule>,
}

/// The rules that apply to an activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveRules {
    pub runs_on: RunsOn,
    pub booking: DeadlineRule,
    pub change: DeadlineRule,
}

/// The rules of an activity of the kind `kind_code`: each is the activity's own, else
/// its kind's, else the guide's default for the kind (until the start for a kind the
/// guide does not name). A kind sets no running days of its own.
pub fn effective_rules(kind_code: &str, kind: &WrittenRules, own: &WrittenRules) -> EffectiveRules {
    let (booking, change) =
        default_rules(kind_code).unwrap_or((DeadlineRule::UntilStart, DeadlineRule::UntilStart));
    EffectiveRules {
        runs_on: own.runs_on.unwrap_or_else(|| default_runs_on(kind_code)),
        booking: own
            .booking
            .clone()
            .or_else(|| kind.booking.clone())
            .unwrap_or(booking),
        change: own
            .change
            .clone()
            .or_else(|| kind.change.clone())
            .unwrap_or(change),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guides_kinds_have_their_rules_and_others_none() {
        let care = default_rules("wednesday_care");
        assert_eq!(
            care,
            Some((before(1, TimeUnit::Weeks), before(48, TimeUnit::Hours)))
        );
        assert_eq!(default_rules("evening_care"), care);
        assert!(matches!(
            default_rules("short_holiday_centre"),
            Some((DeadlineRule::AfterReturn { days: 15 }, _))
        ));
        for city_period in ["stay", "summer_centre"] {
            assert!(matches!(
                default_rules(city_period),
                Some((DeadlineRule::CityPeriod, _))
            ));
            assert_eq!(default_runs_on(city_period), RunsOn::SchoolHolidays);
        }
        assert_eq!(default_rules("judo"), None);
        assert_eq!(default_runs_on("stay"), RunsOn::SchoolHolidays);
        assert_eq!(default_runs_on("school_catering"), RunsOn::SchoolDays);
    }

    #[test]
    fn an_activity_rule_wins_over_its_kind_which_wins_over_the_guide() {
        let week = before(1, TimeUnit::Weeks);
        let days = before(3, TimeUnit::Days);
        let none = WrittenRules::default();
        let guide = effective_rules("morning_care", &none, &none);
        assert_eq!(guide.booking, week);
        assert_eq!(guide.change, before(48, TimeUnit::Hours));
        assert_eq!(guide.runs_on, RunsOn::SchoolDays);
        let kind = WrittenRules {
            booking: Some(days.clone()),
            ..none.clone()
        };
        assert_eq!(
            effective_rules("morning_care", &kind, &none).booking,
            days.clone()
        );
        let own = WrittenRules {
            runs_on: Some(RunsOn::EveryDay),
            booking: Some(DeadlineRule::UntilStart),
            change: None,
        };
        let both = effective_rules("morning_care", &kind, &own);
        assert_eq!(both.booking, DeadlineRule::UntilStart);
        assert_eq!(both.runs_on, RunsOn::EveryDay);
        assert_eq!(both.change, before(48, TimeUnit::Hours));
    }

    #[test]
    fn a_kind_the_guide_does_not_name_books_until_the_start() {
        let none = WrittenRules::default();
        let rules = effective_rules("chess_club", &none, &none);
        assert_eq!(rules.booking, DeadlineRule::UntilStart);
        assert_eq!(rules.change, DeadlineRule::UntilStart);
    }
}

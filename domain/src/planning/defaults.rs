//! The guide's deadlines per activity kind: what a new activity starts with before the
//! city adjusts its rules.

use super::days::RunsOn;
use super::rules::{DeadlineRule, TimeUnit};

fn before(amount: u32, unit: TimeUnit) -> DeadlineRule {
    DeadlineRule::Before {
        amount,
        unit,
        cutoff: None,
        working_days_only: false,
    }
}

/// (booking rule, change rule) for a kind code; None for unknown codes (the caller then
/// uses `UntilStart` for both). Stays get `UntilStart` for both: the guide leaves their
/// windows to the city, which is expected to set a `Window` on each stay.
pub fn default_rules(kind_code: &str) -> Option<(DeadlineRule, DeadlineRule)> {
    match kind_code {
        "morning_care" | "evening_care" | "wednesday_care" => {
            Some((before(1, TimeUnit::Weeks), before(48, TimeUnit::Hours)))
        }
        "school_catering" => Some((before(1, TimeUnit::Months), before(15, TimeUnit::Days))),
        "stay" => Some((DeadlineRule::UntilStart, DeadlineRule::UntilStart)),
        "holiday_centre" => Some((
            DeadlineRule::AfterReturn { days: 15 },
            before(1, TimeUnit::Months),
        )),
        _ => None,
    }
}

/// Holiday centres and stays run during school holidays, every other kind on school days.
pub fn default_runs_on(kind_code: &str) -> RunsOn {
    match kind_code {
        "holiday_centre" | "stay" => RunsOn::SchoolHolidays,
        _ => RunsOn::SchoolDays,
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
            default_rules("holiday_centre"),
            Some((DeadlineRule::AfterReturn { days: 15 }, _))
        ));
        assert_eq!(default_rules("judo"), None);
        assert_eq!(default_runs_on("stay"), RunsOn::SchoolHolidays);
        assert_eq!(default_runs_on("school_catering"), RunsOn::SchoolDays);
    }
}

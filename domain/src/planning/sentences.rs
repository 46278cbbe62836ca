//! A deadline rule as the guide's table ("DÉLAIS DE RÉSERVATION ET DE MODIFICATION DES
//! ACTIVITÉS") says it, in French: what families read beside each activity kind.

use chrono::{NaiveDateTime, NaiveTime, Timelike};

use super::rules::{DeadlineRule, TimeUnit};
use crate::calendar::french_date;

/// The rule in the guide's words: "1 semaine avant le début de l'activité", "Période de
/// 15 jours après chaque retour de vacances"…
pub fn rule_sentence(rule: &DeadlineRule) -> String {
    match rule {
        DeadlineRule::UntilStart => "Jusqu'au début de l'activité".to_owned(),
        DeadlineRule::Before {
            amount,
            unit,
            cutoff,
            working_days_only,
        } => {
            let counted = amount_of(*amount, *unit, *working_days_only);
            match cutoff {
                Some(at) => format!("{counted} avant le début de l'activité, à {}", hour(*at)),
                None => format!("{counted} avant le début de l'activité"),
            }
        }
        DeadlineRule::PreviousMonth { day, cutoff } => {
            let day = if *day == 1 {
                "1er".to_owned()
            } else {
                day.to_string()
            };
            match cutoff {
                Some(at) => format!("Jusqu'au {day} du mois précédent, à {}", hour(*at)),
                None => format!("Jusqu'au {day} du mois précédent"),
            }
        }
        DeadlineRule::Window { opens, closes } => format!(
            "Période définie par la Ville : du {} au {}",
            moment(*opens),
            moment(*closes)
        ),
        DeadlineRule::AfterReturn { days } => format!(
            "Période de {} après chaque retour de vacances",
            plural(*days, "jour", "jours")
        ),
        DeadlineRule::CityPeriod => "Période définie par la Ville".to_owned(),
    }
}

fn amount_of(amount: u32, unit: TimeUnit, working_days_only: bool) -> String {
    let counted = match unit {
        TimeUnit::Hours => plural(amount, "heure", "heures"),
        TimeUnit::Days => plural(amount, "jour", "jours"),
        TimeUnit::Weeks => plural(amount, "semaine", "semaines"),
        TimeUnit::Months => format!("{amount} mois"),
    };
    if working_days_only {
        format!("{counted} (jours ouvrés)")
    } else {
        counted
    }
}

fn plural(amount: u32, one: &str, many: &str) -> String {
    format!("{amount} {}", if amount > 1 { many } else { one })
}

fn hour(at: NaiveTime) -> String {
    format!("{:02}:{:02}", at.hour(), at.minute())
}

fn moment(at: NaiveDateTime) -> String {
    format!("{} à {}", french_date(at.date()), hour(at.time()))
}

#[cfg(test)]
mod tests {
    use super::super::defaults::before;
    use super::*;

    #[test]
    fn the_guides_rules_read_as_its_table() {
        assert_eq!(
            rule_sentence(&before(1, TimeUnit::Weeks)),
            "1 semaine avant le début de l'activité"
        );
        assert_eq!(
            rule_sentence(&before(48, TimeUnit::Hours)),
            "48 heures avant le début de l'activité"
        );
        assert_eq!(
            rule_sentence(&before(15, TimeUnit::Days)),
            "15 jours avant le début de l'activité"
        );
        assert_eq!(
            rule_sentence(&before(1, TimeUnit::Months)),
            "1 mois avant le début de l'activité"
        );
        assert_eq!(
            rule_sentence(&DeadlineRule::AfterReturn { days: 15 }),
            "Période de 15 jours après chaque retour de vacances"
        );
        assert_eq!(
            rule_sentence(&DeadlineRule::CityPeriod),
            "Période définie par la Ville"
        );
    }

    #[test]
    fn cutoffs_working_days_and_windows_are_said_too() {
        let rule = DeadlineRule::Before {
            amount: 2,
            unit: TimeUnit::Days,
            cutoff: NaiveTime::from_hms_opt(10, 0, 0),
            working_days_only: true,
        };
        assert_eq!(
            rule_sentence(&rule),
            "2 jours (jours ouvrés) avant le début de l'activité, à 10:00"
        );
        let at = |d: &str| NaiveDateTime::parse_from_str(d, "%Y-%m-%dT%H:%M").unwrap_or_default();
        let window = DeadlineRule::Window {
            opens: at("2027-05-03T09:00"),
            closes: at("2027-05-24T18:00"),
        };
        assert_eq!(
            rule_sentence(&window),
            "Période définie par la Ville : du 03/05/2027 à 09:00 au 24/05/2027 à 18:00"
        );
        let previous = DeadlineRule::PreviousMonth {
            day: 1,
            cutoff: None,
        };
        assert_eq!(rule_sentence(&previous), "Jusqu'au 1er du mois précédent");
        assert_eq!(
            rule_sentence(&DeadlineRule::UntilStart),
            "Jusqu'au début de l'activité"
        );
    }
}

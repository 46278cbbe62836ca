//! Deadline rules as the city writes them (JSON, stored as written) and which one
//! applies: the activity's own, else its kind's, else the guide's default for the kind.

pub use persistence::planning::deadline_rules::{ActivityRules, KindRules};

use chrono::{DateTime, NaiveDateTime, NaiveTime, Utc};
use domain::planning::{self, DeadlineRule, RunsOn, TimeUnit, WrittenRules};
use persistence::planning::deadline_rules::{self as store};
use persistence::write_transaction;
use persistence::{AnyConnection, activities};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::openapi::enums::api_enum;
use crate::problem::FieldError;
use crate::usecases::{CommonRefusal, Outcome, UseCaseError};

/// When a booking or a change may be made, relative to the unit's start on the day
/// (Europe/Paris), told apart by `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[schema(as = DeadlineRule)]
pub enum Rule {
    /// Until the unit starts.
    UntilStart(UntilStartRule),
    /// A delay before the start.
    Before(BeforeRule),
    /// Until a day of the month before.
    PreviousMonth(PreviousMonthRule),
    /// A fixed window of dates and times.
    Window(WindowRule),
    /// A window opening when classes resume after the previous holidays.
    AfterReturn(AfterReturnRule),
    /// The period the city opens on each activity (its own `window`); none until then.
    CityPeriod(CityPeriodRule),
}

/// Until the unit starts: no delay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UntilStartRule {}

/// Stays and summer centres ("Période définie par la Ville"): a kind's rule saying each
/// activity is booked in the `window` the city sets on it, and not at all before.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CityPeriodRule {}

/// `amount` hours (elapsed time), days, weeks or months (calendar) before the start;
/// at `cutoff` on the deadline's day when given (for hours: the latest cut-off not
/// after it); `workingDaysOnly` skips weekends and public holidays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BeforeRule {
    /// How many units before the start.
    #[schema(minimum = 0, maximum = 10000, example = 2)]
    pub amount: u32,
    /// What `amount` counts.
    pub unit: RuleUnit,
    /// The time of day (`HH:MM:SS`, Paris) the deadline falls at on its day; null for
    /// the start's own time.
    #[schema(value_type = Option<String>, example = "10:00:00", pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$")]
    pub cutoff: Option<NaiveTime>,
    /// Counts working days only (no weekend, no public holiday); false when left out.
    #[serde(default)]
    pub working_days_only: bool,
}

/// Until `day` of the month before the unit's day (clamped to the month's end), at
/// `cutoff`, else until that day ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PreviousMonthRule {
    /// The day of the previous month.
    #[schema(minimum = 1, maximum = 31, example = 20)]
    pub day: u32,
    /// The time of day (`HH:MM:SS`, Paris); null for the end of that day.
    #[schema(value_type = Option<String>, example = "12:00:00", pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$")]
    pub cutoff: Option<NaiveTime>,
}

/// A window of Paris local date-times: open from `opens`, closed from `closes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WindowRule {
    /// When it opens (`YYYY-MM-DDTHH:MM:SS`, Paris time, no offset).
    #[schema(value_type = String, example = "2027-05-03T08:00:00")]
    pub opens: NaiveDateTime,
    /// When it closes (`YYYY-MM-DDTHH:MM:SS`, Paris time, no offset).
    #[schema(value_type = String, example = "2027-05-24T00:00:00")]
    pub closes: NaiveDateTime,
}

/// Holiday centres, short holidays: opens the day classes resume after the previous
/// school holidays and lasts `days` days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AfterReturnRule {
    /// How many days the window lasts.
    #[schema(minimum = 1, maximum = 366, example = 21)]
    pub days: u32,
}

api_enum! {
    /// What a `before` rule's `amount` counts.
    pub enum RuleUnit {
        /// Hours of elapsed time before the start.
        Hours = "hours",
        /// Calendar days (or working days with `workingDaysOnly`).
        Days = "days",
        /// Calendar weeks.
        Weeks = "weeks",
        /// Calendar months.
        Months = "months",
    }
}

impl From<&Rule> for DeadlineRule {
    fn from(rule: &Rule) -> Self {
        match *rule {
            Rule::UntilStart(UntilStartRule {}) => Self::UntilStart,
            Rule::Before(BeforeRule {
                amount,
                unit,
                cutoff,
                working_days_only,
            }) => Self::Before {
                amount,
                unit: match unit {
                    RuleUnit::Hours => TimeUnit::Hours,
                    RuleUnit::Days => TimeUnit::Days,
                    RuleUnit::Weeks => TimeUnit::Weeks,
                    RuleUnit::Months => TimeUnit::Months,
                },
                cutoff,
                working_days_only,
            },
            Rule::PreviousMonth(PreviousMonthRule { day, cutoff }) => {
                Self::PreviousMonth { day, cutoff }
            }
            Rule::Window(WindowRule { opens, closes }) => Self::Window { opens, closes },
            Rule::AfterReturn(AfterReturnRule { days }) => Self::AfterReturn { days },
            Rule::CityPeriod(CityPeriodRule {}) => Self::CityPeriod,
        }
    }
}

impl From<&DeadlineRule> for Rule {
    fn from(rule: &DeadlineRule) -> Self {
        match *rule {
            DeadlineRule::UntilStart => Self::UntilStart(UntilStartRule {}),
            DeadlineRule::Before {
                amount,
                unit,
                cutoff,
                working_days_only,
            } => Self::Before(BeforeRule {
                amount,
                unit: match unit {
                    TimeUnit::Hours => RuleUnit::Hours,
                    TimeUnit::Days => RuleUnit::Days,
                    TimeUnit::Weeks => RuleUnit::Weeks,
                    TimeUnit::Months => RuleUnit::Months,
                },
                cutoff,
                working_days_only,
            }),
            DeadlineRule::PreviousMonth { day, cutoff } => {
                Self::PreviousMonth(PreviousMonthRule { day, cutoff })
            }
            DeadlineRule::Window { opens, closes } => Self::Window(WindowRule { opens, closes }),
            DeadlineRule::AfterReturn { days } => Self::AfterReturn(AfterReturnRule { days }),
            DeadlineRule::CityPeriod => Self::CityPeriod(CityPeriodRule {}),
        }
    }
}

impl Rule {
    /// The rule's own limits, as field errors under `field`.
    pub fn check(&self, field: &str) -> Vec<FieldError> {
        let bad = |(fr, en): (&str, &str)| vec![FieldError::new(field, "invalid_rule", fr, en)];
        match self {
            Self::Before(BeforeRule { amount, .. }) if *amount > 10_000 => bad((
                "Un délai ne dépasse pas 10 000 unités.",
                "A deadline is at most 10,000 units.",
            )),
            Self::PreviousMonth(PreviousMonthRule { day, .. }) if !(1..=31).contains(day) => bad((
                "Le jour du mois précédent va de 1 à 31.",
                "The day of the previous month runs from 1 to 31.",
            )),
            Self::Window(WindowRule { opens, closes }) if opens >= closes => bad((
                "La fenêtre doit s'ouvrir avant de se fermer.",
                "The window must open before it closes.",
            )),
            Self::AfterReturn(AfterReturnRule { days }) if !(1..=366).contains(days) => bad((
                "La fenêtre dure de 1 à 366 jours.",
                "The window lasts 1 to 366 days.",
            )),
            _ => Vec::new(),
        }
    }
}

pub use domain::planning::EffectiveRules;

/// What a kind's row holds: its own booking and change rules.
pub fn written_of_kind(kind: &KindRules) -> RulesInput {
    RulesInput {
        runs_on: None,
        booking: kind.booking_rule.as_ref().map(Rule::from),
        change: kind.change_rule.as_ref().map(Rule::from),
    }
}

/// What an activity's own row holds.
pub fn written_of_activity(own: &ActivityRules) -> RulesInput {
    RulesInput {
        runs_on: own.runs_on,
        booking: own.booking_rule.as_ref().map(Rule::from),
        change: own.change_rule.as_ref().map(Rule::from),
    }
}

/// The kind's rules: as the city set them, else the guide's.
pub fn of_kind(kind: &KindRules) -> (DeadlineRule, DeadlineRule) {
    let rules = effective(kind, None);
    (rules.booking, rules.change)
}

/// The rules that apply to an activity of `kind` with its own settings `own`
/// (`domain::planning::effective_rules` decides).
pub fn effective(kind: &KindRules, own: Option<&ActivityRules>) -> EffectiveRules {
    let written_kind = WrittenRules {
        runs_on: None,
        booking: kind.booking_rule.clone(),
        change: kind.change_rule.clone(),
    };
    let written_own = own.map_or_else(WrittenRules::default, |own| WrittenRules {
        runs_on: own.runs_on,
        booking: own.booking_rule.clone(),
        change: own.change_rule.clone(),
    });
    planning::effective_rules(&kind.code, &written_kind, &written_own)
}

/// Rules a city writes: each `None` falls back (activity → kind → guide).
#[derive(Debug, Clone, Default)]
pub struct RulesInput {
    pub runs_on: Option<RunsOn>,
    pub booking: Option<Rule>,
    pub change: Option<Rule>,
}

impl RulesInput {
    /// The rules written, as the domain reads them.
    fn decided(&self) -> WrittenRules {
        WrittenRules {
            runs_on: self.runs_on,
            booking: self.booking.as_ref().map(DeadlineRule::from),
            change: self.change.as_ref().map(DeadlineRule::from),
        }
    }

    fn check(&self) -> Outcome<()> {
        let mut errors = Vec::new();
        if let Some(rule) = &self.booking {
            errors.extend(rule.check("bookingRule"));
        }
        if let Some(rule) = &self.change {
            errors.extend(rule.check("changeRule"));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(UseCaseError::Invalid(errors))
        }
    }
}

/// Sets a kind's rules and returns what now applies to its activities.
pub fn set_for_kind(
    conn: &mut AnyConnection,
    kind_id: i64,
    input: &RulesInput,
) -> Outcome<(KindRules, (DeadlineRule, DeadlineRule))> {
    input.check()?;
    let written = input.decided();
    if !store::set_kind(
        conn,
        kind_id,
        written.booking.as_ref(),
        written.change.as_ref(),
    )? {
        return Err(CommonRefusal::NotFound.into());
    }
    let kind = store::of_kind(conn, kind_id)?.ok_or(CommonRefusal::NotFound)?;
    let rules = of_kind(&kind);
    Ok((kind, rules))
}

/// The kind and own settings of an activity.
pub fn of_activity(
    conn: &mut AnyConnection,
    activity_id: i64,
) -> Outcome<(KindRules, Option<ActivityRules>)> {
    let activity = activities::find(conn, activity_id)?.ok_or(CommonRefusal::NotFound)?;
    let kind = store::of_kind(conn, activity.kind_id)?.ok_or(CommonRefusal::NotFound)?;
    Ok((kind, store::of_activity(conn, activity_id)?))
}

/// Sets an activity's own rules and returns what now applies.
pub fn set_for_activity(
    conn: &mut AnyConnection,
    activity_id: i64,
    input: &RulesInput,
    now: DateTime<Utc>,
) -> Outcome<(KindRules, Option<ActivityRules>)> {
    input.check()?;
    activities::find(conn, activity_id)?.ok_or(CommonRefusal::NotFound)?;
    let written = input.decided();
    let own = ActivityRules {
        runs_on: written.runs_on,
        booking_rule: written.booking,
        change_rule: written.change,
    };
    write_transaction(conn, |conn| {
        store::set_activity(conn, activity_id, &own, now)
    })?;
    of_activity(conn, activity_id)
}

//! What clients read and write about plannings: ranges, days, verdicts, drafts.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};
use domain::calendar::french_instant;
use domain::planning::BookingStatus;
use domain::planning::ClosedReason;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::openapi::enums::api_enum;
use crate::problem::{ApiError, FieldError};
use crate::routes::dossiers::views::PriceBasisView;
use crate::usecases::planning::changes::{Applied, Change, Judged, Pattern};
use crate::usecases::planning::{
    Action, ActivityPlanning, ChildPlanning, DayEntry, DayRefusal, DraftCounts, Planning, Verdict,
};

api_enum! {
    /// A calendar view's length.
    pub enum PlanningPeriod {
        /// The calendar month holding `date`.
        Month = "month",
        /// Two weeks from the Monday of `date`'s week.
        Fortnight = "fortnight",
        /// Monday to Sunday of `date`'s week.
        Week = "week",
    }
}

/// Either `from` and `to`, or a `period` around `date` (default: the current month).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    /// First day of the range (`YYYY-MM-DD`, with `to`); the range spans at most 366
    /// days.
    pub from: Option<NaiveDate>,
    /// Last day of the range, included (`YYYY-MM-DD`, with `from`).
    pub to: Option<NaiveDate>,
    /// A view around `date`, when `from` and `to` are not given (default `month`).
    #[param(inline)]
    pub period: Option<PlanningPeriod>,
    /// A day of the `period` view (`YYYY-MM-DD`, default: today in the city's time zone).
    pub date: Option<NaiveDate>,
}

impl RangeQuery {
    /// The days asked for, `from..=to`.
    pub fn resolve(&self, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), ApiError> {
        for (field, day) in [("from", self.from), ("to", self.to), ("date", self.date)] {
            if day.is_some_and(|d| !in_calendar(d)) {
                return Err(out_of_calendar(field));
            }
        }
        match (self.from, self.to) {
            (Some(from), Some(to)) => return Ok((from, to)),
            (None, None) => {}
            _ => {
                return Err(ApiError::validation(vec![FieldError::new(
                    "from",
                    "range_incomplete",
                    "Donnez `from` et `to` ensemble, ou une période.",
                    "Give `from` and `to` together, or a period.",
                )]));
            }
        }
        let date = self.date.unwrap_or(today);
        let monday =
            date.checked_sub_days(Days::new(u64::from(date.weekday().num_days_from_monday())));
        let range = match self.period.unwrap_or(PlanningPeriod::Month) {
            PlanningPeriod::Month => {
                let first = date.with_day(1);
                let last = first
                    .and_then(|f| f.checked_add_months(Months::new(1)))
                    .and_then(|n| n.pred_opt());
                first.zip(last)
            }
            PlanningPeriod::Fortnight => {
                monday.and_then(|m| m.checked_add_days(Days::new(13)).map(|l| (m, l)))
            }
            PlanningPeriod::Week => {
                monday.and_then(|m| m.checked_add_days(Days::new(6)).map(|l| (m, l)))
            }
        };
        range.ok_or_else(|| out_of_calendar("date"))
    }
}

/// The years the planning serves: those of the public holidays it computes.
pub(crate) fn in_calendar(day: NaiveDate) -> bool {
    (1900..=2100).contains(&day.year())
}

pub(crate) fn out_of_calendar(field: &str) -> ApiError {
    ApiError::validation(vec![FieldError::new(
        field,
        "out_of_range",
        "Date hors du calendrier (années 1900 à 2100).",
        "Date out of the calendar (years 1900 to 2100).",
    )])
}

api_enum! {
    /// What a change does to a day's unit.
    pub enum DayActionView {
        /// Books the unit that day.
        Book = "book",
        /// Cancels the unit's booking that day.
        Cancel = "cancel",
    }
}

impl From<DayActionView> for Action {
    fn from(action: DayActionView) -> Self {
        match action {
            DayActionView::Book => Self::Book,
            DayActionView::Cancel => Self::Cancel,
        }
    }
}

impl From<Action> for DayActionView {
    fn from(action: Action) -> Self {
        match action {
            Action::Book => Self::Book,
            Action::Cancel => Self::Cancel,
        }
    }
}

api_enum! {
    /// Why a unit does not run on a day (the first reason found, in this order:
    /// outside the activity, before the entry date, weekday, public holiday, closure
    /// day, school holidays).
    pub enum ClosedReasonView {
        /// The unit does not run on that day of the week.
        NotAWeekdayOfTheUnit = "not_a_weekday_of_the_unit",
        /// A public holiday.
        PublicHoliday = "public_holiday",
        /// A school holiday, for a unit that runs on school days.
        SchoolHoliday = "school_holiday",
        /// A school day, for a unit that runs during school holidays only.
        OutsideSchoolHolidays = "outside_school_holidays",
        /// Before the activity starts or after it ends.
        OutsideActivity = "outside_activity",
        /// Before the registration's entry date.
        BeforeEntryDate = "before_entry_date",
        /// A closure day the city decided (a strike, a closed school).
        ClosureDay = "closure_day",
    }
}

impl From<ClosedReason> for ClosedReasonView {
    fn from(reason: ClosedReason) -> Self {
        match reason {
            ClosedReason::NotAWeekdayOfTheUnit => Self::NotAWeekdayOfTheUnit,
            ClosedReason::PublicHoliday => Self::PublicHoliday,
            ClosedReason::SchoolHoliday => Self::SchoolHoliday,
            ClosedReason::OutsideSchoolHolidays => Self::OutsideSchoolHolidays,
            ClosedReason::OutsideActivity => Self::OutsideActivity,
            ClosedReason::BeforeEntryDate => Self::BeforeEntryDate,
            ClosedReason::ClosureDay => Self::ClosureDay,
        }
    }
}

fn closed_label(reason: ClosedReason) -> &'static str {
    match reason {
        ClosedReason::NotAWeekdayOfTheUnit => "pas d'accueil ce jour de la semaine",
        ClosedReason::PublicHoliday => "jour férié",
        ClosedReason::SchoolHoliday => "vacances scolaires",
        ClosedReason::OutsideSchoolHolidays => "hors vacances scolaires",
        ClosedReason::OutsideActivity => "hors de la période de l'activité",
        ClosedReason::BeforeEntryDate => "avant la date d'entrée de l'inscription",
        ClosedReason::ClosureDay => "fermeture décidée par la ville",
    }
}

/// Why a day cannot change: a stable `code`, a French message, the instants involved.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "code": "deadline_passed",
    "message": "Le délai est passé depuis le 06/09/2026 à 07:30.",
    "deadline": "2026-09-06T05:30:00Z"
}))]
pub struct DayRefusalView {
    /// Why the day cannot change: `deadline_passed`, `window_not_open`,
    /// `no_booking_window`, `day_not_open`, `day_full`, `not_registered`,
    /// `prepaid_activity`, `booking_closed` or `not_in_custody` (the day is the other
    /// parent's, for a child with two households).
    #[schema(example = "deadline_passed")]
    pub code: String,
    /// The refusal in French, as shown to the family.
    #[schema(example = "Le délai est passé depuis le 06/09/2026 à 07:30.")]
    pub message: String,
    /// The deadline that passed, RFC 3339 in UTC (`deadline_passed` only; absent
    /// otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<DateTime<Utc>>,
    /// When the booking window opens, RFC 3339 in UTC (`window_not_open` only; absent
    /// otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<DateTime<Utc>>,
    /// Why the unit does not run that day (`day_not_open` only; absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_reason: Option<ClosedReasonView>,
}

impl From<DayRefusal> for DayRefusalView {
    fn from(refusal: DayRefusal) -> Self {
        let message = match refusal {
            DayRefusal::DeadlinePassed(at) => {
                format!("Le délai est passé depuis le {}.", french_instant(at))
            }
            DayRefusal::WindowNotOpen(at) => {
                format!(
                    "Les réservations de ce jour ouvrent le {}.",
                    french_instant(at)
                )
            }
            DayRefusal::NoWindow => "Aucune période de réservation ne couvre ce jour.".to_owned(),
            DayRefusal::DayClosed(reason) => {
                format!(
                    "L'activité n'a pas lieu ce jour-là : {}.",
                    closed_label(reason)
                )
            }
            DayRefusal::DayFull => "Il n'y a plus de place ce jour-là.".to_owned(),
            DayRefusal::NotRegistered => {
                "L'enfant n'est pas inscrit à cette activité ce jour-là.".to_owned()
            }
            DayRefusal::PrepaidActivity => {
                "Les semaines de vacances se réservent et se paient dans le panier.".to_owned()
            }
            DayRefusal::BookingClosed => {
                "La ville a fermé ce jour : la réservation ne peut plus changer.".to_owned()
            }
            DayRefusal::NotInCustody => {
                "Ce jour relève de la garde de l'autre parent : c'est à lui de le réserver ou de l'annuler.".to_owned()
            }
        };
        Self {
            code: refusal.code().to_owned(),
            message,
            deadline: match refusal {
                DayRefusal::DeadlinePassed(at) => Some(at),
                _ => None,
            },
            opens_at: match refusal {
                DayRefusal::WindowNotOpen(at) => Some(at),
                _ => None,
            },
            closed_reason: match refusal {
                DayRefusal::DayClosed(reason) => Some(reason.into()),
                _ => None,
            },
        }
    }
}

/// Whether a day can change now: a booked day be cancelled, another be booked.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"action": "cancel", "allowed": true, "until": "2026-09-06T09:30:00Z"}))]
pub struct ChangeStateView {
    /// What a tick would do: `cancel` a booked day, `book` another.
    pub action: DayActionView,
    /// Whether that change may be made now.
    pub allowed: bool,
    /// Until when it is allowed, RFC 3339 in UTC (absent when refused, and for agents,
    /// who have no deadline).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<DateTime<Utc>>,
    /// Why it is refused (absent when allowed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusal: Option<DayRefusalView>,
}

impl ChangeStateView {
    fn new(action: Action, verdict: Verdict) -> Self {
        match verdict {
            Verdict::Allowed(until) => Self {
                action: action.into(),
                allowed: true,
                until,
                refusal: None,
            },
            Verdict::Refused(refusal) => Self {
                action: action.into(),
                allowed: false,
                until: None,
                refusal: Some(refusal.into()),
            },
        }
    }
}

api_enum! {
    /// A saved booking of a day's unit.
    pub enum BookingStatusView {
        /// Booked: billed as the rules say.
        Booked = "booked",
        /// The city closed the day: not billed.
        Closed = "closed",
    }
}

/// One unit of one day.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "date": "2026-09-21",
    "unitId": 2,
    "startsAt": "2026-09-21T09:30:00Z",
    "open": true,
    "booking": "booked",
    "pending": null,
    "priceCents": 285,
    "change": {"action": "cancel", "allowed": true, "until": "2026-09-06T09:30:00Z"},
    "otherHousehold": false
}))]
pub struct DayView {
    /// The day (`YYYY-MM-DD`, in the city's time zone).
    pub date: NaiveDate,
    /// The unit's id (see `units`).
    pub unit_id: i64,
    /// The unit's start that day, RFC 3339 in UTC.
    pub starts_at: DateTime<Utc>,
    /// Whether the unit runs that day for this child.
    pub open: bool,
    /// Why the unit does not run that day (absent when `open`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_reason: Option<ClosedReasonView>,
    /// The saved booking (null: not booked).
    pub booking: Option<BookingStatusView>,
    /// The draft's pending change of that day (null: none).
    pub pending: Option<DayActionView>,
    /// The family's price that day, in cents (its quotient bracket, sibling rate);
    /// null when the unit has no price.
    pub price_cents: Option<i64>,
    /// Whether the day can change now, and how.
    pub change: ChangeStateView,
    /// For a child of separated parents with two households: the day is in the custody
    /// of the other household ("garde de l'autre parent"). A family then sees no
    /// booking, draft or price of it, and `change` is refused with `not_in_custody`;
    /// an agent sees everything, `true` marking the child's second household's days.
    pub other_household: bool,
}

impl From<&DayEntry> for DayView {
    fn from(entry: &DayEntry) -> Self {
        let action = if entry.booking.is_some() {
            Action::Cancel
        } else {
            Action::Book
        };
        Self {
            date: entry.day,
            unit_id: entry.unit_id,
            starts_at: entry.starts_at,
            open: entry.closed.is_none(),
            closed_reason: entry.closed.map(Into::into),
            booking: entry.booking.map(|b| match b {
                BookingStatus::Closed => BookingStatusView::Closed,
                BookingStatus::Booked => BookingStatusView::Booked,
            }),
            pending: entry.pending.map(Into::into),
            price_cents: entry.price_cents,
            change: ChangeStateView::new(action, entry.change),
            other_household: entry.other_household,
        }
    }
}

/// A unit of the activity and what the range holds of it ("2 Repas : 5.70 EUR").
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UnitSummaryView {
    /// The unit's id.
    pub unit_id: i64,
    /// The unit's name.
    #[schema(example = "Repas")]
    pub name: String,
    /// Start time, `HH:MM` in the city's time zone.
    #[schema(example = "11:30")]
    pub starts_at: String,
    /// End time, `HH:MM` in the city's time zone.
    #[schema(example = "13:30")]
    pub ends_at: String,
    /// Saved bookings in the range.
    pub booked: i64,
    /// What the saved bookings of the range cost, in cents.
    pub amount_cents: i64,
    /// Bookings once the draft is validated.
    pub booked_with_draft: i64,
    /// What the bookings cost once the draft is validated, in cents.
    pub amount_with_draft_cents: i64,
}

/// One accepted registration of a child over the range: its units and days.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ActivityPlanningView {
    /// The registration's id.
    pub registration_id: i64,
    /// The activity's id.
    pub activity_id: i64,
    /// The activity's name.
    #[schema(example = "Restauration scolaire maternelle")]
    pub activity_name: String,
    /// The activity's kind (a column of `GET /deadline-rules`, which names it and
    /// gives its deadlines).
    #[schema(example = 4)]
    pub kind_id: i64,
    /// Holiday weeks paid at once: shown, changed through the basket.
    pub prepaid: bool,
    /// The first day of the range the activity is open for the child (null: none).
    pub first_open_day: Option<NaiveDate>,
    /// Each unit of the activity, with its bookings and amounts over the range.
    pub units: Vec<UnitSummaryView>,
    /// What the saved bookings of the range cost, in cents.
    pub cost_cents: i64,
    /// What the range costs once the draft is validated, in cents.
    pub cost_with_draft_cents: i64,
    /// Every day of the range a unit's weekday falls on, by day then unit.
    pub days: Vec<DayView>,
}

impl From<&ActivityPlanning> for ActivityPlanningView {
    fn from(activity: &ActivityPlanning) -> Self {
        let saved = activity.summary(false);
        let drafted = activity.summary(true);
        let plan = &activity.plan;
        Self {
            registration_id: plan.registration.id,
            activity_id: plan.activity.id,
            activity_name: plan.activity.name.clone(),
            kind_id: plan.activity.kind_id,
            prepaid: plan.activity.mode == domain::activities::RegistrationMode::Prepaid,
            first_open_day: activity
                .entries
                .iter()
                .find(|e| e.closed.is_none())
                .map(|e| e.day),
            units: plan
                .units
                .iter()
                .zip(saved.iter().zip(&drafted))
                .map(
                    |(u, ((_, booked, cents), (_, with, with_cents)))| UnitSummaryView {
                        unit_id: u.unit.id,
                        name: u.unit.name.clone(),
                        starts_at: u.unit.starts_at.clone(),
                        ends_at: u.unit.ends_at.clone(),
                        booked: *booked,
                        amount_cents: *cents,
                        booked_with_draft: *with,
                        amount_with_draft_cents: *with_cents,
                    },
                )
                .collect(),
            cost_cents: activity.cost_cents(false),
            cost_with_draft_cents: activity.cost_cents(true),
            days: activity.entries.iter().map(DayView::from).collect(),
        }
    }
}

/// One child's planning over the range.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChildPlanningView {
    /// The child's id.
    pub child_id: i64,
    /// The child's first name.
    #[schema(example = "Luc")]
    pub first_name: String,
    /// The child's last name.
    #[schema(example = "T I")]
    pub last_name: String,
    /// "Coût de la période": the saved bookings of the range, in cents.
    pub cost_cents: i64,
    /// The range's cost once the draft is validated, in cents.
    pub cost_with_draft_cents: i64,
    /// The child's accepted registrations with their days.
    pub activities: Vec<ActivityPlanningView>,
}

impl From<&ChildPlanning> for ChildPlanningView {
    fn from(child: &ChildPlanning) -> Self {
        Self {
            child_id: child.child.id,
            first_name: child.child.first_name.clone(),
            last_name: child.child.last_name.clone(),
            cost_cents: child.cost_cents(false),
            cost_with_draft_cents: child.cost_cents(true),
            activities: child.activities.iter().map(Into::into).collect(),
        }
    }
}

/// "0 annulation en attente, 0 réservation en attente".
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DraftCountsView {
    /// Days the draft books.
    pub bookings: usize,
    /// Days the draft cancels.
    pub cancellations: usize,
}

impl From<DraftCounts> for DraftCountsView {
    fn from(counts: DraftCounts) -> Self {
        Self {
            bookings: counts.bookings,
            cancellations: counts.cancellations,
        }
    }
}

/// The planning of a range for one child or the whole family.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanningView {
    /// The range's first day (`YYYY-MM-DD`, in the city's time zone).
    pub from: NaiveDate,
    /// The range's last day, included (`YYYY-MM-DD`, in the city's time zone).
    pub to: NaiveDate,
    /// All the children's saved bookings of the range, in cents.
    pub cost_cents: i64,
    /// All the children's bookings of the range once the draft is validated, in cents.
    pub cost_with_draft_cents: i64,
    /// The whole draft, every range included.
    pub draft: DraftCountsView,
    /// The children shown: the one asked for, or every child of the dossier.
    pub children: Vec<ChildPlanningView>,
    /// What the family's prices rest on, on the range's first day (its quotient, last
    /// year's while the city allows, or the top bracket), with a sentence saying so.
    pub price_basis: PriceBasisView,
}

impl From<&Planning> for PlanningView {
    fn from(planning: &Planning) -> Self {
        Self {
            from: planning.from,
            to: planning.to,
            cost_cents: planning.children.iter().map(|c| c.cost_cents(false)).sum(),
            cost_with_draft_cents: planning.children.iter().map(|c| c.cost_cents(true)).sum(),
            draft: planning.draft.into(),
            children: planning.children.iter().map(Into::into).collect(),
            price_basis: PriceBasisView::new(planning.price_basis),
        }
    }
}

/// One day to book or cancel.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangeForm {
    /// The child's id.
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub child_id: i64,
    /// The unit's id (one of an activity the child is registered with).
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub unit_id: i64,
    /// The day (`YYYY-MM-DD`, in the city's time zone).
    pub date: NaiveDate,
    /// Book or cancel the unit that day.
    pub action: DayActionView,
}

/// Every `weekdays` of `from..=to` the unit runs on (closed days are left out).
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PatternForm {
    /// The child's id.
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub child_id: i64,
    /// The unit's id (one of an activity the child is registered with).
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub unit_id: i64,
    /// The pattern's first day (`YYYY-MM-DD`, in the city's time zone).
    pub from: NaiveDate,
    /// The pattern's last day, included (`YYYY-MM-DD`, in the city's time zone).
    pub to: NaiveDate,
    /// ISO weekdays, 1 = Monday to 7 = Sunday.
    #[validate(length(min = 1, max = 7))]
    #[schema(min_items = 1, max_items = 7, value_type = Vec<u32>, example = json!([1, 2, 4, 5]))]
    pub weekdays: Vec<u32>,
    /// Book or cancel the unit on those days.
    pub action: DayActionView,
}

/// Days and patterns to change, at most 1,000 days in all.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangesForm {
    /// Single days to change (empty when left out).
    #[serde(default)]
    #[validate(length(max = 1000), nested)]
    #[schema(max_items = 1000)]
    pub changes: Vec<ChangeForm>,
    /// Weekday patterns over a period (empty when left out).
    #[serde(default)]
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub patterns: Vec<PatternForm>,
}

impl ChangesForm {
    /// The changes and patterns, weekdays checked.
    pub fn read(&self) -> Result<(Vec<Change>, Vec<Pattern>), ApiError> {
        let days = self.changes.iter().map(|c| ("changes", c.date)).chain(
            self.patterns
                .iter()
                .flat_map(|p| [("patterns", p.from), ("patterns", p.to)]),
        );
        for (field, day) in days {
            if !in_calendar(day) {
                return Err(out_of_calendar(field));
            }
        }
        if self
            .patterns
            .iter()
            .any(|p| p.weekdays.iter().any(|d| !(1..=7).contains(d)))
        {
            return Err(ApiError::validation(vec![FieldError::new(
                "patterns",
                "invalid_weekday",
                "Les jours de la semaine vont de 1 (lundi) à 7 (dimanche).",
                "Weekdays run from 1 (Monday) to 7 (Sunday).",
            )]));
        }
        let changes = self
            .changes
            .iter()
            .map(|c| Change {
                child_id: c.child_id,
                unit_id: c.unit_id,
                day: c.date,
                action: c.action.into(),
            })
            .collect();
        let patterns = self
            .patterns
            .iter()
            .map(|p| Pattern {
                child_id: p.child_id,
                unit_id: p.unit_id,
                from: p.from,
                to: p.to,
                weekdays: p.weekdays.clone(),
                action: p.action.into(),
            })
            .collect();
        Ok((changes, patterns))
    }
}

/// A change and whether it may be made now.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JudgedChangeView {
    /// The child's id.
    pub child_id: i64,
    /// The unit's id.
    pub unit_id: i64,
    /// The day (`YYYY-MM-DD`, in the city's time zone).
    pub date: NaiveDate,
    /// Book or cancel the unit that day.
    pub action: DayActionView,
    /// Whether the change may be made now.
    pub allowed: bool,
    /// Until when it may be made, RFC 3339 in UTC (absent when refused, and for
    /// agents, who have no deadline).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<DateTime<Utc>>,
    /// Why it may not be made (absent when allowed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusal: Option<DayRefusalView>,
}

impl From<&Judged> for JudgedChangeView {
    fn from(judged: &Judged) -> Self {
        let state = ChangeStateView::new(judged.change.action, judged.verdict);
        Self {
            child_id: judged.change.child_id,
            unit_id: judged.change.unit_id,
            date: judged.change.day,
            action: judged.change.action.into(),
            allowed: state.allowed,
            until: state.until,
            refusal: state.refusal,
        }
    }
}

/// The draft kept on the server, each change judged now.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DraftView {
    /// Days the draft books.
    pub bookings: usize,
    /// Days the draft cancels.
    pub cancellations: usize,
    /// Each pending change, judged now.
    pub changes: Vec<JudgedChangeView>,
}

impl DraftView {
    pub fn new(judged: &[Judged]) -> Self {
        let bookings = judged
            .iter()
            .filter(|j| j.change.action == Action::Book)
            .count();
        Self {
            bookings,
            cancellations: judged.len() - bookings,
            changes: judged.iter().map(Into::into).collect(),
        }
    }
}

/// The draft after adding changes, with the days not kept.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DraftUpdateView {
    /// The whole draft after the changes were added.
    pub draft: DraftView,
    /// Days left out: the unit does not run or the child is not registered.
    pub ignored: Vec<JudgedChangeView>,
}

/// A change applied.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppliedChangeView {
    /// The child's id.
    pub child_id: i64,
    /// The unit's id.
    pub unit_id: i64,
    /// The day (`YYYY-MM-DD`, in the city's time zone).
    pub date: NaiveDate,
    /// Booked or cancelled.
    pub action: DayActionView,
}

/// What a validation did: every allowed change applied, the others reported.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangesResultView {
    /// The changes applied.
    pub applied: Vec<AppliedChangeView>,
    /// The changes not applied, each with its refusal.
    pub refused: Vec<JudgedChangeView>,
}

impl From<&Applied> for ChangesResultView {
    fn from(outcome: &Applied) -> Self {
        Self {
            applied: outcome
                .applied
                .iter()
                .map(|c| AppliedChangeView {
                    child_id: c.child_id,
                    unit_id: c.unit_id,
                    date: c.day,
                    action: c.action.into(),
                })
                .collect(),
            refused: outcome.refused.iter().map(Into::into).collect(),
        }
    }
}

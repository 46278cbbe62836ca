//! Back office for the planning: deadline rules per kind and activity, attendance.

use crate::routes::Json;
use crate::usecases::planning::attendance::Attendance;
use crate::usecases::planning::deadline_rules::{ActivityRules, KindRules};
use crate::usecases::utc;
use actix_web::{HttpResponse, get, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::planning::{AttendanceStatus, RunsOn};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::auth::Staff;
use crate::db;
use crate::openapi::enums::mirror_enum;
use crate::problem::{ApiError, FieldError, validate};
use crate::routes::planning::views::{in_calendar, out_of_calendar};
use crate::state::AppState;
use crate::usecases::planning::attendance::{self, RollCallLine};
use crate::usecases::planning::deadline_rules::{self, Rule, RulesInput};

mirror_enum! {
    /// Which days a unit runs: school days, school holidays, or every day of its weekdays.
    RunsOnView => RunsOn {
        /// School days only: not during school holidays.
        SchoolDays = "school_days",
        /// During school holidays only (holiday centres, stays).
        SchoolHolidays = "school_holidays",
        /// Every day of the unit's weekdays, school holidays or not.
        EveryDay = "every_day",
    }
}

/// Rules to set; an absent one falls back (activity → kind → the guide's table).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeadlineRulesForm {
    /// Activities only; kinds run on their default (holiday centres and stays during
    /// school holidays, the others on school days).
    pub runs_on: Option<RunsOnView>,
    /// Until when a day can be booked; null or absent: inherited.
    pub booking_rule: Option<Rule>,
    /// Until when a booked day can be cancelled; null or absent: inherited.
    pub change_rule: Option<Rule>,
}

impl DeadlineRulesForm {
    fn input(&self) -> RulesInput {
        RulesInput {
            runs_on: self.runs_on.map(Into::into),
            booking: self.booking_rule.clone(),
            change: self.change_rule.clone(),
        }
    }
}

/// The rules in force, and those set at this level (the rest is inherited).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeadlineRulesView {
    /// Which days the units run (for a kind: its activities' default).
    pub runs_on: RunsOnView,
    /// Until when a day can be booked.
    pub booking_rule: Rule,
    /// Until when a booked day can be cancelled.
    pub change_rule: Rule,
    /// What this kind or activity sets itself (absent: inherited).
    pub own: OwnRulesView,
}

/// The settings a kind or an activity sets itself; null: inherited.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OwnRulesView {
    /// The activity's own running days (always null for a kind); null: the kind's
    /// default.
    pub runs_on: Option<RunsOnView>,
    /// Its own booking rule; null: inherited (the kind's, then the guide's).
    pub booking_rule: Option<Rule>,
    /// Its own change rule; null: inherited (the kind's, then the guide's).
    pub change_rule: Option<Rule>,
}

fn view(
    kind: &KindRules,
    own: Option<&ActivityRules>,
    for_activity: bool,
) -> Result<DeadlineRulesView, ApiError> {
    let effective = deadline_rules::effective(kind, own);
    let written = match (for_activity, own) {
        (true, Some(own)) => deadline_rules::written_of_activity(own),
        (true, None) => RulesInput::default(),
        (false, _) => deadline_rules::written_of_kind(kind),
    };
    Ok(DeadlineRulesView {
        runs_on: effective.runs_on.into(),
        booking_rule: Rule::from(&effective.booking),
        change_rule: Rule::from(&effective.change),
        own: OwnRulesView {
            runs_on: written.runs_on.map(RunsOnView::from),
            booking_rule: written.booking,
            change_rule: written.change,
        },
    })
}

/// Sets the deadline rules of an activity kind (absent: the guide's default).
///
/// For agents and admins. Applies to every activity of the kind that does not set its
/// own rule; running days are set per activity only.
#[utoipa::path(
    tag = "admin-planning",
    operation_id = "setActivityKindDeadlineRules",
    security(("bearerAuth" = [])),
    params(("kindId" = i64, Path, minimum = 1, description = "The kind's id.")),
    request_body(content = DeadlineRulesForm, example = json!({
        "bookingRule": {"kind": "before", "amount": 2, "unit": "days", "cutoff": "10:00:00", "workingDaysOnly": true},
        "changeRule": {"kind": "before", "amount": 2, "unit": "days", "cutoff": "10:00:00", "workingDaysOnly": true}
    })),
    responses(
        (status = 200, description = "The rules now in force for the kind.", body = DeadlineRulesView),
        (status = 400, description = "A rule out of its limits, or `runsOn` on a kind (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such kind (`not_found`)."),
    ),
)]
#[put("/admin/activity-kinds/{kindId}/deadline-rules")]
pub async fn set_activity_kind_deadline_rules(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
    body: Json<DeadlineRulesForm>,
) -> Result<HttpResponse, ApiError> {
    if body.runs_on.is_some() {
        return Err(ApiError::validation(vec![FieldError::new(
            "runsOn",
            "activity_only",
            "Les jours d'ouverture se règlent par activité.",
            "Running days are set per activity.",
        )]));
    }
    let input = body.input();
    let kind_id = id.into_inner();
    let catalog = state.catalog.clone();
    let (kind, _) = db::run(&state.pool, move |conn| {
        let set = deadline_rules::set_for_kind(conn, kind_id, &input);
        catalog.forget();
        set
    })
    .await?;
    Ok(HttpResponse::Ok().json(view(&kind, None, false)?))
}

/// Reads the rules in force for an activity.
///
/// For agents and admins. `bookingRule` and `changeRule` are those in force; `own`
/// says which the activity sets itself.
#[utoipa::path(
    tag = "admin-planning",
    operation_id = "getActivityDeadlineRules",
    security(("bearerAuth" = [])),
    params(("activityId" = i64, Path, minimum = 1, description = "The activity's id.")),
    responses(
        (status = 200, description = "The rules in force and those the activity sets.", body = DeadlineRulesView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such activity (`not_found`)."),
    ),
)]
#[get("/admin/activities/{activityId}/deadline-rules")]
pub async fn get_activity_deadline_rules(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let activity_id = id.into_inner();
    let (kind, own) = db::run(&state.pool, move |conn| {
        deadline_rules::of_activity(conn, activity_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view(&kind, own.as_ref(), true)?))
}

/// Sets an activity's own rules and running days (absent: its kind's).
///
/// For agents and admins. An absent rule falls back to the kind's, then to the guide's
/// table.
#[utoipa::path(
    tag = "admin-planning",
    operation_id = "setActivityDeadlineRules",
    security(("bearerAuth" = [])),
    params(("activityId" = i64, Path, minimum = 1, description = "The activity's id.")),
    request_body = DeadlineRulesForm,
    responses(
        (status = 200, description = "The rules now in force.", body = DeadlineRulesView),
        (status = 400, description = "A rule out of its limits (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such activity (`not_found`)."),
    ),
)]
#[put("/admin/activities/{activityId}/deadline-rules")]
pub async fn set_activity_deadline_rules(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
    body: Json<DeadlineRulesForm>,
) -> Result<HttpResponse, ApiError> {
    let input = body.input();
    let activity_id = id.into_inner();
    let now = state.clock.now();
    let catalog = state.catalog.clone();
    let (kind, own) = db::run(&state.pool, move |conn| {
        let set = deadline_rules::set_for_activity(conn, activity_id, &input, now);
        catalog.forget();
        set
    })
    .await?;
    Ok(HttpResponse::Ok().json(view(&kind, own.as_ref(), true)?))
}

mirror_enum! {
    /// Whether a child came to a unit of a day, as billing reads it.
    AttendanceStatusView => AttendanceStatus {
        /// Booked and present: billed.
        Present = "present",
        /// Booked, absent with a justification: not billed.
        AbsentJustified = "absent_justified",
        /// Booked, absent without a justification: billed.
        AbsentUnjustified = "absent_unjustified",
        /// Came without a booking: billed with the activity's surcharge.
        PresentUnbooked = "present_unbooked",
    }
}

/// A child's attendance on a unit of a day, as an agent records it.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AttendanceForm {
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
    /// Present or absent; `present_unbooked` for a child who came without a booking.
    pub status: AttendanceStatusView,
    /// A justification (a doctor's note...); null or blank: none.
    #[validate(length(max = 500))]
    #[schema(max_length = 500, example = "Certificat médical du Dr Martin.")]
    pub note: Option<String>,
}

/// A child's attendance on a unit of a day, as recorded.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttendanceView {
    /// The child's id.
    pub child_id: i64,
    /// The unit's id.
    pub unit_id: i64,
    /// The day (`YYYY-MM-DD`, in the city's time zone).
    pub date: NaiveDate,
    /// What was recorded (null only for a stored value this version does not know).
    pub status: Option<AttendanceStatusView>,
    /// The justification; null: none.
    #[schema(example = "Certificat médical du Dr Martin.")]
    pub note: Option<String>,
    /// When it was last recorded, RFC 3339 in UTC.
    pub recorded_at: DateTime<Utc>,
}

impl From<&Attendance> for AttendanceView {
    fn from(recorded: &Attendance) -> Self {
        Self {
            child_id: recorded.child_id,
            unit_id: recorded.unit_id,
            date: recorded.day,
            status: Some(recorded.status.into()),
            note: recorded.note.clone(),
            recorded_at: utc(recorded.recorded_at),
        }
    }
}

/// Records (or corrects) a child's attendance on a unit of a day.
///
/// For agents and admins; billing reads it. A booked child is `present`, `absent_justified`
/// or `absent_unjustified`; a child who came without booking is `present_unbooked`.
#[utoipa::path(
    tag = "admin-planning",
    operation_id = "recordAttendance",
    security(("bearerAuth" = [])),
    request_body = AttendanceForm,
    responses(
        (status = 200, description = "Recorded.", body = AttendanceView),
        (status = 400, description = "Not registered that day, the unit does not run, or a status that contradicts the booking (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such child (`not_found`)."),
    ),
)]
#[put("/admin/attendance")]
pub async fn record_attendance(
    state: web::Data<AppState>,
    staff: Staff,
    body: Json<AttendanceForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    if !in_calendar(body.date) {
        return Err(out_of_calendar("date"));
    }
    let form = body.into_inner();
    let agent = staff.0.account_id;
    let now = state.clock.now();
    let status = AttendanceStatus::from(form.status);
    let recorded = db::run(&state.pool, move |conn| {
        attendance::record(
            conn,
            agent,
            (form.child_id, form.unit_id, form.date),
            status,
            form.note
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty()),
            now,
        )
    })
    .await?;
    Ok(HttpResponse::Ok().json(AttendanceView::from(&recorded)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DayQuery {
    /// The day of the roll call (`YYYY-MM-DD`, in the city's time zone).
    pub date: NaiveDate,
}

/// One child of a day's roll call.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RollCallView {
    /// The child's id.
    pub child_id: i64,
    /// The child's first name.
    #[schema(example = "Luc")]
    pub first_name: String,
    /// The child's last name.
    #[schema(example = "T I")]
    pub last_name: String,
    /// The unit's id.
    pub unit_id: i64,
    /// `booked`, `closed` (the city closed the day), or null (came unbooked).
    #[schema(example = "booked")]
    pub booking: Option<String>,
    /// What was recorded, if anything yet.
    pub attendance: Option<AttendanceView>,
}

impl From<&RollCallLine> for RollCallView {
    fn from(line: &RollCallLine) -> Self {
        Self {
            child_id: line.child.id,
            first_name: line.child.first_name.clone(),
            last_name: line.child.last_name.clone(),
            unit_id: line.unit_id,
            booking: line.booking.map(|b| b.as_str().to_owned()),
            attendance: line.attendance.as_ref().map(Into::into),
        }
    }
}

/// The roll call of an activity's day: booked children and what was recorded.
///
/// For agents and admins. Children booked that day (or whose booking the city closed) and
/// those recorded present without booking.
#[utoipa::path(
    tag = "admin-planning",
    operation_id = "getRollCall",
    security(("bearerAuth" = [])),
    params(("activityId" = i64, Path, minimum = 1, description = "The activity's id."), DayQuery),
    responses(
        (status = 200, description = "By child and unit.", body = Vec<RollCallView>),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such activity (`not_found`)."),
    ),
)]
#[get("/admin/activities/{activityId}/attendance")]
pub async fn get_roll_call(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
    query: web::Query<DayQuery>,
) -> Result<HttpResponse, ApiError> {
    let activity_id = id.into_inner();
    let day = query.date;
    if !in_calendar(day) {
        return Err(out_of_calendar("date"));
    }
    let roll = db::run(&state.pool, move |conn| {
        attendance::roll_call(conn, activity_id, day)
    })
    .await?;
    Ok(HttpResponse::Ok().json(roll.iter().map(Into::into).collect::<Vec<RollCallView>>()))
}

//! Back office for the planning: deadline rules per kind and activity, attendance.

use super::Json;
use actix_web::{HttpResponse, get, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::planning::{AttendanceStatus, RunsOn};
use persistence::attendance::Attendance;
use persistence::deadline_rules::{ActivityRules, KindRules};
use persistence::utc;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::dossier_views::mirror_enum;
use super::planning_views::{in_calendar, out_of_calendar};
use crate::auth::Staff;
use crate::db;
use crate::problem::{ApiError, FieldError, validate};
use crate::state::AppState;
use crate::usecases::attendance::{self, RollCallLine};
use crate::usecases::deadline_rules::{self, Rule, RulesInput};

mirror_enum! {
    /// Which days a unit runs: school days, school holidays, or every day of its weekdays.
    RunsOnView => RunsOn {
        SchoolDays = "school_days",
        SchoolHolidays = "school_holidays",
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
    pub booking_rule: Option<Rule>,
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
    pub runs_on: RunsOnView,
    /// Until when a day can be booked.
    pub booking_rule: Rule,
    /// Until when a booked day can be cancelled.
    pub change_rule: Rule,
    /// What this kind or activity sets itself (absent: inherited).
    pub own: OwnRulesView,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OwnRulesView {
    pub runs_on: Option<RunsOnView>,
    pub booking_rule: Option<Rule>,
    pub change_rule: Option<Rule>,
}

fn stored(rule: Option<&str>) -> Option<Rule> {
    rule.and_then(|json| serde_json::from_str(json).ok())
}

fn view(kind: &KindRules, own: Option<&ActivityRules>, for_activity: bool) -> DeadlineRulesView {
    let effective = deadline_rules::effective(kind, own);
    DeadlineRulesView {
        runs_on: effective.runs_on.into(),
        booking_rule: Rule::from(&effective.booking),
        change_rule: Rule::from(&effective.change),
        own: if for_activity {
            OwnRulesView {
                runs_on: own.and_then(|o| RunsOnView::stored(o.runs_on.as_deref()?)),
                booking_rule: own.and_then(|o| stored(o.booking_rule.as_deref())),
                change_rule: own.and_then(|o| stored(o.change_rule.as_deref())),
            }
        } else {
            OwnRulesView {
                runs_on: None,
                booking_rule: stored(kind.booking_rule.as_deref()),
                change_rule: stored(kind.change_rule.as_deref()),
            }
        },
    }
}

/// Sets the deadline rules of an activity kind (absent: the guide's default).
///
/// Applies to every activity of the kind that does not set its own rule.
#[utoipa::path(
    tag = "admin-planning",
    operation_id = "setActivityKindDeadlineRules",
    security(("bearerAuth" = [])),
    params(("kindId" = i64, Path, minimum = 1, description = "The kind's id.")),
    request_body = DeadlineRulesForm,
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
    Ok(HttpResponse::Ok().json(view(&kind, None, false)))
}

/// Reads the rules in force for an activity.
///
/// `bookingRule` and `changeRule` are those in force; `own` says which the activity
/// sets itself.
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
    Ok(HttpResponse::Ok().json(view(&kind, own.as_ref(), true)))
}

/// Sets an activity's own rules and running days (absent: its kind's).
///
/// An absent rule falls back to the kind's, then to the guide's table.
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
    Ok(HttpResponse::Ok().json(view(&kind, own.as_ref(), true)))
}

mirror_enum! {
    /// `present`; `absent_justified` (not billed); `absent_unjustified` (billed);
    /// `present_unbooked` (came without booking: billed with a surcharge).
    AttendanceStatusView => AttendanceStatus {
        Present = "present",
        AbsentJustified = "absent_justified",
        AbsentUnjustified = "absent_unjustified",
        PresentUnbooked = "present_unbooked",
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AttendanceForm {
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub child_id: i64,
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub unit_id: i64,
    pub date: NaiveDate,
    pub status: AttendanceStatusView,
    /// A justification (a doctor's note...).
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttendanceView {
    pub child_id: i64,
    pub unit_id: i64,
    pub date: NaiveDate,
    pub status: Option<AttendanceStatusView>,
    pub note: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

impl From<&Attendance> for AttendanceView {
    fn from(recorded: &Attendance) -> Self {
        Self {
            child_id: recorded.child_id,
            unit_id: recorded.unit_id,
            date: recorded.day,
            status: AttendanceStatusView::stored(&recorded.status),
            note: recorded.note.clone(),
            recorded_at: utc(recorded.recorded_at),
        }
    }
}

/// Records (or corrects) a child's attendance on a unit of a day.
///
/// A booked child is `present`, `absent_justified` or `absent_unjustified`; a child who
/// came without booking is `present_unbooked`.
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
    pub date: NaiveDate,
}

/// One child of a day's roll call.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RollCallView {
    pub child_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub unit_id: i64,
    /// `booked`, `closed` (the city closed the day), or absent (came unbooked).
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
            booking: line.booking.clone(),
            attendance: line.attendance.as_ref().map(Into::into),
        }
    }
}

/// The roll call of an activity's day: booked children and what was recorded.
///
/// Children booked that day (or whose booking the city closed) and those recorded
/// present without booking.
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

//! Registrations: the family registers a child and follows where it stands; agents
//! work the queue.

use crate::routes::Json;
use crate::usecases::utc;
use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::activities::{RegistrationStatus, Transition};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::auth::{Family, Staff};
use crate::db;
use crate::openapi::enums::{api_enum, mirror_enum};
use crate::problem::{ApiError, FieldError, validate};
use crate::routes::pagination::{Page, PageQuery, offset};
use crate::state::AppState;
use crate::usecases::activities::registrations::{
    self, Decision, RegistrationRecord, RegistrationRequest,
};

mirror_enum! {
    /// Where a registration stands.
    RegistrationStatusView => RegistrationStatus {
        /// Asked for: an agent will decide.
        Requested = "requested",
        /// Accepted: the child may be booked.
        Accepted = "accepted",
        /// On the waiting list, at `waitlistPosition`.
        Waitlisted = "waitlisted",
        /// Refused, with a `reason`.
        Refused = "refused",
        /// Cancelled by the family or the city.
        Cancelled = "cancelled",
    }
}

/// A child's registration to an activity, and where it stands.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationView {
    /// The registration's id.
    pub id: i64,
    /// The child's id.
    pub child_id: i64,
    /// The activity's id.
    pub activity_id: i64,
    /// The activity's name.
    #[schema(example = "Restauration scolaire maternelle")]
    pub activity_name: String,
    /// The group's (centre's) id.
    pub group_id: i64,
    /// The group's (centre's) name.
    #[schema(example = "Maternelle Robespierre")]
    pub group_name: String,
    /// Where the registration stands.
    pub status: RegistrationStatusView,
    /// Place in the waiting line (1 for the first), when waitlisted; null otherwise.
    pub waitlist_position: Option<i64>,
    /// Why it was refused (or the agent's note); null when none was given.
    #[schema(example = "Dossier incomplet : fiche sanitaire manquante.")]
    pub reason: Option<String>,
    /// The first day the child attends (`YYYY-MM-DD`, in the city's time zone).
    pub entry_date: NaiveDate,
    /// The health form (document) sent with the registration; null when none.
    pub health_form_id: Option<i64>,
    /// When the family registered, RFC 3339 in UTC.
    pub created_at: DateTime<Utc>,
    /// When the registration last changed, RFC 3339 in UTC.
    pub updated_at: DateTime<Utc>,
}

impl From<&RegistrationRecord> for RegistrationView {
    fn from(r: &RegistrationRecord) -> Self {
        let g = &r.registration;
        Self {
            id: g.id,
            child_id: g.child_id,
            activity_id: g.activity_id,
            activity_name: r.activity_name.clone(),
            group_id: g.group_id,
            group_name: r.group_name.clone(),
            status: g.status.into(),
            waitlist_position: r.position,
            reason: g.reason.clone(),
            entry_date: g.entry_date,
            health_form_id: g.health_form_id,
            created_at: utc(g.created_at),
            updated_at: utc(g.updated_at),
        }
    }
}

/// A registration request.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"activityId": 1, "entryDate": null, "groupId": null, "healthFormId": null}))]
pub struct RegistrationForm {
    /// The activity's id (one of the child's offers).
    #[schema(minimum = 1)]
    pub activity_id: i64,
    /// The first day the child attends (`YYYY-MM-DD`), where the activity lets the
    /// family choose it; null: the activity's start.
    pub entry_date: Option<NaiveDate>,
    /// The group (centre), where the activity lets the family choose it (required
    /// there); null: the first group with a place left.
    #[schema(minimum = 1)]
    pub group_id: Option<i64>,
    /// The child's health form (a document uploaded first), where required; null:
    /// none.
    #[schema(minimum = 1)]
    pub health_form_id: Option<i64>,
}

/// Registers a child to an activity.
///
/// One live registration per child and activity (a second one, even sent at the
/// same moment, is 409 `already_registered`). An automatic activity accepts while
/// places last, then waitlists, first come first served; one decided by agents
/// answers `requested`. An activity whose `requiredDocuments` list documents (the
/// health form aside, sent with the registration) needs, for each, a document of the
/// child or the family that is not refused and is still valid on the entry day. For a
/// school year with a renewal campaign, the family's renewal must be validated.
#[utoipa::path(
    tag = "registrations",
    operation_id = "registerChild",
    security(("bearerAuth" = [])),
    params(("childId" = i64, Path, minimum = 1, description = "The child's id.")),
    request_body = RegistrationForm,
    responses(
        (status = 201, description = "Registered: requested, accepted or waitlisted.", body = RegistrationView,
            headers(("Location" = String, description = "The registration's address."))),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such child in the family's dossier, or no such activity (`not_found`)."),
        (status = 409, description = "Already registered (`already_registered`)."),
        (status = 422, description = "Not offered to this child (`not_eligible`), booked through the basket (`prepaid_activity`), no group (`activity_full`), documents missing or expired by the entry day (`documents_missing`: `errors` names each by kind), or a school year whose renewal campaign the family has not had validated (`renewal_required`: `errors` says what is left)."),
    ),
)]
#[post("/children/{childId}/registrations")]
pub async fn register_child(
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
    body: Json<RegistrationForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let body = body.into_inner();
    let request = RegistrationRequest {
        account_id: family.0.account_id,
        dossier_id: family.dossier_id()?,
        child_id: id.into_inner(),
        activity_id: body.activity_id,
        entry_date: body.entry_date,
        group_id: body.group_id,
        health_form_id: body.health_form_id,
    };
    let today = state.today();
    let now = state.clock.now();
    let frontend_url = state.config.frontend_url.clone();
    let record = db::run(&state.pool, move |conn| {
        registrations::register(conn, &frontend_url, &request, today, now)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/registrations/{}", record.registration.id),
        ))
        .json(RegistrationView::from(&record)))
}

/// Lists a child's registrations, newest first.
///
/// For the child's family: each registration with its status, waiting position or
/// refusal reason.
#[utoipa::path(
    tag = "registrations",
    operation_id = "listChildRegistrations",
    security(("bearerAuth" = [])),
    params(("childId" = i64, Path, minimum = 1, description = "The child's id.")),
    responses(
        (status = 200, description = "The child's registrations.", body = Vec<RegistrationView>),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such child in the family's dossier (`not_found`)."),
    ),
)]
#[get("/children/{childId}/registrations")]
pub async fn list_child_registrations(
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    of_dossier(&state, dossier_id, Some(id.into_inner())).await
}

/// Lists the registrations of all the family's children, newest first.
///
/// The guide's "Visualiser les activités de mes enfants", for the family: each
/// registration with its status, waiting position or refusal reason.
#[utoipa::path(
    tag = "registrations",
    operation_id = "listMyRegistrations",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The registrations.", body = Vec<RegistrationView>),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[get("/registrations")]
pub async fn list_my_registrations(
    state: web::Data<AppState>,
    family: Family,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    of_dossier(&state, dossier_id, None).await
}

/// The dossier's registrations, of one child or of all, as the family reads them.
async fn of_dossier(
    state: &AppState,
    dossier_id: i64,
    child_id: Option<i64>,
) -> Result<HttpResponse, ApiError> {
    let records = db::run(&state.pool, move |conn| {
        registrations::of_dossier(conn, dossier_id, child_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(
        records
            .iter()
            .map(RegistrationView::from)
            .collect::<Vec<_>>(),
    ))
}

/// Reads one of the family's registrations.
///
/// For the family whose dossier holds it: its status, waiting position or refusal
/// reason.
#[utoipa::path(
    tag = "registrations",
    operation_id = "getMyRegistration",
    security(("bearerAuth" = [])),
    params(("registrationId" = i64, Path, minimum = 1, description = "The registration's id.")),
    responses(
        (status = 200, description = "The registration.", body = RegistrationView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such registration in the family's dossier (`not_found`)."),
    ),
)]
#[get("/registrations/{registrationId}")]
pub async fn get_my_registration(
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let id = id.into_inner();
    let record = db::run(&state.pool, move |conn| {
        registrations::get(conn, id, dossier_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(RegistrationView::from(&record)))
}

/// Cancels a registration.
///
/// For the family, where the activity allows it. A place it held goes to the first
/// child waiting, whose family is emailed.
#[utoipa::path(
    tag = "registrations",
    operation_id = "cancelRegistration",
    security(("bearerAuth" = [])),
    params(("registrationId" = i64, Path, minimum = 1, description = "The registration's id.")),
    responses(
        (status = 200, description = "Cancelled.", body = RegistrationView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such registration in the family's dossier (`not_found`)."),
        (status = 409, description = "Already refused or cancelled (`registration_already_decided`)."),
        (status = 422, description = "The activity cannot be cancelled online (`not_cancellable`)."),
    ),
)]
#[post("/registrations/{registrationId}/cancellation")]
pub async fn cancel_registration(
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let account_id = family.0.account_id;
    let id = id.into_inner();
    let now = state.clock.now();
    let st = state.clone();
    let record = db::run(&state.pool, move |conn| {
        registrations::cancel(
            conn,
            &st.config.frontend_url,
            id,
            Some(dossier_id),
            account_id,
            now,
        )
    })
    .await?;
    Ok(HttpResponse::Ok().json(RegistrationView::from(&record)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct RegistrationQueue {
    /// Only those with this status (`requested`: the queue to work); every status when
    /// left out.
    pub status: Option<RegistrationStatusView>,
    /// Only the registrations to this activity; every activity when left out.
    #[param(minimum = 1)]
    pub activity_id: Option<i64>,
}

/// A registration in the back office's queue.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QueuedRegistrationView {
    /// The registration (its fields, flattened).
    #[serde(flatten)]
    pub registration: RegistrationView,
    /// The child's first name.
    #[schema(example = "Luc")]
    pub child_first_name: String,
    /// The child's last name.
    #[schema(example = "T I")]
    pub child_last_name: String,
}

/// Lists registrations, first come first served.
///
/// For agents and admins, with each child's name; with `status=requested`, the queue
/// to work.
#[utoipa::path(
    tag = "admin-activities",
    operation_id = "listRegistrations",
    security(("bearerAuth" = [])),
    params(PageQuery, RegistrationQueue),
    responses(
        (status = 200, description = "A page of registrations.", body = Page<QueuedRegistrationView>),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
    ),
)]
#[get("/admin/registrations")]
pub async fn list_registrations(
    state: web::Data<AppState>,
    _staff: Staff,
    page: web::Query<PageQuery>,
    queue: web::Query<RegistrationQueue>,
) -> Result<HttpResponse, ApiError> {
    let (page, page_size) = page.into_inner().resolve()?;
    let queue = queue.into_inner();
    if queue.activity_id.is_some_and(|id| id < 1) {
        return Err(ApiError::validation(vec![FieldError::new(
            "activityId",
            "out_of_range",
            "Les identifiants commencent à 1.",
            "Ids start at 1.",
        )]));
    }
    let status = queue.status.map(|s| RegistrationStatus::from(s).as_str());
    let activity_id = queue.activity_id;
    let (items, total) = db::run(&state.pool, move |conn| {
        let (rows, total) = registrations::queue(
            conn,
            status,
            activity_id,
            offset(page, page_size),
            page_size,
        )?;
        let items: Vec<_> = rows
            .into_iter()
            .map(|(record, first, last)| QueuedRegistrationView {
                registration: RegistrationView::from(&record),
                child_first_name: first,
                child_last_name: last,
            })
            .collect();
        Ok::<_, crate::usecases::UseCaseError>((items, total))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        page,
        page_size,
        total,
    }))
}

api_enum! {
    /// What an agent decides about a registration.
    pub enum RegistrationDecisionView {
        /// Accept it: takes a place in the group.
        Accept = "accept",
        /// Refuse it, with a `reason` for the family.
        Refuse = "refuse",
        /// Put it on the waiting list, last in line.
        Waitlist = "waitlist",
    }
}

/// An agent's decision about a registration.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"decision": "refuse", "reason": "Dossier incomplet : fiche sanitaire manquante."}))]
pub struct RegistrationDecisionForm {
    /// Accept, refuse or waitlist.
    pub decision: RegistrationDecisionView,
    /// Shown to the family; required to refuse (null or blank: none).
    #[validate(length(max = 2000))]
    #[schema(
        max_length = 2000,
        example = "Dossier incomplet : fiche sanitaire manquante."
    )]
    pub reason: Option<String>,
}

/// Decides a registration.
///
/// For agents and admins. Accepting takes a place (422 `activity_full` when none is left:
/// waitlist it instead); refusing needs a reason. The family is emailed.
#[utoipa::path(
    tag = "admin-activities",
    operation_id = "decideRegistration",
    security(("bearerAuth" = [])),
    params(("registrationId" = i64, Path, minimum = 1, description = "The registration's id.")),
    request_body = RegistrationDecisionForm,
    responses(
        (status = 200, description = "Decided.", body = RegistrationView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such registration (`not_found`)."),
        (status = 409, description = "Not in a state this decision applies to (`registration_already_decided`)."),
        (status = 422, description = "No place left (`activity_full`)."),
    ),
)]
#[post("/admin/registrations/{registrationId}/decision")]
pub async fn decide_registration(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    body: Json<RegistrationDecisionForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let body = body.into_inner();
    let reason = body
        .reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    if body.decision == RegistrationDecisionView::Refuse && reason.is_none() {
        return Err(ApiError::validation(vec![FieldError::new(
            "reason",
            "required",
            "Indiquez à la famille le motif du refus.",
            "Give the family the reason for the refusal.",
        )]));
    }
    let decision = Decision {
        action: match body.decision {
            RegistrationDecisionView::Accept => Transition::Accept,
            RegistrationDecisionView::Refuse => Transition::Refuse,
            RegistrationDecisionView::Waitlist => Transition::Waitlist,
        },
        reason,
        agent_id: staff.0.account_id,
    };
    let id = id.into_inner();
    let now = state.clock.now();
    let st = state.clone();
    let record = db::run(&state.pool, move |conn| {
        registrations::decide(conn, &st.config.frontend_url, id, &decision, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(RegistrationView::from(&record)))
}

//! The planning: families read it, tick days into a draft kept on the server, and
//! validate it; agents read and change any child's planning.

use crate::routes::Json;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};

use crate::auth::{Family, FamilyToken, Staff};
use crate::db;
use crate::problem::{ApiError, FieldError, validate};
use crate::routes::etag::polled;
use crate::routes::planning::views::{
    ChangesForm, ChangesResultView, DraftUpdateView, DraftView, PlanningView, RangeQuery,
};
use crate::state::AppState;
use crate::usecases::planning::changes;
use crate::usecases::planning::{self, CityData, Viewer};

async fn planning_of(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    viewer: Viewer,
    child_id: Option<i64>,
    query: &RangeQuery,
) -> Result<HttpResponse, ApiError> {
    let range = query.resolve(state.today())?;
    let now = state.clock.now();
    let copies = state.copies();
    let planning = db::run(&state.pool, move |conn| {
        let city = CityData::cached(conn, &copies)?;
        planning::view(conn, city, viewer, child_id, range, now)
    })
    .await?;
    polled(req, &PlanningView::from(&planning))
}

/// A family's planning, the token confirmed on the same connection: the month view is
/// the portal's busiest read.
async fn family_planning_of(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    token: FamilyToken,
    child_id: Option<i64>,
    query: &RangeQuery,
) -> Result<HttpResponse, ApiError> {
    let range = query.resolve(state.today())?;
    let now = state.clock.now();
    let copies = state.copies();
    let planning = db::run(&state.pool, move |conn| {
        let dossier_id = token.confirm(conn, now)?.dossier_id()?;
        let city = CityData::cached(conn, &copies)?;
        planning::view(
            conn,
            city,
            Viewer::Family { dossier_id },
            child_id,
            range,
            now,
        )
        .map_err(ApiError::from)
    })
    .await?;
    polled(req, &PlanningView::from(&planning))
}

/// The planning of all the family's children over a range.
///
/// For family accounts. Every child of the dossier, each with its accepted registrations
/// and their days: the same content as a child's planning, with the family's total cost of
/// the range.
#[utoipa::path(
    tag = "planning",
    operation_id = "getMyPlanning",
    security(("bearerAuth" = [])),
    params(RangeQuery),
    responses(
        (status = 200, description = "Each child's days, bookings, verdicts and costs.", body = PlanningView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 400, description = "A range inverted, incomplete or longer than 366 days (`validation_failed`)."),
    ),
)]
#[get("/planning")]
pub async fn get_my_planning(
    req: HttpRequest,
    state: web::Data<AppState>,
    family: FamilyToken,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, ApiError> {
    family_planning_of(&req, &state, family, None, &query).await
}

/// One child's planning over a range ("Eliot : Septembre - Coût de la période").
///
/// For the child's family. Every day of the range the unit's weekdays fall on: whether it
/// is open (or why not), the saved booking, the draft's pending change, the price that day,
/// and whether a tick is allowed now (`change`: until when, or the refusal with its
/// deadline). `costCents` is the guide's "Coût de la période".
#[utoipa::path(
    tag = "planning",
    operation_id = "getMyChildPlanning",
    security(("bearerAuth" = [])),
    params(("childId" = i64, Path, minimum = 1, description = "The child's id."), RangeQuery),
    responses(
        (status = 200, description = "The child's days, bookings, verdicts and costs.", body = PlanningView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such child in the family's dossier (`not_found`)."),
        (status = 400, description = "A range inverted, incomplete or longer than 366 days (`validation_failed`)."),
    ),
)]
#[get("/children/{childId}/planning")]
pub async fn get_my_child_planning(
    req: HttpRequest,
    state: web::Data<AppState>,
    family: FamilyToken,
    id: web::Path<i64>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, ApiError> {
    family_planning_of(&req, &state, family, Some(id.into_inner()), &query).await
}

/// The draft: changes ticked and not validated yet, each judged now.
///
/// For family accounts. The draft is kept on the server, so a family can leave and finish
/// on another device; each change says whether it would be applied now.
#[utoipa::path(
    tag = "planning",
    operation_id = "getMyPlanningDraft",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The pending changes.", body = DraftView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[get("/planning/draft")]
pub async fn get_my_planning_draft(
    req: HttpRequest,
    state: web::Data<AppState>,
    family: Family,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let now = state.clock.now();
    let judged = db::run(&state.pool, move |conn| {
        changes::draft(conn, dossier_id, now)
    })
    .await?;
    polled(&req, &DraftView::new(&judged))
}

/// Adds days (one by one or as weekday patterns) to the draft.
///
/// For family accounts. A day ticked back to its saved state leaves the draft. Days
/// the unit does not run, or units the child is not registered with, are left out
/// and listed in `ignored`; a day in the custody of the child's other household
/// (separated parents) is refused. Deadlines are judged at validation; each change shows its
/// verdict now.
#[utoipa::path(
    tag = "planning",
    operation_id = "addPlanningDraftChanges",
    security(("bearerAuth" = [])),
    request_body = ChangesForm,
    responses(
        (status = 200, description = "The draft, and the days left out.", body = DraftUpdateView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "A child not in the family's dossier (`not_found`)."),
        (status = 422, description = "A day in the custody of the child's other household (`not_in_custody`): nothing of the request is kept. Patterns leave those days out."),
        (status = 400, description = "Invalid days or patterns, or more than 1,000 days (`validation_failed`)."),
    ),
)]
#[post("/planning/draft/changes")]
pub async fn add_planning_draft_changes(
    state: web::Data<AppState>,
    family: Family,
    body: Json<ChangesForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let (changes, patterns) = body.read()?;
    let dossier_id = family.dossier_id()?;
    let now = state.clock.now();
    let update = db::run(&state.pool, move |conn| {
        changes::add_to_draft(conn, dossier_id, &changes, &patterns, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(DraftUpdateView {
        draft: DraftView::new(&update.draft),
        ignored: update.ignored.iter().map(Into::into).collect(),
    }))
}

/// Discards the draft ("quitter sans enregistrer").
///
/// For family accounts. Nothing of the draft is applied; saved bookings are unchanged.
#[utoipa::path(
    tag = "planning",
    operation_id = "discardMyPlanningDraft",
    security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "The draft is empty."),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[delete("/planning/draft")]
pub async fn discard_my_planning_draft(
    state: web::Data<AppState>,
    family: Family,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    db::run(&state.pool, move |conn| changes::discard(conn, dossier_id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Validates the draft: applies what is allowed, reports the rest.
///
/// For family accounts. Applies, in one transaction, every change the deadlines, the
/// calendar and the places allow; reports each other day with its reason and deadline. The
/// draft is then empty. Refused days are reported with their code (`deadline_passed` with
/// the `deadline`, `window_not_open` with `opensAt`, `day_full`, ...) and a French message.
#[utoipa::path(
    tag = "planning",
    operation_id = "validateMyPlanningDraft",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "What was applied and what was refused.", body = ChangesResultView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[post("/planning/draft/validation")]
pub async fn validate_my_planning_draft(
    state: web::Data<AppState>,
    family: Family,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let now = state.clock.now();
    let outcome = db::run(&state.pool, move |conn| {
        changes::validate(conn, dossier_id, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ChangesResultView::from(&outcome)))
}

/// Any child's planning, as an agent sees it (no deadlines).
///
/// For agents and admins. Agents see every day's booking and can change any of them:
/// `change.allowed` ignores the deadlines, never the calendar or the places.
#[utoipa::path(
    tag = "admin-planning",
    operation_id = "getChildPlanning",
    security(("bearerAuth" = [])),
    params(("childId" = i64, Path, minimum = 1, description = "The child's id."), RangeQuery),
    responses(
        (status = 200, description = "The child's days, bookings and costs.", body = PlanningView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such child (`not_found`)."),
        (status = 400, description = "A range inverted, incomplete or longer than 366 days (`validation_failed`)."),
    ),
)]
#[get("/admin/children/{childId}/planning")]
pub async fn get_child_planning(
    req: HttpRequest,
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, ApiError> {
    planning_of(&req, &state, Viewer::Agent, Some(id.into_inner()), &query).await
}

/// Books or cancels days of a child at once, past the deadlines too.
///
/// For agents and admins: the same days and patterns as a family's draft, applied at
/// once; the calendar and the places still apply. Days past their deadline are applied
/// too and counted in the audit entry (each change is audited).
#[utoipa::path(
    tag = "admin-planning",
    operation_id = "changeChildPlanning",
    security(("bearerAuth" = [])),
    params(("childId" = i64, Path, minimum = 1, description = "The child's id.")),
    request_body = ChangesForm,
    responses(
        (status = 200, description = "What was applied and what was refused.", body = ChangesResultView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such child (`not_found`)."),
        (status = 400, description = "Invalid days or patterns, another child's days, or more than 1,000 days (`validation_failed`)."),
    ),
)]
#[post("/admin/children/{childId}/planning/changes")]
pub async fn change_child_planning(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    body: Json<ChangesForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let (changes, patterns) = body.read()?;
    let child_id = id.into_inner();
    if changes.iter().any(|c| c.child_id != child_id)
        || patterns.iter().any(|p| p.child_id != child_id)
    {
        return Err(ApiError::validation(vec![FieldError::new(
            "changes",
            "other_child",
            "Chaque changement doit porter sur l'enfant de l'adresse.",
            "Every change must be about the child in the path.",
        )]));
    }
    let agent_id = staff.0.account_id;
    let now = state.clock.now();
    let outcome = db::run(&state.pool, move |conn| {
        changes::agent_changes(conn, agent_id, child_id, &changes, &patterns, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ChangesResultView::from(&outcome)))
}

//! "Mon dossier": the family reads its file and its children, and changes its
//! contact details.

use crate::routes::Json;
use actix_web::{HttpRequest, HttpResponse, get, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::Family;
use crate::db;
use crate::problem::{ApiError, validate};
use crate::routes::dossiers::views::{
    AddressView, Checks, ChildHealthView, ChildView, ContactFieldView, DossierView, PhonesView,
    contact_details,
};
use crate::routes::etag::polled;
use crate::state::AppState;
use crate::usecases::dossiers::{self, Actor, ContactRules};

/// Reads the family's dossier.
///
/// Its contact details, guardians, authorised pick-up persons and emergency
/// contacts, children, and family quotient.
#[utoipa::path(
    tag = "dossier",
    operation_id = "getMyDossier",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The family's dossier.", body = DossierView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[get("/dossier")]
pub async fn get_my_dossier(
    req: HttpRequest,
    state: web::Data<AppState>,
    family: Family,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let record = db::run(&state.pool, move |conn| dossiers::load(conn, dossier_id)).await?;
    polled(&req, &DossierView::new(&record, state.today()))
}

/// The family's contact details, all given (what is left out is erased).
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"email": "famille.ti@exemple.fr", "address": {"line1": "12 rue Jean Jaurès", "line2": "", "postcode": "94800", "city": "Villejuif"}, "phones": {"home": null, "mobile": "0612345678", "work": null}}))]
pub struct ContactDetailsForm {
    /// The family's email address; null or empty erases it.
    #[validate(length(max = 254))]
    #[schema(max_length = 254, example = "famille.ti@exemple.fr")]
    pub email: Option<String>,
    /// The family's postal address.
    #[validate(nested)]
    pub address: AddressView,
    /// The family's phone numbers; a null or empty number erases it.
    #[validate(nested)]
    pub phones: PhonesView,
}

/// What became of a change of contact details.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContactChangeView {
    /// Changed at once.
    pub applied: Vec<ContactFieldView>,
    /// Waiting for an agent's approval, through the request `requestId`.
    pub pending_approval: Vec<ContactFieldView>,
    /// The `contact_change` request filed for the groups waiting for approval; null
    /// when everything was applied.
    pub request_id: Option<i64>,
    /// The dossier as it is now.
    pub dossier: DossierView,
}

/// Changes the family's contact details.
///
/// Each group (address, phones, email) is applied at once or, where the city wants
/// to check it (`CONTACT_CHANGES_NEEDING_APPROVAL`, address by default), filed as a
/// `contact_change` request for an agent; the answer says which.
#[utoipa::path(
    tag = "dossier",
    operation_id = "changeMyContactDetails",
    security(("bearerAuth" = [])),
    request_body = ContactDetailsForm,
    responses(
        (status = 200, description = "Applied, or held for approval.", body = ContactChangeView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[put("/dossier/contact-details")]
pub async fn change_my_contact_details(
    state: web::Data<AppState>,
    family: Family,
    body: Json<ContactDetailsForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let dossier_id = family.dossier_id()?;
    let mut checks = Checks::default();
    let details = contact_details(
        &mut checks,
        body.email.as_deref(),
        &body.address,
        &body.phones,
    );
    let details = checks.finish(details)?;
    let now = state.clock.now();
    let account_id = family.0.account_id;
    let st = state.clone();
    let change = db::run(&state.pool, move |conn| {
        let rules = ContactRules {
            needing_approval: &st.config.contact_changes_needing_approval,
            frontend_url: &st.config.frontend_url,
        };
        dossiers::change_contact_details(conn, &rules, account_id, dossier_id, &details, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ContactChangeView {
        applied: change.applied.into_iter().map(Into::into).collect(),
        pending_approval: change.pending.into_iter().map(Into::into).collect(),
        request_id: change.request_id,
        dossier: DossierView::new(&change.record, state.today()),
    }))
}

/// Lists the family's children, eldest first.
///
/// With their birth date, school, school level and canteen diet.
#[utoipa::path(
    tag = "dossier",
    operation_id = "listMyChildren",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The children of the family's dossier.", body = Vec<ChildView>),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[get("/children")]
pub async fn list_my_children(
    state: web::Data<AppState>,
    family: Family,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let children = db::run(&state.pool, move |conn| {
        dossiers::children_of(conn, dossier_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(children.iter().map(ChildView::from).collect::<Vec<_>>()))
}

/// Reads one of the family's children.
///
/// Another family's child answers 404, as an unknown id does.
#[utoipa::path(
    tag = "dossier",
    operation_id = "getMyChild",
    security(("bearerAuth" = [])),
    params(("childId" = i64, Path, minimum = 1, description = "The child's id.")),
    responses(
        (status = 200, description = "The child.", body = ChildView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such child in the family's dossier (`not_found`)."),
    ),
)]
#[get("/children/{childId}")]
pub async fn get_my_child(
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let id = id.into_inner();
    let child = db::run(&state.pool, move |conn| {
        dossiers::child(conn, id, Some(dossier_id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(ChildView::from(&child)))
}

/// Reads a child's health information (fiche sanitaire).
///
/// Allergies, care plan, doctor and vaccinations, as the city holds them.
#[utoipa::path(
    tag = "dossier",
    operation_id = "getMyChildHealth",
    security(("bearerAuth" = [])),
    params(("childId" = i64, Path, minimum = 1, description = "The child's id.")),
    responses(
        (status = 200, description = "The child's health information.", body = ChildHealthView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such child in the family's dossier (`not_found`)."),
    ),
)]
#[get("/children/{childId}/health")]
pub async fn get_my_child_health(
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let id = id.into_inner();
    let now = state.clock.now();
    let actor = Actor {
        account_id: family.0.account_id,
        is_staff: false,
    };
    let (child, health) = db::run(&state.pool, move |conn| {
        dossiers::health(conn, actor, id, Some(dossier_id), now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ChildHealthView::new(
        &child,
        &health,
        &state.config.required_vaccinations,
    )))
}

//! The back office's dossiers: agents find, create and edit family files, their
//! children and health information (reads audited), and record family quotients.
//! Records several agents edit carry an `ETag`; updates need `If-Match`.

use crate::routes::Json;
use crate::usecases::dossiers::DossierFields;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::NaiveDate;
use domain::dossiers::check_dossier_number;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::auth::Staff;
use crate::db;
use crate::problem::{ApiError, FieldError, validate};
use crate::routes::dossiers::views::{
    AddressView, Checks, ChildForm, ChildHealthView, ChildView, ContactView, DossierView,
    GuardianView, HealthInfoView, PhonesView, QuotientView, contact_details,
};
use crate::routes::etag::{etag, if_match};
use crate::routes::pagination::{Page, PageQuery, offset};
use crate::state::AppState;
use crate::usecases::dossiers::{self, Actor, DossierInput, QuotientInput};

fn actor(staff: &Staff) -> Actor {
    Actor {
        account_id: staff.0.account_id,
        is_staff: true,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DossierSearch {
    /// The start of a dossier number, of a dossier's name or of a child's first or
    /// last name, in any case.
    #[param(max_length = 100)]
    pub q: Option<String>,
}

/// A dossier as an agent writes it: every field given (guardians and contacts
/// replace the current lists).
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"number": "18", "name": "T I", "email": "famille.ti@exemple.fr", "address": {"line1": "12 rue Jean Jaurès", "line2": "", "postcode": "94800", "city": "Villejuif"}, "phones": {"home": null, "mobile": "0612345678", "work": null}, "guardians": [{"relationship": "mother", "firstName": "Camille", "lastName": "TI", "email": "famille.ti@exemple.fr", "mobilePhone": "0612345678", "workPhone": null}], "contacts": [{"kind": "pickup", "firstName": "Rose", "lastName": "TI", "relationship": "grand-mère", "phone": "0698765432"}]}))]
pub struct DossierForm {
    /// The city's number for the dossier, printed on invoices: letters, digits, `-`
    /// and `/`; unique.
    #[validate(length(min = 1, max = 20))]
    #[schema(min_length = 1, max_length = 20, example = "18")]
    pub number: String,
    /// The dossier's name (the family's name, as printed on invoices).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "T I")]
    pub name: String,
    /// The family's email address; null or empty when unknown.
    #[validate(length(max = 254))]
    #[schema(max_length = 254, example = "famille.ti@exemple.fr")]
    pub email: Option<String>,
    /// The family's postal address.
    #[validate(nested)]
    pub address: AddressView,
    /// The family's phone numbers.
    #[validate(nested)]
    pub phones: PhonesView,
    /// The children's guardians; replaces the current list.
    #[validate(length(max = 4), nested)]
    #[schema(max_items = 4)]
    pub guardians: Vec<GuardianView>,
    /// Authorised pick-up persons and emergency contacts; replaces the current list.
    #[validate(length(max = 10), nested)]
    #[schema(max_items = 10)]
    pub contacts: Vec<ContactView>,
}

impl DossierForm {
    fn into_input(self) -> Result<DossierInput, ApiError> {
        let mut checks = Checks::default();
        let number = checks.check("number", check_dossier_number(&self.number));
        let name = checks.name("name", &self.name);
        let details = contact_details(
            &mut checks,
            self.email.as_deref(),
            &self.address,
            &self.phones,
        );
        let guardians: Vec<_> = (0..)
            .zip(&self.guardians)
            .map(|(i, g)| g.to_new(&mut checks, &format!("guardians[{i}]")))
            .collect();
        let contacts: Vec<_> = (0..)
            .zip(&self.contacts)
            .map(|(i, c)| c.to_new(&mut checks, &format!("contacts[{i}]")))
            .collect();
        let input = (|| {
            let details = details?;
            Some(DossierInput {
                fields: DossierFields {
                    number: number?,
                    name: name?,
                    details,
                },
                guardians: guardians.into_iter().collect::<Option<_>>()?,
                contacts: contacts.into_iter().collect::<Option<_>>()?,
            })
        })();
        checks.finish(input)
    }
}

/// A dossier in a search result.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DossierSummary {
    /// The dossier's id.
    pub id: i64,
    /// The city's number for the dossier, printed on invoices.
    #[schema(example = "18")]
    pub number: String,
    /// The dossier's name (the family's name).
    #[schema(example = "T I")]
    pub name: String,
    /// The family's email address; null when unknown.
    #[schema(example = "famille.ti@exemple.fr")]
    pub email: Option<String>,
    /// The town of the family's address; empty when unknown.
    #[schema(example = "Villejuif")]
    pub city: String,
}

/// Searches dossiers.
///
/// By the start of the number, of the dossier's name, or of a child's first or last
/// name, in any case; paginated. Agents and admins only.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "listDossiers",
    security(("bearerAuth" = [])),
    params(PageQuery, DossierSearch),
    responses(
        (status = 200, description = "A page of dossiers.", body = Page<DossierSummary>),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
    ),
)]
#[get("/admin/dossiers")]
pub async fn list_dossiers(
    state: web::Data<AppState>,
    _staff: Staff,
    page: web::Query<PageQuery>,
    search: web::Query<DossierSearch>,
) -> Result<HttpResponse, ApiError> {
    let (page, page_size) = page.into_inner().resolve()?;
    let q = search
        .into_inner()
        .q
        .map(|q| q.trim().to_owned())
        .filter(|q| !q.is_empty());
    if q.as_ref().is_some_and(|q| q.chars().count() > 100) {
        return Err(ApiError::validation(vec![FieldError::new(
            "q",
            "too_long",
            "La recherche est limitée à 100 caractères.",
            "The search is limited to 100 characters.",
        )]));
    }
    let (rows, total) = db::run(&state.pool, move |conn| {
        dossiers::search(conn, q.as_deref(), offset(page, page_size), page_size)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page {
        items: rows
            .into_iter()
            .map(|d| DossierSummary {
                id: d.id,
                number: d.number,
                name: d.name,
                email: d.email,
                city: d.city,
            })
            .collect(),
        page,
        page_size,
        total,
    }))
}

/// Creates a dossier.
///
/// With its contact details, guardians and named contacts; children are added next.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "createDossier",
    security(("bearerAuth" = [])),
    request_body = DossierForm,
    responses(
        (status = 201, description = "Created.", body = DossierView,
            headers(("Location" = String, description = "The dossier's address."), ("ETag" = String, description = "Its version, for `If-Match`."))),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 409, description = "Another dossier has this number (`dossier_number_taken`)."),
    ),
)]
#[post("/admin/dossiers")]
pub async fn create_dossier(
    state: web::Data<AppState>,
    _staff: Staff,
    body: Json<DossierForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let input = body.into_inner().into_input()?;
    let now = state.clock.now();
    let record = db::run(&state.pool, move |conn| dossiers::create(conn, &input, now)).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/admin/dossiers/{}", record.dossier.id),
        ))
        .insert_header(etag(record.dossier.version))
        .json(DossierView::new(&record, state.today())))
}

/// Reads a dossier.
///
/// Everything on its page, with its version as `ETag`.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "getDossier",
    security(("bearerAuth" = [])),
    params(("dossierId" = i64, Path, minimum = 1, description = "The dossier's id.")),
    responses(
        (status = 200, description = "The dossier.", body = DossierView,
            headers(("ETag" = String, description = "Its version, for `If-Match`."))),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such dossier (`not_found`)."),
    ),
)]
#[get("/admin/dossiers/{dossierId}")]
pub async fn get_dossier(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let record = db::run(&state.pool, move |conn| dossiers::load(conn, id)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(record.dossier.version))
        .json(DossierView::new(&record, state.today())))
}

/// Updates a dossier.
///
/// Replaces its details, guardians and contacts, if nobody changed it since it was
/// read (`If-Match` with the `ETag` of that read).
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "updateDossier",
    security(("bearerAuth" = [])),
    params(
        ("dossierId" = i64, Path, minimum = 1, description = "The dossier's id."),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version read; without it, 428."),
    ),
    request_body = DossierForm,
    responses(
        (status = 200, description = "Updated.", body = DossierView,
            headers(("ETag" = String, description = "The new version."))),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such dossier (`not_found`)."),
        (status = 409, description = "Another dossier has this number (`dossier_number_taken`)."),
        (status = 412, description = "Changed since it was read (`precondition_failed`)."),
        (status = 428, description = "`If-Match` missing (`precondition_required`)."),
    ),
)]
#[put("/admin/dossiers/{dossierId}")]
pub async fn update_dossier(
    state: web::Data<AppState>,
    _staff: Staff,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<DossierForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let input = body.into_inner().into_input()?;
    let (id, version) = if_match(&req, id.into_inner())?;
    let now = state.clock.now();
    let record = db::run(&state.pool, move |conn| {
        dossiers::update(conn, id, version, &input, now)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(record.dossier.version))
        .json(DossierView::new(&record, state.today())))
}

/// Adds a child to a dossier.
///
/// Its health information is filled in separately.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "addChild",
    security(("bearerAuth" = [])),
    params(("dossierId" = i64, Path, minimum = 1, description = "The dossier's id.")),
    request_body = ChildForm,
    responses(
        (status = 201, description = "Added.", body = ChildView,
            headers(("Location" = String, description = "The child's address."), ("ETag" = String, description = "Its version."))),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such dossier (`not_found`)."),
    ),
)]
#[post("/admin/dossiers/{dossierId}/children")]
pub async fn add_child(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
    body: Json<ChildForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let fields = body.into_inner().into_fields(state.today())?;
    let dossier_id = id.into_inner();
    let now = state.clock.now();
    let child = db::run(&state.pool, move |conn| {
        dossiers::add_child(conn, dossier_id, &fields, now)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/admin/children/{}", child.id),
        ))
        .insert_header(etag(child.version))
        .json(ChildView::from(&child)))
}

/// A child and the dossier it belongs to.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StaffChildView {
    /// The id of the dossier the child belongs to.
    pub dossier_id: i64,
    #[serde(flatten)]
    pub child: ChildView,
}

/// Reads a child.
///
/// Without its health information (read through the audited `/health`).
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "getChild",
    security(("bearerAuth" = [])),
    params(("childId" = i64, Path, minimum = 1, description = "The child's id.")),
    responses(
        (status = 200, description = "The child.", body = StaffChildView,
            headers(("ETag" = String, description = "Its version, for `If-Match`."))),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such child (`not_found`)."),
    ),
)]
#[get("/admin/children/{childId}")]
pub async fn get_child(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let child = db::run(&state.pool, move |conn| dossiers::child(conn, id, None)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(child.version))
        .json(StaffChildView {
            dossier_id: child.dossier_id,
            child: ChildView::from(&child),
        }))
}

/// Updates a child.
///
/// If nobody changed it since it was read (`If-Match`).
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "updateChild",
    security(("bearerAuth" = [])),
    params(
        ("childId" = i64, Path, minimum = 1, description = "The child's id."),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version read; without it, 428."),
    ),
    request_body = ChildForm,
    responses(
        (status = 200, description = "Updated.", body = StaffChildView,
            headers(("ETag" = String, description = "The new version."))),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such child (`not_found`)."),
        (status = 412, description = "Changed since it was read (`precondition_failed`)."),
        (status = 428, description = "`If-Match` missing (`precondition_required`)."),
    ),
)]
#[put("/admin/children/{childId}")]
pub async fn update_child(
    state: web::Data<AppState>,
    _staff: Staff,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<ChildForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let fields = body.into_inner().into_fields(state.today())?;
    let (id, version) = if_match(&req, id.into_inner())?;
    let now = state.clock.now();
    let child = db::run(&state.pool, move |conn| {
        dossiers::update_child(conn, id, version, &fields, now)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(child.version))
        .json(StaffChildView {
            dossier_id: child.dossier_id,
            child: ChildView::from(&child),
        }))
}

/// Reads a child's health information.
///
/// Every read is written to the audit log (who, when, which child).
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "getChildHealth",
    security(("bearerAuth" = [])),
    params(("childId" = i64, Path, minimum = 1, description = "The child's id.")),
    responses(
        (status = 200, description = "The health information.", body = ChildHealthView,
            headers(("ETag" = String, description = "The child's version, for `If-Match`."))),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such child (`not_found`)."),
    ),
)]
#[get("/admin/children/{childId}/health")]
pub async fn get_child_health(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let now = state.clock.now();
    let actor = actor(&staff);
    let (child, health) = db::run(&state.pool, move |conn| {
        dossiers::health(conn, actor, id, None, now)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(child.version))
        .json(ChildHealthView::new(
            &child,
            &health,
            &state.config.required_vaccinations,
        )))
}

/// Updates a child's health information.
///
/// Written to the audit log.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "updateChildHealth",
    security(("bearerAuth" = [])),
    params(
        ("childId" = i64, Path, minimum = 1, description = "The child's id."),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version read; without it, 428."),
    ),
    request_body = HealthInfoView,
    responses(
        (status = 200, description = "Updated.", body = ChildHealthView,
            headers(("ETag" = String, description = "The new version."))),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such child (`not_found`)."),
        (status = 412, description = "Changed since it was read (`precondition_failed`)."),
        (status = 428, description = "`If-Match` missing (`precondition_required`)."),
    ),
)]
#[put("/admin/children/{childId}/health")]
pub async fn update_child_health(
    state: web::Data<AppState>,
    staff: Staff,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<HealthInfoView>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let health = body.into_inner().into_fields()?;
    let (id, version) = if_match(&req, id.into_inner())?;
    let now = state.clock.now();
    let actor = actor(&staff);
    let (child, health) = db::run(&state.pool, move |conn| {
        dossiers::update_health(conn, actor, id, version, &health, now)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(child.version))
        .json(ChildHealthView::new(
            &child,
            &health,
            &state.config.required_vaccinations,
        )))
}

/// A family quotient to record.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"quotient": 850, "validFrom": "2026-09-01", "validUntil": "2027-08-31", "proofDocumentId": null}))]
pub struct QuotientForm {
    /// The quotient's value, compared with the activities' price brackets
    /// (`maxQuotient`).
    #[validate(range(min = 0, max = 100000))]
    #[schema(minimum = 0, maximum = 100000, example = 850)]
    pub quotient: i64,
    /// The first day of validity (included), in the city's time zone.
    pub valid_from: NaiveDate,
    /// The last day of validity (included), on or after `validFrom`.
    pub valid_until: NaiveDate,
    /// A document of the dossier proving it (a proof of income); null when none is
    /// named.
    #[schema(minimum = 1)]
    pub proof_document_id: Option<i64>,
}

impl QuotientForm {
    pub fn into_input(self) -> Result<QuotientInput, ApiError> {
        validate(&self)?;
        if self.valid_until < self.valid_from {
            return Err(ApiError::validation(vec![FieldError::new(
                "validUntil",
                "before_start",
                "La fin de validité précède son début.",
                "The end of validity comes before its start.",
            )]));
        }
        Ok(QuotientInput {
            quotient: self.quotient,
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            proof_document_id: self.proof_document_id,
        })
    }
}

/// Records a family quotient on a dossier.
///
/// A correction is a new period recorded after the one it corrects: the latest
/// period covering a day applies on that day.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "recordFamilyQuotient",
    security(("bearerAuth" = [])),
    params(("dossierId" = i64, Path, minimum = 1, description = "The dossier's id.")),
    request_body = QuotientForm,
    responses(
        (status = 201, description = "Recorded.", body = QuotientView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such dossier (`not_found`)."),
    ),
)]
#[post("/admin/dossiers/{dossierId}/family-quotients")]
pub async fn record_family_quotient(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    body: Json<QuotientForm>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner().into_input()?;
    let dossier_id = id.into_inner();
    let now = state.clock.now();
    let actor = actor(&staff);
    let quotient = db::run(&state.pool, move |conn| {
        dossiers::record_quotient(conn, actor, dossier_id, &input, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(QuotientView::from(&quotient)))
}

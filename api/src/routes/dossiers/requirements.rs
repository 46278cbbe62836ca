//! The documents the city requires and how long each stays valid; where each stands
//! for a dossier and its children; agents' reviews of what families upload.

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::NaiveDate;
use domain::dossiers::{DocumentKind, RequirementScope, RequirementStatus, ValidityRule};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::{Admin, Family, Staff};
use crate::db;
use crate::openapi::enums::{api_enum, mirror_enum};
use crate::problem::{ApiError, FieldError, validate};
use crate::routes::Json;
use crate::routes::dossiers::documents::DocumentView;
use crate::routes::dossiers::views::DocumentKindView;
use crate::state::AppState;
use crate::usecases::DossierRefusal;
use crate::usecases::dossiers::documents::{self, ReviewInput};
use crate::usecases::dossiers::requirements::{
    self, Requirement, RequirementCheck, RequirementFields,
};

mirror_enum! {
    /// Whom a requirement asks.
    RequirementScopeView => RequirementScope {
        /// Every dossier, once (a proof of address).
        Dossier = "dossier",
        /// Every child (the school insurance, the vaccination pages).
        Child = "child",
        /// Every child with a declared allergy or care plan (the PAI).
        ChildWithAllergy = "child_with_allergy",
        /// Only children registered to an activity whose `requiredDocuments` list the
        /// kind; registering to one needs it.
        Activity = "activity",
    }
}

mirror_enum! {
    /// How long a document stays valid from the day it was issued.
    ValidityRuleView => ValidityRule {
        /// `validityMonths` months (a proof of address: 3).
        Months = "months",
        /// To the end (31 August) of the school year it is for: the one of the day it
        /// was issued, or the next one from June on.
        SchoolYear = "school_year",
        /// For good (vaccination pages).
        Permanent = "permanent",
    }
}

mirror_enum! {
    /// Where a requirement stands.
    RequirementStatusView => RequirementStatus {
        /// A document meets it.
        Valid = "valid",
        /// A document meets it, but expires within 30 days: send the next one.
        Expiring = "expiring",
        /// A document waits for an agent's review; it counts meanwhile.
        Pending = "pending",
        /// The latest document expired.
        Expired = "expired",
        /// The only document was refused (see its `reviewReason`).
        Refused = "refused",
        /// No document yet.
        Missing = "missing",
    }
}

/// A document the city requires.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequirementView {
    /// The kind of document required (one requirement per kind): what families upload
    /// it as (`kind` of `POST /documents`).
    pub kind: DocumentKindView,
    /// What families are asked for, in French.
    #[schema(example = "Attestation d'assurance scolaire et extrascolaire")]
    pub label: String,
    /// Whom it asks.
    pub scope: RequirementScopeView,
    /// How long a document stays valid from the day it was issued.
    pub validity: ValidityRuleView,
    /// For `months`, how many; null otherwise.
    #[schema(example = 3)]
    pub validity_months: Option<i32>,
}

impl From<&Requirement> for RequirementView {
    fn from(r: &Requirement) -> Self {
        Self {
            kind: r.kind.into(),
            label: r.label.clone(),
            scope: r.scope.into(),
            validity: r.validity.into(),
            validity_months: r.validity_months,
        }
    }
}

/// A requirement as an admin sets it.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"label": "Justificatif de domicile de moins de 3 mois", "scope": "dossier", "validity": "months", "validityMonths": 3}))]
pub struct RequirementInput {
    /// What families are asked for, in French.
    #[validate(length(min = 1, max = 120))]
    #[schema(min_length = 1, max_length = 120)]
    pub label: String,
    /// Whom it asks.
    pub scope: RequirementScopeView,
    /// How long a document stays valid from the day it was issued.
    pub validity: ValidityRuleView,
    /// For `months` (required then), 1 to 60; null otherwise.
    #[validate(range(min = 1, max = 60))]
    #[schema(minimum = 1, maximum = 60)]
    pub validity_months: Option<i32>,
}

impl RequirementInput {
    fn into_fields(self) -> Result<RequirementFields, ApiError> {
        validate(&self)?;
        let months_needed = matches!(self.validity, ValidityRuleView::Months);
        if months_needed != self.validity_months.is_some() || self.label.trim().is_empty() {
            let (field, fr, en) = if self.label.trim().is_empty() {
                (
                    "label",
                    "Le libellé ne peut pas être vide.",
                    "The label cannot be blank.",
                )
            } else {
                (
                    "validityMonths",
                    "Le nombre de mois est requis pour une validité en mois, et seulement alors.",
                    "The number of months is required for a validity in months, and only then.",
                )
            };
            return Err(ApiError::validation(vec![FieldError::new(
                field, "invalid", fr, en,
            )]));
        }
        Ok(RequirementFields {
            label: self.label.trim().to_owned(),
            scope: self.scope.into(),
            validity: self.validity.into(),
            validity_months: self.validity_months,
        })
    }
}

/// The kind in a requirement's path: one the city issues cannot be required.
fn required_kind(kind: DocumentKindView) -> Result<DocumentKind, ApiError> {
    let kind = DocumentKind::from(kind);
    if kind.issued_by_city_only() {
        return Err(DossierRefusal::DocumentKindReserved.into());
    }
    Ok(kind)
}

/// The documents the city requires.
///
/// For each kind of document: what families are asked for, whom (every dossier, every
/// child, children with an allergy, or children registered to activities that list
/// it) and how long a document stays valid. Public, for a client to say what to bring.
#[utoipa::path(
    tag = "documents",
    operation_id = "listDocumentRequirements",
    responses(
        (status = 200, description = "Every requirement, by kind.", body = Vec<RequirementView>),
    ),
)]
#[get("/document-requirements")]
pub async fn list_document_requirements(
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let all = db::run(&state.pool, requirements::list).await?;
    Ok(HttpResponse::Ok().json(all.iter().map(RequirementView::from).collect::<Vec<_>>()))
}

/// Requires a kind of document, or changes what is required of it.
///
/// Admins only. Documents already filed keep the validity they were given, except
/// those that had none (filed before the kind was required), which get one from the
/// day they were issued; those uploaded from now on get the new rule.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "putDocumentRequirement",
    security(("bearerAuth" = [])),
    params(("kind" = DocumentKindView, Path, description = "The kind of document required.")),
    request_body = RequirementInput,
    responses(
        (status = 200, description = "Changed.", body = RequirementView),
        (status = 201, description = "Now required.", body = RequirementView),
        (status = 400, description = "Invalid fields (`validation_failed`)."),
        (status = 403, description = "Admins only (`forbidden`)."),
        (status = 422, description = "A kind only the city issues (`document_kind_reserved`)."),
    ),
)]
#[put("/admin/document-requirements/{kind}")]
pub async fn put_document_requirement(
    state: web::Data<AppState>,
    _admin: Admin,
    kind: web::Path<DocumentKindView>,
    body: Json<RequirementInput>,
) -> Result<HttpResponse, ApiError> {
    let kind = required_kind(kind.into_inner())?;
    let fields = body.into_inner().into_fields()?;
    let now = state.clock.now();
    let (stored, created) = db::run(&state.pool, move |conn| {
        requirements::put(conn, kind, &fields, now)
    })
    .await?;
    let mut answer = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(answer.json(RequirementView::from(&stored)))
}

/// Stops requiring a kind of document.
///
/// Admins only. The documents filed stay, with their validity.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "deleteDocumentRequirement",
    security(("bearerAuth" = [])),
    params(("kind" = DocumentKindView, Path, description = "The kind of document required.")),
    responses(
        (status = 204, description = "No longer required."),
        (status = 403, description = "Admins only (`forbidden`)."),
        (status = 404, description = "The kind was not required (`not_found`)."),
    ),
)]
#[delete("/admin/document-requirements/{kind}")]
pub async fn delete_document_requirement(
    state: web::Data<AppState>,
    _admin: Admin,
    kind: web::Path<DocumentKindView>,
) -> Result<HttpResponse, ApiError> {
    let kind = DocumentKind::from(kind.into_inner());
    db::run(&state.pool, move |conn| requirements::delete(conn, kind)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Where one requirement stands for the dossier or one child.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequirementCheckView {
    /// The kind of document required.
    pub kind: DocumentKindView,
    /// What is asked for, in French.
    #[schema(example = "Attestation d'assurance scolaire et extrascolaire")]
    pub label: String,
    /// The child it is asked of; null for the dossier.
    pub child_id: Option<i64>,
    /// That child's first name; null for the dossier.
    #[schema(example = "Eliot")]
    pub child_first_name: Option<String>,
    /// Where it stands today.
    pub status: RequirementStatusView,
    /// The document that decides the status (the one that lasts longest among the
    /// best); null when `missing`.
    pub document: Option<DocumentView>,
}

/// What the city requires of a dossier, and where each stands.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequiredDocumentsView {
    /// Whether every requirement is met today (`valid`, `expiring` or `pending`).
    pub complete: bool,
    /// Each requirement, for the dossier then for each child it asks.
    pub items: Vec<RequirementCheckView>,
}

impl RequiredDocumentsView {
    fn new(checks: &[RequirementCheck]) -> Self {
        Self {
            complete: checks.iter().all(|c| c.status.is_met()),
            items: checks
                .iter()
                .map(|c| RequirementCheckView {
                    kind: c.requirement.kind.into(),
                    label: c.requirement.label.clone(),
                    child_id: c.child.as_ref().map(|k| k.0),
                    child_first_name: c.child.as_ref().map(|k| k.1.clone()),
                    status: c.status.into(),
                    document: c.document.as_ref().map(DocumentView::from),
                })
                .collect(),
        }
    }
}

/// What the city requires of the family's dossier, and where each stands.
///
/// For the dossier and each child asked: the document that meets the requirement,
/// its expiry, one waiting for an agent, or that it is missing, expired or refused.
#[utoipa::path(
    tag = "documents",
    operation_id = "getMyRequiredDocuments",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The requirements and where they stand.", body = RequiredDocumentsView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[get("/dossier/required-documents")]
pub async fn get_my_required_documents(
    state: web::Data<AppState>,
    family: Family,
) -> Result<HttpResponse, ApiError> {
    required_documents(&state, family.dossier_id()?).await
}

/// What the city requires of a dossier, and where each stands.
///
/// Agents and admins only: the family's view of its requirements.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "getRequiredDocuments",
    security(("bearerAuth" = [])),
    params(("dossierId" = i64, Path, minimum = 1, description = "The dossier's id.")),
    responses(
        (status = 200, description = "The requirements and where they stand.", body = RequiredDocumentsView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such dossier (`not_found`)."),
    ),
)]
#[get("/admin/dossiers/{dossierId}/required-documents")]
pub async fn get_required_documents(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    required_documents(&state, id.into_inner()).await
}

async fn required_documents(
    state: &web::Data<AppState>,
    dossier_id: i64,
) -> Result<HttpResponse, ApiError> {
    let today = state.today();
    let checks = db::run(&state.pool, move |conn| {
        requirements::of_dossier(conn, dossier_id, today)
    })
    .await?;
    Ok(HttpResponse::Ok().json(RequiredDocumentsView::new(&checks)))
}

api_enum! {
    /// An agent's decision on a document.
    pub enum ReviewDecisionView {
        /// The document is what is required.
        Accept = "accept",
        /// It is not (unreadable, out of date, another person's): `reason` says why.
        Refuse = "refuse",
    }
}

/// An agent's review of a document.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"decision": "refuse", "reason": "Attestation de l'année dernière"}))]
pub struct DocumentReviewInput {
    /// Accept or refuse.
    pub decision: ReviewDecisionView,
    /// Why it is refused, told to the family (required to refuse, 1 to 300
    /// characters).
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub reason: Option<String>,
    /// The last valid day read on the document, when it differs from the one computed
    /// from the requirement (an insurance certificate's end date).
    pub valid_until: Option<NaiveDate>,
}

/// Accepts or refuses a document.
///
/// Agents and admins only. The family is notified (`document_reviewed`), with the
/// reason of a refusal; a refused document no longer meets any requirement. A review
/// may be corrected by another.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "reviewDocument",
    security(("bearerAuth" = [])),
    params(("documentId" = i64, Path, minimum = 1, description = "The document's id.")),
    request_body = DocumentReviewInput,
    responses(
        (status = 200, description = "Reviewed.", body = DocumentView),
        (status = 400, description = "A refusal without a reason (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such document (`not_found`)."),
        (status = 422, description = "An invoice or certificate the city issued (`document_kind_reserved`)."),
    ),
)]
#[post("/admin/documents/{documentId}/review")]
pub async fn review_document(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    body: Json<DocumentReviewInput>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let body = body.into_inner();
    let accept = matches!(body.decision, ReviewDecisionView::Accept);
    let reason = body
        .reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    if !accept && reason.is_none() {
        return Err(ApiError::validation(vec![FieldError::new(
            "reason",
            "required",
            "Indiquez à la famille pourquoi le document est refusé.",
            "Tell the family why the document is refused.",
        )]));
    }
    let input = ReviewInput {
        accept,
        reason,
        valid_until: body.valid_until,
    };
    let (reviewer, id, now) = (staff.0.account_id, id.into_inner(), state.clock.now());
    let portal = state.config.frontend_url.clone();
    let document = db::run(&state.pool, move |conn| {
        documents::review(conn, &portal, reviewer, id, &input, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(DocumentView::from(&document)))
}

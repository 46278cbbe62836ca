//! Requests (démarches): the family files them and follows their status; agents
//! work the queue and decide.

use crate::routes::Json;
use std::collections::HashMap;

use crate::usecases::utc;
use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use domain::dossiers::{RequestDecision, RequestKind, RequestStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::auth::{Family, Staff};
use crate::db;
use crate::openapi::enums::{api_enum, mirror_enum};
use crate::problem::{ApiError, FieldError, validate};
use crate::routes::dossiers::documents::DocumentView;
use crate::routes::dossiers::staff::QuotientForm;
use crate::routes::dossiers::views::ContactFieldView;
use crate::routes::pagination::{Page, PageQuery, offset};
use crate::state::AppState;
use crate::usecases::dossiers::Actor;
use crate::usecases::dossiers::requests::{self, Decision, NewRequest, RequestRecord};

mirror_enum! {
    /// What a request asks for.
    /// `contact_change` requests are filed by changing the contact details.
    FamilyRequestKindView => RequestKind {
        /// A change in the family's situation (a move, a birth, a separation...),
        /// described in the message.
        SituationChange = "situation_change",
        /// An update of the family quotient, with a proof of income attached.
        FamilyQuotient = "family_quotient",
        /// A change of contact details that the city checks before applying it
        /// (filed through `PUT /dossier/contact-details`, never directly).
        ContactChange = "contact_change",
        /// Anything else, described in the message.
        Other = "other",
        /// Sharing a child with the other parent's household (separated parents):
        /// the message names the child and the other household, a proof is attached
        /// (a court decision or the parents' agreement); an agent links them
        /// (`POST /admin/children/{childId}/households`).
        SecondHousehold = "second_household",
    }
}

mirror_enum! {
    /// Where a request stands: it is decided once.
    FamilyRequestStatusView => RequestStatus {
        /// Filed, waiting for an agent's decision.
        Pending = "pending",
        /// Accepted by an agent (a contact change is applied, a quotient recorded).
        Accepted = "accepted",
        /// Refused by an agent, with a comment.
        Refused = "refused",
    }
}

/// The details a contact change proposes.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProposalView {
    /// The groups of contact details the change concerns.
    pub fields: Vec<ContactFieldView>,
    /// The proposed values, by name (`addressLine1`, `addressLine2`, `postcode`,
    /// `city`, `homePhone`, `mobilePhone`, `workPhone`, `email`); null erases.
    #[schema(example = json!({"addressLine1": "5 avenue de la République", "addressLine2": "", "postcode": "94800", "city": "Villejuif"}))]
    pub values: HashMap<String, Option<String>>,
}

/// A family's request (démarche) and its answer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FamilyRequestView {
    /// Also the request's number, as the emails say it.
    pub id: i64,
    /// What the request asks for.
    pub kind: FamilyRequestKindView,
    /// The family's message, as filed (for a contact change, the text the API wrote).
    #[schema(example = "Voici notre nouvel avis d'imposition.")]
    pub message: String,
    /// Where the request stands.
    pub status: FamilyRequestStatusView,
    /// The agent's comment on the decision; null while pending, or when the agent
    /// accepted without one.
    #[schema(example = "Quotient mis à jour.")]
    pub decision_comment: Option<String>,
    /// The proposed contact details of a `contact_change` request; null for the
    /// other kinds.
    pub proposal: Option<ProposalView>,
    /// The documents attached to the request.
    pub documents: Vec<DocumentView>,
    /// When it was filed (RFC 3339, UTC).
    pub created_at: DateTime<Utc>,
    /// When it was decided (RFC 3339, UTC); null while pending.
    pub decided_at: Option<DateTime<Utc>>,
    /// The id of the family's dossier.
    pub dossier_id: i64,
    /// The city's number of the family's dossier.
    #[schema(example = "18")]
    pub dossier_number: String,
    /// The name of the family's dossier.
    #[schema(example = "T I")]
    pub dossier_name: String,
}

impl From<&RequestRecord> for FamilyRequestView {
    fn from(r: &RequestRecord) -> Self {
        let q = &r.request;
        let proposal = r.proposal.as_ref().map(|p| ProposalView {
            fields: p.fields.iter().map(|f| (*f).into()).collect(),
            values: p.details.clone(),
        });
        Self {
            id: q.id,
            kind: q.kind.into(),
            message: q.message.clone(),
            status: q.status.into(),
            decision_comment: q.decision_comment.clone(),
            proposal,
            documents: r.documents.iter().map(DocumentView::from).collect(),
            created_at: utc(q.created_at),
            decided_at: q.decided_at.map(utc),
            dossier_id: q.dossier_id,
            dossier_number: r.dossier_number.clone(),
            dossier_name: r.dossier_name.clone(),
        }
    }
}

/// A request a family files; documents are uploaded first, then named here.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"kind": "family_quotient", "message": "Voici notre nouvel avis d'imposition.", "documentIds": [12]}))]
pub struct FamilyRequestForm {
    /// `situation_change`, `family_quotient` (with a proof of income) or `other`.
    pub kind: FamilyRequestKindView,
    /// What the family asks, for the agent who reads it.
    #[validate(length(min = 1, max = 2000))]
    #[schema(
        min_length = 1,
        max_length = 2000,
        example = "Voici notre nouvel avis d'imposition."
    )]
    pub message: String,
    /// The family's documents to attach (not attached to another request).
    #[validate(length(max = 10))]
    #[schema(max_items = 10)]
    #[serde(default)]
    pub document_ids: Vec<i64>,
}

/// Files a request.
///
/// The family receives an acknowledgement by email, the city's service a notice. A
/// family-quotient update needs a proof of income among its documents.
#[utoipa::path(
    tag = "requests",
    operation_id = "fileRequest",
    security(("bearerAuth" = [])),
    request_body = FamilyRequestForm,
    responses(
        (status = 201, description = "Filed, pending.", body = FamilyRequestView,
            headers(("Location" = String, description = "The request's address."))),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[post("/requests")]
pub async fn file_request(
    state: web::Data<AppState>,
    family: Family,
    body: Json<FamilyRequestForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let body = body.into_inner();
    if body.kind == FamilyRequestKindView::ContactChange {
        return Err(ApiError::validation(vec![FieldError::new(
            "kind",
            "invalid",
            "Les coordonnées se changent depuis « Modifier mes coordonnées ».",
            "Contact details are changed through the contact-details form.",
        )]));
    }
    let dossier_id = family.dossier_id()?;
    let mut document_ids = body.document_ids;
    document_ids.sort_unstable();
    document_ids.dedup();
    let new = NewRequest {
        account_id: family.0.account_id,
        dossier_id,
        kind: body.kind.into(),
        message: body.message.trim().to_owned(),
        proposal: None,
        document_ids,
    };
    let now = state.clock.now();
    let st = state.clone();
    let record = db::run(&state.pool, move |conn| {
        requests::file(conn, &st.config.frontend_url, &new, now)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/requests/{}", record.request.id),
        ))
        .json(FamilyRequestView::from(&record)))
}

fn page_of(
    records: &[RequestRecord],
    page: i64,
    page_size: i64,
    total: i64,
) -> Page<FamilyRequestView> {
    Page {
        items: records.iter().map(FamilyRequestView::from).collect(),
        page,
        page_size,
        total,
    }
}

/// Lists the family's requests, newest first.
///
/// Each with its status, the agent's comment and its attachments.
#[utoipa::path(
    tag = "requests",
    operation_id = "listMyRequests",
    security(("bearerAuth" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of requests.", body = Page<FamilyRequestView>),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[get("/requests")]
pub async fn list_my_requests(
    state: web::Data<AppState>,
    family: Family,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (page, page_size) = page.into_inner().resolve()?;
    let dossier_id = Some(family.dossier_id()?);
    let (records, total) = db::run(&state.pool, move |conn| {
        requests::list(conn, dossier_id, None, offset(page, page_size), page_size)
    })
    .await?;
    Ok(HttpResponse::Ok().json(page_of(&records, page, page_size, total)))
}

/// Reads one of the family's requests.
///
/// With its status, the agent's comment and its attachments.
#[utoipa::path(
    tag = "requests",
    operation_id = "getMyRequest",
    security(("bearerAuth" = [])),
    params(("requestId" = i64, Path, minimum = 1, description = "The request's id.")),
    responses(
        (status = 200, description = "The request.", body = FamilyRequestView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such request in the family's dossier (`not_found`)."),
    ),
)]
#[get("/requests/{requestId}")]
pub async fn get_my_request(
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = Some(family.dossier_id()?);
    let id = id.into_inner();
    let record = db::run(&state.pool, move |conn| requests::get(conn, id, dossier_id)).await?;
    Ok(HttpResponse::Ok().json(FamilyRequestView::from(&record)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestQueue {
    /// Only the requests with this status (`pending` for the queue to work).
    pub status: Option<FamilyRequestStatusView>,
}

/// Lists requests, oldest first.
///
/// With `status=pending`, the queue to work, first come first served.
#[utoipa::path(
    tag = "admin-requests",
    operation_id = "listRequests",
    security(("bearerAuth" = [])),
    params(PageQuery, RequestQueue),
    responses(
        (status = 200, description = "A page of requests.", body = Page<FamilyRequestView>),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
    ),
)]
#[get("/admin/requests")]
pub async fn list_requests(
    state: web::Data<AppState>,
    _staff: Staff,
    page: web::Query<PageQuery>,
    queue: web::Query<RequestQueue>,
) -> Result<HttpResponse, ApiError> {
    let (page, page_size) = page.into_inner().resolve()?;
    let status = queue.into_inner().status.map(RequestStatus::from);
    let (records, total) = db::run(&state.pool, move |conn| {
        requests::list(conn, None, status, offset(page, page_size), page_size)
    })
    .await?;
    Ok(HttpResponse::Ok().json(page_of(&records, page, page_size, total)))
}

/// Reads a request.
///
/// With its dossier, attachments and, for a contact change, the proposed details.
#[utoipa::path(
    tag = "admin-requests",
    operation_id = "getRequest",
    security(("bearerAuth" = [])),
    params(("requestId" = i64, Path, minimum = 1, description = "The request's id.")),
    responses(
        (status = 200, description = "The request.", body = FamilyRequestView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such request (`not_found`)."),
    ),
)]
#[get("/admin/requests/{requestId}")]
pub async fn get_request(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let record = db::run(&state.pool, move |conn| requests::get(conn, id, None)).await?;
    Ok(HttpResponse::Ok().json(FamilyRequestView::from(&record)))
}

api_enum! {
    /// An agent's answer to a request.
    pub enum FamilyRequestDecisionView {
        /// Accept it: a contact change is applied, a family quotient recorded.
        Accept = "accept",
        /// Refuse it, with a `comment` for the family.
        Refuse = "refuse",
    }
}

/// An agent's answer.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"decision": "accept", "comment": "Quotient mis à jour.", "familyQuotient": {"quotient": 620, "validFrom": "2026-09-01", "validUntil": "2027-08-31", "proofDocumentId": null}}))]
pub struct FamilyRequestDecisionForm {
    /// Accept or refuse.
    pub decision: FamilyRequestDecisionView,
    /// Shown to the family; required to refuse (null or blank: no comment).
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000, example = "Quotient mis à jour.")]
    pub comment: Option<String>,
    /// Required to accept a `family_quotient` request: the quotient and its period
    /// (its proof is the request's proof of income).
    #[validate(nested)]
    pub family_quotient: Option<QuotientForm>,
}

/// Decides a request.
///
/// Accepting a contact change applies it; accepting a family-quotient update records
/// the quotient given here. The family is told by email.
#[utoipa::path(
    tag = "admin-requests",
    operation_id = "decideRequest",
    security(("bearerAuth" = [])),
    params(("requestId" = i64, Path, minimum = 1, description = "The request's id.")),
    request_body = FamilyRequestDecisionForm,
    responses(
        (status = 200, description = "Decided.", body = FamilyRequestView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such request (`not_found`)."),
        (status = 409, description = "Already decided (`request_already_decided`)."),
    ),
)]
#[post("/admin/requests/{requestId}/decision")]
pub async fn decide_request(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    body: Json<FamilyRequestDecisionForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let body = body.into_inner();
    let comment = body
        .comment
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if body.decision == FamilyRequestDecisionView::Refuse && comment.is_none() {
        return Err(ApiError::validation(vec![FieldError::new(
            "comment",
            "required",
            "Expliquez le refus à la famille.",
            "Explain the refusal to the family.",
        )]));
    }
    let decision = Decision {
        decision: match body.decision {
            FamilyRequestDecisionView::Accept => RequestDecision::Accept,
            FamilyRequestDecisionView::Refuse => RequestDecision::Refuse,
        },
        comment,
        quotient: body
            .family_quotient
            .map(QuotientForm::into_input)
            .transpose()?,
    };
    let actor = Actor {
        account_id: staff.0.account_id,
        is_staff: true,
    };
    let id = id.into_inner();
    let now = state.clock.now();
    let st = state.clone();
    let record = db::run(&state.pool, move |conn| {
        requests::decide(conn, &st.config.frontend_url, actor, id, &decision, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(FamilyRequestView::from(&record)))
}

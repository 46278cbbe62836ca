//! Back office (admins): webhook endpoints of the city's other systems, their
//! signing secrets, and the log of every delivery attempt.

use super::Json;
use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, Utc};
use domain::notification::NoticeKind;
use persistence::utc;
use persistence::webhooks::{Attempt, Endpoint};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::notifications::NoticeKindView;
use super::pagination::{Page, PageQuery, offset};
use crate::auth::Admin;
use crate::db;
use crate::problem::{ApiError, validate};
use crate::state::AppState;
use crate::usecases::webhooks::{self, EndpointInput, LoggedDelivery};

/// An endpoint as an admin registers it.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({
    "url": "https://gestion.example.fr/hooks/espace-familles",
    "description": "Logiciel de gestion financière",
    "kinds": ["invoice_issued", "payment_received"],
    "active": true
}))]
pub struct WebhookEndpointForm {
    /// HTTPS, without credentials (deliveries are authenticated by their signature), on a
    /// public internet address unless the instance allows private ones.
    #[validate(length(min = 1, max = 500))]
    #[schema(
        min_length = 1,
        max_length = 500,
        example = "https://gestion.example.fr/hooks/espace-familles"
    )]
    pub url: String,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    #[serde(default)]
    pub description: String,
    /// The event kinds it receives.
    #[validate(length(min = 1, max = 20))]
    #[schema(min_items = 1, max_items = 20)]
    pub kinds: Vec<NoticeKindView>,
    /// An inactive endpoint receives nothing; its deliveries wait.
    #[serde(default = "active_by_default")]
    pub active: bool,
}

fn active_by_default() -> bool {
    true
}

impl From<WebhookEndpointForm> for EndpointInput {
    fn from(form: WebhookEndpointForm) -> Self {
        Self {
            url: form.url,
            description: form.description,
            kinds: form.kinds.into_iter().map(NoticeKind::from).collect(),
            active: form.active,
        }
    }
}

/// An endpoint.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEndpointView {
    pub id: i64,
    pub url: String,
    pub description: String,
    pub kinds: Vec<NoticeKindView>,
    pub active: bool,
    /// The signing secret (`whsec_` and base64), on creation and rotation only:
    /// the receiver keeps it to check `webhook-signature`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl WebhookEndpointView {
    fn new(endpoint: &Endpoint, with_secret: bool) -> Self {
        Self {
            id: endpoint.id,
            url: endpoint.url.clone(),
            description: endpoint.description.clone(),
            kinds: endpoint
                .kinds
                .split(',')
                .filter_map(NoticeKindView::stored)
                .collect(),
            active: endpoint.active,
            secret: with_secret.then(|| endpoint.secret.clone()),
            created_at: utc(endpoint.created_at),
            updated_at: utc(endpoint.updated_at),
        }
    }
}

/// The endpoints.
#[utoipa::path(
    tag = "admin-webhooks",
    operation_id = "listWebhookEndpoints",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The endpoints (without their secrets).", body = Vec<WebhookEndpointView>),
        (status = 403, description = "Admins only (`forbidden`)."),
    ),
)]
#[get("/admin/webhooks")]
pub async fn list_webhook_endpoints(
    state: web::Data<AppState>,
    _admin: Admin,
) -> Result<HttpResponse, ApiError> {
    let endpoints = db::run(&state.pool, webhooks::list).await?;
    Ok(HttpResponse::Ok().json(
        endpoints
            .iter()
            .map(|e| WebhookEndpointView::new(e, false))
            .collect::<Vec<_>>(),
    ))
}

/// Registers an endpoint: from now on, each event of its kinds is sent to it.
///
/// The answer holds the signing secret, shown this once.
#[utoipa::path(
    tag = "admin-webhooks",
    operation_id = "createWebhookEndpoint",
    security(("bearerAuth" = [])),
    request_body = WebhookEndpointForm,
    responses(
        (status = 201, description = "Registered, with its secret.", body = WebhookEndpointView,
            headers(("Location" = String, description = "The endpoint's address."))),
        (status = 400, description = "Not an HTTPS address or not a public one (`validation_failed`: `https_required`, `invalid_url`, `credentials_in_url`, `private_address`), or no kind."),
        (status = 403, description = "Admins only (`forbidden`)."),
    ),
)]
#[post("/admin/webhooks")]
pub async fn create_webhook_endpoint(
    state: web::Data<AppState>,
    _admin: Admin,
    body: Json<WebhookEndpointForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let input = EndpointInput::from(body.into_inner());
    let (targets, now) = (state.config.jobs.webhook_targets, state.clock.now());
    let endpoint = db::run(&state.pool, move |conn| {
        webhooks::create(conn, &input, targets, now)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/admin/webhooks/{}", endpoint.id),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(WebhookEndpointView::new(&endpoint, true)))
}

/// An endpoint (without its secret).
#[utoipa::path(
    tag = "admin-webhooks",
    operation_id = "getWebhookEndpoint",
    security(("bearerAuth" = [])),
    params(("endpointId" = i64, Path, minimum = 1, description = "The endpoint's id.")),
    responses(
        (status = 200, description = "The endpoint.", body = WebhookEndpointView),
        (status = 403, description = "Admins only (`forbidden`)."),
        (status = 404, description = "No such endpoint (`not_found`)."),
    ),
)]
#[get("/admin/webhooks/{endpointId}")]
pub async fn get_webhook_endpoint(
    state: web::Data<AppState>,
    _admin: Admin,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let endpoint = db::run(&state.pool, move |conn| webhooks::get(conn, id)).await?;
    Ok(HttpResponse::Ok().json(WebhookEndpointView::new(&endpoint, false)))
}

/// Changes an endpoint's address, kinds or activity (its secret stays).
#[utoipa::path(
    tag = "admin-webhooks",
    operation_id = "updateWebhookEndpoint",
    security(("bearerAuth" = [])),
    params(("endpointId" = i64, Path, minimum = 1, description = "The endpoint's id.")),
    request_body = WebhookEndpointForm,
    responses(
        (status = 200, description = "Changed.", body = WebhookEndpointView),
        (status = 400, description = "Not an HTTPS address or not a public one (`validation_failed`: `https_required`, `invalid_url`, `credentials_in_url`, `private_address`), or no kind."),
        (status = 403, description = "Admins only (`forbidden`)."),
        (status = 404, description = "No such endpoint (`not_found`)."),
    ),
)]
#[put("/admin/webhooks/{endpointId}")]
pub async fn update_webhook_endpoint(
    state: web::Data<AppState>,
    _admin: Admin,
    id: web::Path<i64>,
    body: Json<WebhookEndpointForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let input = EndpointInput::from(body.into_inner());
    let (id, targets, now) = (
        id.into_inner(),
        state.config.jobs.webhook_targets,
        state.clock.now(),
    );
    let endpoint = db::run(&state.pool, move |conn| {
        webhooks::update(conn, id, &input, targets, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(WebhookEndpointView::new(&endpoint, false)))
}

/// Deletes an endpoint with its delivery log.
#[utoipa::path(
    tag = "admin-webhooks",
    operation_id = "deleteWebhookEndpoint",
    security(("bearerAuth" = [])),
    params(("endpointId" = i64, Path, minimum = 1, description = "The endpoint's id.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = "Admins only (`forbidden`)."),
        (status = 404, description = "No such endpoint (`not_found`)."),
    ),
)]
#[delete("/admin/webhooks/{endpointId}")]
pub async fn delete_webhook_endpoint(
    state: web::Data<AppState>,
    _admin: Admin,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db::run(&state.pool, move |conn| webhooks::delete(conn, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Replaces the signing secret (a leaked one); the answer holds the new one, shown
/// this once.
#[utoipa::path(
    tag = "admin-webhooks",
    operation_id = "rotateWebhookSecret",
    security(("bearerAuth" = [])),
    params(("endpointId" = i64, Path, minimum = 1, description = "The endpoint's id.")),
    responses(
        (status = 200, description = "The endpoint with its new secret.", body = WebhookEndpointView),
        (status = 403, description = "Admins only (`forbidden`)."),
        (status = 404, description = "No such endpoint (`not_found`)."),
    ),
)]
#[post("/admin/webhooks/{endpointId}/secret")]
pub async fn rotate_webhook_secret(
    state: web::Data<AppState>,
    _admin: Admin,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (id, now) = (id.into_inner(), state.clock.now());
    let endpoint = db::run(&state.pool, move |conn| {
        webhooks::rotate_secret(conn, id, now)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(WebhookEndpointView::new(&endpoint, true)))
}

/// `pending` (waiting for its next try), `delivered` (answered 2xx) or `failed`
/// (given up after 8 tries; an admin may send it again).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatusView {
    Pending,
    Delivered,
    Failed,
}

impl DeliveryStatusView {
    fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }

    fn stored(text: &str) -> Self {
        match text {
            "delivered" => Self::Delivered,
            "failed" => Self::Failed,
            _ => Self::Pending,
        }
    }
}

/// One try of a delivery.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryAttemptView {
    pub attempted_at: DateTime<Utc>,
    /// What the endpoint answered; null when it could not be reached.
    pub status_code: Option<i32>,
    /// What went wrong, when it did.
    pub error: Option<String>,
    pub duration_ms: i32,
}

impl From<&Attempt> for DeliveryAttemptView {
    fn from(a: &Attempt) -> Self {
        Self {
            attempted_at: utc(a.attempted_at),
            status_code: a.status_code,
            error: a.error.clone(),
            duration_ms: a.duration_ms,
        }
    }
}

/// One event sent to one endpoint, with every try.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookDeliveryView {
    pub id: i64,
    /// The `webhook-id` the endpoint received (the same at every try).
    #[schema(example = "evt_42")]
    pub message_id: String,
    pub event_id: i64,
    pub kind: NoticeKindView,
    pub status: DeliveryStatusView,
    pub attempts: i32,
    /// When the next try is due, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub log: Vec<DeliveryAttemptView>,
}

impl From<&LoggedDelivery> for WebhookDeliveryView {
    fn from(logged: &LoggedDelivery) -> Self {
        let d = &logged.delivery;
        let status = DeliveryStatusView::stored(&d.status);
        Self {
            id: d.id,
            message_id: format!("evt_{}", d.event_id),
            event_id: d.event_id,
            kind: NoticeKindView::stored(&logged.kind)
                .unwrap_or(NoticeKindView::RegistrationDecided),
            status,
            attempts: d.attempts,
            next_attempt_at: (status == DeliveryStatusView::Pending)
                .then(|| utc(d.next_attempt_at)),
            delivered_at: d.delivered_at.map(utc),
            created_at: utc(d.created_at),
            log: logged
                .attempts
                .iter()
                .map(DeliveryAttemptView::from)
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct DeliveryFilter {
    pub status: Option<DeliveryStatusView>,
}

/// An endpoint's deliveries, newest first, each with the log of its tries.
#[utoipa::path(
    tag = "admin-webhooks",
    operation_id = "listWebhookDeliveries",
    security(("bearerAuth" = [])),
    params(("endpointId" = i64, Path, minimum = 1, description = "The endpoint's id."), DeliveryFilter, PageQuery),
    responses(
        (status = 200, description = "A page of deliveries.", body = Page<WebhookDeliveryView>),
        (status = 400, description = "A bad filter or page (`validation_failed`)."),
        (status = 403, description = "Admins only (`forbidden`)."),
        (status = 404, description = "No such endpoint (`not_found`)."),
    ),
)]
#[get("/admin/webhooks/{endpointId}/deliveries")]
pub async fn list_webhook_deliveries(
    state: web::Data<AppState>,
    _admin: Admin,
    id: web::Path<i64>,
    filter: web::Query<DeliveryFilter>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (page, size) = query.into_inner().resolve()?;
    let (id, status) = (id.into_inner(), filter.status);
    let (items, total) = db::run(&state.pool, move |conn| {
        webhooks::deliveries(
            conn,
            id,
            status.map(DeliveryStatusView::as_str),
            (offset(page, size), size),
        )
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page {
        items: items.iter().map(WebhookDeliveryView::from).collect(),
        page,
        page_size: size,
        total,
    }))
}

/// Sends a delivery again now, whatever its status (a receiver fixed or that lost
/// it); it keeps its `webhook-id`.
#[utoipa::path(
    tag = "admin-webhooks",
    operation_id = "redeliverWebhook",
    security(("bearerAuth" = [])),
    params(
        ("endpointId" = i64, Path, minimum = 1, description = "The endpoint's id."),
        ("deliveryId" = i64, Path, minimum = 1, description = "The delivery's id."),
    ),
    responses(
        (status = 202, description = "Queued: the delivery job sends it shortly."),
        (status = 403, description = "Admins only (`forbidden`)."),
        (status = 404, description = "No such delivery of this endpoint (`not_found`)."),
    ),
)]
#[post("/admin/webhooks/{endpointId}/deliveries/{deliveryId}/redelivery")]
pub async fn redeliver_webhook(
    state: web::Data<AppState>,
    _admin: Admin,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let ((endpoint, delivery), now) = (path.into_inner(), state.clock.now());
    db::run(&state.pool, move |conn| {
        webhooks::redeliver(conn, endpoint, delivery, now)
    })
    .await?;
    Ok(HttpResponse::Accepted().finish())
}

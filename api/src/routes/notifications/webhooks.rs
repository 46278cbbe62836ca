//! Back office (admins): webhook endpoints of the city's other systems, their
//! signing secrets, and the log of every delivery attempt.

use crate::routes::Json;
use crate::usecases::notifications::webhooks::{Attempt, DeliveryStatus, Endpoint};
use crate::usecases::utc;
use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, Utc};
use domain::notifications::NoticeKind;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::auth::Admin;
use crate::db;
use crate::openapi::enums::mirror_enum;
use crate::problem::{ApiError, validate};
use crate::routes::notifications::inbox::NoticeKindView;
use crate::routes::pagination::{Page, PageQuery, offset};
use crate::state::AppState;
use crate::usecases::notifications::webhooks::{self, EndpointInput, LoggedDelivery};

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
    /// What the endpoint is, for the admins (empty when absent).
    #[validate(length(max = 200))]
    #[schema(max_length = 200, example = "Logiciel de gestion financière")]
    #[serde(default)]
    pub description: String,
    /// The event kinds it receives.
    #[validate(length(min = 1, max = 20))]
    #[schema(min_items = 1, max_items = 20)]
    pub kinds: Vec<NoticeKindView>,
    /// Whether it receives events (true when absent). An inactive endpoint receives
    /// nothing; its deliveries wait.
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
    /// The endpoint's id.
    #[schema(example = 1)]
    pub id: i64,
    /// Where events are posted (HTTPS).
    #[schema(example = "https://gestion.example.fr/hooks/espace-familles")]
    pub url: String,
    /// What the endpoint is, for the admins (may be empty).
    #[schema(example = "Logiciel de gestion financière")]
    pub description: String,
    /// The event kinds it receives.
    pub kinds: Vec<NoticeKindView>,
    /// Whether it receives events; an inactive endpoint's deliveries wait.
    pub active: bool,
    /// The signing secret (`whsec_` and base64), on creation and rotation only
    /// (absent otherwise): the receiver keeps it to check `webhook-signature`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw3v0rhbPFwBk=")]
    pub secret: Option<String>,
    /// When it was registered (RFC 3339, UTC).
    pub created_at: DateTime<Utc>,
    /// When it was last changed, its secret's rotation included (RFC 3339, UTC).
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
                .iter()
                .map(|k| NoticeKindView::from(*k))
                .collect(),
            active: endpoint.active,
            secret: with_secret.then(|| endpoint.secret.clone()),
            created_at: utc(endpoint.created_at),
            updated_at: utc(endpoint.updated_at),
        }
    }
}

/// Lists the webhook endpoints.
///
/// Every registered endpoint, without its secret. Admins only.
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
/// The answer holds the signing secret, shown this once. Admins only.
#[utoipa::path(
    tag = "admin-webhooks",
    operation_id = "createWebhookEndpoint",
    security(("bearerAuth" = [])),
    request_body = WebhookEndpointForm,
    responses(
        (status = 201, description = "Registered, with its secret.", body = WebhookEndpointView,
            headers(("Location" = String, description = "The endpoint's address."))),
        (status = 400, description = "Not an HTTPS address or not a public one, or no kind (`validation_failed`; the field's code says which: https_required, invalid_url, credentials_in_url, private_address)."),
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

/// Reads a webhook endpoint.
///
/// Its address, kinds and activity, without its secret (shown only on creation and
/// rotation). Admins only.
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

/// Changes a webhook endpoint.
///
/// Its address, description, kinds and activity are replaced; its secret stays.
/// Admins only.
#[utoipa::path(
    tag = "admin-webhooks",
    operation_id = "updateWebhookEndpoint",
    security(("bearerAuth" = [])),
    params(("endpointId" = i64, Path, minimum = 1, description = "The endpoint's id.")),
    request_body = WebhookEndpointForm,
    responses(
        (status = 200, description = "Changed.", body = WebhookEndpointView),
        (status = 400, description = "Not an HTTPS address or not a public one, or no kind (`validation_failed`; the field's code says which: https_required, invalid_url, credentials_in_url, private_address)."),
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

/// Deletes a webhook endpoint.
///
/// With its delivery log: nothing more is sent to it. Admins only.
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

/// Replaces a webhook endpoint's signing secret.
///
/// For a leaked secret: deliveries are signed with the new one from now on; the
/// answer holds it, shown this once. Admins only.
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

mirror_enum! {
    /// Where a webhook delivery stands.
    DeliveryStatusView => DeliveryStatus {
        /// Waiting for its next try.
        Pending = "pending",
        /// The endpoint answered 2xx.
        Delivered = "delivered",
        /// Given up after 8 tries; an admin may send it again.
        Failed = "failed",
    }
}

/// One try of a delivery.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryAttemptView {
    /// When the try was made (RFC 3339, UTC).
    pub attempted_at: DateTime<Utc>,
    /// The HTTP status the endpoint answered; null when it could not be reached.
    #[schema(example = 503)]
    pub status_code: Option<i32>,
    /// What went wrong (500 characters at most); null when it was delivered.
    #[schema(example = "answered 503 Service Unavailable")]
    pub error: Option<String>,
    /// How long the try took, in milliseconds.
    #[schema(example = 184)]
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
    /// The delivery's id.
    #[schema(example = 57)]
    pub id: i64,
    /// The `webhook-id` the endpoint received (the same at every try).
    #[schema(example = "evt_42")]
    pub message_id: String,
    /// The event sent.
    #[schema(example = 42)]
    pub event_id: i64,
    /// The event's kind.
    pub kind: NoticeKindView,
    /// Where the delivery stands.
    pub status: DeliveryStatusView,
    /// Tries made so far.
    #[schema(example = 1)]
    pub attempts: i32,
    /// When the next try is due (RFC 3339, UTC), while pending; null otherwise.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When the endpoint accepted it (RFC 3339, UTC); null until delivered.
    pub delivered_at: Option<DateTime<Utc>>,
    /// When the delivery was queued (RFC 3339, UTC).
    pub created_at: DateTime<Utc>,
    /// Every try, with what the endpoint answered.
    pub log: Vec<DeliveryAttemptView>,
}

impl From<&LoggedDelivery> for WebhookDeliveryView {
    fn from(logged: &LoggedDelivery) -> Self {
        let d = &logged.delivery;
        let status = DeliveryStatusView::from(d.status);
        Self {
            id: d.id,
            message_id: format!("evt_{}", d.event_id),
            event_id: d.event_id,
            kind: logged.kind.into(),
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
    /// Only the deliveries with this status; all of them when absent.
    pub status: Option<DeliveryStatusView>,
}

/// Lists a webhook endpoint's deliveries.
///
/// Newest first, each with the log of its tries; filtered by status if asked.
/// Admins only.
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
            status.map(DeliveryStatus::from),
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

/// Sends a webhook delivery again.
///
/// Now, whatever its status (a receiver fixed, or one that lost it); it keeps its
/// `webhook-id`. Admins only.
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

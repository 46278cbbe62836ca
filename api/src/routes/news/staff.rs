//! Back office: agents write news items, schedule, pin and retire them, and attach
//! files.

use crate::routes::Json;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::auth::Staff;
use crate::db;
use crate::problem::{ApiError, validate};
use crate::routes::news::published::{NewsAttachmentView, NewsItemView, download, page_of};
use crate::routes::pagination::{Page, PageQuery, offset};
use crate::state::AppState;
use crate::usecases::news::{self, NewsInput};

/// A news item as an agent writes it.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({
    "title": "Inscriptions aux centres de loisirs d'hiver",
    "bodyMarkdown": "Les inscriptions ouvrent le **4 janvier**.",
    "publishedFrom": "2026-12-01T08:00:00Z",
    "publishedUntil": null,
    "pinned": true
}))]
pub struct NewsForm {
    /// The title (not blank).
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        example = "Inscriptions aux centres de loisirs d'hiver"
    )]
    pub title: String,
    /// The text, in Markdown (CommonMark, tables and strikethrough); raw HTML is
    /// dropped when rendered.
    #[validate(length(max = 20000))]
    #[schema(
        max_length = 20000,
        example = "Les inscriptions ouvrent le **4 janvier**."
    )]
    pub body_markdown: String,
    /// When it appears (RFC 3339); absent or null: a draft.
    pub published_from: Option<DateTime<Utc>>,
    /// When it disappears (RFC 3339); absent or null: never. After `publishedFrom`.
    pub published_until: Option<DateTime<Utc>>,
    /// Whether it comes before the others (false when absent).
    #[serde(default)]
    pub pinned: bool,
}

impl From<NewsForm> for NewsInput {
    fn from(form: NewsForm) -> Self {
        Self {
            title: form.title,
            body_markdown: form.body_markdown,
            published_from: form.published_from,
            published_until: form.published_until,
            pinned: form.pinned,
        }
    }
}

/// Lists every news item.
///
/// Drafts, scheduled, expired and retired ones included, newest first. Agents and
/// admins only.
#[utoipa::path(
    tag = "admin-news",
    operation_id = "listAdminNews",
    security(("bearerAuth" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of items.", body = Page<NewsItemView>),
        (status = 400, description = "A bad page (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
    ),
)]
#[get("/admin/news")]
pub async fn list_admin_news(
    state: web::Data<AppState>,
    _staff: Staff,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (page, size) = query.into_inner().resolve()?;
    let now = state.clock.now();
    let (items, total) = db::run(&state.pool, move |conn| {
        news::list(conn, None, (offset(page, size), size))
    })
    .await?;
    Ok(HttpResponse::Ok().json(page_of(&items, (page, size, total), now)))
}

/// Reads any news item.
///
/// Whatever its status (a draft's too), with its attachments. Agents and admins
/// only.
#[utoipa::path(
    tag = "admin-news",
    operation_id = "getAdminNews",
    security(("bearerAuth" = [])),
    params(("newsId" = i64, Path, minimum = 1, description = "The item's id.")),
    responses(
        (status = 200, description = "The item.", body = NewsItemView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such item (`not_found`)."),
    ),
)]
#[get("/admin/news/{newsId}")]
pub async fn get_admin_news(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (id, now) = (id.into_inner(), state.clock.now());
    let detail = db::run(&state.pool, move |conn| news::get(conn, id, None)).await?;
    Ok(HttpResponse::Ok().json(NewsItemView::new(&detail, now)))
}

/// Writes a news item.
///
/// A draft without `publishedFrom`, else published from then (until
/// `publishedUntil`, if given). The Markdown is rendered to sanitised HTML once,
/// now. Agents and admins only.
#[utoipa::path(
    tag = "admin-news",
    operation_id = "createNews",
    security(("bearerAuth" = [])),
    request_body = NewsForm,
    responses(
        (status = 201, description = "Written.", body = NewsItemView,
            headers(("Location" = String, description = "The item's address."))),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 400, description = "A field breaks its rules (`validation_failed`)."),
    ),
)]
#[post("/admin/news")]
pub async fn create_news(
    state: web::Data<AppState>,
    staff: Staff,
    body: Json<NewsForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let input = NewsInput::from(body.into_inner());
    let (author, now) = (staff.0.account_id, state.clock.now());
    let detail = db::run(&state.pool, move |conn| {
        news::create(conn, author, &input, now)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/admin/news/{}", detail.item.id),
        ))
        .json(NewsItemView::new(&detail, now)))
}

/// Rewrites a news item.
///
/// Its title, text, publication dates and pin, all replaced; a retired item stays
/// retired. Agents and admins only.
#[utoipa::path(
    tag = "admin-news",
    operation_id = "updateNews",
    security(("bearerAuth" = [])),
    params(("newsId" = i64, Path, minimum = 1, description = "The item's id.")),
    request_body = NewsForm,
    responses(
        (status = 200, description = "Rewritten.", body = NewsItemView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such item (`not_found`)."),
        (status = 400, description = "A field breaks its rules (`validation_failed`)."),
    ),
)]
#[put("/admin/news/{newsId}")]
pub async fn update_news(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
    body: Json<NewsForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let input = NewsInput::from(body.into_inner());
    let (id, now) = (id.into_inner(), state.clock.now());
    let detail = db::run(&state.pool, move |conn| news::update(conn, id, &input, now)).await?;
    Ok(HttpResponse::Ok().json(NewsItemView::new(&detail, now)))
}

/// Retires a news item.
///
/// Kept for the record, never shown to families again; retiring it twice keeps the
/// first date. Agents and admins only.
#[utoipa::path(
    tag = "admin-news",
    operation_id = "retireNews",
    security(("bearerAuth" = [])),
    params(("newsId" = i64, Path, minimum = 1, description = "The item's id.")),
    responses(
        (status = 200, description = "Retired (retiring twice keeps the first date).", body = NewsItemView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such item (`not_found`)."),
    ),
)]
#[post("/admin/news/{newsId}/retirement")]
pub async fn retire_news(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (id, now) = (id.into_inner(), state.clock.now());
    let detail = db::run(&state.pool, move |conn| news::retire(conn, id, now)).await?;
    Ok(HttpResponse::Ok().json(NewsItemView::new(&detail, now)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AttachmentParams {
    /// The file's name on the agent's device (cleaned before use).
    #[param(max_length = 200, example = "menus-novembre.pdf")]
    pub file_name: Option<String>,
}

/// Attaches a file to a news item.
///
/// A PDF, JPEG or PNG by its content, `UPLOAD_MAX_BYTES` at most, 10 files an item.
/// The body is the file itself; its name comes in `fileName`. Agents and admins only.
#[utoipa::path(
    tag = "admin-news",
    operation_id = "attachNewsFile",
    security(("bearerAuth" = [])),
    params(("newsId" = i64, Path, minimum = 1, description = "The item's id."), AttachmentParams),
    request_body(description = "The file.", content(("application/pdf"), ("image/jpeg"), ("image/png"), ("application/octet-stream"))),
    responses(
        (status = 201, description = "Attached.", body = NewsAttachmentView),
        (status = 400, description = "An empty file, a name too long, or 10 files already (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such item (`not_found`)."),
        (status = 413, description = "Over `UPLOAD_MAX_BYTES` (`payload_too_large`)."),
        (status = 415, description = "Another declared type (`unsupported_media_type`)."),
        (status = 422, description = "Not a PDF, JPEG or PNG by its content (`unsupported_file_type`)."),
    ),
)]
#[post("/admin/news/{newsId}/attachments")]
pub async fn attach_news_file(
    state: web::Data<AppState>,
    _staff: Staff,
    req: HttpRequest,
    id: web::Path<i64>,
    params: web::Query<AttachmentParams>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let file_name = params.into_inner().file_name;
    crate::routes::dossiers::documents::check_file(
        file_name.as_deref(),
        &body,
        state.config.files.upload_max_bytes,
    )?;
    crate::routes::dossiers::documents::check_declared_type(&req)?;
    let (id, now, files) = (id.into_inner(), state.clock.now(), state.files.clone());
    let attachment = db::run(&state.pool, move |conn| {
        news::attach(conn, &files, id, file_name.as_deref(), &body, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(NewsAttachmentView::from(&attachment)))
}

/// Removes an attachment.
///
/// The file is deleted with it. Agents and admins only.
#[utoipa::path(
    tag = "admin-news",
    operation_id = "removeNewsAttachment",
    security(("bearerAuth" = [])),
    params(
        ("newsId" = i64, Path, minimum = 1, description = "The item's id."),
        ("attachmentId" = i64, Path, minimum = 1, description = "The attachment's id."),
    ),
    responses(
        (status = 204, description = "Removed."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such attachment (`not_found`)."),
    ),
)]
#[delete("/admin/news/{newsId}/attachments/{attachmentId}")]
pub async fn remove_news_attachment(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let ((news_id, id), files) = (path.into_inner(), state.files.clone());
    db::run(&state.pool, move |conn| {
        news::remove_attachment(conn, &files, news_id, id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Downloads an attachment of any item.
///
/// Whatever the item's status (a draft's too), as an attachment named after the
/// file. Agents and admins only.
#[utoipa::path(
    tag = "admin-news",
    operation_id = "downloadAdminNewsAttachment",
    security(("bearerAuth" = [])),
    params(
        ("newsId" = i64, Path, minimum = 1, description = "The item's id."),
        ("attachmentId" = i64, Path, minimum = 1, description = "The attachment's id."),
    ),
    responses(
        (status = 200, description = "The file, as an attachment.", content(
            ("application/pdf"), ("image/jpeg"), ("image/png"))),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such attachment (`not_found`)."),
    ),
)]
#[get("/admin/news/{newsId}/attachments/{attachmentId}")]
pub async fn download_admin_news_attachment(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let ((news_id, id), files) = (path.into_inner(), state.files.clone());
    let (attachment, bytes) = db::run(&state.pool, move |conn| {
        news::attachment(conn, &files, news_id, id, None)
    })
    .await?;
    Ok(download(&attachment, bytes))
}

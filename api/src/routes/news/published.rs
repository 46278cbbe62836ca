//! News ("Actualités") as everyone reads them: the published items, pinned first,
//! then newest first, and their attachments. No sign-in needed.

use crate::usecases::news::Attachment;
use crate::usecases::utc;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use domain::news::NewsStatus;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db;
use crate::openapi::enums::mirror_enum;
use crate::problem::ApiError;
use crate::routes::pagination::{Page, PageQuery, offset};
use crate::state::AppState;
use crate::usecases::news::{self, NewsDetail};

/// A file attached to a news item.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewsAttachmentView {
    /// The attachment's id.
    #[schema(example = 7)]
    pub id: i64,
    /// The file's name, cleaned on upload; the download is named after it.
    #[schema(example = "menus-novembre.pdf")]
    pub file_name: String,
    /// The file's type, from its content: `application/pdf`, `image/jpeg` or
    /// `image/png`.
    #[schema(example = "application/pdf")]
    pub content_type: String,
    /// The file's size, in bytes.
    #[schema(example = 184320)]
    pub size_bytes: i64,
    /// Where to download it (relative to the API's origin).
    #[schema(example = "/api/v1/news/3/attachments/7")]
    pub path: String,
}

impl From<&Attachment> for NewsAttachmentView {
    fn from(a: &Attachment) -> Self {
        Self {
            id: a.id,
            file_name: a.file_name.clone(),
            content_type: a.content_type.clone(),
            size_bytes: a.size_bytes,
            path: format!("/api/v1/news/{}/attachments/{}", a.news_id, a.id),
        }
    }
}

mirror_enum! {
    /// Where a news item stands now.
    NewsStatusView => NewsStatus {
        /// No publication date: only agents see it.
        Draft = "draft",
        /// Published later, from `publishedFrom`.
        Scheduled = "scheduled",
        /// Shown to everyone.
        Published = "published",
        /// Its publication ended at `publishedUntil`.
        Expired = "expired",
        /// Retired by an agent: kept for the record, never shown again.
        Retired = "retired",
    }
}

/// A news item.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewsItemView {
    /// The item's id.
    #[schema(example = 3)]
    pub id: i64,
    /// The title, as the agent wrote it.
    #[schema(example = "Inscriptions aux centres de loisirs d'hiver")]
    pub title: String,
    /// The text as the agent wrote it, in Markdown (CommonMark, tables and
    /// strikethrough).
    #[schema(example = "Les inscriptions ouvrent le **4 janvier**.")]
    pub body_markdown: String,
    /// The same text rendered to HTML and sanitised on the server (no script, style,
    /// event handler or `javascript:` link): safe to insert into a page as is.
    #[schema(example = "<p>Les inscriptions ouvrent le <strong>4 janvier</strong>.</p>\n")]
    pub body_html: String,
    /// When it appears (RFC 3339, UTC); null for a draft.
    pub published_from: Option<DateTime<Utc>>,
    /// When it disappears (RFC 3339, UTC, excluded); null: never.
    pub published_until: Option<DateTime<Utc>>,
    /// Pinned items come first.
    pub pinned: bool,
    /// Where it stands now.
    pub status: NewsStatusView,
    /// When an agent retired it (RFC 3339, UTC); null unless retired.
    pub retired_at: Option<DateTime<Utc>>,
    /// Its attached files (10 at most).
    pub attachments: Vec<NewsAttachmentView>,
    /// When it was written (RFC 3339, UTC).
    pub created_at: DateTime<Utc>,
    /// When it was last changed (RFC 3339, UTC).
    pub updated_at: DateTime<Utc>,
}

impl NewsItemView {
    pub fn new(detail: &NewsDetail, now: DateTime<Utc>) -> Self {
        let item = &detail.item;
        Self {
            id: item.id,
            title: item.title.clone(),
            body_markdown: item.body_markdown.clone(),
            body_html: item.body_html.clone(),
            published_from: item.published_from.map(utc),
            published_until: item.published_until.map(utc),
            pinned: item.pinned,
            status: NewsStatusView::from(news::status(item, now)),
            retired_at: item.retired_at.map(utc),
            attachments: detail
                .attachments
                .iter()
                .map(NewsAttachmentView::from)
                .collect(),
            created_at: utc(item.created_at),
            updated_at: utc(item.updated_at),
        }
    }
}

/// A page of news items, as the list operations answer.
pub fn page_of(
    items: &[NewsDetail],
    (page, page_size, total): (i64, i64, i64),
    now: DateTime<Utc>,
) -> Page<NewsItemView> {
    Page {
        items: items.iter().map(|d| NewsItemView::new(d, now)).collect(),
        page,
        page_size,
        total,
    }
}

/// Lists the published news.
///
/// The items published now, pinned first, then newest first; drafts, scheduled,
/// expired and retired items are left out. Public: no sign-in needed.
#[utoipa::path(
    tag = "news",
    operation_id = "listNews",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of published items.", body = Page<NewsItemView>),
        (status = 400, description = "A bad page (`validation_failed`)."),
    ),
)]
#[get("/news")]
pub async fn list_news(
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (page, size) = query.into_inner().resolve()?;
    let now = state.clock.now();
    let (items, total) = db::run(&state.pool, move |conn| {
        news::list(conn, Some(now), (offset(page, size), size))
    })
    .await?;
    Ok(HttpResponse::Ok().json(page_of(&items, (page, size, total), now)))
}

/// Reads a published news item.
///
/// With its attachments. Public: no sign-in needed; an item not published now
/// (draft, scheduled, expired or retired) is `not_found`.
#[utoipa::path(
    tag = "news",
    operation_id = "getNews",
    params(("newsId" = i64, Path, minimum = 1, description = "The item's id.")),
    responses(
        (status = 200, description = "The item.", body = NewsItemView),
        (status = 404, description = "No such published item (`not_found`)."),
    ),
)]
#[get("/news/{newsId}")]
pub async fn get_news(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (id, now) = (id.into_inner(), state.clock.now());
    let detail = db::run(&state.pool, move |conn| news::get(conn, id, Some(now))).await?;
    Ok(HttpResponse::Ok().json(NewsItemView::new(&detail, now)))
}

/// Downloads an attachment of a published item.
///
/// The file itself, as an attachment named after it. Public: no sign-in needed; an
/// item not published now hides its attachments.
#[utoipa::path(
    tag = "news",
    operation_id = "downloadNewsAttachment",
    params(
        ("newsId" = i64, Path, minimum = 1, description = "The item's id."),
        ("attachmentId" = i64, Path, minimum = 1, description = "The attachment's id."),
    ),
    responses(
        (status = 200, description = "The file, as an attachment.", content(
            ("application/pdf"), ("image/jpeg"), ("image/png"))),
        (status = 404, description = "No such attachment of a published item (`not_found`)."),
    ),
)]
#[get("/news/{newsId}/attachments/{attachmentId}")]
pub async fn download_news_attachment(
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let ((news_id, id), now) = (path.into_inner(), state.clock.now());
    let files = state.files.clone();
    let (attachment, bytes) = db::run(&state.pool, move |conn| {
        news::attachment(conn, &files, news_id, id, Some(now))
    })
    .await?;
    Ok(download(&attachment, bytes))
}

/// An attachment's file, served as documents are.
pub fn download(attachment: &Attachment, bytes: Vec<u8>) -> HttpResponse {
    crate::routes::dossiers::documents::attachment(
        &attachment.file_name,
        &attachment.content_type,
        bytes,
    )
}

//! The city's information pages ("Aide", "Accessibilité", each service's rules):
//! read by anyone, written by agents.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::Staff;
use crate::db;
use crate::problem::{ApiError, validate};
use crate::routes::Json;
use crate::routes::etag::etag;
use crate::state::AppState;
use crate::usecases::pages::{self, InfoPage, PageInput};
use crate::usecases::utc;

/// An information page in the list: what a menu links to.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InfoPageLinkView {
    /// Its address: `GET /pages/{slug}`.
    #[schema(example = "accessibilite")]
    pub slug: String,
    /// Its title.
    #[schema(example = "Accessibilité")]
    pub title: String,
    /// Where it comes in the list (lowest first).
    #[schema(example = 2)]
    pub position: i32,
    /// When it last changed (RFC 3339, UTC).
    pub updated_at: DateTime<Utc>,
}

impl From<&InfoPage> for InfoPageLinkView {
    fn from(p: &InfoPage) -> Self {
        Self {
            slug: p.slug.clone(),
            title: p.title.clone(),
            position: p.position,
            updated_at: utc(p.updated_at),
        }
    }
}

/// An information page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InfoPageContentView {
    /// Its address, title, place and last change.
    #[serde(flatten)]
    pub summary: InfoPageLinkView,
    /// The text as the agent wrote it, in Markdown.
    #[schema(
        example = "## Déclaration d'accessibilité\n\n**État de conformité** : partiellement conforme."
    )]
    pub body_markdown: String,
    /// The text as sanitised HTML (no script, style or event handler): safe to insert
    /// as is.
    #[schema(
        example = "<h2>Déclaration d'accessibilité</h2>\n<p><strong>État de conformité</strong> : partiellement conforme.</p>\n"
    )]
    pub body_html: String,
}

fn page_view(page: &InfoPage) -> InfoPageContentView {
    InfoPageContentView {
        summary: InfoPageLinkView::from(page),
        body_markdown: page.body_markdown.clone(),
        body_html: page.body_html.clone(),
    }
}

fn answer(status: actix_web::http::StatusCode, page: &InfoPage) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(etag(page.version))
        .json(page_view(page))
}

/// Lists the city's information pages.
///
/// Their slugs and titles, in the city's order: the portal's "Aide" and
/// "Accessibilité" links and each service's rules. Public.
#[utoipa::path(
    tag = "city",
    operation_id = "listInfoPages",
    responses(
        (status = 200, description = "The pages, in order.", body = Vec<InfoPageLinkView>),
    ),
)]
#[get("/pages")]
pub async fn list_info_pages(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let list = db::run(&state.pool, pages::list).await?;
    Ok(HttpResponse::Ok().json(list.iter().map(InfoPageLinkView::from).collect::<Vec<_>>()))
}

/// Reads an information page.
///
/// In Markdown and as sanitised HTML. Public.
#[utoipa::path(
    tag = "city",
    operation_id = "getInfoPage",
    params(("slug" = String, Path, max_length = 60, description = "The page's slug (`aide`, `accessibilite`).")),
    responses(
        (status = 200, description = "The page.", body = InfoPageContentView,
            headers(("ETag" = String, description = "Its version, for an agent's `If-Match`."))),
        (status = 404, description = "No such page (`not_found`)."),
    ),
)]
#[get("/pages/{slug}")]
pub async fn get_info_page(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let slug = slug.into_inner();
    let page = db::run(&state.pool, move |conn| pages::get(conn, &slug)).await?;
    Ok(answer(actix_web::http::StatusCode::OK, &page))
}

/// A page as an agent writes it.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"title": "Aide", "bodyMarkdown": "## Besoin d'aide ?\n\nÉcrivez-nous depuis « Mes démarches ».", "position": 1}))]
pub struct InfoPageForm {
    /// The title (not blank).
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200, example = "Aide")]
    pub title: String,
    /// The text, in Markdown (CommonMark, tables and strikethrough); raw HTML is
    /// dropped when rendered.
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000, example = "## Besoin d'aide ?")]
    pub body_markdown: String,
    /// Where it comes in the list (lowest first; 0 when absent).
    #[serde(default)]
    #[validate(range(min = 0, max = 1000))]
    #[schema(minimum = 0, maximum = 1000, example = 1)]
    pub position: i32,
}

impl From<InfoPageForm> for PageInput {
    fn from(form: InfoPageForm) -> Self {
        Self {
            title: form.title,
            body_markdown: form.body_markdown,
            position: form.position,
        }
    }
}

/// A new page and its address.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"slug": "aide", "title": "Aide", "bodyMarkdown": "## Besoin d'aide ?", "position": 1}))]
pub struct NewInfoPageForm {
    /// Its address: 1 to 60 lowercase letters without accents, digits and inner
    /// hyphens.
    #[validate(length(min = 1, max = 60))]
    #[schema(
        min_length = 1,
        max_length = 60,
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$",
        example = "aide"
    )]
    pub slug: String,
    /// The title (not blank).
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200, example = "Aide")]
    pub title: String,
    /// The text, in Markdown, as in `InfoPageInput`.
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000, example = "## Besoin d'aide ?")]
    pub body_markdown: String,
    /// Where it comes in the list (lowest first; 0 when absent).
    #[serde(default)]
    #[validate(range(min = 0, max = 1000))]
    #[schema(minimum = 0, maximum = 1000, example = 1)]
    pub position: i32,
}

/// Publishes an information page.
///
/// Served at once to anyone under its slug. Agents and admins only.
#[utoipa::path(
    tag = "city",
    operation_id = "createInfoPage",
    security(("bearerAuth" = [])),
    request_body = NewInfoPageForm,
    responses(
        (status = 201, description = "Published.", body = InfoPageContentView,
            headers(("ETag" = String, description = "Its version, for `If-Match`."), ("Location" = String, description = "Its address."))),
        (status = 400, description = "A field breaks its rules (`validation_failed`: a slug that cannot be one is `invalid_slug`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 409, description = "A page already has this slug (`page_slug_taken`)."),
    ),
)]
#[post("/admin/pages")]
pub async fn create_info_page(
    state: web::Data<AppState>,
    _staff: Staff,
    body: Json<NewInfoPageForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let form = body.into_inner();
    let input = PageInput {
        title: form.title,
        body_markdown: form.body_markdown,
        position: form.position,
    };
    let (slug, now) = (form.slug, state.clock.now());
    let page = db::run(&state.pool, move |conn| {
        pages::create(conn, &slug, &input, now)
    })
    .await?;
    let mut response = answer(actix_web::http::StatusCode::CREATED, &page);
    if let Ok(location) =
        actix_web::http::header::HeaderValue::from_str(&format!("/api/v1/pages/{}", page.slug))
    {
        response
            .headers_mut()
            .insert(actix_web::http::header::LOCATION, location);
    }
    Ok(response)
}

/// Rewrites an information page.
///
/// Its title, text and place (its slug stays). Needs the page's `ETag` in
/// `If-Match`. Agents and admins only.
#[utoipa::path(
    tag = "city",
    operation_id = "updateInfoPage",
    security(("bearerAuth" = [])),
    params(
        ("slug" = String, Path, max_length = 60, description = "The page's slug."),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version read; without it, 428."),
    ),
    request_body = InfoPageForm,
    responses(
        (status = 200, description = "Rewritten.", body = InfoPageContentView,
            headers(("ETag" = String, description = "The new version."))),
        (status = 400, description = "A field breaks its rules (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such page (`not_found`)."),
        (status = 412, description = "Changed since it was read (`precondition_failed`)."),
        (status = 428, description = "`If-Match` missing (`precondition_required`)."),
    ),
)]
#[put("/admin/pages/{slug}")]
pub async fn update_info_page(
    state: web::Data<AppState>,
    _staff: Staff,
    req: HttpRequest,
    slug: web::Path<String>,
    body: Json<InfoPageForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    // A slug no page can have names no page, whatever the version sent.
    if !domain::city::is_page_slug(&slug) {
        return Err(crate::usecases::CommonRefusal::NotFound.into());
    }
    let (_, version) = crate::routes::etag::if_match(&req, 1)?;
    let (slug, input, now) = (
        slug.into_inner(),
        PageInput::from(body.into_inner()),
        state.clock.now(),
    );
    let page = db::run(&state.pool, move |conn| {
        pages::update(conn, &slug, version, &input, now)
    })
    .await?;
    Ok(answer(actix_web::http::StatusCode::OK, &page))
}

/// Deletes an information page.
///
/// Its slug answers 404 from then on. Agents and admins only.
#[utoipa::path(
    tag = "city",
    operation_id = "deleteInfoPage",
    security(("bearerAuth" = [])),
    params(("slug" = String, Path, max_length = 60, description = "The page's slug.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such page (`not_found`)."),
    ),
)]
#[delete("/admin/pages/{slug}")]
pub async fn delete_info_page(
    state: web::Data<AppState>,
    _staff: Staff,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let slug = slug.into_inner();
    db::run(&state.pool, move |conn| pages::delete(conn, &slug)).await?;
    Ok(HttpResponse::NoContent().finish())
}

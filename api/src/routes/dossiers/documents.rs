//! Documents: the family uploads health forms and proofs and downloads what the
//! city issued; agents add documents to a dossier and read them (health forms
//! audited). Files are checked by content, stored under server names and served
//! back as attachments.

use crate::usecases::dossiers::documents::Document;
use crate::usecases::utc;
use actix_web::http::header::{
    self, ContentDisposition, DispositionParam, DispositionType, HeaderValue,
};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::dossiers::{DocumentKind, DocumentOrigin};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Family, Staff};
use crate::db;
use crate::problem::{ApiError, FieldError, unsupported_media_type};
use crate::routes::dossiers::views::{DocumentKindView, DocumentOriginView, DocumentStatusView};
use crate::routes::pagination::{Page, PageQuery, offset};
use crate::state::AppState;
use crate::usecases::dossiers::Actor;
use crate::usecases::dossiers::documents::{self, Upload};

/// A document of a family's dossier: its description, the file being at
/// `/content`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DocumentView {
    /// The document's id.
    pub id: i64,
    /// What the document is.
    pub kind: DocumentKindView,
    /// Whether the family uploaded it or the city issued it.
    pub origin: DocumentOriginView,
    /// The name it downloads under (cleaned, with the extension of its real type).
    #[schema(example = "fiche sanitaire.pdf")]
    pub file_name: String,
    /// The file's media type, read from its content: `application/pdf`,
    /// `image/jpeg` or `image/png`.
    #[schema(example = "application/pdf")]
    pub content_type: String,
    /// The file's size, in bytes.
    pub size_bytes: i64,
    /// SHA-256 of the content, hex.
    #[schema(example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub sha256: String,
    /// The child it concerns (a health form's child); null when it concerns the
    /// whole family.
    pub child_id: Option<i64>,
    /// The request it is attached to; null when it is attached to none.
    pub request_id: Option<i64>,
    /// When it was stored (RFC 3339, UTC).
    pub created_at: DateTime<Utc>,
    /// Where the agents' review stands: a family's upload is `pending` until an agent
    /// accepts or refuses it; what the city files is `accepted`.
    pub status: DocumentStatusView,
    /// The day the document was issued (the bill's, the certificate's), which starts
    /// its validity; null for documents filed before it was asked.
    pub issued_on: Option<NaiveDate>,
    /// Its last valid day, when the city requires its kind with a validity (see
    /// `GET /document-requirements`); null when it does not expire.
    pub valid_until: Option<NaiveDate>,
    /// Why an agent refused it; null otherwise.
    #[schema(example = "Attestation illisible")]
    pub review_reason: Option<String>,
    /// When an agent last reviewed it (RFC 3339, UTC); null before.
    pub reviewed_at: Option<DateTime<Utc>>,
}

impl From<&Document> for DocumentView {
    fn from(d: &Document) -> Self {
        Self {
            id: d.id,
            kind: d.kind.into(),
            origin: d.origin.into(),
            file_name: d.file_name.clone(),
            content_type: d.content_type.clone(),
            size_bytes: d.size_bytes,
            sha256: d.sha256.clone(),
            child_id: d.child_id,
            request_id: d.request_id,
            created_at: utc(d.created_at),
            status: d.status.into(),
            issued_on: d.issued_on,
            valid_until: d.valid_until,
            review_reason: d.review_reason.clone(),
            reviewed_at: d.reviewed_at.map(utc),
        }
    }
}

/// What an upload is: sent as query parameters, the file itself being the body.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// What the document is (a family cannot upload an `invoice` or a
    /// `certificate`).
    pub kind: DocumentKindView,
    /// The child it concerns (a health form's child), if any.
    #[param(minimum = 1)]
    pub child_id: Option<i64>,
    /// The file's name on the client's device (cleaned before use).
    #[param(max_length = 200)]
    pub file_name: Option<String>,
    /// The day the document was issued (a bill's date, an insurance certificate's),
    /// not after today: its validity runs from it. Today when not given.
    pub issued_on: Option<NaiveDate>,
}

const ACCEPTED_TYPES: [&str; 4] = [
    "application/pdf",
    "image/jpeg",
    "image/png",
    "application/octet-stream",
];

/// Checks the declared type (415 otherwise); what the file is comes from its bytes.
pub(crate) fn check_declared_type(req: &HttpRequest) -> Result<(), ApiError> {
    let declared = crate::routes::headers::media_type(req);
    match declared {
        Some(t) if ACCEPTED_TYPES.contains(&t.as_str()) => Ok(()),
        _ => Err(unsupported_media_type(
            "application/pdf, image/jpeg, image/png, application/octet-stream",
        )),
    }
}

fn check_params(
    params: &UploadParams,
    content: &[u8],
    max: usize,
    today: NaiveDate,
) -> Result<(), ApiError> {
    if params.issued_on.is_some_and(|day| day > today) {
        return Err(ApiError::validation(vec![FieldError::new(
            "issuedOn",
            "in_future",
            "La date du document ne peut pas être postérieure à aujourd'hui.",
            "The document's date cannot be after today.",
        )]));
    }
    check_file(params.file_name.as_deref(), content, max)
}

/// An uploaded file's name (200 characters at most) and size (not empty, `max` at
/// most); what it is comes from its content, later.
pub(crate) fn check_file(
    file_name: Option<&str>,
    content: &[u8],
    max: usize,
) -> Result<(), ApiError> {
    if file_name.is_some_and(|n| n.chars().count() > 200) {
        return Err(ApiError::validation(vec![FieldError::new(
            "fileName",
            "too_long",
            "Le nom du fichier est limité à 200 caractères.",
            "The file name is limited to 200 characters.",
        )]));
    }
    if content.is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "body",
            "empty",
            "Le fichier est vide.",
            "The file is empty.",
        )]));
    }
    if content.len() > max {
        return Err(crate::problem::payload_too_large(max));
    }
    Ok(())
}

fn download(document: &Document, bytes: Vec<u8>) -> HttpResponse {
    attachment(&document.file_name, &document.content_type, bytes)
}

/// A stored file served back as an attachment, never rendered by the browser.
pub(crate) fn attachment(file_name: &str, content_type: &str, bytes: Vec<u8>) -> HttpResponse {
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::Filename(file_name.to_owned())],
    };
    HttpResponse::Ok()
        .insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_str(content_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream")),
        ))
        .insert_header(disposition)
        .insert_header((
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .body(bytes)
}

/// Uploads a document to the family's dossier.
///
/// The body is the file itself (PDF, JPEG or PNG, `UPLOAD_MAX_BYTES` at most,
/// 10 MiB by default); its type is read from its content, whatever its name.
/// Invoices and certificates are issued by the city only.
#[utoipa::path(
    tag = "documents",
    operation_id = "uploadMyDocument",
    security(("bearerAuth" = [])),
    params(UploadParams),
    request_body(description = "The file.", content(("application/pdf"), ("image/jpeg"), ("image/png"), ("application/octet-stream"))),
    responses(
        (status = 201, description = "Stored.", body = DocumentView,
            headers(("Location" = String, description = "The document's address."))),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 400, description = "A file name over 200 characters, an empty file, or a document's date after today (`validation_failed`: `too_long`, `empty`, `in_future`)."),
        (status = 404, description = "No such child in the family's dossier (`not_found`)."),
        (status = 422, description = "Not a PDF, JPEG or PNG by its content (`unsupported_file_type`), a kind the city issues (`document_kind_reserved`), or more than the dossier may store (`storage_quota_exceeded`)."),
    ),
)]
#[post("/documents")]
pub async fn upload_my_document(
    state: web::Data<AppState>,
    family: Family,
    req: HttpRequest,
    params: web::Query<UploadParams>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    check_params(
        &params,
        &body,
        state.config.files.upload_max_bytes,
        state.today(),
    )?;
    check_declared_type(&req)?;
    let dossier_id = family.dossier_id()?;
    store(
        &state,
        params.into_inner(),
        body,
        dossier_id,
        DocumentOrigin::Family,
        family.0.account_id,
        "/api/v1/documents",
    )
    .await
}

async fn store(
    state: &web::Data<AppState>,
    params: UploadParams,
    body: web::Bytes,
    dossier_id: i64,
    origin: DocumentOrigin,
    account_id: i64,
    base: &str,
) -> Result<HttpResponse, ApiError> {
    let (today, now) = (state.today(), state.clock.now());
    let files = state.files.clone();
    let quota = state.config.files.dossier_max_bytes;
    let document = db::run(&state.pool, move |conn| {
        documents::upload(
            conn,
            &files,
            quota,
            &Upload {
                dossier_id,
                child_id: params.child_id,
                kind: DocumentKind::from(params.kind),
                origin,
                file_name: params.file_name.as_deref(),
                content: &body,
                uploaded_by: account_id,
                issued_on: params.issued_on,
            },
            (today, now),
        )
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("{base}/{}", document.id)))
        .json(DocumentView::from(&document)))
}

/// Lists the family's documents, newest first.
///
/// Those it uploaded and those the city issued (its dematerialised documents).
#[utoipa::path(
    tag = "documents",
    operation_id = "listMyDocuments",
    security(("bearerAuth" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of documents.", body = Page<DocumentView>),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[get("/documents")]
pub async fn list_my_documents(
    state: web::Data<AppState>,
    family: Family,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    list(&state, dossier_id, page.into_inner()).await
}

async fn list(
    state: &web::Data<AppState>,
    dossier_id: i64,
    page: PageQuery,
) -> Result<HttpResponse, ApiError> {
    let (page, page_size) = page.resolve()?;
    let (rows, total) = db::run(&state.pool, move |conn| {
        documents::list(conn, dossier_id, offset(page, page_size), page_size)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page {
        items: rows.iter().map(DocumentView::from).collect(),
        page,
        page_size,
        total,
    }))
}

/// Reads a document's description.
///
/// Its kind, origin, name, type, size and digest; the file is at `/content`.
#[utoipa::path(
    tag = "documents",
    operation_id = "getMyDocument",
    security(("bearerAuth" = [])),
    params(("documentId" = i64, Path, minimum = 1, description = "The document's id.")),
    responses(
        (status = 200, description = "The document.", body = DocumentView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such document in the family's dossier (`not_found`)."),
    ),
)]
#[get("/documents/{documentId}")]
pub async fn get_my_document(
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = Some(family.dossier_id()?);
    let id = id.into_inner();
    let document = db::run(&state.pool, move |conn| {
        documents::get(conn, id, dossier_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(DocumentView::from(&document)))
}

/// Downloads a document.
///
/// Served as an attachment, with `X-Content-Type-Options: nosniff`.
#[utoipa::path(
    tag = "documents",
    operation_id = "downloadMyDocument",
    security(("bearerAuth" = [])),
    params(("documentId" = i64, Path, minimum = 1, description = "The document's id.")),
    responses(
        (status = 200, description = "The file.", content(("application/pdf"), ("image/jpeg"), ("image/png")),
            headers(("Content-Disposition" = String, description = "`attachment` with the file's name."))),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such document in the family's dossier (`not_found`)."),
    ),
)]
#[get("/documents/{documentId}/content")]
pub async fn download_my_document(
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let actor = Actor {
        account_id: family.0.account_id,
        is_staff: false,
    };
    let dossier_id = Some(family.dossier_id()?);
    let id = id.into_inner();
    let now = state.clock.now();
    let files = state.files.clone();
    let (document, bytes) = db::run(&state.pool, move |conn| {
        documents::content(conn, &files, actor, id, dossier_id, now)
    })
    .await?;
    Ok(download(&document, bytes))
}

/// Adds a document to a dossier, issued by the city.
///
/// It appears among the family's documents (certificates, invoices, answers).
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "uploadDossierDocument",
    security(("bearerAuth" = [])),
    params(("dossierId" = i64, Path, minimum = 1, description = "The dossier's id."), UploadParams),
    request_body(description = "The file.", content(("application/pdf"), ("image/jpeg"), ("image/png"), ("application/octet-stream"))),
    responses(
        (status = 201, description = "Stored.", body = DocumentView,
            headers(("Location" = String, description = "The document's address."))),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 400, description = "A file name over 200 characters, an empty file, or a document's date after today (`validation_failed`: `too_long`, `empty`, `in_future`)."),
        (status = 404, description = "No such dossier, or child in it (`not_found`)."),
        (status = 422, description = "Not a PDF, JPEG or PNG by its content (`unsupported_file_type`), or more than the dossier may store (`storage_quota_exceeded`)."),
    ),
)]
#[post("/admin/dossiers/{dossierId}/documents")]
pub async fn upload_dossier_document(
    state: web::Data<AppState>,
    staff: Staff,
    req: HttpRequest,
    id: web::Path<i64>,
    params: web::Query<UploadParams>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    check_params(
        &params,
        &body,
        state.config.files.upload_max_bytes,
        state.today(),
    )?;
    check_declared_type(&req)?;
    store(
        &state,
        params.into_inner(),
        body,
        id.into_inner(),
        DocumentOrigin::City,
        staff.0.account_id,
        "/api/v1/admin/documents",
    )
    .await
}

/// Lists a dossier's documents, newest first.
///
/// Those the family uploaded and those the city issued.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "listDossierDocuments",
    security(("bearerAuth" = [])),
    params(("dossierId" = i64, Path, minimum = 1, description = "The dossier's id."), PageQuery),
    responses(
        (status = 200, description = "A page of documents.", body = Page<DocumentView>),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such dossier (`not_found`)."),
    ),
)]
#[get("/admin/dossiers/{dossierId}/documents")]
pub async fn list_dossier_documents(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    list(&state, id.into_inner(), page.into_inner()).await
}

/// Reads the description of a document of any dossier.
///
/// Its kind, origin, name, type, size and digest; the file is at `/content`.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "getDocument",
    security(("bearerAuth" = [])),
    params(("documentId" = i64, Path, minimum = 1, description = "The document's id.")),
    responses(
        (status = 200, description = "The document.", body = DocumentView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such document (`not_found`)."),
    ),
)]
#[get("/admin/documents/{documentId}")]
pub async fn get_document(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let document = db::run(&state.pool, move |conn| documents::get(conn, id, None)).await?;
    Ok(HttpResponse::Ok().json(DocumentView::from(&document)))
}

/// Downloads a document of any dossier.
///
/// A health form's download is written to the audit log.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "downloadDocument",
    security(("bearerAuth" = [])),
    params(("documentId" = i64, Path, minimum = 1, description = "The document's id.")),
    responses(
        (status = 200, description = "The file.", content(("application/pdf"), ("image/jpeg"), ("image/png")),
            headers(("Content-Disposition" = String, description = "`attachment` with the file's name."))),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such document (`not_found`)."),
    ),
)]
#[get("/admin/documents/{documentId}/content")]
pub async fn download_document(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let actor = Actor {
        account_id: staff.0.account_id,
        is_staff: true,
    };
    let id = id.into_inner();
    let now = state.clock.now();
    let files = state.files.clone();
    let (document, bytes) = db::run(&state.pool, move |conn| {
        documents::content(conn, &files, actor, id, None, now)
    })
    .await?;
    Ok(download(&document, bytes))
}

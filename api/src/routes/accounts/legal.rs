//! The terms of use and the privacy policy: read by anyone, published by admins.

use crate::routes::Json;
use crate::usecases::accounts::legal::LegalDocument;
use crate::usecases::utc;
use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use domain::accounts::LegalDocumentKind;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::Admin;
use crate::db;
use crate::openapi::enums::mirror_enum;
use crate::problem::{ApiError, validate};
use crate::state::AppState;
use crate::usecases::accounts::legal;

mirror_enum! {
    /// Which legal document: every family must accept the current version of each.
    LegalKind => LegalDocumentKind {
        /// The terms of use (conditions générales d'utilisation).
        Terms = "terms",
        /// The privacy policy (politique de confidentialité).
        Privacy = "privacy",
    }
}

/// One version of the terms of use or of the privacy policy.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "kind": "terms", "version": "1.0", "title": "Conditions générales d'utilisation",
    "body": "ARTICLE 1 : PRÉAMBULE ...", "publishedAt": "2026-09-01T00:00:00Z"
}))]
pub struct LegalDocumentView {
    /// Which document.
    pub kind: LegalKind,
    /// The version label, to send back when accepting it.
    #[schema(example = "1.0")]
    pub version: String,
    /// The document's title.
    #[schema(example = "Conditions générales d'utilisation")]
    pub title: String,
    /// Plain text with blank lines between paragraphs.
    #[schema(
        example = "ARTICLE 1 : PRÉAMBULE\n\nLes présentes conditions régissent l'utilisation de l'Espace Familles de la ville de Villejuif."
    )]
    pub body: String,
    /// When this version was published (RFC 3339, UTC).
    pub published_at: DateTime<Utc>,
}

impl From<LegalDocument> for LegalDocumentView {
    fn from(d: LegalDocument) -> Self {
        Self {
            kind: d.kind.into(),
            version: d.version,
            title: d.title,
            body: d.body,
            published_at: utc(d.published_at),
        }
    }
}

/// A new version of a legal document.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PublishLegalDocumentRequest {
    /// Which document.
    pub kind: LegalKind,
    /// A new version label, such as `2.0` or `2027-01`.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50, example = "2.0")]
    pub version: String,
    /// The document's title.
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        example = "Conditions générales d'utilisation"
    )]
    pub title: String,
    /// Plain text with blank lines between paragraphs, at most 50,000 characters.
    #[validate(length(min = 1, max = 50000))]
    #[schema(
        min_length = 1,
        max_length = 50000,
        example = "ARTICLE 1 : PRÉAMBULE\n\nLes présentes conditions régissent l'utilisation de l'Espace Familles de la ville de Villejuif."
    )]
    pub body: String,
}

/// The current terms of use (step 3 of the sign-up).
///
/// The newest published version, with the version label to send back on acceptance.
#[utoipa::path(
    tag = "legal",
    operation_id = "getCurrentTerms",
    responses(
        (status = 200, description = "The newest published version.", body = LegalDocumentView),
    ),
)]
#[get("/legal/terms")]
pub async fn get_current_terms(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    current(state, LegalDocumentKind::Terms).await
}

/// The current privacy policy (step 4 of the sign-up).
///
/// The newest published version, with the version label to send back on acceptance.
#[utoipa::path(
    tag = "legal",
    operation_id = "getCurrentPrivacyPolicy",
    responses(
        (status = 200, description = "The newest published version.", body = LegalDocumentView),
    ),
)]
#[get("/legal/privacy")]
pub async fn get_current_privacy_policy(
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    current(state, LegalDocumentKind::Privacy).await
}

async fn current(
    state: web::Data<AppState>,
    kind: LegalDocumentKind,
) -> Result<HttpResponse, ApiError> {
    let document = db::run(&state.pool, move |conn| legal::current(conn, kind)).await?;
    Ok(HttpResponse::Ok().json(LegalDocumentView::from(document)))
}

/// Publishes a new version of the terms of use or of the privacy policy.
///
/// From then on, every family must accept it before anything else: their requests
/// answer 403 `consent_required` until they do (`POST /me/consents`).
#[utoipa::path(
    tag = "legal",
    operation_id = "publishLegalDocument",
    security(("bearerAuth" = [])),
    request_body = PublishLegalDocumentRequest,
    responses(
        (status = 201, description = "Published; it is the current version.", body = LegalDocumentView),
        (status = 403, description = "Only admins publish (`forbidden`)."),
        (status = 409, description = "This version exists already (`legal_version_exists`)."),
    ),
)]
#[post("/admin/legal-documents")]
pub async fn publish_legal_document(
    state: web::Data<AppState>,
    _admin: Admin,
    body: Json<PublishLegalDocumentRequest>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let now = state.clock.now();
    let body = body.into_inner();
    let document = db::run(&state.pool, move |conn| {
        legal::publish(
            conn,
            body.kind.into(),
            body.version.trim(),
            &body.title,
            &body.body,
            now,
        )
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/legal/{}", document.kind)))
        .json(LegalDocumentView::from(document)))
}

//! Entity tags, for two uses:
//! - optimistic concurrency on records several agents edit: reads send the record's
//!   version as a strong `ETag`; updates must send it back in `If-Match`;
//! - conditional reads of what apps poll ([`polled`]): the tag is a digest of the
//!   JSON answered, so it changes exactly when what the read shows changes, whichever
//!   instance made the change; `If-None-Match` with it gets a 304 and no body.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentType, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::middleware::compression::identity_tag;
use crate::problem::{ApiError, Text};
use crate::usecases::CommonRefusal;

/// The operations answered through [`polled`]: the contract documents their
/// `If-None-Match`, 304 and headers (`openapi::conditional`).
pub const POLLED_OPERATIONS: &[&str] = &[
    "getMyPlanning",
    "getMyChildPlanning",
    "getMyPlanningDraft",
    "listMyNotifications",
    "countMyUnreadNotifications",
    "listInvoices",
    "getInvoice",
    "getAccountStatement",
    "getMyDossier",
    // The back office polls too.
    "getChildPlanning",
    "listAdminInvoices",
];

/// What a 304 may be given instead: the answer must be revalidated before each use,
/// and only the client may keep it (it is personal).
pub const POLLED_CACHE_CONTROL: &str = "private, no-cache";

/// Answers `view` as JSON with a strong `ETag`, or `304 Not Modified` when the
/// request's `If-None-Match` names the same content.
pub fn polled<T: Serialize>(req: &HttpRequest, view: &T) -> Result<HttpResponse, ApiError> {
    let body = serde_json::to_vec(view).map_err(ApiError::internal)?;
    let tag = format!(
        "\"{}\"",
        URL_SAFE_NO_PAD.encode(&Sha256::digest(&body)[..16])
    );
    if let Some(held) = held_by_client(req, &tag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, held))
            .insert_header((header::CACHE_CONTROL, POLLED_CACHE_CONTROL))
            .finish());
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, tag))
        .insert_header((header::CACHE_CONTROL, POLLED_CACHE_CONTROL))
        .content_type(ContentType::json())
        .body(body))
}

/// The entity tag of `If-None-Match` that names the content tagged `tag` (`*` names
/// any), compared weakly as RFC 9110 says, whatever coding suffix it has. The 304
/// carries the client's own tag: it names the representation the client holds.
fn held_by_client(req: &HttpRequest, tag: &str) -> Option<String> {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .find_map(|sent| {
            if sent == "*" {
                return Some(tag.to_owned());
            }
            let strong = sent.strip_prefix("W/").unwrap_or(sent);
            let opaque = strong.strip_prefix('"')?.strip_suffix('"')?;
            let named = tag.trim_matches('"');
            (identity_tag(opaque) == named).then(|| strong.to_owned())
        })
}

/// The `ETag` header value of a version.
pub fn etag(version: i64) -> (header::HeaderName, HeaderValue) {
    (
        header::ETAG,
        HeaderValue::from_str(&format!("\"{version}\""))
            .unwrap_or(HeaderValue::from_static("\"0\"")),
    )
}

/// The target of an update and the version `If-Match` names. An id below 1 names no
/// record (404, whatever the header); then 428 without the header, 412 when it names
/// no version this server gave (a weak or malformed tag included).
pub fn if_match(req: &HttpRequest, id: i64) -> Result<(i64, i64), ApiError> {
    if id < 1 {
        return Err(CommonRefusal::NotFound.into());
    }
    version(req).map(|version| (id, version))
}

fn version(req: &HttpRequest) -> Result<i64, ApiError> {
    let value = req.headers().get(header::IF_MATCH).ok_or_else(|| {
        ApiError::new(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition_required",
            Text::new("En-tête If-Match requis", "If-Match required"),
            Text::new(
                "Renvoyez l'ETag reçu à la lecture dans l'en-tête If-Match, pour ne pas écraser la modification d'un autre agent.",
                "Send the ETag you read back in an If-Match header, so as not to overwrite another agent's change.",
            ),
        )
    })?;
    value
        .to_str()
        .ok()
        .and_then(|v| {
            identity_tag(v.trim().strip_prefix('"')?.strip_suffix('"')?)
                .parse()
                .ok()
        })
        .ok_or_else(|| CommonRefusal::VersionMismatch.into())
}

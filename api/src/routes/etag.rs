//! Optimistic concurrency for records several agents edit: reads send the record's
//! version as a strong `ETag`; updates must send it back in `If-Match`.

use actix_web::HttpRequest;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};

use crate::problem::{ApiError, Text};
use crate::usecases::CommonRefusal;

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
        .and_then(|v| v.trim().strip_prefix('"')?.strip_suffix('"')?.parse().ok())
        .ok_or_else(|| CommonRefusal::VersionMismatch.into())
}

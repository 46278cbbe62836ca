//! Request headers several areas read: the body's media type and the
//! `Idempotency-Key` of operations that must not run twice.

use actix_web::HttpRequest;
use actix_web::http::header;

use crate::problem::{ApiError, FieldError};

/// The request body's declared media type, lowercased, without its parameters.
pub(crate) fn media_type(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
}

/// The `Idempotency-Key` header, when sent: 8 to 100 characters, or a field error.
pub(crate) fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get("idempotency-key") else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| (8..=100).contains(&k.len()))
        .map(|k| Some(k.to_owned()))
        .ok_or_else(missing_idempotency_key)
}

/// The error for an operation that needs an `Idempotency-Key` and got none fit.
pub(crate) fn missing_idempotency_key() -> ApiError {
    ApiError::validation(vec![FieldError::new(
        "Idempotency-Key",
        "required",
        "Envoyez un en-tête Idempotency-Key (8 à 100 caractères) propre à ce paiement.",
        "Send an Idempotency-Key header (8 to 100 characters) unique to this payment.",
    )])
}

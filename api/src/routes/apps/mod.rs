//! Third-party apps: the OAuth 2.0 authorization server (consent page, token and
//! revocation endpoints, metadata), the apps admins register, those families granted.

pub mod authorize;
pub mod registry;
pub mod token;

use actix_web::HttpRequest;
use actix_web::http::header;
use serde::de::DeserializeOwned;

use crate::problem::{ApiError, refuse_nul, unsupported_media_type};

const FORM: &str = "application/x-www-form-urlencoded";

/// An OAuth form body: sent as a form (else 415), no text holding a NUL character
/// (400, as every body of the API), then read leniently: RFC 6749 (3.1, 3.2) has
/// servers ignore parameters they do not know, and a missing one is the endpoint's
/// own error (the page's, or `invalid_request`).
fn form_body<T: DeserializeOwned + Default>(req: &HttpRequest, body: &[u8]) -> Result<T, ApiError> {
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with(FORM));
    if !is_form {
        return Err(unsupported_media_type(FORM));
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    for (field, value) in &pairs {
        refuse_nul(field, value)?;
    }
    Ok(serde_urlencoded::from_bytes(body).unwrap_or_default())
}

super::operations! {
    authorize::authorize_app,
    authorize::answer_app_authorization,
    token::request_app_tokens,
    token::revoke_app_token,
    registry::register_app,
    registry::list_apps,
    registry::disable_app,
    registry::enable_app,
    registry::list_my_apps,
    registry::revoke_my_app,
}

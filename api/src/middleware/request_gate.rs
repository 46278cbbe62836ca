use actix_web::Error;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;

use crate::auth::staff_gate;
use crate::problem::refuse_nul_in_uri;

/// The back office's paths: only agents and admins get past [`request_gate`].
const ADMIN_PREFIX: &str = "/api/v1/admin/";

/// What is settled before routing and before any input is parsed, so the answer does
/// not depend on which of a handler's extractors fails first:
/// - `/admin` paths: the caller is an agent or an admin (401, else 403), whatever the
///   query or body;
/// - no path or query holds an encoded NUL character (400 `validation_failed`);
/// - `HEAD` is routed as `GET` (the HTTP layer still sends the headers only).
pub async fn request_gate(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    // The path as the router reads it (`%61dmin` is `admin`), not as it came.
    if req.match_info().as_str().starts_with(ADMIN_PREFIX)
        && req.method() != Method::OPTIONS
        && let Err(error) = staff_gate(req.request())
    {
        return Ok(req.error_response(error));
    }
    if let Err(error) = refuse_nul_in_uri(req.uri().path(), req.uri().query().unwrap_or_default()) {
        return Ok(req.error_response(error));
    }
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

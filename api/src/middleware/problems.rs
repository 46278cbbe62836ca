use actix_web::Error;
use actix_web::HttpMessage;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{CONTENT_TYPE, HeaderValue};
use actix_web::middleware::Next;

use super::RequestId;
use crate::problem::{ApiError, Lang, PROBLEM_CONTENT_TYPE, generic_problem, problem_body};

/// Renders every error answer as problem+json in the caller's language, with the
/// request id: our own [`ApiError`]s, and whatever else answered with an error status
/// (the framework, a middleware, the docs' file service), whose body is replaced.
pub async fn problems(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let lang = Lang::negotiate(req.headers());
    // The OAuth endpoints answer some errors as RFC 6749 says (JSON with `error`) or as
    // a page for the family (HTML): those pass as they are.
    let oauth = req.path().starts_with("/api/v1/oauth/");
    let request_id = req.extensions().get::<RequestId>().map(|id| id.0.clone());
    // The request cannot be kept aside for the error case: routing needs it unshared.
    // Services answer errors as responses; an `Err` (rare: from a middleware) is
    // passed on as a problem in French, without the request id.
    let response = match next.call(req).await {
        Ok(response) => response.map_into_boxed_body(),
        Err(error) if error.as_error::<ApiError>().is_some() => return Err(error),
        Err(error) => {
            tracing::warn!(error = %error, "middleware error");
            return Err(generic_problem(error.as_response_error().status_code()).into());
        }
    };
    let status = response.status();
    if !status.is_client_error() && !status.is_server_error() {
        return Ok(response);
    }
    let own_format = || {
        response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("application/json") || t.starts_with("text/html"))
    };
    if oauth && response.response().error().is_none() && own_format() {
        return Ok(response);
    }
    let problem = match response
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>())
    {
        Some(api_error) => api_error.problem(lang, request_id.as_deref()),
        None => {
            if let Some(error) = response
                .response()
                .error()
                .filter(|_| status.is_server_error())
            {
                tracing::error!(error = %error, "request failed");
            }
            generic_problem(status).problem(lang, request_id.as_deref())
        }
    };
    let body = problem_body(&problem);
    Ok(response.map_body(|head, _| {
        head.headers
            .insert(CONTENT_TYPE, HeaderValue::from_static(PROBLEM_CONTENT_TYPE));
        BoxBody::new(body)
    }))
}

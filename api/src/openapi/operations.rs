//! What every operation shares, filled in so that no handler can forget it.

use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::{OpenApi, Ref, RefOr, Response};

use crate::problem::PROBLEM_CONTENT_TYPE;

/// Every operation's security and standard error responses, and the bearer scheme.
pub fn complete(spec: &mut OpenApi) {
    complete_operations(spec);
    add_security_scheme(spec);
}

/// Access tokens from `POST /api/v1/auth/login`, sent as `Authorization: Bearer`.
fn add_security_scheme(spec: &mut OpenApi) {
    use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
    let components = spec.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearerAuth",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some("The access token of `POST /api/v1/auth/login` or `/auth/refresh`, valid 15 minutes."))
                .build(),
        ),
    );
}

/// Fills in what every operation shares, so no handler can forget it:
/// an explicit `security` (public unless the handler says otherwise), the 500 every
/// operation may answer, the 400/413/415 of a JSON body, the 400 of parameters, and
/// the `Problem` body of every error response.
fn complete_operations(spec: &mut OpenApi) {
    for (path, item) in spec.paths.paths.iter_mut() {
        // Everything but the liveness probe reads the database.
        let uses_database = path != "/health/live";
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            complete_operation(operation, uses_database);
        }
    }
}

fn complete_operation(operation: &mut Operation, uses_database: bool) {
    let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
    if operation.security.is_none() {
        operation.security = Some(Vec::new());
    }
    let json_body = operation.request_body.as_ref().map(|body| match body {
        RefOr::T(body) => body
            .content
            .keys()
            .any(|media_type| media_type == "application/json"),
        RefOr::Ref(_) => true,
    });
    let has_parameters = operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let mut standard: Vec<(&str, &str)> = vec![(
        "500",
        "An unexpected error (`internal_error`); the details are in the server's log.",
    )];
    if json_body.is_some() {
        standard.push((
            "413",
            "The body is larger than the server accepts (`payload_too_large`).",
        ));
    }
    match json_body {
        Some(true) => {
            standard.push(("400", "The body is not valid JSON (`malformed_json`), names a field the schema does not (`unknown_field`), does not match the schema (`invalid_body`), or breaks a field rule (`validation_failed`)."));
            standard.push((
                "415",
                "The body is not sent as `application/json` (`unsupported_media_type`).",
            ));
        }
        Some(false) => {
            standard.push((
                "400",
                "The body is empty, or a field rule is broken (`validation_failed`).",
            ));
            standard.push((
                "415",
                "The body is not sent with one of the media types listed for it (`unsupported_media_type`).",
            ));
        }
        None => {}
    }
    if uses_database {
        standard.push(("503", "The database cannot be reached (`database_unavailable`); `Retry-After` says when to try again."));
    }
    if secured {
        standard.push(("401", "No valid access token: missing, malformed, expired, or its session ended (`unauthorized`)."));
    }
    if has_parameters {
        standard.push(("400", "A path or query parameter is not valid (`invalid_path_parameter`, `invalid_query_parameter`)."));
    }
    let responses = &mut operation.responses.responses;
    for (status, description) in standard {
        responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::T(ResponseBuilder::new().description(description).build()));
    }
    for (status, response) in responses.iter_mut() {
        let is_error = status.starts_with('4') || status.starts_with('5');
        if let (true, RefOr::T(response)) = (is_error, response) {
            attach_problem(response);
        }
    }
}

fn attach_problem(response: &mut Response) {
    let content = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("Problem")))
        .build();
    response.content.clear();
    response
        .content
        .insert(PROBLEM_CONTENT_TYPE.to_owned(), RefOr::T(content));
}

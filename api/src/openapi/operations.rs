//! What every operation shares, filled in so that no handler can forget it.

use utoipa::openapi::Required;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::path::{Operation, Parameter, ParameterIn};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::{OpenApi, Ref, RefOr, Response};

use crate::problem::{PROBLEM_CONTENT_TYPE, codes_in, status_of};

/// Every operation's security and standard error responses, and the bearer scheme.
pub fn complete(spec: &mut OpenApi) -> anyhow::Result<()> {
    complete_operations(spec)?;
    add_security_scheme(spec);
    Ok(())
}

/// Access tokens from `POST /api/v1/auth/login`, sent as `Authorization: Bearer`.
fn add_security_scheme(spec: &mut OpenApi) {
    use utoipa::openapi::security::{
        AuthorizationCode, Flow, HttpAuthScheme, HttpBuilder, OAuth2, Scopes, SecurityScheme,
    };
    let components = spec.components.get_or_insert_with(Default::default);
    let scopes = Scopes::from_iter(
        domain::accounts::scopes::Scope::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), s.consent_text().to_owned())),
    );
    components.add_security_scheme(
        "oauth2",
        SecurityScheme::OAuth2(OAuth2::with_description(
            [Flow::AuthorizationCode(AuthorizationCode::with_refresh_url(
                "/api/v1/oauth/authorize",
                "/api/v1/oauth/token",
                scopes,
                "/api/v1/oauth/token",
            ))],
            "Third-party apps: the authorization code flow with PKCE (S256, required of public apps) in the system browser; the family grants the scopes. Metadata: `/.well-known/oauth-authorization-server` (RFC 8414).",
        )),
    );
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

/// An operation third-party apps may call: its `oauth2` alternative with the scope it
/// needs (crate::auth::scopes, which the server applies), and the 403 of a token
/// without it.
fn add_app_scope(operation: &mut Operation) {
    use utoipa::openapi::security::SecurityRequirement;
    if !is_secured(operation) {
        return;
    }
    let scope = operation
        .operation_id
        .as_deref()
        .and_then(crate::auth::scopes::required_scope);
    let sentence = match scope {
        Some(scope) => {
            if let Some(security) = operation.security.as_mut() {
                security.push(SecurityRequirement::new("oauth2", [scope.as_str()]));
            }
            "An app's token without the scope this operation needs (`insufficient_scope`)."
        }
        None => {
            "An app's token: no scope opens this operation to third-party apps (`insufficient_scope`)."
        }
    };
    match operation.responses.responses.get_mut("403") {
        Some(RefOr::T(response)) => {
            response.description = format!("{} {sentence}", response.description.trim_end());
        }
        Some(RefOr::Ref(_)) => {}
        None => {
            operation.responses.responses.insert(
                "403".to_owned(),
                RefOr::T(ResponseBuilder::new().description(sentence).build()),
            );
        }
    }
}

/// Fills in what every operation shares, so no handler can forget it:
/// an explicit `security` (public unless the handler says otherwise), the 500 every
/// operation may answer, the 400/413/415 of a JSON body, the 400 of parameters, and
/// the `Problem` body of every error response.
fn complete_operations(spec: &mut OpenApi) -> anyhow::Result<()> {
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
            complete_operation(operation, uses_database)
                .map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
        }
    }
    Ok(())
}

/// Whether the operation needs a token (`security: [{}]`, anyone, is not secured).
fn is_secured(operation: &Operation) -> bool {
    operation.security.as_ref().is_some_and(|s| {
        serde_json::to_value(s).is_ok_and(|v| {
            v.as_array().is_some_and(|a| {
                a.iter()
                    .any(|r| r.as_object().is_some_and(|r| !r.is_empty()))
            })
        })
    })
}

/// The error answers an operation can give whatever it does, from what it takes.
fn standard_errors(
    operation: &Operation,
    uses_database: bool,
) -> Vec<(&'static str, &'static str)> {
    let secured = is_secured(operation);
    let json_body = operation.request_body.as_ref().map(|body| match body {
        RefOr::T(body) => body
            .content
            .keys()
            .any(|media_type| media_type == "application/json"),
        RefOr::Ref(_) => true,
    });
    let parameters: Vec<&Parameter> = operation
        .parameters
        .iter()
        .flatten()
        .filter_map(|p| match p {
            RefOr::T(p) => Some(p),
            RefOr::Ref(_) => None,
        })
        .collect();
    let typed = |p: &&Parameter| {
        p.schema.as_ref().is_some_and(|schema| {
            let schema = serde_json::to_value(schema).unwrap_or_default();
            schema.get("type").is_some_and(|t| t != "string")
                || schema.get("enum").is_some()
                || schema.get("$ref").is_some()
                || schema.get("format").is_some()
        })
    };
    let typed_path = parameters
        .iter()
        .filter(|p| p.parameter_in == ParameterIn::Path)
        .any(typed);
    let checked_query = parameters
        .iter()
        .filter(|p| p.parameter_in == ParameterIn::Query)
        .any(|p| typed(p) || p.required == Required::True);
    let mut errors = vec![
        (
            "400",
            "A text of the path or query holds a NUL character (`validation_failed`).",
        ),
        (
            "500",
            "An unexpected error (`internal_error`); the details are in the server's log.",
        ),
    ];
    match json_body {
        Some(true) => {
            errors.push(("400", "The body is not valid JSON (`malformed_json`), names a field the schema does not (`unknown_field`), does not match the schema (`invalid_body`), or breaks a field rule (`validation_failed`)."));
            errors.push((
                "413",
                "The body is larger than the server accepts (`payload_too_large`).",
            ));
            errors.push((
                "415",
                "The body is not sent as `application/json` (`unsupported_media_type`).",
            ));
        }
        Some(false) => {
            errors.push((
                "413",
                "The body is larger than the server accepts (`payload_too_large`).",
            ));
            errors.push(("415", "The body is not sent with one of the media types listed for it (`unsupported_media_type`)."));
        }
        None => {}
    }
    if typed_path {
        errors.push((
            "400",
            "A path parameter is not of its type (`invalid_path_parameter`).",
        ));
    }
    if checked_query {
        errors.push((
            "400",
            "A query parameter is missing or not of its type (`invalid_query_parameter`).",
        ));
    }
    if secured {
        errors.push(("401", "No valid access token: missing, malformed, expired, or its session ended (`unauthorized`)."));
    }
    if uses_database {
        errors.push(("503", "The database cannot be reached (`database_unavailable`); `Retry-After` says when to try again."));
    }
    errors
}

/// Adds the standard errors to the operation's own (a sentence more where the handler
/// already describes the status), makes every error a `Problem`, and lists the codes
/// each error response names in its `x-problem-codes` (a code answered with another
/// status than the response's is an error: the refusal types decide each code's status).
fn complete_operation(operation: &mut Operation, uses_database: bool) -> Result<(), String> {
    add_app_scope(operation);
    let standard = standard_errors(operation, uses_database);
    if operation.security.is_none() {
        operation.security = Some(Vec::new());
    }
    let responses = &mut operation.responses.responses;
    for (status, sentence) in standard {
        match responses.get_mut(status) {
            Some(RefOr::T(response)) => {
                let codes = codes_in(sentence);
                let described = codes_in(&response.description);
                if !codes.iter().all(|c| described.contains(c)) {
                    response.description =
                        format!("{} {sentence}", response.description.trim_end());
                }
            }
            Some(RefOr::Ref(_)) => {}
            None => {
                responses.insert(
                    status.to_owned(),
                    RefOr::T(ResponseBuilder::new().description(sentence).build()),
                );
            }
        }
    }
    for (status, response) in responses.iter_mut() {
        let is_error = status.starts_with('4') || status.starts_with('5');
        if let (true, RefOr::T(response)) = (is_error, response) {
            // The OAuth endpoints answer some errors their own way (RFC 6749's JSON,
            // the consent page's HTML): kept beside the problem+json of the rest.
            let own_format = !response.content.is_empty();
            attach_problem(response, own_format);
            let codes = codes_in(&response.description);
            if codes.is_empty() && own_format {
                continue;
            }
            if codes.is_empty() {
                return Err(format!(
                    "the {status} answer names no problem code: `{}`",
                    response.description
                ));
            }
            if let Some(code) = codes
                .iter()
                .find(|code| status_of(code).map(|s| s.to_string()).as_deref() != Some(status))
            {
                return Err(format!(
                    "the {status} answer names `{code}`, a code answered with another status"
                ));
            }
            response
                .extensions
                .get_or_insert_with(Default::default)
                .merge(
                    ExtensionsBuilder::new()
                        .add("x-problem-codes", codes)
                        .build(),
                );
        }
    }
    Ok(())
}

fn attach_problem(response: &mut Response, keep_own: bool) {
    let content = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("Problem")))
        .build();
    if !keep_own {
        response.content.clear();
    }
    response
        .content
        .insert(PROBLEM_CONTENT_TYPE.to_owned(), RefOr::T(content));
}

#[cfg(test)]
mod tests {
    use utoipa::openapi::path::OperationBuilder;
    use utoipa::openapi::response::ResponsesBuilder;

    use super::*;

    fn answering(status: &str, description: &str) -> Operation {
        OperationBuilder::new()
            .responses(
                ResponsesBuilder::new()
                    .response(status, ResponseBuilder::new().description(description))
                    .build(),
            )
            .build()
    }

    #[test]
    fn a_response_lists_the_codes_its_description_names() {
        let mut operation = answering("409", "Already taken (`email_taken`).");
        complete_operation(&mut operation, false).unwrap();
        let RefOr::T(response) = &operation.responses.responses["409"] else {
            panic!("a reference");
        };
        let extensions = serde_json::to_value(&response.extensions).unwrap();
        assert_eq!(
            extensions["x-problem-codes"],
            serde_json::json!(["email_taken"])
        );
    }

    #[test]
    fn a_code_documented_under_another_status_than_its_own_is_refused() {
        let mut operation = answering("422", "Already taken (`email_taken`).");
        let refused = complete_operation(&mut operation, false).unwrap_err();
        assert!(refused.contains("`email_taken`"), "{refused}");
    }
}

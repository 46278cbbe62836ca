//! The OpenAPI document: gathered from the handlers' annotations, then completed in
//! one place so that every error response of every operation is a `Problem`.

use actix_web::App;
use utoipa::OpenApi;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::{Ref, RefOr, Response};
use utoipa_actix_web::AppExt;

use crate::problem::{FieldProblem, PROBLEM_CONTENT_TYPE, Problem};
use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Espace Familles API",
        description = "The JSON REST API of a city's family portal: accounts, the family file, \
            registrations to school care, canteen and holiday centres, the planning of bookings \
            under deadlines, invoices and online payment through PayFiP.\n\n\
            Conventions: JSON fields in camelCase; dates `YYYY-MM-DD` in the city's time zone; \
            instants RFC 3339 in UTC; money in integer cents (`...Cents`). Every error is \
            `application/problem+json` with a stable `code`; messages are in French, or in \
            English with `Accept-Language: en`. Lists take `page` (from 1) and `pageSize` \
            (default 50, at most 200).",
        license(name = "MIT", identifier = "MIT"),
        contact(name = "Espace Familles maintainers", email = "espace-familles@villejuif.example", url = "https://www.villejuif.fr"),
    ),
    servers((url = "http://127.0.0.1:8080", description = "A local run (`cargo run`)")),
    tags(
        (name = "health", description = "Probes for orchestrators and load balancers."),
        (name = "city", description = "The city running the portal."),
        (name = "calendar", description = "Public holidays, computed; the zone's school holidays, imported."),
        (name = "auth", description = "Signing in and out, activation and password links."),
        (name = "signup", description = "The five-step sign-up of the guide, as a draft kept on the server."),
        (name = "legal", description = "Terms of use and privacy policy, versioned."),
        (name = "me", description = "The signed-in account."),
        (name = "admin-accounts", description = "Back office: accounts of families, agents and admins."),
        (name = "dossier", description = "\"Mon dossier\": the family's file, children and contact details."),
        (name = "documents", description = "The family's documents: uploads (health forms, proofs) and those the city issues."),
        (name = "requests", description = "The family's requests (démarches) and their answers."),
        (name = "admin-dossiers", description = "Back office: family files, children, health information, quotients, documents, CSV imports."),
        (name = "admin-requests", description = "Back office: the queue of families' requests."),
        (name = "admin-audit", description = "Back office: the audit log of reads and changes of health data."),
        (name = "registrations", description = "\"Inscription aux activités\": what each child is offered, registrations and their status."),
        (name = "baskets", description = "Holiday weeks paid at once: the weeks on offer, the basket, the checkout and payment."),
        (name = "sandbox", description = "The built-in payment sandbox that stands in for PayFiP on a local run."),
        (name = "admin-activities", description = "Back office: the activity catalogue, groups and places, the registration queue."),
        (name = "planning", description = "\"Planning\": each child's days, the draft of changes kept on the server, its validation under the deadlines, the iCalendar feed."),
        (name = "admin-planning", description = "Back office: any child's planning past deadlines, deadline rules, the school calendar import, closure days, attendance."),
        (name = "billing", description = "\"Facturation\": the family's invoices with their lines and status, and its account statement."),
        (name = "billing-admin", description = "Back office: monthly billing runs (preview, progress, resumption), invoices, counter payments, credit notes, CSV exports."),
        (name = "news", description = "\"Actualités\": the city's published news, pinned first, with Markdown and sanitised HTML bodies and attachments. No sign-in needed."),
        (name = "admin-news", description = "Back office: writing, scheduling, pinning and retiring news items, and their attachments."),
        (name = "notifications", description = "What the family is told in the portal (registration and request decisions, waitlist offers, invoices, payments, closure days, booking windows), the unread count, and which kinds also come by email."),
        (name = "admin-webhooks", description = "Back office (admins): endpoints of the city's other systems receiving events, signed per the Standard Webhooks specification (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`), retried with backoff, every attempt logged."),
    ),
    components(schemas(Problem, FieldProblem)),
)]
struct ApiDoc;

/// The complete document, as served and as committed in `openapi.yaml`.
pub fn spec() -> utoipa::openapi::OpenApi {
    let (_, mut spec) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::configure)
        .split_for_parts();
    complete_operations(&mut spec);
    add_security_scheme(&mut spec);
    drop_unreferenced_schemas(&mut spec);
    spec
}

/// `Page<T>` inlines its `T`, so a view only ever listed in pages is registered as
/// a component that nothing references; such components are dropped (until none is
/// left, since a dropped one may have been the only user of another).
fn drop_unreferenced_schemas(spec: &mut utoipa::openapi::OpenApi) {
    loop {
        let Ok(text) = serde_json::to_string(&*spec) else {
            return;
        };
        let Some(components) = spec.components.as_mut() else {
            return;
        };
        let unused: Vec<String> = components
            .schemas
            .keys()
            .filter(|name| !text.contains(&format!("\"#/components/schemas/{name}\"")))
            .cloned()
            .collect();
        if unused.is_empty() {
            return;
        }
        for name in unused {
            components.schemas.remove(&name);
        }
    }
}

/// Access tokens from `POST /api/v1/auth/login`, sent as `Authorization: Bearer`.
fn add_security_scheme(spec: &mut utoipa::openapi::OpenApi) {
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
fn complete_operations(spec: &mut utoipa::openapi::OpenApi) {
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
            complete(operation, uses_database);
        }
    }
}

fn complete(operation: &mut Operation, uses_database: bool) {
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

/// The document as YAML, exactly as committed in `openapi.yaml`.
pub fn to_yaml(spec: &utoipa::openapi::OpenApi) -> anyhow::Result<String> {
    spec.to_yaml()
        .map_err(|e| anyhow::anyhow!("cannot render the OpenAPI document as YAML: {e}"))
}

/// The document as JSON, as served at `/api/openapi.json`.
pub fn to_json(spec: &utoipa::openapi::OpenApi) -> anyhow::Result<String> {
    Ok(spec.to_pretty_json()?)
}

//! The OpenAPI document: gathered from the handlers' annotations, then completed and
//! normalised in one place, so that no handler can forget what every operation shares
//! and generated clients get one plain shape for each thing:
//! - [`operations`]: security, the errors every operation may answer, their `Problem`;
//! - [`schemas`]: contract names, pages referring to their items, flattened objects,
//!   discriminated unions, nullable references;
//! - [`files`]: files typed as binary or text, whatever the handler wrote;
//! - [`enums`]: enums whose values are each described;
//! - [`conditional`]: `If-None-Match`, `ETag` and 304 of the reads apps poll;
//! - [`examples`]: an example for every request body and successful answer;
//! - [`yaml`]: the YAML text, readable alike by YAML 1.1 and 1.2 readers.

mod conditional;
pub mod enums;
mod examples;
mod files;
pub mod operation_table;
mod operations;
mod schemas;
mod yaml;

use actix_web::App;
use anyhow::Context;
use serde_json::Value;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::problem::{FieldProblem, Problem};
use crate::routes;
use crate::routes::accounts::providers::ProviderView;
use crate::routes::planning::views::PlanningPeriod;

pub use schemas::{contract_name, name_collisions};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Espace Familles API",
        // The contract's own version (semantic versioning), as CHANGELOG.md records it.
        version = "0.2.0",
        description = "The JSON REST API of a city's family portal: accounts, the family file, \
            registrations to school care, canteen and holiday centres, the planning of bookings \
            under deadlines, invoices and online payment through PayFiP.\n\n\
            Conventions: JSON fields in camelCase; dates `YYYY-MM-DD` in the city's time zone; \
            instants RFC 3339 in UTC; money in integer cents (`...Cents`). Every error is \
            `application/problem+json` with a stable `code`; messages are in French, or in \
            English with `Accept-Language: en`. Lists take `page` (from 1) and `pageSize` \
            (default 50, at most 200). No text accepts the NUL character (U+0000), which \
            PostgreSQL cannot store: a body, path or query holding one is answered \
            `400 validation_failed`.\n\n\
            JSON and text answers of 1 KiB or more are compressed (brotli or gzip) when \
            `Accept-Encoding` accepts it, with `Vary: Accept-Encoding`; files (PDFs, images) \
            never are. The reads apps poll send a strong `ETag` and answer \
            `304 Not Modified` to `If-None-Match` (their operations say so).",
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
        (name = "admin-audit", description = "Back office: the audit log of reads and changes of health data, planning changes past deadlines, billing runs, counter payments and credit notes."),
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
        (name = "apps", description = "Third-party apps (OAuth 2.0, RFC 6749 with PKCE, RFC 7636): the sign-in and consent page, the token and revocation endpoints, the server's metadata. An app's access token carries the scopes the family granted; each operation's `oauth2` security names the scope it needs."),
        (name = "admin-apps", description = "Back office: the third-party apps registered, disabled for everyone when need be."),
        (name = "admin-webhooks", description = "Back office (admins): endpoints of the city's other systems receiving events, signed per the Standard Webhooks specification (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`), retried with backoff, every attempt logged."),
    ),
    // The problem types every error refers to, and the enums only parameters take
    // (utoipa inlines those; schemas::refer_parameter_enums points them here).
    components(schemas(Problem, FieldProblem, PlanningPeriod, ProviderView)),
)]
struct ApiDoc;

/// The complete document, as served and as committed in `openapi.yaml`.
pub fn spec() -> anyhow::Result<Value> {
    Ok(built()?.0)
}

/// The fields a request body's or an answer's example needs and lacks: each must get
/// a `#[schema(example = ...)]` (a contract test lists them).
pub fn examples_missing() -> anyhow::Result<Vec<String>> {
    Ok(built()?.1)
}

fn built() -> anyhow::Result<(Value, Vec<String>)> {
    let (_, mut gathered) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::configure)
        .split_for_parts();
    operations::complete(&mut gathered)?;
    let mut spec = serde_json::to_value(&gathered).context("the gathered document")?;
    schemas::normalise(&mut spec)?;
    files::type_files(&mut spec);
    conditional::document(&mut spec)?;
    let missing = examples::attach(&mut spec);
    Ok((spec, missing))
}

/// The document as YAML, exactly as committed in `openapi.yaml`.
pub fn to_yaml(spec: &Value) -> String {
    yaml::to_yaml(spec)
}

/// The document as JSON, as served at `/api/openapi.json`.
pub fn to_json(spec: &Value) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(spec)?)
}

/// The schemas the document's own declaration brings (the problem types), with the
/// operations' ones: what [`name_collisions`] compares.
fn schema_sources() -> Vec<(
    String,
    utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
)> {
    let mut sources = routes::schema_sources();
    if let Some(components) = ApiDoc::openapi().components {
        sources.extend(components.schemas);
    }
    sources
}

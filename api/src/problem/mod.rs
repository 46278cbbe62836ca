//! Every error the API answers, as RFC 9457 problem details.
//!
//! Handlers return [`ApiError`]; the [`middleware`](crate::middleware::problems) renders
//! it in the caller's language with the request id, and turns whatever else the
//! framework answers with an error status into the same shape.

mod codes;
mod dossier_messages;
mod framework;
mod lang;
mod password_messages;
mod refusals;
mod text_input;
mod validation;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use chrono::{DateTime, Utc};
use domain::calendar::french_instant;
use domain::planning::ChangeWindow;
use serde::Serialize;
use utoipa::ToSchema;

pub use codes::{ProblemCode, codes_in, problem_codes, status_of};
pub use dossier_messages::{field_error, row_error};
pub use framework::{
    RouteTable, form_config, generic_problem, json_config, malformed_json, not_found, path_config,
    payload_too_large, query_config, unmatched_route, unsupported_media_type,
};
pub use lang::{Lang, Text};
pub use password_messages::password_violation_message;
pub use refusals::throttled;
pub use text_input::{refuse_nul, refuse_nul_in_json, refuse_nul_in_uri};
pub use validation::validate;

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// An error answer, as RFC 9457 problem details with a stable machine `code`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "type": "urn:espace-familles:problem:validation_failed",
    "title": "Données invalides",
    "status": 400,
    "detail": "Certains champs ne sont pas valides.",
    "code": "validation_failed",
    "errors": [{"field": "password", "code": "too_short", "message": "6 caractères au minimum."}],
    "requestId": "5f0c6a0e-3c1f-4b52-9d9e-8d7a3c2b1a00"
}))]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:espace-familles:problem:` then `code`.
    #[serde(rename = "type")]
    #[schema(example = "urn:espace-familles:problem:validation_failed")]
    pub type_uri: String,
    /// A short summary of the kind of problem, in the negotiated language.
    #[schema(example = "Données invalides")]
    pub title: String,
    /// The HTTP status code.
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    /// What went wrong this time, in the negotiated language.
    #[schema(example = "Certains champs ne sont pas valides.")]
    pub detail: String,
    /// Stable machine code: clients switch on it; it never changes with the language.
    #[schema(example = "validation_failed")]
    pub code: String,
    /// One entry per invalid field, so a form can show each message next to its field;
    /// absent when no field is at fault.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// The id of the request, also in the `X-Request-Id` header and in the server's logs;
    /// absent when the request got none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "5f0c6a0e-3c1f-4b52-9d9e-8d7a3c2b1a00")]
    pub request_id: Option<String>,
    /// When the window the request fell outside opens (RFC 3339, UTC): with
    /// `window_not_open` and `window_closed`; absent when the window has always been
    /// open, and for other codes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<DateTime<Utc>>,
    /// When that window closes, exclusive (RFC 3339, UTC): with `window_not_open` and
    /// `window_closed` (but for a week that has already begun); absent for other codes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closes_at: Option<DateTime<Utc>>,
    /// The deadline that passed (RFC 3339, UTC): with `deadline_passed` on a paid
    /// holiday week; absent for other codes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<DateTime<Utc>>,
}

/// What is wrong with one field of the request.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FieldProblem {
    /// The field, as named in the request (dotted for nested fields).
    #[schema(example = "password")]
    pub field: String,
    /// Stable machine code of the rule the field breaks.
    #[schema(example = "too_short")]
    pub code: String,
    /// The message to show next to the field, in the negotiated language.
    #[schema(example = "6 caractères au minimum.")]
    pub message: String,
}

/// A field error before rendering, with its message in both languages.
#[derive(Debug, Clone)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: Text,
}

impl FieldError {
    pub fn new(field: &str, code: &str, fr: &str, en: &str) -> Self {
        Self {
            field: field.to_owned(),
            code: code.to_owned(),
            message: Text::new(fr, en),
        }
    }
}

/// The error type of every handler (boxed: results stay small on the happy path).
#[derive(Debug, thiserror::Error)]
#[error("{}: {}", .0.code, .0.detail.en)]
pub struct ApiError(Box<ErrorParts>);

#[derive(Debug)]
pub struct ErrorParts {
    pub status: StatusCode,
    pub code: &'static str,
    pub title: Text,
    pub detail: Text,
    pub errors: Vec<FieldError>,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// The window a request fell outside, for `opensAt` and `closesAt`.
    pub window: Option<ChangeWindow>,
    /// The deadline a change came after, for `deadline`.
    pub deadline: Option<DateTime<Utc>>,
    /// The underlying cause of an internal error; logged, never sent.
    pub cause: Option<anyhow::Error>,
}

impl std::ops::Deref for ApiError {
    type Target = ErrorParts;

    fn deref(&self) -> &ErrorParts {
        &self.0
    }
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, title: Text, detail: Text) -> Self {
        Self(Box::new(ErrorParts {
            status,
            code,
            title,
            detail,
            errors: Vec::new(),
            headers: Vec::new(),
            window: None,
            deadline: None,
            cause: None,
        }))
    }

    /// Names the window the request fell outside, and gives it in the detail.
    pub fn with_window(mut self, window: ChangeWindow) -> Self {
        let closes = french_instant(window.closes_at);
        let (fr, en) = match window.opens_at {
            Some(opens_at) => (
                format!(
                    "Période de réservation : du {} au {closes}.",
                    french_instant(opens_at)
                ),
                format!("Booking period: {opens_at} to {}.", window.closes_at),
            ),
            None => (
                format!("Réservations possibles jusqu'au {closes}."),
                format!("Bookings were possible until {}.", window.closes_at),
            ),
        };
        self.0.detail = Text::new(
            format!("{} {fr}", self.detail.fr),
            format!("{} {en}", self.detail.en),
        );
        self.0.window = Some(window);
        self
    }

    /// Names the deadline a change came after, and gives it in the detail.
    pub fn with_deadline(mut self, deadline: DateTime<Utc>) -> Self {
        self.0.detail = Text::new(
            format!(
                "{} Les modifications étaient possibles jusqu'au {}.",
                self.detail.fr,
                french_instant(deadline)
            ),
            format!("{} Changes were possible until {deadline}.", self.detail.en),
        );
        self.0.deadline = Some(deadline);
        self
    }

    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.0.headers.push((name, value));
        self
    }

    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.0.errors = errors;
        self
    }

    fn with_cause(mut self, cause: anyhow::Error) -> Self {
        self.0.cause = Some(cause);
        self
    }

    /// 400: the request breaks the documented schema or a field rule.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "validation_failed",
            Text::new("Données invalides", "Invalid data"),
            Text::new(
                "Certains champs ne sont pas valides.",
                "Some fields are not valid.",
            ),
        )
        .with_errors(errors)
    }

    /// 400: the body names a field the operation does not take (nothing is saved).
    pub fn unknown_field(field: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "unknown_field",
            Text::new("Champ inconnu", "Unknown field"),
            Text::new(
                format!("Le champ « {field} » n'existe pas pour cette opération : retirez-le ou corrigez son nom."),
                format!("Field `{field}` does not exist for this operation: remove it or fix its name."),
            ),
        )
        .with_errors(vec![FieldError::new(field, "unknown", "Champ inconnu.", "Unknown field.")])
    }

    /// 500: a bug or a broken invariant. The cause goes to the log, not to the client.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            Text::new("Erreur interne", "Internal error"),
            Text::new(
                "Une erreur inattendue est survenue. Réessayez plus tard.",
                "An unexpected error occurred. Please try again later.",
            ),
        )
        .with_cause(cause.into())
    }

    /// 503: the database cannot be reached.
    pub fn database_unavailable(cause: impl Into<anyhow::Error>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "database_unavailable",
            Text::new("Service indisponible", "Service unavailable"),
            Text::new(
                "La base de données est momentanément inaccessible. Réessayez dans quelques instants.",
                "The database cannot be reached at the moment. Please try again shortly.",
            ),
        )
        .with_header(header::RETRY_AFTER, HeaderValue::from_static("5"))
        .with_cause(cause.into())
    }

    /// 503: the instance is stopping (its readiness probe tells the load balancer).
    pub fn shutting_down() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "shutting_down",
            Text::new("Instance en cours d'arrêt", "Instance stopping"),
            Text::new(
                "Cette instance s'arrête : les requêtes vont aux autres instances.",
                "This instance is stopping: requests go to the other instances.",
            ),
        )
    }

    /// Whether this is [`ApiError::database_unavailable`]: the connection that met it
    /// is not to be used again.
    pub fn is_database_unavailable(&self) -> bool {
        self.code == "database_unavailable"
    }

    pub fn problem(&self, lang: Lang, request_id: Option<&str>) -> Problem {
        Problem {
            type_uri: format!("urn:espace-familles:problem:{}", self.code),
            title: self.title.get(lang).to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.get(lang).to_owned(),
            code: self.code.to_owned(),
            errors: self
                .errors
                .iter()
                .map(|e| FieldProblem {
                    field: e.field.clone(),
                    code: e.code.clone(),
                    message: e.message.get(lang).to_owned(),
                })
                .collect(),
            request_id: request_id.map(str::to_owned),
            opens_at: self.window.and_then(|w| w.opens_at),
            closes_at: self.window.map(|w| w.closes_at),
            deadline: self.deadline,
        }
    }

    /// The response for this error in the given language.
    pub fn render(&self, lang: Lang, request_id: Option<&str>) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        for (name, value) in &self.headers {
            response.insert_header((name.clone(), value.clone()));
        }
        response
            .content_type(PROBLEM_CONTENT_TYPE)
            .body(problem_body(&self.problem(lang, request_id)))
    }
}

/// Serialises a problem; a `Problem` holds only strings and numbers, so this cannot
/// fail, but a fixed body is kept for the impossible case rather than a panic.
pub fn problem_body(problem: &Problem) -> String {
    serde_json::to_string(problem).unwrap_or_else(|_| {
        r#"{"type":"urn:espace-familles:problem:internal_error","title":"Erreur interne","status":500,"detail":"Erreur interne.","code":"internal_error"}"#.to_owned()
    })
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        if self.status.is_server_error() {
            match &self.cause {
                Some(cause) => tracing::error!(
                    code = self.code,
                    error = format!("{cause:#}"),
                    "request failed"
                ),
                None => tracing::error!(code = self.code, "request failed"),
            }
        }
        self.render(Lang::Fr, None)
    }
}

impl From<persistence::DbError> for ApiError {
    fn from(error: persistence::DbError) -> Self {
        if error.is_unavailable() {
            Self::database_unavailable(error)
        } else {
            Self::internal(error)
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        Self::internal(anyhow::anyhow!("blocking task failed: {error}"))
    }
}

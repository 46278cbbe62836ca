//! The framework's own rejections, answered as problem+json like everything else.

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError, UrlencodedError};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, web};

use super::{ApiError, Text};

/// JSON bodies: 415 for another content type, 413 over the limit, 400 otherwise.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(|error, _req| json_error(&error).into())
}

/// Form bodies (the payment sandbox's page): as JSON bodies are answered.
pub fn form_config() -> web::FormConfig {
    web::FormConfig::default().error_handler(|error, _req| form_error(&error).into())
}

fn form_error(error: &UrlencodedError) -> ApiError {
    match error {
        UrlencodedError::ContentType => {
            super::unsupported_media_type("application/x-www-form-urlencoded")
        }
        UrlencodedError::Overflow { limit, .. } => payload_too_large(*limit),
        UrlencodedError::Parse(cause) => {
            let message = cause.to_string();
            match message
                .strip_prefix("unknown field `")
                .and_then(|m| m.split_once('`'))
            {
                Some((field, _)) => ApiError::unknown_field(field),
                None => ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_body",
                    Text::new("Corps de requête invalide", "Invalid request body"),
                    Text::new(
                        format!("Le formulaire ne correspond pas au format attendu : {message}."),
                        format!("The form does not match the expected shape: {message}."),
                    ),
                ),
            }
        }
        other => ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            Text::new("Corps de requête invalide", "Invalid request body"),
            Text::new(
                format!("Le formulaire n'a pas pu être lu : {other}."),
                format!("The form could not be read: {other}."),
            ),
        ),
    }
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|error, _req| path_error(&error).into())
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error, _req| query_error(&error).into())
}

fn json_error(error: &JsonPayloadError) -> ApiError {
    match error {
        JsonPayloadError::ContentType => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            Text::new(
                "Type de contenu non pris en charge",
                "Unsupported media type",
            ),
            Text::new(
                "Le corps de la requête doit être envoyé en JSON (Content-Type: application/json).",
                "The request body must be sent as JSON (Content-Type: application/json).",
            ),
        ),
        JsonPayloadError::Overflow { limit }
        | JsonPayloadError::OverflowKnownLength { limit, .. } => payload_too_large(*limit),
        JsonPayloadError::Deserialize(cause) if cause.is_data() => ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            Text::new("Corps de requête invalide", "Invalid request body"),
            Text::new(
                format!("Le corps de la requête ne correspond pas au format attendu : {cause}."),
                format!("The request body does not match the expected shape: {cause}."),
            ),
        ),
        JsonPayloadError::Deserialize(cause) => malformed_json(cause),
        other => ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            Text::new("Corps de requête invalide", "Invalid request body"),
            Text::new(
                format!("Le corps de la requête n'a pas pu être lu : {other}."),
                format!("The request body could not be read: {other}."),
            ),
        ),
    }
}

/// A body that is not JSON at all.
pub fn malformed_json(cause: &serde_json::Error) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "malformed_json",
        Text::new("JSON mal formé", "Malformed JSON"),
        Text::new(
            format!(
                "Le corps de la requête n'est pas un JSON valide (ligne {}, colonne {}).",
                cause.line(),
                cause.column()
            ),
            format!(
                "The request body is not valid JSON (line {}, column {}).",
                cause.line(),
                cause.column()
            ),
        ),
    )
}

pub fn payload_too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        Text::new("Requête trop volumineuse", "Payload too large"),
        Text::new(
            format!("Le corps de la requête dépasse la taille maximale de {limit} octets."),
            format!("The request body exceeds the maximum size of {limit} bytes."),
        ),
    )
}

fn path_error(error: &PathError) -> ApiError {
    let PathError::Deserialize(cause) = error else {
        return invalid_parameter(
            "invalid_path_parameter",
            "du chemin",
            "path",
            &error.to_string(),
        );
    };
    invalid_parameter(
        "invalid_path_parameter",
        "du chemin",
        "path",
        &cause.to_string(),
    )
}

fn query_error(error: &QueryPayloadError) -> ApiError {
    invalid_parameter(
        "invalid_query_parameter",
        "de la requête",
        "query",
        &error.to_string(),
    )
}

fn invalid_parameter(code: &'static str, where_fr: &str, where_en: &str, cause: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        code,
        Text::new("Paramètre invalide", "Invalid parameter"),
        Text::new(
            format!("Un paramètre {where_fr} n'est pas valide : {cause}."),
            format!("A {where_en} parameter is not valid: {cause}."),
        ),
    )
}

/// The methods each known path answers, read from the OpenAPI document (plus the
/// few routes outside it), so that a known path with another method gets 405 and
/// the right `Allow` header instead of the framework's 404.
#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<Segment>, Vec<Method>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Parameter,
    /// Matches the rest of the path, however long (served folders such as `/docs/`).
    Rest,
}

impl RouteTable {
    pub fn from_openapi(spec: &serde_json::Value) -> Self {
        let mut table = Self::default();
        for (path, item) in spec["paths"].as_object().into_iter().flatten() {
            let methods = item
                .as_object()
                .into_iter()
                .flat_map(|operations| operations.keys())
                .filter_map(|method| {
                    Method::from_bytes(method.to_ascii_uppercase().as_bytes()).ok()
                })
                .collect();
            table.add(path, methods);
        }
        table
    }

    /// Adds a path template: `{name}` matches one segment, a trailing `*` the rest.
    pub fn add(&mut self, template: &str, methods: Vec<Method>) {
        let segments = template
            .trim_matches('/')
            .split('/')
            .map(|s| match s {
                "*" => Segment::Rest,
                s if s.starts_with('{') && s.ends_with('}') => Segment::Parameter,
                s => Segment::Literal(s.to_owned()),
            })
            .collect();
        self.routes.push((segments, methods));
    }

    /// The methods allowed on a path, `None` when no route has this path.
    pub fn allowed(&self, path: &str) -> Option<Vec<Method>> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let mut allowed: Vec<Method> = Vec::new();
        for (segments, methods) in &self.routes {
            if matches(segments, &parts) {
                for method in methods {
                    if !allowed.contains(method) {
                        allowed.push(method.clone());
                    }
                }
            }
        }
        (!allowed.is_empty()).then_some(allowed)
    }
}

fn matches(segments: &[Segment], parts: &[&str]) -> bool {
    match (segments.first(), parts.first()) {
        (Some(Segment::Rest), _) => true,
        (None, None) => true,
        (Some(Segment::Literal(literal)), Some(part)) if literal == part => {
            matches(&segments[1..], &parts[1..])
        }
        (Some(Segment::Parameter), Some(part)) if !part.is_empty() => {
            matches(&segments[1..], &parts[1..])
        }
        _ => false,
    }
}

/// The default service: 405 with `Allow` for a known path, 404 otherwise.
pub async fn unmatched_route(
    req: HttpRequest,
    table: web::Data<RouteTable>,
) -> Result<HttpResponse, ApiError> {
    let Some(methods) = table
        .allowed(req.path())
        .filter(|m| !m.contains(req.method()))
    else {
        return Err(not_found());
    };
    let allow = methods
        .iter()
        .map(Method::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    let error = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        Text::new("Méthode non autorisée", "Method not allowed"),
        Text::new(
            format!(
                "La méthode {} n'est pas acceptée ici. Méthodes acceptées : {allow}.",
                req.method()
            ),
            format!(
                "Method {} is not allowed here. Allowed methods: {allow}.",
                req.method()
            ),
        ),
    );
    let allow = HeaderValue::from_str(&allow).map_err(ApiError::internal)?;
    Err(error.with_header(header::ALLOW, allow))
}

/// A body sent with a type the operation does not take; `accepted` lists those it does.
pub fn unsupported_media_type(accepted: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        Text::new(
            "Type de contenu non pris en charge",
            "Unsupported media type",
        ),
        Text::new(
            format!("Le corps de la requête doit être envoyé avec l'un de ces types : {accepted}."),
            format!("The request body must be sent with one of these types: {accepted}."),
        ),
    )
}

pub fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        Text::new("Ressource introuvable", "Not found"),
        Text::new(
            "Aucune ressource ne correspond à cette adresse.",
            "No resource matches this address.",
        ),
    )
}

/// The problem for an error status answered by something other than our handlers
/// (a middleware, a static file service): a generic code per status.
pub fn generic_problem(status: StatusCode) -> ApiError {
    let (code, fr, en): (&'static str, &str, &str) = match status.as_u16() {
        400 => ("bad_request", "Requête invalide", "Bad request"),
        401 => (
            "unauthorized",
            "Authentification requise",
            "Authentication required",
        ),
        403 => ("forbidden", "Accès refusé", "Forbidden"),
        404 => return not_found(),
        405 => (
            "method_not_allowed",
            "Méthode non autorisée",
            "Method not allowed",
        ),
        406 => (
            "not_acceptable",
            "Format de réponse non disponible",
            "Not acceptable",
        ),
        408 => (
            "request_timeout",
            "Délai de requête dépassé",
            "Request timeout",
        ),
        411 => ("length_required", "Longueur requise", "Length required"),
        413 => (
            "payload_too_large",
            "Requête trop volumineuse",
            "Payload too large",
        ),
        414 => ("uri_too_long", "Adresse trop longue", "URI too long"),
        415 => (
            "unsupported_media_type",
            "Type de contenu non pris en charge",
            "Unsupported media type",
        ),
        429 => ("too_many_requests", "Trop de requêtes", "Too many requests"),
        431 => (
            "headers_too_large",
            "En-têtes trop volumineux",
            "Request headers too large",
        ),
        503 => (
            "service_unavailable",
            "Service indisponible",
            "Service unavailable",
        ),
        s if s >= 500 => ("internal_error", "Erreur interne", "Internal error"),
        _ => ("bad_request", "Requête invalide", "Bad request"),
    };
    let reason = status.canonical_reason().unwrap_or("error");
    ApiError::new(
        status,
        code,
        Text::new(fr, en),
        Text::new(format!("{fr}."), format!("{reason}.")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_parameters_and_rest() {
        let mut table = RouteTable::default();
        table.add("/api/v1/public-holidays/{year}", vec![Method::GET]);
        table.add("/api/v1/things", vec![Method::GET]);
        table.add("/api/v1/things", vec![Method::POST]);
        table.add("/docs/*", vec![Method::GET]);
        assert_eq!(
            table.allowed("/api/v1/public-holidays/2027"),
            Some(vec![Method::GET])
        );
        assert_eq!(
            table.allowed("/api/v1/things"),
            Some(vec![Method::GET, Method::POST])
        );
        assert_eq!(table.allowed("/docs/index.css"), Some(vec![Method::GET]));
        assert_eq!(table.allowed("/api/v1/public-holidays"), None);
        assert_eq!(table.allowed("/api/v1/public-holidays/2027/x"), None);
    }
}

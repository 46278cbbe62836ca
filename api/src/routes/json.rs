//! The JSON body of every operation: read as actix reads it (`JsonConfig`: media type,
//! size limit, malformed JSON), then checked for text PostgreSQL cannot store, then
//! turned into the operation's type with the path of whatever does not fit, so a field
//! the contract does not name is refused (`unknown_field`) rather than dropped.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::problem::{ApiError, FieldError, Text, refuse_nul_in_json};

/// A JSON request body of type `T`, whose struct types all `deny_unknown_fields`.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let value = web::Json::<Value>::from_request(req, payload);
        Box::pin(async move {
            let web::Json(value) = value.await?;
            Ok(Json(from_value(value)?))
        })
    }
}

/// A JSON value as the operation's type, checked as every JSON body is: no NUL
/// character in its text, no field the type does not name.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    refuse_nul_in_json(&value)?;
    serde_path_to_error::deserialize(value).map_err(|e| body_error(&e))
}

/// A JSON value that does not fit the operation's type: a field it does not name
/// (`unknown_field`), or a missing field or a wrong type (`invalid_body`).
fn body_error(error: &serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let message = error.inner().to_string();
    let path = error.path().to_string();
    if let Some(name) = unknown_field_name(&message) {
        let field = match path.as_str() {
            "." | "" => name.to_owned(),
            parent if parent.ends_with(name) => parent.to_owned(),
            parent => format!("{parent}.{name}"),
        };
        return ApiError::unknown_field(&field);
    }
    let field = if path == "." { String::new() } else { path };
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_body",
        Text::new("Corps de requête invalide", "Invalid request body"),
        Text::new(
            format!("Le corps de la requête ne correspond pas au format attendu : {message}."),
            format!("The request body does not match the expected shape: {message}."),
        ),
    )
    .with_errors(if field.is_empty() {
        Vec::new()
    } else {
        vec![FieldError {
            field,
            code: "invalid".into(),
            message: Text::new(
                format!("Valeur invalide : {message}."),
                format!("Invalid value: {message}."),
            ),
        }]
    })
}

/// The name serde gives in "unknown field `name`, expected ...".
fn unknown_field_name(message: &str) -> Option<&str> {
    message
        .strip_prefix("unknown field `")?
        .split_once('`')
        .map(|(name, _)| name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    struct Outer {
        #[allow(dead_code)]
        inner: Inner,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    struct Inner {
        #[allow(dead_code)]
        working_days_only: bool,
    }

    fn error_of(value: Value) -> ApiError {
        match serde_path_to_error::deserialize::<_, Outer>(value) {
            Ok(_) => panic!("accepted"),
            Err(e) => body_error(&e),
        }
    }

    #[test]
    fn an_unknown_field_is_named_with_its_path() {
        let error = error_of(serde_json::json!({"inner": {"working_days_only": true}}));
        assert_eq!(error.code, "unknown_field");
        assert_eq!(error.errors[0].field, "inner.working_days_only");
        let error = error_of(serde_json::json!({"inner": {"workingDaysOnly": true}, "x": 1}));
        assert_eq!(error.errors[0].field, "x");
    }

    #[test]
    fn a_wrong_type_is_an_invalid_body_naming_the_field() {
        let error = error_of(serde_json::json!({"inner": {"workingDaysOnly": "yes"}}));
        assert_eq!(error.code, "invalid_body");
        assert_eq!(error.errors[0].field, "inner.workingDaysOnly");
    }
}

//! How use-case outcomes read over HTTP; each refusal's status, code and words are
//! declared with it, in its area (`usecases::refusal`).

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};

use super::{ApiError, Text};
use crate::usecases::{Refusal, UseCaseError};

impl From<UseCaseError> for ApiError {
    fn from(error: UseCaseError) -> Self {
        match error {
            UseCaseError::Invalid(errors) => ApiError::validation(errors),
            UseCaseError::Refused(refusal) => refusal.into(),
            UseCaseError::RefusedFor(refusal, errors) => {
                ApiError::from(refusal).with_errors(errors)
            }
            UseCaseError::OutsideWindow(refusal, window) => {
                ApiError::from(refusal).with_window(window)
            }
            UseCaseError::PastDeadline(refusal, deadline) => {
                ApiError::from(refusal).with_deadline(deadline)
            }
            UseCaseError::Throttled(wait) => throttled(wait),
            UseCaseError::Db(db) => db.into(),
            UseCaseError::Internal(cause) => ApiError::internal(cause),
        }
    }
}

pub fn throttled(wait: chrono::Duration) -> ApiError {
    let seconds = wait.num_seconds().max(1);
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
        Text::new("Trop de tentatives", "Too many attempts"),
        Text::new(
            format!("Trop de tentatives infructueuses. Réessayez dans {seconds} secondes."),
            format!("Too many failed attempts. Try again in {seconds} seconds."),
        ),
    )
    .with_header(header::RETRY_AFTER, HeaderValue::from(seconds))
}

impl<T: Into<Refusal>> From<T> for ApiError {
    fn from(refusal: T) -> Self {
        let text = refusal.into().text();
        // Every refusal's status is an error status (`problem::codes` tests it).
        let status = StatusCode::from_u16(text.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        ApiError::new(
            status,
            text.code,
            Text::new(text.title.0, text.title.1),
            Text::new(text.detail.0, text.detail.1),
        )
    }
}

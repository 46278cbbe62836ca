//! Operations that run once per `Idempotency-Key` (a checkout, a payment start): a
//! repeat of the key gets the first answer again, byte for byte, from the database,
//! whichever instance answers it.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

use crate::db;
use crate::problem::ApiError;
use crate::routes::headers::{idempotency_key, missing_idempotency_key};
use crate::state::AppState;
use crate::usecases::idempotency::{self, StoredAnswer};

/// A request's key, whose it is, and what it asks.
pub(crate) struct Keyed {
    pub key: String,
    scope: String,
    operation: String,
}

impl Keyed {
    /// The request's `Idempotency-Key` (required), a key of the family's dossier.
    pub fn of(req: &HttpRequest, dossier_id: i64) -> Result<Self, ApiError> {
        Ok(Self {
            key: idempotency_key(req)?.ok_or_else(missing_idempotency_key)?,
            scope: format!("dossier:{dossier_id}"),
            operation: format!("{} {}", req.method(), req.path()),
        })
    }

    /// The answer kept for the key, if any; the key of another request is refused.
    pub async fn replay(&self, state: &AppState) -> Result<Option<HttpResponse>, ApiError> {
        let (scope, key, operation) =
            (self.scope.clone(), self.key.clone(), self.operation.clone());
        let kept = db::run(&state.pool, move |conn| {
            idempotency::replay(conn, &scope, &key, &operation)
        })
        .await?;
        Ok(kept.as_ref().map(response))
    }

    /// Answers `body` with `status`, kept for the key's repeats (or the answer a twin
    /// request kept first).
    pub async fn answer(
        &self,
        state: &AppState,
        status: StatusCode,
        body: &impl Serialize,
    ) -> Result<HttpResponse, ApiError> {
        let answer = StoredAnswer {
            operation: self.operation.clone(),
            status: i32::from(status.as_u16()),
            body: serde_json::to_string(body).map_err(ApiError::internal)?,
        };
        let (scope, key, now) = (self.scope.clone(), self.key.clone(), state.clock.now());
        let kept = db::run(&state.pool, move |conn| {
            idempotency::keep(conn, &scope, &key, answer, now)
        })
        .await?;
        Ok(response(&kept))
    }
}

fn response(answer: &StoredAnswer) -> HttpResponse {
    let status = u16::try_from(answer.status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    HttpResponse::build(status)
        .content_type("application/json")
        .body(answer.body.clone())
}

//! Probes for orchestrators and load balancers.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db;
use crate::openapi::enums::api_enum;
use crate::problem::ApiError;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"status": "ok", "database": "sqlite"}))]
pub struct HealthStatus {
    /// Always `ok` when the probe succeeds (a failure is a problem+json answer).
    pub status: HealthState,
    /// The database backend checked (readiness only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<DatabaseKind>,
}

api_enum! {
    /// How the probe found the API.
    pub enum HealthState {
        /// It answers (a failure is a problem+json answer instead).
        Ok = "ok",
    }
}

api_enum! {
    /// The database backend the API runs on.
    pub enum DatabaseKind {
        /// The embedded SQLite file (the local default).
        Sqlite = "sqlite",
        /// A PostgreSQL server (production).
        Postgresql = "postgresql",
    }
}

/// Liveness: the process answers.
///
/// Touches nothing else, so an orchestrator restarts the process only when the
/// process itself is stuck.
#[utoipa::path(
    tag = "health",
    operation_id = "getLiveness",
    responses((status = 200, description = "The process is alive.", body = HealthStatus)),
)]
#[get("/health/live")]
pub async fn get_liveness() -> HttpResponse {
    HttpResponse::Ok().json(HealthStatus {
        status: HealthState::Ok,
        database: None,
    })
}

/// Readiness: the API can serve requests.
///
/// Checks that the database answers (and, on SQLite, that its file is still there).
/// Answers 503 while it cannot, and 200 again as soon as it can, without a restart.
/// Answers 503 too once the instance is stopping, while it still serves for
/// `SHUTDOWN_DRAIN_SECS`: the load balancer stops sending before the listener closes.
#[utoipa::path(
    tag = "health",
    operation_id = "getReadiness",
    responses(
        (status = 200, description = "The database answers.", body = HealthStatus),
        (status = 503, description = "The database cannot be reached (`database_unavailable`); `Retry-After` says when to try again. The instance is stopping (`shutting_down`)."),
    ),
)]
#[get("/health/ready")]
pub async fn get_readiness(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    if state.lifecycle.is_draining() {
        return Err(ApiError::shutting_down());
    }
    let database = match db::check_ready(&state.pool).await? {
        db::Backend::Sqlite => DatabaseKind::Sqlite,
        db::Backend::Postgres => DatabaseKind::Postgresql,
    };
    Ok(HttpResponse::Ok().json(HealthStatus {
        status: HealthState::Ok,
        database: Some(database),
    }))
}

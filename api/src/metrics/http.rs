//! Counting every answer by operation, method and status, with its latency.

use std::time::Instant;

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;

use crate::state::AppState;

/// Records the answer in the instance's metrics; a route outside the contract (the
/// docs, an unknown path) counts as operation `other`.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let method = req.method().clone();
    let response = next.call(req).await?;
    if let Some(state) = state {
        let pattern = response.request().match_pattern();
        let metrics = &state.metrics;
        let operation = metrics.operation_of(&method, pattern.as_deref());
        metrics.observe(
            operation,
            method.as_str(),
            response.status().as_u16(),
            started.elapsed(),
        );
    }
    Ok(response)
}

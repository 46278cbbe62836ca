//! Running database work from async handlers.

use actix_web::web;
pub use persistence::Backend;
use persistence::{AnyConnection, DbPool};

use crate::problem::ApiError;
use crate::telemetry::traces;

/// Runs `work` with a pooled connection on the blocking thread pool, so diesel never
/// blocks an async worker. A pool that cannot hand out a connection answers 503.
pub async fn run<T, E, F>(pool: &DbPool, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: Into<ApiError> + Send + 'static,
{
    let pool = pool.clone();
    let span = traces::database_span(pool.backend());
    web::block(move || {
        let _span = span.enter();
        let mut conn = pool.get().map_err(ApiError::from)?;
        let outcome = work(&mut conn).map_err(Into::into);
        if outcome
            .as_ref()
            .is_err_and(ApiError::is_database_unavailable)
        {
            conn.discard();
        }
        outcome
    })
    .await?
}

/// Runs `work` on the blocking thread pool with the pool itself, for use cases that
/// must not hold a connection all along (those that wait for argon2: a login holding
/// a connection while queued for hashing would starve every other request).
pub async fn run_pooled<T, E, F>(pool: &DbPool, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&DbPool) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: Into<ApiError> + Send + 'static,
{
    let pool = pool.clone();
    web::block(move || {
        let outcome = work(&pool).map_err(Into::into);
        if outcome
            .as_ref()
            .is_err_and(ApiError::is_database_unavailable)
        {
            // The lost connection went back to the pool: have them all pinged.
            pool.distrust();
        }
        outcome
    })
    .await?
}

/// Whether the database answers now, and which one it is: the readiness probe's check,
/// run on the blocking pool like any database work.
pub async fn check_ready(pool: &DbPool) -> Result<Backend, ApiError> {
    let backend = pool.backend();
    let pool = pool.clone();
    web::block(move || pool.check_ready())
        .await?
        .map_err(ApiError::database_unavailable)?;
    Ok(backend)
}

//! The periodic jobs a server runs beside its requests (the payment re-check and the
//! webhook deliveries have theirs in `payments` and `webhooks`).

use std::future::Future;
use std::time::Duration;

use crate::db;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::usecases::UseCaseError;
use crate::usecases::activities::baskets;
use crate::usecases::billing::direct_debit::{mandates, schedule};
use crate::usecases::dossiers::{renewals, requirements};
use crate::usecases::planning::reminders;

/// Sends the reminders due now (booking windows, documents about to expire, renewal
/// campaigns opening or closing), lapses the direct debit mandates unused for 36
/// months and cancels the debits whose date passed with no file; returns how many
/// families were told, mandates lapsed and debits cancelled.
pub async fn remind(state: &AppState) -> Result<usize, ApiError> {
    let (today, now) = (state.today(), state.clock.now());
    let portal = state.config.frontend_url.clone();
    db::run(&state.pool, move |conn| {
        Ok::<_, UseCaseError>(
            reminders::run(conn, &portal, now)?
                + requirements::remind_expiring(conn, &portal, today, now)?
                + renewals::remind(conn, &portal, today, now)?
                + mandates::lapse(conn, today, now)?
                + schedule::cancel_missed(conn, today, now)?,
        )
    })
    .await
}

/// Releases the baskets whose hold ran out; returns how many.
pub async fn release_holds(state: &AppState) -> Result<usize, ApiError> {
    let now = state.clock.now();
    let portal = state.config.frontend_url.clone();
    db::run(&state.pool, move |conn| {
        baskets::release_expired(conn, &portal, now)
    })
    .await
}

/// The reminder job: every `REMINDERS_EVERY_MINUTES`.
pub async fn remind_every(state: AppState) {
    every(
        &state,
        state.config.jobs.reminders_every,
        "reminders",
        || remind(&state),
    )
    .await;
}

/// The hold job: every `HOLDS_EVERY_SECONDS`, so a place a family did not pay for in
/// time goes back (and to the waiting line) whether or not anyone asks.
pub async fn release_holds_every(state: AppState) {
    every(
        &state,
        state.config.jobs.holds_every,
        "basket_holds",
        || release_holds(&state),
    )
    .await;
}

/// Runs `round` every `period` until the server stops; a failed round is logged and
/// the next one runs all the same. Each success leaves its mark in the metrics.
pub async fn every<F, R>(state: &AppState, period: Duration, job: &'static str, mut round: F)
where
    F: FnMut() -> R,
    R: Future<Output = Result<usize, ApiError>>,
{
    let heartbeat = state.metrics.heartbeat(job);
    let mut interval = tokio::time::interval(period);
    loop {
        interval.tick().await;
        match round().await {
            Ok(done) => {
                heartbeat.beat();
                if done > 0 {
                    tracing::info!(job, done, "job round done");
                }
            }
            Err(error) => tracing::error!(job, ?error, "job round failed"),
        }
    }
}

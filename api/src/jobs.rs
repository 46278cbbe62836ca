//! The periodic jobs a server runs beside its requests (the payment re-check and the
//! webhook deliveries have theirs in `payments` and `webhooks`).

use crate::db;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::usecases::planning::reminders;

/// Sends the booking-window reminders due now; returns how many families were told.
pub async fn remind(state: &AppState) -> Result<usize, ApiError> {
    let now = state.clock.now();
    let portal = state.config.frontend_url.clone();
    db::run(&state.pool, move |conn| reminders::run(conn, &portal, now)).await
}

/// The reminder job: every `REMINDERS_EVERY_MINUTES`.
pub async fn remind_every(state: AppState) {
    let mut interval = tokio::time::interval(state.config.jobs.reminders_every);
    loop {
        interval.tick().await;
        match remind(&state).await {
            Ok(0) => {}
            Ok(told) => tracing::info!(told, "booking-window reminders sent"),
            Err(error) => tracing::error!(?error, "the reminder job failed"),
        }
    }
}

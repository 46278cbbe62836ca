//! Stopping without failing a request. On SIGTERM or SIGINT (or [`Lifecycle::stop`]),
//! the instance first turns its readiness probe to 503 and keeps serving for
//! `SHUTDOWN_DRAIN_SECS`, so a load balancer's checks take it out of rotation while it
//! still answers; each answer then closes its connection, so no idle keep-alive
//! connection is left for a balancer to reuse. Only then does the listener close, and
//! the requests in flight finish within `SHUTDOWN_TIMEOUT_SECS`. A second signal
//! stops at once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServerHandle, ServiceRequest, ServiceResponse};
use actix_web::http::ConnectionType;
use actix_web::middleware::Next;
use actix_web::web;
use tokio::sync::Notify;

use crate::state::AppState;

/// Whether the instance is going away, shared by every worker.
#[derive(Debug, Default)]
pub struct Lifecycle {
    draining: AtomicBool,
    stop: Notify,
}

impl Lifecycle {
    /// Whether a stop began: readiness answers 503 and connections close after each answer.
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Relaxed)
    }

    /// Asks the server to stop as a SIGTERM would (tests, and embedders without signals).
    pub fn stop(&self) {
        self.stop.notify_one();
    }

    /// Waits for SIGTERM, SIGINT or [`Lifecycle::stop`], drains for `drain`, then stops
    /// `server` gracefully; a second signal stops it at once, drain or not.
    pub(crate) async fn stop_on_signal(&self, drain: Duration, server: ServerHandle) {
        self.stop_requested().await;
        self.draining.store(true, Ordering::Relaxed);
        tracing::info!(
            drain_secs = drain.as_secs(),
            "stopping: readiness answers 503, serving on until the drain ends"
        );
        let graceful = async {
            tokio::time::sleep(drain).await;
            tracing::info!("drained: closing the listener, finishing the requests in flight");
            server.stop(true).await;
        };
        tokio::select! {
            () = graceful => {}
            () = self.stop_requested() => {
                tracing::warn!("a second stop signal: stopping now, requests in flight dropped");
                server.stop(false).await;
            }
        }
    }

    async fn stop_requested(&self) {
        #[cfg(unix)]
        let terminate = async {
            use tokio::signal::unix::{SignalKind, signal};
            match signal(SignalKind::terminate()) {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(error) => {
                    tracing::warn!(%error, "SIGTERM cannot be listened to");
                    std::future::pending::<()>().await;
                }
            }
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        let interrupt = async {
            if let Err(error) = tokio::signal::ctrl_c().await {
                tracing::warn!(%error, "SIGINT cannot be listened to");
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            () = terminate => {}
            () = interrupt => {}
            () = self.stop.notified() => {}
        }
    }
}

/// While draining, each answer closes its connection (`Connection: close`).
pub async fn close_when_draining(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let mut response = next.call(req).await?;
    let draining = response
        .request()
        .app_data::<web::Data<AppState>>()
        .is_some_and(|state| state.lifecycle.is_draining());
    if draining {
        response
            .response_mut()
            .head_mut()
            .set_connection_type(ConnectionType::Close);
    }
    Ok(response)
}

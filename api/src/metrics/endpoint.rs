//! `GET /metrics`: on a private address of its own, or on the API's address behind a
//! token. Not in `openapi.yaml`: it is for the city's monitoring, not for clients.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};

use crate::auth::{bearer, secrets, unauthorized};
use crate::db;
use crate::problem::ApiError;
use crate::state::AppState;

/// The Prometheus text format's media type.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Serves `GET /metrics` alone on `listener` (`METRICS_BIND_ADDR`), with one worker;
/// stopped with the API.
pub fn serve_privately(listener: TcpListener, state: AppState) -> std::io::Result<Server> {
    let data = web::Data::new(state);
    Ok(HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/metrics", web::get().to(scrape_privately))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)?
    .run())
}

async fn scrape_privately(state: web::Data<AppState>) -> HttpResponse {
    scrape(&state).await
}

/// `GET /metrics` on the API's address, when `METRICS_TOKEN` is set: 401 without it.
pub async fn scrape_with_token(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let expected = state.config.operations.metrics_token.as_deref();
    match (expected, bearer(&req)) {
        (Some(expected), Some(given))
            if secrets::constant_time_eq(expected.as_bytes(), given.as_bytes()) =>
        {
            Ok(scrape(&state).await)
        }
        _ => Err(unauthorized()),
    }
}

/// Reads the pool and the queues, then renders every metric; a database that cannot
/// be read shows as `espace_familles_database_up 0`, the rest as usual.
async fn scrape(state: &AppState) -> HttpResponse {
    let pool = state.pool.status();
    let backlogs = match db::run(&state.pool, persistence::backlogs::read).await {
        Ok(backlogs) => Some(backlogs),
        Err(error) => {
            tracing::warn!(?error, "the metrics could not read the database");
            None
        }
    };
    let text = state
        .metrics
        .render(&pool, backlogs.as_ref(), state.clock.now());
    HttpResponse::Ok().content_type(TEXT_FORMAT).body(text)
}

//! The HTTP server, set up as actix-web's `HttpServer` sets it up (the same timeouts,
//! half-closed connections, graceful shutdown), with two differences: signals are
//! left to [`crate::shutdown`], which drains before stopping it; and each connection
//! passes through [`Guarded`] first, so request heads the HTTP layer would refuse with a
//! bare status get a problem+json answer like every other error.

use std::net::TcpListener;
use std::time::Duration;
use std::{fmt, io};

use actix_http::{HttpService, Protocol, Request, Response, body::MessageBody};
use actix_server::Server;
use actix_service::{
    IntoServiceFactory, ServiceFactory, ServiceFactoryExt, fn_service, map_config,
};
use actix_web::dev::AppConfig;
use actix_web::rt::net::TcpStream;

use crate::request_heads::Guarded;

/// Serves the app `factory` makes (once per worker) on `listener`.
pub fn serve<F, I, S, B>(
    listener: TcpListener,
    workers: usize,
    shutdown_timeout: Duration,
    factory: F,
) -> io::Result<Server>
where
    F: Fn() -> I + Send + Clone + 'static,
    I: IntoServiceFactory<S, Request>,
    S: ServiceFactory<Request, Config = AppConfig> + 'static,
    S::Error: Into<actix_web::Error> + 'static,
    S::InitError: fmt::Debug,
    S::Response: Into<Response<B>> + 'static,
    <S::Service as actix_service::Service<Request>>::Future: 'static,
    S::Service: 'static,
    B: MessageBody + 'static,
{
    let addr = listener.local_addr()?;
    let builder = Server::build()
        .workers(workers)
        .shutdown_timeout(shutdown_timeout.as_secs())
        // Signals start a drain first (`crate::shutdown`), which then stops the server.
        .disable_signals();
    let graceful = builder.graceful_shutdown_signal();
    let builder = builder.listen("espace-familles", listener, move || {
        let graceful = graceful.clone();
        let app = factory()
            .into_factory()
            .map_err(|error| error.into().error_response());
        let http = HttpService::build()
            .graceful_shutdown_signal(move || {
                let graceful = graceful.clone();
                async move { graceful.notified().await }
            })
            .client_request_timeout(Duration::from_secs(5))
            .client_disconnect_timeout(Duration::from_secs(1))
            .h1_allow_half_closed(true)
            .local_addr(addr)
            // The app reads no host or scheme from its configuration.
            .finish(map_config(app, |_| AppConfig::default()));
        fn_service(|io: TcpStream| async move {
            let peer = io.peer_addr().ok();
            Ok((Guarded::new(io), Protocol::Http1, peer))
        })
        .and_then(http)
    })?;
    Ok(builder.run())
}

//! The one way the fakes (PayFiP, a webhook receiver, the push services) start: a real
//! actix server on a free local port, stopped by its handle. It speaks HTTP/1.1 and,
//! to clients that start with it, HTTP/2 (cleartext, prior knowledge: APNs's only).

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpServer, web};

/// Serves what `configure` routes on `127.0.0.1` with one worker; answers the base URL
/// (`http://127.0.0.1:<port>`) and the handle that stops it.
pub fn start_local<F>(configure: F) -> (String, ServerHandle)
where
    F: Fn(&mut web::ServiceConfig) + Clone + Send + 'static,
{
    let server = HttpServer::new(move || App::new().configure(configure.clone()))
        .workers(1)
        .bind_auto_h2c(("127.0.0.1", 0))
        .unwrap();
    let port = server.addrs()[0].port();
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(server);
    (format!("http://127.0.0.1:{port}"), handle)
}

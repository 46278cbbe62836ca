use std::convert::Infallible;
use std::future::{Ready, ready};
use std::net::{IpAddr, SocketAddr};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use crate::state::AppState;

/// The client's address, for throttling: the TCP peer, or the proxy's forwarded
/// address when `TRUST_PROXY_HEADERS` says a proxy sets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientIp(pub String);

impl FromRequest for ClientIp {
    type Error = Infallible;
    type Future = Ready<Result<Self, Infallible>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trust = req
            .app_data::<web::Data<AppState>>()
            .is_some_and(|s| s.config.trust_proxy_headers);
        let info = req.connection_info();
        let address = if trust {
            info.realip_remote_addr()
        } else {
            info.peer_addr()
        };
        let ip = address.map_or_else(
            || "unknown".to_owned(),
            |a| {
                a.parse::<SocketAddr>()
                    .map(|s| s.ip().to_string())
                    .or_else(|_| a.parse::<IpAddr>().map(|i| i.to_string()))
                    .unwrap_or_else(|_| a.to_owned())
            },
        );
        ready(Ok(Self(ip)))
    }
}

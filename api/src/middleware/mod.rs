//! What wraps every request: a request id and its log span, security headers,
//! problem+json for every error, CORS, compression, and the checks made before routing.

pub mod compression;
mod problems;
mod request_gate;
mod request_id;
mod security_headers;

pub use compression::compress;
pub use problems::problems;
pub use request_gate::request_gate;
pub use request_id::{RequestId, request_id};
pub use security_headers::{SECURITY_HEADERS, security_headers};

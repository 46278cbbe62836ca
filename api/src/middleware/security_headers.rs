use actix_web::middleware::DefaultHeaders;

/// Headers on every response (security.md): personal data is never cached, content
/// types are not sniffed, no page of ours is framed. Also sent on the refusals of
/// request heads (crate::request_heads), which no middleware sees.
pub const SECURITY_HEADERS: &[(&str, &str)] = &[
    ("cache-control", "no-store"),
    ("x-content-type-options", "nosniff"),
    ("content-security-policy", "frame-ancestors 'none'"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    (
        "strict-transport-security",
        "max-age=31536000; includeSubDomains",
    ),
];

/// [`SECURITY_HEADERS`] on every answer. A handler may set its own `Cache-Control`
/// (DefaultHeaders only adds what is missing).
pub fn security_headers() -> DefaultHeaders {
    SECURITY_HEADERS
        .iter()
        .fold(DefaultHeaders::new(), |headers, (name, value)| {
            headers.add((*name, *value))
        })
}

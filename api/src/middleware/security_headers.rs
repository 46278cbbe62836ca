use actix_web::middleware::DefaultHeaders;

/// Headers on every response (security.md): personal data is never cached, content
/// types are not sniffed, no page of ours is framed. A handler may set its own
/// `Cache-Control` (DefaultHeaders only adds what is missing).
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("Cache-Control", "no-store"))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Content-Security-Policy", "frame-ancestors 'none'"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "no-referrer"))
        .add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        ))
}

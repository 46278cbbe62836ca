use reqwest::Response;

use tests::spawn_app;

fn assert_security_headers(response: &Response) {
    let headers = response.headers();
    assert_eq!(
        headers["x-content-type-options"],
        "nosniff",
        "{}",
        response.url()
    );
    assert_eq!(headers["content-security-policy"], "frame-ancestors 'none'");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["referrer-policy"], "no-referrer");
}

#[tokio::test]
async fn every_kind_of_answer_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/city",
        "/nowhere",
        "/docs/",
        "/api/openapi.json",
        "/health/ready",
    ] {
        let response = app.get(path).await;
        assert_security_headers(&response);
    }
}

#[tokio::test]
async fn personal_and_dynamic_data_is_never_cached_but_public_holidays_may_be() {
    let app = spawn_app().await;
    assert_eq!(
        app.get("/api/v1/city").await.headers()["cache-control"],
        "no-store"
    );
    assert_eq!(
        app.get("/nowhere").await.headers()["cache-control"],
        "no-store"
    );
    assert_eq!(
        app.get("/api/v1/public-holidays/2027").await.headers()["cache-control"],
        "public, max-age=86400"
    );
}

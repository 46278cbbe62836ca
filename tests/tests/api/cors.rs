use reqwest::{Method, StatusCode};

use tests::TestAppBuilder;

const ALLOWED: &str = "https://familles.example.fr";

async fn app() -> tests::TestApp {
    TestAppBuilder::default()
        .setting("CORS_ALLOWED_ORIGINS", ALLOWED)
        .spawn()
        .await
}

#[tokio::test]
async fn an_allowed_origin_gets_its_preflight_and_its_answers() {
    let app = app().await;
    let preflight = app
        .request(Method::OPTIONS, "/api/v1/auth/password-policy/check")
        .header("Origin", ALLOWED)
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "content-type, accept-language",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), StatusCode::OK);
    assert_eq!(preflight.headers()["access-control-allow-origin"], ALLOWED);
    let methods = preflight.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap();
    assert!(methods.contains("POST"), "{methods}");

    let response = app
        .request(Method::GET, "/api/v1/city")
        .header("Origin", ALLOWED)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["access-control-allow-origin"], ALLOWED);
    let exposed = response.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap();
    assert!(exposed.contains("x-request-id"), "{exposed}");
}

#[tokio::test]
async fn another_origin_never_gets_an_allow_origin_header() {
    let app = app().await;
    let preflight = app
        .request(Method::OPTIONS, "/api/v1/city")
        .header("Origin", "https://evil.example")
        .header("Access-Control-Request-Method", "GET")
        .send()
        .await
        .unwrap();
    assert!(
        preflight
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );

    let response = app
        .request(Method::GET, "/api/v1/city")
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

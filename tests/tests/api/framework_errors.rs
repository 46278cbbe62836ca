//! What the framework rejects is answered as problem+json like everything else.

use reqwest::header::{ALLOW, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use tests::{TestAppBuilder, problem, spawn_app};

const CHECK: &str = "/api/v1/auth/password-policy/check";

#[tokio::test]
async fn malformed_json_is_a_400_with_its_position() {
    let app = spawn_app().await;
    let response = app
        .request(Method::POST, CHECK)
        .header(CONTENT_TYPE, "application/json")
        .body(r#"{"password": "#)
        .send()
        .await
        .unwrap();
    let body = problem(response, StatusCode::BAD_REQUEST, "malformed_json").await;
    assert!(
        body["detail"].as_str().unwrap().contains("ligne 1"),
        "{body}"
    );
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_a_400_naming_the_field() {
    let app = spawn_app().await;
    let response = app.post_json(CHECK, &serde_json::json!({})).await;
    problem(response, StatusCode::BAD_REQUEST, "invalid_body").await;
    let response = app
        .post_json(CHECK, &serde_json::json!({"password": 12}))
        .await;
    let body = problem(response, StatusCode::BAD_REQUEST, "invalid_body").await;
    assert_eq!(body["errors"][0]["field"], "password");
}

#[tokio::test]
async fn a_field_the_contract_does_not_name_is_refused_not_dropped() {
    let app = spawn_app().await;
    let response = app
        .post_json(
            CHECK,
            &serde_json::json!({"password": "Abc!defgh", "pass": "x"}),
        )
        .await;
    let body = problem(response, StatusCode::BAD_REQUEST, "unknown_field").await;
    assert_eq!(body["errors"][0]["field"], "pass");
    assert_eq!(body["errors"][0]["code"], "unknown");
    assert!(body["detail"].as_str().unwrap().contains("pass"), "{body}");
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_415() {
    let app = spawn_app().await;
    let response = app
        .request(Method::POST, CHECK)
        .header(CONTENT_TYPE, "text/plain")
        .body("password=Abc!def")
        .send()
        .await
        .unwrap();
    problem(
        response,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
}

#[tokio::test]
async fn an_oversized_body_is_a_413() {
    let app = TestAppBuilder::default()
        .setting("MAX_JSON_BODY_BYTES", "1024")
        .spawn()
        .await;
    let password = "A!".repeat(2000);
    let response = app
        .post_json(CHECK, &serde_json::json!({ "password": password }))
        .await;
    problem(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}

#[tokio::test]
async fn an_unknown_path_is_a_404() {
    let app = spawn_app().await;
    problem(
        app.get("/api/v1/no-such-thing").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    problem(app.get("/").await, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn a_wrong_method_is_a_405_with_allow() {
    let app = spawn_app().await;
    let response = app
        .request(Method::DELETE, "/api/v1/city")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()[ALLOW], "GET");
    problem(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;

    let response = app.request(Method::GET, CHECK).send().await.unwrap();
    assert_eq!(response.headers()[ALLOW], "POST");
    problem(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;

    let response = app
        .request(Method::PUT, "/api/v1/public-holidays/2027")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()[ALLOW], "GET");
    problem(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;
}

#[tokio::test]
async fn bad_path_and_query_parameters_are_400s() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/public-holidays/twenty").await;
    problem(response, StatusCode::BAD_REQUEST, "invalid_path_parameter").await;
    let response = app
        .get("/api/v1/public-holidays/2027?region=bretagne")
        .await;
    problem(response, StatusCode::BAD_REQUEST, "invalid_query_parameter").await;
}

#[tokio::test]
async fn messages_follow_accept_language_and_codes_do_not() {
    let app = spawn_app().await;
    let french = problem(
        app.get("/nowhere").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(french["title"], "Ressource introuvable");
    let response = app
        .request(Method::GET, "/nowhere")
        .header("Accept-Language", "en-GB,en;q=0.9,fr;q=0.5")
        .send()
        .await
        .unwrap();
    let english = problem(response, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(english["title"], "Not found");
}

#[tokio::test]
async fn the_request_id_is_echoed_in_the_header_and_the_problem() {
    let app = spawn_app().await;
    let response = app
        .request(Method::GET, "/nowhere")
        .header("X-Request-Id", "support-ticket-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "support-ticket-42");
    let body = problem(response, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(body["requestId"], "support-ticket-42");

    // A header that is not a sane token is replaced by a generated id.
    let response = app
        .request(Method::GET, "/health/live")
        .header("X-Request-Id", "<script>")
        .send()
        .await
        .unwrap();
    let id = response.headers()["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
}

#[tokio::test]
async fn head_answers_as_get_without_a_body() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/city",
        "/docs/",
        "/api/openapi.yaml",
        "/health/live",
    ] {
        let get = app.get(path).await;
        assert_eq!(get.status(), StatusCode::OK, "{path}");
        let length = get.bytes().await.unwrap().len();
        let head = app.request(Method::HEAD, path).send().await.unwrap();
        assert_eq!(head.status(), StatusCode::OK, "{path}");
        assert_eq!(head.headers()["x-content-type-options"], "nosniff");
        assert_eq!(
            head.headers()["content-length"].to_str().unwrap(),
            length.to_string(),
            "{path}"
        );
        assert!(head.bytes().await.unwrap().is_empty(), "{path}");
    }
    let missing = app.request(Method::HEAD, "/nowhere").send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

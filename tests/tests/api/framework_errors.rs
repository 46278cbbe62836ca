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
    for (method, path, allow) in [
        (Method::DELETE, "/api/v1/city", "GET"),
        (Method::GET, CHECK, "POST"),
        (Method::PUT, "/api/v1/public-holidays/2027", "GET"),
    ] {
        let response = app.request(method, path).send().await.unwrap();
        assert_eq!(response.headers()[ALLOW], allow, "{path}");
        problem(
            response,
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        )
        .await;
    }
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

/// Sends raw bytes on a new connection and reads everything the server answers.
async fn raw(app: &tests::TestApp, request: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut answer),
    )
    .await
    .expect("the server closes the connection")
    .unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

/// The problem of an HTTP answer, checked to be problem+json with our headers.
fn problem_of(answer: &str, status: &str) -> serde_json::Value {
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("{answer}"));
    assert!(head.starts_with(&format!("HTTP/1.1 {status} ")), "{head}");
    let head = head.to_ascii_lowercase();
    assert!(
        head.contains("content-type: application/problem+json"),
        "{head}"
    );
    assert!(head.contains("x-content-type-options: nosniff"), "{head}");
    assert!(
        head.contains("content-security-policy: frame-ancestors 'none'"),
        "{head}"
    );
    assert!(head.contains("x-request-id: "), "{head}");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[tokio::test]
async fn what_the_http_parser_refuses_is_answered_as_problem_json_too() {
    let app = spawn_app().await;
    let long_path = format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(100_000));
    let query: Vec<String> = (0..10_000).map(|i| format!("p{i}=1")).collect();
    let long_query = format!(
        "GET /api/v1/city?{} HTTP/1.1\r\nHost: x\r\n\r\n",
        query.join("&")
    );
    let headers: String = (0..100).map(|i| format!("X-Header-{i}: v\r\n")).collect();
    let many_headers = format!("GET /api/v1/city HTTP/1.1\r\nHost: x\r\n{headers}\r\n");
    let large_header = format!(
        "GET /api/v1/city HTTP/1.1\r\nHost: x\r\nX-Large: {}\r\n\r\n",
        "v".repeat(100_000)
    );
    for (request, status, code) in [
        (long_path.as_bytes(), "414", "uri_too_long"),
        (long_query.as_bytes(), "414", "uri_too_long"),
        (many_headers.as_bytes(), "431", "headers_too_large"),
        (large_header.as_bytes(), "431", "headers_too_large"),
        (b"NOT HTTP AT ALL\r\n\r\n".as_slice(), "400", "bad_request"),
        (
            b"GET /api/v1/city HTTP/1.1\r\n\r\n".as_slice(),
            "400",
            "bad_request",
        ),
    ] {
        let problem = problem_of(&raw(&app, request).await, status);
        assert_eq!(problem["code"], code);
        assert_eq!(problem["status"].to_string(), status);
        assert!(problem["detail"].as_str().is_some_and(|d| !d.is_empty()));
    }
}

#[tokio::test]
async fn a_head_refused_after_requests_on_one_connection_is_answered_after_them() {
    let app = spawn_app().await;
    let body = r#"{"password": "Trois-Chats-Verts!"}"#;
    let pipelined = format!(
        "GET /api/v1/city HTTP/1.1\r\nHost: x\r\n\r\n\
         POST {CHECK} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}\
         GET /{} HTTP/1.1\r\nHost: x\r\n\r\n",
        body.len(),
        "a".repeat(20_000)
    );
    let answer = raw(&app, pipelined.as_bytes()).await;
    let statuses: Vec<&str> = answer
        .match_indices("HTTP/1.1 ")
        .map(|(i, _)| &answer[i + 9..i + 12])
        .collect();
    assert_eq!(statuses, ["200", "200", "414"], "{answer}");
    let last = &answer[answer.rfind("HTTP/1.1 414").unwrap()..];
    assert_eq!(problem_of(last, "414")["code"], "uri_too_long");
}

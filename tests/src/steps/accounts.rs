//! Signing in and being held back.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::{TestApp, problem};

/// Sends the same refused request until the client address is held back; checks
/// each refusal on the way and the `Retry-After` of the 429. Returns how many
/// requests it took.
pub async fn until_throttled(
    app: &TestApp,
    (method, path, token): (Method, &str, Option<&str>),
    body: &Value,
    (status, code): (StatusCode, &str),
) -> u32 {
    let mut tried = 0;
    let throttled = loop {
        tried += 1;
        assert!(tried <= 30, "{path}: never throttled");
        let response = app.send_json(method.clone(), path, token, body).await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            break response;
        }
        problem(response, status, code).await;
    };
    let retry_after: i64 = throttled.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 0, "{path}: {retry_after}");
    problem(
        throttled,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
    )
    .await;
    tried
}

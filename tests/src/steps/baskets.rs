//! Holiday weeks and the basket they are paid in.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::activities::{SUMMER, child_named};
use crate::{TestApp, json as body_of};

/// Thomas and the summer centre he is offered: (child, activity), its booking period
/// opened by the city from 2026 to the end of summer 2027.
pub async fn thomas_and_summer(app: &TestApp, token: &str) -> (i64, i64) {
    let thomas = child_named(app, token, "Thomas").await;
    let summer = summer_offered_to(app, token, thomas).await;
    set_booking_window(app, summer, "2026-01-01T00:00:00", "2027-09-01T00:00:00").await;
    (thomas, summer)
}

/// The summer centre among the child's offers.
pub async fn summer_offered_to(app: &TestApp, token: &str, child: i64) -> i64 {
    let offers = body_of(
        app.get_authed(&format!("/api/v1/children/{child}/offers"), token)
            .await,
        StatusCode::OK,
    )
    .await;
    offers
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["activity"]["name"] == SUMMER)
        .unwrap()["activity"]["id"]
        .as_i64()
        .unwrap()
}

/// An agent sets the activity's booking window (local Paris times).
pub async fn set_booking_window(app: &TestApp, activity: i64, opens: &str, closes: &str) {
    let agent = app.token_of("agent").await;
    app.exchange(
        Method::PUT,
        &format!("/api/v1/admin/activities/{activity}/deadline-rules"),
        Some(&agent),
        &json!({"bookingRule": {"kind": "window", "opens": opens, "closes": closes}}),
        StatusCode::OK,
    )
    .await;
}

/// The family's open basket (`GET /basket`).
pub async fn open_basket(app: &TestApp, token: &str) -> Value {
    body_of(
        app.get_authed("/api/v1/basket", token).await,
        StatusCode::OK,
    )
    .await
}

pub async fn weeks(app: &TestApp, token: &str, child: i64, activity: i64) -> Value {
    body_of(
        app.get_authed(
            &format!("/api/v1/children/{child}/holiday-weeks?activityId={activity}"),
            token,
        )
        .await,
        StatusCode::OK,
    )
    .await
}

pub fn week<'a>(weeks: &'a Value, start: &str) -> &'a Value {
    weeks
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["weekStart"] == start)
        .unwrap()
}

pub async fn add(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.send_json(Method::POST, "/api/v1/basket/items", Some(token), &body)
        .await
}

pub async fn checkout(app: &TestApp, token: &str, key: &str) -> reqwest::Response {
    app.authed(Method::POST, "/api/v1/basket/checkout", token)
        .header("Idempotency-Key", key)
        .send()
        .await
        .unwrap()
}

/// Ends a checked-out basket's sandbox payment with `result` (`paid`, `refused`,
/// `abandoned`), as the page's buttons do.
pub async fn end_payment(app: &TestApp, basket: &Value, result: &str) -> reqwest::Response {
    let page = TestApp::local(basket["payment"]["redirectUrl"].as_str().unwrap());
    sandbox_form(app, page, &format!("result={result}")).await
}

/// Posts a form to a sandbox payment page, as its buttons do.
pub async fn sandbox_form(app: &TestApp, page: &str, form: &str) -> reqwest::Response {
    app.request(Method::POST, page)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form.to_owned())
        .send()
        .await
        .unwrap()
}

/// Sends `copies` checkouts of the family's basket under one key at once; every answer
/// must be the one kept for the key, byte for byte, or 409 `idempotency_key_in_use`.
/// Returns the kept answer, as sent.
pub async fn checkouts_at_once(app: &TestApp, token: &str, key: &str, copies: usize) -> String {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..copies {
        let request = app
            .authed(Method::POST, "/api/v1/basket/checkout", token)
            .header("Idempotency-Key", key);
        set.spawn(async move {
            let response = request.send().await.unwrap();
            (response.status(), response.text().await.unwrap())
        });
    }
    let answers = set.join_all().await;
    let kept = answers
        .iter()
        .find(|(status, _)| *status == StatusCode::OK)
        .map(|(_, body)| body.clone())
        .unwrap_or_else(|| panic!("{answers:?}"));
    for (status, body) in &answers {
        if *status == StatusCode::OK {
            assert_eq!(body, &kept);
        } else {
            assert_eq!(*status, StatusCode::CONFLICT, "{body}");
            let body: Value = serde_json::from_str(body).unwrap();
            assert_eq!(body["code"], "idempotency_key_in_use", "{body}");
        }
    }
    kept
}

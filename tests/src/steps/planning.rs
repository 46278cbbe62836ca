//! The planning: the draft, its validation, booking days, closing one.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::TestApp;

pub async fn draft_changes(app: &TestApp, token: &str, body: Value) -> Value {
    app.exchange(
        Method::POST,
        "/api/v1/planning/draft/changes",
        Some(token),
        &body,
        StatusCode::OK,
    )
    .await
}

pub async fn validate(app: &TestApp, token: &str) -> Value {
    app.exchange(
        Method::POST,
        "/api/v1/planning/draft/validation",
        Some(token),
        &json!({}),
        StatusCode::OK,
    )
    .await
}

pub fn change(child: i64, unit: i64, date: &str, action: &str) -> Value {
    json!({"childId": child, "unitId": unit, "date": date, "action": action})
}

/// Books the days for the child on the unit, as the family.
pub async fn book(app: &TestApp, token: &str, child: i64, unit: i64, days: &[&str]) {
    let changes: Vec<Value> = days
        .iter()
        .map(|d| change(child, unit, d, "book"))
        .collect();
    draft_changes(app, token, json!({ "changes": changes })).await;
    let outcome = validate(app, token).await;
    assert_eq!(outcome["refused"], json!([]), "{outcome}");
}

/// An agent closes `day` for every activity (a strike); returns the closure day.
pub async fn close_day(app: &TestApp, day: &str) -> Value {
    let agent = app.token_of("agent").await;
    app.exchange(
        Method::POST,
        "/api/v1/admin/closure-days",
        Some(&agent),
        &json!({"date": day, "reason": "grève"}),
        StatusCode::CREATED,
    )
    .await
}

/// The first activity in the child's planning of the week of `monday`, as the family
/// sees it: the id an agent's screens take.
pub async fn first_activity(app: &TestApp, token: &str, child: i64, monday: &str) -> i64 {
    let path = format!("/api/v1/children/{child}/planning?period=week&date={monday}");
    crate::json(app.get_authed(&path, token).await, StatusCode::OK).await["children"][0]["activities"][0]["activityId"]
        .as_i64()
        .unwrap()
}

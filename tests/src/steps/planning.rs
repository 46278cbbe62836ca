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

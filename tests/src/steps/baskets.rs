//! Holiday weeks and the basket they are paid in.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::activities::{SUMMER, child_named};
use crate::{TestApp, json as body_of};

/// Thomas and the summer centre he is offered: (child, activity).
pub async fn thomas_and_summer(app: &TestApp, token: &str) -> (i64, i64) {
    let thomas = child_named(app, token, "Thomas").await;
    let offers = body_of(
        app.get_authed(&format!("/api/v1/children/{thomas}/offers"), token)
            .await,
        StatusCode::OK,
    )
    .await;
    let summer = offers
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["activity"]["name"] == SUMMER)
        .unwrap()["activity"]["id"]
        .as_i64()
        .unwrap();
    (thomas, summer)
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

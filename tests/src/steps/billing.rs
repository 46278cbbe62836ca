//! Billing a month.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::activities::{CANTEEN, child_named, register};
use super::planning::book;
use crate::{TestApp, json as body_of};

/// Starts a run of the month and waits for its end; returns the run.
pub async fn run_month(app: &TestApp, agent: &str, month: &str) -> Value {
    let started = app
        .send_json(
            Method::POST,
            "/api/v1/admin/billing-runs",
            Some(agent),
            &json!({ "month": month }),
        )
        .await;
    let run = body_of(started, StatusCode::ACCEPTED).await;
    assert_eq!(run["month"], month);
    let path = format!("/api/v1/admin/billing-runs/{}", run["id"]);
    for _ in 0..200 {
        let run = body_of(app.get_authed(&path, agent).await, StatusCode::OK).await;
        if run["status"] != "running" {
            return run;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the run did not end");
}

/// Eliot's two September meals billed, from an app whose clock is before the school
/// year (`app_at("2026-07-20…")`): the family registers him to the canteen and books
/// 14 and 15 September; on 2 October 2026 an agent bills September (invoice
/// F2026-000001, 5.70 EUR). Returns the invoice as the family's list shows it.
pub async fn eliots_september_billed(app: &TestApp) -> Value {
    let family = app.token_of("family").await;
    let eliot = child_named(app, &family, "Eliot").await;
    let meal = register(app, &family, eliot, CANTEEN).await;
    book(app, &family, eliot, meal, &["2026-09-14", "2026-09-15"]).await;
    app.clock.set("2026-10-02T08:00:00Z".parse().unwrap());
    let agent = app.token_of("agent").await;
    run_month(app, &agent, "2026-09").await;
    let family = app.token_of("family").await;
    let list = body_of(
        app.get_authed("/api/v1/invoices", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "{list}");
    list["items"][0].clone()
}

/// Puts every online payment attempt in `status` with `idop`, as a request that is still
/// (or was, before it died) creating it at the provider leaves it.
pub fn set_attempts(app: &TestApp, status: &str, idop: Option<&str>) {
    use diesel::prelude::*;
    use persistence::schema::{idempotent_answers, online_payments};
    let mut conn = app.database.connect();
    diesel::update(online_payments::table)
        .set((
            online_payments::status.eq(status),
            online_payments::idop.eq(idop),
        ))
        .execute(&mut conn)
        .unwrap();
    // Such a request has answered nothing yet: no answer is kept for its key.
    diesel::delete(idempotent_answers::table)
        .execute(&mut conn)
        .unwrap();
}

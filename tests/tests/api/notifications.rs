//! Notifications: what the family is told in the portal, the unread count, reading,
//! email preferences per kind, and the booking-window reminder job driven by the
//! clock.

use reqwest::{Method, StatusCode};
use serde_json::json;

use tests::steps::activities::{CANTEEN, child_named, register};
use tests::steps::planning::{change, close_day, draft_changes, validate};
use tests::{TestApp, app_at, json as body_of};

async fn unread(app: &TestApp, token: &str) -> i64 {
    body_of(
        app.get_authed("/api/v1/me/notifications/unread-count", token)
            .await,
        StatusCode::OK,
    )
    .await["unread"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn a_family_reads_its_notifications_and_chooses_which_kinds_come_by_email() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let family = app.token_of("family").await;
    let eliot = child_named(&app, &family, "Eliot").await;
    let meal = register(&app, &family, eliot, CANTEEN).await;
    let days = ["2026-09-10", "2026-09-11", "2026-09-14"];
    let changes: Vec<_> = days
        .iter()
        .map(|d| change(eliot, meal, d, "book"))
        .collect();
    draft_changes(&app, &family, json!({ "changes": changes })).await;
    validate(&app, &family).await;

    // Every kind comes by email until the family says otherwise.
    let preferences = body_of(
        app.get_authed("/api/v1/me/notification-preferences", &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(preferences.as_array().unwrap().len(), 16);
    assert!(
        preferences
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["email"] == true)
    );
    close_day(&app, "2026-09-10").await;
    let told = app.notifications(&family).await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0]["kind"], "closure_day");
    assert_eq!(told[0]["title"], "Fermeture le 10/09/2026");
    assert_eq!(told[0]["data"]["bookingsCancelled"], 1);
    assert_eq!(told[0]["readAt"], serde_json::Value::Null);
    assert!(told[0]["body"].as_str().unwrap().contains("grève"));
    assert_eq!(app.emails_to("famille.ti@exemple.fr").len(), 1);

    // Closure emails turned off: the next closure is in the portal only.
    let chosen = app
        .exchange(
            Method::PUT,
            "/api/v1/me/notification-preferences",
            Some(&family),
            &json!([{"kind": "closure_day", "email": false}]),
            StatusCode::OK,
        )
        .await;
    let closure = chosen
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "closure_day")
        .unwrap();
    assert_eq!(closure["email"], false);
    close_day(&app, "2026-09-11").await;
    assert_eq!(app.notifications(&family).await.len(), 2);
    assert_eq!(app.emails_to("famille.ti@exemple.fr").len(), 1);
    assert_eq!(unread(&app, &family).await, 2);

    // Reading one, then all.
    let newest = app.notifications(&family).await[0]["id"].as_i64().unwrap();
    let read = app
        .exchange(
            Method::POST,
            &format!("/api/v1/me/notifications/{newest}/read"),
            Some(&family),
            &json!({}),
            StatusCode::OK,
        )
        .await;
    assert!(read["readAt"].is_string());
    assert_eq!(unread(&app, &family).await, 1);
    let only_unread = body_of(
        app.get_authed("/api/v1/me/notifications?unread=true", &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(only_unread["total"], 1);
    assert_ne!(only_unread["items"][0]["id"], newest);
    app.exchange(
        Method::POST,
        "/api/v1/me/notifications/read",
        Some(&family),
        &json!({}),
        StatusCode::OK,
    )
    .await;
    assert_eq!(unread(&app, &family).await, 0);

    // Another family's notification, or a kind twice, is refused.
    let (other, _) = app.create_families(1, "MS").await.remove(0);
    app.refused(
        Method::POST,
        &format!("/api/v1/me/notifications/{newest}/read"),
        Some(&other),
        &json!({}),
        (StatusCode::NOT_FOUND, "not_found"),
    )
    .await;
    assert!(app.notifications(&other).await.is_empty());
    app.refused(
        Method::PUT,
        "/api/v1/me/notification-preferences",
        Some(&family),
        &json!([{"kind": "closure_day", "email": true}, {"kind": "closure_day", "email": false}]),
        (StatusCode::BAD_REQUEST, "validation_failed"),
    )
    .await;
}

/// The family's notification kinds, signed in again (tokens last 15 minutes of the
/// moved clock).
async fn kinds_now(app: &TestApp) -> Vec<String> {
    let token = app.token_of("family").await;
    app.notification_kinds(&token).await
}

#[tokio::test]
async fn the_reminder_job_tells_each_family_once_when_a_window_opens_and_two_days_before_it_closes()
{
    let app = app_at("2026-11-20T08:00:00Z").await;
    let family = app.token_of("family").await;
    let eliot = child_named(&app, &family, "Eliot").await;
    register(&app, &family, eliot, CANTEEN).await;
    let planning = body_of(
        app.get_authed(
            &format!("/api/v1/children/{eliot}/planning?from=2026-12-07&to=2026-12-11"),
            &family,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let activity = planning["children"][0]["activities"][0]["activityId"]
        .as_i64()
        .unwrap();
    let agent = app.token_of("agent").await;
    // Bookings for the rest of the year open on 1 December 09:00 and close on the
    // 15th 18:00, Paris time.
    app.exchange(Method::PUT, &format!("/api/v1/admin/activities/{activity}/deadline-rules"), Some(&agent), &json!({"bookingRule": {"kind": "window", "opens": "2026-12-01T09:00:00", "closes": "2026-12-15T18:00:00"}}), StatusCode::OK)
    .await;
    let run = || api::jobs::remind(&app.state);
    assert_eq!(run().await.unwrap(), 0);

    app.clock.set("2026-12-01T08:30:00Z".parse().unwrap());
    assert_eq!(run().await.unwrap(), 1);
    assert_eq!(run().await.unwrap(), 0, "told once");
    assert_eq!(kinds_now(&app).await, ["booking_window_opening"]);
    let token = app.token_of("family").await;
    let opening = &app.notifications(&token).await[0];
    assert_eq!(opening["data"]["activityId"], activity);
    assert_eq!(opening["data"]["closesAt"], "2026-12-15T17:00:00Z");
    assert!(
        app.emails_to("famille.ti@exemple.fr")
            .iter()
            .any(|e| e.kind == "booking_window_opening"
                && e.text_body.contains("15/12/2026 à 18:00"))
    );

    // Two days before it closes.
    app.clock.set("2026-12-13T16:59:00Z".parse().unwrap());
    assert_eq!(run().await.unwrap(), 0);
    app.clock.set("2026-12-13T17:00:00Z".parse().unwrap());
    assert_eq!(run().await.unwrap(), 1);
    assert_eq!(run().await.unwrap(), 0, "told once");
    assert_eq!(
        kinds_now(&app).await,
        ["booking_window_closing", "booking_window_opening"]
    );
    // Closed: nothing more.
    app.clock.set("2026-12-15T17:00:00Z".parse().unwrap());
    assert_eq!(run().await.unwrap(), 0);
}

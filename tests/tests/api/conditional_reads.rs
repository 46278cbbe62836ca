//! Conditional reads for apps that poll: a strong `ETag` on each read the contract
//! marks (those documenting a 304), a 304 with no body while what the read shows is
//! unchanged, and a new tag as soon as it changes, whichever instance changed it.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use reqwest::header::{CACHE_CONTROL, ETAG};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use tests::steps::activities::{CANTEEN, child_named, register};
use tests::steps::billing::eliots_september_billed;
use tests::steps::planning::{book, close_day};
use tests::{TestApp, app_at, json as body_of};

/// A read with `If-None-Match: tags` (none when empty).
async fn read(app: &TestApp, token: &str, path: &str, tags: &str) -> reqwest::Response {
    let mut request = app.authed(Method::GET, path, token);
    if !tags.is_empty() {
        request = request.header("If-None-Match", tags);
    }
    request.send().await.unwrap()
}

/// The tag of a 200 read, checked to be a strong, personal, revalidated one.
async fn tag_of(app: &TestApp, token: &str, path: &str) -> String {
    let response = read(app, token, path, "").await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    assert_eq!(
        response.headers().get(CACHE_CONTROL).unwrap(),
        "private, no-cache",
        "{path}"
    );
    let tag = response
        .headers()
        .get(ETAG)
        .expect(path)
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        tag.starts_with('"') && tag.ends_with('"') && tag.len() > 10,
        "{path}: {tag}"
    );
    tag
}

/// The GET operations whose contract documents a 304.
fn conditional_operations() -> BTreeSet<String> {
    let spec = api::openapi::spec().unwrap();
    spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(|item| item.get("get"))
        .filter(|get| get["responses"].get("304").is_some())
        .map(|get| get["operationId"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn every_polled_read_answers_304_to_its_own_tag_and_200_to_another() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let invoice = eliots_september_billed(&app).await;
    let family = app.token_of("family").await;
    let agent = app.token_of("agent").await;
    let eliot = child_named(&app, &family, "Eliot").await;
    let month = "period=month&date=2026-09-15";
    let reads = [
        (
            "getMyPlanning",
            format!("/api/v1/planning?{month}"),
            &family,
        ),
        (
            "getMyChildPlanning",
            format!("/api/v1/children/{eliot}/planning?{month}"),
            &family,
        ),
        (
            "getMyPlanningDraft",
            "/api/v1/planning/draft".into(),
            &family,
        ),
        (
            "listMyNotifications",
            "/api/v1/me/notifications".into(),
            &family,
        ),
        (
            "countMyUnreadNotifications",
            "/api/v1/me/notifications/unread-count".into(),
            &family,
        ),
        ("listInvoices", "/api/v1/invoices".into(), &family),
        (
            "getInvoice",
            format!("/api/v1/invoices/{}", invoice["id"]),
            &family,
        ),
        (
            "getAccountStatement",
            "/api/v1/account-statement".into(),
            &family,
        ),
        ("getMyDossier", "/api/v1/dossier".into(), &family),
        (
            "getChildPlanning",
            format!("/api/v1/admin/children/{eliot}/planning?{month}"),
            &agent,
        ),
        ("listAdminInvoices", "/api/v1/admin/invoices".into(), &agent),
    ];
    assert_eq!(
        reads
            .iter()
            .map(|(id, ..)| (*id).to_owned())
            .collect::<BTreeSet<_>>(),
        conditional_operations(),
        "each conditional read of the contract is tried here"
    );
    for (operation, path, token) in &reads {
        let tag = tag_of(&app, token, path).await;
        // The same content, the same tag.
        assert_eq!(tag_of(&app, token, path).await, tag, "{operation}");
        let weak = format!("W/{tag}");
        for sent in [
            tag.as_str(),
            weak.as_str(),
            &format!("\"other\", {tag}"),
            "*",
        ] {
            let unchanged = read(&app, token, path, sent).await;
            assert_eq!(
                unchanged.status(),
                StatusCode::NOT_MODIFIED,
                "{operation} {sent}"
            );
            assert_eq!(
                unchanged.headers().get(CACHE_CONTROL).unwrap(),
                "private, no-cache"
            );
            assert!(unchanged.headers().get(ETAG).is_some(), "{operation}");
            // The 304 varies as its 200 would.
            assert!(
                unchanged
                    .headers()
                    .get_all(reqwest::header::VARY)
                    .iter()
                    .any(|v| v.to_str().unwrap().contains("accept-encoding")),
                "{operation}"
            );
            assert!(unchanged.bytes().await.unwrap().is_empty(), "{operation}");
        }
        let changed = read(&app, token, path, "\"q1y0Rw3mG9gZ6b8vYc2X4A\"").await;
        assert_eq!(changed.status(), StatusCode::OK, "{operation}");
        assert!(!changed.bytes().await.unwrap().is_empty(), "{operation}");
    }

    // A read that is not polled stays out of every cache.
    let me = read(&app, &family, "/api/v1/me", "").await;
    assert_eq!(me.headers().get(CACHE_CONTROL).unwrap(), "no-store");
    assert!(me.headers().get(ETAG).is_none());
}

#[tokio::test]
async fn a_booking_and_a_closure_day_made_on_another_instance_change_the_tags() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let family = app.token_of("family").await;
    let eliot = child_named(&app, &family, "Eliot").await;
    let meal = register(&app, &family, eliot, CANTEEN).await;
    let week = format!("/api/v1/children/{eliot}/planning?from=2026-09-07&to=2026-09-11");
    let unread = "/api/v1/me/notifications/unread-count";

    let first = tag_of(&app, &family, &week).await;
    book(&app, &family, eliot, meal, &["2026-09-10", "2026-09-11"]).await;
    let booked = read(&app, &family, &week, &first).await;
    assert_eq!(booked.status(), StatusCode::OK);
    let booked_tag = booked
        .headers()
        .get(ETAG)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_ne!(booked_tag, first);
    let planning = body_of(booked, StatusCode::OK).await;
    assert_eq!(tenth(&planning)["booking"], "booked");
    assert_eq!(
        read(&app, &family, &week, &booked_tag).await.status(),
        StatusCode::NOT_MODIFIED
    );
    let unread_tag = tag_of(&app, &family, unread).await;

    // An agent closes the 10th through the other server.
    let other = app.another_instance().await;
    let closed = close_day(&other, "2026-09-10").await;
    assert_eq!(closed["familiesTold"], 1);

    // This server's copy of the calendar lasts seconds at most: the tag changes with it.
    let deadline = Instant::now() + Duration::from_secs(10);
    let planning = loop {
        let response = read(&app, &family, &week, &booked_tag).await;
        if response.status() == StatusCode::OK {
            assert_ne!(response.headers().get(ETAG).unwrap(), booked_tag.as_str());
            break body_of(response, StatusCode::OK).await;
        }
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
        assert!(Instant::now() < deadline, "the closure day never showed");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(tenth(&planning)["booking"], "closed");
    // The notification it made shows at once: it is read from the database.
    let told = read(&app, &family, unread, &unread_tag).await;
    assert_eq!(body_of(told, StatusCode::OK).await, json!({"unread": 1}));
}

fn tenth(planning: &Value) -> &Value {
    planning["children"][0]["activities"][0]["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == "2026-09-10")
        .unwrap()
}

#[tokio::test]
async fn a_payment_at_the_counter_changes_the_invoice_and_the_statement_tags() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let invoice = eliots_september_billed(&app).await;
    let family = app.token_of("family").await;
    let agent = app.token_of("agent").await;
    let one = format!("/api/v1/invoices/{}", invoice["id"]);
    let statement = "/api/v1/account-statement";
    let (invoice_tag, statement_tag) = (
        tag_of(&app, &family, &one).await,
        tag_of(&app, &family, statement).await,
    );

    app.exchange(
        Method::POST,
        &format!("/api/v1/admin/invoices/{}/payments", invoice["id"]),
        Some(&agent),
        &json!({"method": "cash", "amountCents": 285, "receivedOn": "2026-10-05"}),
        StatusCode::CREATED,
    )
    .await;

    let paid = read(&app, &family, &one, &invoice_tag).await;
    assert_eq!(body_of(paid, StatusCode::OK).await["paidCents"], 285);
    let moved = read(&app, &family, statement, &statement_tag).await;
    assert_eq!(body_of(moved, StatusCode::OK).await["balanceCents"], 285);
}

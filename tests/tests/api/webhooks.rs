//! Webhooks: an admin registers an endpoint; the events of its kinds reach a real
//! receiver, signed; a failing receiver is retried with backoff; every attempt is
//! in the log.

use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use tests::steps::activities::{child_named, register};
use tests::steps::planning::{change, close_day, draft_changes, validate};
use tests::webhook_receiver::WebhookReceiver;
use tests::{TestApp, TestAppBuilder, json as body_of, problem};

/// The receiver runs on this machine: private addresses allowed.
async fn app() -> TestApp {
    app_allowing_private("true").await
}

async fn app_allowing_private(allow: &str) -> TestApp {
    let app = TestAppBuilder::default()
        .setting("WEBHOOK_ALLOW_HTTP", "true")
        .setting("WEBHOOK_ALLOW_PRIVATE", allow)
        .setting("WEBHOOK_POLL_MILLIS", "25")
        .clock(api::clock::Clock::fixed_at(
            "2026-11-27T09:00:00Z".parse().unwrap(),
        ))
        .spawn()
        .await;
    // The demo's school year is seeded at start; its summer is the test's present.
    app.clock.set("2026-07-20T08:00:00Z".parse().unwrap());
    app
}

async fn deliveries(app: &TestApp, admin: &str, endpoint: i64) -> Value {
    body_of(
        app.get_authed(
            &format!("/api/v1/admin/webhooks/{endpoint}/deliveries"),
            admin,
        )
        .await,
        StatusCode::OK,
    )
    .await
}

/// Waits until the endpoint's newest delivery has `status` after `attempts` tries.
async fn settled(app: &TestApp, admin: &str, endpoint: i64, status: &str, attempts: i64) -> Value {
    for _ in 0..200 {
        let page = deliveries(app, admin, endpoint).await;
        let newest = &page["items"][0];
        if newest["status"] == status && newest["attempts"] == attempts {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!(
        "no {status} delivery after {attempts} attempts: {}",
        deliveries(app, admin, endpoint).await
    );
}

/// Registers an endpoint; returns it as created (with its secret).
async fn register_endpoint(app: &TestApp, admin: &str, form: Value) -> Value {
    app.exchange(
        Method::POST,
        "/api/v1/admin/webhooks",
        Some(admin),
        &form,
        StatusCode::CREATED,
    )
    .await
}

/// Eliot's family registers him to the canteen: (family token, Eliot, the meal unit).
async fn eliots_meals(app: &TestApp) -> (String, i64, i64) {
    let family = app.token_of("family").await;
    let eliot = child_named(app, &family, "Eliot").await;
    let meal = register(app, &family, eliot, "Restauration scolaire maternelle").await;
    (family, eliot, meal)
}

/// Books Eliot's meal of `day`, then an agent closes the day: a `closure_day` event.
async fn close_a_booked_day(app: &TestApp, (family, eliot, meal): &(String, i64, i64), day: &str) {
    draft_changes(
        app,
        family,
        json!({"changes": [change(*eliot, *meal, day, "book")]}),
    )
    .await;
    validate(app, family).await;
    close_day(app, day).await;
}

#[tokio::test]
async fn events_reach_a_subscribed_endpoint_signed_and_a_failing_one_is_retried_with_every_attempt_logged()
 {
    let app = app().await;
    let receiver = WebhookReceiver::start().await;
    let admin = app.token_of("admin").await;
    let created = register_endpoint(
        &app,
        &admin,
        json!({"url": receiver.url, "description": "Gestion financière", "kinds": ["closure_day", "invoice_issued"]}),
    )
    .await;
    let endpoint = created["id"].as_i64().unwrap();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    // The secret is shown once.
    let listed = body_of(
        app.get_authed("/api/v1/admin/webhooks", &admin).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed[0]["kinds"], json!(["closure_day", "invoice_issued"]));
    assert!(listed[0].get("secret").is_none());
    // Another system wants invoices only.
    let invoices_only = register_endpoint(
        &app,
        &admin,
        json!({"url": receiver.url, "kinds": ["invoice_issued"]}),
    )
    .await;

    // A closure day that cancels a booking: the endpoint is told, signed.
    let meals = eliots_meals(&app).await;
    close_a_booked_day(&app, &meals, "2026-09-10").await;
    let received = receiver.wait_for(1).await;
    let first = &received[0];
    assert!(first.signed_with(&secret), "{first:?}");
    assert!(!first.signed_with("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
    let body = first.json();
    assert_eq!(body["type"], "closure_day");
    assert_eq!(body["id"], first.id);
    assert_eq!(body["data"]["day"], "2026-09-10");
    assert_eq!(body["data"]["bookingsCancelled"], 1);
    assert_eq!(first.timestamp, app.clock.now().timestamp().to_string());
    let log = settled(&app, &admin, endpoint, "delivered", 1).await;
    assert_eq!(log["items"][0]["log"][0]["statusCode"], 204);

    // The receiver down twice: retried after 1 then 5 minutes, each try logged.
    receiver.fail_next(2);
    close_a_booked_day(&app, &meals, "2026-09-11").await;
    let log = settled(&app, &admin, endpoint, "pending", 1).await;
    let pending = &log["items"][0];
    assert_eq!(pending["log"][0]["statusCode"], 500);
    assert_eq!(
        pending["nextAttemptAt"].as_str().unwrap(),
        (app.clock.now() + Duration::minutes(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    app.clock.advance(Duration::seconds(59));
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(receiver.received().len(), 2, "not before its time");
    app.clock.advance(Duration::seconds(1));
    settled(&app, &admin, endpoint, "pending", 2).await;
    app.clock.advance(Duration::minutes(5));
    let admin = app.token_of("admin").await;
    let log = settled(&app, &admin, endpoint, "delivered", 3).await;
    let tries = log["items"][0]["log"].as_array().unwrap();
    let codes: Vec<&Value> = tries.iter().map(|t| &t["statusCode"]).collect();
    assert_eq!(codes, [&json!(500), &json!(500), &json!(204)]);
    assert_eq!(tries[0]["error"], "answered 500 Internal Server Error");
    let received = receiver.received();
    assert_eq!(received.len(), 4);
    // Every try of one event carries its id, and is signed.
    assert!(
        received[1..]
            .iter()
            .all(|r| r.id == received[1].id && r.signed_with(&secret))
    );
    assert_ne!(received[1].id, received[0].id);
    assert_eq!(log["total"], 2);
    let other = invoices_only["id"].as_i64().unwrap();
    assert_eq!(deliveries(&app, &admin, other).await["total"], 0);

    // An admin sends one again: same id.
    let delivery = log["items"][1]["id"].as_i64().unwrap();
    let again = app
        .send_json(
            Method::POST,
            &format!("/api/v1/admin/webhooks/{endpoint}/deliveries/{delivery}/redelivery"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(again.status(), StatusCode::ACCEPTED);
    let received = receiver.wait_for(5).await;
    assert_eq!(received[4].id, received[0].id);
    receiver.stop().await;
}

#[tokio::test]
async fn endpoints_are_https_and_admins_only_and_an_unsubscribed_kind_is_not_sent() {
    let app = TestAppBuilder::default().spawn().await;
    let admin = app.token_of("admin").await;
    let form = json!({"url": "http://gestion.example.fr/hooks", "kinds": ["invoice_issued"]});
    let refused = app
        .refused(
            Method::POST,
            "/api/v1/admin/webhooks",
            Some(&admin),
            &form,
            (StatusCode::BAD_REQUEST, "validation_failed"),
        )
        .await;
    assert_eq!(refused["errors"][0]["code"], "https_required");
    let with_credentials =
        json!({"url": "https://user:pw@gestion.example.fr/hooks", "kinds": ["invoice_issued"]});
    let refused = app
        .refused(
            Method::POST,
            "/api/v1/admin/webhooks",
            Some(&admin),
            &with_credentials,
            (StatusCode::BAD_REQUEST, "validation_failed"),
        )
        .await;
    assert_eq!(refused["errors"][0]["code"], "credentials_in_url");
    let agent = app.token_of("agent").await;
    let family = app.token_of("family").await;
    let good = json!({"url": "https://gestion.example.fr/hooks", "kinds": ["invoice_issued"]});
    app.refused(
        Method::POST,
        "/api/v1/admin/webhooks",
        Some(&agent),
        &good,
        (StatusCode::FORBIDDEN, "forbidden"),
    )
    .await;
    problem(
        app.get_authed("/api/v1/admin/webhooks", &family).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let created = register_endpoint(&app, &admin, good.clone()).await;
    let id = created["id"].as_i64().unwrap();
    // A rotated secret is shown once, and differs.
    let rotated = app
        .exchange(
            Method::POST,
            &format!("/api/v1/admin/webhooks/{id}/secret"),
            Some(&admin),
            &json!({}),
            StatusCode::OK,
        )
        .await;
    assert_ne!(rotated["secret"], created["secret"]);
    let deleted = app
        .authed(
            Method::DELETE,
            &format!("/api/v1/admin/webhooks/{id}"),
            &admin,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    problem(
        app.get_authed(&format!("/api/v1/admin/webhooks/{id}"), &admin)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn endpoints_on_this_machine_or_its_network_are_refused_unless_allowed() {
    let app = app_allowing_private("false").await;
    let receiver = WebhookReceiver::start().await;
    let admin = app.token_of("admin").await;
    let form = |url: String| json!({"url": url, "kinds": ["closure_day"]});
    // Addresses written out: refused at once, the cloud's metadata service included.
    for url in [
        receiver.url.clone(),
        "https://169.254.169.254/latest/meta-data".to_owned(),
        "https://[::1]/hooks".to_owned(),
        "https://10.0.0.5/hooks".to_owned(),
    ] {
        let refused = app
            .refused(
                Method::POST,
                "/api/v1/admin/webhooks",
                Some(&admin),
                &form(url.clone()),
                (StatusCode::BAD_REQUEST, "validation_failed"),
            )
            .await;
        assert_eq!(refused["errors"][0]["code"], "private_address", "{url}");
    }
    assert_eq!(
        body_of(
            app.get_authed("/api/v1/admin/webhooks", &admin).await,
            StatusCode::OK
        )
        .await,
        json!([])
    );
    // A name is checked where it is resolved, at each delivery: `localhost` reaches
    // the receiver's port on this machine, and is refused there.
    let by_name = receiver.url.replace("127.0.0.1", "localhost");
    assert_ne!(by_name, receiver.url);
    let endpoint = register_endpoint(&app, &admin, form(by_name)).await["id"]
        .as_i64()
        .unwrap();
    close_a_booked_day(&app, &eliots_meals(&app).await, "2026-09-10").await;
    let log = settled(&app, &admin, endpoint, "pending", 1).await;
    let attempt = &log["items"][0]["log"][0];
    assert_eq!(attempt["statusCode"], Value::Null);
    let error = attempt["error"].as_str().unwrap();
    assert!(error.contains("no public address"), "{error}");
    assert!(receiver.received().is_empty());
}

#[tokio::test]
async fn an_endpoint_that_never_answers_does_not_hold_back_the_others() {
    let app = app().await;
    // Accepts connections (the kernel does) and never answers: each try waits for
    // the 10-second timeout.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_url = format!("http://{}/hooks", silent.local_addr().unwrap());
    let receiver = WebhookReceiver::start().await;
    let admin = app.token_of("admin").await;
    // The silent endpoint first: its delivery comes first in the batch.
    for url in [&silent_url, &receiver.url] {
        register_endpoint(&app, &admin, json!({"url": url, "kinds": ["closure_day"]})).await;
    }
    close_a_booked_day(&app, &eliots_meals(&app).await, "2026-09-10").await;
    // Within wait_for's 5 seconds, although the silent endpoint's try lasts 10.
    let received = receiver.wait_for(1).await;
    assert_eq!(received[0].json()["type"], "closure_day");
}

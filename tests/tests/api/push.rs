//! Push notifications: a family registers its browser, its Android phone and its
//! iPhone; a closure day reaches all three through Web Push (encrypted and signed,
//! checked and decrypted by the local push service), FCM and APNs (local servers
//! checking the requests as Google's and Apple's do). Devices the services say are
//! gone are removed; failures are retried; two instances never push one twice.

use api::clock::Clock;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use tests::push_services::{FCM_NOT_FOUND, FCM_UNAVAILABLE, FCM_UNREGISTERED, PushServices};
use tests::steps::activities::{CANTEEN, child_named, register};
use tests::steps::planning::{book, close_day};
use tests::{TestApp, TestAppBuilder, json as body_of, problem};

/// The demo on 20 July 2026, pushing to `services`.
async fn app_pushing_to(services: &PushServices) -> TestApp {
    let builder = services
        .settings()
        .into_iter()
        .fold(TestAppBuilder::default(), |b, (name, value)| {
            b.setting(name, &value)
        })
        .clock(Clock::fixed_at("2026-11-27T09:00:00Z".parse().unwrap()));
    let app = builder.spawn().await;
    app.clock.set("2026-07-20T08:00:00Z".parse().unwrap());
    app
}

/// Registers a device: 201 when new, 200 when known (`status`).
async fn subscribe(app: &TestApp, token: &str, body: &Value, status: StatusCode) -> Value {
    let response = app
        .authed(Method::POST, "/api/v1/me/push-subscriptions", token)
        .json(body)
        .send()
        .await
        .unwrap();
    body_of(response, status).await
}

/// Registers the family's browser (its keys in padded base64url when `padded`, as
/// some clients write them), Android phone (in English) and iPhone.
async fn three_devices(
    app: &TestApp,
    services: &PushServices,
    family: &str,
    padded: bool,
) -> (Value, Value, Value) {
    let browser = services.web.browser();
    let mut keys = browser.keys();
    if padded {
        keys = json!({
            "p256dh": format!("{}=", keys["p256dh"].as_str().unwrap()),
            "auth": format!("{}==", keys["auth"].as_str().unwrap()),
        });
    }
    let web = subscribe(
        app,
        family,
        &json!({"channel": "web_push", "platform": "web", "language": "fr", "label": "Firefox", "endpoint": browser.endpoint, "keys": keys}),
        StatusCode::CREATED,
    )
    .await;
    let android = subscribe(
        app,
        family,
        &json!({"channel": "fcm", "platform": "android", "language": "en", "label": "Pixel", "token": "fcm-token-pixel"}),
        StatusCode::CREATED,
    )
    .await;
    let iphone = subscribe(
        app,
        family,
        &json!({"channel": "apns", "platform": "ios", "language": "fr", "label": "iPhone", "token": "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"}),
        StatusCode::CREATED,
    )
    .await;
    (web, android, iphone)
}

/// Eliot booked at the canteen on the `days` of September 2026.
async fn eliot_booked(app: &TestApp, family: &str, days: &[&str]) {
    let eliot = child_named(app, family, "Eliot").await;
    let meal = register(app, family, eliot, CANTEEN).await;
    book(app, family, eliot, meal, days).await;
}

fn deliveries(
    app: &TestApp,
) -> Vec<(
    i64,
    Option<chrono::NaiveDateTime>,
    Option<chrono::NaiveDateTime>,
    i32,
)> {
    use diesel::prelude::*;
    use persistence::schema::push_deliveries as d;
    d::table
        .order(d::id)
        .select((d::subscription_id, d::sent_at, d::failed_at, d::attempts))
        .load(&mut app.database.connect())
        .unwrap()
}

#[tokio::test]
async fn a_closure_day_reaches_a_browser_an_android_phone_and_an_iphone() {
    let services = PushServices::start().await;
    let app = app_pushing_to(&services).await;
    let family = app.token_of("family").await;

    let channels = body_of(app.get("/api/v1/push/channels").await, StatusCode::OK).await;
    assert_eq!(
        channels["webPush"]["applicationServerKey"],
        services.vapid.1
    );
    assert_eq!(
        (channels["fcm"].as_bool(), channels["apns"].as_bool()),
        (Some(true), Some(true))
    );

    let (web, android, iphone) = three_devices(&app, &services, &family, true).await;
    assert_eq!(android["language"], "en");
    // An app registers at each start: the same token is the same device.
    let again = subscribe(
        &app,
        &family,
        &json!({"channel": "fcm", "platform": "android", "language": "en", "label": "Pixel 9", "token": "fcm-token-pixel"}),
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["id"], android["id"]);
    assert_eq!(again["label"], "Pixel 9");
    let listed = body_of(
        app.get_authed("/api/v1/me/push-subscriptions", &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed.as_array().map(Vec::len), Some(3), "{listed}");

    eliot_booked(&app, &family, &["2026-09-10"]).await;
    close_day(&app, "2026-09-10").await;
    let told = app.notifications(&family).await;
    let notification = told
        .iter()
        .find(|n| n["kind"] == "closure_day")
        .unwrap()
        .clone();

    // The browser: decrypted with its key, signed with the announced one.
    let pushed = services.web.script.wait_for(1).await;
    assert!(web["id"].is_i64());
    let payload = &pushed[0].body;
    assert_eq!(payload["notificationId"], notification["id"]);
    assert_eq!(payload["kind"], "closure_day");
    assert_eq!(payload["title"], "Fermeture");
    assert_eq!(payload["body"], notification["title"]);
    assert_eq!(payload["link"], notification["link"]);
    assert_eq!(payload["data"], notification["data"]);

    // The Android phone, in English, through FCM v1 with an OAuth token.
    let sent = services.fcm.script.wait_for(1).await;
    assert_eq!(sent[0].device, "fcm-token-pixel");
    let message = &sent[0].body;
    assert_eq!(message["notification"]["title"], "Closure day");
    assert_eq!(
        message["notification"]["body"],
        "The city closed a day: its bookings are cancelled, not billed."
    );
    assert_eq!(message["data"]["kind"], "closure_day");
    assert_eq!(
        message["data"]["notificationId"],
        notification["id"].to_string()
    );
    let data: Value = serde_json::from_str(message["data"]["data"].as_str().unwrap()).unwrap();
    assert_eq!(data, notification["data"]);

    // The iPhone, through APNs over HTTP/2 with a provider token.
    let sent = services.apns.script.wait_for(1).await;
    assert_eq!(sent[0].body["aps"]["alert"]["title"], "Fermeture");
    assert_eq!(sent[0].body["aps"]["alert"]["body"], notification["title"]);
    assert_eq!(sent[0].body["notificationId"], notification["id"]);
    assert!(iphone["id"].is_i64());

    // Each sent once, and recorded so.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let rows = deliveries(&app);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(
        rows.iter().all(|(_, sent, failed, attempts)| sent.is_some()
            && failed.is_none()
            && *attempts == 1),
        "{rows:?}"
    );
    let listed = body_of(
        app.get_authed("/api/v1/me/push-subscriptions", &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["lastPushedAt"].is_string()),
        "{listed}"
    );
    assert!(
        services.web.script.refused().is_empty()
            && services.fcm.script.refused().is_empty()
            && services.apns.script.refused().is_empty()
    );
}

#[tokio::test]
async fn devices_the_services_say_are_gone_are_removed_and_failures_retried() {
    let services = PushServices::start().await;
    let app = app_pushing_to(&services).await;
    let family = app.token_of("family").await;
    let (web, android, iphone) = three_devices(&app, &services, &family, false).await;
    eliot_booked(&app, &family, &["2026-09-10", "2026-09-11", "2026-09-14"]).await;

    // First closure: the browser unsubscribed (410), FCM is overloaded (503), the
    // iPhone's token is not valid any more.
    services.web.script.answer_next(&[(410, "")]);
    services.fcm.script.answer_next(&[(503, FCM_UNAVAILABLE)]);
    services
        .apns
        .script
        .answer_next(&[(400, r#"{"reason": "BadDeviceToken"}"#)]);
    close_day(&app, "2026-09-10").await;
    services.web.script.wait_for(1).await;
    services.fcm.script.wait_for(1).await;
    services.apns.script.wait_for(1).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let listed = body_of(
        app.get_authed("/api/v1/me/push-subscriptions", &family)
            .await,
        StatusCode::OK,
    )
    .await;
    let ids: Vec<&Value> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["id"])
        .collect();
    assert_eq!(
        ids,
        vec![&android["id"]],
        "only the Android phone is left: {listed}"
    );
    assert!(web["id"] != android["id"] && iphone["id"] != android["id"]);
    // The failed push waits for its retry, a minute later.
    let rows = deliveries(&app);
    assert_eq!(
        rows.len(),
        1,
        "the gone devices' pushes went with them: {rows:?}"
    );
    assert_eq!((rows[0].1, rows[0].2, rows[0].3), (None, None, 1));
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(
        services.fcm.script.received().len(),
        1,
        "not retried before its time"
    );
    app.clock.set("2026-07-20T08:02:00Z".parse().unwrap());
    let sent = services.fcm.script.wait_for(2).await;
    assert_eq!(sent[1].status, 200);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let rows = deliveries(&app);
    assert!(rows[0].1.is_some() && rows[0].3 == 2, "{rows:?}");

    // Second closure: a 404 that does not say the token is unregistered (a wrong
    // project, say) gives the push up but keeps the device.
    services.fcm.script.answer_next(&[(404, FCM_NOT_FOUND)]);
    close_day(&app, "2026-09-11").await;
    services.fcm.script.wait_for(3).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let rows = deliveries(&app);
    assert!(
        rows[1].1.is_none() && rows[1].2.is_some() && rows[1].3 == 1,
        "given up: {rows:?}"
    );
    let listed = body_of(
        app.get_authed("/api/v1/me/push-subscriptions", &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");

    // Third closure: the app was uninstalled.
    services.fcm.script.answer_next(&[(404, FCM_UNREGISTERED)]);
    close_day(&app, "2026-09-14").await;
    services.fcm.script.wait_for(4).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let listed = body_of(
        app.get_authed("/api/v1/me/push-subscriptions", &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed, json!([]));
}

#[tokio::test]
async fn push_can_be_turned_off_per_kind_and_a_device_removed() {
    let services = PushServices::start().await;
    let app = app_pushing_to(&services).await;
    let family = app.token_of("family").await;
    let (web, ..) = three_devices(&app, &services, &family, false).await;

    let chosen = app
        .exchange(
            Method::PUT,
            "/api/v1/me/notification-preferences",
            Some(&family),
            &json!([{"kind": "closure_day", "push": false}]),
            StatusCode::OK,
        )
        .await;
    let closure = chosen
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "closure_day")
        .unwrap();
    // The email choice is kept.
    assert_eq!(
        (closure["email"].as_bool(), closure["push"].as_bool()),
        (Some(true), Some(false))
    );
    eliot_booked(&app, &family, &["2026-09-10"]).await;
    close_day(&app, "2026-09-10").await;
    assert!(
        app.notification_kinds(&family)
            .await
            .contains(&"closure_day".to_owned())
    );
    assert_eq!(app.emails_to("famille.ti@exemple.fr").len(), 1);
    assert!(deliveries(&app).is_empty(), "nothing queued for push");

    let path = format!("/api/v1/me/push-subscriptions/{}", web["id"]);
    let removed = app
        .authed(Method::DELETE, &path, &family)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    let listed = body_of(
        app.get_authed("/api/v1/me/push-subscriptions", &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed.as_array().map(Vec::len), Some(2));
    problem(
        app.authed(Method::DELETE, &path, &family)
            .send()
            .await
            .unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // Another family's device is not this one's to remove.
    let android = &listed[0]["id"];
    let (others, _) = app.create_families(1, "CP").await.remove(0);
    problem(
        app.authed(
            Method::DELETE,
            &format!("/api/v1/me/push-subscriptions/{android}"),
            &others,
        )
        .send()
        .await
        .unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // The phone changes hands: signed in to another family, it is theirs alone.
    let handed = subscribe(
        &app,
        &others,
        &json!({"channel": "fcm", "platform": "android", "language": "fr", "label": "Pixel", "token": "fcm-token-pixel"}),
        StatusCode::CREATED,
    )
    .await;
    assert_ne!(&handed["id"], android);
    let listed = body_of(
        app.get_authed("/api/v1/me/push-subscriptions", &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["label"] != "Pixel"),
        "{listed}"
    );
}

#[tokio::test]
async fn a_subscription_must_carry_what_its_channel_needs_and_a_channel_the_city_offers() {
    let services = PushServices::start().await;
    let app = app_pushing_to(&services).await;
    let family = app.token_of("family").await;
    let refused = |body: Value| {
        let app = &app;
        let family = family.clone();
        async move {
            problem(
                app.authed(Method::POST, "/api/v1/me/push-subscriptions", &family)
                    .json(&body)
                    .send()
                    .await
                    .unwrap(),
                StatusCode::BAD_REQUEST,
                "validation_failed",
            )
            .await
        }
    };
    let fields = |problem: &Value| -> Vec<(String, String)> {
        problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["field"].as_str().unwrap().to_owned(),
                    e["code"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let web = |extra: Value| {
        let mut body =
            json!({"channel": "web_push", "platform": "web", "language": "fr", "label": "Firefox"});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    let answer = refused(web(json!({"token": "x"}))).await;
    assert_eq!(
        fields(&answer),
        vec![
            ("endpoint".into(), "required".into()),
            ("keys".into(), "required".into()),
            ("token".into(), "not_for_channel".into())
        ]
    );
    let browser = services.web.browser();
    let answer = refused(web(json!({"endpoint": "ftp://push.example/abc", "keys": {"p256dh": "B".repeat(87), "auth": "shortsecret-but-not-16b"}}))).await;
    assert_eq!(
        fields(&answer),
        vec![
            ("endpoint".into(), "https_required".into()),
            ("keys.p256dh".into(), "invalid_key".into()),
            ("keys.auth".into(), "invalid_key".into())
        ]
    );
    let answer = refused(json!({"channel": "apns", "platform": "ios", "language": "fr", "label": "iPhone", "token": "not hex", "endpoint": browser.endpoint})).await;
    assert_eq!(
        fields(&answer),
        vec![
            ("token".into(), "invalid_token".into()),
            ("endpoint".into(), "not_for_channel".into())
        ]
    );
    assert!(deliveries(&app).is_empty());

    // Endpoints on the server's own network are refused where private addresses are.
    let strict = app
        .another_instance_with(&[("PUSH_ALLOW_PRIVATE", "false")])
        .await;
    for (endpoint, code) in [
        ("https://10.0.0.5:8443/push/abc", "private_address"),
        ("https://[fd00::1]/push/abc", "private_address"),
        ("https://169.254.169.254/latest", "private_address"),
        (browser.endpoint.as_str(), "https_required"),
    ] {
        let answer = problem(
            strict
                .authed(Method::POST, "/api/v1/me/push-subscriptions", &family)
                .json(&web(json!({"endpoint": endpoint, "keys": browser.keys()})))
                .send()
                .await
                .unwrap(),
            StatusCode::BAD_REQUEST,
            "validation_failed",
        )
        .await;
        assert_eq!(
            fields(&answer),
            vec![("endpoint".to_owned(), code.to_owned())],
            "{endpoint}"
        );
    }

    // A city with no push keys offers no channel.
    let plain = tests::spawn_app().await;
    let channels = body_of(plain.get("/api/v1/push/channels").await, StatusCode::OK).await;
    assert_eq!(
        channels,
        json!({"webPush": null, "fcm": false, "apns": false})
    );
    let family = plain.token_of("family").await;
    plain
        .refused(
            Method::POST,
            "/api/v1/me/push-subscriptions",
            Some(&family),
            &json!({"channel": "fcm", "platform": "android", "language": "fr", "label": "Pixel", "token": "abc"}),
            (StatusCode::UNPROCESSABLE_ENTITY, "push_channel_unavailable"),
        )
        .await;
}

#[tokio::test]
async fn two_instances_never_push_one_notification_twice() {
    let services = PushServices::start().await;
    let first = app_pushing_to(&services).await;
    let second = first.another_instance().await;
    let family = first.token_of("family").await;
    three_devices(&first, &services, &family, false).await;
    let days = [
        "2026-09-07",
        "2026-09-08",
        "2026-09-10",
        "2026-09-11",
        "2026-09-14",
        "2026-09-15",
    ];
    eliot_booked(&first, &family, &days).await;
    for (i, day) in days.iter().enumerate() {
        // The agents close days through both servers.
        close_day(if i % 2 == 0 { &first } else { &second }, day).await;
    }
    for script in [
        &services.web.script,
        &services.fcm.script,
        &services.apns.script,
    ] {
        let received = script.wait_for(days.len()).await;
        let mut ids: Vec<String> = received
            .iter()
            .map(|r| {
                let body = &r.body;
                body.get("notificationId")
                    .or_else(|| body["data"].get("notificationId"))
                    .map(|v| v.to_string().trim_matches('"').to_owned())
                    .unwrap()
            })
            .collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), days.len(), "{received:?}");
    }
    // Both instances kept polling a while longer: still one push each.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(services.web.script.received().len(), days.len());
    assert_eq!(services.fcm.script.received().len(), days.len());
    assert_eq!(services.apns.script.received().len(), days.len());
    assert_eq!(deliveries(&first).len(), 3 * days.len());
}

#[tokio::test]
async fn signing_out_of_a_device_stops_its_pushes_until_it_registers_again() {
    let services = PushServices::start().await;
    // This instance queues but does not send (its first round ran at its start).
    let builder = services
        .settings()
        .into_iter()
        .fold(TestAppBuilder::default(), |b, (name, value)| {
            b.setting(name, &value)
        })
        .setting("PUSH_POLL_MILLIS", "60000")
        .clock(Clock::fixed_at("2026-11-27T09:00:00Z".parse().unwrap()));
    let app = builder.spawn().await;
    app.clock.set("2026-07-20T08:00:00Z".parse().unwrap());
    let (phone, tablet) = (app.token_of("family").await, app.token_of("family").await);
    let android = json!({"channel": "fcm", "platform": "android", "language": "fr", "label": "Pixel", "token": "fcm-token-pixel"});
    subscribe(&app, &phone, &android, StatusCode::CREATED).await;
    subscribe(
        &app,
        &tablet,
        &json!({"channel": "apns", "platform": "ios", "language": "fr", "label": "iPad", "token": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}),
        StatusCode::CREATED,
    )
    .await;
    eliot_booked(&app, &tablet, &["2026-09-10", "2026-09-11", "2026-09-14"]).await;
    close_day(&app, "2026-09-10").await;
    assert_eq!(deliveries(&app).len(), 2);

    // The family signs out of the phone before the pushes leave.
    let out = app
        .authed(Method::POST, "/api/v1/auth/logout", &phone)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let listed = body_of(
        app.get_authed("/api/v1/me/push-subscriptions", &tablet)
            .await,
        StatusCode::OK,
    )
    .await;
    let active: Vec<(String, bool)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["label"].as_str().unwrap().to_owned(),
                s["active"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        active,
        vec![("Pixel".to_owned(), false), ("iPad".to_owned(), true)]
    );

    // A sending instance: the tablet's push goes (after APNs, unavailable at first, is
    // tried again), the phone's is given up.
    services
        .apns
        .script
        .answer_next(&[(503, r#"{"reason": "ServiceUnavailable"}"#)]);
    let sender = app
        .another_instance_with(&[("PUSH_POLL_MILLIS", "20")])
        .await;
    services.apns.script.wait_for(1).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        services.apns.script.received().len(),
        1,
        "not before its retry"
    );
    app.clock.set("2026-07-20T08:02:00Z".parse().unwrap());
    let sent = services.apns.script.wait_for(2).await;
    assert_eq!((sent[0].status, sent[1].status), (503, 200));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(services.fcm.script.received().is_empty());
    let rows = deliveries(&app);
    assert!(
        rows.iter().all(|r| r.1.is_some() != r.2.is_some()),
        "each sent or given up: {rows:?}"
    );
    assert_eq!(rows.iter().filter(|r| r.2.is_some()).count(), 1);

    // While signed out, nothing is queued for the phone.
    close_day(&sender, "2026-09-11").await;
    services.apns.script.wait_for(3).await;
    assert_eq!(deliveries(&app).len(), 3);

    // Signed in again, the app registers at its start: pushes come back.
    let phone = app.token_of("family").await;
    let again = subscribe(&app, &phone, &android, StatusCode::OK).await;
    assert_eq!(again["active"], true);
    close_day(&sender, "2026-09-14").await;
    let sent = services.fcm.script.wait_for(1).await;
    assert_eq!(sent[0].device, "fcm-token-pixel");
}

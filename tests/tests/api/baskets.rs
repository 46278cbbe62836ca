//! Holiday weeks paid at once (the guide's "inscriptions en paiement immédiat"):
//! Thomas takes the weeks of 12-16 July 2027 (14 July off: 60.88 EUR) and 19-23
//! July (76.10 EUR) in one basket, pays in the sandbox and is booked; an abandoned
//! payment and an expired hold give the places back; a client's price is ignored.

use api::clock::Clock;
use chrono::{Duration, TimeZone, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use tests::payfip::FakePayFip;
use tests::steps::activities::child_named;
use tests::steps::baskets::{
    add, checkout, checkouts_at_once, end_payment, open_basket, sandbox_form, set_booking_window,
    summer_offered_to, thomas_and_summer, week, weeks,
};
use tests::steps::billing::set_attempts;
use tests::{TestApp, TestAppBuilder, json as body_of, problem};

/// The app on 26 November 2026, taking payments at PayFiP (the fake).
async fn payfip_app(fake: &FakePayFip) -> TestApp {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 26, 10, 0, 0)
        .single()
        .unwrap();
    TestAppBuilder::default()
        .clock(Clock::fixed_at(now))
        .paying_at(fake)
        .spawn()
        .await
}

async fn app() -> TestApp {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 26, 10, 0, 0)
        .single()
        .unwrap();
    TestAppBuilder::default()
        .clock(Clock::fixed_at(now))
        .spawn()
        .await
}

async fn join_line(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    app.send_json(Method::POST, "/api/v1/basket/waitlist", Some(token), body)
        .await
}

/// Starts paying a basket under `key`.
async fn pay_basket(app: &TestApp, token: &str, basket: &Value, key: &str) -> reqwest::Response {
    app.authed(
        Method::POST,
        &format!("/api/v1/baskets/{}/online-payments", basket["id"]),
        token,
    )
    .header("Idempotency-Key", key)
    .send()
    .await
    .unwrap()
}

#[tokio::test]
async fn thomas_takes_two_july_weeks_in_one_basket_pays_in_the_sandbox_and_is_booked() {
    let app = app().await;
    let family = app.token_of("family").await;
    let (thomas, summer) = thomas_and_summer(&app, &family).await;

    let offered = weeks(&app, &family, thomas, summer).await;
    let first = week(&offered, "2027-07-12");
    assert_eq!(first["days"].as_array().unwrap().len(), 4);
    assert!(
        !first["days"]
            .as_array()
            .unwrap()
            .contains(&json!("2027-07-14"))
    );
    assert_eq!(first["priceCents"], 6088);
    assert_eq!(week(&offered, "2027-07-19")["priceCents"], 7610);
    assert_eq!(first["groups"][0]["placesLeft"], 24);

    // A client cannot set a price: the field is refused, and the server prices the weeks.
    let priced = add(
        &app,
        &family,
        json!({"childId": thomas, "activityId": summer, "weekStart": "2027-07-12",
               "amountCents": 1}),
    )
    .await;
    problem(priced, StatusCode::BAD_REQUEST, "unknown_field").await;
    for start in ["2027-07-12", "2027-07-19"] {
        let response = add(
            &app,
            &family,
            json!({"childId": thomas, "activityId": summer, "weekStart": start}),
        )
        .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let basket = open_basket(&app, &family).await;
    assert_eq!(basket["status"], "open");
    let amounts: Vec<i64> = basket["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["amountCents"].as_i64().unwrap())
        .collect();
    assert_eq!(amounts, [6088, 7610]);
    assert_eq!(basket["totalCents"], 13698);
    problem(
        add(
            &app,
            &family,
            json!({"childId": thomas, "activityId": summer, "weekStart": "2027-07-14"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;

    // Checkout needs a key; the same key again is the same checkout.
    let missing = app
        .authed(Method::POST, "/api/v1/basket/checkout", &family)
        .send()
        .await
        .unwrap();
    problem(missing, StatusCode::BAD_REQUEST, "validation_failed").await;
    let held = body_of(
        checkout(&app, &family, "checkout-thomas-july").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(held["status"], "held");
    assert_eq!(held["payment"]["amountCents"], 13698);
    let again = body_of(
        checkout(&app, &family, "checkout-thomas-july").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["id"], held["id"]);
    assert_eq!(again["payment"]["reference"], held["payment"]["reference"]);
    assert_eq!(
        week(&weeks(&app, &family, thomas, summer).await, "2027-07-12")["groups"][0]["placesLeft"],
        23
    );

    // The sandbox's page, then "paid": booked, emailed, and a replay changes nothing.
    let page_path = TestApp::local(held["payment"]["redirectUrl"].as_str().unwrap());
    let page = app.get(page_path).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("136,98 EUR"));
    // Only the page's own form ends it: no other ending, no other field, no other payment.
    for (form, code) in [
        ("result=free", "invalid_body"),
        ("", "invalid_body"),
        ("result=paid&amountCents=1", "unknown_field"),
    ] {
        problem(
            sandbox_form(&app, page_path, form).await,
            StatusCode::BAD_REQUEST,
            code,
        )
        .await;
    }
    problem(
        sandbox_form(
            &app,
            "/api/v1/sandbox/payments/0123456789abcdef",
            "result=paid",
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(
        body_of(
            app.get_authed(&format!("/api/v1/baskets/{}", held["id"]), &family)
                .await,
            StatusCode::OK,
        )
        .await["status"],
        "held"
    );
    let back = end_payment(&app, &held, "paid").await;
    assert_eq!(back.status(), StatusCode::SEE_OTHER);
    // Back where PayFiP returns families; the result is read from the attempt.
    let idop = held["payment"]["idop"].as_str().unwrap();
    assert_eq!(
        back.headers()["location"],
        format!("{}/paiement/retour?idop={idop}", tests::FRONTEND_URL).as_str()
    );
    let attempt = body_of(
        app.get_authed(&format!("/api/v1/online-payments/{idop}"), &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(attempt["status"], "paid");
    assert_eq!(attempt["basketId"], held["id"]);
    assert_eq!(attempt["invoiceId"], Value::Null);
    end_payment(&app, &held, "refused").await;
    let paid = body_of(
        app.get_authed(&format!("/api/v1/baskets/{}", held["id"]), &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(paid["status"], "paid");
    let booked = body_of(
        app.get_authed("/api/v1/holiday-weeks", &family).await,
        StatusCode::OK,
    )
    .await;
    let starts: Vec<&str> = booked
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["weekStart"].as_str().unwrap())
        .collect();
    assert_eq!(starts, ["2027-07-19", "2027-07-12"]);
    let receipts: Vec<_> = app
        .emails_to("famille.ti@exemple.fr")
        .into_iter()
        .filter(|e| e.kind == "payment_received")
        .collect();
    assert_eq!(receipts.len(), 1);
    assert!(receipts[0].text_body.contains("136,98 EUR"));
    let paid = &app.notifications(&family).await[0];
    assert_eq!(paid["kind"], "payment_received");
    assert_eq!(paid["data"]["amountCents"], 13698);
    assert_eq!(
        week(&weeks(&app, &family, thomas, summer).await, "2027-07-12")["groups"][0]["placesLeft"],
        23
    );

    // A booked week cannot be taken twice.
    problem(
        add(
            &app,
            &family,
            json!({"childId": thomas, "activityId": summer, "weekStart": "2027-07-12"}),
        )
        .await,
        StatusCode::CONFLICT,
        "already_registered",
    )
    .await;
}

#[tokio::test]
async fn an_abandoned_payment_and_an_expired_hold_give_the_places_back() {
    let app = app().await;
    let family = app.token_of("family").await;
    let (thomas, summer) = thomas_and_summer(&app, &family).await;
    let places = |weeks: Value| {
        week(&weeks, "2027-07-26")["groups"][0]["placesLeft"]
            .as_i64()
            .unwrap()
    };

    let item = json!({"childId": thomas, "activityId": summer, "weekStart": "2027-07-26"});
    assert_eq!(
        add(&app, &family, item.clone()).await.status(),
        StatusCode::OK
    );
    let held = body_of(
        checkout(&app, &family, "checkout-abandoned-1").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(places(weeks(&app, &family, thomas, summer).await), 23);
    end_payment(&app, &held, "abandoned").await;
    let abandoned = body_of(
        app.get_authed(&format!("/api/v1/baskets/{}", held["id"]), &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(abandoned["status"], "abandoned");
    assert_eq!(places(weeks(&app, &family, thomas, summer).await), 24);

    // Not paid in time: the hold ends and the places go back; a payment reported
    // late takes them again while they are free (the family paid).
    assert_eq!(add(&app, &family, item).await.status(), StatusCode::OK);
    let held = body_of(
        checkout(&app, &family, "checkout-expiring-2").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(places(weeks(&app, &family, thomas, summer).await), 23);
    // The basket being paid no longer changes: a new item opens a new basket.
    let next = json!({"childId": thomas, "activityId": summer, "weekStart": "2027-08-02"});
    let fresh = body_of(add(&app, &family, next).await, StatusCode::OK).await;
    assert_ne!(fresh["id"], held["id"]);
    let still = body_of(
        app.get_authed(&format!("/api/v1/baskets/{}", held["id"]), &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(still["items"].as_array().unwrap().len(), 1);
    app.clock.advance(Duration::minutes(21));
    let family = app.token_of("family").await;
    assert_eq!(places(weeks(&app, &family, thomas, summer).await), 24);
    let expired = body_of(
        app.get_authed(&format!("/api/v1/baskets/{}", held["id"]), &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(expired["status"], "expired");
    end_payment(&app, &held, "paid").await;
    let late = body_of(
        app.get_authed(&format!("/api/v1/baskets/{}", held["id"]), &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(late["status"], "paid");
    assert_eq!(places(weeks(&app, &family, thomas, summer).await), 23);

    // Another family sees nothing of it and cannot book for Thomas.
    let durand = app
        .sign_up_family(
            ("19", "DURAND", "famille.durand@exemple.fr"),
            "m.durand",
            "m.durand@exemple.fr",
        )
        .await;
    problem(
        app.get_authed(&format!("/api/v1/baskets/{}", held["id"]), &durand)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    problem(
        add(
            &app,
            &durand,
            json!({"childId": thomas, "activityId": summer, "weekStart": "2027-08-02"}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    problem(
        body_of_empty_checkout(&app, &durand).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "basket_empty",
    )
    .await;
}

/// A prepaid activity for CP children from 5 July 2027, 10 EUR a day, one group; its
/// booking period opened by the city until 1 July 2027.
async fn prepaid_activity(
    app: &TestApp,
    agent: &str,
    name: &str,
    ends_on: &str,
    capacity: i64,
) -> i64 {
    let id = app.exchange(Method::POST, "/api/v1/admin/activities", Some(agent), &json!({"kindId": 6, "name": name, "startsOn": "2027-07-05", "endsOn": ends_on,
                    "levels": ["CP"], "mode": "prepaid", "entryRule": "chosen", "familyChoosesGroup": false,
                    "siblingRatePercent": null, "cancellable": false,
                    "units": [{"name": "Journée", "startsAt": "08:30", "endsAt": "17:30", "weekdays": [1, 2, 3, 4, 5],
                               "prices": [{"maxQuotient": null, "priceCents": 1000}]}],
                    "groups": [{"name": "Groupe", "capacity": capacity}]}), StatusCode::CREATED)
    .await["id"]
        .as_i64()
        .unwrap();
    set_booking_window(app, id, "2026-01-01T00:00:00", "2027-07-01T00:00:00").await;
    id
}

async fn body_of_empty_checkout(app: &TestApp, token: &str) -> reqwest::Response {
    checkout(app, token, "checkout-nothing-3").await
}

#[tokio::test]
async fn a_freed_week_is_offered_to_the_first_waiting_then_to_the_next_when_unpaid() {
    let app = app().await;
    let agent = app.token_of("agent").await;
    let activity = prepaid_activity(&app, &agent, "Séjour nature", "2027-07-30", 1).await;
    let families = app.create_families(3, "CP").await;
    let item =
        |child: i64| json!({"childId": child, "activityId": activity, "weekStart": "2027-07-05"});
    let (a, b, c) = (&families[0], &families[1], &families[2]);

    assert_eq!(add(&app, &a.0, item(a.1)).await.status(), StatusCode::OK);
    let held = body_of(
        checkout(&app, &a.0, "checkout-family-a").await,
        StatusCode::OK,
    )
    .await;
    // While A pays, the week is full: B and C wait in line; B cannot book it.
    app.refused(
        Method::POST,
        "/api/v1/basket/waitlist",
        Some(&a.0),
        &item(a.1),
        (StatusCode::CONFLICT, "already_registered"),
    )
    .await;
    let waiting = app
        .exchange(
            Method::POST,
            "/api/v1/basket/waitlist",
            Some(&b.0),
            &item(b.1),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(
        (waiting["status"].as_str(), waiting["position"].as_i64()),
        (Some("waiting"), Some(1))
    );
    let second = app
        .exchange(
            Method::POST,
            "/api/v1/basket/waitlist",
            Some(&c.0),
            &item(c.1),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(second["position"], 2);
    app.refused(
        Method::POST,
        "/api/v1/basket/waitlist",
        Some(&b.0),
        &item(b.1),
        (StatusCode::CONFLICT, "already_registered"),
    )
    .await;

    // A abandons: the place is offered to B, who is emailed.
    end_payment(&app, &held, "abandoned").await;
    let line = body_of(
        app.get_authed("/api/v1/holiday-waitlist", &b.0).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(line[0]["status"], "offered");
    assert_eq!(line[0]["offer"]["status"], "held");
    assert_eq!(line[0]["offer"]["totalCents"], 5000);
    assert!(line[0]["offer"]["payment"]["redirectUrl"].is_string());
    assert!(
        app.emails_to("famille.test1@exemple.fr")
            .iter()
            .any(|e| e.kind == "waitlist_offer")
    );
    let offered = &app.notifications(&b.0).await[0];
    assert_eq!(offered["kind"], "waitlist_offer");
    assert_eq!(offered["data"]["amountCents"], 5000);
    let c_line = body_of(
        app.get_authed("/api/v1/holiday-waitlist", &c.0).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(c_line[0]["position"], 1);

    // B does not pay within 24 hours: the offer lapses and goes to C, who pays.
    app.clock.advance(Duration::hours(25));
    let c_token = app.login("famille.test2", "Famille-Test-2026!").await["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let c_line = body_of(
        app.get_authed("/api/v1/holiday-waitlist", &c_token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(c_line[0]["status"], "offered");
    let b_token = app.login("famille.test1", "Famille-Test-2026!").await["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let b_line = body_of(
        app.get_authed("/api/v1/holiday-waitlist", &b_token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(b_line[0]["status"], "lapsed");
    // B's link no longer pays: the basket it offered is no longer held.
    let b_offer = b_line[0]["offer"]["payment"]["reference"].as_str().unwrap();
    assert_eq!(b_line[0]["offer"]["status"], "expired");
    problem(
        sandbox_form(
            &app,
            &format!("/api/v1/sandbox/payments/{b_offer}"),
            "result=paid",
        )
        .await,
        StatusCode::CONFLICT,
        "basket_not_open",
    )
    .await;
    let back = end_payment(&app, &c_line[0]["offer"], "paid").await;
    assert_eq!(back.status(), StatusCode::SEE_OTHER);
    let booked = body_of(
        app.get_authed("/api/v1/holiday-weeks", &c_token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(booked[0]["weekStart"], "2027-07-05");
    let c_line = body_of(
        app.get_authed("/api/v1/holiday-waitlist", &c_token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(c_line[0]["status"], "taken");
}

#[tokio::test]
async fn thirty_families_checking_out_one_week_of_five_places_at_once_hold_exactly_five() {
    let app = app().await;
    let agent = app.token_of("agent").await;
    let activity = prepaid_activity(&app, &agent, "Stage cirque", "2027-07-09", 5).await;
    let families = app.create_families(30, "CP").await;
    for (token, child) in &families {
        let item = json!({"childId": child, "activityId": activity, "weekStart": "2027-07-05"});
        assert_eq!(add(&app, token, item).await.status(), StatusCode::OK);
    }
    let mut set = tokio::task::JoinSet::new();
    for (i, (token, _)) in families.iter().enumerate() {
        let request = app
            .authed(Method::POST, "/api/v1/basket/checkout", token)
            .header("Idempotency-Key", format!("rush-checkout-{i:04}"));
        set.spawn(async move { request.send().await.unwrap().status() });
    }
    let mut statuses = Vec::new();
    while let Some(status) = set.join_next().await {
        statuses.push(status.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        5,
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::UNPROCESSABLE_ENTITY),
        "{statuses:?}"
    );
    let (token, child) = &families[0];
    let left = weeks(&app, token, *child, activity).await;
    assert_eq!(week(&left, "2027-07-05")["groups"][0]["placesLeft"], 0);
}

#[tokio::test]
async fn without_the_sandbox_nothing_can_be_paid_for_free() {
    let app = TestAppBuilder::default()
        .setting("PAYMENT_SANDBOX", "false")
        .spawn()
        .await;
    let family = app.token_of("family").await;
    let (thomas, summer) = thomas_and_summer(&app, &family).await;
    let first = weeks(&app, &family, thomas, summer).await[0]["weekStart"].clone();
    assert_eq!(
        add(
            &app,
            &family,
            json!({"childId": thomas, "activityId": summer, "weekStart": first})
        )
        .await
        .status(),
        StatusCode::OK
    );
    problem(
        checkout(&app, &family, "checkout-no-sandbox").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "payments_unavailable",
    )
    .await;
    let basket = open_basket(&app, &family).await;
    assert_eq!(basket["status"], "open");
    problem(
        pay_basket(&app, &family, &basket, "paiement-no-sandbox").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "payments_unavailable",
    )
    .await;
    problem(
        app.get("/api/v1/sandbox/payments/0123456789abcdef").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn a_basket_is_paid_on_payfip_and_only_payfips_answer_books_its_week() {
    let fake = FakePayFip::start().await;
    let app = payfip_app(&fake).await;
    let family = app.token_of("family").await;
    let (thomas, summer) = thomas_and_summer(&app, &family).await;
    add(
        &app,
        &family,
        json!({"childId": thomas, "activityId": summer, "weekStart": "2027-07-19"}),
    )
    .await;
    let held = body_of(
        checkout(&app, &family, "checkout-payfip-1").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(held["status"], "held");
    let idop = held["payment"]["idop"].as_str().unwrap().to_owned();
    assert_eq!(
        held["payment"]["redirectUrl"],
        format!("https://www.payfip.gouv.fr/tpa/paiementws.web?idop={idop}")
    );
    let sent = fake.payment(&idop).fields;
    assert_eq!(sent["montant"], "7610");
    assert_eq!(
        sent["refdet"],
        format!("PANIER{:06}", held["id"].as_i64().unwrap())
    );
    // No sandbox where PayFiP takes the money.
    let reference = held["payment"]["reference"].as_str().unwrap();
    problem(
        app.get(&format!("/api/v1/sandbox/payments/{reference}"))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let notify = || {
        app.request(Method::POST, "/api/v1/payfip/notifications")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!("idOp={idop}"))
            .send()
    };
    // Notified before the family paid: nothing.
    assert_eq!(notify().await.unwrap().status(), StatusCode::OK);
    let basket = format!("/api/v1/baskets/{}", held["id"]);
    assert_eq!(
        body_of(app.get_authed(&basket, &family).await, StatusCode::OK).await["status"],
        "held"
    );
    fake.end(&idop, "P");
    assert_eq!(notify().await.unwrap().status(), StatusCode::OK);
    assert_eq!(notify().await.unwrap().status(), StatusCode::OK);
    let paid = body_of(app.get_authed(&basket, &family).await, StatusCode::OK).await;
    assert_eq!(paid["status"], "paid");
    let booked = body_of(
        app.get_authed("/api/v1/holiday-weeks", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(booked.as_array().unwrap().len(), 1);
    assert_eq!(app.emails_to("famille.ti@exemple.fr").len(), 1);
    fake.stop().await;
}

#[tokio::test]
async fn the_summer_of_the_primary_school_is_not_eliots_and_a_week_with_places_has_no_line() {
    let app = app().await;
    let family = app.token_of("family").await;
    let (thomas, summer) = thomas_and_summer(&app, &family).await;
    let eliot = tests::steps::activities::child_named(&app, &family, "Eliot").await;

    // Eliot is at nursery school: no weeks, no basket, no line for him.
    problem(
        app.get_authed(
            &format!("/api/v1/children/{eliot}/holiday-weeks?activityId={summer}"),
            &family,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_eligible",
    )
    .await;
    let eliots = json!({"childId": eliot, "activityId": summer, "weekStart": "2027-07-12"});
    problem(
        add(&app, &family, eliots.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_eligible",
    )
    .await;
    problem(
        join_line(&app, &family, &eliots).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_eligible",
    )
    .await;

    // Thomas's week has places left: it goes in the basket, there is no line to wait in.
    let thomass = json!({"childId": thomas, "activityId": summer, "weekStart": "2027-07-12"});
    problem(
        join_line(&app, &family, &thomass).await,
        StatusCode::CONFLICT,
        "places_left",
    )
    .await;
    // Nor a line for an activity that does not exist.
    problem(
        join_line(
            &app,
            &family,
            &json!({"childId": thomas, "activityId": 999_999, "weekStart": "2027-07-12"}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(
        body_of(
            app.get_authed("/api/v1/holiday-waitlist", &family).await,
            StatusCode::OK,
        )
        .await,
        json!([])
    );
    let basket = open_basket(&app, &family).await;
    assert_eq!(basket["items"], json!([]));
}

#[tokio::test]
async fn a_basket_checked_out_from_two_tabs_at_once_under_two_keys_is_held_once() {
    let app = app().await;
    let family = app.token_of("family").await;
    let (thomas, summer) = thomas_and_summer(&app, &family).await;
    let basket = body_of(
        add(
            &app,
            &family,
            json!({"childId": thomas, "activityId": summer, "weekStart": "2027-07-19"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    // Both checkouts read the basket open, then wait for the database, which another
    // writer holds for a moment: the first to write holds the basket, the second finds
    // it held.
    let mut writer = tests::locks::another_writer(&app);
    writer.run(&format!(
        "UPDATE baskets SET updated_at = updated_at WHERE id = {}",
        basket["id"]
    ));
    let mut tabs = tokio::task::JoinSet::new();
    for key in ["checkout-tab-one", "checkout-tab-two"] {
        let request = app
            .authed(Method::POST, "/api/v1/basket/checkout", &family)
            .header("Idempotency-Key", key);
        tabs.spawn(async move { request.send().await.unwrap() });
    }
    tests::locks::until_waiting(&app, 2).await;
    writer.release();
    let mut answers = Vec::new();
    while let Some(answer) = tabs.join_next().await {
        answers.push(answer.unwrap());
    }
    answers.sort_by_key(reqwest::Response::status);
    let second = answers.pop().unwrap();
    let first = answers.pop().unwrap();
    let held = body_of(first, StatusCode::OK).await;
    assert_eq!(held["id"], basket["id"]);
    assert_eq!(held["status"], "held");
    problem(second, StatusCode::CONFLICT, "basket_not_open").await;
    assert_eq!(
        week(&weeks(&app, &family, thomas, summer).await, "2027-07-19")["groups"][0]["placesLeft"],
        23
    );
}

#[tokio::test]
async fn when_payfip_is_down_or_refuses_the_weeks_stay_held_and_their_payment_starts_again() {
    let fake = FakePayFip::start().await;
    let app = payfip_app(&fake).await;
    let family = app.token_of("family").await;
    let (thomas, summer) = thomas_and_summer(&app, &family).await;
    let places = |weeks: Value, start: &str| {
        week(&weeks, start)["groups"][0]["placesLeft"]
            .as_i64()
            .unwrap()
    };
    add(
        &app,
        &family,
        json!({"childId": thomas, "activityId": summer, "weekStart": "2027-07-19"}),
    )
    .await;

    // PayFiP does not answer: the family is told to try again; the week is held.
    fake.set_down(true);
    problem(
        checkout(&app, &family, "checkout-pendant-la-panne").await,
        StatusCode::SERVICE_UNAVAILABLE,
        "payment_service_unavailable",
    )
    .await;
    assert_eq!(
        places(weeks(&app, &family, thomas, summer).await, "2027-07-19"),
        23
    );
    // The same checkout again answers the held basket, with nowhere to pay yet.
    let held = body_of(
        checkout(&app, &family, "checkout-pendant-la-panne").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(held["status"], "held");
    assert_eq!(held["payment"]["redirectUrl"], Value::Null);
    problem(
        pay_basket(&app, &family, &held, "paiement-encore-en-panne").await,
        StatusCode::SERVICE_UNAVAILABLE,
        "payment_service_unavailable",
    )
    .await;
    // Back, but refusing the payment.
    fake.set_down(false);
    fake.set_refusing(true);
    problem(
        pay_basket(&app, &family, &held, "paiement-refuse-par-payfip").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "payment_refused_by_service",
    )
    .await;
    fake.set_refusing(false);
    let started = body_of(
        pay_basket(&app, &family, &held, "paiement-enfin-cree").await,
        StatusCode::CREATED,
    )
    .await;
    let idop = started["idop"].as_str().unwrap().to_owned();
    assert_eq!(started["basketId"], held["id"]);
    assert_eq!(started["amountCents"], 7610);
    assert_eq!(
        started["redirectUrl"],
        format!("https://www.payfip.gouv.fr/tpa/paiementws.web?idop={idop}")
    );
    assert_eq!(
        fake.calls(),
        [
            "creerPaiementSecurise",
            "creerPaiementSecurise",
            "creerPaiementSecurise",
            "creerPaiementSecurise"
        ]
    );

    // Paid: the basket is no longer held, nothing more to start.
    fake.end(&idop, "P");
    let notified = app
        .request(Method::POST, "/api/v1/payfip/notifications")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("idOp={idop}"))
        .send()
        .await
        .unwrap();
    assert_eq!(notified.status(), StatusCode::OK);
    problem(
        pay_basket(&app, &family, &held, "paiement-apres-coup").await,
        StatusCode::CONFLICT,
        "basket_not_open",
    )
    .await;
    // Nor can a basket still being filled be paid.
    let open = body_of(
        add(
            &app,
            &family,
            json!({"childId": thomas, "activityId": summer, "weekStart": "2027-07-26"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    problem(
        pay_basket(&app, &family, &open, "paiement-panier-ouvert").await,
        StatusCode::CONFLICT,
        "basket_not_open",
    )
    .await;

    // A checkout PayFiP refuses holds its week all the same, to be paid again.
    fake.set_refusing(true);
    problem(
        checkout(&app, &family, "checkout-refuse-par-payfip").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "payment_refused_by_service",
    )
    .await;
    assert_eq!(
        places(weeks(&app, &family, thomas, summer).await, "2027-07-26"),
        23
    );
    let refused = body_of(
        app.get_authed(&format!("/api/v1/baskets/{}", open["id"]), &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(refused["status"], "held");
    fake.stop().await;
}

/// A 422 `code` for a week outside its window (`opensAt`, `closesAt`), whose detail
/// gives the Paris time `paris`.
async fn outside_window(
    response: reqwest::Response,
    code: &str,
    (opens, closes): (&str, &str),
    paris: &str,
) -> Value {
    let refused = problem(response, StatusCode::UNPROCESSABLE_ENTITY, code).await;
    assert_eq!(refused["opensAt"], opens);
    assert_eq!(refused["closesAt"], closes);
    let detail = refused["detail"].as_str().unwrap();
    assert!(detail.contains(paris), "{refused}");
    refused
}

#[tokio::test]
async fn a_summer_week_is_booked_only_inside_the_period_the_city_opens() {
    let app = app().await;
    let family = app.token_of("family").await;
    let thomas = child_named(&app, &family, "Thomas").await;
    let summer = summer_offered_to(&app, &family, thomas).await;
    let item = json!({"childId": thomas, "activityId": summer, "weekStart": "2027-07-12"});

    // The demo's period: opened by the city the day the demo was made, until the summer.
    let offered = weeks(&app, &family, thomas, summer).await;
    let july = week(&offered, "2027-07-12");
    assert_eq!(july["bookableNow"], true);
    assert_eq!(july["bookableFrom"], "2026-11-25T23:00:00Z");
    assert_eq!(july["bookableUntil"], "2027-07-04T22:00:00Z");

    // Without a period of the city's, a summer centre cannot be booked at all (the
    // guide's "Période définie par la Ville").
    let agent = app.token_of("agent").await;
    app.exchange(
        Method::PUT,
        &format!("/api/v1/admin/activities/{summer}/deadline-rules"),
        Some(&agent),
        &json!({}),
        StatusCode::OK,
    )
    .await;
    let july = week(&weeks(&app, &family, thomas, summer).await, "2027-07-12").clone();
    assert_eq!(july["bookableNow"], false);
    assert_eq!(july["bookableFrom"], Value::Null);
    assert_eq!(july["bookableUntil"], Value::Null);
    problem(
        add(&app, &family, item.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no_booking_window",
    )
    .await;

    // The city opens the summer's period from 3 to 24 May 2027 (Paris times).
    set_booking_window(&app, summer, "2027-05-03T09:00:00", "2027-05-24T18:00:00").await;
    let offered = weeks(&app, &family, thomas, summer).await;
    let july = week(&offered, "2027-07-12");
    assert_eq!(july["bookableFrom"], "2027-05-03T07:00:00Z");
    assert_eq!(july["bookableUntil"], "2027-05-24T16:00:00Z");
    assert_eq!(july["bookableNow"], false);
    let may = ("2027-05-03T07:00:00Z", "2027-05-24T16:00:00Z");
    let early = add(&app, &family, item.clone()).await;
    outside_window(early, "window_not_open", may, "03/05/2027 à 09:00").await;
    // Nor can a line form for it before then.
    let waiting = problem(
        join_line(&app, &family, &item).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "window_not_open",
    )
    .await;
    assert_eq!(waiting["opensAt"], "2027-05-03T07:00:00Z");
    let basket = open_basket(&app, &family).await;
    assert_eq!(basket["items"], json!([]));

    // Inside the period the week is added.
    app.clock.set("2027-05-10T08:00:00Z".parse().unwrap());
    let family = app.token_of("family").await;
    let july = week(&weeks(&app, &family, thomas, summer).await, "2027-07-12").clone();
    assert_eq!(july["bookableNow"], true);
    let basket = body_of(add(&app, &family, item.clone()).await, StatusCode::OK).await;
    assert_eq!(basket["items"].as_array().unwrap().len(), 1);

    // Once it closes, the basket filled in time is not checked out, nor added to.
    app.clock.set("2027-05-24T16:00:00Z".parse().unwrap());
    let family = app.token_of("family").await;
    let late = checkout(&app, &family, "paiement-apres-cloture").await;
    outside_window(late, "window_closed", may, "24/05/2027 à 18:00").await;
    let other = json!({"childId": thomas, "activityId": summer, "weekStart": "2027-07-19"});
    problem(
        add(&app, &family, other).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "window_closed",
    )
    .await;
    // Nothing was held: the basket is still open with its week, no place taken.
    let basket = open_basket(&app, &family).await;
    assert_eq!(basket["status"], "open");
    assert_eq!(basket["items"].as_array().unwrap().len(), 1);
    let july = week(&weeks(&app, &family, thomas, summer).await, "2027-07-12").clone();
    assert_eq!(july["bookableNow"], false);
    assert_eq!(july["groups"][0]["placesLeft"], 24);
}

#[tokio::test]
async fn a_place_freed_after_the_booking_period_closed_is_offered_to_no_one() {
    let app = app().await;
    let agent = app.token_of("agent").await;
    let activity = prepaid_activity(&app, &agent, "Stage poney", "2027-07-09", 1).await;
    let families = app.create_families(2, "CP").await;
    let item =
        |child: i64| json!({"childId": child, "activityId": activity, "weekStart": "2027-07-05"});
    let (a, b) = (&families[0], &families[1]);
    assert_eq!(add(&app, &a.0, item(a.1)).await.status(), StatusCode::OK);
    let held = body_of(
        checkout(&app, &a.0, "checkout-poney-a").await,
        StatusCode::OK,
    )
    .await;
    let waiting = body_of(join_line(&app, &b.0, &item(b.1)).await, StatusCode::CREATED).await;
    assert_eq!(waiting["status"], "waiting");

    // The city ends the period at 10:59 (Paris), a minute ago; then A gives up.
    set_booking_window(&app, activity, "2026-01-01T00:00:00", "2026-11-26T10:59:00").await;
    end_payment(&app, &held, "abandoned").await;
    let (a_token, b_token) = (&a.0, &b.0);

    // Nobody may book the week any more: B is not offered the place, it stays free,
    // and B keeps its place in line should the city open the period again.
    let line = body_of(
        app.get_authed("/api/v1/holiday-waitlist", b_token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(line[0]["status"], "waiting");
    assert_eq!(line[0]["position"], 1);
    assert_eq!(line[0]["offer"], Value::Null);
    assert!(
        !app.notification_kinds(b_token)
            .await
            .contains(&"waitlist_offer".to_owned())
    );
    let left = weeks(&app, a_token, a.1, activity).await;
    let july = week(&left, "2027-07-05");
    assert_eq!(july["groups"][0]["placesLeft"], 1);
    assert_eq!(july["bookableNow"], false);
}

/// An agent sets the activity's booking rule.
async fn set_booking_rule(app: &TestApp, activity: i64, rule: Value) {
    let agent = app.token_of("agent").await;
    app.exchange(
        Method::PUT,
        &format!("/api/v1/admin/activities/{activity}/deadline-rules"),
        Some(&agent),
        &json!({ "bookingRule": rule }),
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn each_way_of_taking_a_week_refuses_it_outside_its_booking_window() {
    let app = app().await;
    let agent = app.token_of("agent").await;
    // A week of June 2027, during school time: the guide's holiday-centre rule (after
    // the return from holidays) gives it no window.
    let june = app.exchange(Method::POST, "/api/v1/admin/activities", Some(&agent), &json!({"kindId": 6, "name": "Stage de juin", "startsOn": "2027-06-07", "endsOn": "2027-06-11",
                    "levels": ["CP"], "mode": "prepaid", "entryRule": "chosen", "familyChoosesGroup": false,
                    "siblingRatePercent": null, "cancellable": false,
                    "units": [{"name": "Journée", "startsAt": "08:30", "endsAt": "17:30", "weekdays": [1, 2, 3, 4, 5],
                               "prices": [{"maxQuotient": null, "priceCents": 1000}]}],
                    "groups": [{"name": "Groupe", "capacity": 10}]}), StatusCode::CREATED)
    .await["id"]
        .as_i64()
        .unwrap();
    let (family, child) = app.create_families(1, "CP").await.remove(0);
    let item = json!({"childId": child, "activityId": june, "weekStart": "2027-06-07"});
    let refused = |response, code| problem(response, StatusCode::UNPROCESSABLE_ENTITY, code);
    refused(add(&app, &family, item.clone()).await, "no_booking_window").await;
    refused(join_line(&app, &family, &item).await, "no_booking_window").await;

    // Open now: the week goes in the basket. The rule changes before the checkout.
    set_booking_window(&app, june, "2026-01-01T00:00:00", "2027-06-01T00:00:00").await;
    assert_eq!(
        add(&app, &family, item.clone()).await.status(),
        StatusCode::OK
    );
    set_booking_rule(&app, june, json!({"kind": "afterReturn", "days": 15})).await;
    refused(
        checkout(&app, &family, "juin-sans-periode").await,
        "no_booking_window",
    )
    .await;
    set_booking_window(&app, june, "2027-01-04T09:00:00", "2027-06-01T00:00:00").await;
    let early = refused(
        checkout(&app, &family, "juin-trop-tot").await,
        "window_not_open",
    )
    .await;
    assert_eq!(early["opensAt"], "2027-01-04T08:00:00Z");
    set_booking_window(&app, june, "2026-01-01T00:00:00", "2026-11-01T00:00:00").await;
    let late = refused(join_line(&app, &family, &item).await, "window_closed").await;
    assert_eq!(late["closesAt"], "2026-10-31T23:00:00Z");

    // None of it held a place or formed a line.
    let basket = open_basket(&app, &family).await;
    assert_eq!(basket["status"], "open");
    let line = body_of(
        app.get_authed("/api/v1/holiday-waitlist", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(line, json!([]));
    let offered = weeks(&app, &family, child, june).await;
    assert_eq!(week(&offered, "2027-06-07")["groups"][0]["placesLeft"], 10);
}

#[tokio::test]
async fn twenty_copies_of_a_checkout_under_one_key_hold_once_and_answer_alike() {
    let fake = FakePayFip::start().await;
    let app = payfip_app(&fake).await;
    let family = app.token_of("family").await;
    let (thomas, summer) = thomas_and_summer(&app, &family).await;
    let item = json!({"childId": thomas, "activityId": summer, "weekStart": "2027-07-12"});
    assert_eq!(add(&app, &family, item).await.status(), StatusCode::OK);
    // PayFiP takes its time: the copies arrive while the first creates the payment.
    fake.set_latency(std::time::Duration::from_millis(300));
    // Every answer is the one kept for the key, byte for byte, or "in use".
    let kept = checkouts_at_once(&app, &family, "vingt-fois-le-meme-panier", 20).await;
    let held: Value = serde_json::from_str(&kept).unwrap();
    assert_eq!(held["status"], "held", "{held}");
    assert!(held["payment"]["idop"].is_string(), "{held}");
    use diesel::prelude::*;
    use persistence::schema::{baskets, online_payments};
    let mut conn = app.database.connect();
    let statuses: Vec<String> = baskets::table
        .select(baskets::status)
        .load(&mut conn)
        .unwrap();
    assert_eq!(statuses, ["held"]);
    let attempts: i64 = online_payments::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(attempts, 1);
    let july = week(&weeks(&app, &family, thomas, summer).await, "2027-07-12").clone();
    assert_eq!(july["groups"][0]["placesLeft"], 23);
    assert_eq!(fake.calls(), ["creerPaiementSecurise"]);
    // A repeat once all is done gets the same answer, from the database.
    let later = checkout(&app, &family, "vingt-fois-le-meme-panier").await;
    assert_eq!(later.text().await.unwrap(), kept);
    fake.stop().await;
}

#[tokio::test]
async fn a_checkout_repeated_while_its_payment_is_being_created_waits_then_says_so() {
    let app = app().await;
    let family = app.token_of("family").await;
    let (thomas, summer) = thomas_and_summer(&app, &family).await;
    let item = json!({"childId": thomas, "activityId": summer, "weekStart": "2027-07-12"});
    assert_eq!(add(&app, &family, item).await.status(), StatusCode::OK);
    let held = body_of(
        checkout(&app, &family, "panier-en-creation").await,
        StatusCode::OK,
    )
    .await;
    // As if the first request were still creating the payment at PayFiP.
    set_attempts(&app, "creating", None);
    for response in [
        checkout(&app, &family, "panier-en-creation").await,
        pay_basket(&app, &family, &held, "panier-en-creation").await,
    ] {
        assert_eq!(response.headers()["retry-after"], "1");
        problem(response, StatusCode::CONFLICT, "idempotency_key_in_use").await;
    }
    set_attempts(&app, "pending", held["payment"]["idop"].as_str());
    let again = body_of(
        checkout(&app, &family, "panier-en-creation").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["payment"]["idop"], held["payment"]["idop"]);
    assert!(again["payment"]["redirectUrl"].is_string());
}

#[tokio::test]
async fn a_hold_that_ends_gives_its_place_to_the_line_with_no_request_needed() {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 26, 10, 0, 0)
        .single()
        .unwrap();
    let app = TestAppBuilder::default()
        .clock(Clock::fixed_at(now))
        .setting("BASKET_HOLD_MINUTES", "1")
        .setting("HOLDS_EVERY_SECONDS", "1")
        .spawn()
        .await;
    let agent = app.token_of("agent").await;
    let activity = prepaid_activity(&app, &agent, "Stage voile", "2027-07-09", 1).await;
    let families = app.create_families(2, "CP").await;
    let item =
        |child: i64| json!({"childId": child, "activityId": activity, "weekStart": "2027-07-05"});
    let (a, b) = (&families[0], &families[1]);
    assert_eq!(add(&app, &a.0, item(a.1)).await.status(), StatusCode::OK);
    body_of(
        checkout(&app, &a.0, "checkout-voile-a").await,
        StatusCode::OK,
    )
    .await;
    body_of(join_line(&app, &b.0, &item(b.1)).await, StatusCode::CREATED).await;

    // A does not pay; two minutes pass and nobody calls the API.
    app.clock.set(now + Duration::minutes(2));
    use diesel::prelude::*;
    use persistence::schema::{baskets, week_waitlist};
    let mut conn = app.database.connect();
    let mut line = Vec::new();
    for _ in 0..50 {
        line = week_waitlist::table
            .select(week_waitlist::status)
            .load::<String>(&mut conn)
            .unwrap();
        if line == ["offered"] {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(line, ["offered"]);
    let statuses: Vec<String> = baskets::table
        .order(baskets::id)
        .select(baskets::status)
        .load(&mut conn)
        .unwrap();
    // A's basket expired; B's offer is a basket held for B.
    assert_eq!(statuses, ["expired", "held"]);
}

#[tokio::test]
async fn a_stay_is_not_bookable_until_the_city_opens_its_period() {
    let app = app().await;
    let family = app.token_of("family").await;
    let thomas = child_named(&app, &family, "Thomas").await;
    let offers = body_of(
        app.get_authed(&format!("/api/v1/children/{thomas}/offers"), &family)
            .await,
        StatusCode::OK,
    )
    .await;
    let stay = offers
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["activity"]["name"] == "Séjour neige élémentaire")
        .unwrap()["activity"]["id"]
        .as_i64()
        .unwrap();
    let item = json!({"childId": thomas, "activityId": stay, "weekStart": "2027-02-15"});

    // Its kind's rule is the city's period ("Période définie par la Ville"): without
    // one of the stay's own, nobody books it.
    let agent = app.token_of("agent").await;
    app.exchange(
        Method::PUT,
        &format!("/api/v1/admin/activities/{stay}/deadline-rules"),
        Some(&agent),
        &json!({}),
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        week(&weeks(&app, &family, thomas, stay).await, "2027-02-15")["bookableNow"],
        false
    );
    problem(
        add(&app, &family, item.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no_booking_window",
    )
    .await;

    // The city opens it from 1 December: refused before, taken then.
    set_booking_window(&app, stay, "2026-12-01T09:00:00", "2027-01-15T18:00:00").await;
    problem(
        add(&app, &family, item.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "window_not_open",
    )
    .await;
    app.clock.set("2026-12-01T08:00:00Z".parse().unwrap());
    let family = app.token_of("family").await;
    let basket = body_of(add(&app, &family, item).await, StatusCode::OK).await;
    assert_eq!(basket["items"][0]["weekStart"], "2027-02-15");
}

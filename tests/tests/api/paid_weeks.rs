//! Changing a paid holiday week (the guide: summer changes "1 mois avant"): Thomas's
//! paid week of 12 July 2027 cancelled five weeks before becomes an account credit
//! that Eliot's June canteen invoice uses, and its place goes to the family waiting;
//! three weeks before, the change is refused with its deadline; a swap keeps the
//! payment; a credit pays a basket before the card, and comes back if it is not paid.

use chrono::{DateTime, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use tests::steps::activities::{CANTEEN, child_named, register};
use tests::steps::baskets::{
    add, checkout, checkouts_at_once, end_payment, thomas_and_summer, week, weeks,
};
use tests::steps::billing::run_month;
use tests::steps::planning::book;
use tests::{TestApp, app_at, json as body_of, problem};

fn at(instant: &str) -> DateTime<Utc> {
    instant.parse().unwrap()
}

/// The demo on 26 November 2026.
async fn app() -> TestApp {
    app_at("2026-11-26T10:00:00Z").await
}

/// Thomas's summer weeks `starts` booked in one basket, checked out under `key` and
/// paid in the sandbox; returns the paid basket.
async fn paid_summer(app: &TestApp, family: &str, starts: &[&str], key: &str) -> Value {
    let (thomas, summer) = thomas_and_summer(app, family).await;
    for start in starts {
        let added = add(
            app,
            family,
            json!({"childId": thomas, "activityId": summer, "weekStart": start}),
        )
        .await;
        assert_eq!(added.status(), StatusCode::OK);
    }
    let held = body_of(checkout(app, family, key).await, StatusCode::OK).await;
    assert_eq!(held["payment"]["amountCents"], held["totalCents"]);
    end_payment(app, &held, "paid").await;
    let paid = body_of(
        app.get_authed(&format!("/api/v1/baskets/{}", held["id"]), family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(paid["status"], "paid");
    paid
}

/// The family's paid weeks (`GET /holiday-weeks`).
async fn paid_weeks(app: &TestApp, family: &str) -> Value {
    body_of(
        app.get_authed("/api/v1/holiday-weeks", family).await,
        StatusCode::OK,
    )
    .await
}

async fn cancel(app: &TestApp, family: &str, item: &Value) -> reqwest::Response {
    app.authed(
        Method::POST,
        &format!("/api/v1/holiday-weeks/{}/cancellation", item["id"]),
        family,
    )
    .send()
    .await
    .unwrap()
}

async fn swap(app: &TestApp, family: &str, item: &Value, to: &str) -> reqwest::Response {
    app.send_json(
        Method::POST,
        &format!("/api/v1/holiday-weeks/{}/swap", item["id"]),
        Some(family),
        &json!({ "weekStart": to }),
    )
    .await
}

async fn credits(app: &TestApp, family: &str) -> Value {
    body_of(
        app.get_authed("/api/v1/account-credits", family).await,
        StatusCode::OK,
    )
    .await
}

/// What is left of the dossier's credits, as stored.
fn remaining_in_database(app: &TestApp) -> Vec<i64> {
    use diesel::prelude::*;
    use persistence::schema::account_credits;
    let mut conn = app.database.connect();
    account_credits::table
        .order(account_credits::id)
        .select(account_credits::remaining_cents)
        .load(&mut conn)
        .unwrap()
}

#[tokio::test]
async fn a_week_cancelled_five_weeks_before_becomes_a_credit_the_next_invoice_uses() {
    let app = app().await;
    let family = app.token_of("family").await;
    // Eliot eats at the canteen on 14 and 15 June 2027 (booked a month ahead).
    let eliot = child_named(&app, &family, "Eliot").await;
    let meal = register(&app, &family, eliot, CANTEEN).await;
    book(&app, &family, eliot, meal, &["2027-06-14", "2027-06-15"]).await;
    let paid = paid_summer(&app, &family, &["2027-07-12"], "checkout-thomas-cancel").await;
    let item = paid["items"][0].clone();
    assert_eq!(item["amountCents"], 6088);

    // The week is full: the summer centre's group holds Thomas only; a family waits.
    let (thomas, summer) = (
        item["childId"].as_i64().unwrap(),
        item["activityId"].as_i64().unwrap(),
    );
    let group =
        week(&weeks(&app, &family, thomas, summer).await, "2027-07-12")["groups"][0].clone();
    set_capacity(&app, &group, 1).await;
    let other = &app.create_families(1, "CP").await[0];
    app.exchange(
        Method::POST,
        "/api/v1/basket/waitlist",
        Some(&other.0),
        &json!({"childId": other.1, "activityId": summer, "weekStart": "2027-07-12"}),
        StatusCode::CREATED,
    )
    .await;

    // The paid week says until when it may change: a month before it starts.
    let listed = paid_weeks(&app, &family).await;
    let until = at(listed[0]["changeableUntil"].as_str().unwrap());
    assert_eq!(until.date_naive().to_string(), "2027-06-12");

    // Five weeks before (7 June 2027), the family cancels it.
    app.clock.set(at("2027-06-07T08:00:00Z"));
    let family = app.token_of("family").await;
    let cancelled = body_of(cancel(&app, &family, &item).await, StatusCode::OK).await;
    assert!(cancelled["week"]["cancelledAt"].is_string());
    let credit = cancelled["credit"].clone();
    assert_eq!(
        (&credit["amountCents"], &credit["remainingCents"]),
        (&json!(6088), &json!(6088))
    );
    assert!(credit["number"].as_str().unwrap().starts_with("AV2027-"));
    assert!(credit["reason"].as_str().unwrap().contains("Thomas"));
    assert_eq!(paid_weeks(&app, &family).await, json!([]));
    // Cancelled once: a second cancellation is refused.
    problem(
        cancel(&app, &family, &item).await,
        StatusCode::CONFLICT,
        "week_cancelled",
    )
    .await;

    // The freed place is offered to the family waiting.
    let other_token = app
        .login("famille.test0@exemple.fr", "Famille-Test-2026!")
        .await["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let line = body_of(
        app.get_authed("/api/v1/holiday-waitlist", &other_token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(line[0]["status"], "offered", "{line}");

    // June is billed: the credit settles Eliot's invoice before any payment.
    app.clock.set(at("2027-07-02T08:00:00Z"));
    let agent = app.token_of("agent").await;
    run_month(&app, &agent, "2027-06").await;
    let family = app.token_of("family").await;
    let invoices = body_of(
        app.get_authed("/api/v1/invoices", &family).await,
        StatusCode::OK,
    )
    .await;
    let summary = &invoices["items"][0];
    let total = summary["totalCents"].as_i64().unwrap();
    assert!(total > 0 && total < 6088, "{summary}");
    assert_eq!(summary["creditedCents"], total);
    assert_eq!(summary["status"], "paid", "{summary}");
    let invoice = body_of(
        app.get_authed(&format!("/api/v1/invoices/{}", summary["id"]), &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(invoice["creditsUsed"][0]["number"], credit["number"]);
    assert_eq!(invoice["creditsUsed"][0]["amountCents"], total);
    assert_eq!(
        credits(&app, &family).await[0]["remainingCents"],
        6088 - total
    );
    assert_eq!(remaining_in_database(&app), [6088 - total]);

    // The statement: the invoice, the credit; what is left is the family's.
    let statement = body_of(
        app.get_authed("/api/v1/account-statement", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(statement["balanceCents"], total - 6088);
    let kinds: Vec<&str> = statement["movements"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["invoice", "account_credit"]);
}

#[tokio::test]
async fn three_weeks_before_a_paid_week_is_kept_and_the_refusal_names_the_deadline() {
    let app = app().await;
    let family = app.token_of("family").await;
    let paid = paid_summer(&app, &family, &["2027-07-12"], "checkout-thomas-late").await;
    let item = paid["items"][0].clone();
    let until = paid_weeks(&app, &family).await[0]["changeableUntil"].clone();

    app.clock.set(at("2027-06-21T08:00:00Z"));
    let family = app.token_of("family").await;
    for refused in [
        cancel(&app, &family, &item).await,
        swap(&app, &family, &item, "2027-07-19").await,
    ] {
        let body = problem(refused, StatusCode::UNPROCESSABLE_ENTITY, "deadline_passed").await;
        assert_eq!(body["deadline"], until);
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains("jusqu'au 12/06/2027"),
            "{body}"
        );
    }
    assert_eq!(paid_weeks(&app, &family).await[0]["id"], item["id"]);
    assert_eq!(credits(&app, &family).await, json!([]));
}

#[tokio::test]
async fn a_swap_keeps_the_payment_and_a_cheaper_week_gives_the_difference_back() {
    let app = app().await;
    let family = app.token_of("family").await;
    let paid = paid_summer(&app, &family, &["2027-07-19"], "checkout-thomas-swap").await;
    let item = paid["items"][0].clone();
    let (thomas, summer) = (
        item["childId"].as_i64().unwrap(),
        item["activityId"].as_i64().unwrap(),
    );
    let places =
        |offered: &Value, start: &str| week(offered, start)["groups"][0]["placesLeft"].clone();
    let before = weeks(&app, &family, thomas, summer).await;

    // 19 July (5 days) for 26 July (5 days): the same price, no credit.
    let swapped = body_of(
        swap(&app, &family, &item, "2027-07-26").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(swapped["week"]["weekStart"], "2027-07-26");
    assert_eq!(swapped["week"]["amountCents"], 7610);
    assert_eq!(swapped["week"]["id"], item["id"]);
    assert!(swapped["credit"].is_null());
    let after = weeks(&app, &family, thomas, summer).await;
    assert_eq!(
        places(&after, "2027-07-19").as_i64(),
        places(&before, "2027-07-19").as_i64().map(|p| p + 1)
    );
    assert_eq!(
        places(&after, "2027-07-26").as_i64(),
        places(&before, "2027-07-26").as_i64().map(|p| p - 1)
    );
    let basket = body_of(
        app.get_authed(&format!("/api/v1/baskets/{}", paid["id"]), &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(basket["status"], "paid");
    assert_eq!(basket["items"][0]["weekStart"], "2027-07-26");

    // For 12 July (14 July off: 4 days), the day's price back as a credit.
    let cheaper = body_of(
        swap(&app, &family, &item, "2027-07-12").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(cheaper["week"]["amountCents"], 6088);
    assert_eq!(cheaper["credit"]["amountCents"], 1522);
    // Back to a 5-day week would cost more: cancel and book it instead.
    problem(
        swap(&app, &family, &item, "2027-07-19").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "swap_costs_more",
    )
    .await;
    // A week not on offer, the same week: refused, each with its code.
    for (to, code) in [("2027-07-13", "not_offered"), ("2027-07-12", "same_week")] {
        let refused = problem(
            swap(&app, &family, &item, to).await,
            StatusCode::BAD_REQUEST,
            "validation_failed",
        )
        .await;
        assert_eq!(refused["errors"][0]["code"], code, "{refused}");
    }
    assert_eq!(
        paid_weeks(&app, &family).await[0]["weekStart"],
        "2027-07-12"
    );
    assert_eq!(remaining_in_database(&app), [1522]);
}

#[tokio::test]
async fn a_credit_pays_a_basket_before_the_card_and_comes_back_when_it_is_not_paid() {
    let app = app().await;
    let family = app.token_of("family").await;
    let paid = paid_summer(&app, &family, &["2027-07-19"], "checkout-thomas-credit").await;
    let item = paid["items"][0].clone();
    let (thomas, summer) = (
        item["childId"].as_i64().unwrap(),
        item["activityId"].as_i64().unwrap(),
    );
    body_of(cancel(&app, &family, &item).await, StatusCode::OK).await;
    let book_week =
        |start: &'static str| json!({"childId": thomas, "activityId": summer, "weekStart": start});

    // 12 July (60.88 EUR) is paid by the 76.10 EUR credit: no card payment at all.
    assert_eq!(
        add(&app, &family, book_week("2027-07-12")).await.status(),
        StatusCode::OK
    );
    let covered = body_of(
        checkout(&app, &family, "checkout-by-credit").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(covered["status"], "paid", "{covered}");
    assert_eq!(covered["creditCents"], 6088);
    assert_eq!(covered["payment"]["amountCents"], 0);
    assert!(covered["payment"]["redirectUrl"].is_null());
    assert_eq!(credits(&app, &family).await[0]["remainingCents"], 1522);
    let statement = body_of(
        app.get_authed("/api/v1/account-statement", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(statement["balanceCents"], -1522);
    assert!(
        statement["movements"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["kind"] == "credit_use"
                && m["basketId"] == covered["id"]
                && m["amountCents"] == 6088)
    );

    // 26 July (76.10 EUR): the credit's 15.22 EUR first, the card the rest; the
    // payment abandoned, the credit comes back.
    assert_eq!(
        add(&app, &family, book_week("2027-07-26")).await.status(),
        StatusCode::OK
    );
    let held = body_of(
        checkout(&app, &family, "checkout-part-credit").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(held["status"], "held");
    assert_eq!(held["creditCents"], 1522);
    assert_eq!(held["payment"]["amountCents"], 6088);
    assert_eq!(remaining_in_database(&app), [0]);
    end_payment(&app, &held, "abandoned").await;
    assert_eq!(remaining_in_database(&app), [1522]);
    assert_eq!(credits(&app, &family).await[0]["remainingCents"], 1522);
}

#[tokio::test]
async fn a_week_swapped_back_to_one_cancelled_in_its_basket_is_taken_again() {
    let app = app().await;
    let family = app.token_of("family").await;
    let paid = paid_summer(
        &app,
        &family,
        &["2027-07-19", "2027-07-26"],
        "checkout-deux-semaines",
    )
    .await;
    let items = paid["items"].as_array().unwrap().clone();
    let (first, second) = (&items[0], &items[1]);
    body_of(cancel(&app, &family, first).await, StatusCode::OK).await;
    // 26 July for 19 July, the week cancelled in the same basket: the same price.
    let swapped = body_of(
        swap(&app, &family, second, "2027-07-19").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(swapped["week"]["weekStart"], "2027-07-19");
    let weeks: Vec<Value> = paid_weeks(&app, &family)
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["weekStart"].clone())
        .collect();
    assert_eq!(weeks, [json!("2027-07-19")]);
}

#[tokio::test]
async fn cancels_and_swaps_of_one_week_at_once_leave_every_place_counted() {
    let app = app().await;
    let family = app.token_of("family").await;
    let paid = paid_summer(&app, &family, &["2027-07-19"], "checkout-en-meme-temps").await;
    let item = paid["items"][0].clone();
    let agent = app.token_of("agent").await;
    let other_group = app
        .exchange(
            Method::POST,
            &format!("/api/v1/admin/activities/{}/groups", item["activityId"]),
            Some(&agent),
            &json!({"name": "Centre Robespierre", "capacity": 10}),
            StatusCode::CREATED,
        )
        .await["id"]
        .clone();
    let mut set = tokio::task::JoinSet::new();
    for copy in 0..16 {
        let request = if copy % 2 == 0 {
            app.authed(
                Method::POST,
                &format!("/api/v1/holiday-weeks/{}/cancellation", item["id"]),
                &family,
            )
        } else {
            app.authed(
                Method::POST,
                &format!("/api/v1/holiday-weeks/{}/swap", item["id"]),
                &family,
            )
            .json(&json!({"weekStart": "2027-07-19", "groupId": other_group}))
        };
        set.spawn(async move {
            let response = request.send().await.unwrap();
            let status = response.status();
            let body: Value = response.json().await.unwrap();
            let code = body["errors"][0]["code"]
                .as_str()
                .or(body["code"].as_str())
                .unwrap_or_default()
                .to_owned();
            (status, code)
        });
    }
    let answers = set.join_all().await;
    assert!(
        answers.iter().any(|(s, _)| *s == StatusCode::OK),
        "{answers:?}"
    );
    // Each one that lost was told why: the week changed meanwhile, or (a swap that
    // read it already moved) it is the week asked for.
    assert!(
        answers
            .iter()
            .all(|(status, code)| *status == StatusCode::OK
                || (*status, code.as_str()) == (StatusCode::CONFLICT, "week_cancelled")
                || (*status, code.as_str()) == (StatusCode::BAD_REQUEST, "same_week")),
        "{answers:?}"
    );

    // Whatever won: the places taken that week are the weeks still standing.
    use diesel::prelude::*;
    use persistence::schema::{account_credits, basket_items, week_places};
    let mut conn = app.database.connect();
    let live: i64 = basket_items::table
        .filter(basket_items::cancelled_at.is_null())
        .count()
        .get_result(&mut conn)
        .unwrap();
    let taken: Vec<i32> = week_places::table
        .filter(week_places::week_start.eq(chrono::NaiveDate::from_ymd_opt(2027, 7, 19).unwrap()))
        .select(week_places::taken)
        .load(&mut conn)
        .unwrap();
    assert_eq!(i64::from(taken.iter().sum::<i32>()), live, "{taken:?}");
    let credits: i64 = account_credits::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(credits, 1 - live, "one credit if the week was cancelled");
}

#[tokio::test]
async fn copies_of_a_checkout_its_credits_pay_in_full_answer_one_paid_basket() {
    let app = app().await;
    let family = app.token_of("family").await;
    let paid = paid_summer(&app, &family, &["2027-07-19"], "checkout-avant-avoir").await;
    let item = paid["items"][0].clone();
    body_of(cancel(&app, &family, &item).await, StatusCode::OK).await;
    let added = add(
        &app,
        &family,
        json!({"childId": item["childId"], "activityId": item["activityId"], "weekStart": "2027-07-26"}),
    )
    .await;
    assert_eq!(added.status(), StatusCode::OK);
    let kept = checkouts_at_once(&app, &family, "huit-fois-par-avoir", 8).await;
    let basket: Value = serde_json::from_str(&kept).unwrap();
    assert_eq!(basket["status"], "paid", "{basket}");
    assert_eq!(basket["creditCents"], 7610);
    assert_eq!(credits(&app, &family).await[0]["remainingCents"], 0);
}

/// The activity's booking and change rules, as an agent sets them.
async fn set_rules(app: &TestApp, activity: &Value, rules: Value) {
    let agent = app.token_of("agent").await;
    app.exchange(
        Method::PUT,
        &format!("/api/v1/admin/activities/{activity}/deadline-rules"),
        Some(&agent),
        &rules,
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn a_change_or_a_swap_the_rules_do_not_allow_is_refused_with_its_reason() {
    let app = app().await;
    let family = app.token_of("family").await;
    let paid = paid_summer(&app, &family, &["2027-07-19"], "checkout-regles").await;
    let item = paid["items"][0].clone();
    let activity = item["activityId"].clone();
    let open =
        json!({"kind": "window", "opens": "2026-01-01T00:00:00", "closes": "2027-09-01T00:00:00"});

    // Changes in a period the city opens later: not yet.
    set_rules(
        &app,
        &activity,
        json!({"bookingRule": open, "changeRule": {"kind": "window", "opens": "2027-03-01T09:00:00", "closes": "2027-04-01T18:00:00"}}),
    )
    .await;
    let early = problem(
        cancel(&app, &family, &item).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "window_not_open",
    )
    .await;
    assert_eq!(early["opensAt"], "2027-03-01T08:00:00Z");

    // The new week must be bookable now: before, after and without a booking period.
    for (booking, code) in [
        (
            json!({"kind": "window", "opens": "2027-03-01T09:00:00", "closes": "2027-04-01T18:00:00"}),
            "window_not_open",
        ),
        (
            json!({"kind": "window", "opens": "2026-01-01T09:00:00", "closes": "2026-02-01T18:00:00"}),
            "window_closed",
        ),
        (json!({"kind": "cityPeriod"}), "no_booking_window"),
    ] {
        set_rules(&app, &activity, json!({ "bookingRule": booking })).await;
        problem(
            swap(&app, &family, &item, "2027-07-26").await,
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
        )
        .await;
    }
    set_rules(&app, &activity, json!({ "bookingRule": open })).await;

    // A week another basket of the child holds.
    let other = paid_summer(&app, &family, &["2027-07-12"], "checkout-autre-panier").await;
    assert_eq!(other["status"], "paid");
    problem(
        swap(&app, &family, &item, "2027-07-12").await,
        StatusCode::CONFLICT,
        "already_registered",
    )
    .await;

    // A full week: another family took 26 July's only place.
    let (thomas, summer) = (
        item["childId"].as_i64().unwrap(),
        item["activityId"].as_i64().unwrap(),
    );
    let group =
        week(&weeks(&app, &family, thomas, summer).await, "2027-07-26")["groups"][0].clone();
    let neighbour = &app.create_families(1, "CP").await[0];
    let added = add(
        &app,
        &neighbour.0,
        json!({"childId": neighbour.1, "activityId": summer, "weekStart": "2027-07-26"}),
    )
    .await;
    assert_eq!(added.status(), StatusCode::OK);
    let held = body_of(
        checkout(&app, &neighbour.0, "checkout-voisin").await,
        StatusCode::OK,
    )
    .await;
    end_payment(&app, &held, "paid").await;
    set_capacity(&app, &group, 1).await;
    problem(
        swap(&app, &family, &item, "2027-07-26").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "activity_full",
    )
    .await;

    // The activity no longer taken by the child's school level.
    {
        use diesel::prelude::*;
        use persistence::schema::activities;
        let mut conn = app.database.connect();
        let stored: String = activities::table
            .find(summer)
            .select(activities::eligibility)
            .first(&mut conn)
            .unwrap();
        let mut eligibility: Value = serde_json::from_str(&stored).unwrap();
        eligibility["levels"] = json!(["PS"]);
        diesel::update(activities::table.find(summer))
            .set(activities::eligibility.eq(eligibility.to_string()))
            .execute(&mut conn)
            .unwrap();
    }
    problem(
        swap(&app, &family, &item, "2027-07-26").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_eligible",
    )
    .await;
    // Nothing of all this moved the week.
    assert_eq!(
        paid_weeks(&app, &family)
            .await
            .as_array()
            .unwrap()
            .iter()
            .filter(|w| w["id"] == item["id"] && w["weekStart"] == "2027-07-19")
            .count(),
        1
    );
}

/// An agent sets the capacity of a week's group (as `groups[]` of a week lists it).
async fn set_capacity(app: &TestApp, group: &Value, capacity: i32) {
    let agent = app.token_of("agent").await;
    app.exchange(
        Method::PUT,
        &format!("/api/v1/admin/activity-groups/{}", group["groupId"]),
        Some(&agent),
        &json!({"name": group["name"], "capacity": capacity}),
        StatusCode::OK,
    )
    .await;
}

//! Separated parents: Eliot (dossier 18, T I) shared with the DURAND household in
//! alternating weeks. Each household books its own weeks, sees the others as "garde de
//! l'autre parent", pays its own days at its own quotient with its own siblings, and
//! sees nothing of the other household; a custody change applies from its date.

use diesel::prelude::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use tests::steps::activities::{CANTEEN, child_named, register};
use tests::steps::billing::run_month;
use tests::steps::dossiers::{pdf, upload};
use tests::steps::planning::{book, change, draft_changes, validate};
use tests::{TestApp, app_at, json as body_of, problem};

async fn dossier_id(app: &TestApp, token: &str) -> i64 {
    body_of(
        app.get_authed("/api/v1/dossier", token).await,
        StatusCode::OK,
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

/// The days of the child's first activity in its planning over `from..=to`, as `token`
/// sees them.
async fn days(app: &TestApp, token: &str, child: i64, from: &str, to: &str) -> Vec<Value> {
    let planning = body_of(
        app.get_authed(
            &format!("/api/v1/children/{child}/planning?from={from}&to={to}"),
            token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    planning["children"][0]["activities"][0]["days"]
        .as_array()
        .unwrap()
        .clone()
}

fn on<'a>(days: &'a [Value], date: &str) -> &'a Value {
    days.iter()
        .find(|d| d["date"] == date)
        .unwrap_or_else(|| panic!("{date} not in {days:?}"))
}

async fn set_custody(app: &TestApp, agent: &str, child: i64, body: &Value) -> reqwest::Response {
    app.send_json(
        Method::PUT,
        &format!("/api/v1/admin/children/{child}/custody"),
        Some(agent),
        body,
    )
    .await
}

/// The DURAND household asks, with its proof, to share a child of T I's; an agent
/// accepts and links them. Returns the DURAND family's token and dossier id.
async fn shared_with_durand(app: &TestApp, agent: &str, child: i64) -> (String, i64) {
    let durand = app
        .sign_up_family(
            ("19", "DURAND", "famille.durand@exemple.fr"),
            "m.durand",
            "m.durand@exemple.fr",
        )
        .await;
    let durand_id = dossier_id(app, &durand).await;
    let message = json!({"kind": "second_household", "message": "Résidence alternée de notre enfant (dossier 18), jugement joint."});
    let refused = problem(
        app.send_json(Method::POST, "/api/v1/requests", Some(&durand), &message)
            .await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    assert_eq!(refused["errors"][0]["code"], "proof_required");
    let proof = body_of(
        upload(app, &durand, "kind=other", "application/pdf", pdf()).await,
        StatusCode::CREATED,
    )
    .await;
    let mut with_proof = message.clone();
    with_proof["documentIds"] = json!([proof["id"]]);
    let request = app
        .exchange(
            Method::POST,
            "/api/v1/requests",
            Some(&durand),
            &with_proof,
            StatusCode::CREATED,
        )
        .await;
    let link = json!({"dossierId": durand_id, "requestId": request["id"]});
    // A request not yet accepted does not found a link.
    problem(
        app.send_json(
            Method::POST,
            &format!("/api/v1/admin/children/{child}/households"),
            Some(agent),
            &link,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "request_mismatch",
    )
    .await;
    app.exchange(
        Method::POST,
        &format!("/api/v1/admin/requests/{}/decision", request["id"]),
        Some(agent),
        &json!({"decision": "accept", "comment": "Jugement reçu."}),
        StatusCode::OK,
    )
    .await;
    let linked = app
        .exchange(
            Method::POST,
            &format!("/api/v1/admin/children/{child}/households"),
            Some(agent),
            &link,
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(linked["households"][0]["role"], "first");
    assert_eq!(linked["households"][0]["number"], "18");
    assert_eq!(linked["households"][1]["role"], "second");
    assert_eq!(linked["households"][1]["dossierId"], durand_id);
    assert_eq!(linked["schedules"], json!([]));
    let told = body_of(
        app.get_authed("/api/v1/me/notifications", &durand).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(told["items"][0]["kind"], "custody_changed", "{told}");
    assert_eq!(told["items"][0]["data"]["change"], "linked");
    assert_eq!(told["items"][0]["data"]["childId"], child);
    // Twice, or with the child's own dossier: refused.
    problem(
        app.send_json(
            Method::POST,
            &format!("/api/v1/admin/children/{child}/households"),
            Some(agent),
            &link,
        )
        .await,
        StatusCode::CONFLICT,
        "second_household_exists",
    )
    .await;
    (durand, durand_id)
}

#[tokio::test]
async fn two_households_book_and_pay_their_own_weeks_of_one_child() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let agent = app.token_of("agent").await;
    let ti = app.token_of("family").await;
    let ti_id = dossier_id(&app, &ti).await;
    let (luc, eliot) = (
        child_named(&app, &ti, "Luc").await,
        child_named(&app, &ti, "Eliot").await,
    );
    let (durand, durand_id) = shared_with_durand(&app, &agent, eliot).await;
    problem(
        app.send_json(
            Method::POST,
            &format!("/api/v1/admin/children/{luc}/households"),
            Some(&agent),
            &json!({"dossierId": ti_id}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "same_household",
    )
    .await;

    // The DURAND household sees Eliot, never Luc.
    assert_eq!(child_named(&app, &durand, "Eliot").await, eliot);
    let theirs = body_of(
        app.get_authed("/api/v1/children", &durand).await,
        StatusCode::OK,
    )
    .await;
    assert!(
        theirs.as_array().unwrap().iter().all(|c| c["id"] != luc),
        "{theirs}"
    );
    problem(
        app.get_authed(&format!("/api/v1/children/{luc}"), &durand)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    // Alternating weeks from Monday 7 September: T I's first, handover on Mondays.
    let alternating = json!({"validFrom": "2026-09-01", "rules": {
        "rhythm": "alternating_weeks", "referenceWeek": "2026-09-07",
        "referenceHousehold": "first", "handoverWeekday": 1,
        "holidays": {"firstHalfInEvenYears": "second", "longerHalf": "first"}, "exceptions": []}});
    let missing = problem(
        set_custody(
            &app,
            &agent,
            eliot,
            &json!({"validFrom": "2026-09-01", "rules": {"rhythm": "alternating_weeks"}}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    assert_eq!(
        missing["errors"].as_array().map(Vec::len),
        Some(3),
        "{missing}"
    );
    problem(
        set_custody(&app, &agent, luc, &alternating).await,
        StatusCode::CONFLICT,
        "no_second_household",
    )
    .await;
    let set = body_of(
        set_custody(&app, &agent, eliot, &alternating).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(set["schedules"][0]["rules"]["handoverWeekday"], 1);

    // Prices: T I at quotient 850 (2.85 EUR a meal), DURAND at 1500 (4.20 EUR); the
    // canteen halves the price of a brother or sister registered too.
    app.exchange(
        Method::POST,
        &format!("/api/v1/admin/dossiers/{durand_id}/family-quotients"),
        Some(&agent),
        &json!({"quotient": 1500, "validFrom": "2026-09-01", "validUntil": "2027-08-31", "proofDocumentId": null}),
        StatusCode::CREATED,
    )
    .await;
    diesel::update(persistence::schema::activities::table)
        .filter(persistence::schema::activities::name.eq(CANTEEN))
        .set(persistence::schema::activities::sibling_rate_percent.eq(Some(50)))
        .execute(&mut app.database.connect())
        .unwrap();

    // T I registers Eliot (and Luc): the DURAND household is told.
    let meal = register(&app, &ti, eliot, CANTEEN).await;
    register(&app, &ti, luc, CANTEEN).await;
    let told = body_of(
        app.get_authed("/api/v1/me/notifications", &durand).await,
        StatusCode::OK,
    )
    .await;
    let registration = told["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "registration_decided")
        .unwrap_or_else(|| panic!("{told}"));
    assert_eq!(registration["data"]["childId"], eliot);
    assert!(
        registration["body"]
            .as_str()
            .unwrap()
            .contains("l'autre parent"),
        "{registration}"
    );

    // Each household's planning: its weeks bookable, the others "garde de l'autre
    // parent" without their details.
    let ti_days = days(&app, &ti, eliot, "2026-09-07", "2026-09-18").await;
    assert_eq!(on(&ti_days, "2026-09-08")["otherHousehold"], false);
    assert_eq!(on(&ti_days, "2026-09-08")["change"]["allowed"], true);
    assert_eq!(on(&ti_days, "2026-09-08")["priceCents"], 143);
    let theirs = on(&ti_days, "2026-09-15");
    assert_eq!(theirs["otherHousehold"], true);
    assert_eq!(theirs["priceCents"], Value::Null);
    assert_eq!(theirs["change"]["allowed"], false);
    assert_eq!(theirs["change"]["refusal"]["code"], "not_in_custody");
    let durand_days = days(&app, &durand, eliot, "2026-09-07", "2026-09-18").await;
    assert_eq!(on(&durand_days, "2026-09-08")["otherHousehold"], true);
    assert_eq!(on(&durand_days, "2026-09-15")["otherHousehold"], false);
    assert_eq!(on(&durand_days, "2026-09-15")["priceCents"], 420);

    // The Toussaint holidays (17 October to 1 November 2026, Créteil) split in halves:
    // 2026 is even, so DURAND has the first half, which the rhythm gave to T I.
    let toussaint = days(&app, &ti, eliot, "2026-10-19", "2026-11-06").await;
    assert_eq!(
        on(&toussaint, "2026-10-19")["closedReason"],
        "school_holiday"
    );
    assert_eq!(on(&toussaint, "2026-10-19")["otherHousehold"], true);
    assert_eq!(on(&toussaint, "2026-10-26")["otherHousehold"], false);
    assert_eq!(on(&toussaint, "2026-11-02")["otherHousehold"], false);

    // A booking in the other's week is refused outright; a pattern keeps to its own.
    let refused = problem(
        app.send_json(
            Method::POST,
            "/api/v1/planning/draft/changes",
            Some(&ti),
            &json!({"changes": [change(eliot, meal, "2026-09-08", "book"), change(eliot, meal, "2026-09-15", "book")]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_in_custody",
    )
    .await;
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("l'autre parent"),
        "{refused}"
    );
    let draft = body_of(
        app.get_authed("/api/v1/planning/draft", &ti).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        draft["changes"],
        json!([]),
        "nothing of a refused request is kept: {draft}"
    );
    book(
        &app,
        &ti,
        eliot,
        meal,
        &["2026-09-08", "2026-09-10", "2026-09-22", "2026-09-24"],
    )
    .await;
    let patterned = draft_changes(
        &app,
        &durand,
        json!({"patterns": [{"childId": eliot, "unitId": meal, "from": "2026-09-01", "to": "2026-09-20", "weekdays": [2, 4], "action": "book"}]}),
    )
    .await;
    let dates: Vec<&str> = patterned["draft"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["date"].as_str().unwrap())
        .collect();
    // The week before the reference one (31 August) is DURAND's too.
    assert_eq!(
        dates,
        ["2026-09-01", "2026-09-03", "2026-09-15", "2026-09-17"],
        "{patterned}"
    );
    let outcome = validate(&app, &durand).await;
    assert_eq!(outcome["refused"], json!([]), "{outcome}");
    // T I's bookings do not show to DURAND, nor DURAND's to T I.
    let durand_days = days(&app, &durand, eliot, "2026-09-07", "2026-09-18").await;
    assert_eq!(on(&durand_days, "2026-09-08")["booking"], Value::Null);
    assert_eq!(on(&durand_days, "2026-09-15")["booking"], "booked");
    let ti_days = days(&app, &ti, eliot, "2026-09-07", "2026-09-18").await;
    assert_eq!(on(&ti_days, "2026-09-15")["booking"], Value::Null);
    // Each household's phone calendar holds its own days, neither link revoking the other.
    let mut feeds = Vec::new();
    for token in [&ti, &durand] {
        let created = body_of(
            app.authed(
                Method::POST,
                &format!("/api/v1/children/{eliot}/calendar-feed"),
                token,
            )
            .send()
            .await
            .unwrap(),
            StatusCode::CREATED,
        )
        .await;
        feeds.push(created["path"].as_str().unwrap().to_owned());
    }
    let ti_ics = app.get(&feeds[0]).await.text().await.unwrap();
    let durand_ics = app.get(&feeds[1]).await.text().await.unwrap();
    assert!(ti_ics.contains("DTSTART:20260908T093000Z"), "{ti_ics}");
    assert!(!ti_ics.contains("DTSTART:20260915"), "{ti_ics}");
    assert!(
        durand_ics.contains("DTSTART:20260915T093000Z"),
        "{durand_ics}"
    );
    assert!(!durand_ics.contains("DTSTART:20260908"), "{durand_ics}");

    // An agent sees every booking, DURAND's days marked.
    let seen = body_of(
        app.get_authed(
            &format!("/api/v1/admin/children/{eliot}/planning?from=2026-09-07&to=2026-09-18"),
            &agent,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let agent_days = seen["children"][0]["activities"][0]["days"]
        .as_array()
        .unwrap();
    assert_eq!(on(agent_days, "2026-09-15")["booking"], "booked");
    assert_eq!(on(agent_days, "2026-09-15")["otherHousehold"], true);
    assert_eq!(on(agent_days, "2026-09-15")["change"]["allowed"], true);

    // From Thursday 24 September, Thursdays are DURAND's and the other days T I's.
    let fixed = json!({"validFrom": "2026-09-24", "rules": {
        "rhythm": "fixed_weekdays", "secondHouseholdWeekdays": [4], "holidays": null, "exceptions": []}});
    let set = body_of(
        set_custody(&app, &agent, eliot, &fixed).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(set["schedules"].as_array().map(Vec::len), Some(2), "{set}");
    let durand_days = days(&app, &durand, eliot, "2026-09-21", "2026-09-25").await;
    assert_eq!(on(&durand_days, "2026-09-25")["otherHousehold"], true);
    assert_eq!(on(&durand_days, "2026-09-24")["otherHousehold"], false);
    assert_eq!(on(&durand_days, "2026-09-24")["booking"], "booked");

    // September billed: two invoices following the custody days, each at its
    // household's quotient, the sibling rate counted within T I only.
    app.clock.set("2026-10-02T08:00:00Z".parse().unwrap());
    let agent = app.token_of("agent").await;
    run_month(&app, &agent, "2026-09").await;
    let ti = app.token_of("family").await;
    let durand = app.login("m.durand", "Trois-Chats-Verts!").await["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let ti_invoices = body_of(
        app.get_authed("/api/v1/invoices", &ti).await,
        StatusCode::OK,
    )
    .await;
    let durand_invoices = body_of(
        app.get_authed("/api/v1/invoices", &durand).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        ti_invoices["items"].as_array().map(Vec::len),
        Some(1),
        "{ti_invoices}"
    );
    assert_eq!(
        durand_invoices["items"].as_array().map(Vec::len),
        Some(1),
        "{durand_invoices}"
    );
    let ti_invoice_id = ti_invoices["items"][0]["id"].as_i64().unwrap();
    let durand_invoice_id = durand_invoices["items"][0]["id"].as_i64().unwrap();
    let ti_invoice = body_of(
        app.get_authed(&format!("/api/v1/invoices/{ti_invoice_id}"), &ti)
            .await,
        StatusCode::OK,
    )
    .await;
    let durand_invoice = body_of(
        app.get_authed(&format!("/api/v1/invoices/{durand_invoice_id}"), &durand)
            .await,
        StatusCode::OK,
    )
    .await;
    let ti_lines = ti_invoice["lines"].as_array().unwrap();
    assert_eq!(ti_lines.len(), 1, "{ti_invoice}");
    assert_eq!(ti_lines[0]["childId"], eliot);
    assert_eq!(
        ti_lines[0]["quantity"], 3,
        "8, 10 and 22 September: {ti_invoice}"
    );
    assert_eq!(ti_lines[0]["unitPriceCents"], 143);
    assert_eq!(ti_invoice["totalCents"], 429);
    let durand_lines = durand_invoice["lines"].as_array().unwrap();
    assert_eq!(durand_lines.len(), 1, "{durand_invoice}");
    assert_eq!(
        durand_lines[0]["quantity"], 5,
        "1, 3, 15, 17 and 24 September: {durand_invoice}"
    );
    assert_eq!(durand_lines[0]["unitPriceCents"], 420);
    assert_eq!(durand_invoice["totalCents"], 2100);

    // Neither household reads the other's invoice or documents.
    for (token, id) in [(&ti, durand_invoice_id), (&durand, ti_invoice_id)] {
        for path in [
            format!("/api/v1/invoices/{id}"),
            format!("/api/v1/invoices/{id}/pdf"),
        ] {
            problem(
                app.get_authed(&path, token).await,
                StatusCode::NOT_FOUND,
                "not_found",
            )
            .await;
        }
    }
    let durand_documents = body_of(
        app.get_authed("/api/v1/documents", &durand).await,
        StatusCode::OK,
    )
    .await;
    let proof = durand_documents["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "other")
        .unwrap_or_else(|| panic!("{durand_documents}"))["id"]
        .as_i64()
        .unwrap();
    problem(
        app.get_authed(&format!("/api/v1/documents/{proof}"), &ti)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    // September is billed: its custody can no longer change, October's can.
    let late = json!({"validFrom": "2026-09-28", "rules": {
        "rhythm": "fixed_weekdays", "secondHouseholdWeekdays": [1], "holidays": null, "exceptions": []}});
    problem(
        set_custody(&app, &agent, eliot, &late).await,
        StatusCode::CONFLICT,
        "custody_month_billed",
    )
    .await;

    // October, by an agent past the deadlines: Monday 5 is T I's, Thursdays 8 and 15
    // DURAND's. The city closes the 15th: only DURAND, whose day it was, is told.
    let seen = app
        .exchange(
            Method::POST,
            &format!("/api/v1/admin/children/{eliot}/planning/changes"),
            Some(&agent),
            &json!({"changes": [change(eliot, meal, "2026-10-05", "book"), change(eliot, meal, "2026-10-08", "book"), change(eliot, meal, "2026-10-15", "book")]}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(seen["refused"], json!([]), "{seen}");
    tests::steps::planning::close_day(&app, "2026-10-15").await;
    let closure_of = |notifications: &Value| {
        notifications["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "closure_day")
            .count()
    };
    let told = body_of(
        app.get_authed("/api/v1/me/notifications", &durand).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(closure_of(&told), 1, "{told}");
    assert_eq!(told["items"][0]["data"]["bookingsCancelled"], 1, "{told}");
    let untold = body_of(
        app.get_authed("/api/v1/me/notifications", &ti).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(closure_of(&untold), 0, "{untold}");

    // The link ends on 9 October: DURAND no longer sees Eliot, yet its 8 October is
    // still billed to it, and the rest of the month to T I.
    app.clock.set("2026-10-09T08:00:00Z".parse().unwrap());
    let agent = app.token_of("agent").await;
    let ended = app
        .authed(
            Method::DELETE,
            &format!("/api/v1/admin/children/{eliot}/households/{durand_id}"),
            &agent,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);
    let after = app
        .exchange(
            Method::POST,
            &format!("/api/v1/admin/children/{eliot}/planning/changes"),
            Some(&agent),
            &json!({"changes": [change(eliot, meal, "2026-10-13", "book")]}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(after["refused"], json!([]), "{after}");
    app.clock.set("2026-11-02T08:00:00Z".parse().unwrap());
    let agent = app.token_of("agent").await;
    run_month(&app, &agent, "2026-10").await;
    let durand = app.login("m.durand", "Trois-Chats-Verts!").await["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    problem(
        app.get_authed(&format!("/api/v1/children/{eliot}"), &durand)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let october = |list: &Value| {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["month"] == "2026-10")
            .map(|i| i["id"].as_i64().unwrap())
    };
    let durand_list = body_of(
        app.get_authed("/api/v1/invoices", &durand).await,
        StatusCode::OK,
    )
    .await;
    let id = october(&durand_list).unwrap_or_else(|| panic!("{durand_list}"));
    let invoice = body_of(
        app.get_authed(&format!("/api/v1/invoices/{id}"), &durand)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(invoice["lines"][0]["firstDay"], "2026-10-08", "{invoice}");
    assert_eq!(invoice["lines"][0]["quantity"], 1, "{invoice}");
    let ti = app.token_of("family").await;
    let ti_list = body_of(
        app.get_authed("/api/v1/invoices", &ti).await,
        StatusCode::OK,
    )
    .await;
    let id = october(&ti_list).unwrap_or_else(|| panic!("{ti_list}"));
    let invoice = body_of(
        app.get_authed(&format!("/api/v1/invoices/{id}"), &ti).await,
        StatusCode::OK,
    )
    .await;
    let eliots: Vec<&Value> = invoice["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["childId"] == eliot)
        .collect();
    assert_eq!(eliots.len(), 1, "{invoice}");
    assert_eq!(eliots[0]["firstDay"], "2026-10-05");
    assert_eq!(eliots[0]["lastDay"], "2026-10-13");
    assert_eq!(eliots[0]["quantity"], 2, "5 and 13 October: {invoice}");
}

#[tokio::test]
async fn each_household_sees_only_its_side_and_a_confidential_one_is_left_out() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let agent = app.token_of("agent").await;
    let ti = app.token_of("family").await;
    let eliot = child_named(&app, &ti, "Eliot").await;
    let luc = child_named(&app, &ti, "Luc").await;
    let (durand, durand_id) = shared_with_durand(&app, &agent, eliot).await;
    let periods = json!({"validFrom": "2026-09-01", "rules": {
        "rhythm": "dated_periods", "otherwise": "first",
        "periods": [{"from": "2026-10-17", "to": "2026-10-25", "household": "second"}],
        "holidays": null, "exceptions": [{"date": "2026-09-16", "household": "second"}]}});
    body_of(
        set_custody(&app, &agent, eliot, &periods).await,
        StatusCode::OK,
    )
    .await;

    // Each household reads the custody from its side; nothing of the other.
    let mine = body_of(
        app.get_authed(&format!("/api/v1/children/{eliot}/custody"), &durand)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["twoHouseholds"], true);
    assert_eq!(mine["yourHousehold"], "second");
    assert_eq!(
        mine["schedules"][0]["rules"]["periods"][0]["from"],
        "2026-10-17"
    );
    let theirs = body_of(
        app.get_authed(&format!("/api/v1/children/{eliot}/custody"), &ti)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(theirs["yourHousehold"], "first");
    let alone = body_of(
        app.get_authed(&format!("/api/v1/children/{luc}/custody"), &ti)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(alone["twoHouseholds"], false);
    assert_eq!(alone["schedules"], json!([]));
    problem(
        app.get_authed(&format!("/api/v1/children/{luc}/custody"), &durand)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let dossier = body_of(
        app.get_authed("/api/v1/dossier", &durand).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(dossier["address"]["line1"], "4 avenue de Paris");
    let text = dossier.to_string();
    assert!(
        !text.contains("Jean Jaurès") && !text.contains("famille.ti@"),
        "{text}"
    );
    // The RGPD export of DURAND holds the shared child and its custody, nothing of T I.
    let export = body_of(
        app.get_authed("/api/v1/me/export", &durand).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(export["custody"][0]["childId"], eliot);
    assert!(
        export["health"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["child"]["id"] == eliot),
        "{export}"
    );
    let text = export.to_string();
    assert!(
        !text.contains("Jean Jaurès") && !text.contains("famille.ti@"),
        "{text}"
    );

    // An agent on Eliot's page sees both households, until one is confidential.
    let path = format!("/api/v1/admin/children/{eliot}/households");
    let both = body_of(app.get_authed(&path, &agent).await, StatusCode::OK).await;
    assert_eq!(
        both["households"][1]["contact"]["address"]["line1"],
        "4 avenue de Paris"
    );
    let set = app
        .exchange(
            Method::PUT,
            &format!("/api/v1/admin/dossiers/{durand_id}/confidentiality"),
            Some(&agent),
            &json!({"contactsConfidential": true}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(set["contactsConfidential"], true);
    let both = body_of(app.get_authed(&path, &agent).await, StatusCode::OK).await;
    assert_eq!(both["households"][1]["contactsConfidential"], true);
    assert_eq!(both["households"][1]["contact"], Value::Null);
    assert_eq!(
        both["households"][0]["contact"]["address"]["line1"],
        "12 rue Jean Jaurès"
    );
    assert!(!both.to_string().contains("4 avenue de Paris"), "{both}");
    let log = body_of(
        app.get_authed(
            "/api/v1/admin/audit-log?action=set_custody",
            &app.token_of("admin").await,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(log["items"].as_array().map(Vec::len), Some(2), "{log}");

    // Ending the link: Eliot is T I's alone again.
    let ti_id = dossier_id(&app, &ti).await;
    problem(
        app.authed(
            Method::DELETE,
            &format!("/api/v1/admin/children/{eliot}/households/{ti_id}"),
            &agent,
        )
        .send()
        .await
        .unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let ended = app
        .authed(
            Method::DELETE,
            &format!("/api/v1/admin/children/{eliot}/households/{durand_id}"),
            &agent,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);
    problem(
        app.get_authed(&format!("/api/v1/children/{eliot}"), &durand)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let alone = body_of(
        app.get_authed(&format!("/api/v1/children/{eliot}/custody"), &ti)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(alone["twoHouseholds"], false);
}

#[tokio::test]
async fn a_holiday_week_is_booked_by_the_household_that_has_the_child() {
    use tests::steps::baskets::{add, checkout, end_payment, open_basket, thomas_and_summer};
    let app = app_at("2026-11-26T10:00:00Z").await;
    let agent = app.token_of("agent").await;
    let ti = app.token_of("family").await;
    let (thomas, summer) = thomas_and_summer(&app, &ti).await;
    let (durand, _) = shared_with_durand(&app, &agent, thomas).await;
    // DURAND has Thomas in July 2027, T I the rest of the year.
    let july = json!({"validFrom": "2026-09-01", "rules": {
        "rhythm": "dated_periods", "otherwise": "first",
        "periods": [{"from": "2027-07-01", "to": "2027-07-31", "household": "second"}],
        "holidays": null, "exceptions": []}});
    body_of(
        set_custody(&app, &agent, thomas, &july).await,
        StatusCode::OK,
    )
    .await;
    let week = json!({"childId": thomas, "activityId": summer, "weekStart": "2027-07-12"});
    problem(
        add(&app, &ti, week.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_in_custody",
    )
    .await;
    assert_eq!(open_basket(&app, &ti).await["items"], json!([]));
    let added = add(&app, &durand, week).await;
    assert_eq!(added.status(), StatusCode::OK);
    let basket = open_basket(&app, &durand).await;
    assert_eq!(basket["items"][0]["childId"], thomas);
    // August is T I's: DURAND can neither book it, nor wait for it, nor swap into it.
    let august = json!({"childId": thomas, "activityId": summer, "weekStart": "2027-08-02"});
    problem(
        add(&app, &durand, august.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_in_custody",
    )
    .await;
    problem(
        app.send_json(
            Method::POST,
            "/api/v1/basket/waitlist",
            Some(&durand),
            &august,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_in_custody",
    )
    .await;
    let held = body_of(
        checkout(&app, &durand, "durand-july-week-0001").await,
        StatusCode::OK,
    )
    .await;
    end_payment(&app, &held, "paid").await;
    let paid = body_of(
        app.get_authed("/api/v1/holiday-weeks", &durand).await,
        StatusCode::OK,
    )
    .await;
    let item = &paid.as_array().unwrap_or_else(|| panic!("{paid}"))[0];
    problem(
        app.send_json(
            Method::POST,
            &format!("/api/v1/holiday-weeks/{}/swap", item["id"]),
            Some(&durand),
            &json!({"weekStart": "2027-08-02"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_in_custody",
    )
    .await;
}

#[tokio::test]
async fn households_of_unknown_children_dossiers_or_requests_are_not_found() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let agent = app.token_of("agent").await;
    let ti = app.token_of("family").await;
    let eliot = child_named(&app, &ti, "Eliot").await;
    let unknown = 999_999;
    let custody = json!({"validFrom": "2026-09-01", "rules": {
        "rhythm": "fixed_weekdays", "secondHouseholdWeekdays": [3], "holidays": null, "exceptions": []}});
    for (method, path, body) in [
        (
            Method::GET,
            format!("/api/v1/admin/children/{unknown}/households"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/admin/children/{unknown}/households"),
            Some(json!({"dossierId": 2})),
        ),
        (
            Method::POST,
            format!("/api/v1/admin/children/{eliot}/households"),
            Some(json!({"dossierId": unknown})),
        ),
        (
            Method::POST,
            format!("/api/v1/admin/children/{eliot}/households"),
            Some(json!({"dossierId": 2, "requestId": unknown})),
        ),
        (
            Method::PUT,
            format!("/api/v1/admin/children/{unknown}/custody"),
            Some(custody.clone()),
        ),
        (
            Method::PUT,
            format!("/api/v1/admin/dossiers/{unknown}/confidentiality"),
            Some(json!({"contactsConfidential": true})),
        ),
    ] {
        let response = match body {
            Some(body) => app.send_json(method, &path, Some(&agent), &body).await,
            None => app.authed(method, &path, &agent).send().await.unwrap(),
        };
        problem(response, StatusCode::NOT_FOUND, "not_found").await;
    }
    // Ids below 1 and a weekday given twice are refused before anything is read.
    let refused = problem(
        app.send_json(
            Method::POST,
            &format!("/api/v1/admin/children/{eliot}/households"),
            Some(&agent),
            &json!({"dossierId": 0}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "dossierId");
    let mut repeated = custody.clone();
    repeated["rules"]["secondHouseholdWeekdays"] = json!([3, 3]);
    let twice = problem(
        set_custody(&app, &agent, eliot, &repeated).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    assert_eq!(twice["errors"][0]["code"], "weekday_repeated");
    let overlapping = json!({"validFrom": "2026-09-01", "rules": {
        "rhythm": "dated_periods", "otherwise": "first", "holidays": null, "exceptions": [],
        "periods": [{"from": "2026-09-01", "to": "2026-09-10", "household": "second"},
                    {"from": "2026-09-10", "to": "2026-09-20", "household": "first"}]}});
    let overlap = problem(
        set_custody(&app, &agent, eliot, &overlapping).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    assert_eq!(overlap["errors"][0]["code"], "periods_overlap");
    let mut twice_the_same_day = custody.clone();
    twice_the_same_day["rules"]["exceptions"] = json!([
        {"date": "2026-09-16", "household": "first"},
        {"date": "2026-09-16", "household": "second"}]);
    let repeated = problem(
        set_custody(&app, &agent, eliot, &twice_the_same_day).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    assert_eq!(repeated["errors"][0]["code"], "exception_repeated");
    // Nothing was written: Eliot has one household and no schedule.
    let households = body_of(
        app.get_authed(
            &format!("/api/v1/admin/children/{eliot}/households"),
            &agent,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(households["households"].as_array().map(Vec::len), Some(1));
    assert_eq!(households["schedules"], json!([]));
}

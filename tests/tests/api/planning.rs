//! The guide's chapter IV: the planning, its draft and the deadline table, replayed
//! over HTTP with the demo family (dossier 18, quotient 850) and the 2026-2027 year.

use chrono::{DateTime, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use tests::steps::activities::{child_named, register};
use tests::steps::planning::{change, draft_changes, validate};
use tests::{TestApp, app_at, json as body_of, problem};

fn at(instant: &str) -> DateTime<Utc> {
    instant.parse().unwrap()
}

fn day<'a>(activity: &'a Value, date: &str) -> &'a Value {
    activity["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == date)
        .unwrap_or_else(|| panic!("{date} in the planning"))
}

/// The count of booked rows of the child in the database.
fn bookings_in_db(app: &TestApp, child: i64) -> i64 {
    use diesel::prelude::*;
    use persistence::schema::bookings;
    bookings::table
        .filter(bookings::child_id.eq(child))
        .filter(bookings::status.eq("booked"))
        .count()
        .get_result(&mut app.database.connect())
        .unwrap()
}

#[tokio::test]
async fn eliots_september_opens_on_the_first_school_day_and_two_meals_cost_5_70() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let family = app.token_of("family").await;
    let eliot = child_named(&app, &family, "Eliot").await;
    let meal = register(&app, &family, eliot, "Restauration scolaire maternelle").await;

    let path = format!("/api/v1/children/{eliot}/planning?period=month&date=2026-09-15");
    let planning = body_of(app.get_authed(&path, &family).await, StatusCode::OK).await;
    assert_eq!(planning["from"], "2026-09-01");
    assert_eq!(planning["to"], "2026-09-30");
    let canteen = &planning["children"][0]["activities"][0];
    assert_eq!(canteen["activityName"], "Restauration scolaire maternelle");
    assert_eq!(canteen["firstOpenDay"], "2026-09-01");
    let first = day(canteen, "2026-09-01");
    assert_eq!(first["open"], true);
    assert_eq!(first["priceCents"], 285);
    assert_eq!(first["change"]["action"], "book");
    assert_eq!(first["change"]["allowed"], true);
    // The canteen's booking deadline: one month before, at the meal's start.
    assert_eq!(first["change"]["until"], "2026-08-01T09:30:00Z");
    // Wednesday is not a canteen day: absent from the list.
    assert!(
        canteen["days"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["date"] != "2026-09-02")
    );
    assert_eq!(planning["children"][0]["costCents"], 0);

    let draft = draft_changes(
        &app,
        &family,
        json!({"changes": [change(eliot, meal, "2026-09-03", "book"), change(eliot, meal, "2026-09-04", "book")]}),
    )
    .await;
    assert_eq!(draft["draft"]["bookings"], 2);
    assert_eq!(draft["draft"]["cancellations"], 0);
    let planning = body_of(app.get_authed(&path, &family).await, StatusCode::OK).await;
    assert_eq!(
        planning["draft"],
        json!({"bookings": 2, "cancellations": 0})
    );
    assert_eq!(planning["children"][0]["costCents"], 0);
    assert_eq!(planning["children"][0]["costWithDraftCents"], 570);
    assert_eq!(
        day(&planning["children"][0]["activities"][0], "2026-09-03")["pending"],
        "book"
    );

    let result = validate(&app, &family).await;
    assert_eq!(result["applied"].as_array().unwrap().len(), 2, "{result}");
    assert_eq!(result["refused"], json!([]));
    assert_eq!(bookings_in_db(&app, eliot), 2);

    let planning = body_of(app.get_authed(&path, &family).await, StatusCode::OK).await;
    let eliot_view = &planning["children"][0];
    assert_eq!(
        eliot_view["costCents"], 570,
        "Coût de la période : 5.70 EUR"
    );
    let units = &eliot_view["activities"][0]["units"][0];
    assert_eq!(
        (
            units["name"].clone(),
            units["booked"].clone(),
            units["amountCents"].clone()
        ),
        (json!("Repas"), json!(2), json!(570))
    );
    assert_eq!(
        day(&eliot_view["activities"][0], "2026-09-03")["booking"],
        "booked"
    );
    assert_eq!(
        planning["draft"],
        json!({"bookings": 0, "cancellations": 0})
    );

    // The whole family's planning holds Eliot's meals too, and his brothers.
    let family_view = body_of(
        app.get_authed("/api/v1/planning?from=2026-09-01&to=2026-09-30", &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(family_view["children"].as_array().unwrap().len(), 3);
    assert_eq!(family_view["costCents"], 570);
}

#[tokio::test]
async fn a_morning_care_cancellation_47_hours_before_is_refused_with_its_deadline_49_hours_accepted()
 {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let family = app.token_of("family").await;
    let luc = child_named(&app, &family, "Luc").await;
    let morning = register(&app, &family, luc, "Accueil matin maternelle").await;
    draft_changes(
        &app,
        &family,
        json!({"patterns": [{"childId": luc, "unitId": morning, "from": "2026-09-07", "to": "2026-09-11", "weekdays": [1, 2, 4, 5], "action": "book"}]}),
    )
    .await;
    let result = validate(&app, &family).await;
    assert_eq!(result["applied"].as_array().unwrap().len(), 4, "{result}");

    // Tuesday 8 September 07:30 Paris is 05:30 UTC; 47 hours before it:
    app.clock.set(at("2026-09-06T06:30:00Z"));
    let family = app.token_of("family").await;
    draft_changes(
        &app,
        &family,
        json!({"changes": [change(luc, morning, "2026-09-08", "cancel")]}),
    )
    .await;
    let result = validate(&app, &family).await;
    assert_eq!(result["applied"], json!([]));
    let refused = &result["refused"][0];
    assert_eq!(refused["date"], "2026-09-08");
    assert_eq!(refused["refusal"]["code"], "deadline_passed");
    assert_eq!(refused["refusal"]["deadline"], "2026-09-06T05:30:00Z");
    assert!(
        refused["refusal"]["message"]
            .as_str()
            .unwrap()
            .contains("06/09/2026 à 07:30")
    );
    assert_eq!(bookings_in_db(&app, luc), 4);

    // 49 hours before Thursday 10 September 07:30: accepted.
    app.clock.set(at("2026-09-08T04:30:00Z"));
    let family = app.token_of("family").await;
    draft_changes(
        &app,
        &family,
        json!({"changes": [change(luc, morning, "2026-09-10", "cancel")]}),
    )
    .await;
    let result = validate(&app, &family).await;
    assert_eq!(
        result["applied"],
        json!([{"childId": luc, "unitId": morning, "date": "2026-09-10", "action": "cancel"}])
    );
    assert_eq!(result["refused"], json!([]));
    assert_eq!(bookings_in_db(&app, luc), 3);
}

#[tokio::test]
async fn a_canteen_booking_29_days_ahead_is_refused_32_days_ahead_accepted() {
    let app = app_at("2026-09-03T08:00:00Z").await;
    let family = app.token_of("family").await;
    let eliot = child_named(&app, &family, "Eliot").await;
    let canteen = "Restauration scolaire maternelle";
    let meal = register(&app, &family, eliot, canteen).await;
    // Friday 2 October is 29 days ahead; Monday 5 October 32.
    let draft = draft_changes(
        &app,
        &family,
        json!({"changes": [change(eliot, meal, "2026-10-02", "book"), change(eliot, meal, "2026-10-05", "book")]}),
    )
    .await;
    let judged = draft["draft"]["changes"].as_array().unwrap();
    assert_eq!(judged[0]["allowed"], false);
    assert_eq!(judged[0]["refusal"]["code"], "deadline_passed");
    assert_eq!(judged[0]["refusal"]["deadline"], "2026-09-02T09:30:00Z");
    assert_eq!(judged[1]["allowed"], true);
    let result = validate(&app, &family).await;
    assert_eq!(result["applied"][0]["date"], "2026-10-05");
    assert_eq!(result["refused"][0]["date"], "2026-10-02");
    assert_eq!(result["refused"][0]["refusal"]["code"], "deadline_passed");
    assert_eq!(bookings_in_db(&app, eliot), 1);
}

#[tokio::test]
async fn a_draft_survives_signing_out_and_in_and_is_then_validated() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let family = app.token_of("family").await;
    let eliot = child_named(&app, &family, "Eliot").await;
    let meal = register(&app, &family, eliot, "Restauration scolaire maternelle").await;
    draft_changes(
        &app,
        &family,
        json!({"patterns": [{"childId": eliot, "unitId": meal, "from": "2026-09-01", "to": "2026-09-30", "weekdays": [1, 4], "action": "book"}]}),
    )
    .await;
    let logout = app
        .authed(Method::POST, "/api/v1/auth/logout", &family)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    problem(
        app.get_authed("/api/v1/planning/draft", &family).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    problem(
        app.get_authed(&format!("/api/v1/children/{eliot}/planning"), &family)
            .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;

    // Another device, later.
    let again = app.token_of("family").await;
    let draft = body_of(
        app.get_authed("/api/v1/planning/draft", &again).await,
        StatusCode::OK,
    )
    .await;
    // Mondays and Thursdays of September 2026: 3, 7, 10, 14, 17, 21, 24, 28.
    assert_eq!(draft["bookings"], 8);
    assert_eq!(draft["cancellations"], 0);
    assert!(
        draft["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["allowed"] == true)
    );
    let result = validate(&app, &again).await;
    assert_eq!(result["applied"].as_array().unwrap().len(), 8);
    assert_eq!(bookings_in_db(&app, eliot), 8);
    let draft = body_of(
        app.get_authed("/api/v1/planning/draft", &again).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (draft["bookings"].clone(), draft["cancellations"].clone()),
        (json!(0), json!(0))
    );
}

#[tokio::test]
async fn validating_a_draft_some_of_whose_days_passed_their_deadline_applies_the_rest() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let family = app.token_of("family").await;
    let eliot = child_named(&app, &family, "Eliot").await;
    let meal = register(&app, &family, eliot, "Restauration scolaire maternelle").await;
    draft_changes(
        &app,
        &family,
        json!({"changes": [change(eliot, meal, "2026-09-01", "book"), change(eliot, meal, "2026-09-14", "book"), change(eliot, meal, "2026-10-01", "book")]}),
    )
    .await;
    // 5 August: the 1 September deadline (1 August) has passed, not the others.
    app.clock.set(at("2026-08-05T08:00:00Z"));
    let family = app.token_of("family").await;
    let result = validate(&app, &family).await;
    let applied: Vec<&str> = result["applied"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["date"].as_str().unwrap())
        .collect();
    assert_eq!(applied, ["2026-09-14", "2026-10-01"]);
    assert_eq!(result["refused"].as_array().unwrap().len(), 1);
    assert_eq!(result["refused"][0]["date"], "2026-09-01");
    assert_eq!(result["refused"][0]["refusal"]["code"], "deadline_passed");
    assert_eq!(
        result["refused"][0]["refusal"]["deadline"],
        "2026-08-01T09:30:00Z"
    );
    assert_eq!(bookings_in_db(&app, eliot), 2);
    let draft = body_of(
        app.get_authed("/api/v1/planning/draft", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(draft["changes"], json!([]));
}

#[tokio::test]
async fn unticking_a_day_leaves_the_draft_and_discarding_empties_it() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let family = app.token_of("family").await;
    let eliot = child_named(&app, &family, "Eliot").await;
    let meal = register(&app, &family, eliot, "Restauration scolaire maternelle").await;
    draft_changes(&app, &family, json!({"changes": [change(eliot, meal, "2026-09-03", "book"), change(eliot, meal, "2026-09-04", "book")]})).await;
    let draft = draft_changes(
        &app,
        &family,
        json!({"changes": [change(eliot, meal, "2026-09-03", "cancel")]}),
    )
    .await;
    assert_eq!(draft["draft"]["bookings"], 1);
    assert_eq!(draft["draft"]["changes"][0]["date"], "2026-09-04");
    // A day the canteen does not run is left out, with its reason.
    let draft = draft_changes(
        &app,
        &family,
        json!({"changes": [change(eliot, meal, "2027-03-29", "book")]}),
    )
    .await;
    assert_eq!(draft["ignored"][0]["refusal"]["code"], "day_not_open");
    assert_eq!(
        draft["ignored"][0]["refusal"]["closedReason"],
        "public_holiday"
    );
    let discarded = app
        .authed(Method::DELETE, "/api/v1/planning/draft", &family)
        .send()
        .await
        .unwrap();
    assert_eq!(discarded.status(), StatusCode::NO_CONTENT);
    let draft = body_of(
        app.get_authed("/api/v1/planning/draft", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(draft["bookings"], 0);
    assert_eq!(bookings_in_db(&app, eliot), 0);
}

#[tokio::test]
async fn school_holidays_close_the_canteen_and_another_familys_child_is_not_found() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let family = app.token_of("family").await;
    let eliot = child_named(&app, &family, "Eliot").await;
    register(&app, &family, eliot, "Restauration scolaire maternelle").await;
    let planning = body_of(
        app.get_authed(
            &format!("/api/v1/children/{eliot}/planning?from=2026-10-15&to=2026-11-03"),
            &family,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let canteen = &planning["children"][0]["activities"][0];
    assert_eq!(day(canteen, "2026-10-16")["open"], true);
    assert_eq!(day(canteen, "2026-10-19")["closedReason"], "school_holiday");
    assert_eq!(day(canteen, "2026-11-02")["open"], true);

    let (other, stranger) = app.create_families(1, "GS").await.remove(0);
    problem(
        app.get_authed(&format!("/api/v1/children/{stranger}/planning"), &family)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let meal_of_eliot = canteen["units"][0]["unitId"].as_i64().unwrap();
    app.refused(
        Method::POST,
        "/api/v1/planning/draft/changes",
        Some(&other),
        &json!({"changes": [change(eliot, meal_of_eliot, "2026-09-03", "book")]}),
        (StatusCode::NOT_FOUND, "not_found"),
    )
    .await;
    problem(
        app.get_authed("/api/v1/planning?from=2026-09-01&to=2027-09-30", &family)
            .await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
}

#[tokio::test]
async fn an_agent_changes_a_planning_past_its_deadline_and_the_audit_log_says_so() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let family = app.token_of("family").await;
    let eliot = child_named(&app, &family, "Eliot").await;
    let meal = register(&app, &family, eliot, "Restauration scolaire maternelle").await;
    app.clock.set(at("2026-09-07T08:00:00Z"));
    let agent = app.token_of("agent").await;
    let family = app.token_of("family").await;
    let result = app.exchange(Method::POST, &format!("/api/v1/admin/children/{eliot}/planning/changes"), Some(&agent), &json!({"changes": [change(eliot, meal, "2026-09-08", "book"), change(eliot, meal, "2026-09-09", "book")]}), StatusCode::OK)
    .await;
    assert_eq!(result["applied"][0]["date"], "2026-09-08");
    // Wednesday: no canteen, even for an agent.
    assert_eq!(result["refused"][0]["refusal"]["code"], "day_not_open");
    assert_eq!(bookings_in_db(&app, eliot), 1);
    let seen = body_of(
        app.get_authed(
            &format!("/api/v1/admin/children/{eliot}/planning?period=week&date=2026-09-08"),
            &agent,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let canteen = &seen["children"][0]["activities"][0];
    assert_eq!(day(canteen, "2026-09-08")["booking"], "booked");
    assert_eq!(day(canteen, "2026-09-08")["change"]["allowed"], true);
    let admin = app.token_of("admin").await;
    let audit = body_of(
        app.get_authed(&format!("/api/v1/admin/audit-log?childId={eliot}"), &admin)
            .await,
        StatusCode::OK,
    )
    .await;
    let entry = &audit["items"][0];
    assert_eq!(entry["action"], "change_planning");
    assert_eq!(entry["actorUsername"], "agent.demo");
    // An agent reads plannings through the back office, not as a family.
    problem(
        app.get_authed("/api/v1/planning", &agent).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    // A family cannot use the agents' door.
    problem(
        app.get_authed(&format!("/api/v1/admin/children/{eliot}/planning"), &family)
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn dates_out_of_the_calendar_are_refused_not_crashed_on() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let family = app.token_of("family").await;
    // Near chrono's limits (where date arithmetic would overflow), and years the
    // calendar does not compute: all refused with a 400, none crashing a worker.
    for query in [
        "period=week&date=-262143-01-02",
        "period=week&date=-262144-01-01",
        "period=month&date=+262142-12-31",
        "period=fortnight&date=0001-01-01",
        "from=0001-01-01&to=0001-01-31",
    ] {
        let answer = app
            .get_authed(&format!("/api/v1/planning?{query}"), &family)
            .await;
        assert_eq!(answer.status(), StatusCode::BAD_REQUEST, "{query}");
    }
    let eliot = child_named(&app, &family, "Eliot").await;
    app.refused(
        Method::POST,
        "/api/v1/planning/draft/changes",
        Some(&family),
        &json!({"changes": [change(eliot, 1, "-0001-01-01", "book")]}),
        (StatusCode::BAD_REQUEST, "validation_failed"),
    )
    .await;
    // The server still answers.
    body_of(
        app.get_authed("/api/v1/planning", &family).await,
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn a_pattern_for_another_familys_child_is_not_found_and_new_terms_block_the_planning() {
    // Not back in July: new terms must be published after the demo's.
    let app = app_at("2026-11-27T10:00:00Z").await;
    let family = app.token_of("family").await;
    let eliot = child_named(&app, &family, "Eliot").await;
    let meal = register(&app, &family, eliot, "Restauration scolaire maternelle").await;
    let (other, _) = app.create_families(1, "GS").await.remove(0);
    app.refused(Method::POST, "/api/v1/planning/draft/changes", Some(&other), &json!({"patterns": [{"childId": eliot, "unitId": meal, "from": "2026-09-01", "to": "2026-09-30", "weekdays": [1], "action": "book"}]}), (StatusCode::NOT_FOUND, "not_found"))
    .await;

    let admin = app.token_of("admin").await;
    let terms = json!({"kind": "terms", "version": "2.0", "title": "Conditions générales d'utilisation", "body": "ARTICLE 1 : nouvelles conditions."});
    app.exchange(
        Method::POST,
        "/api/v1/admin/legal-documents",
        Some(&admin),
        &terms,
        StatusCode::CREATED,
    )
    .await;
    for path in [
        "/api/v1/planning".to_owned(),
        format!("/api/v1/children/{eliot}/planning"),
    ] {
        problem(
            app.get_authed(&path, &family).await,
            StatusCode::FORBIDDEN,
            "consent_required",
        )
        .await;
    }
}

#[tokio::test]
async fn cancelling_a_registration_cancels_its_days_to_come_and_frees_their_places() {
    use diesel::prelude::*;
    use persistence::schema::booking_counts;
    let app = app_at("2026-07-20T08:00:00Z").await;
    let family = app.token_of("family").await;
    let eliot = child_named(&app, &family, "Eliot").await;
    let meal = register(&app, &family, eliot, "Restauration scolaire maternelle").await;
    draft_changes(
        &app,
        &family,
        json!({"changes": [change(eliot, meal, "2026-09-03", "book"), change(eliot, meal, "2026-09-04", "book")]}),
    )
    .await;
    validate(&app, &family).await;
    let taken = |app: &TestApp| -> i32 {
        booking_counts::table
            .select(diesel::dsl::sum(booking_counts::taken))
            .first::<Option<i64>>(&mut app.database.connect())
            .unwrap()
            .map_or(0, |t| i32::try_from(t).unwrap())
    };
    assert_eq!(taken(&app), 2);
    let registrations = body_of(
        app.get_authed(&format!("/api/v1/children/{eliot}/registrations"), &family)
            .await,
        StatusCode::OK,
    )
    .await;
    let id = registrations[0]["id"].as_i64().unwrap();
    let cancelled = app
        .authed(
            Method::POST,
            &format!("/api/v1/registrations/{id}/cancellation"),
            &family,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status(), StatusCode::OK);
    assert_eq!(bookings_in_db(&app, eliot), 0);
    assert_eq!(taken(&app), 0);
}

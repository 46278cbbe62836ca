//! The guide's chapter III: what a child is offered, registrations, places and the
//! waiting line; security.md tests 2 and 3 (many families for few places, the same
//! child twice at once).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::task::JoinSet;

use tests::steps::activities::child_named;
use tests::{TestApp, json as body_of, problem, spawn_app};

async fn offers(app: &TestApp, token: &str, child: i64) -> Value {
    body_of(
        app.get_authed(&format!("/api/v1/children/{child}/offers"), token)
            .await,
        StatusCode::OK,
    )
    .await
}

fn offer<'a>(offers: &'a Value, name: &str) -> Option<&'a Value> {
    offers
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["activity"]["name"] == name)
}

async fn register(app: &TestApp, token: &str, child: i64, body: Value) -> reqwest::Response {
    app.send_json(
        Method::POST,
        &format!("/api/v1/children/{child}/registrations"),
        Some(token),
        &body,
    )
    .await
}

/// An activity decided by agents with one group of `capacity` places, for CP children.
async fn primary_activity(app: &TestApp, agent: &str, mode: &str, capacity: i32) -> (i64, i64) {
    let created = create_activity(app, agent, primary_body(mode, capacity)).await;
    (
        created["id"].as_i64().unwrap(),
        created["groups"][0]["id"].as_i64().unwrap(),
    )
}

/// The form of [`primary_activity`], to change before creating it.
fn primary_body(mode: &str, capacity: i32) -> Value {
    json!({
        "kindId": 3, "name": "Accueil du mercredi élémentaire", "startsOn": "2026-09-02", "endsOn": "2027-06-30",
        "levels": ["CP", "CE1", "CE2", "CM1", "CM2"], "mode": mode, "entryRule": "chosen",
        "familyChoosesGroup": false, "siblingRatePercent": null, "cancellable": true,
        "units": [{"name": "Journée", "startsAt": "08:30", "endsAt": "17:30", "weekdays": [3],
                   "prices": [{"maxQuotient": 500, "priceCents": 600}, {"maxQuotient": null, "priceCents": 1400}]}],
        "groups": [{"name": "Centre Pasteur", "capacity": capacity}]
    })
}

async fn create_activity(app: &TestApp, agent: &str, body: Value) -> Value {
    app.exchange(
        Method::POST,
        "/api/v1/admin/activities",
        Some(agent),
        &body,
        StatusCode::CREATED,
    )
    .await
}

async fn cancel(app: &TestApp, token: &str, registration: i64) -> reqwest::Response {
    app.authed(
        Method::POST,
        &format!("/api/v1/registrations/{registration}/cancellation"),
        token,
    )
    .send()
    .await
    .unwrap()
}

#[tokio::test]
async fn luc_is_offered_nursery_morning_care_at_3_50_registers_once_and_only_once() {
    let app = spawn_app().await;
    let family = app.token_of("family").await;
    let luc = child_named(&app, &family, "Luc").await;
    let thomas = child_named(&app, &family, "Thomas").await;

    let lucs = offers(&app, &family, luc).await;
    let morning = offer(&lucs, "Accueil matin maternelle").expect("offered to Luc");
    assert_eq!(morning["activity"]["entryRule"], "fixed");
    assert_eq!(morning["activity"]["mode"], "automatic");
    assert_eq!(morning["units"][0]["name"], "Matin");
    assert_eq!(morning["units"][0]["priceCents"], 350);
    assert_eq!(morning["units"][0]["currency"], "EUR");
    // The canteen at the family's bracket (quotient 850): 2.85 EUR a meal.
    let canteen = offer(&lucs, "Restauration scolaire maternelle").unwrap();
    assert_eq!(canteen["units"][0]["priceCents"], 285);
    // Thomas, at primary school, is not offered nursery activities.
    let thomass = offers(&app, &family, thomas).await;
    assert!(offer(&thomass, "Accueil matin maternelle").is_none());
    assert!(offer(&thomass, "Accueil Vacances élémentaire — été").is_some());

    let activity = morning["activity"]["id"].as_i64().unwrap();
    let starts_on = morning["activity"]["startsOn"].clone();
    // The entry date is not the family's to choose here.
    let moved = register(
        &app,
        &family,
        luc,
        json!({"activityId": activity, "entryDate": "2026-12-01"}),
    )
    .await;
    let refused = problem(moved, StatusCode::BAD_REQUEST, "validation_failed").await;
    assert_eq!(refused["errors"][0]["field"], "entryDate");
    assert_eq!(refused["errors"][0]["code"], "fixed");

    let response = register(&app, &family, luc, json!({"activityId": activity})).await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let registration = body_of(response, StatusCode::CREATED).await;
    assert_eq!(
        location,
        format!("/api/v1/registrations/{}", registration["id"])
    );
    assert_eq!(registration["status"], "accepted");
    assert_eq!(registration["entryDate"], starts_on);
    assert_eq!(registration["activityName"], "Accueil matin maternelle");

    let twice = register(&app, &family, luc, json!({"activityId": activity})).await;
    problem(twice, StatusCode::CONFLICT, "already_registered").await;
    // Joined activities are no longer offered; the registration is listed.
    assert!(
        offer(
            &offers(&app, &family, luc).await,
            "Accueil matin maternelle"
        )
        .is_none()
    );
    let lucs = body_of(
        app.get_authed(&format!("/api/v1/children/{luc}/registrations"), &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(lucs.as_array().unwrap().len(), 1);
    // Thomas may not join it, whatever the client sends.
    problem(
        register(&app, &family, thomas, json!({"activityId": activity})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_eligible",
    )
    .await;
    // Holiday weeks go through the basket.
    let summer =
        offer(&thomass, "Accueil Vacances élémentaire — été").unwrap()["activity"]["id"].clone();
    problem(
        register(&app, &family, thomas, json!({"activityId": summer})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "prepaid_activity",
    )
    .await;
    // Places are counted.
    let agent = app.token_of("agent").await;
    let read = body_of(
        app.get_authed(&format!("/api/v1/admin/activities/{activity}"), &agent)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read["groups"][0]["taken"], 1);
    assert_eq!(read["groups"][0]["placesLeft"], 59);

    // Another family cannot register or cancel for T I's children.
    let durand = app
        .sign_up_family(
            ("19", "DURAND", "famille.durand@exemple.fr"),
            "m.durand",
            "m.durand@exemple.fr",
        )
        .await;
    problem(
        register(&app, &durand, luc, json!({"activityId": activity})).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let cancel = app
        .authed(
            Method::POST,
            &format!("/api/v1/registrations/{}/cancellation", registration["id"]),
            &durand,
        )
        .send()
        .await
        .unwrap();
    problem(cancel, StatusCode::NOT_FOUND, "not_found").await;
    problem(
        app.get_authed(&format!("/api/v1/children/{luc}/offers"), &durand)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn agents_accept_refuse_and_waitlist_and_a_freed_place_goes_to_the_first_waiting() {
    let app = spawn_app().await;
    let agent = app.token_of("agent").await;
    let (activity, _) = primary_activity(&app, &agent, "request", 1).await;
    let families = app.create_families(3, "CP").await;
    let mut ids = Vec::new();
    for (token, child) in &families {
        let registration = body_of(
            register(&app, token, *child, json!({"activityId": activity})).await,
            StatusCode::CREATED,
        )
        .await;
        assert_eq!(registration["status"], "requested");
        ids.push(registration["id"].as_i64().unwrap());
    }
    let queue = body_of(
        app.get_authed(
            &format!("/api/v1/admin/registrations?status=requested&activityId={activity}"),
            &agent,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let queued: Vec<i64> = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(queued, ids);
    assert_eq!(queue["items"][0]["childFirstName"], "Enfant0");

    let decide = |id: i64, body: Value| {
        let (app, agent) = (&app, agent.clone());
        async move {
            app.send_json(
                Method::POST,
                &format!("/api/v1/admin/registrations/{id}/decision"),
                Some(&agent),
                &body,
            )
            .await
        }
    };
    let accepted = body_of(
        decide(ids[0], json!({"decision": "accept"})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(accepted["status"], "accepted");
    problem(
        decide(ids[1], json!({"decision": "accept"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "activity_full",
    )
    .await;
    let waiting = body_of(
        decide(ids[1], json!({"decision": "waitlist"})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(waiting["status"], "waitlisted");
    assert_eq!(waiting["waitlistPosition"], 1);
    problem(
        decide(ids[2], json!({"decision": "refuse"})).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    let refused = body_of(
        decide(
            ids[2],
            json!({"decision": "refuse", "reason": "Hors secteur."}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(refused["reason"], "Hors secteur.");
    problem(
        decide(ids[2], json!({"decision": "accept"})).await,
        StatusCode::CONFLICT,
        "registration_already_decided",
    )
    .await;
    let told = app.emails_to("famille.test2@exemple.fr");
    assert!(
        told.iter()
            .any(|e| e.kind == "registration_decided" && e.text_body.contains("Hors secteur"))
    );
    let in_portal = app.notifications(&families[2].0).await;
    assert!(in_portal.iter().any(|n| n["kind"] == "registration_decided"
        && n["data"]["status"] == "refused"
        && n["data"]["reason"] == "Hors secteur."));

    // The first family cancels: the place goes to the second, who is told.
    let (first_token, _) = &families[0];
    let cancelled = body_of(
        app.authed(
            Method::POST,
            &format!("/api/v1/registrations/{}/cancellation", ids[0]),
            first_token,
        )
        .send()
        .await
        .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(cancelled["status"], "cancelled");
    let (second_token, _) = &families[1];
    let mine = body_of(
        app.get_authed("/api/v1/registrations", second_token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine[0]["status"], "accepted");
    assert_eq!(mine[0]["waitlistPosition"], Value::Null);
    assert!(
        app.emails_to("famille.test1@exemple.fr")
            .iter()
            .any(|e| e.kind == "registration_decided" && e.subject.contains("Enfant1"))
    );
    let read = body_of(
        app.get_authed(&format!("/api/v1/admin/activities/{activity}"), &agent)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read["groups"][0]["taken"], 1);

    // A cancelled or refused registration cannot be cancelled (again).
    problem(
        cancel(&app, first_token, ids[0]).await,
        StatusCode::CONFLICT,
        "registration_already_decided",
    )
    .await;
    problem(
        cancel(&app, &families[2].0, ids[2]).await,
        StatusCode::CONFLICT,
        "registration_already_decided",
    )
    .await;
}

#[tokio::test]
async fn an_activity_without_a_group_has_no_place_and_one_not_cancellable_online_keeps_its_children()
 {
    let app = spawn_app().await;
    let agent = app.token_of("agent").await;
    let families = app.create_families(1, "CP").await;
    let (family, child) = (&families[0].0, families[0].1);

    let mut no_group = primary_body("automatic", 0);
    no_group["groups"] = json!([]);
    let created = create_activity(&app, &agent, no_group).await;
    problem(
        register(&app, family, child, json!({"activityId": created["id"]})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "activity_full",
    )
    .await;

    let mut kept = primary_body("automatic", 10);
    kept["name"] = json!("Classe de découverte");
    kept["cancellable"] = json!(false);
    let created = create_activity(&app, &agent, kept).await;
    let registration = body_of(
        register(&app, family, child, json!({"activityId": created["id"]})).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(registration["status"], "accepted");
    let id = registration["id"].as_i64().unwrap();
    problem(
        cancel(&app, family, id).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_cancellable",
    )
    .await;
    let read = body_of(
        app.get_authed(&format!("/api/v1/registrations/{id}"), family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read["status"], "accepted");
}

#[tokio::test]
async fn agents_add_activity_kinds_whose_codes_are_unique() {
    let app = spawn_app().await;
    let agent = app.token_of("agent").await;
    let kind = json!({"code": "study_help", "label": "Aide aux devoirs"});
    let added = app
        .exchange(
            Method::POST,
            "/api/v1/admin/activity-kinds",
            Some(&agent),
            &kind,
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(added["code"], "study_help");
    let again = json!({"code": "study_help", "label": "Études surveillées"});
    app.refused(
        Method::POST,
        "/api/v1/admin/activity-kinds",
        Some(&agent),
        &again,
        (StatusCode::CONFLICT, "activity_kind_taken"),
    )
    .await;
    let kinds = body_of(
        app.get_authed("/api/v1/admin/activity-kinds", &agent).await,
        StatusCode::OK,
    )
    .await;
    let labels: Vec<&str> = kinds
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["code"] == "study_help")
        .map(|k| k["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Aide aux devoirs"]);
}

#[tokio::test]
async fn two_hundred_families_for_ten_places_give_ten_accepted_and_an_ordered_waiting_line() {
    let app = tests::TestAppBuilder::default()
        .setting("DATABASE_POOL_SIZE", "16")
        .setting("WORKERS", "2")
        .spawn()
        .await;
    let agent = app.token_of("agent").await;
    let (activity, group) = primary_activity(&app, &agent, "automatic", 10).await;
    let families = app.create_families(200, "CE1").await;
    let mut set = JoinSet::new();
    for (token, child) in families {
        let request = app
            .authed(
                Method::POST,
                &format!("/api/v1/children/{child}/registrations"),
                &token,
            )
            .json(&json!({"activityId": activity}));
        set.spawn(async move {
            let response = request.send().await.unwrap();
            (response.status(), response.json::<Value>().await.unwrap())
        });
    }
    let mut accepted = 0;
    let mut positions = Vec::new();
    while let Some(answer) = set.join_next().await {
        let (status, body) = answer.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
        match body["status"].as_str().unwrap() {
            "accepted" => accepted += 1,
            "waitlisted" => positions.push((
                body["id"].as_i64().unwrap(),
                body["waitlistPosition"].as_i64().unwrap(),
            )),
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(accepted, 10);
    assert_eq!(positions.len(), 190);
    // The line as it stands: positions 1..=190 in the order of arrival (ids).
    let queue = body_of(
        app.get_authed(
            &format!(
                "/api/v1/admin/registrations?status=waitlisted&activityId={activity}&pageSize=200"
            ),
            &agent,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let line: Vec<i64> = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["waitlistPosition"].as_i64().unwrap())
        .collect();
    assert_eq!(line, (1..=190).collect::<Vec<_>>());
    let read = body_of(
        app.get_authed(&format!("/api/v1/admin/activities/{activity}"), &agent)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read["groups"][0]["id"], group);
    assert_eq!(read["groups"][0]["taken"], 10);
    assert_eq!(read["groups"][0]["placesLeft"], 0);
}

#[tokio::test]
async fn the_same_child_registered_twice_at_once_has_one_registration() {
    let app = spawn_app().await;
    let family = app.token_of("family").await;
    let luc = child_named(&app, &family, "Luc").await;
    let activity = offer(
        &offers(&app, &family, luc).await,
        "Restauration scolaire maternelle",
    )
    .unwrap()["activity"]["id"]
        .clone();
    let mut set = JoinSet::new();
    for _ in 0..10 {
        let request = app
            .authed(
                Method::POST,
                &format!("/api/v1/children/{luc}/registrations"),
                &family,
            )
            .json(&json!({"activityId": activity}));
        set.spawn(async move { request.send().await.unwrap().status() });
    }
    let mut statuses = Vec::new();
    while let Some(status) = set.join_next().await {
        statuses.push(status.unwrap());
    }
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT),
        "{statuses:?}"
    );
    let registrations = body_of(
        app.get_authed("/api/v1/registrations", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(registrations.as_array().unwrap().len(), 1);
    let agent = app.token_of("agent").await;
    let read = body_of(
        app.get_authed(&format!("/api/v1/admin/activities/{activity}"), &agent)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read["groups"][0]["taken"], 1);
}

#[tokio::test]
async fn agents_see_each_groups_fill_day_by_day_and_set_a_days_capacity() {
    let now = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 26, 10, 0, 0)
        .single()
        .unwrap();
    let app = tests::TestAppBuilder::default()
        .clock(api::clock::Clock::fixed_at(now))
        .spawn()
        .await;
    let agent = app.token_of("agent").await;
    let (activity, group) = primary_activity(&app, &agent, "automatic", 3).await;
    for (token, child) in app.create_families(2, "CP").await {
        let registered = body_of(
            register(
                &app,
                &token,
                child,
                json!({"activityId": activity, "entryDate": "2026-12-09"}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        assert_eq!(registered["status"], "accepted");
    }
    let set = app
        .send_json(
            Method::PUT,
            &format!("/api/v1/admin/activity-groups/{group}/day-capacities/2026-12-16"),
            Some(&agent),
            &json!({"capacity": 2}),
        )
        .await;
    assert_eq!(set.status(), StatusCode::NO_CONTENT);
    let fill = body_of(
        app.get_authed(
            &format!("/api/v1/admin/activities/{activity}/fill?from=2026-12-01&to=2026-12-20"),
            &agent,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let days: Vec<(String, i64, i64, i64)> = fill[0]["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["day"].as_str().unwrap().to_owned(),
                d["capacity"].as_i64().unwrap(),
                d["registered"].as_i64().unwrap(),
                d["placesLeft"].as_i64().unwrap(),
            )
        })
        .collect();
    // Wednesdays only (the unit's day); the children count from their entry date.
    assert_eq!(
        days,
        [
            ("2026-12-02".to_owned(), 3, 0, 3),
            ("2026-12-09".to_owned(), 3, 2, 1),
            ("2026-12-16".to_owned(), 2, 2, 0),
        ]
    );
    problem(
        app.get_authed(
            &format!("/api/v1/admin/activities/{activity}/fill?from=2026-12-01&to=2027-06-01"),
            &agent,
        )
        .await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
}

#[tokio::test]
async fn a_raised_capacity_goes_to_the_children_waiting() {
    let app = spawn_app().await;
    let agent = app.token_of("agent").await;
    let (activity, group) = primary_activity(&app, &agent, "automatic", 1).await;
    let families = app.create_families(3, "CP").await;
    let mut statuses = Vec::new();
    for (token, child) in &families {
        let registered = body_of(
            register(&app, token, *child, json!({"activityId": activity})).await,
            StatusCode::CREATED,
        )
        .await;
        statuses.push(registered["status"].as_str().unwrap().to_owned());
    }
    assert_eq!(statuses, ["accepted", "waitlisted", "waitlisted"]);
    let raised = app
        .send_json(
            Method::PUT,
            &format!("/api/v1/admin/activity-groups/{group}"),
            Some(&agent),
            &json!({"name": "Centre Pasteur", "capacity": 2}),
        )
        .await;
    let raised = body_of(raised, StatusCode::OK).await;
    assert_eq!(
        (raised["taken"].as_i64(), raised["placesLeft"].as_i64()),
        (Some(2), Some(0))
    );
    let second = body_of(
        app.get_authed("/api/v1/registrations", &families[1].0)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(second[0]["status"], "accepted");
    let third = body_of(
        app.get_authed("/api/v1/registrations", &families[2].0)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (
            third[0]["status"].as_str(),
            third[0]["waitlistPosition"].as_i64()
        ),
        (Some("waitlisted"), Some(1))
    );
    // Never below the places taken.
    app.refused(
        Method::PUT,
        &format!("/api/v1/admin/activity-groups/{group}"),
        Some(&agent),
        &json!({"name": "Centre Pasteur", "capacity": 1}),
        (StatusCode::BAD_REQUEST, "validation_failed"),
    )
    .await;
}

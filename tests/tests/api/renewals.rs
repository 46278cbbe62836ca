//! The yearly renewal of the family file: a campaign opened by agents, a family
//! confirming its file section by section across sign-ins, sent back once, validated;
//! registrations for the new school year waiting for it; reminders.

use diesel::prelude::*;
use persistence::schema::{events, registrations, renewals};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use tests::steps::activities::child_named;
use tests::steps::baskets::{add, open_basket, set_booking_window};
use tests::{TestApp, TestAppBuilder, json as body_of, problem};

/// The demo on 27 November 2026: its campaign for 2027-2028 is open until 25 February.
async fn app() -> TestApp {
    TestAppBuilder::default()
        .clock(api::clock::Clock::fixed_at(
            "2026-11-27T09:00:00Z".parse().unwrap(),
        ))
        .spawn()
        .await
}

async fn demo_campaign(app: &TestApp, agent: &str) -> Value {
    let all = body_of(
        app.get_authed("/api/v1/admin/renewal-campaigns", agent)
            .await,
        StatusCode::OK,
    )
    .await;
    all.as_array()
        .unwrap()
        .iter()
        .find(|c| c["schoolYear"] == 2027)
        .expect("the demo's campaign")
        .clone()
}

async fn renewal(app: &TestApp, family: &str) -> Value {
    body_of(
        app.get_authed("/api/v1/renewal", family).await,
        StatusCode::OK,
    )
    .await
}

async fn confirm(app: &TestApp, family: &str, section: &str) -> reqwest::Response {
    app.send_json(
        Method::PUT,
        &format!("/api/v1/renewal/sections/{section}"),
        Some(family),
        &json!({"confirmed": true}),
    )
    .await
}

async fn submit(app: &TestApp, family: &str) -> reqwest::Response {
    app.authed(Method::POST, "/api/v1/renewal/submission", family)
        .send()
        .await
        .unwrap()
}

fn section<'a>(renewal: &'a Value, name: &str) -> &'a Value {
    renewal["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["section"] == name)
        .unwrap_or_else(|| panic!("no {name} in {renewal}"))
}

/// An agent records a child's vaccinations and doctor.
async fn complete_health(app: &TestApp, agent: &str, child: i64) {
    let path = format!("/api/v1/admin/children/{child}/health");
    let read = app.get_authed(&path, agent).await;
    let etag = read.headers()["etag"].to_str().unwrap().to_owned();
    let health = json!({"allergies": "", "carePlan": false, "carePlanDetails": "",
        "doctorName": "Dr Martin", "doctorPhone": "01 46 77 00 00",
        "vaccinations": [{"vaccine": "DTP", "date": "2022-06-01"}]});
    let written = app
        .authed(Method::PUT, &path, agent)
        .header("If-Match", etag)
        .json(&health)
        .send()
        .await
        .unwrap();
    assert_eq!(written.status(), StatusCode::OK);
}

fn stored_status(app: &TestApp, campaign: i64) -> Vec<String> {
    let mut conn = app.database.connect();
    renewals::table
        .filter(renewals::campaign_id.eq(campaign))
        .select(renewals::status)
        .load(&mut conn)
        .unwrap()
}

#[tokio::test]
async fn a_family_renews_its_file_section_by_section_is_sent_back_once_then_validated() {
    let app = app().await;
    let agent = app.token_of("agent").await;
    let family = app.token_of("family").await;

    // Agents open campaigns, one per school year.
    let form = json!({"schoolYear": 2027, "opensOn": "2027-04-01", "closesOn": "2027-06-30",
        "sections": ["contact_details"], "message": ""});
    problem(
        app.send_json(
            Method::POST,
            "/api/v1/admin/renewal-campaigns",
            Some(&agent),
            &form,
        )
        .await,
        StatusCode::CONFLICT,
        "renewal_campaign_exists",
    )
    .await;
    let mut later = form.clone();
    later["schoolYear"] = json!(2028);
    let created = app
        .send_json(
            Method::POST,
            "/api/v1/admin/renewal-campaigns",
            Some(&agent),
            &later,
        )
        .await;
    assert!(
        created.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/api/v1/admin/renewal-campaigns/")
    );
    assert_eq!(
        body_of(created, StatusCode::CREATED).await["schoolYear"],
        2028
    );
    let mut backwards = later.clone();
    backwards["schoolYear"] = json!(2029);
    backwards["closesOn"] = json!("2027-03-01");
    problem(
        app.send_json(
            Method::POST,
            "/api/v1/admin/renewal-campaigns",
            Some(&agent),
            &backwards,
        )
        .await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    problem(
        app.send_json(
            Method::POST,
            "/api/v1/admin/renewal-campaigns",
            Some(&family),
            &later,
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    // The demo's campaign for 2027-2028, narrowed to five sections.
    let campaign = demo_campaign(&app, &agent).await;
    let id = campaign["id"].as_i64().unwrap();
    let path = format!("/api/v1/admin/renewal-campaigns/{id}");
    let mut narrowed = json!({"schoolYear": 2027, "opensOn": campaign["opensOn"], "closesOn": campaign["closesOn"],
        "sections": ["contact_details", "guardians", "schools", "health", "quotient"],
        "message": "Avant les inscriptions de la rentrée."});
    body_of(
        app.send_json(Method::PUT, &path, Some(&agent), &narrowed)
            .await,
        StatusCode::OK,
    )
    .await;
    narrowed["schoolYear"] = json!(2030);
    problem(
        app.send_json(Method::PUT, &path, Some(&agent), &narrowed)
            .await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;

    // Registrations for 2027-2028 wait for the renewal.
    let thomas = child_named(&app, &family, "Thomas").await;
    let activity = body_of(
        app.send_json(
            Method::POST,
            "/api/v1/admin/activities",
            Some(&agent),
            &json!({
                "kindId": 3, "name": "Mercredis 2027-2028", "startsOn": "2027-09-01", "endsOn": "2028-06-28",
                "levels": ["CP", "CE1", "CE2", "CM1", "CM2"], "mode": "automatic", "entryRule": "fixed",
                "familyChoosesGroup": false, "siblingRatePercent": null, "cancellable": true,
                "units": [{"name": "Journée", "startsAt": "08:30", "endsAt": "17:30", "weekdays": [3],
                           "prices": [{"maxQuotient": null, "priceCents": 1400}]}],
                "groups": [{"name": "Centre Pasteur", "capacity": 10}]
            }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .clone();
    let register = || async {
        app.send_json(
            Method::POST,
            &format!("/api/v1/children/{thomas}/registrations"),
            Some(&family),
            &json!({"activityId": activity}),
        )
        .await
    };
    let refused = problem(
        register().await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "renewal_required",
    )
    .await;
    let fields: Vec<&str> = refused["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "contact_details",
            "guardians",
            "schools",
            "health",
            "quotient",
            "renewal"
        ],
        "{refused}"
    );

    // What the file lacks: the children's vaccinations and doctor; no quotient for
    // 2027-2028 yet (confirmable all the same).
    let fresh = renewal(&app, &family).await;
    assert_eq!(fresh["status"], "draft");
    assert_eq!(fresh["campaign"]["schoolYear"], 2027);
    assert_eq!(fresh["sections"].as_array().unwrap().len(), 5);
    let health = section(&fresh, "health");
    assert_eq!(health["confirmed"], false);
    assert!(
        health["missing"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["message"] == "Luc : vaccinations à renseigner (DTP)."),
        "{health}"
    );
    assert_eq!(
        section(&fresh, "quotient")["missing"][0]["code"],
        "quotient"
    );
    assert!(
        section(&fresh, "contact_details")["missing"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Two sections now, sent too early, the health refused while incomplete.
    body_of(
        confirm(&app, &family, "contact_details").await,
        StatusCode::OK,
    )
    .await;
    body_of(confirm(&app, &family, "guardians").await, StatusCode::OK).await;
    let incomplete = problem(
        confirm(&app, &family, "health").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "renewal_section_incomplete",
    )
    .await;
    assert_eq!(incomplete["errors"][0]["field"], "health");
    let early = problem(
        submit(&app, &family).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "renewal_incomplete",
    )
    .await;
    assert_eq!(early["errors"].as_array().unwrap().len(), 3, "{early}");
    problem(
        confirm(&app, &family, "documents").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    // Signed in again later: the confirmations were kept on the server.
    let family = app.token_of("family").await;
    let kept = renewal(&app, &family).await;
    assert_eq!(section(&kept, "contact_details")["confirmed"], true);
    assert_eq!(section(&kept, "guardians")["confirmed"], true);
    assert_eq!(section(&kept, "health")["confirmed"], false);
    for name in ["Luc", "Eliot", "Thomas"] {
        complete_health(&app, &agent, child_named(&app, &family, name).await).await;
    }
    for name in ["health", "schools", "quotient"] {
        body_of(confirm(&app, &family, name).await, StatusCode::OK).await;
    }
    let sent = body_of(submit(&app, &family).await, StatusCode::OK).await;
    assert_eq!(sent["status"], "submitted");
    assert!(sent["submittedAt"].is_string());
    problem(
        confirm(&app, &family, "quotient").await,
        StatusCode::CONFLICT,
        "renewal_locked",
    )
    .await;
    problem(
        submit(&app, &family).await,
        StatusCode::CONFLICT,
        "renewal_locked",
    )
    .await;
    problem(
        register().await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "renewal_required",
    )
    .await;

    // The agents' queue; sent back once, with a comment and the quotient to redo.
    let queue = body_of(
        app.get_authed(&format!("{path}/renewals?status=submitted"), &agent)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(queue["total"], 1);
    assert_eq!(queue["items"][0]["dossierNumber"], "18");
    let dossier = queue["items"][0]["dossierId"].as_i64().unwrap();
    let decision = format!("{path}/renewals/{dossier}/decision");
    problem(
        app.send_json(
            Method::POST,
            &decision,
            Some(&agent),
            &json!({"decision": "return"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    let returned = body_of(
        app.send_json(
            Method::POST,
            &decision,
            Some(&agent),
            &json!({"decision": "return", "comment": "Faites calculer votre quotient 2027.", "reopen": ["quotient"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(returned["status"], "returned");
    let told = app.notifications(&family).await;
    let notice = told
        .iter()
        .find(|n| n["kind"] == "renewal_decided")
        .expect("told");
    assert_eq!(notice["data"]["status"], "returned");
    assert_eq!(
        notice["data"]["comment"],
        "Faites calculer votre quotient 2027."
    );
    let back = renewal(&app, &family).await;
    assert_eq!(back["status"], "returned");
    assert_eq!(back["comment"], "Faites calculer votre quotient 2027.");
    assert_eq!(section(&back, "quotient")["confirmed"], false);
    assert_eq!(section(&back, "health")["confirmed"], true);
    problem(
        app.send_json(
            Method::POST,
            &decision,
            Some(&agent),
            &json!({"decision": "return", "comment": "Encore ?"}),
        )
        .await,
        StatusCode::CONFLICT,
        "renewal_already_decided",
    )
    .await;

    // Confirmed again, sent again, validated: next year's registration goes through.
    body_of(confirm(&app, &family, "quotient").await, StatusCode::OK).await;
    body_of(submit(&app, &family).await, StatusCode::OK).await;
    let validated = body_of(
        app.send_json(
            Method::POST,
            &decision,
            Some(&agent),
            &json!({"decision": "validate"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(validated["status"], "validated");
    assert_eq!(stored_status(&app, id), ["validated"]);
    problem(
        app.send_json(
            Method::POST,
            &decision,
            Some(&agent),
            &json!({"decision": "validate"}),
        )
        .await,
        StatusCode::CONFLICT,
        "renewal_already_decided",
    )
    .await;
    let accepted = body_of(register().await, StatusCode::CREATED).await;
    assert_eq!(accepted["status"], "accepted");
    let mut conn = app.database.connect();
    let held: i64 = registrations::table
        .filter(registrations::child_id.eq(thomas))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(held, 1);
    let progress = body_of(app.get_authed(&path, &agent).await, StatusCode::OK).await;
    assert_eq!(progress["counts"]["validated"], 1);
    assert_eq!(progress["counts"]["submitted"], 0);
    // The family's RGPD export holds its renewal, with what it confirmed.
    let export = body_of(
        app.get_authed("/api/v1/me/export", &family).await,
        StatusCode::OK,
    )
    .await;
    let renewals = export["renewals"].as_array().unwrap();
    assert_eq!(renewals.len(), 1);
    assert_eq!(renewals[0]["status"], "validated");
    assert!(renewals[0]["submittedAt"].is_string());
    assert!(
        renewals[0]["confirmedSections"]
            .as_array()
            .unwrap()
            .contains(&json!("quotient"))
    );
}

#[tokio::test]
async fn agents_validate_at_the_desk_and_families_are_reminded_until_they_send() {
    let app = app().await;
    let agent = app.token_of("agent").await;
    let family = app.token_of("family").await;
    let campaign = demo_campaign(&app, &agent).await;
    let id = campaign["id"].as_i64().unwrap();
    assert_eq!(campaign["closesOn"], "2027-02-25");

    // Dossier 19 renews at the desk: an agent validates it without an online renewal.
    let dossiers = body_of(
        app.get_authed("/api/v1/admin/dossiers?q=19", &agent).await,
        StatusCode::OK,
    )
    .await;
    let nineteen = dossiers["items"][0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/admin/renewal-campaigns/{id}/renewals/{nineteen}");
    let before = body_of(app.get_authed(&path, &agent).await, StatusCode::OK).await;
    assert_eq!(before["status"], "draft");
    let validated = body_of(
        app.send_json(
            Method::POST,
            &format!("{path}/decision"),
            Some(&agent),
            &json!({"decision": "validate", "comment": "Dossier vérifié au guichet."}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(validated["status"], "validated");
    assert_eq!(validated["comment"], "Dossier vérifié au guichet.");
    problem(
        app.get_authed(
            &format!("/api/v1/admin/renewal-campaigns/{id}/renewals/999999"),
            &agent,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let nobody = "/api/v1/admin/renewal-campaigns/999999";
    problem(
        app.get_authed(nobody, &agent).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    problem(
        app.get_authed(&format!("{nobody}/renewals"), &agent).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let form = json!({"schoolYear": 2027, "opensOn": "2027-04-01", "closesOn": "2027-06-30",
        "sections": ["quotient"], "message": ""});
    problem(
        app.send_json(Method::PUT, nobody, Some(&agent), &form)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    problem(
        app.send_json(
            Method::POST,
            &format!("{nobody}/renewals/{nineteen}/decision"),
            Some(&agent),
            &json!({"decision": "validate"}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    // The demo's opening counts as announced; a campaign opening now is told once to
    // every family...
    let reminders = |app: &TestApp, dossier: i64| {
        let mut conn = app.database.connect();
        let mut keys: Vec<String> = events::table
            .filter(events::dossier_id.eq(dossier))
            .filter(events::kind.eq("renewal_reminder"))
            .select(events::dedupe_key)
            .load::<Option<String>>(&mut conn)
            .unwrap()
            .into_iter()
            .flatten()
            .map(|k| k.split(':').take(2).collect::<Vec<_>>().join(":"))
            .collect();
        keys.sort();
        keys
    };
    let eighteen = body_of(
        app.get_authed("/api/v1/dossier", &family).await,
        StatusCode::OK,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    api::jobs::remind(&app.state).await.unwrap();
    assert!(reminders(&app, eighteen).is_empty());
    let next = body_of(
        app.send_json(
            Method::POST,
            "/api/v1/admin/renewal-campaigns",
            Some(&agent),
            &json!({"schoolYear": 2028, "opensOn": "2026-11-27", "closesOn": "2027-03-31",
                    "sections": ["quotient"], "message": "Déjà la suivante."}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .clone();
    api::jobs::remind(&app.state).await.unwrap();
    api::jobs::remind(&app.state).await.unwrap();
    let opening = format!("renewal_open:{next}");
    assert_eq!(reminders(&app, eighteen), std::slice::from_ref(&opening));
    assert_eq!(reminders(&app, nineteen), std::slice::from_ref(&opening));
    let told = app.notifications(&family).await;
    let notice = told
        .iter()
        .find(|n| n["kind"] == "renewal_reminder")
        .expect("told");
    assert_eq!(notice["data"]["schoolYear"], 2028);
    assert!(
        notice["body"]
            .as_str()
            .unwrap()
            .contains("Déjà la suivante."),
        "{notice}"
    );

    // ...and, a week before the demo's closes, those that have not sent their renewal.
    app.clock.set("2027-02-19T09:00:00Z".parse().unwrap());
    api::jobs::remind(&app.state).await.unwrap();
    api::jobs::remind(&app.state).await.unwrap();
    let closing = format!("renewal_closing:{id}");
    assert_eq!(reminders(&app, eighteen), [closing, opening.clone()]);
    assert_eq!(
        reminders(&app, nineteen),
        [opening],
        "validated: not reminded"
    );

    // Once both closed, nothing is open to renew.
    app.clock.set("2027-04-01T09:00:00Z".parse().unwrap());
    let family = app.token_of("family").await;
    problem(
        app.get_authed("/api/v1/renewal", &family).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    problem(
        confirm(&app, &family, "quotient").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    problem(
        submit(&app, &family).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // Registering for 2027-2028 then sends the family to the desk.
    let agent = app.token_of("agent").await;
    let week = holiday_week(
        &app,
        &agent,
        "Été 2028",
        "2028-07-03",
        "2028-07-07",
        json!([]),
    )
    .await;
    let thomas = child_named(&app, &family, "Thomas").await;
    let closed = problem(
        add(
            &app,
            &family,
            json!({"childId": thomas, "activityId": week, "weekStart": "2028-07-03"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "renewal_required",
    )
    .await;
    let last = closed["errors"].as_array().unwrap().last().unwrap().clone();
    assert!(
        last["message"].as_str().unwrap().contains("est close"),
        "{closed}"
    );
}

/// A holiday activity of the week of `monday` for primary pupils, requiring
/// `documents`, its booking window open.
async fn holiday_week(
    app: &TestApp,
    agent: &str,
    name: &str,
    monday: &str,
    friday: &str,
    documents: Value,
) -> i64 {
    let id = body_of(
        app.send_json(
            Method::POST,
            "/api/v1/admin/activities",
            Some(agent),
            &json!({"kindId": 6, "name": name, "startsOn": monday, "endsOn": friday,
                    "levels": ["CP", "CE1", "CE2", "CM1", "CM2"], "mode": "prepaid", "entryRule": "chosen",
                    "familyChoosesGroup": false, "siblingRatePercent": null, "cancellable": false,
                    "requiredDocuments": documents,
                    "units": [{"name": "Journée", "startsAt": "08:30", "endsAt": "17:30", "weekdays": [1, 2, 3, 4, 5],
                               "prices": [{"maxQuotient": null, "priceCents": 1000}]}],
                    "groups": [{"name": "Groupe", "capacity": 10}]}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    set_booking_window(app, id, "2026-01-01T00:00:00", "2028-07-01T00:00:00").await;
    id
}

#[tokio::test]
async fn holiday_weeks_wait_for_the_renewal_of_their_school_year_and_the_documents_they_list() {
    let app = app().await;
    let agent = app.token_of("agent").await;
    let family = app.token_of("family").await;
    let thomas = child_named(&app, &family, "Thomas").await;

    // July 2028 belongs to 2027-2028, whose campaign the family has not done.
    let next_summer = holiday_week(
        &app,
        &agent,
        "Été 2028",
        "2028-07-03",
        "2028-07-07",
        json!([]),
    )
    .await;
    let item = |activity: i64, monday: &str| json!({"childId": thomas, "activityId": activity, "weekStart": monday});
    problem(
        add(&app, &family, item(next_summer, "2028-07-03")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "renewal_required",
    )
    .await;
    // July 2027 is this school year's: no campaign, but the insurance it lists.
    let this_summer = holiday_week(
        &app,
        &agent,
        "Été 2027",
        "2027-07-05",
        "2027-07-09",
        json!(["school_insurance"]),
    )
    .await;
    let missing = problem(
        add(&app, &family, item(this_summer, "2027-07-05")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "documents_missing",
    )
    .await;
    assert_eq!(missing["errors"][0]["code"], "school_insurance");
    assert_eq!(
        open_basket(&app, &family).await["items"],
        json!([]),
        "nothing added"
    );
    // Activities cannot ask families for what only the city issues.
    problem(
        app.send_json(
            Method::POST,
            "/api/v1/admin/activities",
            Some(&agent),
            &json!({"kindId": 6, "name": "Impossible", "startsOn": "2027-07-05", "endsOn": "2027-07-09",
                    "levels": ["CM1"], "mode": "prepaid", "entryRule": "chosen",
                    "familyChoosesGroup": false, "siblingRatePercent": null, "cancellable": false,
                    "requiredDocuments": ["invoice"],
                    "units": [{"name": "Journée", "startsAt": "08:30", "endsAt": "17:30", "weekdays": [1],
                               "prices": [{"maxQuotient": null, "priceCents": 1000}]}],
                    "groups": [{"name": "Groupe", "capacity": 10}]}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
}

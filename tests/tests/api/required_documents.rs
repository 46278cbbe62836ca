//! The documents the city requires, with their validity: where each stands for a
//! dossier and its children, agents' reviews, registrations held up by a missing or
//! expired document, and the reminder before one expires.

use diesel::prelude::*;
use persistence::schema::{documents, registrations};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use tests::steps::activities::child_named;
use tests::steps::dossiers::{pdf, upload};
use tests::{TestApp, TestAppBuilder, json as body_of, problem};

/// The demo on 27 November 2026 (its files when `files`).
async fn app(files: bool) -> TestApp {
    TestAppBuilder::default()
        .clock(api::clock::Clock::fixed_at(
            "2026-11-27T09:00:00Z".parse().unwrap(),
        ))
        .setting("SEED_DEMO_FILES", if files { "true" } else { "false" })
        .spawn()
        .await
}

async fn required(app: &TestApp, token: &str) -> Value {
    body_of(
        app.get_authed("/api/v1/dossier/required-documents", token)
            .await,
        StatusCode::OK,
    )
    .await
}

/// The item of `kind` (for the child named `child`, or the dossier).
fn item<'a>(list: &'a Value, kind: &str, child: Option<&str>) -> &'a Value {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == kind && i["childFirstName"].as_str() == child)
        .unwrap_or_else(|| panic!("no {kind} for {child:?} in {list}"))
}

/// Uploads a PDF of `kind` issued on `issued_on`; returns the document.
async fn upload_pdf(app: &TestApp, token: &str, query: &str) -> Value {
    body_of(
        upload(app, token, query, "application/pdf", pdf()).await,
        StatusCode::CREATED,
    )
    .await
}

async fn review(app: &TestApp, agent: &str, document: &Value, body: &Value) -> reqwest::Response {
    app.send_json(
        Method::POST,
        &format!("/api/v1/admin/documents/{}/review", document["id"]),
        Some(agent),
        body,
    )
    .await
}

#[tokio::test]
async fn a_dossier_shows_each_requirement_and_agents_review_what_families_send() {
    let app = app(false).await;
    let family = app.token_of("family").await;
    let agent = app.token_of("agent").await;

    // What the demo city requires, public.
    let listed = body_of(
        app.get("/api/v1/document-requirements").await,
        StatusCode::OK,
    )
    .await;
    let kinds: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "address_proof",
            "care_plan",
            "school_insurance",
            "vaccination_record"
        ]
    );
    assert_eq!(listed[0]["validity"], "months");
    assert_eq!(listed[0]["validityMonths"], 3);

    // Nothing sent yet: the proof of address once, insurance and vaccinations for each
    // of the three children; no care plan, as no child has a declared allergy.
    let before = required(&app, &family).await;
    assert_eq!(before["complete"], false);
    assert_eq!(before["items"].as_array().unwrap().len(), 7, "{before}");
    assert_eq!(item(&before, "address_proof", None)["status"], "missing");
    assert_eq!(
        item(&before, "school_insurance", Some("Eliot"))["status"],
        "missing"
    );
    assert!(
        before["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["kind"] != "care_plan")
    );

    // An old bill: valid three months from its date, so already expired.
    let old = upload_pdf(&app, &family, "kind=address_proof&issuedOn=2026-07-01").await;
    assert_eq!(old["status"], "pending");
    assert_eq!(old["issuedOn"], "2026-07-01");
    assert_eq!(old["validUntil"], "2026-09-30");
    assert_eq!(
        item(&required(&app, &family).await, "address_proof", None)["status"],
        "expired"
    );
    // A recent one counts at once, while it waits for an agent.
    let recent = upload_pdf(&app, &family, "kind=address_proof&issuedOn=2026-11-15").await;
    let pending = required(&app, &family).await;
    let address = item(&pending, "address_proof", None);
    assert_eq!(address["status"], "pending");
    assert_eq!(address["document"]["id"], recent["id"]);
    // A date to come is not a document's.
    problem(
        upload(
            &app,
            &family,
            "kind=address_proof&issuedOn=2026-12-25",
            "application/pdf",
            pdf(),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;

    // The agent refuses it, saying why; the family is told, and the requirement falls
    // back on the expired bill.
    problem(
        review(&app, &agent, &recent, &json!({"decision": "refuse"})).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    let refused = body_of(
        review(
            &app,
            &agent,
            &recent,
            &json!({"decision": "refuse", "reason": "Facture au nom d'un tiers"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(refused["status"], "refused");
    assert_eq!(refused["reviewReason"], "Facture au nom d'un tiers");
    let told = app.notifications(&family).await;
    let notice = told
        .iter()
        .find(|n| n["kind"] == "document_reviewed")
        .expect("the family is told");
    assert_eq!(notice["data"]["status"], "refused");
    assert_eq!(notice["data"]["reason"], "Facture au nom d'un tiers");
    assert_eq!(
        item(&required(&app, &family).await, "address_proof", None)["status"],
        "expired"
    );
    let mut conn = app.database.connect();
    let stored: (String, Option<String>, Option<i64>) = documents::table
        .find(recent["id"].as_i64().unwrap())
        .select((
            documents::status,
            documents::review_reason,
            documents::reviewed_by,
        ))
        .first(&mut conn)
        .unwrap();
    assert_eq!(stored.0, "refused");
    assert!(stored.2.is_some(), "the reviewer is kept");

    // Eliot's insurance, accepted with the end date the certificate shows.
    let eliot = child_named(&app, &family, "Eliot").await;
    let insurance = upload_pdf(
        &app,
        &family,
        &format!("kind=school_insurance&childId={eliot}&issuedOn=2026-09-01"),
    )
    .await;
    assert_eq!(insurance["validUntil"], "2027-08-31");
    let accepted = body_of(
        review(
            &app,
            &agent,
            &insurance,
            &json!({"decision": "accept", "validUntil": "2027-07-31"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(accepted["validUntil"], "2027-07-31");
    assert!(accepted["reviewReason"].is_null());
    let now = required(&app, &family).await;
    let eliots = item(&now, "school_insurance", Some("Eliot"));
    assert_eq!(eliots["status"], "valid");
    assert_eq!(eliots["document"]["validUntil"], "2027-07-31");
    assert_eq!(
        item(&now, "school_insurance", Some("Luc"))["status"],
        "missing"
    );
    // The agents see the same.
    let dossier_id = body_of(
        app.get_authed("/api/v1/dossier", &family).await,
        StatusCode::OK,
    )
    .await["id"]
        .clone();
    let seen = body_of(
        app.get_authed(
            &format!("/api/v1/admin/dossiers/{dossier_id}/required-documents"),
            &agent,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seen, now);
    problem(
        app.get_authed("/api/v1/admin/dossiers/999999/required-documents", &agent)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    problem(
        review(
            &app,
            &agent,
            &json!({"id": 999999}),
            &json!({"decision": "accept"}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // A certificate the city files is the city's, not to review.
    let filed = app
        .authed(
            Method::POST,
            &format!("/api/v1/admin/dossiers/{dossier_id}/documents?kind=certificate"),
            &agent,
        )
        .header("Content-Type", "application/pdf")
        .body(pdf())
        .send()
        .await
        .unwrap();
    let filed = body_of(filed, StatusCode::CREATED).await;
    assert_eq!(filed["status"], "accepted");
    problem(
        review(
            &app,
            &agent,
            &filed,
            &json!({"decision": "refuse", "reason": "?"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "document_kind_reserved",
    )
    .await;
}

#[tokio::test]
async fn admins_set_what_is_required_and_a_declared_allergy_asks_for_a_care_plan() {
    let app = app(false).await;
    let admin = app.token_of("admin").await;
    let agent = app.token_of("agent").await;
    let family = app.token_of("family").await;
    let path = "/api/v1/admin/document-requirements/health_form";
    let form = json!({"label": "Fiche sanitaire de l'année", "scope": "child", "validity": "school_year", "validityMonths": null});

    problem(
        app.send_json(Method::PUT, path, Some(&agent), &form).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let created = body_of(
        app.send_json(Method::PUT, path, Some(&admin), &form).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["kind"], "health_form");
    assert_eq!(created["label"], "Fiche sanitaire de l'année");
    let mut changed = form.clone();
    changed["label"] = json!("Fiche sanitaire");
    let replaced = body_of(
        app.send_json(Method::PUT, path, Some(&admin), &changed)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(replaced["label"], "Fiche sanitaire");
    assert_eq!(
        required(&app, &family).await["items"]
            .as_array()
            .unwrap()
            .len(),
        10,
        "a health form for each of the three children"
    );

    // Months without a number, a number without months, a kind the city issues.
    for (change, status, code) in [
        (
            json!({"validity": "months", "validityMonths": null}),
            StatusCode::BAD_REQUEST,
            "validation_failed",
        ),
        (
            json!({"validityMonths": 3}),
            StatusCode::BAD_REQUEST,
            "validation_failed",
        ),
    ] {
        let mut body = form.clone();
        for (key, value) in change.as_object().unwrap() {
            body[key] = value.clone();
        }
        problem(
            app.send_json(Method::PUT, path, Some(&admin), &body).await,
            status,
            code,
        )
        .await;
    }
    problem(
        app.send_json(
            Method::PUT,
            "/api/v1/admin/document-requirements/invoice",
            Some(&admin),
            &form,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "document_kind_reserved",
    )
    .await;

    let deleted = app
        .authed(Method::DELETE, path, &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    problem(
        app.authed(Method::DELETE, path, &admin)
            .send()
            .await
            .unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(
        required(&app, &family).await["items"]
            .as_array()
            .unwrap()
            .len(),
        7
    );

    // Eliot's peanut allergy: a care plan is now asked of him, and of him only.
    let eliot = child_named(&app, &family, "Eliot").await;
    let health = format!("/api/v1/admin/children/{eliot}/health");
    let read = app.get_authed(&health, &agent).await;
    let etag = read.headers()["etag"].to_str().unwrap().to_owned();
    let update = json!({"allergies": "arachide", "carePlan": true, "carePlanDetails": "Trousse d'urgence.",
        "doctorName": "", "doctorPhone": "", "vaccinations": []});
    let written = app
        .authed(Method::PUT, &health, &agent)
        .header("If-Match", etag)
        .json(&update)
        .send()
        .await
        .unwrap();
    assert_eq!(written.status(), StatusCode::OK);
    let now = required(&app, &family).await;
    let plans: Vec<&Value> = now["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "care_plan")
        .collect();
    assert_eq!(plans.len(), 1, "{now}");
    assert_eq!(plans[0]["childId"], eliot);
    assert_eq!(plans[0]["status"], "missing");
}

#[tokio::test]
async fn an_expired_insurance_blocks_a_registration_that_requires_it_until_a_new_one_is_sent() {
    let app = app(false).await;
    let family = app.token_of("family").await;
    let agent = app.token_of("agent").await;
    let thomas = child_named(&app, &family, "Thomas").await;
    let activity = body_of(
        app.send_json(
            Method::POST,
            "/api/v1/admin/activities",
            Some(&agent),
            &json!({
                "kindId": 3, "name": "Mercredis sportifs", "startsOn": "2027-01-06", "endsOn": "2027-06-30",
                "levels": ["CP", "CE1", "CE2", "CM1", "CM2"], "mode": "automatic", "entryRule": "fixed",
                "familyChoosesGroup": false, "siblingRatePercent": null, "cancellable": true,
                "requiredDocuments": ["school_insurance"],
                "units": [{"name": "Journée", "startsAt": "08:30", "endsAt": "17:30", "weekdays": [3],
                           "prices": [{"maxQuotient": null, "priceCents": 1400}]}],
                "groups": [{"name": "Gymnase", "capacity": 10}]
            }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .clone();
    let path = format!("/api/v1/children/{thomas}/registrations");
    let ask = json!({"activityId": activity});
    let registered = |app: &TestApp| {
        let mut conn = app.database.connect();
        registrations::table
            .filter(registrations::child_id.eq(thomas))
            .count()
            .get_result::<i64>(&mut conn)
            .unwrap()
    };

    // Nothing sent: refused, naming the document.
    let missing = problem(
        app.send_json(Method::POST, &path, Some(&family), &ask)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "documents_missing",
    )
    .await;
    assert_eq!(
        missing["errors"][0]["code"], "school_insurance",
        "{missing}"
    );
    assert!(
        missing["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Attestation d'assurance scolaire"),
        "{missing}"
    );
    // Last year's insurance (to 31 August 2026), accepted back then: expired.
    let last_year = upload_pdf(
        &app,
        &family,
        &format!("kind=school_insurance&childId={thomas}&issuedOn=2025-09-05"),
    )
    .await;
    body_of(
        review(&app, &agent, &last_year, &json!({"decision": "accept"})).await,
        StatusCode::OK,
    )
    .await;
    let expired = problem(
        app.send_json(Method::POST, &path, Some(&family), &ask)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "documents_missing",
    )
    .await;
    assert!(
        expired["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("31/08/2026"),
        "{expired}"
    );
    assert_eq!(registered(&app), 0, "nothing written");

    // This year's, sent for the whole family: the registration goes through.
    upload_pdf(&app, &family, "kind=school_insurance&issuedOn=2026-09-02").await;
    let accepted = body_of(
        app.send_json(Method::POST, &path, Some(&family), &ask)
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(registered(&app), 1);
    // The requirement is asked of the children registered to the activity.
    let now = required(&app, &family).await;
    assert_eq!(
        item(&now, "school_insurance", Some("Thomas"))["status"],
        "pending"
    );
}

#[tokio::test]
async fn the_demo_proof_of_address_is_about_to_expire_and_the_family_is_reminded_once() {
    let app = app(true).await;
    let family = app.token_of("family").await;
    let now = required(&app, &family).await;
    let address = item(&now, "address_proof", None);
    assert_eq!(address["status"], "expiring", "{now}");
    // Issued 80 days before 27 November: valid to 7 December.
    assert_eq!(address["document"]["issuedOn"], "2026-09-08");
    assert_eq!(address["document"]["validUntil"], "2026-12-07");
    assert_eq!(address["document"]["status"], "accepted");

    let expiring = |kinds: Vec<String>| kinds.iter().filter(|k| *k == "document_expiring").count();
    api::jobs::remind(&app.state).await.unwrap();
    api::jobs::remind(&app.state).await.unwrap();
    assert_eq!(
        expiring(app.notification_kinds(&family).await),
        1,
        "told once"
    );
    let notice = app
        .notifications(&family)
        .await
        .into_iter()
        .find(|n| n["kind"] == "document_expiring")
        .unwrap();
    assert_eq!(notice["data"]["documentId"], address["document"]["id"]);
    assert_eq!(notice["data"]["validUntil"], "2026-12-07");
    assert!(
        notice["title"].as_str().unwrap().contains("07/12/2026"),
        "{notice}"
    );

    // Past its last day, it counts as expired.
    app.clock.set("2026-12-08T09:00:00Z".parse().unwrap());
    let family = app.token_of("family").await;
    assert_eq!(
        item(&required(&app, &family).await, "address_proof", None)["status"],
        "expired"
    );
}

#[tokio::test]
async fn a_document_replaced_before_it_expires_is_not_reminded_and_old_ones_get_a_validity() {
    let app = app(false).await;
    let family = app.token_of("family").await;
    let agent = app.token_of("agent").await;
    let admin = app.token_of("admin").await;
    // A bill of 1 September is valid to 30 November; next one came already.
    let old = upload_pdf(&app, &family, "kind=address_proof&issuedOn=2026-09-01").await;
    assert_eq!(old["validUntil"], "2026-11-30");
    body_of(
        review(&app, &agent, &old, &json!({"decision": "accept"})).await,
        StatusCode::OK,
    )
    .await;
    let next = upload_pdf(&app, &family, "kind=address_proof&issuedOn=2026-11-20").await;
    api::jobs::remind(&app.state).await.unwrap();
    assert_eq!(expiring(&app).await, 0, "replaced: not reminded");
    // Refused, the new one no longer takes over: the family is told.
    body_of(
        review(
            &app,
            &agent,
            &next,
            &json!({"decision": "refuse", "reason": "Illisible"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    api::jobs::remind(&app.state).await.unwrap();
    assert_eq!(expiring(&app).await, 1);

    // A health form filed before the kind was required gets a validity when it is.
    let luc = child_named(&app, &family, "Luc").await;
    let form = upload_pdf(
        &app,
        &family,
        &format!("kind=health_form&childId={luc}&issuedOn=2025-09-03"),
    )
    .await;
    assert!(form["validUntil"].is_null());
    app.send_json(
        Method::PUT,
        "/api/v1/admin/document-requirements/health_form",
        Some(&admin),
        &json!({"label": "Fiche sanitaire", "scope": "child", "validity": "school_year", "validityMonths": null}),
    )
    .await;
    let read = body_of(
        app.get_authed(&format!("/api/v1/documents/{}", form["id"]), &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read["validUntil"], "2026-08-31");
    assert_eq!(
        item(&required(&app, &family).await, "health_form", Some("Luc"))["status"],
        "expired"
    );
}

/// How many `document_expiring` notifications the family has.
async fn expiring(app: &TestApp) -> usize {
    let token = app.token_of("family").await;
    app.notification_kinds(&token)
        .await
        .iter()
        .filter(|k| *k == "document_expiring")
        .count()
}

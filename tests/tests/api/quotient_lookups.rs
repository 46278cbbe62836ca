//! "Dites-le-nous une fois": the family quotient looked up at the CAF or MSA through
//! API Particulier (a fake serving the service's staging payloads), with the family's
//! consent; and the top bracket a family without a quotient pays from the city's day.

use diesel::prelude::*;
use persistence::schema::{family_quotients, quotient_lookups};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use tests::api_particulier::{FakeApiParticulier, RECIPIENT};
use tests::steps::activities::{CANTEEN, child_named, register};
use tests::steps::billing::run_month;
use tests::steps::dossiers::{add_guardian, pdf, upload};
use tests::steps::planning::book;
use tests::{TestApp, TestAppBuilder, json as body_of, problem, spawn_app};

/// The demo on 6 December 2026, looking quotients up at `fake`.
async fn app_with(fake: &FakeApiParticulier) -> TestApp {
    let mut builder = TestAppBuilder::default().clock(api::clock::Clock::fixed_at(
        "2026-11-27T09:00:00Z".parse().unwrap(),
    ));
    for (name, value) in fake.settings() {
        builder = builder.setting(name, &value);
    }
    let app = builder.spawn().await;
    app.clock.set("2026-12-06T10:00:00Z".parse().unwrap());
    app
}

/// Jeanne Roux, as the MSA knows her (quotient 150).
fn jeanne_roux(consent: bool) -> Value {
    json!({
        "consent": consent,
        "birthName": "Roux",
        "firstNames": ["Jeanne", "Stephanie"],
        "sex": "F",
        "birthDate": "1987-06-27",
        "birthCountryCode": "99100",
        "birthCommuneCode": "08480"
    })
}

fn with_name(name: &str, first: &str) -> Value {
    let mut body = jeanne_roux(true);
    body["birthName"] = json!(name);
    body["firstNames"] = json!([first]);
    body
}

async fn dossier_of(app: &TestApp, family: &str) -> i64 {
    body_of(
        app.get_authed("/api/v1/dossier", family).await,
        StatusCode::OK,
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

async fn look_up(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    app.send_json(
        Method::POST,
        "/api/v1/dossier/quotient-lookups",
        Some(token),
        body,
    )
    .await
}

fn quotient_rows(app: &TestApp, dossier: i64) -> Vec<(i64, String)> {
    let mut conn = app.database.connect();
    family_quotients::table
        .filter(family_quotients::dossier_id.eq(dossier))
        .order(family_quotients::id)
        .select((family_quotients::quotient, family_quotients::source))
        .load(&mut conn)
        .unwrap()
}

fn lookup_outcomes(app: &TestApp, dossier: i64) -> Vec<(String, Option<i64>)> {
    let mut conn = app.database.connect();
    quotient_lookups::table
        .filter(quotient_lookups::dossier_id.eq(dossier))
        .order(quotient_lookups::id)
        .select((quotient_lookups::outcome, quotient_lookups::asked_by))
        .load(&mut conn)
        .unwrap()
}

async fn eliots_january_prices(app: &TestApp, token: &str, eliot: i64) -> (Value, Vec<i64>) {
    let planning = body_of(
        app.get_authed(
            &format!("/api/v1/children/{eliot}/planning?from=2027-01-04&to=2027-01-08"),
            token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let prices = planning["children"][0]["activities"][0]["days"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["open"] == true)
        .map(|d| d["priceCents"].as_i64().unwrap())
        .collect();
    (planning["priceBasis"].clone(), prices)
}

#[tokio::test]
async fn a_family_has_its_quotient_looked_up_at_the_msa_and_pays_its_bracket() {
    let fake = FakeApiParticulier::start().await;
    let app = app_with(&fake).await;
    let family = app.token_of("family").await;
    let dossier_id = dossier_of(&app, &family).await;
    add_guardian(
        &app,
        &app.token_of("agent").await,
        dossier_id,
        "Jeanne",
        "Roux",
    )
    .await;
    let eliot = child_named(&app, &family, "Eliot").await;
    register(&app, &family, eliot, CANTEEN).await;
    let (basis, prices) = eliots_january_prices(&app, &family, eliot).await;
    assert_eq!(basis["kind"], "quotient");
    assert_eq!(basis["quotient"], 850);
    assert!(
        prices.len() >= 3 && prices.iter().all(|p| *p == 285),
        "{prices:?}"
    );

    let city = body_of(app.get("/api/v1/city").await, StatusCode::OK).await;
    assert_eq!(city["quotientRules"]["lookupOffered"], true);
    assert_eq!(city["quotientRules"]["lookupAppliesFrom"], "month");

    // No consent, no lookup.
    let refused = problem(
        look_up(&app, &family, &jeanne_roux(false)).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    assert_eq!(refused["errors"][0]["code"], "consent_missing", "{refused}");
    assert!(fake.queries().is_empty());

    // Someone the CAF knows, but not a guardian of the dossier: not even asked.
    let elodie_bernard = with_name("BERNARD", "ELODIE");
    problem(
        look_up(&app, &family, &elodie_bernard).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "quotient_not_a_guardian",
    )
    .await;
    assert!(fake.queries().is_empty());
    assert_eq!(quotient_rows(&app, dossier_id), [(850, "agent".to_owned())]);

    let found = body_of(
        look_up(&app, &family, &jeanne_roux(true)).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(found["consentedAt"], "2026-12-06T10:00:00Z");
    let quotient = &found["familyQuotient"];
    assert_eq!(quotient["quotient"], 150);
    assert_eq!(quotient["source"], "api_particulier");
    assert_eq!(quotient["provider"], "msa");
    assert_eq!(quotient["referenceMonth"], "2023-05");
    assert_eq!(quotient["validFrom"], "2026-12-01");
    assert_eq!(quotient["validUntil"], "2027-08-31");

    // What the service was asked: the city's SIRET and the identity as it takes it.
    let sent = fake.queries().last().cloned().unwrap();
    for pair in [
        ("recipient", RECIPIENT),
        ("nomNaissance", "Roux"),
        ("prenoms[]", "Jeanne"),
        ("prenoms[]", "Stephanie"),
        ("sexeEtatCivil", "F"),
        ("anneeDateNaissance", "1987"),
        ("moisDateNaissance", "6"),
        ("jourDateNaissance", "27"),
        ("codeCogInseePaysNaissance", "99100"),
        ("codeCogInseeCommuneNaissance", "08480"),
    ] {
        assert!(
            sent.contains(&(pair.0.to_owned(), pair.1.to_owned())),
            "{pair:?} not in {sent:?}"
        );
    }

    let dossier = body_of(
        app.get_authed("/api/v1/dossier", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(dossier["familyQuotient"]["quotient"], 150);
    assert_eq!(dossier["priceBasis"]["kind"], "quotient");
    assert_eq!(
        quotient_rows(&app, dossier_id),
        [
            (850, "agent".to_owned()),
            (150, "api_particulier".to_owned())
        ]
    );
    assert_eq!(lookup_outcomes(&app, dossier_id).len(), 1);
    assert_eq!(lookup_outcomes(&app, dossier_id)[0].0, "found");
    // The consent is part of what the family can read of its data.
    let export = body_of(
        app.get_authed("/api/v1/me/export", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        export["quotientLookups"],
        json!([{"consentedAt": "2026-12-06T10:00:00Z", "outcome": "found", "familyQuotientId": quotient["id"]}])
    );

    // The planning prices January at the MSA quotient's bracket.
    let (basis, prices) = eliots_january_prices(&app, &family, eliot).await;
    assert_eq!(basis["quotient"], 150);
    assert_eq!(basis["validUntil"], "2027-08-31");
    assert!(
        prices.len() >= 3 && prices.iter().all(|p| *p == 150),
        "{prices:?}"
    );
    fake.stop().await;
}

#[tokio::test]
async fn each_answer_of_the_service_that_finds_nothing_is_told_and_records_no_quotient() {
    let fake = FakeApiParticulier::start().await;
    let app = app_with(&fake).await;
    let family = app.token_of("family").await;
    let dossier_id = dossier_of(&app, &family).await;

    let not_found = problem(
        look_up(&app, &family, &with_name("DUPONT", "CAMILLE")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "quotient_not_found",
    )
    .await;
    assert!(
        not_found["detail"]
            .as_str()
            .unwrap()
            .contains("Aucun dossier CAF ou MSA"),
        "{not_found}"
    );
    // Traces are off unless configured: nothing of them goes out.
    assert_eq!(fake.traceparents(), vec![None]);
    problem(
        look_up(&app, &family, &with_name("MARTIN", "CAMILLE")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "quotient_several_found",
    )
    .await;
    fake.set_down(true);
    problem(
        look_up(&app, &family, &with_name("TI", "CAMILLE")).await,
        StatusCode::SERVICE_UNAVAILABLE,
        "quotient_service_unavailable",
    )
    .await;
    fake.set_down(false);
    // The MSA knows a Roux, who is not Camille TI: nothing recorded.
    problem(
        look_up(&app, &family, &with_name("ROUX", "CAMILLE")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "quotient_not_a_guardian",
    )
    .await;

    // Nothing applied: the demo's quotient still sets the prices; each try is kept.
    assert_eq!(quotient_rows(&app, dossier_id), [(850, "agent".to_owned())]);
    let outcomes: Vec<String> = lookup_outcomes(&app, dossier_id)
        .into_iter()
        .map(|(outcome, _)| outcome)
        .collect();
    assert_eq!(
        outcomes,
        [
            "not_found",
            "several_found",
            "unavailable",
            "not_a_guardian"
        ]
    );

    // Identities cannot be tried in bulk: past five lookups, the dossier waits, and the
    // service is not even asked.
    for _ in 0..2 {
        problem(
            look_up(&app, &family, &with_name("DUPONT", "CAMILLE")).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "quotient_not_found",
        )
        .await;
    }
    let asked = fake.queries().len();
    let throttled = look_up(&app, &family, &jeanne_roux(true)).await;
    assert!(throttled.headers().contains_key("retry-after"));
    problem(
        throttled,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
    )
    .await;
    assert_eq!(fake.queries().len(), asked);
    app.clock.set("2026-12-06T10:01:00Z".parse().unwrap());
    problem(
        look_up(&app, &family, &with_name("DUPONT", "CAMILLE")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "quotient_not_found",
    )
    .await;
    assert_eq!(
        fake.queries().len(),
        asked + 1,
        "asked again after the wait"
    );
    let dossier = body_of(
        app.get_authed("/api/v1/dossier", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(dossier["priceBasis"]["quotient"], 850);

    // The family can still send a proof of income through a request.
    let proof = body_of(
        upload(&app, &family, "kind=income_proof", "application/pdf", pdf()).await,
        StatusCode::CREATED,
    )
    .await["id"]
        .clone();
    let request = app
        .send_json(
            Method::POST,
            "/api/v1/requests",
            Some(&family),
            &json!({"kind": "family_quotient", "message": "Attestation CAF jointe.", "documentIds": [proof]}),
        )
        .await;
    body_of(request, StatusCode::CREATED).await;
    fake.stop().await;
}

#[tokio::test]
async fn an_agent_looks_a_dossier_up_at_the_desk_and_bad_identities_are_refused() {
    let fake = FakeApiParticulier::start().await;
    let app = app_with(&fake).await;
    let agent = app.token_of("agent").await;
    let family = app.token_of("family").await;
    let dossier_id = dossier_of(&app, &family).await;
    add_guardian(&app, &agent, dossier_id, "Élodie", "Bernard").await;
    let elodie = json!({
        "consent": true,
        "birthName": "BERNARD",
        "firstNames": ["ELODIE"],
        "sex": "F",
        "birthDate": "1990-03-18",
        "birthCountryCode": "99100",
        "birthCommuneCode": "08480"
    });
    let path = format!("/api/v1/admin/dossiers/{dossier_id}/quotient-lookups");
    let found = body_of(
        app.send_json(Method::POST, &path, Some(&agent), &elodie)
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(found["familyQuotient"]["quotient"], 650);
    assert_eq!(found["familyQuotient"]["provider"], "caf");
    let agent_id =
        body_of(app.get_authed("/api/v1/me", &agent).await, StatusCode::OK).await["account"]["id"]
            .as_i64();
    assert_eq!(lookup_outcomes(&app, dossier_id)[0].1, agent_id);
    problem(
        app.send_json(
            Method::POST,
            "/api/v1/admin/dossiers/999999/quotient-lookups",
            Some(&agent),
            &elodie,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    // Born in France without a commune, abroad with one, a country that is not one.
    for (change, code) in [
        (json!({"birthCommuneCode": null}), "commune_code_invalid"),
        (
            json!({"birthCountryCode": "99350", "birthCommuneCode": "08480"}),
            "commune_code_invalid",
        ),
        (json!({"birthCountryCode": "75013"}), "country_code_invalid"),
        (json!({"birthDate": "2030-01-01"}), "birth_date_invalid"),
    ] {
        let mut body = elodie.clone();
        for (key, value) in change.as_object().unwrap() {
            body[key] = value.clone();
        }
        let refused = problem(
            app.send_json(Method::POST, &path, Some(&agent), &body)
                .await,
            StatusCode::BAD_REQUEST,
            "validation_failed",
        )
        .await;
        assert_eq!(refused["errors"][0]["code"], code, "{refused}");
    }
    assert_eq!(fake.queries().len(), 1);

    // At the desk too, what finds nothing is told and records nothing.
    for (name, first, status, code) in [
        (
            "DUPONT",
            "ELODIE",
            StatusCode::UNPROCESSABLE_ENTITY,
            "quotient_not_found",
        ),
        (
            "MARTIN",
            "ELODIE",
            StatusCode::UNPROCESSABLE_ENTITY,
            "quotient_several_found",
        ),
        (
            "ROUX",
            "JEANNE",
            StatusCode::UNPROCESSABLE_ENTITY,
            "quotient_not_a_guardian",
        ),
    ] {
        problem(
            app.send_json(Method::POST, &path, Some(&agent), &with_name(name, first))
                .await,
            status,
            code,
        )
        .await;
    }
    fake.set_down(true);
    problem(
        app.send_json(Method::POST, &path, Some(&agent), &elodie)
            .await,
        StatusCode::SERVICE_UNAVAILABLE,
        "quotient_service_unavailable",
    )
    .await;
    assert_eq!(quotient_rows(&app, dossier_id).len(), 2);
    fake.stop().await;
}

#[tokio::test]
async fn a_city_without_api_particulier_does_not_offer_the_lookup() {
    let app = spawn_app().await;
    let city = body_of(app.get("/api/v1/city").await, StatusCode::OK).await;
    assert_eq!(city["quotientRules"]["lookupOffered"], false);
    let family = app.token_of("family").await;
    problem(
        look_up(&app, &family, &jeanne_roux(true)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "quotient_lookup_not_offered",
    )
    .await;
    let dossier = body_of(
        app.get_authed("/api/v1/dossier", &family).await,
        StatusCode::OK,
    )
    .await["id"]
        .clone();
    let agent = app.token_of("agent").await;
    problem(
        app.send_json(
            Method::POST,
            &format!("/api/v1/admin/dossiers/{dossier}/quotient-lookups"),
            Some(&agent),
            &jeanne_roux(true),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "quotient_lookup_not_offered",
    )
    .await;
}

async fn set_rules(app: &TestApp, admin: &str, rules: &Value) -> reqwest::Response {
    let version = app.get("/api/v1/city").await.headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    app.authed(Method::PUT, "/api/v1/admin/city/quotient-rules", admin)
        .header("If-Match", version)
        .json(rules)
        .send()
        .await
        .unwrap()
}

/// Last year's quotient runs on in September; from 1 October, the city's day, a
/// family that gave no new one pays the top bracket, in the planning and the invoice.
#[tokio::test]
async fn without_a_new_quotient_the_top_bracket_applies_from_the_citys_day() {
    let app = tests::app_at("2026-07-20T08:00:00Z").await;
    let admin = app.token_of("admin").await;
    let bad = problem(
        set_rules(
            &app,
            &admin,
            &json!({"topBracketFrom": "02-30", "lookupAppliesFrom": "month"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    assert_eq!(bad["errors"][0]["code"], "month_day_invalid");
    let city = body_of(
        set_rules(
            &app,
            &admin,
            &json!({"topBracketFrom": "10-01", "lookupAppliesFrom": "next_month"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(city["quotientRules"]["topBracketFrom"], "10-01");
    assert_eq!(city["quotientRules"]["lookupAppliesFrom"], "next_month");

    // The family's only quotient is last school year's.
    let family = app.token_of("family").await;
    let dossier_id = dossier_of(&app, &family).await;
    {
        let mut conn = app.database.connect();
        diesel::update(family_quotients::table.filter(family_quotients::dossier_id.eq(dossier_id)))
            .set((
                family_quotients::valid_from
                    .eq(chrono::NaiveDate::from_ymd_opt(2025, 9, 1).unwrap()),
                family_quotients::valid_until
                    .eq(chrono::NaiveDate::from_ymd_opt(2026, 8, 31).unwrap()),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    let eliot = child_named(&app, &family, "Eliot").await;
    let meal = register(&app, &family, eliot, CANTEEN).await;
    book(&app, &family, eliot, meal, &["2026-09-28", "2026-10-01"]).await;

    let september = body_of(
        app.get_authed(
            &format!("/api/v1/children/{eliot}/planning?from=2026-09-28&to=2026-09-28"),
            &family,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let basis = &september["priceBasis"];
    assert_eq!(basis["kind"], "provisional_quotient", "{basis}");
    assert_eq!(basis["quotient"], 850);
    assert_eq!(basis["topBracketFrom"], "2026-10-01");
    assert!(basis["message"].as_str().unwrap().contains("01/10/2026"));
    assert_eq!(
        september["children"][0]["activities"][0]["days"][0]["priceCents"],
        285
    );
    let october = body_of(
        app.get_authed(
            &format!("/api/v1/children/{eliot}/planning?from=2026-10-01&to=2026-10-01"),
            &family,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(october["priceBasis"]["kind"], "top_bracket");
    assert_eq!(october["priceBasis"]["quotient"], Value::Null);
    assert_eq!(
        october["children"][0]["activities"][0]["days"][0]["priceCents"],
        420
    );

    // The invoices bill each day at its basis: 2.85 in September, 4.20 in October.
    app.clock.set("2026-11-02T08:00:00Z".parse().unwrap());
    let agent = app.token_of("agent").await;
    run_month(&app, &agent, "2026-09").await;
    run_month(&app, &agent, "2026-10").await;
    let family = app.token_of("family").await;
    let invoices = body_of(
        app.get_authed("/api/v1/invoices", &family).await,
        StatusCode::OK,
    )
    .await;
    let mut totals: Vec<(String, i64)> = invoices["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["month"].as_str().unwrap_or_default().to_owned(),
                i["totalCents"].as_i64().unwrap(),
            )
        })
        .collect();
    totals.sort();
    assert_eq!(
        totals,
        [("2026-09".to_owned(), 285), ("2026-10".to_owned(), 420)],
        "{invoices}"
    );
}

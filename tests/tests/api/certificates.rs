//! The certificate of childcare costs for the tax credit: what a family paid during a
//! calendar year for the care of each child under six on 1 January, meals excluded, a
//! partly paid invoice counted in proportion; asked by the family, and issued to every
//! dossier by an agent's background run. And a child's attendance, a payment's receipt.

use std::time::Duration;

use diesel::prelude::*;
use persistence::schema::{certificate_runs, issued_certificates};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use tests::steps::activities::{CANTEEN, child_named, register};
use tests::steps::billing::run_month;
use tests::steps::planning::book;
use tests::{TestApp, TestAppBuilder, app_at, json as body_of, problem};

/// The demo seeded on 27 November 2026 with dossier 18's unpaid June invoice (62.20:
/// Eliot's meals 34.20, Luc's mornings 28.00), on 10 December 2026.
async fn demo_with_june_invoice() -> TestApp {
    let app = TestAppBuilder::default()
        .clock(api::clock::Clock::fixed_at(
            "2026-11-27T09:00:00Z".parse().unwrap(),
        ))
        .setting("SEED_DEMO_FILES", "true")
        .spawn()
        .await;
    app.clock.set("2026-12-10T09:00:00Z".parse().unwrap());
    app
}

async fn add_child(app: &TestApp, agent: &str, dossier: i64, name: &str, born: &str) -> i64 {
    body_of(
        app.send_json(
            Method::POST,
            &format!("/api/v1/admin/dossiers/{dossier}/children"),
            Some(agent),
            &json!({"firstName": name, "lastName": "TI", "birthDate": born, "school": null, "schoolLevel": null, "diet": "standard"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

async fn pay(app: &TestApp, agent: &str, invoice: i64, cents: i64, on: &str, key: &str) {
    let response = app
        .request(Method::POST, &format!("/api/v1/admin/invoices/{invoice}/payments"))
        .bearer_auth(agent)
        .header("Idempotency-Key", key)
        .json(&json!({"method": "cheque", "amountCents": cents, "reference": "CHQ 1", "receivedOn": on}))
        .send()
        .await
        .unwrap();
    body_of(response, StatusCode::CREATED).await;
}

/// October 2026's invoice of dossier 18, as a billing run would have issued it: Jade's
/// ten mornings (35.00) and ten meals (28.50), Paul's five evenings (20.00).
fn seed_october_invoice(app: &TestApp, dossier: i64, jade: i64, paul: i64) -> i64 {
    use persistence::billing::{self as bills, InvoiceLine, NewInvoice};
    let mut conn = app.database.connect();
    let activity = |conn: &mut persistence::AnyConnection, name: &str| {
        persistence::activities::list(conn, None, 0, 100)
            .unwrap()
            .0
            .into_iter()
            .find(|a| a.name == name)
            .unwrap()
            .id
    };
    let morning = activity(&mut conn, "Accueil matin maternelle");
    let canteen = activity(&mut conn, "Restauration scolaire maternelle");
    let evening = activity(&mut conn, "Accueil soir maternelle");
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 10, d).unwrap();
    bills::ensure_counter(&mut conn, "invoice", 2026).unwrap();
    let number = bills::take_numbers(&mut conn, "invoice", 2026, 1).unwrap();
    let ids = bills::insert_invoices(
        &mut conn,
        &[NewInvoice {
            number: domain::billing::invoice_number(2026, number),
            dossier_id: dossier,
            month: day(1),
            run_id: None,
            issued_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            due_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            total_cents: 3500 + 2850 + 2000,
            created_at: chrono::NaiveDate::from_ymd_opt(2026, 11, 2)
                .unwrap()
                .and_hms_opt(6, 0, 0)
                .unwrap(),
        }],
    )
    .unwrap();
    let invoice = ids[0].1;
    let line = |position, child, name: &str, activity, quantity, price| InvoiceLine {
        invoice_id: invoice,
        position,
        child_id: Some(child),
        child_name: name.to_owned(),
        activity_id: Some(activity),
        activity_name: String::new(),
        unit_id: None,
        unit_name: String::new(),
        kind: domain::billing::BillableKind::Booked,
        first_day: day(1),
        last_day: day(30),
        quantity,
        unit_price_cents: price,
        amount_cents: i64::from(quantity) * price,
    };
    bills::insert_lines(
        &mut conn,
        &[
            line(1, jade, "Jade", morning, 10, 350),
            line(2, jade, "Jade", canteen, 10, 285),
            line(3, paul, "Paul", evening, 5, 400),
        ],
    )
    .unwrap();
    invoice
}

/// The text a PDF shows: each `Tj` string of its (uncompressed) pages, hex or literal,
/// read as WinAnsi (Latin-1 for what the certificates print), one per line.
fn pdf_text(bytes: &[u8]) -> String {
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let latin1: String = bytes.iter().map(|b| char::from(*b)).collect();
    let mut lines = Vec::new();
    for line in latin1.lines().filter(|l| l.ends_with(" Tj")) {
        let shown = &line[..line.len() - 3];
        if let Some(hex) = shown.strip_prefix('<').and_then(|h| h.strip_suffix('>')) {
            let decoded: String = (0..hex.len())
                .step_by(2)
                .map(|i| char::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()))
                .collect();
            lines.push(decoded);
        } else if let Some(literal) = shown.strip_prefix('(').and_then(|l| l.strip_suffix(')')) {
            lines.push(literal.replace("\\(", "(").replace("\\)", ")"));
        }
    }
    lines.join("\n")
}

#[tokio::test]
async fn a_family_gets_its_2026_certificate_with_care_only_and_partial_payments_in_proportion() {
    let app = demo_with_june_invoice().await;
    let agent = app.token_of("agent").await;
    let family = app.token_of("family").await;
    let dossier = body_of(
        app.get_authed("/api/v1/dossier", &family).await,
        StatusCode::OK,
    )
    .await;
    let dossier_id = dossier["id"].as_i64().unwrap();
    // Jade turned six in May 2026: she counts for the whole year. Paul was six already.
    let jade = add_child(&app, &agent, dossier_id, "Jade", "2020-05-10").await;
    let paul = add_child(&app, &agent, dossier_id, "Paul", "2019-12-20").await;
    let october = seed_october_invoice(&app, dossier_id, jade, paul);
    pay(&app, &agent, october, 8350, "2026-11-05", "certif-oct-2026").await;
    // June's invoice (62.20: Eliot's meals 34.20, Luc's mornings 28.00) half paid.
    let june = body_of(
        app.get_authed("/api/v1/invoices", &family).await,
        StatusCode::OK,
    )
    .await["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["totalCents"] == 6220)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    pay(&app, &agent, june, 3110, "2026-12-01", "certif-june-2026").await;

    app.clock.set("2027-01-15T09:00:00Z".parse().unwrap());
    let family = app.token_of("family").await;
    let answer = app
        .send_json(
            Method::POST,
            "/api/v1/certificates/childcare-tax",
            Some(&family),
            &json!({"year": 2026}),
        )
        .await;
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    let document = body_of(answer, StatusCode::CREATED).await;
    assert_eq!(document["kind"], "certificate");
    assert_eq!(document["origin"], "city");
    assert_eq!(location, format!("/api/v1/documents/{}", document["id"]));
    let bytes = app
        .get_authed(&format!("{location}/content"), &family)
        .await
        .bytes()
        .await
        .unwrap();
    let text = pdf_text(&bytes);
    // Luc: half of 28.00; Jade: her mornings, not her meals; Eliot's meals, Paul: none.
    for expected in [
        "Attestation de frais de garde \u{97} ann\u{e9}e 2026",
        "Ville de Villejuif",
        "Luc T I, n\u{e9}(e) le 14/03/2023 : 14,00 \u{80}",
        "Jade TI, n\u{e9}(e) le 10/05/2020 : 35,00 \u{80}",
        "Total : 49,00 \u{80}",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} not in the PDF: {text}"
        );
    }
    assert!(!text.contains("Eliot") && !text.contains("Paul"));
    let issued: Vec<(i64, Option<i32>, i64)> = issued_certificates::table
        .select((
            issued_certificates::dossier_id,
            issued_certificates::year,
            issued_certificates::total_cents,
        ))
        .load(&mut app.database.connect())
        .unwrap();
    assert_eq!(issued, [(dossier_id, Some(2026), 4900)]);

    // Nothing paid in 2025 for care: nothing to certify; a year out of range.
    problem(
        app.send_json(
            Method::POST,
            "/api/v1/certificates/childcare-tax",
            Some(&family),
            &json!({"year": 2025}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing_to_certify",
    )
    .await;
    problem(
        app.send_json(
            Method::POST,
            "/api/v1/certificates/childcare-tax",
            Some(&family),
            &json!({"year": 1999}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    // 2027 is not over: its certificate would miss what is paid later.
    let early = problem(
        app.send_json(
            Method::POST,
            "/api/v1/certificates/childcare-tax",
            Some(&family),
            &json!({"year": 2027}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    assert_eq!(early["errors"][0]["code"], "year_not_over");
}

async fn run_year(app: &TestApp, agent: &str, year: i32) -> Value {
    let started = app
        .send_json(
            Method::POST,
            "/api/v1/admin/certificate-runs",
            Some(agent),
            &json!({"year": year}),
        )
        .await;
    let location = started.headers()["location"].to_str().unwrap().to_owned();
    let run = body_of(started, StatusCode::ACCEPTED).await;
    assert_eq!(run["year"], year);
    for _ in 0..400 {
        let run = body_of(app.get_authed(&location, agent).await, StatusCode::OK).await;
        if run["status"] != "running" {
            return run;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the run did not end");
}

#[tokio::test]
async fn an_agent_issues_the_years_certificates_to_every_dossier_once() {
    let app = demo_with_june_invoice().await;
    let agent = app.token_of("agent").await;
    let family = app.token_of("family").await;
    let june = body_of(
        app.get_authed("/api/v1/invoices", &family).await,
        StatusCode::OK,
    )
    .await["items"][0]["id"]
        .as_i64()
        .unwrap();
    pay(&app, &agent, june, 6220, "2026-12-01", "certif-run-june").await;
    app.clock.set("2027-01-15T09:00:00Z".parse().unwrap());
    let agent = app.token_of("agent").await;

    // A run of the year still going: a second one is refused.
    {
        let mut conn = app.database.connect();
        diesel::insert_into(certificate_runs::table)
            .values((
                certificate_runs::year.eq(2026),
                certificate_runs::status.eq("running"),
                certificate_runs::started_at.eq(chrono::NaiveDate::from_ymd_opt(2027, 1, 15)
                    .unwrap()
                    .and_hms_opt(8, 59, 0)
                    .unwrap()),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    problem(
        app.send_json(
            Method::POST,
            "/api/v1/admin/certificate-runs",
            Some(&agent),
            &json!({"year": 2026}),
        )
        .await,
        StatusCode::CONFLICT,
        "certificate_run_in_progress",
    )
    .await;
    // Twenty minutes on, that run is taken to have died with its server.
    app.clock.set("2027-01-15T09:20:00Z".parse().unwrap());
    let agent = app.token_of("agent").await;
    let run = run_year(&app, &agent, 2026).await;
    let statuses: Vec<String> = certificate_runs::table
        .order(certificate_runs::id)
        .select(certificate_runs::status)
        .load(&mut app.database.connect())
        .unwrap();
    assert_eq!(statuses, ["failed", "completed"]);
    assert_eq!(run["status"], "completed", "{run}");
    // Dossier 18 paid Luc's mornings (28.00) in 2026; dossier 19 paid nothing.
    assert_eq!(
        (run["total"].as_i64(), run["issued"].as_i64()),
        (Some(1), Some(1))
    );
    let documents = body_of(
        app.get_authed("/api/v1/documents", &app.token_of("family").await)
            .await,
        StatusCode::OK,
    )
    .await;
    let certificates: Vec<&Value> = documents["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "certificate")
        .collect();
    assert_eq!(certificates.len(), 1, "{documents}");
    assert_eq!(
        certificates[0]["fileName"],
        "attestation-frais-de-garde-2026.pdf"
    );
    // Run again: every dossier has its certificate; none is issued twice.
    let again = run_year(&app, &agent, 2026).await;
    assert_eq!(
        (again["total"].as_i64(), again["issued"].as_i64()),
        (Some(0), Some(0))
    );
    problem(
        app.get_authed("/api/v1/admin/certificate-runs/999999", &agent)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

async fn issue(app: &TestApp, token: &str, path: &str, body: &Value) -> reqwest::Response {
    app.send_json(Method::POST, path, Some(token), body).await
}

async fn pdf_of(app: &TestApp, token: &str, document: &Value) -> String {
    let bytes = app
        .get_authed(
            &format!("/api/v1/documents/{}/content", document["id"]),
            token,
        )
        .await
        .bytes()
        .await
        .unwrap();
    pdf_text(&bytes)
}

#[tokio::test]
async fn a_family_gets_an_attendance_certificate_and_a_payment_receipt() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let family = app.token_of("family").await;
    let eliot = child_named(&app, &family, "Eliot").await;
    let meal = register(&app, &family, eliot, CANTEEN).await;
    book(
        &app,
        &family,
        eliot,
        meal,
        &["2026-09-14", "2026-09-15", "2026-09-17"],
    )
    .await;
    app.clock.set("2026-10-02T08:00:00Z".parse().unwrap());
    let agent = app.token_of("agent").await;
    app.exchange(
        Method::PUT,
        "/api/v1/admin/attendance",
        Some(&agent),
        &json!({"childId": eliot, "unitId": meal, "date": "2026-09-15", "status": "absent_justified"}),
        StatusCode::OK,
    )
    .await;
    let family = app.token_of("family").await;
    let path = "/api/v1/certificates/attendance";
    let september = json!({"childId": eliot, "from": "2026-09-01", "to": "2026-09-30"});
    let document = body_of(
        issue(&app, &family, path, &september).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(document["kind"], "certificate");
    let text = pdf_of(&app, &family, &document).await;
    for expected in [
        "Attestation de pr\u{e9}sence",
        "a fr\u{e9}quent\u{e9} du 01/09/2026 au 30/09/2026 les activit\u{e9}s suivantes :",
        "Restauration scolaire maternelle : 2 jours",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} not in the PDF: {text}"
        );
    }
    problem(
        issue(
            &app,
            &family,
            path,
            &json!({"childId": eliot, "from": "2026-11-01", "to": "2026-11-30"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no_attendance",
    )
    .await;
    problem(
        issue(
            &app,
            &family,
            path,
            &json!({"childId": eliot, "from": "2026-09-30", "to": "2026-09-01"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    problem(
        issue(
            &app,
            &family,
            path,
            &json!({"childId": 999_999, "from": "2026-09-01", "to": "2026-09-30"}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    // September billed (5.70), paid by cheque at the counter: its receipt.
    run_month(&app, &agent, "2026-09").await;
    let invoice = body_of(
        app.get_authed("/api/v1/invoices", &family).await,
        StatusCode::OK,
    )
    .await["items"][0]["id"]
        .as_i64()
        .unwrap();
    pay(&app, &agent, invoice, 570, "2026-10-05", "receipt-2026-10").await;
    let detail = body_of(
        app.get_authed(&format!("/api/v1/invoices/{invoice}"), &family)
            .await,
        StatusCode::OK,
    )
    .await;
    let payment = detail["payments"][0]["id"].clone();
    let receipt = body_of(
        issue(
            &app,
            &family,
            "/api/v1/certificates/payment-receipt",
            &json!({"paymentId": payment}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let text = pdf_of(&app, &family, &receipt).await;
    for expected in [
        format!("Re\u{e7}u de paiement n\u{b0} {payment}"),
        "Re\u{e7}u le 05/10/2026 la somme de 5,70 \u{80} (ch\u{e8}que, r\u{e9}f\u{e9}rence CHQ 1),"
            .to_owned(),
        format!(
            "en paiement de la facture {}.",
            detail["number"].as_str().unwrap()
        ),
    ] {
        assert!(
            text.contains(&expected),
            "{expected:?} not in the PDF: {text}"
        );
    }
    problem(
        issue(
            &app,
            &family,
            "/api/v1/certificates/payment-receipt",
            &json!({"paymentId": 999_999}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

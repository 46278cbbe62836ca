//! The guide's chapter V ("Facturation"): a month of bookings and attendance billed
//! under the city's rules, invoices and their status, counter payments, credit
//! notes, the account statement, exports, and a run that fails halfway and resumes.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use tests::locks::{another_writer, until_waiting};
use tests::steps::activities::{CANTEEN, luc_and_eliot_at_the_canteen, register};
use tests::steps::billing::{eliots_september_billed, run_month};
use tests::steps::planning::{book, close_day};
use tests::{TestApp, TestAppBuilder, app_at, json as body_of, problem};

async fn attend(app: &TestApp, agent: &str, child: i64, unit: i64, day: &str, status: &str) {
    app.exchange(
        Method::PUT,
        "/api/v1/admin/attendance",
        Some(agent),
        &json!({"childId": child, "unitId": unit, "date": day, "status": status}),
        StatusCode::OK,
    )
    .await;
}

/// (dossier, number, total, lines as (child, unit, kind, first, last, quantity,
/// price, amount)) of every invoice in the database, by number.
type Stored = Vec<(
    i64,
    String,
    i64,
    Vec<(String, String, String, String, i32, i64, i64)>,
)>;

fn invoices_in_db(app: &TestApp) -> Stored {
    use persistence::schema::{invoice_lines, invoices};
    let mut conn = app.database.connect();
    let rows: Vec<(i64, i64, String, i64)> = invoices::table
        .order(invoices::number)
        .select((
            invoices::id,
            invoices::dossier_id,
            invoices::number,
            invoices::total_cents,
        ))
        .load(&mut conn)
        .unwrap();
    rows.into_iter()
        .map(|(id, dossier, number, total)| {
            let lines = invoice_lines::table
                .filter(invoice_lines::invoice_id.eq(id))
                .order(invoice_lines::position)
                .select((
                    invoice_lines::child_name,
                    invoice_lines::unit_name,
                    invoice_lines::kind,
                    invoice_lines::first_day,
                    invoice_lines::quantity,
                    invoice_lines::unit_price_cents,
                    invoice_lines::amount_cents,
                ))
                .load::<(String, String, String, chrono::NaiveDate, i32, i64, i64)>(&mut conn)
                .unwrap()
                .into_iter()
                .map(|(c, u, k, f, q, p, a)| (c, u, k, f.to_string(), q, p, a))
                .collect();
            (dossier, number, total, lines)
        })
        .collect()
}

#[tokio::test]
async fn a_month_is_billed_under_the_city_rules_once_with_numbers_without_gaps() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let (family, luc, eliot, meal) = luc_and_eliot_at_the_canteen(&app).await;
    book(
        &app,
        &family,
        eliot,
        meal,
        &["2026-09-07", "2026-09-08", "2026-09-10", "2026-09-11"],
    )
    .await;

    let agent = app.token_of("agent").await;
    // A strike on the 10th: that booking is closed, not billed.
    close_day(&app, "2026-09-10").await;
    attend(&app, &agent, eliot, meal, "2026-09-07", "absent_justified").await;
    attend(
        &app,
        &agent,
        eliot,
        meal,
        "2026-09-08",
        "absent_unjustified",
    )
    .await;
    attend(&app, &agent, eliot, meal, "2026-09-11", "present").await;
    // Luc ate without a booking: the meal's 2.85 EUR and the canteen's 20 % surcharge.
    attend(&app, &agent, luc, meal, "2026-09-07", "present_unbooked").await;

    app.clock.set("2026-10-02T08:00:00Z".parse().unwrap());
    let agent = app.token_of("agent").await;
    let family = app.token_of("family").await;

    // The preview writes nothing.
    let preview = body_of(
        app.get_authed("/api/v1/admin/billing-runs/preview?month=2026-09", &agent)
            .await,
        StatusCode::OK,
    )
    .await;
    let bills = preview["bills"]["items"].as_array().unwrap();
    let ours = bills.iter().find(|b| b["dossierNumber"] == "18").unwrap();
    assert_eq!(ours["totalCents"], 912, "{ours}");
    assert_eq!(preview["invoices"], bills.len());
    assert_eq!(preview["alreadyInvoiced"], 0);
    assert!(invoices_in_db(&app).is_empty());

    let run = run_month(&app, &agent, "2026-09").await;
    assert_eq!(run["status"], "completed", "{run}");
    assert_eq!(run["dossiersDone"], run["dossiersTotal"]);
    assert_eq!(run["invoicesCreated"], preview["invoices"]);
    assert_eq!(run["totalCents"], preview["totalCents"]);

    let list = body_of(
        app.get_authed("/api/v1/invoices", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 1);
    let summary = &list["items"][0];
    assert_eq!(summary["month"], "2026-09");
    assert_eq!(summary["issuedOn"], "2026-10-02");
    assert_eq!(summary["dueOn"], "2026-11-01");
    assert_eq!(summary["totalCents"], 912);
    assert_eq!(summary["balanceCents"], 912);
    assert_eq!(summary["status"], "to_pay");
    assert!(summary["number"].as_str().unwrap().starts_with("F2026-"));

    let invoice = body_of(
        app.get_authed(&format!("/api/v1/invoices/{}", summary["id"]), &family)
            .await,
        StatusCode::OK,
    )
    .await;
    let lines = invoice["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2, "{invoice}");
    let eliots = lines.iter().find(|l| l["childName"] == "Eliot").unwrap();
    assert_eq!(
        (
            &eliots["kind"],
            &eliots["firstDay"],
            &eliots["lastDay"],
            &eliots["quantity"],
            &eliots["unitPriceCents"],
            &eliots["amountCents"]
        ),
        (
            &json!("booked"),
            &json!("2026-09-08"),
            &json!("2026-09-11"),
            &json!(2),
            &json!(285),
            &json!(570)
        ),
        "{eliots}"
    );
    assert_eq!(eliots["activityName"], CANTEEN);
    assert_eq!(eliots["unitName"], "Repas");
    let lucs = lines.iter().find(|l| l["childName"] == "Luc").unwrap();
    assert_eq!(
        (
            &lucs["kind"],
            &lucs["quantity"],
            &lucs["unitPriceCents"],
            &lucs["amountCents"]
        ),
        (&json!("unbooked"), &json!(1), &json!(342), &json!(342))
    );

    // Its PDF is among the family's documents, issued by the city.
    let documents = body_of(
        app.get_authed("/api/v1/documents", &family).await,
        StatusCode::OK,
    )
    .await;
    let filed = documents["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "invoice")
        .unwrap_or_else(|| panic!("the invoice among {documents}"));
    assert_eq!(filed["origin"], "city");
    assert_eq!(
        filed["fileName"],
        format!("facture-{}.pdf", summary["number"].as_str().unwrap())
    );
    let content = app
        .get_authed(
            &format!("/api/v1/documents/{}/content", filed["id"]),
            &family,
        )
        .await
        .bytes()
        .await
        .unwrap();
    assert!(content.starts_with(b"%PDF-"));

    // Numbers run from 1 in the year, with no gap.
    let stored = invoices_in_db(&app);
    let numbers: Vec<&str> = stored.iter().map(|i| i.1.as_str()).collect();
    let expected: Vec<String> = (1..=stored.len())
        .map(|n| format!("F2026-{n:06}"))
        .collect();
    assert_eq!(numbers, expected);

    // Running the month again creates nothing.
    let again = run_month(&app, &agent, "2026-09").await;
    assert_eq!(again["status"], "completed");
    assert_eq!(again["invoicesCreated"], 0);
    assert_eq!(invoices_in_db(&app), stored);
    let runs = body_of(
        app.get_authed("/api/v1/admin/billing-runs", &agent).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(runs["total"], 2);
    assert_eq!(runs["items"][0]["id"], again["id"]);

    // Past the due date, unpaid: overdue.
    app.clock.set("2026-11-02T08:00:00Z".parse().unwrap());
    let family = app.token_of("family").await;
    let list = body_of(
        app.get_authed("/api/v1/invoices", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["items"][0]["status"], "overdue");
    let agent = app.token_of("agent").await;
    let unpaid = body_of(
        app.get_authed("/api/v1/admin/invoices?unpaid=true&month=2026-09", &agent)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(unpaid["total"], stored.len());

    // Families do not bill; months are months.
    app.refused(
        Method::POST,
        "/api/v1/admin/billing-runs",
        Some(&family),
        &json!({"month": "2026-09"}),
        (StatusCode::FORBIDDEN, "forbidden"),
    )
    .await;
    let bad = app
        .refused(
            Method::POST,
            "/api/v1/admin/billing-runs",
            Some(&agent),
            &json!({"month": "2026-13"}),
            (StatusCode::BAD_REQUEST, "validation_failed"),
        )
        .await;
    assert_eq!(bad["errors"][0]["field"], "month");
}

#[tokio::test]
async fn payments_and_credit_notes_settle_an_invoice_and_the_statement_adds_up() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let invoice = eliots_september_billed(&app).await;
    let (family, agent) = (app.token_of("family").await, app.token_of("agent").await);
    let id = invoice["id"].as_i64().unwrap();
    assert_eq!(invoice["totalCents"], 570);
    // The family was told, in the portal and by email.
    let told = app.notifications(&family).await;
    assert_eq!(told[0]["kind"], "invoice_issued");
    assert_eq!(told[0]["data"]["invoiceId"], id);
    assert_eq!(told[0]["data"]["totalCents"], 570);
    assert!(
        app.emails_to("famille.ti@exemple.fr")
            .iter()
            .any(|e| e.kind == "invoice_issued" && e.subject.contains("septembre 2026"))
    );

    // A meal not served: a credit note, the invoice unchanged.
    let note = app
        .exchange(
            Method::POST,
            &format!("/api/v1/admin/invoices/{id}/credit-notes"),
            Some(&agent),
            &json!({"amountCents": 285, "reason": "Repas non servi le 15/09"}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(note["number"], "AV2026-000001");
    app.refused(
        Method::POST,
        &format!("/api/v1/admin/invoices/{id}/credit-notes"),
        Some(&agent),
        &json!({"amountCents": 286, "reason": "trop"}),
        (StatusCode::UNPROCESSABLE_ENTITY, "credit_exceeds_invoice"),
    )
    .await;

    // At the counter: no more than what is left; a replayed payment is recorded once.
    let path = format!("/api/v1/admin/invoices/{id}/payments");
    let cheque = json!({"method": "cheque", "amountCents": 285, "reference": "CHQ 0042", "receivedOn": "2026-10-05"});
    app.refused(
        Method::POST,
        &path,
        Some(&agent),
        &json!({"method": "cash", "amountCents": 286, "receivedOn": "2026-10-05"}),
        (StatusCode::UNPROCESSABLE_ENTITY, "amount_exceeds_balance"),
    )
    .await;
    let pay = || {
        app.request(Method::POST, &path)
            .bearer_auth(&agent)
            .header("Idempotency-Key", "guichet-2026-10-05-1")
            .json(&cheque)
            .send()
    };
    let first = body_of(pay().await.unwrap(), StatusCode::CREATED).await;
    let replay = body_of(pay().await.unwrap(), StatusCode::OK).await;
    // Told once, the replay changing nothing.
    let received: Vec<Value> = app
        .notifications(&family)
        .await
        .into_iter()
        .filter(|n| n["kind"] == "payment_received")
        .collect();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0]["data"]["method"], "cheque");
    assert_eq!(received[0]["data"]["amountCents"], 285);
    assert_eq!(first["id"], replay["id"]);
    let other = app
        .request(Method::POST, &path)
        .bearer_auth(&agent)
        .header("Idempotency-Key", "guichet-2026-10-05-1")
        .json(&json!({"method": "cheque", "amountCents": 100, "receivedOn": "2026-10-05"}))
        .send()
        .await
        .unwrap();
    problem(
        other,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    )
    .await;
    {
        use persistence::schema::payments;
        let count: i64 = payments::table
            .count()
            .get_result(&mut app.database.connect())
            .unwrap();
        assert_eq!(count, 1);
    }

    let invoice = body_of(
        app.get_authed(&format!("/api/v1/invoices/{id}"), &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(invoice["totalCents"], 570);
    assert_eq!(invoice["paidCents"], 285);
    assert_eq!(invoice["creditedCents"], 285);
    assert_eq!(invoice["balanceCents"], 0);
    assert_eq!(invoice["status"], "paid");
    assert_eq!(invoice["payments"][0]["method"], "cheque");
    assert_eq!(invoice["payments"][0]["reference"], "CHQ 0042");
    assert_eq!(
        invoice["creditNotes"][0]["reason"],
        "Repas non servi le 15/09"
    );

    let statement = body_of(
        app.get_authed("/api/v1/account-statement", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(statement["balanceCents"], 0);
    let kinds: Vec<&str> = statement["movements"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["payment", "credit_note", "invoice"]);
    let amounts: Vec<i64> = statement["movements"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["amountCents"].as_i64().unwrap())
        .collect();
    assert_eq!(amounts, [-285, -285, 570]);

    // The treasury's exports.
    let csv = app
        .get_authed("/api/v1/admin/exports/invoices?month=2026-09", &agent)
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    let number = invoice["number"].as_str().unwrap();
    assert!(
        csv.contains(&format!(
            "{number};18;2026-09;2026-10-02;2026-11-01;5,70;2,85;2,85;0,00;paid"
        )),
        "{csv}"
    );
    let csv = app
        .get_authed("/api/v1/admin/exports/payments?month=2026-10", &agent)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains(&format!(";{number};2026-10-05;cheque;2,85;CHQ 0042")),
        "{csv}"
    );

    // The money agents touched is in the audit log, each as what it was.
    let admin = app.token_of("admin").await;
    let log = body_of(
        app.get_authed("/api/v1/admin/audit-log", &admin).await,
        StatusCode::OK,
    )
    .await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["record_payment", "issue_credit_note", "start_billing_run"]
    );
    let payments = body_of(
        app.get_authed("/api/v1/admin/audit-log?action=record_payment", &admin)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(payments["total"], 1);

    // Another family sees none of it.
    let (other, _) = app.create_families(1, "MS").await.remove(0);
    problem(
        app.get_authed(&format!("/api/v1/invoices/{id}"), &other)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let theirs = body_of(
        app.get_authed("/api/v1/invoices", &other).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(theirs["total"], 0);
}

/// Families of the test with two September meals each, billed one dossier per chunk.
async fn month_of_families(app: &TestApp) -> Vec<i64> {
    let families = app.create_families(3, "MS").await;
    let mut dossiers = Vec::new();
    for (token, child) in &families {
        let meal = register(app, token, *child, CANTEEN).await;
        book(app, token, *child, meal, &["2026-09-21", "2026-09-22"]).await;
        use persistence::schema::children;
        dossiers.push(
            children::table
                .find(child)
                .select(children::dossier_id)
                .get_result::<i64>(&mut app.database.connect())
                .unwrap(),
        );
    }
    dossiers
}

async fn chunked_app() -> TestApp {
    let app = TestAppBuilder::default()
        .setting("BILLING_CHUNK_DOSSIERS", "1")
        .clock(api::clock::Clock::fixed_at(
            "2026-11-27T09:00:00Z".parse().unwrap(),
        ))
        .spawn()
        .await;
    app.clock.set("2026-07-20T08:00:00Z".parse().unwrap());
    app
}

/// Makes inserting `dossier`'s invoice fail, as a crash in the middle of a run would.
fn break_invoice_of(app: &TestApp, dossier: i64) {
    let mut conn = app.database.connect();
    let sql = if app.database.is_postgres() {
        format!(
            "CREATE FUNCTION crash() RETURNS trigger AS $$ BEGIN IF NEW.dossier_id = {dossier} THEN RAISE EXCEPTION 'injected crash'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
             CREATE TRIGGER crash BEFORE INSERT ON invoices FOR EACH ROW EXECUTE FUNCTION crash();"
        )
    } else {
        format!(
            "CREATE TRIGGER crash BEFORE INSERT ON invoices WHEN NEW.dossier_id = {dossier} BEGIN SELECT RAISE(ABORT, 'injected crash'); END;"
        )
    };
    conn.batch_execute(&sql).unwrap();
}

fn repair(app: &TestApp) {
    let mut conn = app.database.connect();
    conn.batch_execute("DROP TRIGGER crash ON invoices; DROP FUNCTION crash();")
        .or_else(|_| conn.batch_execute("DROP TRIGGER crash;"))
        .unwrap();
}

#[tokio::test]
async fn a_run_that_fails_halfway_resumes_and_ends_with_the_invoices_of_a_clean_run() {
    // A clean run.
    let clean = chunked_app().await;
    month_of_families(&clean).await;
    clean.clock.set("2026-10-02T08:00:00Z".parse().unwrap());
    let agent = clean.token_of("agent").await;
    let run = run_month(&clean, &agent, "2026-09").await;
    assert_eq!(run["status"], "completed");
    let expected = invoices_in_db(&clean);
    assert_eq!(expected.len(), 3, "{expected:?}");

    // The same month, whose second dossier's chunk fails.
    let app = chunked_app().await;
    let dossiers = month_of_families(&app).await;
    app.clock.set("2026-10-02T08:00:00Z".parse().unwrap());
    let agent = app.token_of("agent").await;
    break_invoice_of(&app, dossiers[1]);
    let failed = run_month(&app, &agent, "2026-09").await;
    assert_eq!(failed["status"], "failed", "{failed}");
    assert_eq!(failed["dossiersTotal"], 3);
    assert_eq!(failed["dossiersDone"], 1);
    assert_eq!(invoices_in_db(&app), expected[..1].to_vec());

    repair(&app);
    let resumed = run_month(&app, &agent, "2026-09").await;
    assert_eq!(resumed["status"], "completed");
    assert_eq!(resumed["dossiersTotal"], 2);
    assert_eq!(resumed["invoicesCreated"], 2);
    assert_eq!(invoices_in_db(&app), expected);
    // One PDF filed per invoice: the failed chunk filed none.
    use persistence::schema::documents;
    let filed: i64 = documents::table
        .filter(documents::kind.eq("invoice"))
        .count()
        .get_result(&mut app.database.connect())
        .unwrap();
    assert_eq!(filed, 3);
}

#[tokio::test]
async fn a_run_whose_server_stopped_holds_its_month_until_its_lease_runs_out() {
    let app = app_at("2026-10-02T08:00:00Z").await;
    let agent = app.token_of("agent").await;
    // What a server killed in the middle of a run leaves: a running run, its lease on.
    let dead = {
        use persistence::schema::accounts;
        let mut conn = app.database.connect();
        let agent_id: i64 = accounts::table
            .filter(accounts::username.eq("agent.demo"))
            .select(accounts::id)
            .get_result(&mut conn)
            .unwrap();
        let now = app.clock.now();
        persistence::billing::start_run(
            &mut conn,
            chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
            agent_id,
            now,
            now + chrono::Duration::seconds(60),
        )
        .unwrap()
    };
    let answer = app
        .exchange(
            Method::POST,
            "/api/v1/admin/billing-runs",
            Some(&agent),
            &json!({"month": "2026-09"}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(answer["id"], dead);
    assert_eq!(answer["status"], "running");

    app.clock.set("2026-10-02T08:01:01Z".parse().unwrap());
    let run = run_month(&app, &agent, "2026-09").await;
    assert_ne!(run["id"], dead);
    assert_eq!(run["status"], "completed");
    let before = body_of(
        app.get_authed(&format!("/api/v1/admin/billing-runs/{dead}"), &agent)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(before["status"], "interrupted");
}

#[tokio::test]
async fn a_month_another_server_starts_billing_at_the_same_moment_is_not_billed_twice() {
    let app = app_at("2026-10-02T08:00:00Z").await;
    let agent = app.token_of("agent").await;
    let agent_id: i64 = {
        use persistence::schema::accounts;
        accounts::table
            .filter(accounts::username.eq("agent.demo"))
            .select(accounts::id)
            .get_result(&mut app.database.connect())
            .unwrap()
    };
    // Another server of the city starts September, its transaction not yet committed.
    let mut other = another_writer(&app);
    let now = app.clock.now();
    let theirs = persistence::billing::start_run(
        &mut other.conn,
        chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
        agent_id,
        now,
        now + chrono::Duration::minutes(5),
    )
    .unwrap();
    let ours = app
        .authed(Method::POST, "/api/v1/admin/billing-runs", &agent)
        .json(&json!({"month": "2026-09"}));
    let ours = tokio::spawn(async move { ours.send().await.unwrap() });
    until_waiting(&app, 1).await;
    other.release();
    let answer = ours.await.unwrap();
    if app.database.is_postgres() {
        // PostgreSQL read no running run, and met the other one's as it wrote its own.
        problem(answer, StatusCode::CONFLICT, "billing_run_in_progress").await;
    } else {
        // SQLite makes the request wait for the other writer, then read its run.
        let run = body_of(answer, StatusCode::OK).await;
        assert_eq!(run["id"], theirs);
        assert_eq!(run["status"], "running");
    }
    let runs = body_of(
        app.get_authed("/api/v1/admin/billing-runs", &agent).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(runs["total"], 1, "{runs}");
}

#[tokio::test]
async fn an_invoice_downloads_as_a_pdf_for_its_family_and_the_agents_only() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let invoice = eliots_september_billed(&app).await;
    let (family, agent) = (app.token_of("family").await, app.token_of("agent").await);
    let (id, number) = (
        invoice["id"].as_i64().unwrap(),
        invoice["number"].as_str().unwrap().to_owned(),
    );

    for (path, token) in [
        (format!("/api/v1/invoices/{id}/pdf"), &family),
        (format!("/api/v1/admin/invoices/{id}/pdf"), &agent),
    ] {
        let response = app.get_authed(&path, token).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "application/pdf");
        assert_eq!(
            response.headers()["content-disposition"],
            format!("attachment; filename=\"facture-{number}.pdf\"").as_str()
        );
        let bytes = response.bytes().await.unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(bytes.ends_with(b"%%EOF") || bytes.ends_with(b"%%EOF\n"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains(&format!("Facture {number}")),
            "the number is printed"
        );
        // "Reste à payer : 5,70 €" in the fonts' WinAnsi encoding, which PDF writes as
        // a hex string.
        let owed: String = b"Reste \xe0 payer : 5,70 \x80"
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(text.to_lowercase().contains(&format!("<{owed}>")), "{text}");
    }
    let (other, _) = app.create_families(1, "MS").await.remove(0);
    problem(
        app.get_authed(&format!("/api/v1/invoices/{id}/pdf"), &other)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    problem(
        app.get_authed(&format!("/api/v1/admin/invoices/{id}/pdf"), &family)
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

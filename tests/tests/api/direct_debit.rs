//! Paying by SEPA direct debit: the city's creditor account, a mandate signed online
//! (or on paper), each invoice scheduled and announced 14 days ahead, the pain.008
//! file of a date checked against the official XSD and built once, the bank's answers
//! (camt.054, the city's CSV, by hand), rejections and the suspension they bring.

use diesel::prelude::*;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use tests::sepa::assert_valid;
use tests::steps::activities::{CANTEEN, child_named, register};
use tests::steps::billing::run_month;
use tests::steps::planning::book;
use tests::webhook_receiver::WebhookReceiver;
use tests::{TestApp, TestAppBuilder, app_at, json as body_of, problem};

const IBAN: &str = "FR76 3000 6000 0112 3456 7890 189";
const IBAN_ELECTRONIC: &str = "FR7630006000011234567890189";
const OTHER_IBAN: &str = "FR1420041010050500013M02606";
const OFFICE: &str = "espace.familles@villejuif.example";

fn at(instant: &str) -> chrono::DateTime<chrono::Utc> {
    instant.parse().unwrap()
}

/// The admin sets the city's creditor account (after a creditor identifier with a
/// wrong check digit is refused).
async fn creditor_set(app: &TestApp, version: &str) {
    let admin = app.token_of("admin").await;
    let mut settings = json!({
        "creditorId": "FR73ZZZ123456",
        "creditorName": "Ville de Villejuif - Régie Enfance",
        "iban": "FR8910071940000000100000123",
        "bic": "TRPUFRP1",
        "painVersion": version,
    });
    let refused = problem(
        app.send_json(
            Method::PUT,
            "/api/v1/admin/direct-debit-settings",
            Some(&admin),
            &settings,
        )
        .await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "creditorId");
    assert_eq!(refused["errors"][0]["code"], "creditor_id_check_digits");
    settings["creditorId"] = json!("FR72 ZZZ 123456");
    let set = app
        .exchange(
            Method::PUT,
            "/api/v1/admin/direct-debit-settings",
            Some(&admin),
            &settings,
            StatusCode::OK,
        )
        .await;
    assert_eq!(set["creditorId"], "FR72ZZZ123456");
}

async fn sign(app: &TestApp, family: &str, iban: &str) -> Response {
    app.send_json(
        Method::POST,
        "/api/v1/direct-debit/mandates",
        Some(family),
        &json!({"holderName": "Camille T I", "iban": iban, "signedAtPlace": "Villejuif", "consent": true}),
    )
    .await
}

async fn invoice(app: &TestApp, family: &str, id: i64) -> Value {
    body_of(
        app.get_authed(&format!("/api/v1/invoices/{id}"), family)
            .await,
        StatusCode::OK,
    )
    .await
}

async fn pay_by_card(app: &TestApp, family: &str, invoice: i64, key: &str) -> Response {
    app.request(
        Method::POST,
        &format!("/api/v1/invoices/{invoice}/online-payments"),
    )
    .bearer_auth(family)
    .header("Idempotency-Key", key)
    .send()
    .await
    .unwrap()
}

async fn build(app: &TestApp, agent: &str, date: &str) -> Response {
    app.send_json(
        Method::POST,
        "/api/v1/admin/direct-debit-collections",
        Some(agent),
        &json!({"collectionDate": date}),
    )
    .await
}

async fn file_of(app: &TestApp, agent: &str, collection: &Value) -> String {
    let response = app
        .get_authed(collection["fileUrl"].as_str().unwrap(), agent)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/xml"
    );
    response.text().await.unwrap()
}

async fn import(app: &TestApp, agent: &str, media: &str, report: &str) -> Value {
    let response = app
        .authed(Method::POST, "/api/v1/admin/direct-debit-reports", agent)
        .header("Content-Type", media)
        .body(report.to_owned())
        .send()
        .await
        .unwrap();
    body_of(response, StatusCode::OK).await
}

/// The bank's camt.054 notification returning `end_to_end` for `reason`.
fn camt054_returning(end_to_end: &str, amount: &str, reason: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">
 <BkToCstmrDbtCdtNtfctn>
  <GrpHdr><MsgId>CAMT-1</MsgId><CreDtTm>2026-11-04T07:00:00</CreDtTm></GrpHdr>
  <Ntfctn><Id>N-1</Id><CreDtTm>2026-11-04T07:00:00</CreDtTm>
   <Acct><Id><IBAN>FR8910071940000000100000123</IBAN></Id></Acct>
   <Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
    <BookgDt><Dt>2026-11-04</Dt></BookgDt>
    <NtryDtls><TxDtls>
     <Refs><EndToEndId>{end_to_end}</EndToEndId></Refs>
     <AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls>
     <RtrInf><Rsn><Cd>{reason}</Cd></Rsn></RtrInf>
    </TxDtls></NtryDtls>
   </Ntry>
  </Ntfctn>
 </BkToCstmrDbtCdtNtfctn>
</Document>"#
    )
}

/// (mandate, status, collection date, told on) of every debit, by id.
fn debits_in_db(app: &TestApp) -> Vec<(i64, String, String, String)> {
    use persistence::schema::direct_debits;
    direct_debits::table
        .order(direct_debits::id)
        .select((
            direct_debits::mandate_id,
            direct_debits::status,
            direct_debits::collection_date,
            direct_debits::told_on,
        ))
        .load::<(i64, String, chrono::NaiveDate, chrono::NaiveDate)>(&mut app.database.connect())
        .unwrap()
        .into_iter()
        .map(|(m, s, c, t)| (m, s, c.to_string(), t.to_string()))
        .collect()
}

fn mandates_in_db(app: &TestApp) -> Vec<(String, String)> {
    use persistence::schema::mandates;
    mandates::table
        .order(mandates::id)
        .select((mandates::iban, mandates::status))
        .load(&mut app.database.connect())
        .unwrap()
}

/// The family's notification of `kind`, newest first.
async fn notices(app: &TestApp, family: &str, kind: &str) -> Vec<Value> {
    app.notifications(family)
        .await
        .into_iter()
        .filter(|n| n["kind"] == kind)
        .collect()
}

/// Eliot registered to the canteen on 20 July 2026, booked on two September and two
/// October days.
async fn eliot_booked(app: &TestApp) {
    let family = app.token_of("family").await;
    let eliot = child_named(app, &family, "Eliot").await;
    let meal = register(app, &family, eliot, CANTEEN).await;
    book(
        app,
        &family,
        eliot,
        meal,
        &["2026-09-14", "2026-09-15", "2026-10-05", "2026-10-06"],
    )
    .await;
}

/// Bills `month` on `instant`; returns the family's newest invoice.
async fn billed(app: &TestApp, instant: &str, month: &str) -> Value {
    app.clock.set(at(instant));
    let agent = app.token_of("agent").await;
    run_month(app, &agent, month).await;
    let family = app.token_of("family").await;
    let list = body_of(
        app.get_authed("/api/v1/invoices", &family).await,
        StatusCode::OK,
    )
    .await;
    let newest = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["month"] == month)
        .cloned()
        .unwrap_or_else(|| panic!("no invoice of {month}: {list}"));
    invoice(app, &family, newest["id"].as_i64().unwrap()).await
}

#[tokio::test]
async fn invoices_are_debited_after_notice_until_two_rejections_suspend_the_mandate() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    creditor_set(&app, "pain.008.001.02").await;
    let family = app.token_of("family").await;
    let creditor = body_of(
        app.get("/api/v1/direct-debit/creditor").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(creditor["creditorId"], "FR72ZZZ123456");

    // A wrong check digit is refused, naming the field; nothing is written.
    let refused = problem(
        sign(&app, &family, "FR77 3000 6000 0112 3456 7890 189").await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "iban");
    assert_eq!(refused["errors"][0]["code"], "iban_check_digits");
    assert!(mandates_in_db(&app).is_empty());

    let mandate = body_of(sign(&app, &family, IBAN).await, StatusCode::CREATED).await;
    assert_eq!(mandate["reference"], "EF-18-000001");
    assert_eq!(mandate["creditorId"], "FR72ZZZ123456");
    assert_eq!(mandate["status"], "active");
    assert_eq!(mandate["channel"], "online");
    assert_eq!(mandate["iban"], "FR76 **** 0189");
    assert_eq!(mandate["signedOn"], "2026-07-20");
    assert!(mandate["consentAt"].is_string());
    assert_eq!(
        mandates_in_db(&app),
        [(IBAN_ELECTRONIC.to_owned(), "active".to_owned())]
    );
    // The signed form is filed among the family's documents, IBAN masked.
    let form = app
        .get_authed(
            &format!("/api/v1/documents/{}/content", mandate["documentId"]),
            &family,
        )
        .await;
    assert_eq!(form.status(), StatusCode::OK);
    let pdf = form.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    assert!(!String::from_utf8_lossy(&pdf).contains(IBAN_ELECTRONIC));

    eliot_booked(&app).await;
    // September billed on Friday 2 October: due on Sunday 1 November, debited on
    // Monday 2 November, and the family told today, a month ahead.
    let september = billed(&app, "2026-10-02T08:00:00Z", "2026-09").await;
    let september_id = september["id"].as_i64().unwrap();
    assert_eq!(september["number"], "F2026-000001");
    assert_eq!(september["dueOn"], "2026-11-01");
    let debit = &september["directDebit"];
    assert_eq!(debit["status"], "scheduled", "{september}");
    assert_eq!(debit["collectionDate"], "2026-11-02");
    assert_eq!(debit["amountCents"], 570);
    assert_eq!(
        debit["label"],
        "Prélèvement prévu le 02/11/2026 : 5,70 EUR sur le compte FR76 **** 0189."
    );
    assert_eq!(debit["payableOtherwise"], true);
    let family = app.token_of("family").await;
    let told = notices(&app, &family, "direct_debit_scheduled").await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0]["data"]["collectionDate"], "2026-11-02");
    assert_eq!(told[0]["data"]["amountCents"], 570);
    assert_eq!(told[0]["data"]["mandateReference"], "EF-18-000001");
    assert_eq!(told[0]["data"]["creditorId"], "FR72ZZZ123456");
    let email = app
        .emails_to("famille.ti@exemple.fr")
        .into_iter()
        .find(|e| e.kind == "direct_debit_scheduled")
        .expect("the pre-notification email");
    assert!(
        email.text_body.contains("sera prélevée le 02/11/2026"),
        "{}",
        email.text_body
    );
    assert!(email.text_body.contains("FR72ZZZ123456"));
    let debits = debits_in_db(&app);
    assert_eq!(debits.len(), 1);
    let days = chrono::NaiveDate::parse_from_str(&debits[0].2, "%Y-%m-%d").unwrap()
        - chrono::NaiveDate::parse_from_str(&debits[0].3, "%Y-%m-%d").unwrap();
    assert!(days.num_days() >= 14, "{debits:?}");

    // Before the file is built, the family may still pay by card.
    let attempt = pay_by_card(&app, &family, september_id, "card-before-file").await;
    assert_eq!(attempt.status(), StatusCode::CREATED);

    // Thursday 29 October: the agent builds the file of Monday 2 November.
    app.clock.set(at("2026-10-29T08:00:00Z"));
    let agent = app.token_of("agent").await;
    problem(
        build(&app, &agent, "2026-11-01").await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    let response = build(&app, &agent, "2026-11-02").await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let collection = body_of(response, StatusCode::CREATED).await;
    assert_eq!(
        location,
        format!(
            "/api/v1/admin/direct-debit-collections/{}",
            collection["id"]
        )
    );
    assert_eq!(collection["debitCount"], 1);
    assert_eq!(collection["totalCents"], 570);
    assert_eq!(collection["painVersion"], "pain.008.001.02");
    let xml = file_of(&app, &agent, &collection).await;
    assert_valid(&xml, "pain.008.001.02");
    for expected in [
        "<NbOfTxs>1</NbOfTxs><CtrlSum>5.70</CtrlSum>",
        "<SeqTp>FRST</SeqTp>",
        "<ReqdColltnDt>2026-11-02</ReqdColltnDt>",
        "<EndToEndId>F2026-000001</EndToEndId>",
        "<InstdAmt Ccy=\"EUR\">5.70</InstdAmt>",
        "<MndtId>EF-18-000001</MndtId><DtOfSgntr>2026-07-20</DtOfSgntr>",
        "<IBAN>FR7630006000011234567890189</IBAN>",
        "<Id>FR72ZZZ123456</Id>",
    ] {
        assert!(xml.contains(expected), "{expected} not in {xml}");
    }
    assert_eq!(
        format!("{:x}", Sha256::digest(xml.as_bytes())),
        collection["sha256"].as_str().unwrap()
    );
    // Built once: asking again answers the same file, byte for byte.
    let again = body_of(build(&app, &agent, "2026-11-02").await, StatusCode::OK).await;
    assert_eq!(again["id"], collection["id"]);
    assert_eq!(file_of(&app, &agent, &again).await, xml);

    // Now the invoice is with the bank: no card payment, no counter payment.
    let family = app.token_of("family").await;
    problem(
        pay_by_card(&app, &family, september_id, "card-after-file").await,
        StatusCode::CONFLICT,
        "direct_debit_in_progress",
    )
    .await;
    problem(
        app.request(
            Method::POST,
            &format!("/api/v1/admin/invoices/{september_id}/payments"),
        )
        .bearer_auth(&agent)
        .json(&json!({"method": "cash", "amountCents": 570, "receivedOn": "2026-10-29"}))
        .send()
        .await
        .unwrap(),
        StatusCode::CONFLICT,
        "direct_debit_in_progress",
    )
    .await;
    problem(
        app.send_json(
            Method::POST,
            &format!("/api/v1/admin/invoices/{september_id}/credit-notes"),
            Some(&agent),
            &json!({"amountCents": 100, "reason": "Geste commercial"}),
        )
        .await,
        StatusCode::CONFLICT,
        "direct_debit_in_progress",
    )
    .await;
    let collecting = invoice(&app, &family, september_id).await;
    assert_eq!(collecting["directDebit"]["status"], "collecting");
    assert_eq!(collecting["directDebit"]["payableOtherwise"], false);

    // October billed on Monday 2 November: debited on Wednesday 2 December.
    let october = billed(&app, "2026-11-02T08:00:00Z", "2026-10").await;
    assert_eq!(october["directDebit"]["collectionDate"], "2026-12-02");

    // 4 November: the bank returns September's debit for insufficient funds.
    app.clock.set(at("2026-11-04T08:00:00Z"));
    let agent = app.token_of("agent").await;
    let report = camt054_returning("F2026-000001", "5.70", "AM04");
    let imported = import(&app, &agent, "application/xml", &report).await;
    assert_eq!(imported["rejected"], 1, "{imported}");
    assert_eq!(imported["lines"][0]["result"], "rejected");
    // A file that is no report is refused, saying why.
    let unreadable = problem(
        app.authed(Method::POST, "/api/v1/admin/direct-debit-reports", &agent)
            .header("Content-Type", "application/xml")
            .body("<Document><CstmrDrctDbtInitn/></Document>")
            .send()
            .await
            .unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "report_unreadable",
    )
    .await;
    assert_eq!(unreadable["errors"][0]["field"], "body");
    // Undeclared, the content tells: nothing at all is no report either.
    problem(
        app.authed(Method::POST, "/api/v1/admin/direct-debit-reports", &agent)
            .send()
            .await
            .unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "report_unreadable",
    )
    .await;
    // The same report again changes nothing.
    let again = import(&app, &agent, "application/xml", &report).await;
    assert_eq!(
        (
            again["rejected"].clone(),
            again["lines"][0]["result"].clone()
        ),
        (json!(0), json!("unchanged"))
    );

    let family = app.token_of("family").await;
    let rejected = invoice(&app, &family, september_id).await;
    assert_eq!(rejected["status"], "overdue");
    assert_eq!(rejected["paidCents"], 0);
    assert_eq!(rejected["directDebit"]["status"], "rejected");
    assert_eq!(rejected["directDebit"]["reasonCode"], "AM04");
    assert!(
        rejected["directDebit"]["label"]
            .as_str()
            .unwrap()
            .contains("provision insuffisante")
    );
    let told = notices(&app, &family, "direct_debit_rejected").await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0]["data"]["reason"], "provision insuffisante");
    assert_eq!(told[0]["data"]["mandateSuspended"], false);
    assert!(
        told[0]["body"]
            .as_str()
            .unwrap()
            .contains("de nouveau à régler")
    );
    let mine = body_of(
        app.get_authed("/api/v1/direct-debit/mandates", &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine[0]["status"], "active");
    assert_eq!(mine[0]["consecutiveRejections"], 1);
    // Rejected, the invoice may be paid by card again.
    let attempt = pay_by_card(&app, &family, september_id, "card-after-rejection").await;
    assert_eq!(attempt.status(), StatusCode::CREATED);

    // 30 November: October's file; its debit is FRST again (the first was rejected).
    app.clock.set(at("2026-11-30T08:00:00Z"));
    let agent = app.token_of("agent").await;
    let december = body_of(build(&app, &agent, "2026-12-02").await, StatusCode::CREATED).await;
    let xml = file_of(&app, &agent, &december).await;
    assert_valid(&xml, "pain.008.001.02");
    assert!(xml.contains("<SeqTp>FRST</SeqTp>"));
    assert!(xml.contains("<EndToEndId>F2026-000002</EndToEndId>"));

    // 4 December: rejected again, recorded by hand: the mandate is suspended and the
    // city's office told.
    app.clock.set(at("2026-12-04T08:00:00Z"));
    let agent = app.token_of("agent").await;
    let october_debit = body_of(
        app.get_authed(
            "/api/v1/admin/direct-debits?collectionDate=2026-12-02",
            &agent,
        )
        .await,
        StatusCode::OK,
    )
    .await["items"][0]
        .clone();
    assert_eq!(october_debit["status"], "collecting");
    assert_eq!(october_debit["sequenceType"], "FRST");
    let outcome_path = format!(
        "/api/v1/admin/direct-debits/{}/outcome",
        october_debit["id"]
    );
    problem(
        app.send_json(
            Method::POST,
            &outcome_path,
            Some(&agent),
            &json!({"outcome": "rejected", "reasonCode": "insufficient"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    let recorded = app
        .exchange(
            Method::POST,
            &outcome_path,
            Some(&agent),
            &json!({"outcome": "rejected", "reasonCode": "AM04"}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(recorded["status"], "rejected");
    assert_eq!(recorded["settledOn"], "2026-12-04");
    problem(
        app.send_json(
            Method::POST,
            &outcome_path,
            Some(&agent),
            &json!({"outcome": "paid"}),
        )
        .await,
        StatusCode::CONFLICT,
        "debit_not_collecting",
    )
    .await;
    let family = app.token_of("family").await;
    let told = notices(&app, &family, "direct_debit_rejected").await;
    assert_eq!(told.len(), 2);
    assert_eq!(told[0]["data"]["mandateSuspended"], true);
    let mine = body_of(
        app.get_authed("/api/v1/direct-debit/mandates", &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine[0]["status"], "suspended");
    assert_eq!(mine[0]["endedOn"], "2026-12-04");
    let suspended = body_of(
        app.get_authed("/api/v1/admin/mandates?status=suspended", &agent)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(suspended["total"], 1);
    let office = app.emails_to(OFFICE);
    assert!(
        office
            .iter()
            .any(|e| e.kind == "mandate_suspended" && e.text_body.contains("EF-18-000001")),
        "{office:?}"
    );
    // The audit log holds the signature, the file and the answers.
    let admin = app.token_of("admin").await;
    let log = body_of(
        app.get_authed("/api/v1/admin/audit-log?pageSize=200", &admin)
            .await,
        StatusCode::OK,
    )
    .await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in [
        "sign_mandate",
        "build_debit_collection",
        "record_debit_outcome",
    ] {
        assert!(actions.contains(&action), "{action} not in {actions:?}");
    }
}

#[tokio::test]
async fn a_debit_the_bank_pays_is_a_payment_and_a_return_takes_it_back() {
    // The city's finance system follows debits by webhook (a receiver on this machine).
    let app = TestAppBuilder::default()
        .setting("WEBHOOK_ALLOW_HTTP", "true")
        .setting("WEBHOOK_ALLOW_PRIVATE", "true")
        .setting("WEBHOOK_POLL_MILLIS", "25")
        .clock(api::clock::Clock::fixed_at(at("2026-11-27T09:00:00Z")))
        .spawn()
        .await;
    app.clock.set(at("2026-07-20T08:00:00Z"));
    let receiver = WebhookReceiver::start().await;
    let admin = app.token_of("admin").await;
    app.exchange(
        Method::POST,
        "/api/v1/admin/webhooks",
        Some(&admin),
        &json!({"url": receiver.url, "description": "Finances", "kinds": ["direct_debit_scheduled", "direct_debit_rejected"]}),
        StatusCode::CREATED,
    )
    .await;
    creditor_set(&app, "pain.008.001.08").await;
    // A paper mandate, recorded by an agent; its date cannot be ahead.
    let family = app.token_of("family").await;
    let dossier = body_of(
        app.get_authed("/api/v1/dossier", &family).await,
        StatusCode::OK,
    )
    .await;
    let mandates = format!("/api/v1/admin/dossiers/{}/mandates", dossier["id"]);
    let agent = app.token_of("agent").await;
    let paper = |signed_on: &str| json!({"holderName": "Camille T I", "iban": OTHER_IBAN, "signedAtPlace": "Villejuif", "signedOn": signed_on});
    problem(
        app.send_json(Method::POST, &mandates, Some(&agent), &paper("2026-08-01"))
            .await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    let mandate = app
        .exchange(
            Method::POST,
            &mandates,
            Some(&agent),
            &paper("2026-07-01"),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(mandate["channel"], "paper");
    // Its creditor identifier cannot change under it.
    let changed = problem(
        app.send_json(
            Method::PUT,
            "/api/v1/admin/direct-debit-settings",
            Some(&admin),
            &json!({"creditorId": "DE98ZZZ09999999999", "creditorName": "Ville", "iban": "FR8910071940000000100000123", "bic": "TRPUFRP1", "painVersion": "pain.008.001.08"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    assert_eq!(changed["errors"][0]["code"], "creditor_id_in_use");
    assert_eq!(mandate["iban"], "FR14 **** 2606");
    assert!(mandate["consentAt"].is_null());
    // The full account, for the agent who needs it, is an audited read.
    let account = body_of(
        app.get_authed(
            &format!("/api/v1/admin/mandates/{}/bank-account", mandate["id"]),
            &agent,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(account["iban"], OTHER_IBAN);

    eliot_booked(&app).await;
    let september = billed(&app, "2026-10-02T08:00:00Z", "2026-09").await;
    let september_id = september["id"].as_i64().unwrap();
    let events = receiver.wait_for(1).await;
    assert_eq!(events[0].json()["type"], "direct_debit_scheduled");
    assert_eq!(events[0].json()["data"]["collectionDate"], "2026-11-02");
    app.clock.set(at("2026-10-29T08:00:00Z"));
    let agent = app.token_of("agent").await;
    let collection = body_of(build(&app, &agent, "2026-11-02").await, StatusCode::CREATED).await;
    assert_eq!(collection["painVersion"], "pain.008.001.08");
    let xml = file_of(&app, &agent, &collection).await;
    assert_valid(&xml, "pain.008.001.08");
    assert!(xml.contains("<BICFI>TRPUFRP1</BICFI>"));

    // The city's CSV says it was paid: a payment like any other.
    app.clock.set(at("2026-11-05T08:00:00Z"));
    let agent = app.token_of("agent").await;
    let csv = "reference;statut;motif;date\nF2026-000001;payé;;02/11/2026\nF2099-999999;payé;;02/11/2026\n";
    let imported = import(&app, &agent, "text/csv", csv).await;
    assert_eq!(imported["paid"], 1, "{imported}");
    assert_eq!(imported["lines"][1]["result"], "unknown");
    let family = app.token_of("family").await;
    let paid = invoice(&app, &family, september_id).await;
    assert_eq!(paid["status"], "paid");
    assert_eq!(paid["payments"][0]["method"], "direct_debit");
    assert_eq!(paid["payments"][0]["amountCents"], 570);
    assert_eq!(paid["payments"][0]["receivedOn"], "2026-11-02");
    assert_eq!(
        paid["directDebit"]["label"],
        "Payée par prélèvement le 02/11/2026 (5,70 EUR)."
    );
    assert!(
        app.notification_kinds(&family)
            .await
            .contains(&"payment_received".to_owned())
    );
    let again = import(&app, &agent, "text/csv", csv).await;
    assert_eq!(again["paid"], 0);

    // Three weeks later the account holder asks their bank for a refund: returned.
    app.clock.set(at("2026-11-20T08:00:00Z"));
    let agent = app.token_of("agent").await;
    let payment_id = paid["payments"][0]["id"].as_i64().unwrap();
    let debits = body_of(
        app.get_authed("/api/v1/admin/direct-debits?status=paid", &agent)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(debits["items"][0]["paymentId"], payment_id);
    let returned = app
        .exchange(
            Method::POST,
            &format!(
                "/api/v1/admin/direct-debits/{}/outcome",
                debits["items"][0]["id"]
            ),
            Some(&agent),
            &json!({"outcome": "rejected", "reasonCode": "MD06"}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        returned["reason"],
        "remboursement demandé par le titulaire du compte"
    );
    let family = app.token_of("family").await;
    let unpaid = invoice(&app, &family, september_id).await;
    assert_eq!(unpaid["paidCents"], 0);
    assert_eq!(unpaid["status"], "overdue");
    assert_eq!(unpaid["payments"][0]["reversedOn"], "2026-11-20");
    let statement = body_of(
        app.get_authed("/api/v1/account-statement", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(statement["balanceCents"], 570, "{statement}");
    let returned_movement = statement["movements"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["kind"] == "payment_returned")
        .cloned()
        .unwrap_or_else(|| panic!("no return in {statement}"));
    assert_eq!(returned_movement["amountCents"], 570);
    assert_eq!(returned_movement["date"], "2026-11-20");
    let events = receiver.wait_for(2).await;
    assert_eq!(events[1].json()["type"], "direct_debit_rejected");
    assert_eq!(events[1].json()["data"]["reasonCode"], "MD06");

    // The treasury's exports show the debit and the return.
    let invoices_csv = app
        .get_authed("/api/v1/admin/exports/invoices?month=2026-09", &agent)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        invoices_csv.contains(";prelevement;prelevement_le"),
        "{invoices_csv}"
    );
    assert!(
        invoices_csv.contains(";overdue;rejected;2026-11-02"),
        "{invoices_csv}"
    );
    let payments_csv = app
        .get_authed("/api/v1/admin/exports/payments?month=2026-11", &agent)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        payments_csv.contains(";F2026-000001;2026-11-02;direct_debit;5,70;F2026-000001;2026-11-20"),
        "{payments_csv}"
    );

    // The family's RGPD export holds its mandate and debits, the IBAN masked.
    let export = app.get_authed("/api/v1/me/export", &family).await;
    let export = export.text().await.unwrap();
    assert!(!export.contains(OTHER_IBAN), "a full IBAN in the export");
    let export: Value = serde_json::from_str(&export).unwrap();
    assert_eq!(export["mandates"][0]["iban"], "FR14 **** 2606");
    assert_eq!(export["directDebits"].as_array().map(Vec::len), Some(1));
    assert_eq!(export["directDebits"][0]["endToEndId"], "F2026-000001");
    assert_eq!(export["directDebits"][0]["reasonCode"], "MD06");
    receiver.stop().await;
}

#[tokio::test]
async fn a_new_account_takes_the_scheduled_debits_and_a_revoked_mandate_debits_nothing() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let family = app.token_of("family").await;
    // The demo city offers direct debit; a city that has not set its creditor account
    // does not, and no mandate can be signed there.
    diesel::delete(persistence::schema::direct_debit_settings::table)
        .execute(&mut app.database.connect())
        .unwrap();
    for path in [
        "/api/v1/direct-debit/creditor",
        "/api/v1/admin/direct-debit-settings",
    ] {
        let agent = app.token_of("agent").await;
        problem(
            app.get_authed(path, &agent).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    problem(
        sign(&app, &family, IBAN).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "direct_debit_unavailable",
    )
    .await;
    let agent = app.token_of("agent").await;
    let dossier = body_of(
        app.get_authed("/api/v1/dossier", &family).await,
        StatusCode::OK,
    )
    .await;
    problem(
        app.send_json(
            Method::POST,
            &format!("/api/v1/admin/dossiers/{}/mandates", dossier["id"]),
            Some(&agent),
            &json!({"holderName": "Camille T I", "iban": IBAN, "signedAtPlace": "Villejuif", "signedOn": "2026-07-01"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "direct_debit_unavailable",
    )
    .await;
    problem(
        build(&app, &agent, "2026-11-02").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "direct_debit_unavailable",
    )
    .await;
    creditor_set(&app, "pain.008.001.02").await;
    let first = body_of(sign(&app, &family, IBAN).await, StatusCode::CREATED).await;
    eliot_booked(&app).await;
    let september = billed(&app, "2026-10-02T08:00:00Z", "2026-09").await;

    // A new account: the first mandate is revoked, the scheduled debit moves.
    let family = app.token_of("family").await;
    let second = body_of(sign(&app, &family, OTHER_IBAN).await, StatusCode::CREATED).await;
    assert_eq!(second["reference"], "EF-18-000002");
    let mine = body_of(
        app.get_authed("/api/v1/direct-debit/mandates", &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine[1]["id"], first["id"]);
    assert_eq!(mine[1]["status"], "revoked");
    assert_eq!(mine[1]["endReason"], "remplacé par un nouveau mandat");
    let debits = debits_in_db(&app);
    assert_eq!(debits[0].0, second["id"].as_i64().unwrap());
    assert_eq!(debits[0].1, "scheduled");
    let scheduled = invoice(&app, &family, september["id"].as_i64().unwrap()).await;
    assert_eq!(scheduled["directDebit"]["account"], "FR14 **** 2606");

    // Another family sees none of it.
    let others = app.create_families(1, "CP").await;
    let other = &others[0].0;
    problem(
        app.get_authed(
            &format!("/api/v1/direct-debit/mandates/{}", second["id"]),
            other,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    problem(
        app.request(
            Method::POST,
            &format!("/api/v1/direct-debit/mandates/{}/revocation", second["id"]),
        )
        .bearer_auth(other)
        .send()
        .await
        .unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    // The family revokes: the scheduled debit is cancelled, the invoice to pay.
    let revocation = format!("/api/v1/direct-debit/mandates/{}/revocation", second["id"]);
    let revoked = body_of(
        app.request(Method::POST, &revocation)
            .bearer_auth(&family)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(revoked["status"], "revoked");
    problem(
        app.request(Method::POST, &revocation)
            .bearer_auth(&family)
            .send()
            .await
            .unwrap(),
        StatusCode::CONFLICT,
        "mandate_not_active",
    )
    .await;
    assert_eq!(debits_in_db(&app)[0].1, "cancelled");
    let unscheduled = invoice(&app, &family, september["id"].as_i64().unwrap()).await;
    assert_eq!(unscheduled["directDebit"]["status"], "cancelled");
    assert_eq!(unscheduled["directDebit"]["payableOtherwise"], true);
    app.clock.set(at("2026-10-29T08:00:00Z"));
    let agent = app.token_of("agent").await;
    problem(
        build(&app, &agent, "2026-11-02").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing_to_collect",
    )
    .await;
    problem(
        app.send_json(
            Method::POST,
            &format!("/api/v1/admin/mandates/{}/revocation", second["id"]),
            Some(&agent),
            &json!({"reason": "Demande écrite de la famille"}),
        )
        .await,
        StatusCode::CONFLICT,
        "mandate_not_active",
    )
    .await;
    problem(
        app.send_json(
            Method::POST,
            &format!("/api/v1/admin/mandates/{}/suspension", second["id"]),
            Some(&agent),
            &json!({"reason": "Compte clôturé"}),
        )
        .await,
        StatusCode::CONFLICT,
        "mandate_not_active",
    )
    .await;

    // A mandate unused for 36 months lapses (the daily job), not a day sooner.
    let family = app.token_of("family").await;
    body_of(sign(&app, &family, IBAN).await, StatusCode::CREATED).await;
    app.clock.set(at("2029-10-29T08:00:00Z"));
    api::jobs::remind(&app.state).await.unwrap();
    assert_eq!(mandates_in_db(&app)[2].1, "active");
    app.clock.set(at("2029-10-30T08:00:00Z"));
    api::jobs::remind(&app.state).await.unwrap();
    assert_eq!(mandates_in_db(&app)[2].1, "lapsed");
}

#[tokio::test]
async fn a_card_payment_under_way_when_the_file_is_built_takes_the_invoice_out_of_it() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    creditor_set(&app, "pain.008.001.02").await;
    let family = app.token_of("family").await;
    body_of(sign(&app, &family, IBAN).await, StatusCode::CREATED).await;
    eliot_booked(&app).await;
    let september = billed(&app, "2026-10-02T08:00:00Z", "2026-09").await;
    // The family is on the payment page when the agent builds the file: the invoice is
    // left out of it (it would be paid twice), its debit cancelled.
    app.clock.set(at("2026-10-29T08:00:00Z"));
    let family = app.token_of("family").await;
    let attempt = pay_by_card(
        &app,
        &family,
        september["id"].as_i64().unwrap(),
        "card-while-the-file-is-built",
    )
    .await;
    assert_eq!(attempt.status(), StatusCode::CREATED);
    let agent = app.token_of("agent").await;
    problem(
        build(&app, &agent, "2026-11-02").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing_to_collect",
    )
    .await;
    assert_eq!(debits_in_db(&app)[0].1, "cancelled");
}

#[tokio::test]
async fn a_date_whose_file_is_built_takes_no_more_debits_and_a_missed_date_cancels_them() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    creditor_set(&app, "pain.008.001.02").await;
    let family = app.token_of("family").await;
    body_of(sign(&app, &family, IBAN).await, StatusCode::CREATED).await;
    eliot_booked(&app).await;
    billed(&app, "2026-10-02T08:00:00Z", "2026-09").await;
    app.clock.set(at("2026-10-02T10:00:00Z"));
    let agent = app.token_of("agent").await;
    body_of(build(&app, &agent, "2026-11-02").await, StatusCode::CREATED).await;
    // October billed the next day is due on 2 November too: that file is built, so
    // its debit goes to the next business day.
    let october = billed(&app, "2026-10-03T08:00:00Z", "2026-10").await;
    assert_eq!(october["dueOn"], "2026-11-02");
    assert_eq!(october["directDebit"]["collectionDate"], "2026-11-03");
    // No file is built for 3 November: the daily job cancels the debit, the family
    // pays otherwise.
    app.clock.set(at("2026-11-04T08:00:00Z"));
    api::jobs::remind(&app.state).await.unwrap();
    let family = app.token_of("family").await;
    let missed = invoice(&app, &family, october["id"].as_i64().unwrap()).await;
    assert_eq!(missed["directDebit"]["status"], "cancelled");
    assert_eq!(missed["directDebit"]["payableOtherwise"], true);
}

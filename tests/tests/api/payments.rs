//! Paying an invoice online: PayFiP driven by a fake of its web service (real HTTP,
//! its SOAP messages and faults), and the built-in sandbox. Only PayFiP's own answer
//! about an idop pays: security.md's tests 4 (forged or replayed notifications pay
//! nothing twice and nothing unpaid) and 5 (a client-sent amount is ignored).

use diesel::prelude::*;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use tests::payfip::FakePayFip;
use tests::steps::baskets;
use tests::steps::billing::{eliots_september_billed, set_attempts};
use tests::{TestApp, TestAppBuilder, json as body_of, problem};

const PAYMENT_PAGE: &str = "https://www.payfip.gouv.fr/tpa/paiementws.web";

/// The demo app on 27 November 2026, its clock fixed.
fn on_27_november() -> TestAppBuilder {
    TestAppBuilder::default().clock(api::clock::Clock::fixed_at(
        "2026-11-27T09:00:00Z".parse().unwrap(),
    ))
}

/// The family's invoices, the first page.
async fn my_invoices(app: &TestApp, token: &str) -> Value {
    body_of(
        app.get_authed("/api/v1/invoices", token).await,
        StatusCode::OK,
    )
    .await
}

/// The demo with Eliot's two September meals billed (invoice F2026-000001, 5.70 EUR),
/// on 2 October 2026; with PayFiP at `payfip` when given, else the sandbox. Returns
/// the app, the family's token and the invoice's id.
async fn invoiced(payfip: Option<&FakePayFip>) -> (TestApp, String, i64) {
    let mut builder = on_27_november();
    if let Some(fake) = payfip {
        builder = builder.paying_at(fake);
    }
    let app = builder.spawn().await;
    app.clock.set("2026-07-20T08:00:00Z".parse().unwrap());
    let invoice = eliots_september_billed(&app).await;
    let family = app.token_of("family").await;
    (app, family, invoice["id"].as_i64().unwrap())
}

async fn start(app: &TestApp, token: &str, invoice: i64, key: &str) -> Response {
    app.request(
        Method::POST,
        &format!("/api/v1/invoices/{invoice}/online-payments"),
    )
    .bearer_auth(token)
    .header("Idempotency-Key", key)
    // A client-sent amount: ignored.
    .json(&json!({"amountCents": 1}))
    .send()
    .await
    .unwrap()
}

/// Another family's attempt on the invoice: refused as if the invoice did not exist.
async fn refused_as_unknown(app: &TestApp, other: &str, invoice: i64, key: &str) {
    problem(
        start(app, other, invoice, key).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

/// A new attempt, which must be created (201): its body.
async fn started(app: &TestApp, token: &str, invoice: i64, key: &str) -> Value {
    body_of(start(app, token, invoice, key).await, StatusCode::CREATED).await
}

fn idop_of(attempt: &Value) -> String {
    attempt["idop"].as_str().unwrap().to_owned()
}

/// An attempt, as its family reads it.
async fn attempt(app: &TestApp, token: &str, idop: &str) -> Value {
    body_of(
        app.get_authed(&format!("/api/v1/online-payments/{idop}"), token)
            .await,
        StatusCode::OK,
    )
    .await
}

/// What PayFiP does: posts the idop, form-encoded, nothing else.
async fn notify(app: &TestApp, idop: &str) {
    let response = app
        .request(Method::POST, "/api/v1/payfip/notifications")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("idop={idop}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

async fn invoice(app: &TestApp, token: &str, id: i64) -> Value {
    body_of(
        app.get_authed(&format!("/api/v1/invoices/{id}"), token)
            .await,
        StatusCode::OK,
    )
    .await
}

fn payments_in_db(app: &TestApp) -> Vec<(String, i64)> {
    use persistence::schema::payments;
    payments::table
        .order(payments::id)
        .select((payments::method, payments::amount_cents))
        .load(&mut app.database.connect())
        .unwrap()
}

#[tokio::test]
async fn an_invoice_paid_on_payfip_is_paid_once_whatever_the_notifications_say() {
    let fake = FakePayFip::start().await;
    let (app, family, id) = invoiced(Some(&fake)).await;

    let started = started(&app, &family, id, "paiement-facture-1").await;
    assert_eq!(
        started["amountCents"], 570,
        "the server's amount, not the client's"
    );
    assert_eq!(started["status"], "pending");
    let idop = idop_of(&started);
    assert_eq!(
        started["redirectUrl"],
        format!("{PAYMENT_PAGE}?idop={idop}")
    );
    let sent = fake.payment(&idop).fields;
    assert_eq!(sent["montant"], "570");
    assert_eq!(sent["numcli"], "012345");
    assert_eq!(sent["refdet"], "F2026000001");
    assert_eq!(sent["exer"], "2026");
    assert_eq!(sent["saisie"], "T");
    assert_eq!(sent["mel"], "famille.ti@exemple.fr");
    assert_eq!(sent["objet"], "Facture F2026 000001");
    assert_eq!(
        sent["urlnotif"],
        "https://api.familles.example.fr/api/v1/payfip/notifications"
    );
    assert_eq!(
        sent["urlredirect"],
        "https://familles.example.fr/paiement/retour"
    );

    // The same key: the first answer again, byte for byte; no second idop.
    let again = start(&app, &family, id, "paiement-facture-1").await;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(
        again.json::<Value>().await.unwrap(),
        started,
        "the kept answer"
    );
    // Nor from another tab while the idop can still be paid (15 minutes).
    let other_tab = body_of(
        start(&app, &family, id, "paiement-autre-onglet").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(other_tab["idop"], idop.as_str());
    assert_eq!(fake.calls(), ["creerPaiementSecurise"]);

    // A forged notification before anyone paid: PayFiP says "not known yet" (P5).
    notify(&app, &idop).await;
    // And one for an idop nobody created.
    notify(&app, "00000000-0000-0000-0000-000000000000").await;
    assert_eq!(invoice(&app, &family, id).await["status"], "to_pay");
    assert!(payments_in_db(&app).is_empty());
    // Malformed ones are refused: not a form, an idop no service makes.
    let json_body = app
        .request(Method::POST, "/api/v1/payfip/notifications")
        .json(&json!({"idop": idop}))
        .send()
        .await
        .unwrap();
    problem(
        json_body,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    let too_long = app
        .request(
            Method::POST,
            &format!("/api/v1/payfip/notifications?idop={}", "0".repeat(65)),
        )
        .send()
        .await
        .unwrap();
    problem(too_long, StatusCode::BAD_REQUEST, "validation_failed").await;
    let not_payfips = app
        .request(Method::POST, "/api/v1/payfip/notifications")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("AAA")
        .send()
        .await
        .unwrap();
    problem(not_payfips, StatusCode::BAD_REQUEST, "validation_failed").await;

    fake.end(&idop, "P");
    notify(&app, &idop).await;
    let paid = invoice(&app, &family, id).await;
    assert_eq!(paid["status"], "paid");
    assert_eq!(paid["paidCents"], 570);
    assert_eq!(paid["payments"][0]["method"], "card");
    assert_eq!(paid["payments"][0]["reference"], idop.as_str());
    assert_eq!(payments_in_db(&app), [("card".to_owned(), 570)]);

    // Replayed, in the query and under PayFiP's other spelling: nothing more.
    let replay = app
        .request(
            Method::POST,
            &format!("/api/v1/payfip/notifications?idOp={idop}"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::OK);
    notify(&app, &idop).await;
    assert_eq!(payments_in_db(&app).len(), 1);
    assert_eq!(invoice(&app, &family, id).await["paidCents"], 570);

    let attempt = attempt(&app, &family, &idop).await;
    assert_eq!(attempt["status"], "paid");
    assert_eq!(attempt["redirectUrl"], Value::Null);
    problem(
        start(&app, &family, id, "paiement-facture-2").await,
        StatusCode::CONFLICT,
        "nothing_to_pay",
    )
    .await;

    // Another family sees none of it.
    let (other, _) = app.create_families(1, "MS").await.remove(0);
    problem(
        app.get_authed(&format!("/api/v1/online-payments/{idop}"), &other)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    refused_as_unknown(&app, &other, id, "paiement-autre-1").await;
    fake.stop().await;
}

#[tokio::test]
async fn refused_and_abandoned_payments_pay_nothing_and_each_attempt_has_its_own_idop() {
    let fake = FakePayFip::start().await;
    let (app, family, id) = invoiced(Some(&fake)).await;
    let first = idop_of(&started(&app, &family, id, "tentative-carte-1").await);
    fake.end(&first, "R");
    notify(&app, &first).await;
    let second = idop_of(&started(&app, &family, id, "tentative-carte-2").await);
    assert_ne!(first, second);
    fake.end(&second, "A");
    notify(&app, &second).await;

    for (idop, status) in [(&first, "refused"), (&second, "abandoned")] {
        assert_eq!(attempt(&app, &family, idop).await["status"], status);
    }
    assert_eq!(invoice(&app, &family, id).await["status"], "to_pay");
    assert!(payments_in_db(&app).is_empty());
    // The refusal is told (the abandon, the family's own choice, is not).
    let refused: Vec<_> = app
        .notifications(&family)
        .await
        .into_iter()
        .filter(|n| n["kind"] == "payment_refused")
        .collect();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0]["data"]["idop"], first.as_str());
    assert_eq!(refused[0]["data"]["invoiceId"], id);
    assert!(
        !app.notification_kinds(&family)
            .await
            .contains(&"payment_received".to_owned())
    );
    // A key says one thing: not another invoice's attempt.
    let (other_token, _) = app.create_families(1, "MS").await.remove(0);
    refused_as_unknown(&app, &other_token, id, "tentative-carte-1").await;
    fake.stop().await;
}

#[tokio::test]
async fn a_payment_never_notified_is_caught_by_the_recheck_job_and_a_mismatch_never_pays() {
    let fake = FakePayFip::start().await;
    let (app, family, id) = invoiced(Some(&fake)).await;
    let wrong = idop_of(&started(&app, &family, id, "paiement-montant-faux").await);
    fake.end(&wrong, "P");
    fake.misreport_amount(&wrong, "1");

    // The first idop is no longer payable after 15 minutes: a new attempt gets its own.
    app.clock.set("2026-10-02T08:16:00Z".parse().unwrap());
    let family = app.token_of("family").await;
    let right = idop_of(&started(&app, &family, id, "paiement-jamais-notifie").await);
    assert_ne!(right, wrong);
    fake.end(&right, "P");

    // Only the attempt older than a minute is asked about: PayFiP's record of it does
    // not match (another amount), so it pays nothing and fails for an agent to see.
    assert_eq!(
        api::usecases::billing::payments::recheck(&app.state)
            .await
            .unwrap(),
        1
    );
    assert_eq!(invoice(&app, &family, id).await["status"], "to_pay");
    assert_eq!(attempt(&app, &family, &wrong).await["status"], "failed");

    // The other one, never notified, is caught a few minutes later.
    app.clock.set("2026-10-02T08:20:00Z".parse().unwrap());
    assert_eq!(
        api::usecases::billing::payments::recheck(&app.state)
            .await
            .unwrap(),
        1
    );
    let family = app.token_of("family").await;
    let paid = invoice(&app, &family, id).await;
    assert_eq!(paid["paidCents"], 570);
    assert_eq!(payments_in_db(&app), [("card".to_owned(), 570)]);
    assert_eq!(
        api::usecases::billing::payments::recheck(&app.state)
            .await
            .unwrap(),
        0
    );
    fake.stop().await;
}

#[tokio::test]
async fn when_payfip_is_down_or_refuses_the_payment_the_family_is_told_and_may_try_again() {
    let fake = FakePayFip::start().await;
    let (app, family, id) = invoiced(Some(&fake)).await;
    fake.set_down(true);
    problem(
        start(&app, &family, id, "pendant-la-panne").await,
        StatusCode::SERVICE_UNAVAILABLE,
        "payment_service_unavailable",
    )
    .await;
    fake.set_down(false);
    fake.set_refusing(true);
    problem(
        start(&app, &family, id, "refuse-par-payfip").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "payment_refused_by_service",
    )
    .await;
    fake.set_refusing(false);
    assert_eq!(invoice(&app, &family, id).await["status"], "to_pay");
    let started = started(&app, &family, id, "apres-la-panne").await;
    assert_eq!(started["status"], "pending");
    // A payment whose result PayFiP cannot give now stays pending.
    let idop = idop_of(&started);
    fake.end(&idop, "P");
    fake.set_down(true);
    notify(&app, &idop).await;
    assert_eq!(invoice(&app, &family, id).await["status"], "to_pay");
    fake.set_down(false);
    notify(&app, &idop).await;
    assert_eq!(invoice(&app, &family, id).await["status"], "paid");
    fake.stop().await;
}

#[tokio::test]
async fn the_demo_family_pays_its_demo_invoice_in_the_sandbox() {
    // What `cargo run` starts with: the demo, its unpaid June invoice, the sandbox.
    let app = on_27_november()
        .setting("SEED_DEMO_FILES", "true")
        .spawn()
        .await;
    let family = app.token_of("family").await;
    let list = my_invoices(&app, &family).await;
    assert_eq!(list["total"], 1);
    let demo = &list["items"][0];
    assert_eq!(demo["number"], "F2026-000001");
    assert_eq!(demo["month"], "2026-06");
    assert_eq!(demo["totalCents"], 6220);
    assert_eq!(demo["status"], "overdue");
    let id = demo["id"].as_i64().unwrap();
    let started = started(&app, &family, id, "bac-a-sable-1").await;
    let idop = idop_of(&started);
    // An absolute link, as PayFiP's is.
    let link = started["redirectUrl"].as_str().unwrap();
    assert_eq!(
        link,
        format!("{}/api/v1/sandbox/payments/{idop}", tests::PUBLIC_URL)
    );
    let page_path = TestApp::local(link).to_owned();
    let page = app.get(&page_path).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("62,20 EUR"));
    let ended = app
        .request(Method::POST, &page_path)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("result=paid")
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        ended.headers()["location"],
        format!("https://familles.example.fr/paiement/retour?idop={idop}").as_str()
    );
    assert_eq!(attempt(&app, &family, &idop).await["status"], "paid");
    let paid = invoice(&app, &family, id).await;
    assert_eq!(paid["status"], "paid");
    assert_eq!(paid["payments"][0]["method"], "card");
}

#[tokio::test]
async fn a_key_names_one_payment_never_an_invoices_and_a_baskets_both() {
    let (app, family, id) = invoiced(None).await;
    started(&app, &family, id, "cle-de-la-facture").await;
    let (thomas, summer) = baskets::thomas_and_summer(&app, &family).await;
    let item = json!({"childId": thomas, "activityId": summer, "weekStart": "2027-07-19"});
    assert_eq!(
        baskets::add(&app, &family, item).await.status(),
        StatusCode::OK
    );

    // The invoice's key does not check a basket out, and nothing is held under it.
    problem(
        baskets::checkout(&app, &family, "cle-de-la-facture").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    )
    .await;
    let open = baskets::open_basket(&app, &family).await;
    assert_eq!(open["status"], "open");
    assert_eq!(open["items"][0]["weekStart"], "2027-07-19");
    let offered = baskets::weeks(&app, &family, thomas, summer).await;
    assert_eq!(
        baskets::week(&offered, "2027-07-19")["groups"][0]["placesLeft"],
        24
    );

    // Under a key of its own it is held; then neither key pays the other's.
    let held = body_of(
        baskets::checkout(&app, &family, "cle-du-panier").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(held["id"], open["id"]);
    let basket_payment = app
        .authed(
            Method::POST,
            &format!("/api/v1/baskets/{}/online-payments", held["id"]),
            &family,
        )
        .header("Idempotency-Key", "cle-de-la-facture")
        .send()
        .await
        .unwrap();
    problem(
        basket_payment,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    )
    .await;
    problem(
        start(&app, &family, id, "cle-du-panier").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    )
    .await;
}

#[tokio::test]
async fn where_the_city_takes_no_payment_online_an_invoice_is_paid_at_the_counter() {
    let app = on_27_november()
        .setting("SEED_DEMO_FILES", "true")
        .setting("PAYMENT_SANDBOX", "false")
        .spawn()
        .await;
    let family = app.token_of("family").await;
    let list = my_invoices(&app, &family).await;
    let id = list["items"][0]["id"].as_i64().unwrap();
    problem(
        start(&app, &family, id, "pas-de-paiement-en-ligne").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "payments_unavailable",
    )
    .await;
    assert!(payments_in_db(&app).is_empty());
    assert_eq!(invoice(&app, &family, id).await["status"], "overdue");
}

/// Starts `copies` payments of the invoice under one key at once; their answers.
async fn started_at_once(
    app: &TestApp,
    token: &str,
    invoice: i64,
    key: &str,
    copies: usize,
) -> Vec<(StatusCode, Option<String>, String)> {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..copies {
        let request = app
            .authed(
                Method::POST,
                &format!("/api/v1/invoices/{invoice}/online-payments"),
                token,
            )
            .header("Idempotency-Key", key);
        set.spawn(async move {
            let response = request.send().await.unwrap();
            let retry = response
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_owned());
            (response.status(), retry, response.text().await.unwrap())
        });
    }
    set.join_all().await
}

#[tokio::test]
async fn twenty_copies_of_a_payment_start_under_one_key_make_one_attempt_never_shown_half_made() {
    let fake = FakePayFip::start().await;
    let (app, family, id) = invoiced(Some(&fake)).await;
    // PayFiP takes its time: the copies arrive while the first is creating the attempt.
    fake.set_latency(std::time::Duration::from_millis(300));
    let answers = started_at_once(&app, &family, id, "vingt-onglets-meme-cle", 20).await;
    // Every answer is the one kept for the key, byte for byte, or "in use".
    let (kept_status, _, kept) = answers
        .iter()
        .find(|a| a.0 != StatusCode::CONFLICT)
        .unwrap_or_else(|| panic!("{answers:?}"));
    let first: Value = serde_json::from_str(kept).unwrap();
    assert_eq!(first["status"], "pending", "{first}");
    assert!(first["redirectUrl"].is_string(), "{first}");
    assert!(first["idop"].is_string(), "{first}");
    for (status, retry, body) in &answers {
        match *status {
            StatusCode::CREATED | StatusCode::OK => {
                assert_eq!((status, body), (kept_status, kept));
            }
            StatusCode::CONFLICT => {
                let body: Value = serde_json::from_str(body).unwrap();
                assert_eq!(body["code"], "idempotency_key_in_use", "{body}");
                assert_eq!(retry.as_deref(), Some("1"));
            }
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(fake.calls(), ["creerPaiementSecurise"]);
    use persistence::schema::online_payments;
    let attempts: i64 = online_payments::table
        .count()
        .get_result(&mut app.database.connect())
        .unwrap();
    assert_eq!(attempts, 1);
    // Later, the same key still gets the kept answer; a day on, the purge forgets it.
    let later = start(&app, &family, id, "vingt-onglets-meme-cle").await;
    assert_eq!(later.status(), *kept_status);
    assert_eq!(&later.text().await.unwrap(), kept);
    app.clock.advance(chrono::Duration::hours(25));
    let purged = api::usecases::accounts::retention::purge(
        &mut app.database.connect(),
        &app.state.files,
        &app.state.config.retention,
        app.clock.now(),
    )
    .unwrap();
    assert_eq!(purged.idempotent_answers, 1);
    fake.stop().await;
}

#[tokio::test]
async fn a_repeat_while_the_attempt_is_still_being_created_waits_then_says_so() {
    let (app, family, id) = invoiced(None).await;
    let first = started(&app, &family, id, "encore-en-creation").await;
    // As if the first request were still at PayFiP: the attempt has no idop yet.
    set_attempts(&app, "creating", None);
    let response = start(&app, &family, id, "encore-en-creation").await;
    assert_eq!(response.headers()["retry-after"], "1");
    problem(response, StatusCode::CONFLICT, "idempotency_key_in_use").await;
    // Once it has its idop, the repeat answers it.
    set_attempts(&app, "pending", first["idop"].as_str());
    let again = body_of(
        start(&app, &family, id, "encore-en-creation").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["idop"], first["idop"]);
    assert!(again["redirectUrl"].is_string());

    // A request that died while creating it leaves it so: a minute on, it failed, and
    // the repeat says so instead of asking to retry forever.
    set_attempts(&app, "creating", None);
    app.clock.set("2026-10-02T08:02:00Z".parse().unwrap());
    let family = app.token_of("family").await;
    let failed = body_of(
        start(&app, &family, id, "encore-en-creation").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["redirectUrl"], Value::Null);
}

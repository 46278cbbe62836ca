//! `/metrics` for the operations team: never on the public address unless a token is
//! set; on `METRICS_BIND_ADDR` it shows requests by operation, the pool, the queues
//! waiting in the database, the jobs' last success and the process's memory.

use std::collections::BTreeMap;

use reqwest::{Method, StatusCode};
use serde_json::json;

use tests::steps::billing::eliots_september_billed;
use tests::{TestApp, TestAppBuilder, problem};

const TOKEN: &str = "metrics-token-metrics-token-0123456789";

/// One sample of the Prometheus text format: its name, labels and value.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

fn samples(text: &str) -> Vec<Sample> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').expect("a sample has a value");
            let (name, labels) = match series.split_once('{') {
                Some((name, labels)) => (name, labels.trim_end_matches('}')),
                None => (series, ""),
            };
            let labels = labels
                .split(',')
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (key, value) = pair.split_once('=').expect("label=value");
                    (key.to_owned(), value.trim_matches('"').to_owned())
                })
                .collect();
            Sample {
                name: name.to_owned(),
                labels,
                value: value.parse().expect("a number"),
            }
        })
        .collect()
}

/// The value of the one sample named `name` whose labels include `labels`.
fn value(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    let found: Vec<f64> = samples(text)
        .into_iter()
        .filter(|s| {
            s.name == name
                && labels
                    .iter()
                    .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|s| s.value)
        .collect();
    assert_eq!(found.len(), 1, "{name} {labels:?} once in:\n{text}");
    found[0]
}

async fn scrape(url: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

async fn metrics_text(app: &TestApp) -> String {
    let address = app
        .metrics_address
        .as_deref()
        .expect("METRICS_BIND_ADDR set");
    let response = scrape(&format!("{address}/metrics"), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    response.text().await.unwrap()
}

#[tokio::test]
async fn metrics_are_not_on_the_public_address_by_default() {
    let app = tests::spawn_app().await;
    assert!(app.metrics_address.is_none());
    problem(
        scrape(&format!("{}/metrics", app.address), Some(TOKEN)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn on_the_public_address_metrics_need_the_token() {
    let app = TestAppBuilder::default()
        .setting("METRICS_TOKEN", TOKEN)
        .spawn()
        .await;
    let url = format!("{}/metrics", app.address);
    problem(
        scrape(&url, None).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    let wrong = format!("{}x", &TOKEN[..TOKEN.len() - 1]);
    problem(
        scrape(&url, Some(&wrong)).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    let response = scrape(&url, Some(TOKEN)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    assert_eq!(value(&text, "espace_familles_database_up", &[]), 1.0);
}

#[tokio::test]
async fn metrics_show_requests_pool_queues_jobs_and_memory() {
    let app = TestAppBuilder::default()
        .setting("METRICS_BIND_ADDR", "127.0.0.1:0")
        // Emails stay in the outbox once its first round is done.
        .setting("OUTBOX_POLL_MILLIS", "3600000")
        .spawn()
        .await;
    // Not served on the public address.
    assert_eq!(
        scrape(&format!("{}/metrics", app.address), None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    for _ in 0..3 {
        assert_eq!(app.get("/health/live").await.status(), StatusCode::OK);
    }
    let unknown = app.get("/api/v1/no-such-thing").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    // A family's sign-up writes its activation email to the outbox.
    app.confirm_signup(
        ("19", "DURAND", "famille.durand@exemple.fr"),
        "m.durand",
        "m.durand@exemple.fr",
        json!({}),
    )
    .await;
    // A pending online payment, which the re-check job asks the provider about.
    app.clock.set("2026-07-20T08:00:00Z".parse().unwrap());
    let invoice = eliots_september_billed(&app).await;
    let family = app.token_of("family").await;
    let started = app
        .request(
            Method::POST,
            &format!("/api/v1/invoices/{}/online-payments", invoice["id"]),
        )
        .bearer_auth(&family)
        .header("Idempotency-Key", "metrics-payment-1")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), StatusCode::CREATED);

    let text = metrics_text(&app).await;
    let live = [
        ("operation", "getLiveness"),
        ("method", "GET"),
        ("status", "200"),
    ];
    assert_eq!(
        value(&text, "espace_familles_http_requests_total", &live),
        3.0
    );
    assert_eq!(
        value(
            &text,
            "espace_familles_http_request_duration_seconds_count",
            &[("operation", "getLiveness"), ("method", "GET")],
        ),
        3.0
    );
    assert_eq!(
        value(
            &text,
            "espace_familles_http_requests_total",
            &[("operation", "other"), ("status", "404")],
        ),
        // The unknown path, and `/metrics` asked of the public address.
        2.0
    );
    assert_eq!(
        value(
            &text,
            "espace_familles_http_requests_total",
            &[("operation", "startInvoicePayment"), ("status", "201")],
        ),
        1.0
    );
    // The pool: 4 connections at most in tests, none lost waiting.
    assert_eq!(
        value(
            &text,
            "espace_familles_db_pool_connections",
            &[("state", "max")]
        ),
        4.0
    );
    assert!(value(&text, "espace_familles_db_pool_checkouts_total", &[]) > 10.0);
    assert_eq!(
        value(&text, "espace_familles_db_pool_timeouts_total", &[]),
        0.0
    );
    assert_eq!(value(&text, "espace_familles_database_up", &[]), 1.0);
    // The queues, as the database holds them.
    let pending_emails = app.state.pool.get().map(|mut conn| {
        persistence::backlogs::read(&mut conn)
            .unwrap()
            .emails_pending
    });
    let pending_emails = pending_emails.unwrap();
    assert!(pending_emails >= 1);
    assert_eq!(
        value(
            &text,
            "espace_familles_queue_items",
            &[("queue", "emails"), ("state", "pending")],
        ),
        pending_emails as f64
    );
    assert_eq!(
        value(
            &text,
            "espace_familles_queue_items",
            &[("queue", "online_payments"), ("state", "awaiting_recheck")],
        ),
        1.0
    );
    assert!(
        value(
            &text,
            "espace_familles_outbox_oldest_pending_age_seconds",
            &[]
        ) >= 0.0
    );
    assert_eq!(
        value(
            &text,
            "espace_familles_billing_run_dossiers",
            &[("state", "total")]
        ),
        0.0
    );
    // Each job's first round ran at start.
    let started_at = chrono::Utc::now().timestamp() as f64 - 600.0;
    for job in [
        "outbox",
        "reminders",
        "basket_holds",
        "webhooks",
        "payment_recheck",
    ] {
        let at = value(
            &text,
            "espace_familles_job_last_success_timestamp_seconds",
            &[("job", job)],
        );
        assert!(at > started_at, "{job} last succeeded at {at}");
    }
    assert!(value(&text, "espace_familles_process_resident_memory_bytes", &[]) > 1e6);

    // A second scrape sees the first one's requests counted nowhere (another server)
    // and the counters only growing.
    app.get("/health/live").await;
    let again = metrics_text(&app).await;
    assert_eq!(
        value(&again, "espace_familles_http_requests_total", &live),
        4.0
    );
    assert!(
        value(&again, "espace_familles_db_pool_checkouts_total", &[])
            >= value(&text, "espace_familles_db_pool_checkouts_total", &[])
    );
}

//! `espace-familles backup`: an online copy of the SQLite database, taken while
//! families book and agents record payments, restored and served again.

use std::sync::Mutex;
use std::time::Instant;

use diesel::prelude::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use tests::steps::activities::luc_and_eliot_at_the_canteen;
use tests::steps::billing::run_month;
use tests::steps::planning::book;
use tests::{TestAppBuilder, TestDatabase, app_at, json as body_of};

/// Days Eliot's canteen is open in November 2026 (after the autumn holidays, not the
/// 11th).
const NOVEMBER: [&str; 14] = [
    "2026-11-03",
    "2026-11-05",
    "2026-11-06",
    "2026-11-09",
    "2026-11-10",
    "2026-11-12",
    "2026-11-13",
    "2026-11-16",
    "2026-11-17",
    "2026-11-19",
    "2026-11-20",
    "2026-11-23",
    "2026-11-24",
    "2026-11-26",
];

/// What the API acknowledged, and when.
#[derive(Debug, Clone)]
enum Acknowledged {
    Booking(&'static str),
    Payment(String),
}

#[tokio::test]
async fn a_backup_taken_under_writes_holds_everything_acknowledged_before_it() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    if app.database.is_postgres() {
        // PostgreSQL is backed up with pg_dump (the README's procedure).
        let refused = api::commands::backup(&app.state.config, "unused.db".as_ref());
        assert!(format!("{:#}", refused.unwrap_err()).contains("pg_dump"));
        return;
    }
    let (family, _luc, eliot, meal) = luc_and_eliot_at_the_canteen(&app).await;
    book(&app, &family, eliot, meal, &["2026-09-14", "2026-09-15"]).await;
    app.clock.set("2026-10-02T08:00:00Z".parse().unwrap());
    let agent = app.token_of("agent").await;
    run_month(&app, &agent, "2026-09").await;
    let family = app.token_of("family").await;
    let invoices = body_of(
        app.get_authed("/api/v1/invoices", &family).await,
        StatusCode::OK,
    )
    .await;
    let invoice = invoices["items"][0]["id"].as_i64().unwrap();

    let acknowledged: Mutex<Vec<(Acknowledged, Instant)>> = Mutex::default();
    let ack = |what| acknowledged.lock().unwrap().push((what, Instant::now()));
    let dir = std::env::temp_dir().join(format!("ef-backup-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let target = dir.join("espace-familles.db");

    let writes = async {
        for (i, day) in NOVEMBER.iter().enumerate() {
            book(&app, &family, eliot, meal, &[day]).await;
            ack(Acknowledged::Booking(day));
            let reference = format!("ESP {i}");
            let paid = app
                .request(Method::POST, &format!("/api/v1/admin/invoices/{invoice}/payments"))
                .bearer_auth(&agent)
                .header("Idempotency-Key", format!("backup-test-{i}"))
                .json(&json!({"method": "cash", "amountCents": 1, "reference": reference, "receivedOn": "2026-10-02"}))
                .send()
                .await
                .unwrap();
            assert_eq!(paid.status(), StatusCode::CREATED);
            ack(Acknowledged::Payment(reference));
        }
    };
    let backup = async {
        while acknowledged.lock().unwrap().len() < 4 {
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        let started = Instant::now();
        let (config, target) = (app.state.config.clone(), target.clone());
        tokio::task::spawn_blocking(move || api::commands::backup(&config, &target))
            .await
            .unwrap()
            .unwrap();
        started
    };
    let ((), started) = tokio::join!(writes, backup);
    let acknowledged = acknowledged.into_inner().unwrap();
    let before: Vec<Acknowledged> = acknowledged
        .iter()
        .filter(|(_, at)| *at < started)
        .map(|(what, _)| what.clone())
        .collect();
    assert!(before.len() >= 4);
    assert!(
        acknowledged.len() > before.len(),
        "writes went on during the backup"
    );
    // A backup never overwrites a file.
    let again = api::commands::backup(&app.state.config, &target);
    assert!(format!("{:#}", again.unwrap_err()).contains("exists already"));

    // Restored: the copy is a sound database the API serves as is.
    let restored = TestDatabase::create_sqlite();
    std::fs::copy(&target, restored.sqlite_file().unwrap()).unwrap();
    let mut conn = restored.connect();
    #[derive(QueryableByName)]
    struct Check {
        #[diesel(sql_type = diesel::sql_types::Text)]
        integrity_check: String,
    }
    let check: Vec<Check> = diesel::sql_query("PRAGMA integrity_check")
        .load(&mut conn)
        .unwrap();
    assert_eq!(check[0].integrity_check, "ok");
    let app = TestAppBuilder::default()
        .clock(api::clock::Clock::fixed_at(
            "2026-10-02T09:00:00Z".parse().unwrap(),
        ))
        .database(restored)
        .spawn()
        .await;
    assert_eq!(app.get("/health/ready").await.status(), StatusCode::OK);
    use persistence::schema::bookings;
    let booked: Vec<chrono::NaiveDate> = bookings::table
        .filter(bookings::child_id.eq(eliot))
        .filter(bookings::status.eq("booked"))
        .select(bookings::day)
        .load(&mut conn)
        .unwrap();
    let agent = app.token_of("agent").await;
    let invoice = body_of(
        app.get_authed(&format!("/api/v1/admin/invoices/{invoice}"), &agent)
            .await,
        StatusCode::OK,
    )
    .await;
    let references: Vec<&str> = invoice["payments"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|payment: &Value| payment["reference"].as_str())
        .collect();
    for what in &before {
        match what {
            Acknowledged::Booking(day) => assert!(
                booked.contains(&day.parse().unwrap()),
                "the booking of {day} is in the backup"
            ),
            Acknowledged::Payment(reference) => assert!(
                references.contains(&reference.as_str()),
                "the payment {reference} is in the backup: {invoice}"
            ),
        }
    }
    std::fs::remove_dir_all(dir).unwrap();
}

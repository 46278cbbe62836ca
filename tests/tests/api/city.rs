use chrono::{DateTime, Utc};
use diesel::prelude::*;
use reqwest::StatusCode;

use tests::{TestAppBuilder, json, spawn_app};

#[tokio::test]
async fn the_demo_run_serves_villejuif() {
    let app = spawn_app().await;
    let body = json(app.get("/api/v1/city").await, StatusCode::OK).await;
    assert_eq!(body["name"], "Villejuif");
    assert_eq!(body["timeZone"], "Europe/Paris");
    assert_eq!(body["schoolZone"], "C");
    assert_eq!(body["academy"], "Créteil");
}

#[tokio::test]
async fn without_the_demo_the_city_comes_from_the_configuration() {
    let app = TestAppBuilder::default()
        .setting("SEED_DEMO", "false")
        .setting("CITY_NAME", "Arcueil")
        .setting("CITY_SCHOOL_ZONE", "Zone C")
        .spawn()
        .await;
    let body = json(app.get("/api/v1/city").await, StatusCode::OK).await;
    assert_eq!(body["name"], "Arcueil");
    assert_eq!(body["schoolZone"], "C");
    assert!(body.get("academy").is_none());
}

#[tokio::test]
async fn the_city_is_created_once_at_the_app_clock_and_kept_across_restarts() {
    let created: DateTime<Utc> = "2026-08-31T22:00:00.123456Z".parse().unwrap();
    let app = TestAppBuilder::default()
        .clock(api::clock::Clock::fixed_at(created))
        .spawn()
        .await;
    let database = app.stop().await;

    // A restart with another configured city keeps the one in the database.
    let app = TestAppBuilder::default()
        .setting("SEED_DEMO", "false")
        .setting("CITY_NAME", "Ailleurs")
        .database(database)
        .spawn()
        .await;
    let body = json(app.get("/api/v1/city").await, StatusCode::OK).await;
    assert_eq!(body["name"], "Villejuif");

    use persistence::schema::city_settings::dsl::*;
    let mut conn = app.database.connect();
    let rows: Vec<(String, chrono::NaiveDateTime)> = city_settings
        .select((name, created_at))
        .load(&mut conn)
        .unwrap();
    assert_eq!(rows, vec![("Villejuif".to_owned(), created.naive_utc())]);
}

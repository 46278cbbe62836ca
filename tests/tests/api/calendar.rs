use reqwest::StatusCode;
use serde_json::Value;

use tests::{json, problem, spawn_app};

fn dates_and_kinds(body: &Value) -> Vec<(String, String)> {
    body["holidays"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["date"].as_str().unwrap().to_owned(),
                h["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_2026_2027_school_year_holidays_are_computed() {
    let app = spawn_app().await;
    let body = json(
        app.get("/api/v1/public-holidays/2027").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body["year"], 2027);
    assert_eq!(body["region"], "metropole");
    let holidays = dates_and_kinds(&body);
    assert_eq!(holidays.len(), 11);
    // The 4-day summer week of 12-16 July 2027 (domain.md) holds 14 July.
    assert!(holidays.contains(&("2027-07-14".into(), "bastille_day".into())));
    assert!(holidays.contains(&("2027-03-29".into(), "easter_monday".into())));
    assert!(holidays.contains(&("2027-05-06".into(), "ascension_day".into())));
    assert_eq!(body["holidays"][0]["name"], "Jour de l'an");
}

#[tokio::test]
async fn two_holidays_on_one_date_stay_two() {
    let app = spawn_app().await;
    let body = json(
        app.get("/api/v1/public-holidays/2008").await,
        StatusCode::OK,
    )
    .await;
    let on_first_of_may: Vec<_> = dates_and_kinds(&body)
        .into_iter()
        .filter(|(d, _)| d == "2008-05-01")
        .collect();
    assert_eq!(on_first_of_may.len(), 2);
}

#[tokio::test]
async fn alsace_moselle_has_two_more() {
    let app = spawn_app().await;
    let body = json(
        app.get("/api/v1/public-holidays/2027?region=alsace-moselle")
            .await,
        StatusCode::OK,
    )
    .await;
    let holidays = dates_and_kinds(&body);
    assert_eq!(holidays.len(), 13);
    assert!(holidays.contains(&("2027-03-26".into(), "good_friday".into())));
    assert!(holidays.contains(&("2027-12-26".into(), "saint_stephens_day".into())));
}

#[tokio::test]
async fn years_outside_1900_2100_are_a_field_error() {
    let app = spawn_app().await;
    let body = problem(
        app.get("/api/v1/public-holidays/1899").await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "year");
    assert_eq!(body["errors"][0]["code"], "out_of_range");
}

//! The demo's activities and registering children to them.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::{TestApp, json as body_of};

/// The demo's canteen of the nursery school (Luc and Eliot's).
pub const CANTEEN: &str = "Restauration scolaire maternelle";

/// The demo's summer holiday centre for primary school children (Thomas's).
pub const SUMMER: &str = "Accueil Vacances élémentaire — été";

pub async fn child_named(app: &TestApp, token: &str, name: &str) -> i64 {
    let children = body_of(
        app.get_authed("/api/v1/children", token).await,
        StatusCode::OK,
    )
    .await;
    children
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["firstName"] == name)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

/// Registers the child to the demo activity named `activity` (automatic: accepted)
/// and returns the activity's first unit.
pub async fn register(app: &TestApp, token: &str, child: i64, activity: &str) -> i64 {
    let offers = body_of(
        app.get_authed(&format!("/api/v1/children/{child}/offers"), token)
            .await,
        StatusCode::OK,
    )
    .await;
    let offer = offers
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["activity"]["name"] == activity)
        .unwrap_or_else(|| panic!("{activity} offered"))
        .clone();
    // The entry date the activity sets: its start, or today once it started.
    let body = json!({"activityId": offer["activity"]["id"]});
    let registration = app
        .exchange(
            Method::POST,
            &format!("/api/v1/children/{child}/registrations"),
            Some(token),
            &body,
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(registration["status"], "accepted", "{registration}");
    offer["units"][0]["id"].as_i64().unwrap()
}

/// Luc and Eliot registered to their school's canteen by their family. Returns the
/// family's token, Luc, Eliot and the canteen's meal unit.
pub async fn luc_and_eliot_at_the_canteen(app: &TestApp) -> (String, i64, i64, i64) {
    let family = app.token_of("family").await;
    let (luc, eliot) = (
        child_named(app, &family, "Luc").await,
        child_named(app, &family, "Eliot").await,
    );
    let meal = register(app, &family, eliot, CANTEEN).await;
    register(app, &family, luc, CANTEEN).await;
    (family, luc, eliot, meal)
}

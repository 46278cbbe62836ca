//! The app as tests start it, each way it is set up: the demo at a date, an empty
//! city with its first admin. One server (`TestApp`), started by `TestAppBuilder`.

use api::clock::Clock;
use chrono::{DateTime, Utc};

use crate::{TestApp, TestAppBuilder};

fn at(instant: &str) -> DateTime<Utc> {
    instant.parse().unwrap()
}

/// The demo, seeded on 27 November 2026 (school year 2026-2027), then the clock set
/// to `now`.
pub async fn app_at(now: &str) -> TestApp {
    let app = TestAppBuilder::default()
        .clock(Clock::fixed_at(at("2026-11-27T09:00:00Z")))
        .spawn()
        .await;
    app.clock.set(at(now));
    app
}

pub const ADMIN_PASSWORD: &str = "Admin-Bootstrap-2026!";

/// An app with no demo data and a bootstrap admin; returns it and the admin's token.
pub async fn empty_city() -> (TestApp, String) {
    let app = TestAppBuilder::default()
        .setting("SEED_DEMO", "false")
        .setting("BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .spawn()
        .await;
    let token = app.login("admin", ADMIN_PASSWORD).await["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    (app, token)
}

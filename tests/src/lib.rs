//! Test support: the real app on a random port, against a fresh database.
//!
//! SQLite (a temporary file) by default; PostgreSQL when `TEST_DATABASE_URL` points
//! at a server (a new database per test, dropped afterwards). Set `TEST_LOG=1` to
//! see the app's logs.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed set-up should stop the test loudly

mod database;

use std::collections::HashMap;

use api::clock::Clock;
use api::config::Config;
use api::startup::Application;
use api::state::AppState;
pub use database::TestDatabase;
use reqwest::header::CONTENT_TYPE;
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::Value;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// The app's clock: tests set and advance it.
    pub clock: Clock,
    pub state: AppState,
    pub database: TestDatabase,
    handle: actix_web::dev::ServerHandle,
}

/// How to start an app: environment-style settings over the test defaults.
#[derive(Debug, Default)]
pub struct TestAppBuilder {
    settings: HashMap<String, String>,
    clock: Option<Clock>,
    database: Option<TestDatabase>,
}

pub async fn spawn_app() -> TestApp {
    TestAppBuilder::default().spawn().await
}

impl TestAppBuilder {
    /// Sets a configuration variable, as the environment would.
    pub fn setting(mut self, name: &str, value: &str) -> Self {
        self.settings.insert(name.to_owned(), value.to_owned());
        self
    }

    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Starts on an existing test database (a restart), instead of a fresh one.
    pub fn database(mut self, database: TestDatabase) -> Self {
        self.database = Some(database);
        self
    }

    pub async fn spawn(self) -> TestApp {
        if std::env::var_os("TEST_LOG").is_some() {
            api::telemetry::init(api::config::LogFormat::Text);
        }
        let database = match self.database {
            Some(database) => database,
            None => TestDatabase::create(),
        };
        let mut settings = self.settings;
        settings
            .entry("BIND_ADDR".into())
            .or_insert_with(|| "127.0.0.1:0".into());
        settings
            .entry("WORKERS".into())
            .or_insert_with(|| "1".into());
        settings
            .entry("DATABASE_POOL_SIZE".into())
            .or_insert_with(|| "4".into());
        settings.insert("DATABASE_URL".into(), database.url.clone());
        let config =
            Config::from_lookup(|name| settings.get(name).cloned()).expect("test configuration");
        let clock = self.clock.unwrap_or_default();
        let app = Application::build(config, clock.clone())
            .await
            .expect("the app starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        let state = app.state().clone();
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            address,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            clock,
            state,
            database,
            handle,
        }
    }
}

impl std::fmt::Debug for TestApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestApp")
            .field("address", &self.address)
            .field("database", &self.database)
            .finish()
    }
}

impl TestApp {
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.address))
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.request(Method::POST, path)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Stops the server and hands back its database, to start another app on it.
    pub async fn stop(self) -> TestDatabase {
        self.handle.stop(true).await;
        self.database
    }
}

/// Reads a JSON body after checking the status.
pub async fn json(response: Response, status: StatusCode) -> Value {
    let actual = response.status();
    let text = response.text().await.expect("body read");
    assert_eq!(actual, status, "unexpected status; body: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Checks that a response is a problem+json with this status and code, and returns it.
pub async fn problem(response: Response, status: StatusCode, code: &str) -> Value {
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = json(response, status).await;
    assert_eq!(content_type, "application/problem+json", "body: {body}");
    assert_eq!(body["code"], code, "body: {body}");
    assert_eq!(body["status"], status.as_u16(), "body: {body}");
    assert_eq!(body["type"], format!("urn:espace-familles:problem:{code}"));
    assert!(
        body["title"].as_str().is_some_and(|t| !t.is_empty()),
        "body: {body}"
    );
    assert!(
        body["detail"].as_str().is_some_and(|t| !t.is_empty()),
        "body: {body}"
    );
    body
}

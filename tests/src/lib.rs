//! Test support: the real app on a random port, against a fresh database.
//!
//! SQLite (a temporary file) by default; PostgreSQL when `TEST_DATABASE_URL` points
//! at a server (a new database per test, dropped afterwards). The app's errors (an
//! unexpected 500's cause) go to the test's captured output, shown when it fails;
//! `TEST_LOG=1` adds its other logs (`RUST_LOG`, when set, chooses instead).
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed set-up should stop the test loudly

pub mod api_particulier;
mod apps;
pub mod contract;
mod database;
mod local_server;
pub mod locks;
pub mod oidc_provider;
pub mod operations;
pub mod otlp_receiver;
pub mod payfip;
pub mod push_services;
pub mod s3_server;
pub mod sepa;
pub mod steps;
pub mod webhook_receiver;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use api::clock::Clock;
use api::config::Config;
use api::startup::Application;
use api::state::AppState;
pub use apps::{ADMIN_PASSWORD, app_at, empty_city};
pub use database::TestDatabase;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, RequestBuilder, Response, ResponseBuilderExt, StatusCode};
use serde_json::Value;

/// The access-token key of test apps, so tests can forge tokens.
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123456789";
pub const FRONTEND_URL: &str = "https://familles.example.fr";
/// The password of the accounts [`TestApp::sign_up_family`] creates.
pub const SIGNUP_PASSWORD: &str = "Trois-Chats-Verts!";
/// The API's own address as the test apps announce it (`PUBLIC_URL`): links to itself
/// start with it; [`TestApp::local`] turns them into paths of the test server.
pub const PUBLIC_URL: &str = "https://api.familles.example.fr";

pub struct TestApp {
    pub address: String,
    /// Private: every request goes through [`ApiRequest`], which checks it and its
    /// answer against the contract.
    client: reqwest::Client,
    /// How many of this app's exchanges the contract judged.
    judged: Arc<AtomicUsize>,
    /// The app's clock: tests set and advance it.
    pub clock: Clock,
    pub state: AppState,
    pub database: TestDatabase,
    /// `http://127.0.0.1:PORT` of `METRICS_BIND_ADDR`, when set.
    pub metrics_address: Option<String>,
    /// The settings it was started with: another instance gets the same.
    settings: HashMap<String, String>,
    handle: actix_web::dev::ServerHandle,
    outbox: api::adapters::email::WorkerStopper,
}

impl Drop for TestApp {
    /// The outbox worker stops before the database goes, or it would wait for a
    /// connection to a database that no longer exists.
    fn drop(&mut self) {
        self.outbox.stop_and_wait(std::time::Duration::from_secs(5));
    }
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
        capture_logs();
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
        settings.insert("MAIL_DIR".into(), database.mail_dir().display().to_string());
        settings
            .entry("STORAGE_DIR".into())
            .or_insert_with(|| database.storage_dir().display().to_string());
        // Billing and document tests count from the first: the demo's files are
        // opt-in here.
        settings
            .entry("SEED_DEMO_FILES".into())
            .or_insert_with(|| "false".into());
        settings
            .entry("OUTBOX_POLL_MILLIS".into())
            .or_insert_with(|| "50".into());
        settings
            .entry("JWT_SECRET".into())
            .or_insert_with(|| JWT_SECRET.into());
        settings
            .entry("FRONTEND_URL".into())
            .or_insert_with(|| FRONTEND_URL.into());
        settings
            .entry("PUBLIC_URL".into())
            .or_insert_with(|| PUBLIC_URL.into());
        let config =
            Config::from_lookup(|name| settings.get(name).cloned()).expect("test configuration");
        let started_with = settings.clone();
        let clock = self.clock.unwrap_or_default();
        let app = Application::build(config, clock.clone())
            .await
            .expect("the app starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        let state = app.state().clone();
        let metrics_address = app
            .metrics_port()
            .map(|port| format!("http://127.0.0.1:{port}"));
        let handle = app.handle();
        let outbox = app.outbox_stopper();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            address,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            judged: Arc::default(),
            clock,
            state,
            database,
            metrics_address,
            settings: started_with,
            handle,
            outbox,
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
    /// A request to the app, judged with its answer against the contract when sent.
    pub fn request(&self, method: Method, path: &str) -> ApiRequest {
        ApiRequest {
            client: self.client.clone(),
            judged: self.judged.clone(),
            builder: self
                .client
                .request(method, format!("{}{path}", self.address)),
        }
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

    pub async fn send_json(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> Response {
        let mut request = self.request(method, path).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request sent")
    }

    /// Sends `body` and reads the answer's JSON, after checking its status.
    pub async fn exchange(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: &Value,
        status: StatusCode,
    ) -> Value {
        json(self.send_json(method, path, token, body).await, status).await
    }

    /// Sends `body` and checks the answer is the problem `code` with `status`;
    /// returns it.
    pub async fn refused(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: &Value,
        (status, code): (StatusCode, &str),
    ) -> Value {
        problem(
            self.send_json(method, path, token, body).await,
            status,
            code,
        )
        .await
    }

    /// How many of this app's exchanges were judged against the contract.
    pub fn exchanges_judged(&self) -> usize {
        self.judged.load(Ordering::Relaxed)
    }

    /// A request with an access token.
    pub fn authed(&self, method: Method, path: &str, token: &str) -> ApiRequest {
        self.request(method, path).bearer_auth(token)
    }

    pub async fn get_authed(&self, path: &str, token: &str) -> Response {
        self.authed(Method::GET, path, token)
            .send()
            .await
            .expect("request sent")
    }

    /// Signs in and returns the token pair (status checked).
    pub async fn login(&self, login: &str, password: &str) -> Value {
        let body = serde_json::json!({"login": login, "password": password});
        json(
            self.post_json("/api/v1/auth/login", &body).await,
            StatusCode::OK,
        )
        .await
    }

    /// The path on this test server of a link the API gave to itself (`PUBLIC_URL`…).
    pub fn local(link: &str) -> &str {
        link.strip_prefix(PUBLIC_URL)
            .unwrap_or_else(|| panic!("{link} is not a link to the API ({PUBLIC_URL})"))
    }

    /// The access token of a demo account: `family`, `agent` or `admin`.
    pub async fn token_of(&self, who: &str) -> String {
        let (login, password) = demo_credentials(who);
        self.login(login, password).await["accessToken"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The emails queued to an address, newest first.
    pub fn emails_to(&self, address: &str) -> Vec<persistence::notifications::outbox::OutboxEmail> {
        persistence::notifications::outbox::to_address(&mut self.database.connect(), address)
            .unwrap()
    }

    /// The `token` of the link in the newest email of `kind` sent to `address`.
    /// The account's notifications in the portal (the first page), newest first.
    pub async fn notifications(&self, token: &str) -> Vec<Value> {
        let page = json(
            self.get_authed("/api/v1/me/notifications?pageSize=200", token)
                .await,
            StatusCode::OK,
        )
        .await;
        page["items"].as_array().unwrap().clone()
    }

    /// The kinds of the account's notifications, newest first.
    pub async fn notification_kinds(&self, token: &str) -> Vec<String> {
        self.notifications(token)
            .await
            .iter()
            .map(|n| n["kind"].as_str().unwrap().to_owned())
            .collect()
    }

    pub fn link_token(&self, address: &str, kind: &str) -> String {
        let email = self
            .emails_to(address)
            .into_iter()
            .find(|e| e.kind == kind)
            .unwrap_or_else(|| panic!("no {kind} email to {address}"));
        link_token(&email.text_body)
    }

    /// Signs a guardian up through the five steps of the guide with the dossier
    /// references `(number, name, email)`, activates the account from its email and
    /// signs in; returns the access token.
    pub async fn sign_up_family(
        &self,
        references: (&str, &str, &str),
        username: &str,
        email: &str,
    ) -> String {
        self.confirm_signup(references, username, email, serde_json::json!({}))
            .await;
        self.activate_and_sign_in(username, email).await
    }

    /// The five steps of a sign-up, up to its confirmation (the account then waits
    /// for activation); `extra` adds fields to step 1.
    pub async fn confirm_signup(
        &self,
        references: (&str, &str, &str),
        username: &str,
        email: &str,
        extra: Value,
    ) {
        let password = SIGNUP_PASSWORD;
        let mut details = serde_json::json!({
            "lastName": "TI", "firstName": "Sam", "email": email, "emailConfirmation": email,
            "username": username, "password": password, "passwordConfirmation": password
        });
        if let (Some(details), Value::Object(extra)) = (details.as_object_mut(), extra) {
            details.extend(extra);
        }
        let started = json(
            self.post_json("/api/v1/signups", &details).await,
            StatusCode::CREATED,
        )
        .await;
        let path = format!("/api/v1/signups/{}", started["id"].as_str().unwrap());
        let (number, name, dossier_email) = references;
        let refs = serde_json::json!({"dossierNumber": number, "dossierName": name, "email": dossier_email});
        json(
            self.send_json(
                Method::PUT,
                &format!("{path}/dossier-references"),
                None,
                &refs,
            )
            .await,
            StatusCode::OK,
        )
        .await;
        for (kind, step) in [
            ("terms", "terms-acceptance"),
            ("privacy", "privacy-acceptance"),
        ] {
            let document = json(
                self.get(&format!("/api/v1/legal/{kind}")).await,
                StatusCode::OK,
            )
            .await;
            let accepted = serde_json::json!({"version": document["version"], "accepted": true});
            json(
                self.send_json(Method::PUT, &format!("{path}/{step}"), None, &accepted)
                    .await,
                StatusCode::OK,
            )
            .await;
        }
        let confirmed = self
            .request(Method::POST, &format!("{path}/confirmation"))
            .send()
            .await
            .unwrap();
        assert_eq!(confirmed.status(), StatusCode::ACCEPTED);
    }

    /// Follows the activation link a confirmed sign-up emailed, then signs in.
    pub async fn activate_and_sign_in(&self, username: &str, email: &str) -> String {
        let password = SIGNUP_PASSWORD;
        let token = self.link_token(email, "activation");
        let activated = self
            .post_json(
                "/api/v1/auth/activation",
                &serde_json::json!({ "token": token }),
            )
            .await;
        assert_eq!(activated.status(), StatusCode::NO_CONTENT);
        self.login(username, password).await["accessToken"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Creates `n` families straight in the database, each with its own dossier,
    /// one child at school level `level` and an active account that accepted the
    /// current terms; signs each in. Returns (access token, child id) per family.
    pub async fn create_families(&self, n: usize, level: &str) -> Vec<(String, i64)> {
        let password = "Famille-Test-2026!";
        let hash = api::auth::passwords::hash(password).unwrap();
        let now = self.clock.now();
        let mut conn = self.database.connect();
        let documents: Vec<i64> = domain::accounts::LegalDocumentKind::ALL
            .iter()
            .filter_map(|&kind| persistence::accounts::legal::current(&mut conn, kind).unwrap())
            .map(|d| d.id)
            .collect();
        let mut families = Vec::new();
        for i in 0..n {
            let number = format!("T{i:04}");
            let dossier =
                persistence::dossiers::insert(&mut conn, &number, "TEST", None, now).unwrap();
            let child = persistence::dossiers::children::insert(
                &mut conn,
                dossier,
                &persistence::dossiers::children::ChildFields {
                    first_name: format!("Enfant{i}"),
                    last_name: "TEST".into(),
                    birth_date: chrono::NaiveDate::from_ymd_opt(2019, 1, 1).unwrap(),
                    school: None,
                    school_level: Some(level.parse().unwrap()),
                    diet: domain::dossiers::Diet::Standard,
                },
                now,
            )
            .unwrap();
            let username = format!("famille.test{i}");
            let email = format!("famille.test{i}@exemple.fr");
            let account = persistence::accounts::insert(
                &mut conn,
                &persistence::accounts::NewAccount {
                    role: domain::accounts::Role::Family,
                    status: domain::accounts::AccountStatus::Active,
                    username: &username,
                    email: &email,
                    first_name: "Test",
                    last_name: "TEST",
                    password_hash: Some(&hash),
                    dossier_id: Some(dossier),
                },
                now,
            )
            .unwrap();
            for document in &documents {
                persistence::accounts::legal::accept(&mut conn, account, *document, now).unwrap();
            }
            families.push((username, child));
        }
        let mut tokens = Vec::new();
        for (username, child) in families {
            tokens.push((
                self.login(&username, password).await["accessToken"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                child,
            ));
        }
        tokens
    }

    /// A second instance of the app beside this one, on the same database and clock
    /// (two servers behind a balancer).
    pub async fn another_instance(&self) -> TestApp {
        self.another_instance_with(&[]).await
    }

    /// [`another_instance`](Self::another_instance) with some settings of its own.
    pub async fn another_instance_with(&self, settings: &[(&str, &str)]) -> TestApp {
        let mut own = self.settings.clone();
        for (name, value) in settings {
            own.insert((*name).to_owned(), (*value).to_owned());
        }
        TestAppBuilder {
            settings: own,
            clock: Some(self.clock.clone()),
            database: Some(self.database.alias()),
        }
        .spawn()
        .await
    }

    /// Stops the server and hands back its database, to start another app on it.
    pub async fn stop(mut self) -> TestDatabase {
        self.handle.stop(true).await;
        self.outbox.stop_and_wait(std::time::Duration::from_secs(5));
        self.database.take()
    }
}

/// A request under way: reqwest's builder, whose [`send`](ApiRequest::send) judges
/// the exchange against the contract (see [`contract`]).
#[derive(Debug)]
pub struct ApiRequest {
    client: reqwest::Client,
    judged: Arc<AtomicUsize>,
    builder: RequestBuilder,
}

impl ApiRequest {
    pub fn header<K, V>(mut self, key: K, value: V) -> Self
    where
        HeaderName: TryFrom<K>,
        <HeaderName as TryFrom<K>>::Error: Into<http::Error>,
        HeaderValue: TryFrom<V>,
        <HeaderValue as TryFrom<V>>::Error: Into<http::Error>,
    {
        self.builder = self.builder.header(key, value);
        self
    }

    pub fn headers(mut self, headers: HeaderMap) -> Self {
        self.builder = self.builder.headers(headers);
        self
    }

    pub fn bearer_auth(mut self, token: impl std::fmt::Display) -> Self {
        self.builder = self.builder.bearer_auth(token);
        self
    }

    pub fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Self {
        self.builder = self.builder.json(body);
        self
    }

    pub fn body(mut self, body: impl Into<reqwest::Body>) -> Self {
        self.builder = self.builder.body(body);
        self
    }

    /// Sends the request, then checks it and its answer against the contract (a
    /// mismatch fails the test); the answer is handed back whole.
    pub async fn send(self) -> Result<Response, reqwest::Error> {
        let request = self.builder.build()?;
        let method = request.method().clone();
        let url = request.url().clone();
        let content_type = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let sent_body = request
            .body()
            .and_then(|b| b.as_bytes())
            .map(<[u8]>::to_vec);
        let response = self.client.execute(request).await?;
        let status = response.status();
        let version = response.version();
        let headers = response.headers().clone();
        let bytes = response.bytes().await?;
        let judged = contract::contract().judge(
            &contract::Sent {
                method: &method,
                path: url.path(),
                query: url.query(),
                content_type: content_type.as_deref(),
                body: sent_body.as_deref(),
            },
            &contract::Received {
                status: status.as_u16(),
                content_type: headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()),
                body: &decoded(&headers, &bytes),
            },
        );
        if judged {
            self.judged.fetch_add(1, Ordering::Relaxed);
        }
        let mut rebuilt = http::Response::builder()
            .status(status)
            .version(version)
            .url(url);
        if let Some(all) = rebuilt.headers_mut() {
            *all = headers;
        }
        Ok(Response::from(
            rebuilt.body(bytes).expect("the answer rebuilt"),
        ))
    }
}

/// A body as sent before its `Content-Encoding` (brotli or gzip), to judge it.
pub fn decoded(headers: &HeaderMap, bytes: &[u8]) -> Vec<u8> {
    use std::io::Read as _;
    let mut plain = Vec::new();
    match headers
        .get(reqwest::header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
    {
        Some("br") => {
            brotli::Decompressor::new(bytes, 4096)
                .read_to_end(&mut plain)
                .expect("a brotli body");
        }
        Some("gzip") => {
            flate2::read::GzDecoder::new(bytes)
                .read_to_end(&mut plain)
                .expect("a gzip body");
        }
        Some(other) => panic!("unexpected Content-Encoding {other}"),
        None => plain.extend_from_slice(bytes),
    }
    plain
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

/// The demo accounts' credentials, as the README documents them.
pub fn demo_credentials(who: &str) -> (&'static str, &'static str) {
    match who {
        "family" => ("famille.ti", "Famille-TI-2026!"),
        "agent" => ("agent.demo", "Agent-Villejuif-2026!"),
        "admin" => ("admin.demo", "Admin-Villejuif-2026!"),
        other => panic!("no demo account {other}"),
    }
}

/// The token of the first frontend link in an email's text.
pub fn link_token(text: &str) -> String {
    let link = text
        .split_whitespace()
        .find(|w| w.starts_with(FRONTEND_URL) && w.contains("token="))
        .unwrap_or_else(|| panic!("no link in {text}"));
    link.split("token=").nth(1).unwrap().to_owned()
}

/// A body without its request id, to compare two answers.
pub fn without_request_id(mut body: Value) -> Value {
    if let Some(object) = body.as_object_mut() {
        object.remove("requestId");
    }
    body
}

/// Sends the app's logs to libtest's capture (shown for a failing test only): errors,
/// or everything from info up with `TEST_LOG` set (`RUST_LOG` overrides both).
/// Installed once per test binary.
fn capture_logs() {
    let level = if std::env::var_os("TEST_LOG").is_some() {
        "info,actix_server=warn"
    } else {
        "error"
    };
    // Another test of the binary installed it first: the same subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level)),
        )
        .with_test_writer()
        .with_ansi(false)
        .with_target(false)
        .try_init();
}

//! A real OpenID Connect provider for the tests: the certified `oidc-provider` npm
//! package (tests/oidc/provider.mjs) playing FranceConnect and the city's provider for
//! staff, started once per test process (its packages installed on first use). Its
//! `login_hint` names who signs in; a control server sets accounts' claims (groups) and
//! disables them; accounts named `forge-…` get the faulty ID tokens a broken or
//! hostile provider would send.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};

use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{TestApp, TestAppBuilder};

/// The client ids, secrets and return pages the provider script registers.
pub const FC_CLIENT_ID: &str = "espace-familles";
pub const FC_CLIENT_SECRET: &str = "fc-client-secret-for-tests-0123456789";
pub const FC_REDIRECT_URI: &str = "http://localhost:3000/connexion/franceconnect";
pub const CITY_CLIENT_ID: &str = "espace-familles-agents";
pub const CITY_CLIENT_SECRET: &str = "city-client-secret-for-tests-0123456789";
pub const CITY_REDIRECT_URI: &str = "http://localhost:3000/connexion/agents";
pub const POST_LOGOUT_REDIRECT_URI: &str = "http://localhost:3000/deconnexion";

/// Where the provider's parts listen.
#[derive(Debug, Clone, Deserialize)]
pub struct OidcProvider {
    pub franceconnect: String,
    pub city: String,
    pub control: String,
}

struct Running {
    _child: Child,
    /// Kept open: the script exits when its stdin closes (the test process ended).
    _stdin: ChildStdin,
}

static RUNNING: OnceLock<(OidcProvider, Mutex<Running>)> = OnceLock::new();

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("oidc")
}

/// The provider, started on first use.
pub fn provider() -> OidcProvider {
    RUNNING
        .get_or_init(|| {
            let dir = folder();
            if !dir.join("node_modules/oidc-provider").exists() {
                let status = Command::new("npm")
                    .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                    .current_dir(&dir)
                    .status()
                    .expect("npm runs");
                assert!(status.success(), "npm ci in tests/oidc failed");
            }
            let mut child = Command::new("node")
                .arg(dir.join("provider.mjs"))
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("node starts the provider");
            let stdin = child.stdin.take().expect("the provider's stdin");
            let stdout = child.stdout.take().expect("the provider's stdout");
            let mut line = String::new();
            BufReader::new(stdout)
                .read_line(&mut line)
                .expect("the provider says where it listens");
            let provider: OidcProvider =
                serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
            (
                provider,
                Mutex::new(Running {
                    _child: child,
                    _stdin: stdin,
                }),
            )
        })
        .0
        .clone()
}

impl OidcProvider {
    /// The settings of an app using the provider as FranceConnect and as the city's.
    pub fn settings(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "FRANCECONNECT_DISCOVERY_URL",
                format!("{}/.well-known/openid-configuration", self.franceconnect),
            ),
            ("FRANCECONNECT_CLIENT_ID", FC_CLIENT_ID.into()),
            ("FRANCECONNECT_CLIENT_SECRET", FC_CLIENT_SECRET.into()),
            ("FRANCECONNECT_REDIRECT_URI", FC_REDIRECT_URI.into()),
            (
                "FRANCECONNECT_POST_LOGOUT_REDIRECT_URI",
                POST_LOGOUT_REDIRECT_URI.into(),
            ),
            (
                "AGENT_OIDC_DISCOVERY_URL",
                format!("{}/.well-known/openid-configuration", self.city),
            ),
            ("AGENT_OIDC_CLIENT_ID", CITY_CLIENT_ID.into()),
            ("AGENT_OIDC_CLIENT_SECRET", CITY_CLIENT_SECRET.into()),
            ("AGENT_OIDC_REDIRECT_URI", CITY_REDIRECT_URI.into()),
            (
                "AGENT_OIDC_POST_LOGOUT_REDIRECT_URI",
                POST_LOGOUT_REDIRECT_URI.into(),
            ),
            ("AGENT_OIDC_ADMIN_GROUPS", "ef-admins".into()),
            ("AGENT_OIDC_AGENT_GROUPS", "ef-agents".into()),
        ]
    }

    /// Merges claims into an account of `fc` or `city`.
    pub async fn set_claims(&self, which: &str, id: &str, claims: serde_json::Value) {
        let answer = reqwest::Client::new()
            .put(format!("{}/accounts/{which}/{id}", self.control))
            .json(&claims)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 204);
    }

    /// Disables an account of `fc` or `city`: the provider signs it in no more.
    pub async fn disable(&self, which: &str, id: &str) {
        let answer = reqwest::Client::new()
            .put(format!("{}/accounts/{which}/{id}/disabled", self.control))
            .json(&true)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 204);
    }

    /// Plays the browser and the person: follows the authorization URL with `who` as
    /// the login hint through the provider's pages, and answers the return URL's
    /// query (`code`, `state` or `error`).
    pub async fn sign_in(&self, authorization_url: &str, who: &str) -> Vec<(String, String)> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut url = reqwest::Url::parse(authorization_url).unwrap();
        url.query_pairs_mut().append_pair("login_hint", who);
        for _ in 0..5 {
            let answer = client.get(url.clone()).send().await.unwrap();
            let location = answer
                .headers()
                .get("location")
                .unwrap_or_else(|| panic!("no redirect from {url}: {}", answer.status()))
                .to_str()
                .unwrap()
                .to_owned();
            let next = url.join(&location).unwrap();
            if next.as_str().starts_with("http://localhost:3000/") {
                return next.query_pairs().into_owned().collect();
            }
            url = next;
        }
        panic!("the provider never sent the browser back");
    }
}

/// A test app using the provider as FranceConnect and as the city's, with `extra`
/// settings.
pub async fn app_with(provider: &OidcProvider, extra: &[(&str, &str)]) -> TestApp {
    let mut builder = TestAppBuilder::default();
    for (name, value) in provider.settings() {
        builder = builder.setting(name, &value);
    }
    for (name, value) in extra {
        builder = builder.setting(name, value);
    }
    builder.spawn().await
}

/// Starts a flow at `path`, signs `who` in at the provider: what the frontend's return
/// page posts (`flowId`, `state`, `code`).
pub async fn provider_return(
    app: &TestApp,
    provider: &OidcProvider,
    (path, body, token): (&str, Value, Option<&str>),
    who: &str,
) -> Value {
    let flow = crate::json(
        app.send_json(Method::POST, path, token, &body).await,
        StatusCode::CREATED,
    )
    .await;
    let back = provider
        .sign_in(flow["authorizationUrl"].as_str().unwrap(), who)
        .await;
    json!({"flowId": flow["flowId"], "state": param(&back, "state"), "code": param(&back, "code")})
}

/// [`provider_return`], then the flow finished at `finish`.
pub async fn through_provider(
    app: &TestApp,
    provider: &OidcProvider,
    start: (&str, Value, Option<&str>),
    who: &str,
    (finish_method, finish): (Method, &str),
) -> reqwest::Response {
    let token = start.2;
    let body = provider_return(app, provider, start, who).await;
    app.send_json(finish_method, finish, token, &body).await
}

/// Where families start a FranceConnect flow.
pub const FC_FLOWS: &str = "/api/v1/auth/providers/franceconnect/flows";

/// A FranceConnect sign-in of `who`, through the provider.
pub async fn fc_sign_in(app: &TestApp, provider: &OidcProvider, who: &str) -> reqwest::Response {
    through_provider(
        app,
        provider,
        (FC_FLOWS, json!({"purpose": "signIn"}), None),
        who,
        (Method::POST, "/api/v1/auth/providers/franceconnect/sign-in"),
    )
    .await
}

/// A query parameter of a return URL.
pub fn param(query: &[(String, String)], name: &str) -> String {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| panic!("no {name} in {query:?}"))
}

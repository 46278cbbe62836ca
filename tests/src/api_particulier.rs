//! A fake API Particulier: a real HTTP server answering `GET
//! /v3/dss/quotient_familial/identite` with the staging payloads the service publishes
//! (`tests/fixtures/api_particulier`), chosen by the birth name asked for. It checks
//! the bearer token and the `recipient`, and keeps every query it was sent.

use std::sync::{Arc, Mutex};

use actix_web::{HttpRequest, HttpResponse, web};

pub const TOKEN: &str = "test-api-particulier-token";
pub const RECIPIENT: &str = "21940076000019";

const CAF_650: &str = include_str!("../fixtures/api_particulier/200-caf-650.json");
const MSA_150: &str = include_str!("../fixtures/api_particulier/200-msa-150.json");
const NOT_FOUND: &str = include_str!("../fixtures/api_particulier/404-not-found.json");
const SEVERAL: &str = include_str!("../fixtures/api_particulier/409-several-found.json");
const DOWN: &str = include_str!("../fixtures/api_particulier/503-unavailable.json");

#[derive(Debug, Default)]
struct State {
    /// Every query received, as decoded pairs.
    queries: Vec<Vec<(String, String)>>,
    /// The `traceparent` header of each query, if sent.
    traceparents: Vec<Option<String>>,
    down: bool,
}

pub struct FakeApiParticulier {
    pub url: String,
    state: Arc<Mutex<State>>,
    handle: actix_web::dev::ServerHandle,
}

impl FakeApiParticulier {
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let data = web::Data::new(state.clone());
        let (url, handle) = crate::local_server::start_local(move |app| {
            app.app_data(data.clone()).route(
                "/v3/dss/quotient_familial/identite",
                web::get().to(quotient),
            );
        });
        Self { url, state, handle }
    }

    /// The settings that point an app at this fake.
    pub fn settings(&self) -> [(&'static str, String); 3] {
        [
            ("API_PARTICULIER_URL", self.url.clone()),
            ("API_PARTICULIER_TOKEN", TOKEN.to_owned()),
            ("API_PARTICULIER_RECIPIENT", RECIPIENT.to_owned()),
        ]
    }

    /// Makes every answer a 503 (an outage), or ends it.
    pub fn set_down(&self, down: bool) {
        self.state.lock().unwrap().down = down;
    }

    pub fn queries(&self) -> Vec<Vec<(String, String)>> {
        self.state.lock().unwrap().queries.clone()
    }

    pub fn traceparents(&self) -> Vec<Option<String>> {
        self.state.lock().unwrap().traceparents.clone()
    }

    pub async fn stop(self) {
        self.handle.stop(true).await;
    }
}

impl std::fmt::Debug for FakeApiParticulier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeApiParticulier")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

async fn quotient(req: HttpRequest, state: web::Data<Arc<Mutex<State>>>) -> HttpResponse {
    let pairs: Vec<(String, String)> =
        web::Query::<Vec<(String, String)>>::from_query(req.query_string())
            .map(web::Query::into_inner)
            .unwrap_or_default();
    let down = {
        let mut state = state.lock().unwrap();
        state.queries.push(pairs.clone());
        state.traceparents.push(
            req.headers()
                .get("traceparent")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        );
        state.down
    };
    let bearer = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok());
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if bearer != Some(&format!("Bearer {TOKEN}")) || value("recipient") != Some(RECIPIENT) {
        return HttpResponse::Unauthorized()
            .content_type("application/json")
            .body(r#"{"errors":[{"code":"50001","title":"Jeton non autorisé"}]}"#);
    }
    if down {
        return answer(503, DOWN);
    }
    match value("nomNaissance").map(str::to_uppercase).as_deref() {
        Some("BERNARD") if value("prenoms[]") == Some("ELODIE") => answer(200, CAF_650),
        Some("ROUX") => answer(200, MSA_150),
        Some("MARTIN") => answer(409, SEVERAL),
        _ => answer(404, NOT_FOUND),
    }
}

fn answer(status: u16, body: &'static str) -> HttpResponse {
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
        .content_type("application/json")
        .body(body)
}

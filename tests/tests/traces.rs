//! Traces (issue 26): with `OTEL_EXPORTER_OTLP_ENDPOINT` set, a request's spans reach
//! a local OTLP receiver: the request's, child of the caller's `traceparent`, named by
//! its operation id; its database calls; its outgoing call, whose `traceparent` the
//! called service receives. A process of its own: the exporter joins the
//! process-wide subscriber, which the `api` tests install without it.

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde_json::json;
use tests::api_particulier::FakeApiParticulier;
use tests::otlp_receiver::OtlpReceiver;
use tests::{TestAppBuilder, problem};

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN: &str = "00f067aa0ba902b7";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_is_traced_from_the_callers_traceparent_to_its_database_and_outgoing_calls() {
    let receiver = OtlpReceiver::start().await;
    let telemetry = Arc::new(api::telemetry::init_with(
        tracing_subscriber::EnvFilter::new("error"),
        api::config::LogFormat::Text,
        Some(&receiver.endpoint),
    ));
    let fake = FakeApiParticulier::start().await;
    let mut builder = TestAppBuilder::default().clock(api::clock::Clock::fixed_at(
        "2026-12-06T10:00:00Z".parse().unwrap(),
    ));
    for (name, value) in fake.settings() {
        builder = builder.setting(name, &value);
    }
    let app = builder.spawn().await;
    let family = app.token_of("family").await;

    // A family looks its quotient up: the API asks API Particulier, which knows nobody
    // of that name.
    let response = app
        .request(Method::POST, "/api/v1/dossier/quotient-lookups")
        .header("traceparent", format!("00-{TRACE_ID}-{CALLER_SPAN}-01"))
        .bearer_auth(&family)
        .json(&json!({
            "consent": true,
            "birthName": "DUPONT",
            "firstNames": ["CAMILLE"],
            "sex": "F",
            "birthDate": "1987-06-27",
            "birthCountryCode": "99100",
            "birthCommuneCode": "08480"
        }))
        .send()
        .await
        .unwrap();
    problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "quotient_not_found",
    )
    .await;
    {
        let telemetry = telemetry.clone();
        tokio::task::spawn_blocking(move || telemetry.flush())
            .await
            .unwrap();
    }

    let request = receiver
        .wait_for(|s| s.trace_id == TRACE_ID && s.name == "lookUpMyFamilyQuotient")
        .await;
    assert_eq!(
        request.parent, CALLER_SPAN,
        "the caller's span is its parent"
    );
    assert_eq!(request.kind, 2, "a server span");
    assert_eq!(request.service.as_deref(), Some("espace-familles"));
    assert_eq!(
        request.attribute("http.route"),
        Some("/api/v1/dossier/quotient-lookups")
    );
    assert_eq!(request.attribute("http.response.status_code"), Some("422"));
    assert_eq!(request.attribute("method"), Some("POST"));
    assert!(
        request
            .attribute("request_id")
            .is_some_and(|id| !id.is_empty())
    );

    let database = receiver
        .wait_for(|s| s.name == "database" && s.parent == request.span_id)
        .await;
    assert_eq!(database.trace_id, TRACE_ID);
    let system = if app.database.is_postgres() {
        "postgresql"
    } else {
        "sqlite"
    };
    assert_eq!(database.attribute("db.system.name"), Some(system));

    let outgoing = receiver
        .wait_for(|s| s.name == "API Particulier" && s.parent == request.span_id)
        .await;
    assert_eq!(outgoing.kind, 3, "a client span");
    assert_eq!(outgoing.attribute("http.response.status_code"), Some("404"));
    // The service was told the trace, with the outgoing call's span as parent.
    assert_eq!(
        fake.traceparents(),
        vec![Some(format!("00-{TRACE_ID}-{}-01", outgoing.span_id))]
    );

    // A request without traceparent starts a trace of its own.
    let city = app.get("/api/v1/city").await;
    assert_eq!(city.status(), StatusCode::OK);
    {
        let telemetry = telemetry.clone();
        tokio::task::spawn_blocking(move || telemetry.flush())
            .await
            .unwrap();
    }
    let root = receiver.wait_for(|s| s.name == "getCity").await;
    assert!(root.parent.is_empty(), "{root:?}");
    assert_ne!(root.trace_id, TRACE_ID);
    fake.stop().await;
    receiver.stop().await;
}

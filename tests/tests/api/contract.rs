//! The contract: the committed `openapi.yaml` is what the code generates and what the
//! server serves, and it holds the conventions every client relies on.

use reqwest::StatusCode;
use serde_json::Value;

use tests::{json, spawn_app};

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.yaml");

fn generated_yaml() -> String {
    api::openapi::to_yaml(&api::openapi::spec().unwrap())
}

/// Fails when the code's document differs from the committed one;
/// `UPDATE_OPENAPI=1 cargo test -p tests openapi` rewrites the file.
#[test]
fn openapi_yaml_is_what_the_code_generates() {
    let generated = generated_yaml();
    if std::env::var("UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(COMMITTED, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi.yaml is out of date with the code: run `UPDATE_OPENAPI=1 cargo test -p tests openapi` and commit it"
    );
}

#[tokio::test]
async fn the_server_serves_the_committed_contract_as_yaml_and_json() {
    let app = spawn_app().await;
    let response = app.get("/api/openapi.yaml").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/yaml");
    assert_eq!(response.text().await.unwrap(), generated_yaml());

    let served = json(app.get("/api/openapi.json").await, StatusCode::OK).await;
    let generated: Value = api::openapi::spec().unwrap();
    assert_eq!(served, generated);
}

#[tokio::test]
async fn every_request_of_the_test_client_is_judged_against_the_contract() {
    let app = spawn_app().await;
    assert_eq!(app.exchanges_judged(), 0);
    json(app.get("/api/v1/city").await, StatusCode::OK).await;
    assert_eq!(app.exchanges_judged(), 1);
    // Outside the contract (the docs) nothing is judged; an address it lacks is.
    let docs = app.get("/docs/").await;
    assert_eq!(docs.status(), StatusCode::OK);
    assert_eq!(app.exchanges_judged(), 1);
    let unknown = app.get("/api/v1/nowhere").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.exchanges_judged(), 2);
}

#[tokio::test]
async fn the_interactive_docs_are_served_by_the_app_itself() {
    let app = spawn_app().await;
    let redirect = app.get("/docs").await;
    assert_eq!(redirect.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(redirect.headers()["location"], "/docs/");

    let page = app.get("/docs/").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("cdn") && !html.contains("unpkg"),
        "docs must not need the internet"
    );

    for asset in [
        "/docs/swagger-ui.css",
        "/docs/swagger-ui-bundle.js",
        "/docs/swagger-initializer.js",
    ] {
        let response = app.get(asset).await;
        assert_eq!(response.status(), StatusCode::OK, "{asset}");
        let text = response.text().await.unwrap();
        if asset.ends_with("initializer.js") {
            assert!(text.contains("/api/openapi.json"), "{text}");
        }
    }
}

fn spec() -> Value {
    api::openapi::spec().unwrap()
}

fn operations(spec: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            found.push((path.clone(), method.clone(), operation.clone()));
        }
    }
    assert!(!found.is_empty());
    found
}

#[test]
fn every_error_response_of_every_operation_is_the_one_problem_schema() {
    let spec = spec();
    assert!(spec["components"]["schemas"]["Problem"].is_object());
    for (path, method, operation) in operations(&spec) {
        let responses = operation["responses"].as_object().unwrap();
        assert!(responses.contains_key("500"), "{method} {path} lacks 500");
        for (status, response) in responses {
            if status.starts_with('4') || status.starts_with('5') {
                let mut content = response["content"].as_object().unwrap().clone();
                // OAuth 2.0 answers some errors as its RFCs say: the token endpoint's
                // JSON (RFC 6749, 5.2), the consent page's HTML for the family.
                if path.starts_with("/api/v1/oauth/") {
                    content.remove("text/html");
                    if content
                        .get("application/json")
                        .map(|c| &c["schema"]["$ref"])
                        == Some(&Value::from("#/components/schemas/OAuthError"))
                    {
                        content.remove("application/json");
                    }
                }
                assert_eq!(content.len(), 1, "{method} {path} {status}");
                assert_eq!(
                    content["application/problem+json"]["schema"]["$ref"],
                    "#/components/schemas/Problem",
                    "{method} {path} {status}"
                );
            }
            assert!(
                response["description"]
                    .as_str()
                    .is_some_and(|d| !d.is_empty())
            );
        }
    }
}

#[test]
fn every_operation_is_named_summarised_tagged_and_secured() {
    let spec = spec();
    let mut ids = Vec::new();
    for (path, method, operation) in operations(&spec) {
        let id = operation["operationId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            !id.is_empty() && !id.contains('_'),
            "{method} {path}: operationId {id:?} must be camelCase"
        );
        assert!(
            operation["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{method} {path}"
        );
        assert!(
            operation["tags"].as_array().is_some_and(|t| !t.is_empty()),
            "{method} {path}"
        );
        assert!(
            operation["security"].is_array(),
            "{method} {path} must say its security"
        );
        if operation.get("requestBody").is_some() {
            for status in ["400", "413", "415"] {
                assert!(
                    operation["responses"][status].is_object(),
                    "{method} {path} lacks {status}"
                );
            }
        }
        ids.push(id);
    }
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "operationIds must be unique");
}

#[test]
fn the_document_says_who_made_it_and_under_which_license() {
    let info = spec()["info"].clone();
    assert_eq!(info["title"], "Espace Familles API");
    assert!(info["version"].as_str().is_some_and(|v| !v.is_empty()));
    assert!(info["description"].as_str().is_some_and(|v| v.len() > 100));
    assert_eq!(info["license"]["identifier"], "MIT");
    assert!(info["contact"]["email"].is_string());
}

//! What each operation can answer is what it documents, and the reverse.
//!
//! One way: every answer of every test is judged (tests::contract), and a problem whose
//! code its operation does not list for that status fails the test. The other way: the
//! errors every operation shares are provoked here, operation by operation, and the
//! codes answered during the whole run are recorded; the last test (run after the
//! suite, as .ci/run does) checks each code an operation documents was answered by it.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use tests::operations::{Operation, query_string, send, send_with, token_for};
use tests::{TestAppBuilder, problem, spawn_app};

fn spec() -> Value {
    api::openapi::spec().unwrap()
}

fn documents(operation: &Operation, status: &str, code: &str) -> bool {
    operation.spec["responses"][status]["x-problem-codes"]
        .as_array()
        .is_some_and(|codes| codes.iter().any(|c| c == code))
}

/// Signing out ends the session the other calls use.
fn signs_out(operation: &Operation) -> bool {
    ["logout", "logoutEverywhere", "logoutWithProvider"]
        .contains(&operation.spec["operationId"].as_str().unwrap_or_default())
}

#[tokio::test]
async fn a_nul_in_the_query_of_any_operation_is_refused() {
    let app = spawn_app().await;
    for operation in Operation::all(&spec()) {
        let token = token_for(&app, &operation).await;
        let path = format!("{}?zz=a%00b", operation.path_with(|_| None));
        let response = send(&app, &operation, &path, token.as_deref(), None).await;
        let answer = problem(response, StatusCode::BAD_REQUEST, "validation_failed").await;
        assert_eq!(answer["errors"][0]["field"], "zz", "{}", operation.name());
    }
}

#[tokio::test]
async fn every_secured_operation_refuses_a_caller_without_a_valid_token() {
    let app = spawn_app().await;
    let mut checked = 0;
    for operation in Operation::all(&spec())
        .into_iter()
        .filter(|o| !o.is_public())
    {
        let path = operation.path_with(|_| None);
        for token in [None, Some("not-a-token")] {
            let response = send(&app, &operation, &path, token, None).await;
            assert_eq!(
                response
                    .headers()
                    .get("www-authenticate")
                    .map(|v| v.to_str().unwrap()),
                Some("Bearer"),
                "{}",
                operation.name()
            );
            problem(response, StatusCode::UNAUTHORIZED, "unauthorized").await;
        }
        checked += 1;
    }
    assert!(checked > 130, "{checked}");
}

#[tokio::test]
async fn an_operation_kept_for_one_role_refuses_the_others() {
    let app = spawn_app().await;
    let agent = app.token_of("agent").await;
    let mut checked = 0;
    for operation in Operation::all(&spec()) {
        if operation.is_public()
            || !documents(&operation, "403", "forbidden")
            || operation.is_admin()
        {
            continue;
        }
        // Kept for families: an agent is refused before anything it sent is read.
        let path = operation.path_with(|_| None);
        let response = send(&app, &operation, &path, Some(&agent), None).await;
        problem(response, StatusCode::FORBIDDEN, "forbidden").await;
        checked += 1;
    }
    assert!(checked > 40, "{checked}");
    // Kept for admins (so their 403 says): an agent is refused.
    let mut admins_only = 0;
    for operation in Operation::all(&spec()) {
        let described = operation.spec["responses"]["403"]["description"].as_str();
        if !described.is_some_and(|d| d.starts_with("Admins only (`forbidden`).")) {
            continue;
        }
        let path = format!(
            "{}?{}",
            operation.path_with(|_| None),
            query_string(&operation.required_query())
        );
        let response = send(&app, &operation, &path, Some(&agent), None).await;
        problem(response, StatusCode::FORBIDDEN, "forbidden").await;
        admins_only += 1;
    }
    assert_eq!(admins_only, 17);
}

#[tokio::test]
async fn a_family_accepts_the_new_terms_before_anything_else() {
    let app = spawn_app().await;
    let admin = app.token_of("admin").await;
    let family = app.token_of("family").await;
    let published = app
        .send_json(
            reqwest::Method::POST,
            "/api/v1/admin/legal-documents",
            Some(&admin),
            &json!({"kind": "terms", "version": "2027-01", "title": "Conditions d'utilisation",
                    "body": "Nouvelles conditions."}),
        )
        .await;
    assert_eq!(published.status(), StatusCode::CREATED);
    let mut checked = 0;
    for operation in Operation::all(&spec()) {
        if !documents(&operation, "403", "consent_required") || signs_out(&operation) {
            continue;
        }
        // A body and a query the operation takes: consents are checked by the
        // database, after what the request itself holds.
        let path = format!(
            "{}?{}",
            operation.path_with(|_| None),
            query_string(&operation.required_query())
        );
        let body = operation
            .json_example()
            .map(|example| ("application/json", serde_json::to_vec(&example).unwrap()));
        let response = send(&app, &operation, &path, Some(&family), body).await;
        let answer = problem(response, StatusCode::FORBIDDEN, "consent_required").await;
        assert_eq!(
            answer["errors"][0]["field"],
            "terms",
            "{}",
            operation.name()
        );
        checked += 1;
    }
    assert!(checked > 40, "{checked}");
}

#[tokio::test]
async fn json_bodies_of_the_wrong_shape_or_media_type_are_refused() {
    let app = spawn_app().await;
    let mut checked = 0;
    for operation in Operation::all(&spec()) {
        if operation.json_example().is_none() {
            continue;
        }
        let token = token_for(&app, &operation).await;
        let path = format!(
            "{}?{}",
            operation.path_with(|_| None),
            query_string(&operation.required_query())
        );
        for (media, body, status, code) in [
            (
                "application/json",
                "{",
                StatusCode::BAD_REQUEST,
                "malformed_json",
            ),
            (
                "application/json",
                "\"x\"",
                StatusCode::BAD_REQUEST,
                "invalid_body",
            ),
            (
                "text/plain",
                "x",
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
            ),
        ] {
            let body = Some((media, body.as_bytes().to_vec()));
            let response = send(&app, &operation, &path, token.as_deref(), body).await;
            problem(response, status, code).await;
        }
        checked += 1;
    }
    assert!(checked > 50, "{checked}");
}

#[tokio::test]
async fn bodies_over_the_limits_are_refused() {
    let app = TestAppBuilder::default()
        .setting("MAX_JSON_BODY_BYTES", "64")
        .setting("UPLOAD_MAX_BYTES", "64")
        .setting("IMPORT_MAX_BYTES", "64")
        .spawn()
        .await;
    let mut checked = 0;
    for operation in Operation::all(&spec()) {
        let content = &operation.spec["requestBody"]["content"];
        let Some((media, _)) = content.as_object().and_then(|c| c.iter().next()) else {
            continue;
        };
        if signs_out(&operation) {
            continue;
        }
        let token = token_for(&app, &operation).await;
        let path = format!(
            "{}?{}",
            operation.path_with(|_| None),
            query_string(&operation.required_query())
        );
        // Over every limit of this app, forms' 16 KiB included.
        let body = if media.ends_with("json") {
            json!({"padding": "x".repeat(20_000)})
                .to_string()
                .into_bytes()
        } else {
            vec![b'x'; 20_000]
        };
        let response = send(
            &app,
            &operation,
            &path,
            token.as_deref(),
            Some((media, body)),
        )
        .await;
        if documents(&operation, "413", "payload_too_large") {
            problem(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked}");
}

#[tokio::test]
async fn parameters_not_of_their_type_are_refused() {
    let app = spawn_app().await;
    let mut checked = 0;
    for operation in Operation::all(&spec()) {
        let token = token_for(&app, &operation).await;
        if documents(&operation, "400", "invalid_path_parameter") {
            let path = operation.path_with(|_| Some("abc".into()));
            let response = send(&app, &operation, &path, token.as_deref(), None).await;
            problem(response, StatusCode::BAD_REQUEST, "invalid_path_parameter").await;
            checked += 1;
        }
        if documents(&operation, "400", "invalid_query_parameter") {
            // Each typed parameter given a text, or a required one left out.
            let typed: Vec<(String, String)> = operation
                .parameters("query")
                .into_iter()
                .filter(|p| {
                    let schema = &p["schema"];
                    schema["type"] != "string"
                        || ["enum", "format", "$ref"]
                            .iter()
                            .any(|k| schema.get(*k).is_some())
                })
                .map(|p| (p["name"].as_str().unwrap().to_owned(), "abc".to_owned()))
                .collect();
            let path = format!("{}?{}", operation.path_with(|_| None), query_string(&typed));
            let response = send(&app, &operation, &path, token.as_deref(), None).await;
            let status = response.status();
            assert!(status.is_client_error(), "{}: {status}", operation.name());
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked}");
}

#[tokio::test]
async fn an_id_that_is_nobodys_is_not_found() {
    let app = spawn_app().await;
    let mut checked = 0;
    for operation in Operation::all(&spec()) {
        let ids = operation
            .parameters("path")
            .iter()
            .any(|p| p["schema"]["type"] == "integer");
        if !ids || !documents(&operation, "404", "not_found") || signs_out(&operation) {
            continue;
        }
        let token = token_for(&app, &operation).await;
        let ids: Vec<String> = operation
            .parameters("path")
            .iter()
            .filter(|p| p["schema"]["type"] == "integer")
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect();
        let path = format!(
            "{}?{}",
            operation.path_with(|name| ids.iter().any(|i| i == name).then(|| "999999".into())),
            query_string(&operation.required_query())
        );
        // A body and the headers it takes, so that the id is what is wrong; the body's
        // own mentions of the path's ids (a change's `childId`) name the same unknown id.
        let headers = [
            ("If-Match", "\"0\""),
            ("Idempotency-Key", "unknown-id-0001"),
        ];
        let names: Vec<String> = operation
            .parameters("path")
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect();
        let body = match operation.json_example() {
            Some(mut example) => {
                same_ids(&mut example, &names);
                Some(("application/json", serde_json::to_vec(&example).unwrap()))
            }
            None => operation.sample_body(),
        };
        let response = send_with(&app, &operation, &path, token.as_deref(), body, &headers).await;
        problem(response, StatusCode::NOT_FOUND, "not_found").await;
        checked += 1;
    }
    assert!(checked > 40, "{checked}");
}

/// Sets every field named like one of `names` to the unknown id.
fn same_ids(value: &mut Value, names: &[String]) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if names.contains(key) {
                    *item = json!(999_999);
                } else {
                    same_ids(item, names);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| same_ids(item, names)),
        _ => {}
    }
}

#[tokio::test]
async fn an_update_of_a_version_since_changed_is_refused() {
    let app = spawn_app().await;
    let mut checked = 0;
    for operation in Operation::all(&spec()) {
        if !documents(&operation, "412", "precondition_failed") {
            continue;
        }
        let token = token_for(&app, &operation).await;
        let path = operation.path_with(|_| None);
        let body = operation.sample_body();
        let stale = [("If-Match", "\"stale\"")];
        let response = send_with(
            &app,
            &operation,
            &path,
            token.as_deref(),
            body.clone(),
            &stale,
        )
        .await;
        problem(
            response,
            StatusCode::PRECONDITION_FAILED,
            "precondition_failed",
        )
        .await;
        let response = send(&app, &operation, &path, token.as_deref(), body).await;
        problem(
            response,
            StatusCode::PRECONDITION_REQUIRED,
            "precondition_required",
        )
        .await;
        checked += 1;
    }
    assert!(checked >= 4, "{checked}");
}

#[tokio::test]
async fn a_file_of_a_type_the_operation_does_not_take_is_refused() {
    let app = spawn_app().await;
    let mut checked = 0;
    for operation in Operation::all(&spec()) {
        let content = &operation.spec["requestBody"]["content"];
        if content.is_null()
            || operation.json_example().is_some()
            || !documents(&operation, "415", "unsupported_media_type")
        {
            continue;
        }
        let token = token_for(&app, &operation).await;
        let path = format!(
            "{}?{}",
            operation.path_with(|_| None),
            query_string(&operation.required_query())
        );
        let body = Some(("application/x-unknown", b"x".to_vec()));
        let response = send(&app, &operation, &path, token.as_deref(), body).await;
        problem(
            response,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        )
        .await;
        checked += 1;
    }
    assert!(checked >= 5, "{checked}");
}

/// Codes every operation may answer that no test can provoke on purpose for each: they
/// are answered where a test can (the readiness probe's 503, a 500 of a broken store).
const PROVOKED_ELSEWHERE: &[(&str, &str)] = &[
    (
        "internal_error",
        "an unexpected error; the app's own tests cause one where they can",
    ),
    (
        "database_unavailable",
        "the database stopped: tests/tests/api/health.rs stops it",
    ),
];

#[test]
#[ignore = "reads what the whole suite answered: run after it (.ci/run does)"]
fn every_documented_problem_code_is_answered_by_its_operation_somewhere() {
    let path = tests::contract::observations_path();
    let seen: BTreeSet<String> = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} is not there ({e}): run the suite first", path.display()))
        .lines()
        .map(str::to_owned)
        .collect();
    let mut missing = Vec::new();
    let mut documented = 0;
    for operation in Operation::all(&spec()) {
        for (status, response) in operation.spec["responses"].as_object().unwrap() {
            for code in response["x-problem-codes"].as_array().into_iter().flatten() {
                let code = code.as_str().unwrap();
                if PROVOKED_ELSEWHERE.iter().any(|(c, _)| *c == code) {
                    continue;
                }
                documented += 1;
                let line = format!(
                    "{} {} {status} {code}",
                    operation.method, operation.template
                );
                if !seen.contains(&line) {
                    missing.push(line);
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{} of {documented} documented codes were never answered by their operation:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn every_known_code_is_documented_by_some_operation() {
    let spec = spec();
    let text = spec.to_string();
    let unused: Vec<&str> = api::problem::problem_codes()
        .iter()
        .map(|(code, _, _)| *code)
        .filter(|code| {
            ![
                "bad_request",
                "uri_too_long",
                "headers_too_large",
                "method_not_allowed",
            ]
            .contains(code)
        })
        .filter(|code| !text.contains(&format!("\"{code}\"")))
        .collect();
    assert!(
        unused.is_empty(),
        "codes no operation documents: {unused:?}"
    );
}

#[test]
fn the_readme_lists_every_problem_code_with_its_status_and_meaning() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    for (code, status, meaning) in api::problem::problem_codes() {
        assert!(
            readme.contains(&format!("| `{code}` | {status} | {meaning} |")),
            "README's error codes lack {code} ({status}: {meaning})"
        );
    }
}

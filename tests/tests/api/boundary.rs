//! The boundary holds for every operation, table-driven from the contract: a NUL
//! character in any text input is refused the same on both databases, a field the
//! contract does not name is refused in every body, and a family is refused every back
//! office operation before anything it sent is read, however its path is encoded.

use reqwest::StatusCode;
use serde_json::{Value, json};

use tests::operations::{Operation, query_string, send, string_paths, token_for, with_string};
use tests::{TestApp, problem, spawn_app};

fn spec() -> Value {
    api::openapi::spec().unwrap()
}

/// Sends `body` to `operation` (at its example path, with its required query) with
/// `token`, and reads the 400 problem with `code`.
async fn refused_body(
    app: &TestApp,
    operation: &Operation,
    token: Option<&str>,
    body: (&str, Vec<u8>),
    code: &str,
) -> Value {
    let path = format!(
        "{}?{}",
        operation.path_with(|_| None),
        query_string(&operation.required_query())
    );
    let response = send(app, operation, &path, token, Some(body)).await;
    problem(response, StatusCode::BAD_REQUEST, code).await
}

#[tokio::test]
async fn a_nul_character_in_any_path_or_query_parameter_is_refused() {
    let app = spawn_app().await;
    let mut checked = 0;
    for operation in Operation::all(&spec()) {
        let token = token_for(&app, &operation).await;
        for parameter in operation.parameters("path") {
            let name = parameter["name"].as_str().unwrap();
            let path = operation.path_with(|n| (n == name).then(|| "a%00b".to_owned()));
            let response = send(&app, &operation, &path, token.as_deref(), None).await;
            let answer = problem(response, StatusCode::BAD_REQUEST, "validation_failed").await;
            assert_eq!(answer["errors"][0]["field"], "path", "{}", operation.name());
            checked += 1;
        }
        for parameter in operation.parameters("query") {
            let name = parameter["name"].as_str().unwrap();
            let mut query = operation.required_query();
            query.retain(|(k, _)| k != name);
            query.push((name.to_owned(), "a%00b".into()));
            let path = format!("{}?{}", operation.path_with(|_| None), query_string(&query));
            let response = send(&app, &operation, &path, token.as_deref(), None).await;
            let answer = problem(response, StatusCode::BAD_REQUEST, "validation_failed").await;
            assert_eq!(answer["errors"][0]["field"], name, "{}", operation.name());
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
}

#[tokio::test]
async fn a_nul_character_in_any_text_of_a_body_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let mut checked = 0;
    for operation in Operation::all(&spec()) {
        let content = &operation.spec["requestBody"]["content"];
        let token = token_for(&app, &operation).await;
        let token = token.as_deref();
        if let Some(example) = operation.json_example() {
            let mut strings = Vec::new();
            string_paths(&example, "", &mut strings);
            for field in strings {
                let body = with_string(&example, &field, "a\u{0}b");
                let bytes = serde_json::to_vec(&body).unwrap();
                let answer = refused_body(
                    &app,
                    &operation,
                    token,
                    ("application/json", bytes),
                    "validation_failed",
                )
                .await;
                assert_eq!(
                    answer["errors"][0]["field"],
                    field.as_str(),
                    "{}",
                    operation.name()
                );
                assert_eq!(answer["errors"][0]["code"], "forbidden_character");
                checked += 1;
            }
        }
        if content.get("text/csv").is_some() {
            let body = b"a\x00b;c\n".to_vec();
            let answer = refused_body(
                &app,
                &operation,
                token,
                ("text/csv", body),
                "validation_failed",
            )
            .await;
            assert_eq!(answer["errors"][0]["field"], "body", "{}", operation.name());
            checked += 1;
        }
        // A form's text fields (an enum is not text).
        let form = &content["application/x-www-form-urlencoded"]["schema"]["$ref"];
        if let Some(name) = form
            .as_str()
            .map(|r| r.trim_start_matches("#/components/schemas/"))
        {
            let spec = spec();
            let properties = spec["components"]["schemas"][name]["properties"].clone();
            for (field, schema) in properties.as_object().into_iter().flatten() {
                if schema.get("$ref").is_some() || schema.get("enum").is_some() {
                    continue;
                }
                let body = format!("{field}=a%00b").into_bytes();
                let media = "application/x-www-form-urlencoded";
                let answer =
                    refused_body(&app, &operation, token, (media, body), "validation_failed").await;
                assert!(
                    answer["errors"][0]["field"].is_string(),
                    "{}",
                    operation.name()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 150, "{checked}");
}

#[tokio::test]
async fn a_field_the_contract_does_not_name_is_refused_in_every_body() {
    let app = spawn_app().await;
    let mut checked = 0;
    for operation in Operation::all(&spec()) {
        let Some(example) = operation.json_example() else {
            continue;
        };
        let (body, field) = match example {
            Value::Object(mut map) => {
                map.insert("zzUnknown".into(), json!(1));
                (Value::Object(map), "zzUnknown".to_owned())
            }
            Value::Array(mut items) => {
                items[0]["zzUnknown"] = json!(1);
                (Value::Array(items), "[0].zzUnknown".to_owned())
            }
            other => panic!("{}: example {other}", operation.name()),
        };
        let token = token_for(&app, &operation).await;
        let bytes = serde_json::to_vec(&body).unwrap();
        let answer = refused_body(
            &app,
            &operation,
            token.as_deref(),
            ("application/json", bytes),
            "unknown_field",
        )
        .await;
        assert_eq!(
            answer["errors"][0]["field"],
            field.as_str(),
            "{}",
            operation.name()
        );
        checked += 1;
    }
    assert!(checked > 50, "{checked}");
}

#[tokio::test]
async fn a_family_is_refused_every_back_office_operation_whatever_it_sends() {
    let app = spawn_app().await;
    let family = app.token_of("family").await;
    let mut checked = 0;
    for operation in Operation::all(&spec())
        .into_iter()
        .filter(Operation::is_admin)
    {
        // Every query parameter of the wrong type, path ids that are not numbers, a body
        // that is not JSON: the role is checked first, whatever comes after.
        let query: Vec<(String, String)> = operation
            .parameters("query")
            .into_iter()
            .map(|p| {
                (
                    p["name"].as_str().unwrap().to_owned(),
                    "%7Bnot-valid".to_owned(),
                )
            })
            .chain([("page".to_owned(), "abc".to_owned())])
            .collect();
        let path = format!(
            "{}?{}",
            operation.path_with(|_| Some("abc".into())),
            query_string(&query)
        );
        let body = Some(("application/json", b"{not json".to_vec()));
        let response = send(&app, &operation, &path, Some(&family), body.clone()).await;
        problem(response, StatusCode::FORBIDDEN, "forbidden").await;
        let anonymous = send(&app, &operation, &path, None, body.clone()).await;
        problem(anonymous, StatusCode::UNAUTHORIZED, "unauthorized").await;
        // The same with `admin` percent-encoded (the router decodes it) and a NUL.
        let encoded = format!("{}&nul=%00", path.replacen("/admin/", "/%61dmin/", 1));
        let response = send(&app, &operation, &encoded, Some(&family), body).await;
        problem(response, StatusCode::FORBIDDEN, "forbidden").await;
        checked += 1;
    }
    assert!(checked > 60, "{checked}");
}

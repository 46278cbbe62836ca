//! The boundary holds for every operation, table-driven from the contract: a NUL
//! character in any text input is refused the same on both databases, a field the
//! contract does not name is refused in every body, and a family is refused every back
//! office operation before anything it sent is read.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tests::{TestApp, problem, spawn_app};

/// An operation of the contract, with what a test needs to call it.
struct Operation {
    method: Method,
    template: String,
    spec: Value,
}

impl Operation {
    fn all(spec: &Value) -> Vec<Operation> {
        let mut found = Vec::new();
        for (template, item) in spec["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                found.push(Operation {
                    method: method.to_uppercase().parse().unwrap(),
                    template: template.clone(),
                    spec: operation.clone(),
                });
            }
        }
        found
    }

    fn name(&self) -> String {
        format!("{} {}", self.method, self.template)
    }

    fn is_admin(&self) -> bool {
        self.template.starts_with("/api/v1/admin/")
    }

    fn is_public(&self) -> bool {
        self.spec["security"].as_array().is_some_and(Vec::is_empty)
    }

    fn parameters(&self, location: &str) -> Vec<&Value> {
        self.spec["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == location)
            .collect()
    }

    /// The path with each parameter replaced: `value(name)` or a sample of its type.
    fn path_with(&self, value: impl Fn(&str) -> Option<String>) -> String {
        let mut path = self.template.clone();
        for parameter in self.parameters("path") {
            let name = parameter["name"].as_str().unwrap();
            let text = value(name).unwrap_or_else(|| sample(&parameter["schema"]));
            path = path.replace(&format!("{{{name}}}"), &text);
        }
        path
    }

    /// A query holding every required parameter, with a sample of its type.
    fn required_query(&self) -> Vec<(String, String)> {
        self.parameters("query")
            .into_iter()
            .filter(|p| p["required"] == true)
            .map(|p| (p["name"].as_str().unwrap().to_owned(), sample(&p["schema"])))
            .collect()
    }

    fn json_example(&self) -> Option<Value> {
        self.spec["requestBody"]["content"]["application/json"]
            .get("example")
            .cloned()
    }
}

/// A value of a parameter's type that its schema accepts.
fn sample(schema: &Value) -> String {
    if let Some(example) = schema.get("example") {
        return example
            .as_str()
            .map_or_else(|| example.to_string(), str::to_owned);
    }
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.as_str().unwrap_or_default().to_owned();
    }
    match (schema["type"].as_str(), schema["format"].as_str()) {
        (_, Some("date")) => "2027-03-01".into(),
        (_, Some("date-time")) => "2027-03-01T08:00:00Z".into(),
        (Some("integer"), _) => schema["minimum"].as_i64().unwrap_or(1).max(1).to_string(),
        (Some("boolean"), _) => "true".into(),
        _ if schema["pattern"]
            .as_str()
            .is_some_and(|p| p.contains("[0-9]{4}-")) =>
        {
            "2027-03".into()
        }
        _ => "x".into(),
    }
}

fn query_string(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Every string of a JSON value, by where it is (`a.b[0]`), as the server names fields.
fn string_paths(value: &Value, at: &str, found: &mut Vec<String>) {
    match value {
        Value::String(_) => found.push(at.to_owned()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                string_paths(item, &format!("{at}[{i}]"), found);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let child = if at.is_empty() {
                    key.clone()
                } else {
                    format!("{at}.{key}")
                };
                string_paths(item, &child, found);
            }
        }
        _ => {}
    }
}

/// `value` with the string at `path` replaced.
fn with_string(value: &Value, path: &str, text: &str) -> Value {
    let mut copy = value.clone();
    let mut target = &mut copy;
    for part in path.split('.') {
        let (key, index) = match part.split_once('[') {
            Some((key, rest)) => (key, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        if !key.is_empty() {
            target = &mut target[key];
        }
        if let Some(i) = index {
            target = &mut target[i];
        }
    }
    *target = Value::String(text.to_owned());
    copy
}

/// The demo account that may call an operation: none, a family or an admin.
async fn token_for(app: &TestApp, operation: &Operation) -> Option<String> {
    if operation.is_public() {
        None
    } else if operation.is_admin() {
        Some(app.token_of("admin").await)
    } else {
        Some(app.token_of("family").await)
    }
}

async fn send(
    app: &TestApp,
    operation: &Operation,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, Vec<u8>)>,
) -> reqwest::Response {
    let mut request = app.request(operation.method.clone(), path);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some((media, bytes)) = body {
        request = request.header("content-type", media).body(bytes);
    }
    request.send().await.unwrap()
}

fn spec() -> Value {
    api::openapi::spec().unwrap()
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
        let path = format!(
            "{}?{}",
            operation.path_with(|_| None),
            query_string(&operation.required_query())
        );
        if let Some(example) = operation.json_example() {
            let mut strings = Vec::new();
            string_paths(&example, "", &mut strings);
            for field in strings {
                let body = with_string(&example, &field, "a\u{0}b");
                let bytes = serde_json::to_vec(&body).unwrap();
                let response = send(
                    &app,
                    &operation,
                    &path,
                    token.as_deref(),
                    Some(("application/json", bytes)),
                )
                .await;
                let answer = problem(response, StatusCode::BAD_REQUEST, "validation_failed").await;
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
            let response = send(
                &app,
                &operation,
                &path,
                token.as_deref(),
                Some(("text/csv", body)),
            )
            .await;
            let answer = problem(response, StatusCode::BAD_REQUEST, "validation_failed").await;
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
                let response = send(
                    &app,
                    &operation,
                    &path,
                    token.as_deref(),
                    Some((media, body)),
                )
                .await;
                let answer = problem(response, StatusCode::BAD_REQUEST, "validation_failed").await;
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
        let path = format!(
            "{}?{}",
            operation.path_with(|_| None),
            query_string(&operation.required_query())
        );
        let bytes = serde_json::to_vec(&body).unwrap();
        let response = send(
            &app,
            &operation,
            &path,
            token.as_deref(),
            Some(("application/json", bytes)),
        )
        .await;
        let answer = problem(response, StatusCode::BAD_REQUEST, "unknown_field").await;
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
        let anonymous = send(&app, &operation, &path, None, body).await;
        problem(anonymous, StatusCode::UNAUTHORIZED, "unauthorized").await;
        checked += 1;
    }
    assert!(checked > 60, "{checked}");
}

//! What a client developer reads: every operation, parameter, property and enum value
//! described, and an example, true to its schema, for every body sent or answered.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use tests::{TestApp, TestAppBuilder, json};

fn spec() -> Value {
    api::openapi::spec().unwrap()
}

fn described(value: &Value) -> bool {
    value["description"]
        .as_str()
        .is_some_and(|d| !d.trim().is_empty())
}

/// Every object schema with properties, with where it is.
fn objects<'a>(value: &'a Value, at: &str, found: &mut Vec<(String, &'a Value)>) {
    match value {
        Value::Object(map) => {
            if map.get("properties").is_some_and(Value::is_object) {
                found.push((at.to_owned(), value));
            }
            for (key, item) in map {
                if key != "example" && key != "examples" && key != "properties" {
                    objects(item, &format!("{at}/{key}"), found);
                }
            }
            for (name, property) in map
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                objects(property, &format!("{at}.{name}"), found);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                objects(item, &format!("{at}/{i}"), found);
            }
        }
        _ => {}
    }
}

#[test]
fn every_property_is_described() {
    let spec = spec();
    let mut found = Vec::new();
    objects(&spec, "", &mut found);
    let mut missing: Vec<String> = found
        .iter()
        .flat_map(|(at, object)| {
            object["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(_, property)| !described(property))
                .map(move |(name, _)| format!("{}.{name}", at.replace("/components/schemas/", "")))
        })
        .collect();
    missing.sort();
    assert!(
        missing.is_empty(),
        "{} properties lack a description:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

/// Every schema with an `enum`, with where it is.
fn enums<'a>(value: &'a Value, at: &str, found: &mut Vec<(String, &'a Value)>) {
    match value {
        Value::Object(map) => {
            if map.get("enum").is_some_and(Value::is_array) {
                found.push((at.to_owned(), value));
            }
            for (key, item) in map {
                if key != "example" && key != "examples" {
                    enums(item, &format!("{at}/{key}"), found);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                enums(item, &format!("{at}/{i}"), found);
            }
        }
        _ => {}
    }
}

#[test]
fn every_enum_value_is_described() {
    let spec = spec();
    let mut found = Vec::new();
    enums(&spec, "", &mut found);
    let mut missing = Vec::new();
    for (at, schema) in found {
        let values = schema["enum"].as_array().unwrap();
        // A union variant's tag has one value, described by the tag's description.
        if values.len() == 1 && described(schema) {
            continue;
        }
        let meanings = schema["x-enum-descriptions"].as_array();
        let complete = meanings.is_some_and(|m| {
            m.len() == values.len() && m.iter().all(|d| d.as_str().is_some_and(|d| !d.is_empty()))
        });
        if !complete {
            missing.push(at.replace("/components/schemas/", ""));
        }
    }
    missing.sort();
    assert!(
        missing.is_empty(),
        "{} enums lack a meaning for each value:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn every_operation_and_parameter_is_described() {
    let spec = spec();
    let mut missing = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if !described(operation) {
                missing.push(format!("{method} {path}"));
            }
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                // A parameter shared by several operations is written once, in
                // `components`, and referred to.
                let parameter = parameter["$ref"]
                    .as_str()
                    .and_then(|r| r.strip_prefix('#'))
                    .and_then(|pointer| spec.pointer(pointer))
                    .unwrap_or(parameter);
                if !described(parameter) {
                    missing.push(format!("{method} {path} parameter {}", parameter["name"]));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{} lack a description:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn every_body_and_successful_answer_has_an_example_true_to_its_schema() {
    let missing = api::openapi::examples_missing().unwrap();
    assert!(
        missing.is_empty(),
        "{} fields need an example:\n{}",
        missing.len(),
        missing.join("\n")
    );
    let spec = spec();
    let mut without = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let mut media: Vec<(String, &Value)> = Vec::new();
            for (name, entry) in operation["requestBody"]["content"]
                .as_object()
                .into_iter()
                .flatten()
            {
                media.push((format!("{method} {path} request {name}"), entry));
            }
            for (status, response) in operation["responses"].as_object().unwrap() {
                if status.starts_with('2') {
                    for (name, entry) in response["content"].as_object().into_iter().flatten() {
                        media.push((format!("{method} {path} {status} {name}"), entry));
                    }
                }
            }
            // Bytes (PDFs, images) have no example a document could hold.
            for (at, entry) in media {
                let bytes = entry["schema"]["format"] == "binary";
                if !bytes && entry.get("example").is_none() {
                    without.push(at);
                }
            }
        }
    }
    assert!(
        without.is_empty(),
        "without an example:\n{}",
        without.join("\n")
    );
    let broken = tests::contract::contract().example_errors();
    assert!(
        broken.is_empty(),
        "{} examples break their schema:\n{}",
        broken.len(),
        broken.join("\n")
    );
}

/// The example at `pointer` of the operation `id` (`/requestBody/content/text~1csv`...).
fn example_of(id: &str, pointer: &str) -> Value {
    let spec = spec();
    let operation = spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .find(|operation| operation["operationId"] == id)
        .unwrap_or_else(|| panic!("no operation {id}"))
        .clone();
    operation
        .pointer(&format!("{pointer}/example"))
        .unwrap_or_else(|| panic!("{id} has no example at {pointer}"))
        .clone()
}

fn text_example(id: &str, pointer: &str) -> String {
    example_of(id, pointer).as_str().unwrap().to_owned()
}

/// A form example as the browser or PayFiP sends it.
fn form_of(example: &Value) -> String {
    example
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, value)| format!("{name}={}", value.as_str().unwrap()))
        .collect::<Vec<_>>()
        .join("&")
}

async fn send_text(
    app: &TestApp,
    token: &str,
    path: &str,
    media: &str,
    body: String,
) -> reqwest::Response {
    app.authed(Method::POST, path, token)
        .header("Content-Type", media)
        .body(body)
        .send()
        .await
        .unwrap()
}

/// The examples of files, text and forms are what the server takes and gives: the judge
/// checks JSON examples against their schemas, these are checked against the server.
#[tokio::test]
async fn the_examples_of_files_text_and_forms_are_what_the_server_takes_and_gives() {
    let app = TestAppBuilder::default()
        .setting("SEED_DEMO_FILES", "true")
        .spawn()
        .await;
    let admin = app.token_of("admin").await;
    let family = app.token_of("family").await;

    // The imports take their examples.
    let csv = text_example("checkDossierImport", "/requestBody/content/text~1csv");
    let path = "/api/v1/admin/dossier-imports?fileName=familles.csv";
    let checked = json(
        send_text(&app, &admin, path, "text/csv", csv).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(checked["rowsTotal"], 2);
    assert_eq!(checked["rowsRejected"], 0);
    let csv = text_example("importSchoolCalendar", "/requestBody/content/text~1csv");
    let path = "/api/v1/admin/school-calendar/imports";
    let imported = json(
        send_text(&app, &admin, path, "text/csv", csv).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(imported["schoolYears"], serde_json::json!(["2026-2027"]));

    // The exports name the columns their examples name (the judge compares them).
    for (id, path) in [
        (
            "exportInvoices",
            "/api/v1/admin/exports/invoices?month=2026-06",
        ),
        (
            "exportPayments",
            "/api/v1/admin/exports/payments?month=2026-06",
        ),
    ] {
        let example = text_example(id, "/responses/200/content/text~1csv");
        let answer = app.get_authed(path, &admin).await;
        assert_eq!(answer.status(), StatusCode::OK);
        let text = answer.text().await.unwrap();
        assert_eq!(text.lines().next(), example.lines().next(), "{id}");
    }

    // The feed's calendar lines, up to its first event, are its example's (Eliot's).
    let feed = json(
        app.authed(Method::POST, "/api/v1/children/2/calendar-feed", &family)
            .send()
            .await
            .unwrap(),
        StatusCode::CREATED,
    )
    .await;
    let answer = app.get(feed["path"].as_str().unwrap()).await;
    assert_eq!(answer.status(), StatusCode::OK);
    let text = answer.text().await.unwrap();
    let head = |text: &str| {
        text.split("BEGIN:VEVENT")
            .next()
            .unwrap_or_default()
            .replace("END:VCALENDAR\r\n", "")
    };
    let example = text_example("getCalendarFeed", "/responses/200/content/text~1calendar");
    assert_eq!(head(&text), head(&example));
    assert!(head(&text).contains("NAME:Planning d'Eliot"));

    // The sandbox's page starts as its example does, and takes its form's example.
    let invoices = json(
        app.get_authed("/api/v1/invoices", &family).await,
        StatusCode::OK,
    )
    .await;
    let invoice = invoices["items"][0]["id"].as_i64().unwrap();
    let started = json(
        app.authed(
            Method::POST,
            &format!("/api/v1/invoices/{invoice}/online-payments"),
            &family,
        )
        .header("Idempotency-Key", "exemple-de-page")
        .send()
        .await
        .unwrap(),
        StatusCode::CREATED,
    )
    .await;
    let page = tests::TestApp::local(started["redirectUrl"].as_str().unwrap());
    let html = app.get(page).await.text().await.unwrap();
    let example = text_example("showSandboxPayment", "/responses/200/content/text~1html");
    let before_amount = |text: &str| text.split("Montant").next().unwrap_or_default().to_owned();
    assert_eq!(before_amount(&html), before_amount(&example));
    let form = form_of(&example_of(
        "endSandboxPayment",
        "/requestBody/content/application~1x-www-form-urlencoded",
    ));
    let ended = app
        .request(Method::POST, page)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), StatusCode::SEE_OTHER);

    // PayFiP's form example is taken and answered with the text example.
    let form = form_of(&example_of(
        "receivePayFipNotification",
        "/requestBody/content/application~1x-www-form-urlencoded",
    ));
    let answer = app
        .request(Method::POST, "/api/v1/payfip/notifications")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    let example = text_example(
        "receivePayFipNotification",
        "/responses/200/content/text~1plain",
    );
    assert_eq!(answer.text().await.unwrap(), example);
}

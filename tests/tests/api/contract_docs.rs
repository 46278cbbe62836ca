//! What a client developer reads: every operation, parameter, property and enum value
//! described, and an example, true to its schema, for every body sent or answered.

use serde_json::Value;

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
fn every_json_body_and_successful_answer_has_an_example_true_to_its_schema() {
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
            for (at, entry) in media {
                if at.ends_with("json") && entry.get("example").is_none() {
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

//! What generated clients need from the document's shape: one name per type, pages
//! that refer to their items, named and discriminated unions, request bodies that
//! refuse unknown fields, files typed as files.

use serde_json::Value;

fn spec() -> Value {
    api::openapi::spec().unwrap()
}

fn schemas(spec: &Value) -> &serde_json::Map<String, Value> {
    spec["components"]["schemas"].as_object().unwrap()
}

/// Every schema object of the document (components, parameters, bodies), with where it is.
fn every_schema<'a>(value: &'a Value, at: &str, found: &mut Vec<(String, &'a Value)>) {
    match value {
        Value::Object(map) => {
            if map.contains_key("type") || map.contains_key("oneOf") || map.contains_key("anyOf") {
                found.push((at.to_owned(), value));
            }
            for (key, item) in map {
                if key != "example" && key != "examples" {
                    every_schema(item, &format!("{at}/{key}"), found);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                every_schema(item, &format!("{at}/{i}"), found);
            }
        }
        _ => {}
    }
}

#[test]
fn no_two_rust_types_claim_one_component_name() {
    let collisions = api::openapi::name_collisions();
    assert!(collisions.is_empty(), "{collisions:#?}");
}

#[test]
fn component_names_follow_the_naming_convention() {
    let spec = spec();
    for name in schemas(&spec).keys() {
        assert!(
            name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && name.chars().all(|c| c.is_ascii_alphanumeric()),
            "{name} is not PascalCase"
        );
        for suffix in ["View", "Form"] {
            assert!(
                !name.ends_with(suffix),
                "{name}: the contract has no {suffix} suffix"
            );
        }
    }
}

#[test]
fn a_page_refers_to_its_items_schema() {
    let spec = spec();
    let pages: Vec<(&String, &Value)> = schemas(&spec)
        .iter()
        .filter(|(name, _)| name.ends_with("Page"))
        .collect();
    assert!(pages.len() >= 15, "{}", pages.len());
    for (name, page) in pages {
        let item = page["properties"]["items"]["items"]["$ref"]
            .as_str()
            .unwrap_or_default();
        assert_eq!(
            item,
            format!("#/components/schemas/{}", name.trim_end_matches("Page")),
            "{name}"
        );
        for field in ["page", "pageSize", "total"] {
            assert!(
                page["properties"][field].is_object(),
                "{name} lacks {field}"
            );
        }
    }
}

#[test]
fn every_one_of_has_named_variants_and_a_discriminator() {
    let spec = spec();
    let mut found = Vec::new();
    every_schema(&spec, "", &mut found);
    let unions: Vec<_> = found
        .iter()
        .filter(|(_, s)| s.get("oneOf").is_some())
        .collect();
    assert!(!unions.is_empty());
    for (at, union) in unions {
        let property = union["discriminator"]["propertyName"]
            .as_str()
            .unwrap_or_else(|| panic!("{at}: a oneOf without a discriminator"));
        for variant in union["oneOf"].as_array().unwrap() {
            let reference = variant["$ref"]
                .as_str()
                .unwrap_or_else(|| panic!("{at}: an unnamed variant {variant}"));
            let name = reference.trim_start_matches("#/components/schemas/");
            let target = &schemas(&spec)[name];
            let tag = &target["properties"][property]["enum"];
            assert_eq!(
                tag.as_array().map(Vec::len),
                Some(1),
                "{name} lacks its {property}"
            );
            assert_eq!(
                union["discriminator"]["mapping"][tag[0].as_str().unwrap()],
                reference,
                "{at}"
            );
        }
    }
}

/// The object schemas a schema reaches, following references.
fn reached<'a>(
    schema: &'a Value,
    spec: &'a Value,
    seen: &mut Vec<String>,
    out: &mut Vec<(String, &'a Value)>,
) {
    if let Some(name) = schema["$ref"]
        .as_str()
        .map(|r| r.trim_start_matches("#/components/schemas/"))
    {
        if !seen.iter().any(|s| s == name) {
            seen.push(name.to_owned());
            reached(&spec["components"]["schemas"][name], spec, seen, out);
        }
        return;
    }
    if schema.get("properties").is_some() {
        out.push((seen.last().cloned().unwrap_or_default(), schema));
        for property in schema["properties"].as_object().unwrap().values() {
            reached(property, spec, seen, out);
        }
    }
    for key in ["items", "additionalProperties"] {
        if schema[key].is_object() {
            reached(&schema[key], spec, seen, out);
        }
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        for member in schema[key].as_array().into_iter().flatten() {
            reached(member, spec, seen, out);
        }
    }
}

#[test]
fn request_bodies_refuse_fields_they_do_not_name() {
    let spec = spec();
    let mut checked = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for (media, entry) in operation["requestBody"]["content"]
                .as_object()
                .into_iter()
                .flatten()
            {
                if !media.ends_with("json") && !media.ends_with("x-www-form-urlencoded") {
                    continue;
                }
                // RFC 6749 (3.1, 3.2): an authorization server ignores the parameters
                // it does not know; OAuth libraries send some of their own.
                if path.starts_with("/api/v1/oauth/") {
                    continue;
                }
                let mut objects = Vec::new();
                reached(&entry["schema"], &spec, &mut Vec::new(), &mut objects);
                for (name, object) in objects {
                    checked += 1;
                    assert_eq!(
                        object["additionalProperties"],
                        Value::Bool(false),
                        "{method} {path}: {name} must say additionalProperties: false"
                    );
                }
            }
        }
    }
    assert!(checked > 40, "{checked}");
}

#[test]
fn files_are_typed_as_files() {
    let spec = spec();
    let mut files = 0;
    let mut check = |at: String, media: &str, entry: &Value| {
        if media.ends_with("json") || media == "application/x-www-form-urlencoded" {
            return;
        }
        files += 1;
        let schema = &entry["schema"];
        assert_eq!(schema["type"], "string", "{at} {media}");
        if !media.starts_with("text/") {
            assert_eq!(schema["format"], "binary", "{at} {media}");
        }
    };
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for (media, entry) in operation["requestBody"]["content"]
                .as_object()
                .into_iter()
                .flatten()
            {
                check(format!("{method} {path} request"), media, entry);
            }
            for (status, response) in operation["responses"].as_object().unwrap() {
                for (media, entry) in response["content"].as_object().into_iter().flatten() {
                    check(format!("{method} {path} {status}"), media, entry);
                }
            }
        }
    }
    assert!(files >= 20, "{files}");
}

#[test]
fn parameters_refer_to_their_enums() {
    let spec = spec();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                assert!(
                    parameter["schema"].get("enum").is_none(),
                    "{method} {path}: parameter {} copies an enum instead of referring to it",
                    parameter["name"]
                );
            }
        }
    }
}

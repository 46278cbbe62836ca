//! An example for every JSON or form request body and successful JSON answer (files and
//! text carry theirs on their handlers), composed from the
//! examples the schemas carry: an operation's own example when it has one, else each
//! property's (`#[schema(example = ...)]`), a component's, an enum's first value, a
//! format's usual value. Text has no usual value: a string property without an example,
//! an enum or a known format leaves its body without one, and is reported (a contract
//! test fails on any).

use serde_json::{Map, Value, json};

/// How deep a composed example goes before it stops following references.
const MAX_DEPTH: usize = 12;

/// Attaches the examples; returns the fields that lack one, where a body needed it.
pub fn attach(spec: &mut Value) -> Vec<String> {
    let components = spec["components"]["schemas"].clone();
    let mut missing = Vec::new();
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        return missing;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            let place = format!("{} {path}", method.to_uppercase());
            if let Some(content) = operation.pointer_mut("/requestBody/content") {
                fill(
                    content,
                    &components,
                    &format!("{place} request"),
                    &mut missing,
                );
            }
            let Some(responses) = operation
                .get_mut("responses")
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            for (status, response) in responses.iter_mut() {
                if !status.starts_with('2') {
                    continue;
                }
                if let Some(content) = response.get_mut("content") {
                    fill(
                        content,
                        &components,
                        &format!("{place} {status}"),
                        &mut missing,
                    );
                }
            }
        }
    }
    missing.sort();
    missing.dedup();
    missing
}

/// Gives each JSON or form media type of `content` an example, unless it has one.
fn fill(content: &mut Value, components: &Value, place: &str, missing: &mut Vec<String>) {
    let Some(content) = content.as_object_mut() else {
        return;
    };
    for (media, entry) in content.iter_mut() {
        let structured = media == "application/json"
            || media.ends_with("+json")
            || media == "application/x-www-form-urlencoded";
        if !structured || entry.get("example").is_some() || entry.get("examples").is_some() {
            continue;
        }
        let mut composer = Composer {
            components,
            missing: Vec::new(),
        };
        let example = composer.compose(&entry["schema"], place, 0);
        if composer.missing.is_empty() {
            entry["example"] = example;
        } else {
            missing.extend(composer.missing);
        }
    }
}

struct Composer<'a> {
    components: &'a Value,
    missing: Vec<String>,
}

impl Composer<'_> {
    fn compose(&mut self, schema: &Value, at: &str, depth: usize) -> Value {
        if let Some(example) = schema.get("example") {
            return example.clone();
        }
        if let Some(Value::Array(examples)) = schema.get("examples")
            && let Some(first) = examples.first()
        {
            return first.clone();
        }
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        if let Some(name) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
        {
            return self.compose(&self.components[name].clone(), name, depth + 1);
        }
        for union in ["oneOf", "anyOf"] {
            if let Some(Value::Array(members)) = schema.get(union)
                && let Some(first) = members
                    .iter()
                    .find(|m| m.get("type") != Some(&json!("null")))
            {
                return self.compose(first, at, depth + 1);
            }
        }
        if let Some(Value::Array(values)) = schema.get("enum")
            && let Some(first) = values.first()
        {
            return first.clone();
        }
        match schema_type(schema) {
            Some("object") | None if schema.get("properties").is_some() => {
                let mut object = Map::new();
                if let Some(properties) = schema["properties"].as_object() {
                    for (name, property) in properties {
                        let value = self.compose(property, &format!("{at}.{name}"), depth + 1);
                        object.insert(name.clone(), value);
                    }
                }
                Value::Object(object)
            }
            Some("object") => match schema.get("additionalProperties") {
                Some(values) if values.is_object() => {
                    let value = self.compose(values, &format!("{at}.*"), depth + 1);
                    json!({ "key": value })
                }
                _ => json!({}),
            },
            Some("array") => {
                let item = self.compose(&schema["items"], &format!("{at}[]"), depth + 1);
                json!([item])
            }
            Some("integer") | Some("number") => schema.get("minimum").cloned().unwrap_or(json!(1)),
            Some("boolean") => json!(true),
            Some("null") => Value::Null,
            Some("string") => match schema.get("format").and_then(Value::as_str) {
                Some("date") => json!("2026-09-01"),
                Some("date-time") => json!("2026-09-01T07:30:00Z"),
                Some("email") => json!("famille.ti@exemple.fr"),
                Some("uri") => json!("https://familles.example.fr/"),
                Some("uuid") => json!("5f0c6a0e-3c1f-4b52-9d9e-8d7a3c2b1a00"),
                _ => {
                    self.missing.push(at.to_owned());
                    Value::Null
                }
            },
            _ => Value::Null,
        }
    }
}

/// A schema's type, the non-null one of a `[type, "null"]` pair.
fn schema_type(schema: &Value) -> Option<&str> {
    match schema.get("type")? {
        Value::String(t) => Some(t),
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec_with(schema: Value, components: Value) -> Value {
        json!({
            "paths": {"/x": {"get": {"responses": {"200": {"content": {
                "application/json": {"schema": schema}
            }}}}}},
            "components": {"schemas": components}
        })
    }

    #[test]
    fn an_example_is_composed_from_the_properties_examples() {
        let mut spec = spec_with(
            json!({"type": "array", "items": {"$ref": "#/components/schemas/Child"}}),
            json!({"Child": {"type": "object", "properties": {
                "id": {"type": "integer", "minimum": 1},
                "firstName": {"type": "string", "example": "Luc"},
                "birthDate": {"type": "string", "format": "date"},
                "level": {"anyOf": [{"$ref": "#/components/schemas/Level"}, {"type": "null"}]}
            }}, "Level": {"type": "string", "enum": ["PS", "MS"]}}),
        );
        assert!(attach(&mut spec).is_empty());
        assert_eq!(
            spec.pointer("/paths/~1x/get/responses/200/content/application~1json/example")
                .unwrap(),
            &json!([{"id": 1, "firstName": "Luc", "birthDate": "2026-09-01", "level": "PS"}])
        );
    }

    #[test]
    fn text_without_an_example_is_named() {
        let mut spec = spec_with(
            json!({"$ref": "#/components/schemas/Child"}),
            json!({"Child": {"type": "object", "properties": {"firstName": {"type": "string"}}}}),
        );
        assert_eq!(attach(&mut spec), ["Child.firstName"]);
    }
}

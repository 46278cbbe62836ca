//! The contract's operations as tests walk them, table-driven: each with a path and a
//! query its schema accepts, the demo account that may call it, and a way to send it.

use reqwest::Method;
use serde_json::Value;

use crate::TestApp;

/// An operation of the contract, with what a test needs to call it.
#[derive(Debug)]
pub struct Operation {
    pub method: Method,
    pub template: String,
    pub spec: Value,
    /// The document's component schemas, for parameters that refer to one.
    pub components: std::sync::Arc<Value>,
}

impl Operation {
    pub fn all(spec: &Value) -> Vec<Operation> {
        let components = std::sync::Arc::new(spec["components"]["schemas"].clone());
        let mut found = Vec::new();
        for (template, item) in spec["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                found.push(Operation {
                    method: method.to_uppercase().parse().unwrap(),
                    template: template.clone(),
                    spec: operation.clone(),
                    components: components.clone(),
                });
            }
        }
        found
    }

    pub fn name(&self) -> String {
        format!("{} {}", self.method, self.template)
    }

    pub fn is_admin(&self) -> bool {
        self.template.starts_with("/api/v1/admin/")
    }

    /// No security requirement, or an empty one (`[{}]`: anyone).
    pub fn is_public(&self) -> bool {
        self.spec["security"].as_array().is_some_and(|s| {
            s.is_empty()
                || s.iter()
                    .any(|r| r.as_object().is_some_and(|r| r.is_empty()))
        })
    }

    pub fn parameters(&self, location: &str) -> Vec<&Value> {
        self.spec["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == location)
            .collect()
    }

    /// The path with each parameter replaced: `value(name)` or a sample of its type.
    pub fn path_with(&self, value: impl Fn(&str) -> Option<String>) -> String {
        let mut path = self.template.clone();
        for parameter in self.parameters("path") {
            let name = parameter["name"].as_str().unwrap();
            let text = value(name).unwrap_or_else(|| self.sample(&parameter["schema"]));
            path = path.replace(&format!("{{{name}}}"), &text);
        }
        path
    }

    /// A query holding every required parameter, with a sample of its type.
    pub fn required_query(&self) -> Vec<(String, String)> {
        self.parameters("query")
            .into_iter()
            .filter(|p| p["required"] == true)
            .map(|p| {
                (
                    p["name"].as_str().unwrap().to_owned(),
                    self.sample(&p["schema"]),
                )
            })
            .collect()
    }

    /// A body the operation takes: its JSON example, or a small PDF for a file, or a
    /// CSV line; none for an operation without a body.
    pub fn sample_body(&self) -> Option<(&'static str, Vec<u8>)> {
        let content = self.spec["requestBody"]["content"].as_object()?;
        if let Some(example) = self.json_example() {
            return Some(("application/json", serde_json::to_vec(&example).ok()?));
        }
        if content.contains_key("application/pdf") {
            return Some(("application/pdf", b"%PDF-1.4\n%%EOF\n".to_vec()));
        }
        content
            .contains_key("text/csv")
            .then(|| ("text/csv", b"a;b\n".to_vec()))
    }

    pub fn json_example(&self) -> Option<Value> {
        self.spec["requestBody"]["content"]["application/json"]
            .get("example")
            .cloned()
    }
}

impl Operation {
    /// A value of a parameter's type that its schema accepts.
    pub fn sample(&self, schema: &Value) -> String {
        match schema["$ref"].as_str() {
            Some(reference) => {
                let name = reference.trim_start_matches("#/components/schemas/");
                sample(&self.components[name])
            }
            None => sample(schema),
        }
    }
}

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

pub fn query_string(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Every string of a JSON value, by where it is (`a.b[0]`), as the server names fields.
pub fn string_paths(value: &Value, at: &str, found: &mut Vec<String>) {
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
pub fn with_string(value: &Value, path: &str, text: &str) -> Value {
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
pub async fn token_for(app: &TestApp, operation: &Operation) -> Option<String> {
    if operation.is_public() {
        None
    } else if operation.is_admin() {
        Some(app.token_of("admin").await)
    } else {
        Some(app.token_of("family").await)
    }
}

pub async fn send(
    app: &TestApp,
    operation: &Operation,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, Vec<u8>)>,
) -> reqwest::Response {
    send_with(app, operation, path, token, body, &[]).await
}

/// [`send`] with headers (`If-Match`, `Idempotency-Key`).
pub async fn send_with(
    app: &TestApp,
    operation: &Operation,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, Vec<u8>)>,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = app.request(operation.method.clone(), path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some((media, bytes)) = body {
        request = request.header("content-type", media).body(bytes);
    }
    request.send().await.unwrap()
}

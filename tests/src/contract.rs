//! The contract as a judge of every exchange: each request a test sends and each
//! answer it gets is checked against what `openapi.yaml` documents for that operation.
//!
//! - A request the spec refuses (body, path or query parameter) must be refused by the
//!   server (4xx); one the spec allows must never be refused for its shape.
//! - An answer's status and media type must be documented; a JSON body (problem+json
//!   included) must match its schema, with no field the schema does not name; a problem's
//!   `code` must be one the operation lists for that status (`x-problem-codes`).
//!
//! A mismatch panics, so the test that met it fails with the exchange in its message.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use reqwest::Method;
use serde_json::{Map, Value, json};

/// What was sent, as the judge needs it.
#[derive(Debug)]
pub struct Sent<'a> {
    pub method: &'a Method,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub body: Option<&'a [u8]>,
}

/// What came back.
#[derive(Debug)]
pub struct Received<'a> {
    pub status: u16,
    pub content_type: Option<&'a str>,
    pub body: &'a [u8],
}

/// The codes a request refused for its shape answers: never for a request the spec allows.
const SHAPE_CODES: &[&str] = &[
    "malformed_json",
    "invalid_body",
    "unknown_field",
    "invalid_path_parameter",
    "invalid_query_parameter",
    "unsupported_media_type",
];

/// Paths outside the API's contract: the docs and the spec itself.
fn outside_contract(path: &str) -> bool {
    path == "/docs" || path.starts_with("/docs/") || path.starts_with("/api/openapi.")
}

pub struct Contract {
    spec: Value,
    /// Every component schema under `$defs`, references rewritten, objects closed.
    defs: Value,
    operations: Vec<Operation>,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

impl std::fmt::Debug for Contract {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Contract")
            .field("operations", &self.operations.len())
            .finish()
    }
}

#[derive(Debug)]
struct Operation {
    method: String,
    template: String,
    segments: Vec<String>,
}

/// The contract of the code under test (the committed file is that same document:
/// the contract tests compare them).
pub fn contract() -> &'static Contract {
    static CONTRACT: OnceLock<Contract> = OnceLock::new();
    CONTRACT.get_or_init(|| Contract::new(api::openapi::spec().expect("the spec is built")))
}

impl Contract {
    pub fn new(spec: Value) -> Self {
        let components = spec["components"]["schemas"].clone();
        let mut defs = Map::new();
        if let Some(schemas) = components.as_object() {
            for (name, schema) in schemas {
                defs.insert(name.clone(), judged(schema, &components));
            }
        }
        let mut operations = Vec::new();
        if let Some(paths) = spec["paths"].as_object() {
            for (template, item) in paths {
                for method in item.as_object().into_iter().flat_map(|m| m.keys()) {
                    operations.push(Operation {
                        method: method.to_ascii_uppercase(),
                        template: template.clone(),
                        segments: template.split('/').map(str::to_owned).collect(),
                    });
                }
            }
        }
        Self {
            spec,
            defs: Value::Object(defs),
            operations,
            validators: Mutex::new(HashMap::new()),
        }
    }

    /// The spec path of the operation a request reaches: literal segments win over
    /// parameters (`/billing-runs/preview` over `/billing-runs/{runId}`).
    fn route(&self, method: &str, path: &str) -> Option<&Operation> {
        let segments: Vec<&str> = path.split('/').collect();
        self.operations
            .iter()
            .filter(|o| o.method == method && o.segments.len() == segments.len())
            .filter_map(|o| {
                let mut literal = 0;
                for (template, actual) in o.segments.iter().zip(&segments) {
                    if template.starts_with('{') {
                        if actual.is_empty() {
                            return None;
                        }
                    } else if *template == percent_decode(actual) {
                        literal += 1;
                    } else {
                        return None;
                    }
                }
                Some((literal, o))
            })
            .max_by_key(|(literal, _)| *literal)
            .map(|(_, o)| o)
    }

    fn path_exists(&self, path: &str) -> bool {
        ["GET", "POST", "PUT", "DELETE", "PATCH"]
            .iter()
            .any(|m| self.route(m, path).is_some())
    }

    fn operation(&self, o: &Operation) -> &Value {
        &self.spec["paths"][&o.template][o.method.to_ascii_lowercase()]
    }

    /// A validator of `schema` (a schema of the spec, by where it is), built once.
    fn validator(&self, key: &str, schema: &Value) -> Arc<jsonschema::Validator> {
        let mut cache = self.validators.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = cache.get(key) {
            return v.clone();
        }
        let mut root = judged(schema, &self.spec["components"]["schemas"]);
        if let Value::Object(map) = &mut root {
            map.insert("$defs".into(), self.defs.clone());
        } else {
            root = json!({"$defs": self.defs, "allOf": [root]});
        }
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&root)
            .unwrap_or_else(|e| panic!("the spec's schema at {key} does not compile: {e}"));
        let validator = Arc::new(validator);
        cache.insert(key.to_owned(), validator.clone());
        validator
    }

    /// Every example of a request body or an answer that breaks its own schema
    /// (judged as answers are: closed objects, formats checked).
    pub fn example_errors(&self) -> Vec<String> {
        let mut found = Vec::new();
        for o in &self.operations {
            let operation = self.operation(o);
            let mut media = Vec::new();
            for (name, entry) in operation["requestBody"]["content"]
                .as_object()
                .into_iter()
                .flatten()
            {
                media.push((format!("{} {} request {name}", o.method, o.template), entry));
            }
            for (status, response) in operation["responses"].as_object().into_iter().flatten() {
                for (name, entry) in response["content"].as_object().into_iter().flatten() {
                    media.push((
                        format!("{} {} {status} {name}", o.method, o.template),
                        entry,
                    ));
                }
            }
            for (at, entry) in media {
                if let Some(example) = entry.get("example") {
                    for e in self.errors(&format!("{at} example"), &entry["schema"], example) {
                        found.push(format!("{at}: {e}"));
                    }
                }
            }
        }
        found
    }

    fn errors(&self, key: &str, schema: &Value, instance: &Value) -> Vec<String> {
        self.validator(key, schema)
            .iter_errors(instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect()
    }

    /// Why the spec refuses this request, if it does.
    fn refusals(&self, o: &Operation, operation: &Value, sent: &Sent<'_>) -> Vec<String> {
        let key = format!("{} {}", o.method, o.template);
        let mut refusals = Vec::new();
        let parameters = operation["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        // Path parameters, by position in the template.
        for (template, actual) in o.segments.iter().zip(sent.path.split('/')) {
            let Some(name) = template.strip_prefix('{').and_then(|t| t.strip_suffix('}')) else {
                continue;
            };
            let decoded = percent_decode(actual);
            if let Some(p) = find_parameter(&parameters, "path", name) {
                let value = typed(&decoded, &p["schema"]);
                for e in self.errors(&format!("{key} path {name}"), &p["schema"], &value) {
                    refusals.push(format!("path parameter {name}={decoded:?}: {e}"));
                }
            } else {
                refusals.push(format!("path parameter {name} is not documented"));
            }
        }
        // Query parameters: each must be documented and match its schema.
        let pairs: Vec<(String, String)> = sent
            .query
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (percent_decode(k), percent_decode(v))
            })
            .collect();
        for (name, value) in &pairs {
            match find_parameter(&parameters, "query", name) {
                Some(p) => {
                    let typed_value = typed(value, &p["schema"]);
                    for e in self.errors(&format!("{key} query {name}"), &p["schema"], &typed_value)
                    {
                        refusals.push(format!("query parameter {name}={value:?}: {e}"));
                    }
                }
                None => refusals.push(format!("query parameter {name} is not documented")),
            }
        }
        for p in &parameters {
            if p["in"] == "query"
                && p["required"] == true
                && !pairs
                    .iter()
                    .any(|(k, _)| Some(k.as_str()) == p["name"].as_str())
            {
                refusals.push(format!("required query parameter {} missing", p["name"]));
            }
        }
        // The body.
        let body = sent.body.filter(|b| !b.is_empty());
        let request_body = &operation["requestBody"];
        if request_body.is_null() {
            return refusals;
        }
        let Some(bytes) = body else {
            if request_body["required"] == true {
                refusals.push("the body is required".into());
            }
            return refusals;
        };
        let media = sent.content_type.map(media_type).unwrap_or_default();
        let Some(documented) = request_body["content"].get(&media) else {
            refusals.push(format!("the body's media type {media:?} is not documented"));
            return refusals;
        };
        if is_json(&media) {
            match serde_json::from_slice::<Value>(bytes) {
                Ok(value) => {
                    for e in self.errors(&format!("{key} body"), &documented["schema"], &value) {
                        refusals.push(format!("body: {e}"));
                    }
                }
                Err(e) => refusals.push(format!("the body is not JSON: {e}")),
            }
        } else if media == "application/x-www-form-urlencoded" {
            // A form's fields as the strings they are.
            let form: Map<String, Value> = String::from_utf8_lossy(bytes)
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap_or((p, ""));
                    (percent_decode(k), Value::String(percent_decode(v)))
                })
                .collect();
            let value = Value::Object(form);
            for e in self.errors(&format!("{key} form"), &documented["schema"], &value) {
                refusals.push(format!("form: {e}"));
            }
        }
        refusals
    }

    /// Checks one exchange, panicking with the exchange when it breaks the contract;
    /// false when the exchange lies outside the contract (CORS preflights, the docs).
    pub fn judge(&self, sent: &Sent<'_>, received: &Received<'_>) -> bool {
        if sent.method == Method::OPTIONS || outside_contract(sent.path) {
            return false;
        }
        let method = if sent.method == Method::HEAD {
            "GET"
        } else {
            sent.method.as_str()
        };
        let exchange = || {
            format!(
                "{} {}{}{} -> {} {}",
                sent.method,
                sent.path,
                sent.query.map(|q| format!("?{q}")).unwrap_or_default(),
                sent.body
                    .filter(|b| !b.is_empty())
                    .map(|b| format!(" with {}", excerpt(b)))
                    .unwrap_or_default(),
                received.status,
                excerpt(received.body)
            )
        };
        let fail =
            |why: String| -> ! { panic!("contract broken: {why}\n  exchange: {}", exchange()) };
        let media = received.content_type.map(media_type);
        let Some(o) = self.route(method, sent.path) else {
            // No operation: the framework's 404 or 405, as a problem.
            let expected = if self.path_exists(sent.path) {
                405
            } else {
                404
            };
            if received.status != expected {
                fail(format!("no operation here, so {expected} was due"));
            }
            if sent.method == Method::HEAD {
                if media.as_deref() != Some("application/problem+json") {
                    fail("an error must be application/problem+json".into());
                }
                return true;
            }
            self.check_problem_body(&exchange(), media.as_deref(), received.body, None);
            return true;
        };
        let operation = self.operation(o);
        let refusals = self.refusals(o, operation, sent);
        let status = received.status;
        let key = status.to_string();
        let response = operation["responses"]
            .get(&key)
            .or_else(|| operation["responses"].get(format!("{}XX", status / 100)))
            .or_else(|| operation["responses"].get("default"))
            .unwrap_or_else(|| {
                fail(format!(
                    "status {status} is not documented for {} {}",
                    o.method, o.template
                ))
            });
        if !refusals.is_empty() && !(400..500).contains(&status) {
            fail(format!(
                "the spec refuses this request ({}), the server answered {status}",
                refusals.join("; ")
            ));
        }
        let problem = media.as_deref() == Some("application/problem+json");
        if problem && refusals.is_empty() && status == 400 {
            let code = serde_json::from_slice::<Value>(received.body)
                .ok()
                .and_then(|b| b["code"].as_str().map(str::to_owned))
                .unwrap_or_default();
            if SHAPE_CODES.contains(&code.as_str()) {
                fail(format!(
                    "the server refused for its shape ({code}) a request the spec allows"
                ));
            }
        }
        let content = &response["content"];
        if sent.method == Method::HEAD || received.body.is_empty() {
            if received.body.is_empty()
                && sent.method != Method::HEAD
                && content.as_object().is_some_and(|c| !c.is_empty())
                && !content
                    .as_object()
                    .is_some_and(|c| c.contains_key("application/octet-stream"))
            {
                fail(format!("status {status} documents a body; none came"));
            }
            return true;
        }
        let Some(media) = media else {
            fail("a body without a Content-Type".into());
        };
        self.judge_body(o, response, &media, received, &exchange);
        true
    }

    /// Judges a body of `media` against what the operation's `response` documents.
    fn judge_body(
        &self,
        o: &Operation,
        response: &Value,
        media: &str,
        received: &Received<'_>,
        exchange: &dyn Fn() -> String,
    ) {
        let fail =
            |why: String| -> ! { panic!("contract broken: {why}\n  exchange: {}", exchange()) };
        let status = received.status;
        let content = &response["content"];
        let problem = media == "application/problem+json";
        let Some(documented) = content.get(media) else {
            fail(format!(
                "media type {media} is not documented for status {status} (documented: {})",
                content
                    .as_object()
                    .map(|c| c.keys().cloned().collect::<Vec<_>>().join(", "))
                    .unwrap_or_default()
            ));
        };
        if problem {
            if let Some(code) = serde_json::from_slice::<Value>(received.body)
                .ok()
                .and_then(|b| b["code"].as_str().map(str::to_owned))
            {
                observe(&format!("{} {} {status} {code}", o.method, o.template));
            }
            let codes = response["x-problem-codes"].as_array().map(|codes| {
                codes
                    .iter()
                    .filter_map(|c| c["code"].as_str().or_else(|| c.as_str()))
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            });
            self.check_problem_body(&exchange(), Some(media), received.body, codes.as_deref());
        } else if is_json(media) {
            let value: Value = serde_json::from_slice(received.body)
                .unwrap_or_else(|e| fail(format!("the {media} body is not JSON: {e}")));
            let errors = self.errors(
                &format!("{} {} {status} {media}", o.method, o.template),
                &documented["schema"],
                &value,
            );
            if !errors.is_empty() {
                fail(format!("the body breaks its schema: {}", errors.join("; ")));
            }
        } else if media == "text/csv" {
            // A CSV names its columns on its first line, as its example does.
            let first_line = |text: &str| text.lines().next().unwrap_or_default().to_owned();
            let example = documented["example"].as_str().map(first_line);
            let answered = first_line(&String::from_utf8_lossy(received.body));
            if example.as_ref().is_some_and(|columns| *columns != answered) {
                fail(format!(
                    "the CSV's columns are not its example's: {example:?}, answered {answered:?}"
                ));
            }
        }
    }

    fn check_problem_body(
        &self,
        exchange: &str,
        media: Option<&str>,
        body: &[u8],
        codes: Option<&[String]>,
    ) {
        if media != Some("application/problem+json") {
            panic!(
                "contract broken: an error must be application/problem+json\n  exchange: {exchange}"
            );
        }
        let value: Value = serde_json::from_slice(body).unwrap_or_else(|e| {
            panic!("contract broken: a problem that is not JSON ({e})\n  exchange: {exchange}")
        });
        let errors = self.errors(
            "Problem",
            &json!({"$ref": "#/components/schemas/Problem"}),
            &value,
        );
        if !errors.is_empty() {
            panic!(
                "contract broken: the problem breaks its schema: {}\n  exchange: {exchange}",
                errors.join("; ")
            );
        }
        if let (Some(codes), Some(code)) = (codes, value["code"].as_str())
            && !codes.iter().any(|c| c == code)
        {
            panic!(
                "contract broken: code {code} is not among those documented for this status ({})\n  exchange: {exchange}",
                codes.join(", ")
            );
        }
    }
}

/// Where the problem codes answered during a test run are written, one
/// `METHOD /path/{template} STATUS code` a line (`PROBLEM_CODES_SEEN` to move it): the
/// coverage test reads them back to check every documented code is answered somewhere.
pub fn observations_path() -> std::path::PathBuf {
    std::env::var_os("PROBLEM_CODES_SEEN").map_or_else(
        || {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../target/problem-codes-seen.txt")
        },
        std::path::PathBuf::from,
    )
}

/// Records an answered code once per process (appended: several test binaries and
/// both databases' runs add to one file).
fn observe(line: &str) {
    static SEEN: OnceLock<Mutex<std::collections::HashSet<String>>> = OnceLock::new();
    let mut seen = SEEN
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if !seen.insert(line.to_owned()) {
        return;
    }
    use std::io::Write;
    let path = observations_path();
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    // A test run without the file (read-only checkout) still judges; only the coverage
    // test needs it, and says so when it is missing.
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    {
        let _ = writeln!(file, "{line}");
    }
}

fn find_parameter<'a>(parameters: &'a [Value], location: &str, name: &str) -> Option<&'a Value> {
    parameters
        .iter()
        .find(|p| p["in"] == location && p["name"] == name)
}

/// A parameter's text as the JSON value its schema describes (an integer, a boolean),
/// or as a string when it reads as nothing else.
fn typed(text: &str, schema: &Value) -> Value {
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if types.contains(&"integer") || types.contains(&"number") {
        if let Ok(n) = text.parse::<i64>() {
            return json!(n);
        }
        if let Ok(n) = text.parse::<f64>() {
            return json!(n);
        }
    }
    if types.contains(&"boolean") {
        match text {
            "true" => return json!(true),
            "false" => return json!(false),
            _ => {}
        }
    }
    Value::String(text.to_owned())
}

fn percent_decode(text: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| Some(hex(bytes[i + 1])? * 16 + hex(bytes[i + 2])?))
            .flatten();
        match (escaped, bytes[i]) {
            (Some(b), _) => {
                out.push(b);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, b) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn is_json(media: &str) -> bool {
    media == "application/json" || media.ends_with("+json")
}

fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    if text.chars().count() > 600 {
        format!("{}…", text.chars().take(600).collect::<String>())
    } else {
        text.into_owned()
    }
}

/// A schema as the judge reads it: references point into `$defs`, `allOf`s of objects
/// are merged into one object, and every object that names its properties is closed
/// (`additionalProperties: false`), so an undocumented field fails.
fn judged(schema: &Value, components: &Value) -> Value {
    let mut schema = merge_all_of(schema, components);
    close(&mut schema);
    rewrite_refs(&mut schema);
    schema
}

fn resolve<'a>(schema: &'a Value, components: &'a Value) -> &'a Value {
    match schema["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        Some(name) => resolve(&components[name], components),
        None => schema,
    }
}

fn merge_all_of(schema: &Value, components: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Array(members)) = map.get("allOf") {
                let resolved: Vec<Value> = members
                    .iter()
                    .map(|m| merge_all_of(resolve(m, components), components))
                    .collect();
                if resolved.iter().all(|m| m.get("properties").is_some()) {
                    let mut properties = Map::new();
                    let mut required = Vec::new();
                    for m in &resolved {
                        if let Some(p) = m["properties"].as_object() {
                            properties.extend(p.clone());
                        }
                        if let Some(r) = m["required"].as_array() {
                            required.extend(r.iter().cloned());
                        }
                    }
                    let mut merged = map.clone();
                    merged.remove("allOf");
                    merged.insert("type".into(), json!("object"));
                    merged.insert("properties".into(), Value::Object(properties));
                    merged.insert("required".into(), Value::Array(required));
                    return merge_all_of(&Value::Object(merged), components);
                }
            }
            Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), merge_all_of(v, components)))
                    .collect(),
            )
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| merge_all_of(v, components)).collect())
        }
        other => other.clone(),
    }
}

fn close(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), json!(false));
            }
            for (key, value) in map.iter_mut() {
                // Examples are data, not schemas.
                if key != "example" && key != "examples" {
                    close(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(close),
        _ => {}
    }
}

fn rewrite_refs(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if key == "$ref"
                    && let Some(name) = value
                        .as_str()
                        .and_then(|r| r.strip_prefix("#/components/schemas/"))
                {
                    *value = Value::String(format!("#/$defs/{name}"));
                } else {
                    rewrite_refs(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contract() -> Contract {
        Contract::new(json!({
            "paths": {"/api/v1/things/{thingId}": {"put": {
                "parameters": [{"name": "thingId", "in": "path", "required": true,
                                "schema": {"type": "integer", "minimum": 1}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/ThingInput"}}}},
                "responses": {
                    "200": {"description": "", "content": {"application/json": {"schema": {
                        "$ref": "#/components/schemas/Thing"}}}},
                    "404": {"description": "", "x-problem-codes": [{"code": "not_found"}],
                            "content": {"application/problem+json": {"schema": {
                                "$ref": "#/components/schemas/Problem"}}}},
                    "400": {"description": "", "x-problem-codes": [{"code": "unknown_field"}],
                            "content": {"application/problem+json": {"schema": {
                                "$ref": "#/components/schemas/Problem"}}}}
                }
            }}},
            "components": {"schemas": {
                "ThingInput": {"type": "object", "additionalProperties": false, "required": ["name"],
                               "properties": {"name": {"type": "string"}}},
                "Thing": {"type": "object", "required": ["id", "name"],
                          "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
                "Problem": {"type": "object", "required": ["code", "status"],
                            "properties": {"code": {"type": "string"}, "status": {"type": "integer"}}}
            }}
        }))
    }

    fn judged(
        path: &str,
        sent: &str,
        status: u16,
        media: &str,
        answer: &str,
    ) -> Result<(), String> {
        let contract = contract();
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            contract.judge(
                &Sent {
                    method: &Method::PUT,
                    path,
                    query: None,
                    content_type: Some("application/json"),
                    body: Some(sent.as_bytes()),
                },
                &Received {
                    status,
                    content_type: Some(media),
                    body: answer.as_bytes(),
                },
            );
        }))
        .map_err(|e| {
            e.downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| "panicked".into())
        })
    }

    /// How the contract judges `answer` to the good request on thing 3.
    fn answered(status: u16, media: &str, answer: &str) -> Result<(), String> {
        judged("/api/v1/things/3", GOOD, status, media, answer)
    }

    const GOOD: &str = r#"{"name": "a"}"#;
    const JSON: &str = "application/json";
    const PROBLEM: &str = "application/problem+json";

    #[test]
    fn an_exchange_as_documented_passes() {
        answered(200, JSON, r#"{"id": 3, "name": "a"}"#).unwrap();
        answered(404, PROBLEM, r#"{"code": "not_found", "status": 404}"#).unwrap();
    }

    #[test]
    fn an_undocumented_field_in_an_answer_fails() {
        let why = answered(200, JSON, r#"{"id": 3, "name": "a", "x": 1}"#).unwrap_err();
        assert!(why.contains("breaks its schema"), "{why}");
    }

    #[test]
    fn a_wrong_type_or_a_missing_field_in_an_answer_fails() {
        assert!(answered(200, JSON, r#"{"id": "3", "name": "a"}"#).is_err());
        assert!(answered(200, JSON, r#"{"id": 3}"#).is_err());
    }

    #[test]
    fn an_undocumented_status_or_media_type_fails() {
        let why = answered(409, PROBLEM, r#"{"code": "x", "status": 409}"#).unwrap_err();
        assert!(why.contains("not documented"), "{why}");
        assert!(answered(200, "text/plain", "hello").is_err());
    }

    #[test]
    fn a_problem_code_the_operation_does_not_list_fails() {
        let why = answered(404, PROBLEM, r#"{"code": "gone", "status": 404}"#).unwrap_err();
        assert!(why.contains("gone"), "{why}");
    }

    #[test]
    fn a_request_the_spec_refuses_must_be_refused() {
        let extra = r#"{"name": "a", "nme": "b"}"#;
        let why = judged(
            "/api/v1/things/3",
            extra,
            200,
            JSON,
            r#"{"id": 3, "name": "a"}"#,
        )
        .unwrap_err();
        assert!(why.contains("the spec refuses this request"), "{why}");
        judged(
            "/api/v1/things/3",
            extra,
            400,
            PROBLEM,
            r#"{"code": "unknown_field", "status": 400}"#,
        )
        .unwrap();
        assert!(
            judged(
                "/api/v1/things/0",
                GOOD,
                200,
                JSON,
                r#"{"id": 3, "name": "a"}"#
            )
            .is_err()
        );
    }

    #[test]
    fn a_request_the_spec_allows_must_not_be_refused_for_its_shape() {
        let why =
            answered(400, PROBLEM, r#"{"code": "unknown_field", "status": 400}"#).unwrap_err();
        assert!(why.contains("refused for its shape"), "{why}");
    }

    #[test]
    fn an_unknown_path_must_be_a_problem() {
        assert!(judged("/api/v1/nothing", GOOD, 200, JSON, "{}").is_err());
        judged(
            "/api/v1/nothing",
            GOOD,
            404,
            PROBLEM,
            r#"{"code": "not_found", "status": 404}"#,
        )
        .unwrap();
    }
}

//! Which operation of the contract a routed request is, by its method and the pattern
//! the router matched (the contract's paths are the router's patterns).

use std::collections::HashMap;

use actix_web::http::Method;
use serde_json::Value;

/// Every operation of the contract, by route.
#[derive(Debug, Default)]
pub struct OperationTable {
    by_pattern: HashMap<String, Vec<(Method, String)>>,
}

impl OperationTable {
    /// Read from the OpenAPI document's paths.
    pub fn from_spec(spec: &Value) -> Self {
        let mut by_pattern: HashMap<String, Vec<(Method, String)>> = HashMap::new();
        let paths = spec.get("paths").and_then(Value::as_object);
        for (path, item) in paths.into_iter().flatten() {
            for (method, operation) in item.as_object().into_iter().flatten() {
                if let (Ok(method), Some(id)) = (
                    Method::from_bytes(method.to_ascii_uppercase().as_bytes()),
                    operation.get("operationId").and_then(Value::as_str),
                ) {
                    by_pattern
                        .entry(path.clone())
                        .or_default()
                        .push((method, id.to_owned()));
                }
            }
        }
        Self { by_pattern }
    }

    /// The operation id of a request (`HEAD` is its `GET`).
    pub fn find(&self, method: &Method, pattern: &str) -> Option<&str> {
        let method = if method == Method::HEAD {
            &Method::GET
        } else {
            method
        };
        self.by_pattern
            .get(pattern)?
            .iter()
            .find(|(m, _)| m == method)
            .map(|(_, id)| id.as_str())
    }

    /// Every operation: its method, path pattern and id.
    pub fn iter(&self) -> impl Iterator<Item = (&Method, &str, &str)> {
        self.by_pattern.iter().flat_map(|(path, operations)| {
            operations
                .iter()
                .map(move |(method, id)| (method, path.as_str(), id.as_str()))
        })
    }
}

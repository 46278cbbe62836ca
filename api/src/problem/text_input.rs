//! Text the databases cannot both store: PostgreSQL refuses the NUL character in text
//! where SQLite keeps it, so it is refused at the boundary, the same on both, for every
//! text input (JSON bodies, text bodies, path and query), with the field it came in.

use serde_json::Value;

use super::{ApiError, FieldError};

fn nul_error(fields: Vec<String>) -> ApiError {
    ApiError::validation(
        fields
            .into_iter()
            .map(|field| {
                FieldError::new(
                    &field,
                    "forbidden_character",
                    "Le caractère nul (U+0000) n'est pas accepté dans un texte.",
                    "The NUL character (U+0000) is not accepted in text.",
                )
            })
            .collect(),
    )
}

/// Refuses a JSON body holding a NUL character in a string or a key, naming the fields.
pub fn refuse_nul_in_json(value: &Value) -> Result<(), ApiError> {
    let mut fields = Vec::new();
    collect_nul(value, "", &mut fields);
    if fields.is_empty() {
        Ok(())
    } else {
        Err(nul_error(fields))
    }
}

fn collect_nul(value: &Value, path: &str, fields: &mut Vec<String>) {
    match value {
        Value::String(text) if text.contains('\0') => fields.push(path.to_owned()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_nul(item, &format!("{path}[{i}]"), fields);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                if key.contains('\0') {
                    fields.push(child.clone());
                }
                collect_nul(item, &child, fields);
            }
        }
        _ => {}
    }
}

/// Refuses a text input (a form or CSV body, a decoded parameter) holding a NUL character.
pub fn refuse_nul(field: &str, text: &str) -> Result<(), ApiError> {
    if text.contains('\0') {
        Err(nul_error(vec![field.to_owned()]))
    } else {
        Ok(())
    }
}

/// Refuses a request whose path or query holds an encoded NUL (`%00`; a raw one never
/// passes the HTTP parser), naming the query parameters that hold one, else `path`.
pub fn refuse_nul_in_uri(path: &str, query: &str) -> Result<(), ApiError> {
    let has_nul = |text: &str| text.contains("%00");
    let mut fields = Vec::new();
    if has_nul(path) {
        fields.push("path".to_owned());
    }
    for pair in query.split('&').filter(|p| has_nul(p)) {
        let name = pair.split_once('=').map_or(pair, |(name, _)| name);
        fields.push(if has_nul(name) {
            "query".to_owned()
        } else {
            name.to_owned()
        });
    }
    if fields.is_empty() {
        Ok(())
    } else {
        Err(nul_error(fields))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_anywhere_in_a_json_body_names_its_field() {
        let body = serde_json::json!({"a": "ok", "b": {"c": ["x", "y\u{0}"]}, "d\u{0}": 1});
        let error = refuse_nul_in_json(&body).unwrap_err();
        assert_eq!(error.code, "validation_failed");
        let fields: Vec<&str> = error.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["b.c[1]", "d\u{0}"]);
        assert!(refuse_nul_in_json(&serde_json::json!({"a": "ok", "n": 0})).is_ok());
    }

    #[test]
    fn an_encoded_nul_in_the_path_or_query_is_refused() {
        assert!(refuse_nul_in_uri("/api/v1/signups/abc", "page=2").is_ok());
        let error = refuse_nul_in_uri("/api/v1/signups/%00", "").unwrap_err();
        assert_eq!(error.errors[0].field, "path");
        let error = refuse_nul_in_uri("/api/v1/x", "page=1&q=a%00b").unwrap_err();
        assert_eq!(error.errors[0].field, "q");
    }
}

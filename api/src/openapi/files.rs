//! Files are files: every request body and answer that is not JSON nor a form gets the
//! schema generated clients need to send or return it as such: `type: string, format:
//! binary` for bytes (PDFs, images, any upload), `type: string` for text (CSV,
//! iCalendar, HTML, plain text). Handlers only name the media types.

use serde_json::{Value, json};

pub fn type_files(spec: &mut Value) {
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for operation in paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut())
    {
        if let Some(content) = operation.pointer_mut("/requestBody/content") {
            type_content(content);
        }
        for response in operation
            .get_mut("responses")
            .and_then(Value::as_object_mut)
            .into_iter()
            .flat_map(|responses| responses.values_mut())
        {
            if let Some(content) = response.get_mut("content") {
                type_content(content);
            }
        }
    }
}

fn type_content(content: &mut Value) {
    let Some(content) = content.as_object_mut() else {
        return;
    };
    for (media, entry) in content.iter_mut() {
        if let Some(schema) = file_schema(media) {
            entry["schema"] = schema;
        }
    }
}

/// The schema of a media type that carries a file, `None` for structured data.
fn file_schema(media: &str) -> Option<Value> {
    let structured = media == "application/json"
        || media.ends_with("+json")
        || media == "application/x-www-form-urlencoded";
    if structured {
        None
    } else if media.starts_with("text/") {
        Some(json!({"type": "string"}))
    } else {
        Some(json!({"type": "string", "format": "binary"}))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_binary_text_is_a_string_and_json_is_left_alone() {
        let mut spec = json!({"paths": {"/d": {"post": {
            "requestBody": {"content": {
                "application/pdf": {},
                "text/csv": {},
                "application/json": {"schema": {"$ref": "#/components/schemas/X"}}
            }},
            "responses": {"200": {"content": {
                "image/png": {"schema": {"type": "array", "items": {"type": "integer"}}}
            }}}
        }}}});
        type_files(&mut spec);
        let post = &spec["paths"]["/d"]["post"];
        assert_eq!(
            post["requestBody"]["content"]["application/pdf"]["schema"],
            json!({"type": "string", "format": "binary"})
        );
        assert_eq!(
            post["requestBody"]["content"]["text/csv"]["schema"],
            json!({"type": "string"})
        );
        assert_eq!(
            post["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/X"
        );
        assert_eq!(
            post["responses"]["200"]["content"]["image/png"]["schema"]["format"],
            "binary"
        );
    }
}

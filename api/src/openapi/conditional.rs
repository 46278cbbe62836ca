//! Conditional reads in the contract: each operation answered through
//! [`crate::routes::etag::polled`] takes `If-None-Match`, sends `ETag` and
//! `Cache-Control` with its 200, and may answer 304 with no body. Written here once
//! rather than in each handler, from the list the handlers' helper serves.

use serde_json::{Value, json};

use crate::routes::etag::{POLLED_CACHE_CONTROL, POLLED_OPERATIONS};

/// An example tag: the first 16 bytes of the answer's SHA-256, base64url.
const TAG_EXAMPLE: &str = "\"q1y0Rw3mG9gZ6b8vYc2X4A\"";

/// Documents the conditional reads; fails when an operation of the list is missing,
/// so the list cannot drift from the routes. The parameter and headers are written
/// once, in `components`, and referred to.
pub fn document(spec: &mut Value) -> anyhow::Result<()> {
    let mut found = 0;
    let operations = spec
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(|item| item.get_mut("get"));
    for operation in operations {
        let polled = operation
            .get("operationId")
            .and_then(Value::as_str)
            .is_some_and(|id| POLLED_OPERATIONS.contains(&id));
        if polled {
            conditional(operation);
            found += 1;
        }
    }
    anyhow::ensure!(
        found == POLLED_OPERATIONS.len(),
        "{found} of the {} polled operations are GET operations of the document",
        POLLED_OPERATIONS.len()
    );
    let components = spec
        .get_mut("components")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| anyhow::anyhow!("the document has no components"))?;
    components.insert("parameters".into(), json!({"IfNoneMatch": if_none_match()}));
    components.insert("headers".into(), headers());
    Ok(())
}

fn if_none_match() -> Value {
    json!({
        "name": "If-None-Match",
        "in": "header",
        "required": false,
        "description": "The `ETag` of the answer the client holds (several, comma-separated, \
            or `*`): if what the read shows has not changed since, the answer is \
            `304 Not Modified` with no body.",
        "schema": {"type": "string"},
        "example": TAG_EXAMPLE,
    })
}

fn headers() -> Value {
    json!({
        "ETag": {
            "description": "A strong tag of what the read shows: it changes whenever that \
                changes (a booking, a closure day, a price, a payment), whichever server \
                made the change. A compressed answer's tag ends with its coding (`-br`, \
                `-gzip`); either form may be sent back.",
            "schema": {"type": "string"},
            "example": TAG_EXAMPLE,
        },
        "PolledCacheControl": {
            "description": "Personal: kept by the client only, revalidated before each use.",
            "schema": {"type": "string"},
            "example": POLLED_CACHE_CONTROL,
        },
    })
}

fn conditional(operation: &mut Value) {
    let parameter = json!({"$ref": "#/components/parameters/IfNoneMatch"});
    if let Some(parameters) = operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
    {
        parameters.push(parameter);
    } else {
        operation["parameters"] = json!([parameter]);
    }
    let headers = json!({
        "ETag": {"$ref": "#/components/headers/ETag"},
        "Cache-Control": {"$ref": "#/components/headers/PolledCacheControl"},
    });
    if let Some(ok) = operation.pointer_mut("/responses/200") {
        ok["headers"] = headers.clone();
    }
    if let Some(responses) = operation
        .get_mut("responses")
        .and_then(Value::as_object_mut)
    {
        responses.insert(
            "304".into(),
            json!({
                "description": "Not modified: the `If-None-Match` tag still names what the \
                    read shows; use the copy held.",
                "headers": headers,
            }),
        );
    }
}

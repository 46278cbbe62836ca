//! The document as YAML that every reader reads the same: YAML 1.1 readers (PyYAML,
//! SnakeYAML in openapi-generator) turn plain `10:00:00` into a number, `2027-07-05`
//! into a date, `yes` into a boolean. serde's YAML writers follow YAML 1.2 and leave
//! such strings plain, so the document is written here from its JSON value, quoting
//! every string that is not plainly text under both versions.

use serde_json::Value;

/// The YAML text of a JSON value, two-space indented, keys in the value's order.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    write_block(value, 0, &mut out);
    out
}

fn indent(level: usize, out: &mut String) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

/// A value that starts on its own line(s) at `level`.
fn write_block(value: &Value, level: usize, out: &mut String) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, item) in map {
                indent(level, out);
                out.push_str(&scalar(key));
                out.push(':');
                write_after_key(item, level, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                indent(level, out);
                out.push('-');
                write_after_dash(item, level, out);
            }
        }
        other => {
            indent(level, out);
            write_inline(other, level, out);
            out.push('\n');
        }
    }
}

fn write_after_key(value: &Value, level: usize, out: &mut String) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            write_block(value, level + 1, out);
        }
        // Sequences under a key sit at the key's indentation, as most writers do.
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            write_block(value, level, out);
        }
        other => {
            out.push(' ');
            write_inline(other, level + 1, out);
            out.push('\n');
        }
    }
}

fn write_after_dash(value: &Value, level: usize, out: &mut String) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            // The first key on the dash's line, the others aligned under it.
            let mut first = true;
            for (key, item) in map {
                if first {
                    out.push(' ');
                    first = false;
                } else {
                    indent(level + 1, out);
                }
                out.push_str(&scalar(key));
                out.push(':');
                write_after_key(item, level + 1, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            write_block(value, level + 1, out);
        }
        other => {
            out.push(' ');
            write_inline(other, level + 1, out);
            out.push('\n');
        }
    }
}

/// A scalar, or an empty collection, on the current line; multi-line text as a literal
/// block indented at `level`.
fn write_inline(value: &Value, level: usize, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
        Value::String(text) if is_block_text(text) => {
            // `|-`: the text as written, without the final line break.
            out.push_str("|-");
            for line in text.split('\n') {
                out.push('\n');
                if !line.is_empty() {
                    indent(level, out);
                    out.push_str(line);
                }
            }
        }
        Value::String(text) => out.push_str(&scalar(text)),
    }
}

/// Multi-line text a literal block keeps exactly: no trailing spaces or line break, no
/// leading space on its first line, no tab or control character.
fn is_block_text(text: &str) -> bool {
    text.contains('\n')
        && !text.ends_with('\n')
        && !text.starts_with([' ', '\n'])
        && !text.split('\n').any(|line| line.ends_with(' '))
        && !text.chars().any(|c| c.is_control() && c != '\n')
}

/// A string as a plain scalar when both YAML versions read it back as that string,
/// else single-quoted (or double-quoted when it holds control characters).
fn scalar(text: &str) -> String {
    if is_plain_safe(text) {
        text.to_owned()
    } else if text.chars().any(char::is_control) {
        serde_json::to_string(text).unwrap_or_else(|_| format!("'{}'", text.replace('\'', "''")))
    } else {
        format!("'{}'", text.replace('\'', "''"))
    }
}

fn is_plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    // Indicators that start something else than plain text.
    if "-?:,[]{}#&*!|>'\"%@`~ ".contains(first) {
        // `-` and `?` and `:` may start plain text when followed by a letter, but a
        // quote costs little: always quoted.
        return false;
    }
    if text.ends_with(' ')
        || text.contains(": ")
        || text.contains(" #")
        || text.ends_with(':')
        || text.chars().any(|c| c.is_control())
    {
        return false;
    }
    !reads_as_something_else(text)
}

/// Whether a YAML 1.1 or 1.2 reader would read this plain text as a boolean, null,
/// number, date or timestamp rather than as a string.
fn reads_as_something_else(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~", ".inf", "-.inf", "+.inf",
        ".nan",
    ];
    let lower = text.to_ascii_lowercase();
    if WORDS.contains(&lower.as_str()) {
        return true;
    }
    // Anything made only of digits and number punctuation (covers integers, floats,
    // octal, hexadecimal with a leading digit, sexagesimal `10:00:00`, underscores).
    let numeric = |c: char| c.is_ascii_digit() || "+-._:eEoxXbB".contains(c);
    if text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == '.' || c == '+')
        && text.chars().all(|c| numeric(c) || c.is_ascii_hexdigit())
    {
        return true;
    }
    // Dates and timestamps: `2027-07-05`, `2026-09-01T08:05:00Z`, `2026-09-01 08:05:00`.
    let bytes = text.as_bytes();
    bytes.len() >= 8
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5].is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_that_yaml_1_1_reads_otherwise_are_quoted() {
        for text in [
            "10:00:00",
            "07:30",
            "2027-07-05",
            "2026-09-01T08:05:00Z",
            "yes",
            "No",
            "on",
            "null",
            "~",
            "123",
            "1.5",
            "0x1F",
            "1_000",
            "",
            " lead",
            "a: b",
            "- item",
            "#x",
            "trail ",
        ] {
            assert!(
                scalar(text).starts_with(['\'', '"']),
                "{text} -> {}",
                scalar(text)
            );
        }
        for text in [
            "text",
            "Luc",
            "EUR",
            "a#b",
            "urn:x:y",
            "a-b",
            "F2026-000012",
        ] {
            assert_eq!(scalar(text), text);
        }
    }

    #[test]
    fn the_yaml_reads_back_as_the_same_value() {
        let value = json!({
            "openapi": "3.1.0",
            "paths": {"/a": {"get": {"responses": {"200": {"description": "OK"}}}}},
            "list": [1, "2", {"k": "v", "n": null, "x": [true, "yes"]}, [], {}],
            "text": "Line one\nline two: with colon",
            "time": "10:00:00",
            "empty": "",
            "quote": "it's",
            "nested": [[1, 2], [{"a": 1}]]
        });
        let yaml = to_yaml(&value);
        let back: Value = yaml_serde::from_str(&yaml).unwrap();
        assert_eq!(back, value, "{yaml}");
    }
}

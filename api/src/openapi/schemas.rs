//! The schemas as generated clients need them, from what utoipa renders:
//! - tagged unions (`#[serde(tag = "...")]` enums of structs) become a `oneOf` of the
//!   variants' own named schemas, each carrying its tag, with a discriminator;
//! - objects made with `#[serde(flatten)]` (`allOf`) become one plain object;
//! - a nullable reference is `anyOf: [reference, null]`, described once;
//! - a page refers to its items' schema instead of copying it;
//! - components take their contract names ([`contract_name`]);
//! - components nothing refers to are dropped.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{anyhow, bail};
use serde_json::{Map, Value, json};

const REF_PREFIX: &str = "#/components/schemas/";

/// The contract's name of a Rust type's schema: `XView` is `X`, `XForm` and `XRequest`
/// are `XInput` (what a client sends), `Page_X` is `XPage`; others keep their name.
pub fn contract_name(rust_name: &str) -> String {
    if let Some(item) = rust_name.strip_prefix("Page_") {
        return format!("{}Page", contract_name(item));
    }
    for (suffix, replacement) in [("View", ""), ("Form", "Input"), ("Request", "Input")] {
        if let Some(stem) = rust_name.strip_suffix(suffix)
            && !stem.is_empty()
        {
            return format!("{stem}{replacement}");
        }
    }
    rust_name.to_owned()
}

/// Component names claimed by two different schemas, or two names that the contract's
/// naming turns into one: utoipa keeps one of them silently, and the other type's
/// users are then documented with the wrong shape.
pub fn name_collisions() -> Vec<String> {
    collisions(
        super::schema_sources()
            .into_iter()
            .filter_map(|(name, schema)| {
                serde_json::to_value(&schema)
                    .ok()
                    .map(|value| (name, value))
            }),
    )
}

fn collisions(sources: impl Iterator<Item = (String, Value)>) -> Vec<String> {
    let mut by_name: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (name, schema) in sources {
        let shapes = by_name.entry(name).or_default();
        if !shapes.contains(&schema) {
            shapes.push(schema);
        }
    }
    let mut found: Vec<String> = by_name
        .iter()
        .filter(|(_, shapes)| shapes.len() > 1)
        .map(|(name, shapes)| format!("{} different types are named {name}", shapes.len()))
        .collect();
    let mut by_contract: BTreeMap<String, Vec<&String>> = BTreeMap::new();
    for name in by_name.keys() {
        by_contract
            .entry(contract_name(name))
            .or_default()
            .push(name);
    }
    found.extend(by_contract.iter().filter(|(_, names)| names.len() > 1).map(
        |(contract, names)| {
            format!(
                "{} all become {contract} in the contract",
                names
                    .iter()
                    .map(|n| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
    ));
    found
}

/// Applies every step, in order (unions need the variants' own names; renaming comes
/// once the structure is final).
pub fn normalise(spec: &mut Value) -> anyhow::Result<()> {
    name_unions(spec)?;
    let components = components(spec)?.clone();
    flatten_all_of(spec, &components);
    nullable_references(spec);
    untagged_unions(spec)?;
    optional_request_bodies(spec);
    refer_page_items(spec)?;
    refer_parameter_enums(spec)?;
    rename_components(spec)?;
    drop_unreferenced(spec)?;
    Ok(())
}

fn components(spec: &Value) -> anyhow::Result<&Map<String, Value>> {
    spec.pointer("/components/schemas")
        .and_then(Value::as_object)
        .ok_or_else(|| anyhow!("the document has no component schemas"))
}

fn components_mut(spec: &mut Value) -> anyhow::Result<&mut Map<String, Value>> {
    spec.pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| anyhow!("the document has no component schemas"))
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("{REF_PREFIX}{name}") })
}

fn referenced_name(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.strip_prefix(REF_PREFIX)
}

/// How many times the document refers to a component.
fn references_to(spec: &Value, name: &str) -> usize {
    let target = format!("{REF_PREFIX}{name}");
    let mut count = 0;
    visit(spec, &mut |value| {
        if value.as_str() == Some(target.as_str()) {
            count += 1;
        }
    });
    count
}

fn visit(value: &Value, f: &mut impl FnMut(&Value)) {
    f(value);
    match value {
        Value::Object(map) => map.values().for_each(|v| visit(v, f)),
        Value::Array(items) => items.iter().for_each(|v| visit(v, f)),
        _ => {}
    }
}

fn visit_mut(value: &mut Value, f: &mut impl FnMut(&mut Value)) {
    f(value);
    match value {
        Value::Object(map) => map.values_mut().for_each(|v| visit_mut(v, f)),
        Value::Array(items) => items.iter_mut().for_each(|v| visit_mut(v, f)),
        _ => {}
    }
}

/// A tag as utoipa writes it for one variant: `{type: object, required: [tag],
/// properties: {tag: {type: string, enum: [value]}}}`.
fn tag_of(schema: &Value) -> Option<(String, String)> {
    let properties = schema.get("properties")?.as_object()?;
    if properties.len() != 1 {
        return None;
    }
    let (tag, value) = properties.iter().next()?;
    let values = value.get("enum")?.as_array()?;
    match values.as_slice() {
        [Value::String(v)] => Some((tag.clone(), v.clone())),
        _ => None,
    }
}

/// `oneOf` of `allOf: [{$ref: Variant}, {tag}]` (a `#[serde(tag)]` enum of structs)
/// becomes `oneOf` of references with a discriminator; each variant's schema gets the
/// tag as its first, required property. A variant without a struct of its own is an
/// error: generated clients would name it `...OneOf3`.
fn name_unions(spec: &mut Value) -> anyhow::Result<()> {
    let unions: Vec<String> = components(spec)?
        .iter()
        .filter(|(_, schema)| schema.get("oneOf").is_some())
        .map(|(name, _)| name.clone())
        .collect();
    for union in unions {
        let members = components(spec)?[&union]["oneOf"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut variants = Vec::new();
        for member in &members {
            let parts = member.get("allOf").and_then(Value::as_array);
            let found = parts.and_then(|parts| match parts.as_slice() {
                [variant, tag] => Some((referenced_name(variant)?.to_owned(), tag_of(tag)?)),
                _ => None,
            });
            match (found, tag_of(member)) {
                (Some(found), _) => variants.push(found),
                (None, Some((_, value))) => bail!(
                    "variant `{value}` of {union} has no struct of its own: give it one, so clients get a named type"
                ),
                // Not a tagged union (an untagged one, or a nullable reference).
                (None, None) => break,
            }
        }
        if variants.len() != members.len() {
            continue;
        }
        let mut mapping = Map::new();
        let mut property = String::new();
        for (variant, (tag, value)) in &variants {
            if references_to(spec, variant) != 1 {
                bail!("{variant} is a variant of {union} and cannot be used elsewhere");
            }
            let schema = components_mut(spec)?
                .get_mut(variant)
                .ok_or_else(|| anyhow!("{union} refers to a missing {variant}"))?;
            let object = schema
                .as_object_mut()
                .ok_or_else(|| anyhow!("{variant} is not an object"))?;
            let mut properties = Map::new();
            properties.insert(
                tag.clone(),
                json!({
                    "type": "string",
                    "enum": [value],
                    "description": format!("Which {union} this is: `{value}`."),
                }),
            );
            if let Some(Value::Object(own)) = object.remove("properties") {
                properties.extend(own);
            }
            object.insert("type".into(), json!("object"));
            object.insert("properties".into(), Value::Object(properties));
            let mut required = vec![json!(tag)];
            if let Some(Value::Array(own)) = object.remove("required") {
                required.extend(own);
            }
            object.insert("required".into(), Value::Array(required));
            mapping.insert(value.clone(), json!(format!("{REF_PREFIX}{variant}")));
            property.clone_from(tag);
        }
        let schema = &mut components_mut(spec)?[&union];
        schema["oneOf"] = Value::Array(variants.iter().map(|(v, _)| reference(v)).collect());
        schema["discriminator"] = json!({ "propertyName": property, "mapping": mapping });
    }
    Ok(())
}

/// Follows a reference to its component, as the document was before flattening.
fn resolve<'a>(schema: &'a Value, components: &'a Map<String, Value>) -> &'a Value {
    match referenced_name(schema).and_then(|name| components.get(name)) {
        Some(target) => resolve(target, components),
        None => schema,
    }
}

/// `allOf` whose members are all objects (serde's `flatten`) becomes one object with
/// the members' properties and required fields, in order.
fn flatten_all_of(spec: &mut Value, components: &Map<String, Value>) {
    visit_mut(spec, &mut |value| {
        if let Some(merged) = merged_all_of(value, components) {
            *value = merged;
        }
    });
}

fn merged_all_of(schema: &Value, components: &Map<String, Value>) -> Option<Value> {
    let members = schema.get("allOf")?.as_array()?;
    let mut properties = Map::new();
    let mut required: Vec<Value> = Vec::new();
    for member in members {
        let member = resolve(member, components);
        let member = merged_all_of(member, components).unwrap_or_else(|| member.clone());
        properties.extend(member.get("properties")?.as_object()?.clone());
        for name in member["required"].as_array().into_iter().flatten() {
            if !required.contains(name) {
                required.push(name.clone());
            }
        }
    }
    let mut merged = schema.as_object()?.clone();
    merged.remove("allOf");
    let mut object = Map::new();
    object.insert("type".into(), json!("object"));
    if let Some(description) = merged.remove("description") {
        object.insert("description".into(), description);
    }
    object.insert("required".into(), Value::Array(required));
    object.insert("properties".into(), Value::Object(properties));
    object.extend(merged);
    Some(Value::Object(object))
}

/// `oneOf: [X, null]` (utoipa's `Option<X>`) becomes `anyOf: [X, null]` with its
/// description beside it rather than inside the reference: `oneOf` is kept for
/// discriminated unions.
fn nullable_references(spec: &mut Value) {
    visit_mut(spec, &mut |value| {
        let Some(object) = value.as_object_mut() else {
            return;
        };
        let Some(Value::Array(members)) = object.get("oneOf") else {
            return;
        };
        let is_null = |m: &Value| m.get("type") == Some(&json!("null"));
        if members.len() != 2 || !members.iter().any(is_null) {
            return;
        }
        let Some(Value::Array(mut members)) = object.remove("oneOf") else {
            return;
        };
        for member in &mut members {
            if let Some(inner) = member.as_object_mut()
                && inner.contains_key("$ref")
            {
                for key in ["description", "example", "examples"] {
                    if let Some(moved) = inner.remove(key) {
                        object.entry(key).or_insert(moved);
                    }
                }
            }
        }
        members.sort_by_key(|m| is_null(m));
        object.insert("anyOf".into(), Value::Array(members));
    });
}

/// An untagged union (`#[serde(untagged)]`) is told apart by its members' JSON types
/// (an array or an object), not by a property: `anyOf` of named members. Members of
/// one type cannot be told apart that way: they need a tag.
fn untagged_unions(spec: &mut Value) -> anyhow::Result<()> {
    let components = components(spec)?.clone();
    let mut error = None;
    visit_mut(spec, &mut |value| {
        let Some(object) = value.as_object_mut() else {
            return;
        };
        if object.contains_key("discriminator") {
            return;
        }
        let Some(Value::Array(members)) = object.remove("oneOf") else {
            return;
        };
        let mut types: Vec<Value> = members
            .iter()
            .map(|m| {
                resolve(m, &components)
                    .get("type")
                    .cloned()
                    .unwrap_or(Value::Null)
            })
            .collect();
        types.sort_by_key(ToString::to_string);
        types.dedup();
        if types.len() != members.len() || types.contains(&Value::Null) {
            error = Some(format!(
                "an untagged union whose members are not told apart by their JSON types: {members:?}"
            ));
        }
        object.insert("anyOf".into(), Value::Array(members));
    });
    match error {
        Some(error) => bail!(error),
        None => Ok(()),
    }
}

/// A request body that may be left out is `required: false` with the body's schema,
/// not a required body that may be `null` (utoipa's `Option<X>` body).
fn optional_request_bodies(spec: &mut Value) {
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for body in paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut())
        .filter_map(|operation| operation.get_mut("requestBody"))
    {
        let mut optional = false;
        for entry in body
            .get_mut("content")
            .and_then(Value::as_object_mut)
            .into_iter()
            .flat_map(|content| content.values_mut())
        {
            let members = entry.pointer("/schema/anyOf").and_then(Value::as_array);
            if let Some([schema, null]) = members.map(Vec::as_slice)
                && null.get("type") == Some(&json!("null"))
            {
                entry["schema"] = schema.clone();
                optional = true;
            }
        }
        if optional {
            body["required"] = json!(false);
        }
    }
}

/// `Page_X` copies X's schema into its items: it refers to X instead.
fn refer_page_items(spec: &mut Value) -> anyhow::Result<()> {
    let pages: Vec<String> = components(spec)?
        .keys()
        .filter(|name| name.starts_with("Page_"))
        .cloned()
        .collect();
    for page in pages {
        let item = page.trim_start_matches("Page_").to_owned();
        let schemas = components_mut(spec)?;
        let copied = schemas[&page]
            .pointer("/properties/items/items")
            .cloned()
            .ok_or_else(|| anyhow!("{page} has no items"))?;
        if !schemas.contains_key(&item) {
            schemas.insert(item.clone(), copied);
        }
        if let Some(items) = schemas[&page].pointer_mut("/properties/items/items") {
            *items = reference(&item);
        }
    }
    Ok(())
}

/// A query or path parameter whose schema is a copy of an enum component (utoipa
/// inlines `Option<Enum>` parameters) refers to the component instead, so clients get
/// one type for it wherever it is taken.
fn refer_parameter_enums(spec: &mut Value) -> anyhow::Result<()> {
    let enums: Vec<(String, Value)> = components(spec)?
        .iter()
        .filter(|(_, schema)| schema.get("enum").is_some())
        .map(|(name, schema)| (name.clone(), schema.clone()))
        .collect();
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    for parameter in paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut())
        .filter_map(|operation| {
            operation
                .get_mut("parameters")
                .and_then(Value::as_array_mut)
        })
        .flatten()
    {
        let schema = &mut parameter["schema"];
        if let Some((name, _)) = enums.iter().find(|(_, component)| component == schema) {
            *schema = reference(name);
        }
    }
    Ok(())
}

/// Gives every component its contract name, everywhere it is referred to.
fn rename_components(spec: &mut Value) -> anyhow::Result<()> {
    let names: Vec<String> = components(spec)?.keys().cloned().collect();
    let mut renamed = BTreeMap::new();
    let mut taken = BTreeSet::new();
    for name in &names {
        let contract = contract_name(name);
        if !taken.insert(contract.clone()) {
            bail!("two components become {contract}: rename one of the Rust types");
        }
        renamed.insert(
            format!("{REF_PREFIX}{name}"),
            format!("{REF_PREFIX}{contract}"),
        );
    }
    let schemas = std::mem::take(components_mut(spec)?);
    *components_mut(spec)? = schemas
        .into_iter()
        .map(|(name, schema)| (contract_name(&name), schema))
        .collect();
    visit_mut(spec, &mut |value| {
        if let Value::String(text) = value
            && let Some(new) = renamed.get(text.as_str())
        {
            text.clone_from(new);
        }
    });
    Ok(())
}

/// Components nothing refers to (until none is left: a dropped one may have been the
/// only user of another).
fn drop_unreferenced(spec: &mut Value) -> anyhow::Result<()> {
    loop {
        let text = serde_json::to_string(spec)?;
        let unused: Vec<String> = components(spec)?
            .keys()
            .filter(|name| !text.contains(&format!("\"{REF_PREFIX}{name}\"")))
            .cloned()
            .collect();
        if unused.is_empty() {
            return Ok(());
        }
        let schemas = components_mut(spec)?;
        for name in unused {
            schemas.remove(&name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_names_drop_view_and_name_inputs_and_pages() {
        assert_eq!(contract_name("InvoiceSummaryView"), "InvoiceSummary");
        assert_eq!(contract_name("ActivityForm"), "ActivityInput");
        assert_eq!(contract_name("LoginRequest"), "LoginInput");
        assert_eq!(
            contract_name("Page_InvoiceSummaryView"),
            "InvoiceSummaryPage"
        );
        assert_eq!(contract_name("Problem"), "Problem");
        assert_eq!(contract_name("View"), "View");
    }

    #[test]
    fn two_types_of_one_name_or_of_one_contract_name_are_found() {
        let found = collisions(
            [
                (
                    "PaymentView".to_owned(),
                    json!({"type": "object", "properties": {"id": {}}}),
                ),
                (
                    "PaymentView".to_owned(),
                    json!({"type": "object", "properties": {"idop": {}}}),
                ),
                ("Same".to_owned(), json!({"type": "string"})),
                ("Same".to_owned(), json!({"type": "string"})),
                ("Basket".to_owned(), json!({"type": "object"})),
                ("BasketView".to_owned(), json!({"type": "object"})),
            ]
            .into_iter(),
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("PaymentView"));
        assert!(found[1].contains("Basket, BasketView"));
    }

    #[test]
    fn a_tagged_union_gets_named_variants_and_a_discriminator() {
        let mut spec = json!({"components": {"schemas": {
            "Rule": {"oneOf": [
                {"allOf": [{"$ref": "#/components/schemas/BeforeRule"},
                           {"type": "object", "required": ["kind"],
                            "properties": {"kind": {"type": "string", "enum": ["before"]}}}]},
                {"allOf": [{"$ref": "#/components/schemas/WindowRule"},
                           {"type": "object", "required": ["kind"],
                            "properties": {"kind": {"type": "string", "enum": ["window"]}}}]}
            ]},
            "BeforeRule": {"type": "object", "required": ["amount"], "properties": {"amount": {"type": "integer"}}},
            "WindowRule": {"type": "object", "properties": {"opens": {"type": "string"}}}
        }}});
        name_unions(&mut spec).unwrap();
        let schemas = &spec["components"]["schemas"];
        assert_eq!(
            schemas["Rule"]["oneOf"][0]["$ref"],
            "#/components/schemas/BeforeRule"
        );
        assert_eq!(schemas["Rule"]["discriminator"]["propertyName"], "kind");
        assert_eq!(
            schemas["Rule"]["discriminator"]["mapping"]["window"],
            "#/components/schemas/WindowRule"
        );
        assert_eq!(schemas["BeforeRule"]["required"], json!(["kind", "amount"]));
        assert_eq!(
            schemas["WindowRule"]["properties"]["kind"]["enum"],
            json!(["window"])
        );
    }

    #[test]
    fn a_variant_without_its_own_struct_is_refused() {
        let mut spec = json!({"components": {"schemas": {"Rule": {"oneOf": [
            {"type": "object", "required": ["kind"],
             "properties": {"kind": {"type": "string", "enum": ["untilStart"]}}}
        ]}}}});
        let error = name_unions(&mut spec).unwrap_err().to_string();
        assert!(error.contains("untilStart"), "{error}");
    }

    #[test]
    fn flattened_objects_become_one_object() {
        let components = json!({
            "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}
        });
        let mut spec = json!({"x": {"description": "More.", "allOf": [
            {"$ref": "#/components/schemas/Base"},
            {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
        ]}});
        flatten_all_of(&mut spec, components.as_object().unwrap());
        assert_eq!(spec["x"]["required"], json!(["id", "name"]));
        assert_eq!(spec["x"]["description"], "More.");
        assert!(spec["x"].get("allOf").is_none());
    }

    #[test]
    fn a_nullable_reference_is_any_of_with_its_description_outside() {
        let mut spec = json!({"p": {"oneOf": [
            {"$ref": "#/components/schemas/X", "description": "The x."}, {"type": "null"}
        ]}});
        nullable_references(&mut spec);
        assert_eq!(
            spec["p"],
            json!({"description": "The x.", "anyOf": [{"$ref": "#/components/schemas/X"}, {"type": "null"}]})
        );
    }
}

//! The family file: dossier 18 as the guide creates it, documents.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::TestApp;

pub fn dossier_18() -> Value {
    json!({
        "number": "18", "name": "T I", "email": "Famille.TI@exemple.fr",
        "address": {"line1": "12 rue Jean Jaurès", "line2": "", "postcode": "94800", "city": "Villejuif"},
        "phones": {"home": "01 45 59 20 00", "mobile": null, "work": null},
        "guardians": [{"relationship": "mother", "firstName": "Camille", "lastName": "TI",
                       "email": "famille.ti@exemple.fr", "mobilePhone": "06 12 34 56 78", "workPhone": null}],
        "contacts": [{"kind": "pickup", "firstName": "Rose", "lastName": "TI",
                      "relationship": "grand-mère", "phone": "06.98.76.54.32"}]
    })
}

/// Creates dossier 18 with Luc, Eliot and Thomas; returns the dossier's id.
pub async fn create_dossier_18(app: &TestApp, token: &str) -> i64 {
    let created = app
        .exchange(
            Method::POST,
            "/api/v1/admin/dossiers",
            Some(token),
            &dossier_18(),
            StatusCode::CREATED,
        )
        .await;
    let id = created["id"].as_i64().unwrap();
    for (name, birth, level) in [
        ("Luc", "2023-03-14", "PS"),
        ("Eliot", "2021-06-01", "GS"),
        ("Thomas", "2017-09-02", "CM1"),
    ] {
        let child = json!({"firstName": name, "lastName": "TI", "birthDate": birth,
                           "school": "École Robespierre", "schoolLevel": level, "diet": "standard"});
        app.exchange(
            Method::POST,
            &format!("/api/v1/admin/dossiers/{id}/children"),
            Some(token),
            &child,
            StatusCode::CREATED,
        )
        .await;
    }
    id
}

/// The family changes its contact details (`change`: email, address, phones); the
/// answer says what applied and what waits for an agent.
pub async fn change_contact_details(app: &TestApp, token: &str, change: &Value) -> Value {
    app.exchange(
        Method::PUT,
        "/api/v1/dossier/contact-details",
        Some(token),
        change,
        StatusCode::OK,
    )
    .await
}

pub fn pdf() -> Vec<u8> {
    b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

/// Uploads `content` as the family; returns the response.
pub async fn upload(
    app: &TestApp,
    token: &str,
    query: &str,
    mime: &str,
    content: Vec<u8>,
) -> reqwest::Response {
    app.authed(Method::POST, &format!("/api/v1/documents?{query}"), token)
        .header("Content-Type", mime)
        .body(content)
        .send()
        .await
        .unwrap()
}

/// An agent adds a second guardian to the dossier (the rest of it unchanged).
pub async fn add_guardian(app: &TestApp, agent: &str, dossier_id: i64, first: &str, last: &str) {
    let path = format!("/api/v1/admin/dossiers/{dossier_id}");
    let read = app.get_authed(&path, agent).await;
    let etag = read.headers()["etag"].to_str().unwrap().to_owned();
    let dossier: Value = read.json().await.unwrap();
    let pick = |value: &Value, keys: &[&str]| -> Value {
        keys.iter()
            .map(|k| ((*k).to_owned(), value[*k].clone()))
            .collect()
    };
    let guardian_keys = [
        "relationship",
        "firstName",
        "lastName",
        "email",
        "mobilePhone",
        "workPhone",
    ];
    let mut guardians: Vec<Value> = dossier["guardians"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| pick(g, &guardian_keys))
        .collect();
    guardians.push(
        json!({"relationship": "mother", "firstName": first, "lastName": last,
                          "email": null, "mobilePhone": null, "workPhone": null}),
    );
    let contacts: Vec<Value> = dossier["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            pick(
                c,
                &["kind", "firstName", "lastName", "relationship", "phone"],
            )
        })
        .collect();
    let mut form = pick(&dossier, &["number", "name", "email", "address", "phones"]);
    form["guardians"] = json!(guardians);
    form["contacts"] = json!(contacts);
    let updated = app
        .authed(Method::PUT, &path, agent)
        .header("If-Match", etag)
        .json(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        updated.status(),
        StatusCode::OK,
        "{}",
        updated.text().await.unwrap()
    );
}

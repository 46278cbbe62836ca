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

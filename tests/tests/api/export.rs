//! RGPD: a family downloads everything the city holds about it, and nothing of
//! another family.

use base64::Engine;
use reqwest::{Method, StatusCode};
use serde_json::json;

use tests::steps::dossiers::{pdf, upload};
use tests::{json as body_of, spawn_app};

#[tokio::test]
async fn the_export_holds_everything_of_the_family_and_nothing_of_another() {
    let app = spawn_app().await;
    let family = app.token_of("family").await;
    let agent = app.token_of("agent").await;
    let children = body_of(
        app.get_authed("/api/v1/children", &family).await,
        StatusCode::OK,
    )
    .await;
    let eliot = children[1]["id"].as_i64().unwrap();
    let form = body_of(
        upload(
            &app,
            &family,
            &format!("kind=health_form&childId={eliot}&fileName=fiche.pdf"),
            "application/pdf",
            pdf(),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let request = app.exchange(Method::POST, "/api/v1/requests", Some(&family), &json!({"kind": "situation_change", "message": "Naissance d'un quatrième enfant.", "documentIds": [form["id"]]}), StatusCode::CREATED)
    .await;
    // The decision makes a notification; the family turns one kind of email off.
    app.exchange(
        Method::POST,
        &format!("/api/v1/admin/requests/{}/decision", request["id"]),
        Some(&agent),
        &json!({"decision": "accept", "comment": "Bienvenue au bébé."}),
        StatusCode::OK,
    )
    .await;
    app.exchange(
        Method::PUT,
        "/api/v1/me/notification-preferences",
        Some(&family),
        &json!([{"kind": "invoice_issued", "email": false}]),
        StatusCode::OK,
    )
    .await;
    // Another family's data exists next to it.
    let durand = app
        .sign_up_family(
            ("19", "DURAND", "famille.durand@exemple.fr"),
            "m.durand",
            "m.durand@exemple.fr",
        )
        .await;
    app.exchange(
        Method::POST,
        "/api/v1/requests",
        Some(&durand),
        &json!({"kind": "other", "message": "Secret DURAND"}),
        StatusCode::CREATED,
    )
    .await;
    let health = json!({"allergies": "pollen", "carePlan": false, "carePlanDetails": "",
        "doctorName": "Dr Roux", "doctorPhone": "", "vaccinations": []});
    let etag = app
        .get_authed(&format!("/api/v1/admin/children/{eliot}/health"), &agent)
        .await
        .headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let saved = app
        .authed(
            Method::PUT,
            &format!("/api/v1/admin/children/{eliot}/health"),
            &agent,
        )
        .header("If-Match", etag)
        .json(&health)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::OK);

    let response = app.get_authed("/api/v1/me/export", &family).await;
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"espace-familles-export.json\""
    );
    let export = body_of(response, StatusCode::OK).await;
    assert_eq!(export["account"]["username"], "famille.ti");
    let consents: Vec<&str> = export["consents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(consents, ["terms", "privacy"]);
    let notices = export["notifications"].as_array().unwrap();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0]["kind"], "request_decided");
    assert!(
        notices[0]["body"]
            .as_str()
            .unwrap()
            .contains("Bienvenue au bébé.")
    );
    let choices = export["notificationPreferences"].as_array().unwrap();
    assert_eq!(choices.len(), 16);
    assert!(
        choices
            .iter()
            .all(|c| c["email"] == (c["kind"] != "invoice_issued"))
    );
    assert_eq!(export["dossier"]["number"], "18");
    assert_eq!(export["dossier"]["familyQuotient"]["quotient"], 850);
    assert_eq!(export["dossier"]["contacts"][0]["firstName"], "Rose");
    assert_eq!(export["dossier"]["children"].as_array().unwrap().len(), 3);
    assert_eq!(export["health"].as_array().unwrap().len(), 3);
    assert!(
        export["health"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["health"]["allergies"] == "pollen")
    );
    assert_eq!(export["requests"].as_array().unwrap().len(), 1);
    assert_eq!(export["requests"][0]["documents"][0]["id"], form["id"]);
    let document = &export["documents"][0];
    assert_eq!(document["fileName"], "fiche.pdf");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(document["contentBase64"].as_str().unwrap())
        .unwrap();
    assert_eq!(bytes, pdf());

    let text = export.to_string();
    for other in ["DURAND", "Léa", "Secret", "m.durand", "famille.durand"] {
        assert!(!text.contains(other), "the export holds {other}");
    }

    // Staff export their own account only.
    let staff = body_of(
        app.get_authed("/api/v1/me/export", &agent).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(staff["account"]["username"], "agent.demo");
    assert_eq!(staff["dossier"], serde_json::Value::Null);
    assert_eq!(staff["notifications"], json!([]));
    assert_eq!(staff["documents"], json!([]));
}

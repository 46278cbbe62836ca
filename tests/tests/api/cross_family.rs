//! security.md test 1 for the family file: another family's child, health
//! information, document or request answers 404, as if it did not exist; the back
//! office answers families 403.

use reqwest::{Method, StatusCode};
use serde_json::json;

use tests::steps::dossiers::{pdf, upload};
use tests::{json as body_of, problem, spawn_app};

#[tokio::test]
async fn another_familys_children_documents_and_requests_answer_404() {
    let app = spawn_app().await;
    let ti = app.token_of("family").await;
    let durand = app
        .sign_up_family(
            ("19", "DURAND", "famille.durand@exemple.fr"),
            "m.durand",
            "m.durand@exemple.fr",
        )
        .await;

    // What family T I holds: a child, a health form, a request.
    let children = body_of(
        app.get_authed("/api/v1/children", &ti).await,
        StatusCode::OK,
    )
    .await;
    let luc = children[2]["id"].as_i64().unwrap();
    let form = body_of(
        upload(
            &app,
            &ti,
            &format!("kind=health_form&childId={luc}"),
            "application/pdf",
            pdf(),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let document = form["id"].as_i64().unwrap();
    let request = app
        .exchange(
            Method::POST,
            "/api/v1/requests",
            Some(&ti),
            &json!({"kind": "other", "message": "Bonjour"}),
            StatusCode::CREATED,
        )
        .await["id"]
        .as_i64()
        .unwrap();

    // The DURAND family sees none of it, with the answer of an unknown id.
    for path in [
        format!("/api/v1/children/{luc}"),
        format!("/api/v1/children/{luc}/health"),
        format!("/api/v1/documents/{document}"),
        format!("/api/v1/documents/{document}/content"),
        format!("/api/v1/requests/{request}"),
        "/api/v1/children/999999".to_owned(),
    ] {
        let theirs = problem(
            app.get_authed(&path, &durand).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        assert_eq!(
            theirs["detail"], "Cette ressource n'existe pas ou ne vous est pas accessible.",
            "{path}"
        );
    }
    let upload_for_their_child = upload(
        &app,
        &durand,
        &format!("kind=health_form&childId={luc}"),
        "application/pdf",
        pdf(),
    )
    .await;
    problem(upload_for_their_child, StatusCode::NOT_FOUND, "not_found").await;
    let attach_theirs = app
        .send_json(
            Method::POST,
            "/api/v1/requests",
            Some(&durand),
            &json!({"kind": "other", "message": "Bonjour", "documentIds": [document]}),
        )
        .await;
    problem(attach_theirs, StatusCode::BAD_REQUEST, "validation_failed").await;

    // Their own lists hold only their own.
    let mine = body_of(
        app.get_authed("/api/v1/children", &durand).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["firstName"], "Léa");
    let documents = body_of(
        app.get_authed("/api/v1/documents", &durand).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(documents["total"], 0);
    let requests = body_of(
        app.get_authed("/api/v1/requests", &durand).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(requests["total"], 0);
    let dossier = body_of(
        app.get_authed("/api/v1/dossier", &durand).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(dossier["number"], "19");

    // Nothing was attached, nothing was uploaded for their child.
    let form = body_of(
        app.get_authed(&format!("/api/v1/documents/{document}"), &ti)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(form["requestId"], serde_json::Value::Null);
    let all = body_of(
        app.get_authed("/api/v1/documents", &ti).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["total"], 1);
}

#[tokio::test]
async fn families_get_403_on_the_back_office_and_staff_on_family_pages() {
    let app = spawn_app().await;
    let family = app.token_of("family").await;
    let agent = app.token_of("agent").await;
    for path in [
        "/api/v1/admin/dossiers",
        "/api/v1/admin/dossiers/1",
        "/api/v1/admin/children/1",
        "/api/v1/admin/children/1/health",
        "/api/v1/admin/dossiers/1/documents",
        "/api/v1/admin/documents/1/content",
        "/api/v1/admin/requests",
        "/api/v1/admin/requests/1",
        "/api/v1/admin/dossier-imports/1",
        "/api/v1/admin/dossier-imports/1/rows",
        "/api/v1/admin/audit-log",
    ] {
        problem(
            app.get_authed(path, &family).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
    }
    let create = app
        .send_json(
            Method::POST,
            "/api/v1/admin/dossiers",
            Some(&family),
            &tests::steps::dossiers::dossier_18(),
        )
        .await;
    problem(create, StatusCode::FORBIDDEN, "forbidden").await;
    for path in [
        "/api/v1/dossier",
        "/api/v1/children",
        "/api/v1/documents",
        "/api/v1/requests",
    ] {
        problem(
            app.get_authed(path, &agent).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
    }
    for path in [
        "/api/v1/dossier",
        "/api/v1/children/1",
        "/api/v1/admin/dossiers",
    ] {
        problem(
            app.get(path).await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        )
        .await;
    }
}

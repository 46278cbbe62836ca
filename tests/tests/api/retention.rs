//! Retention: the purge deletes what the configured periods no longer allow to
//! keep, files included, and keeps the rest.

use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::json;

use tests::steps::dossiers::{pdf, upload};
use tests::{json as body_of, spawn_app};

#[tokio::test]
async fn the_purge_deletes_old_decided_requests_with_their_files_and_old_audit_entries() {
    let app = spawn_app().await;
    let family = app.token_of("family").await;
    let agent = app.token_of("agent").await;
    let proof = body_of(
        upload(&app, &family, "kind=income_proof", "application/pdf", pdf()).await,
        StatusCode::CREATED,
    )
    .await;
    let decided = app
        .exchange(
            Method::POST,
            "/api/v1/requests",
            Some(&family),
            &json!({"kind": "other", "message": "Ancienne démarche", "documentIds": [proof["id"]]}),
            StatusCode::CREATED,
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let decision = app
        .send_json(
            Method::POST,
            &format!("/api/v1/admin/requests/{decided}/decision"),
            Some(&agent),
            &json!({"decision": "accept"}),
        )
        .await;
    assert_eq!(decision.status(), StatusCode::OK);
    let children = body_of(
        app.get_authed("/api/v1/children", &family).await,
        StatusCode::OK,
    )
    .await;
    let health = app
        .get_authed(
            &format!("/api/v1/admin/children/{}/health", children[0]["id"]),
            &agent,
        )
        .await;
    assert_eq!(health.status(), StatusCode::OK);

    // Four years on, a new request is filed and stays pending.
    app.clock.advance(Duration::days(4 * 365));
    let family = app.token_of("family").await;
    let pending = app
        .exchange(
            Method::POST,
            "/api/v1/requests",
            Some(&family),
            &json!({"kind": "other", "message": "Récente"}),
            StatusCode::CREATED,
        )
        .await["id"]
        .as_i64()
        .unwrap();

    let purged = api::usecases::accounts::retention::purge(
        &mut app.database.connect(),
        &app.state.files,
        &app.state.config.retention,
        app.clock.now(),
    )
    .unwrap();
    assert_eq!(purged.decided_requests, 1);
    assert_eq!(purged.request_documents, 1);
    assert_eq!(purged.audit_entries, 1);
    assert!(purged.ended_sessions_and_links >= 2, "{purged:?}");
    // The decision's notification (a year by default) went with its event.
    assert_eq!(purged.events, 1);
    assert!(app.notifications(&family).await.is_empty());

    let requests = body_of(
        app.get_authed("/api/v1/requests", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(requests["total"], 1);
    assert_eq!(requests["items"][0]["id"], pending);
    let documents = body_of(
        app.get_authed("/api/v1/documents", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(documents["total"], 0);
    let files = std::fs::read_dir(app.database.storage_dir())
        .unwrap()
        .count();
    assert_eq!(files, 0);

    // Run again, it finds nothing more.
    let again = api::usecases::accounts::retention::purge(
        &mut app.database.connect(),
        &app.state.files,
        &app.state.config.retention,
        app.clock.now(),
    )
    .unwrap();
    assert_eq!(
        again.decided_requests + again.request_documents + again.audit_entries,
        0
    );
}

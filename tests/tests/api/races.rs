//! Two agents acting on the same record at the same moment: one wins, the others
//! get a clear 409, never a 500 (SQLite's single writer included).

use reqwest::{Method, StatusCode};
use serde_json::json;
use tokio::task::JoinSet;

use tests::steps::dossiers::dossier_18;
use tests::{TestAppBuilder, empty_city, json as body_of};

/// The statuses of `n` copies of a request sent at once.
async fn at_once(
    app: &tests::TestApp,
    n: usize,
    method: Method,
    path: &str,
    token: &str,
    body: serde_json::Value,
) -> Vec<StatusCode> {
    let mut set = JoinSet::new();
    for _ in 0..n {
        let request = app.authed(method.clone(), path, token).json(&body);
        set.spawn(async move { request.send().await.unwrap().status() });
    }
    let mut statuses = Vec::new();
    while let Some(status) = set.join_next().await {
        statuses.push(status.unwrap());
    }
    statuses.sort();
    statuses
}

fn one_ok_rest(statuses: &[StatusCode], ok: StatusCode, rest: StatusCode) {
    assert_eq!(
        statuses.iter().filter(|s| **s == ok).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == ok || *s == rest),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_request_decided_by_several_agents_at_once_is_decided_once() {
    let app = TestAppBuilder::default()
        .setting("DATABASE_POOL_SIZE", "8")
        .spawn()
        .await;
    let family = app.token_of("family").await;
    let agent = app.token_of("agent").await;
    let request = app
        .exchange(
            Method::POST,
            "/api/v1/requests",
            Some(&family),
            &json!({"kind": "other", "message": "Bonjour"}),
            StatusCode::CREATED,
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let statuses = at_once(
        &app,
        8,
        Method::POST,
        &format!("/api/v1/admin/requests/{request}/decision"),
        &agent,
        json!({"decision": "refuse", "comment": "Non."}),
    )
    .await;
    one_ok_rest(&statuses, StatusCode::OK, StatusCode::CONFLICT);
    let decided: Vec<_> = app
        .emails_to("famille.ti@exemple.fr")
        .into_iter()
        .filter(|e| e.kind == "request_decided")
        .collect();
    assert_eq!(decided.len(), 1);
}

#[tokio::test]
async fn the_same_dossier_number_created_at_once_exists_once_and_an_import_confirmed_at_once_imports_once()
 {
    let (app, admin) = empty_city().await;
    let statuses = at_once(
        &app,
        8,
        Method::POST,
        "/api/v1/admin/dossiers",
        &admin,
        dossier_18(),
    )
    .await;
    one_ok_rest(&statuses, StatusCode::CREATED, StatusCode::CONFLICT);

    let csv = "numero_dossier;nom_dossier;enfant_prenom;enfant_naissance\n30;A;Jo;2020-01-01\n31;B;Al;2019-01-01\n";
    let import = app
        .authed(Method::POST, "/api/v1/admin/dossier-imports", &admin)
        .header("Content-Type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let import = body_of(import, StatusCode::CREATED).await;
    let statuses = at_once(
        &app,
        6,
        Method::POST,
        &format!("/api/v1/admin/dossier-imports/{}/confirm", import["id"]),
        &admin,
        json!({}),
    )
    .await;
    one_ok_rest(&statuses, StatusCode::OK, StatusCode::CONFLICT);
    let all = body_of(
        app.get_authed("/api/v1/admin/dossiers", &admin).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["total"], 3);
}

/// A request that reads, then writes, while another writer holds the database: it
/// waits its turn and reads what the other wrote, never a 500 (on SQLite a transaction
/// that read before the other committed could not write at all).
#[tokio::test]
async fn a_read_then_write_waits_for_another_writer_instead_of_failing() {
    let app = tests::spawn_app().await;
    let (login, password) = tests::demo_credentials("family");
    let session = app.login(login, password).await;
    let mut writer = tests::locks::another_writer(&app);
    writer.run("UPDATE refresh_tokens SET expires_at = expires_at");
    let refresh = app
        .request(Method::POST, "/api/v1/auth/refresh")
        .json(&json!({"refreshToken": session["refreshToken"]}));
    let refreshed = tokio::spawn(async move { refresh.send().await.unwrap() });
    tests::locks::until_waiting(&app, 1).await;
    writer.release();
    let refreshed = body_of(refreshed.await.unwrap(), StatusCode::OK).await;
    assert_ne!(refreshed["refreshToken"], session["refreshToken"]);
}

/// A family's reads take no write lock: while another writer holds the database, the
/// family still reads a child's health information and downloads a document.
#[tokio::test]
async fn a_familys_reads_do_not_wait_for_another_writer() {
    let app = tests::spawn_app().await;
    let family = app.token_of("family").await;
    let eliot = tests::steps::activities::child_named(&app, &family, "Eliot").await;
    let uploaded = body_of(
        tests::steps::dossiers::upload(
            &app,
            &family,
            &format!("kind=health_form&childId={eliot}&fileName=fiche.pdf"),
            "application/pdf",
            tests::steps::dossiers::pdf(),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let mut writer = tests::locks::another_writer(&app);
    writer.run("UPDATE children SET first_name = first_name");
    let health = app
        .get_authed(&format!("/api/v1/children/{eliot}/health"), &family)
        .await;
    let content = app
        .get_authed(
            &format!("/api/v1/documents/{}/content", uploaded["id"]),
            &family,
        )
        .await;
    writer.release();
    body_of(health, StatusCode::OK).await;
    assert_eq!(content.status(), StatusCode::OK);
    assert_eq!(
        content.bytes().await.unwrap(),
        tests::steps::dossiers::pdf()
    );
}

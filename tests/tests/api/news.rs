//! "Actualités": agents write, schedule, pin, attach and retire news items; everyone
//! reads the published ones, with their Markdown rendered and sanitised.

use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use tests::{app_at, json as body_of, problem};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n0000";

async fn published(app: &tests::TestApp) -> Value {
    body_of(app.get("/api/v1/news").await, StatusCode::OK).await
}

#[tokio::test]
async fn news_are_written_scheduled_pinned_attached_and_retired_and_read_by_everyone() {
    let app = app_at("2026-11-27T09:00:00Z").await;
    // The demo's items: two published (the pinned one first), one scheduled.
    let list = published(&app).await;
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"][0]["pinned"], true);
    assert_eq!(list["items"][1]["pinned"], false);
    assert!(
        list["items"][0]["bodyHtml"]
            .as_str()
            .unwrap()
            .contains("<strong>vacances d'hiver</strong>")
    );

    let agent = app.token_of("agent").await;
    let written = app.exchange(Method::POST, "/api/v1/admin/news", Some(&agent), &json!({
                "title": "Grève du 3 décembre",
                "bodyMarkdown": "Accueil **assuré**.<script>alert(1)</script> [voir](javascript:alert(2)) [site](https://www.villejuif.fr)",
                "publishedFrom": "2026-11-27T08:00:00Z",
            }), StatusCode::CREATED)
    .await;
    let id = written["id"].as_i64().unwrap();
    let html = written["bodyHtml"].as_str().unwrap();
    assert!(html.contains("<strong>assuré</strong>"), "{html}");
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("javascript:"), "{html}");
    assert!(html.contains("href=\"https://www.villejuif.fr\""), "{html}");
    assert_eq!(written["status"], "published");
    // Newest first after the pinned one.
    let list = published(&app).await;
    assert_eq!(list["total"], 3);
    assert_eq!(list["items"][1]["id"], id);

    // A file attached, downloaded by anyone as an attachment; a non-image refused.
    let attached = app
        .authed(
            Method::POST,
            &format!("/api/v1/admin/news/{id}/attachments?fileName=affiche.png"),
            &agent,
        )
        .header(CONTENT_TYPE, "image/png")
        .body(PNG)
        .send()
        .await
        .unwrap();
    let attachment = body_of(attached, StatusCode::CREATED).await;
    assert_eq!(attachment["fileName"], "affiche.png");
    let download = app.get(attachment["path"].as_str().unwrap()).await;
    assert_eq!(download.status(), StatusCode::OK);
    assert!(
        download.headers()[CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(download.bytes().await.unwrap().as_ref(), PNG);
    let text = app
        .authed(
            Method::POST,
            &format!("/api/v1/admin/news/{id}/attachments"),
            &agent,
        )
        .header(CONTENT_TYPE, "application/octet-stream")
        .body("MZ not an image")
        .send()
        .await
        .unwrap();
    problem(
        text,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unsupported_file_type",
    )
    .await;
    let item = body_of(app.get(&format!("/api/v1/news/{id}")).await, StatusCode::OK).await;
    assert_eq!(item["attachments"].as_array().unwrap().len(), 1);

    // Scheduled and draft items are the agents' only until their time comes.
    let later = app.exchange(Method::POST, "/api/v1/admin/news", Some(&agent), &json!({"title": "Menus de janvier", "bodyMarkdown": "Bientôt.", "publishedFrom": "2026-12-20T08:00:00Z", "publishedUntil": "2027-01-31T08:00:00Z"}), StatusCode::CREATED)
    .await;
    assert_eq!(later["status"], "scheduled");
    let later_path = format!("/api/v1/news/{}", later["id"]);
    problem(
        app.get(&later_path).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let draft = app
        .exchange(
            Method::POST,
            "/api/v1/admin/news",
            Some(&agent),
            &json!({"title": "Brouillon", "bodyMarkdown": ""}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(draft["status"], "draft");
    let all = body_of(
        app.get_authed("/api/v1/admin/news", &agent).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["total"], 6);

    // Retired: gone for the public, kept for the agents.
    let retired = app
        .exchange(
            Method::POST,
            &format!("/api/v1/admin/news/{id}/retirement"),
            Some(&agent),
            &json!({}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(retired["status"], "retired");
    problem(
        app.get(&format!("/api/v1/news/{id}")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    problem(
        app.get(attachment["path"].as_str().unwrap()).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    // Time passes: the scheduled items appear, the January menus expire after January.
    app.clock.set("2026-12-21T08:00:00Z".parse().unwrap());
    let list = published(&app).await;
    assert_eq!(list["total"], 4, "{list}");
    app.clock.set("2027-02-01T08:00:00Z".parse().unwrap());
    assert_eq!(published(&app).await["total"], 3);
}

#[tokio::test]
async fn news_are_written_by_agents_only_and_checked() {
    let app = app_at("2026-11-27T09:00:00Z").await;
    let family = app.token_of("family").await;
    let form = json!({"title": "Titre", "bodyMarkdown": "Texte"});
    app.refused(
        Method::POST,
        "/api/v1/admin/news",
        Some(&family),
        &form,
        (StatusCode::FORBIDDEN, "forbidden"),
    )
    .await;
    let agent = app.token_of("agent").await;
    let backwards = app.refused(Method::POST, "/api/v1/admin/news", Some(&agent), &json!({"title": "Titre", "bodyMarkdown": "", "publishedFrom": "2026-12-02T00:00:00Z", "publishedUntil": "2026-12-01T00:00:00Z"}), (StatusCode::BAD_REQUEST, "validation_failed"))
    .await;
    assert_eq!(backwards["errors"][0]["field"], "publishedUntil");
    app.refused(
        Method::PUT,
        "/api/v1/admin/news/9999",
        Some(&agent),
        &form,
        (StatusCode::NOT_FOUND, "not_found"),
    )
    .await;
}

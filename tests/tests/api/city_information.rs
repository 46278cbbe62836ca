//! What the portal's header, footer and "Contact" screen show before anyone signs in:
//! the city's phone and opening hours (an admin edits them), and the information
//! pages of the guide's header links, "Aide" and "Accessibilité" (agents write them).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use tests::{TestApp, json as body_of, problem, spawn_app};

fn contacts(slots: Value) -> Value {
    json!({
        "academy": "Créteil",
        "contactEmail": "enfance@villejuif.example",
        "contactPhone": "01 99 00 56 78",
        "websiteUrl": "https://www.villejuif.fr",
        "openingHours": slots,
        "openingNote": null
    })
}

async fn put_contacts(
    app: &TestApp,
    token: &str,
    version: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    let mut request = app
        .authed(Method::PUT, "/api/v1/admin/city", token)
        .json(body);
    if let Some(version) = version {
        request = request.header("If-Match", version);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn the_city_gives_its_phone_and_hours_and_an_admin_changes_them() {
    let app = spawn_app().await;
    let read = app.get("/api/v1/city").await;
    let version = read.headers()["etag"].to_str().unwrap().to_owned();
    let city = body_of(read, StatusCode::OK).await;
    assert_eq!(city["contactPhone"], "01 99 00 12 34");
    assert_eq!(
        city["openingHours"][0],
        json!({"weekday": 1, "opens": "08:30", "closes": "12:00"})
    );
    assert_eq!(
        city["openingNote"],
        "Fermé le samedi en juillet et en août."
    );

    let slots = json!([
        {"weekday": 2, "opens": "13:30", "closes": "17:00"},
        {"weekday": 2, "opens": "08:30", "closes": "12:00"}
    ]);
    let agent = app.token_of("agent").await;
    problem(
        put_contacts(&app, &agent, Some(&version), &contacts(slots.clone())).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let admin = app.token_of("admin").await;
    problem(
        put_contacts(&app, &admin, None, &contacts(slots.clone())).await,
        StatusCode::PRECONDITION_REQUIRED,
        "precondition_required",
    )
    .await;
    let overlapping = json!([
        {"weekday": 1, "opens": "08:30", "closes": "12:00"},
        {"weekday": 1, "opens": "11:00", "closes": "13:00"}
    ]);
    let refused = problem(
        put_contacts(&app, &admin, Some(&version), &contacts(overlapping)).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "openingHours[1]");
    assert_eq!(refused["errors"][0]["code"], "overlap");
    let mut bad_phone = contacts(slots.clone());
    bad_phone["contactPhone"] = json!("appelez-nous");
    let refused = problem(
        put_contacts(&app, &admin, Some(&version), &bad_phone).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "contactPhone");

    let updated = put_contacts(&app, &admin, Some(&version), &contacts(slots)).await;
    let new_version = updated.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(new_version, version);
    let updated = body_of(updated, StatusCode::OK).await;
    // Day by day, morning first; a note set to null is gone.
    assert_eq!(updated["openingHours"][0]["opens"], "08:30");
    assert_eq!(updated["openingHours"][1]["opens"], "13:30");
    assert!(updated.get("openingNote").is_none(), "{updated}");
    let city = body_of(app.get("/api/v1/city").await, StatusCode::OK).await;
    assert_eq!(city["contactPhone"], "01 99 00 56 78");
    assert_eq!(city["contactEmail"], "enfance@villejuif.example");
    assert_eq!(city["openingHours"].as_array().map(Vec::len), Some(2));
    // The version read before is stale now.
    problem(
        put_contacts(&app, &admin, Some(&version), &contacts(json!([]))).await,
        StatusCode::PRECONDITION_FAILED,
        "precondition_failed",
    )
    .await;
}

#[tokio::test]
async fn the_help_and_accessibility_pages_are_served_to_anyone_and_agents_write_them() {
    let app = spawn_app().await;
    let list = body_of(app.get("/api/v1/pages").await, StatusCode::OK).await;
    let slugs: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["aide", "accessibilite", "reglement-restauration"]);
    let accessibility = body_of(app.get("/api/v1/pages/accessibilite").await, StatusCode::OK).await;
    assert_eq!(accessibility["title"], "Accessibilité");
    assert!(
        accessibility["bodyHtml"]
            .as_str()
            .unwrap()
            .starts_with("<h2>Déclaration d'accessibilité</h2>")
    );
    problem(
        app.get("/api/v1/pages/nulle-part").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let page = json!({"slug": "periscolaire", "title": "Règlement du périscolaire",
                      "bodyMarkdown": "## Règlement\n\n<script>alert(1)</script>\n\n[lien](javascript:alert(1))",
                      "position": 4});
    let family = app.token_of("family").await;
    app.refused(
        Method::POST,
        "/api/v1/admin/pages",
        Some(&family),
        &page,
        (StatusCode::FORBIDDEN, "forbidden"),
    )
    .await;
    let agent = app.token_of("agent").await;
    let created = app
        .send_json(Method::POST, "/api/v1/admin/pages", Some(&agent), &page)
        .await;
    assert_eq!(created.headers()["location"], "/api/v1/pages/periscolaire");
    let version = created.headers()["etag"].to_str().unwrap().to_owned();
    let created = body_of(created, StatusCode::CREATED).await;
    let html = created["bodyHtml"].as_str().unwrap();
    assert!(html.contains("<h2>Règlement</h2>"), "{html}");
    assert!(
        !html.contains("script") && !html.contains("javascript"),
        "{html}"
    );
    app.refused(
        Method::POST,
        "/api/v1/admin/pages",
        Some(&agent),
        &page,
        (StatusCode::CONFLICT, "page_slug_taken"),
    )
    .await;
    let mut bad = page.clone();
    bad["slug"] = json!("Règlement");
    let refused = problem(
        app.send_json(Method::POST, "/api/v1/admin/pages", Some(&agent), &bad)
            .await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    assert_eq!(refused["errors"][0]["code"], "invalid_slug");

    // Rewritten with the version read; the old version is refused after.
    let rewrite = json!({"title": "Règlement du périscolaire 2027", "bodyMarkdown": "Nouveau texte.", "position": 0});
    let put = |version: String| {
        app.authed(Method::PUT, "/api/v1/admin/pages/periscolaire", &agent)
            .header("If-Match", version)
            .json(&rewrite)
            .send()
    };
    let rewritten = body_of(put(version.clone()).await.unwrap(), StatusCode::OK).await;
    assert_eq!(rewritten["bodyHtml"], "<p>Nouveau texte.</p>\n");
    problem(
        put(version).await.unwrap(),
        StatusCode::PRECONDITION_FAILED,
        "precondition_failed",
    )
    .await;
    let list = body_of(app.get("/api/v1/pages").await, StatusCode::OK).await;
    assert_eq!(list[0]["slug"], "periscolaire", "position 0 comes first");

    let deleted = app
        .authed(Method::DELETE, "/api/v1/admin/pages/periscolaire", &agent)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    problem(
        app.get("/api/v1/pages/periscolaire").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // Gone: neither rewritten nor deleted again.
    problem(
        put("\"1\"".to_owned()).await.unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let again = app
        .authed(Method::DELETE, "/api/v1/admin/pages/periscolaire", &agent)
        .send()
        .await
        .unwrap();
    problem(again, StatusCode::NOT_FOUND, "not_found").await;
}

//! Roles: families, agents and admins, and what each may do to accounts and to the
//! terms of use.

use reqwest::{Method, StatusCode};
use serde_json::json;

use tests::{TestAppBuilder, json as body_of, problem, spawn_app};

#[tokio::test]
async fn families_get_403_on_the_back_office() {
    let app = spawn_app().await;
    let family = app.token_of("family").await;
    for path in ["/api/v1/admin/accounts", "/api/v1/admin/accounts/1"] {
        problem(
            app.get_authed(path, &family).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
    }
    let body = json!({"role": "agent", "username": "x.y", "email": "x@y.fr", "firstName": "X", "lastName": "Y"});
    app.refused(
        Method::POST,
        "/api/v1/admin/staff-accounts",
        Some(&family),
        &body,
        (StatusCode::FORBIDDEN, "forbidden"),
    )
    .await;
    problem(
        app.get("/api/v1/admin/accounts").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
}

#[tokio::test]
async fn an_agent_finds_disables_and_re_enables_a_family_account() {
    let app = spawn_app().await;
    let agent = app.token_of("agent").await;
    let family_session = app.login("famille.ti", "Famille-TI-2026!").await;

    let page = body_of(
        app.get_authed("/api/v1/admin/accounts?role=family&q=FAM", &agent)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["page"], 1);
    assert_eq!(page["pageSize"], 50);
    let family = &page["items"][0];
    assert_eq!(family["username"], "famille.ti");
    assert_eq!(family["dossierNumber"], "18");
    let id = family["id"].as_i64().unwrap();
    let everyone = body_of(
        app.get_authed("/api/v1/admin/accounts?pageSize=2", &agent)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(everyone["total"], 3);
    assert_eq!(everyone["items"].as_array().unwrap().len(), 2);
    problem(
        app.get_authed("/api/v1/admin/accounts?pageSize=500", &agent)
            .await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;

    let disabled = body_of(
        app.authed(
            Method::POST,
            &format!("/api/v1/admin/accounts/{id}/disable"),
            &agent,
        )
        .send()
        .await
        .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(disabled["status"], "disabled");
    // Its tokens stop working at once; it cannot sign in.
    problem(
        app.get_authed(
            "/api/v1/me",
            family_session["accessToken"].as_str().unwrap(),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    let refresh = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refreshToken": family_session["refreshToken"]}),
        )
        .await;
    problem(refresh, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    let login = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"login": "famille.ti", "password": "Famille-TI-2026!"}),
        )
        .await;
    problem(login, StatusCode::FORBIDDEN, "account_disabled").await;

    let enabled = body_of(
        app.authed(
            Method::POST,
            &format!("/api/v1/admin/accounts/{id}/enable"),
            &agent,
        )
        .send()
        .await
        .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(enabled["status"], "active");
    app.login("famille.ti", "Famille-TI-2026!").await;

    problem(
        app.get_authed("/api/v1/admin/accounts/999999", &agent)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn only_admins_open_staff_accounts_whose_owners_choose_a_password_at_activation() {
    let app = spawn_app().await;
    let agent = app.token_of("agent").await;
    let admin = app.token_of("admin").await;
    let body = json!({"role": "agent", "username": "c.dupuis", "email": "c.dupuis@villejuif.example", "firstName": "Claire", "lastName": "Dupuis"});
    app.refused(
        Method::POST,
        "/api/v1/admin/staff-accounts",
        Some(&agent),
        &body,
        (StatusCode::FORBIDDEN, "forbidden"),
    )
    .await;

    let response = app
        .send_json(
            Method::POST,
            "/api/v1/admin/staff-accounts",
            Some(&admin),
            &body,
        )
        .await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created = body_of(response, StatusCode::CREATED).await;
    assert_eq!(created["status"], "pending");
    assert_eq!(
        location,
        format!("/api/v1/admin/accounts/{}", created["id"])
    );
    let again = app
        .send_json(
            Method::POST,
            "/api/v1/admin/staff-accounts",
            Some(&admin),
            &body,
        )
        .await;
    problem(again, StatusCode::BAD_REQUEST, "validation_failed").await;

    let token = app.link_token("c.dupuis@villejuif.example", "invitation");
    let without_password = app
        .post_json("/api/v1/auth/activation", &json!({ "token": token }))
        .await;
    problem(
        without_password,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    let with_password = app
        .post_json(
            "/api/v1/auth/activation",
            &json!({"token": token, "password": "Claire-Agent-2026!"}),
        )
        .await;
    assert_eq!(with_password.status(), StatusCode::NO_CONTENT);
    let claire = app.login("c.dupuis", "Claire-Agent-2026!").await;
    let claire = claire["accessToken"].as_str().unwrap();
    assert_eq!(
        app.get_authed("/api/v1/admin/accounts", claire)
            .await
            .status(),
        StatusCode::OK
    );

    // An agent may not disable staff, nor anyone themselves.
    let me = body_of(app.get_authed("/api/v1/me", claire).await, StatusCode::OK).await;
    let own = me["account"]["id"].as_i64().unwrap();
    let disable_self = app
        .authed(
            Method::POST,
            &format!("/api/v1/admin/accounts/{own}/disable"),
            claire,
        )
        .send()
        .await
        .unwrap();
    problem(disable_self, StatusCode::CONFLICT, "cannot_disable_self").await;
    let page = body_of(
        app.get_authed("/api/v1/admin/accounts?role=admin", claire)
            .await,
        StatusCode::OK,
    )
    .await;
    let admin_id = page["items"][0]["id"].as_i64().unwrap();
    let disable_admin = app
        .authed(
            Method::POST,
            &format!("/api/v1/admin/accounts/{admin_id}/disable"),
            claire,
        )
        .send()
        .await
        .unwrap();
    problem(disable_admin, StatusCode::FORBIDDEN, "forbidden").await;
}

#[tokio::test]
async fn an_agent_resends_an_activation_link_and_only_the_newest_works() {
    let app = spawn_app().await;
    let admin = app.token_of("admin").await;
    let body = json!({"role": "agent", "username": "p.leroy", "email": "p.leroy@villejuif.example", "firstName": "Paul", "lastName": "Leroy"});
    let created = app
        .exchange(
            Method::POST,
            "/api/v1/admin/staff-accounts",
            Some(&admin),
            &body,
            StatusCode::CREATED,
        )
        .await;
    let first = app.link_token("p.leroy@villejuif.example", "invitation");
    let agent = app.token_of("agent").await;
    let resend = app
        .authed(
            Method::POST,
            &format!("/api/v1/admin/accounts/{}/activation-email", created["id"]),
            &agent,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resend.status(), StatusCode::ACCEPTED);
    let second = app.link_token("p.leroy@villejuif.example", "invitation");
    assert_ne!(first, second);
    let old = app
        .post_json(
            "/api/v1/auth/activation",
            &json!({"token": first, "password": "Paul-Agent-2026!"}),
        )
        .await;
    problem(old, StatusCode::BAD_REQUEST, "invalid_token").await;
    let new = app
        .post_json(
            "/api/v1/auth/activation",
            &json!({"token": second, "password": "Paul-Agent-2026!"}),
        )
        .await;
    assert_eq!(new.status(), StatusCode::NO_CONTENT);
    let active = app
        .authed(
            Method::POST,
            &format!("/api/v1/admin/accounts/{}/activation-email", created["id"]),
            &agent,
        )
        .send()
        .await
        .unwrap();
    problem(active, StatusCode::CONFLICT, "account_not_pending").await;
}

#[tokio::test]
async fn a_new_terms_version_must_be_accepted_before_anything_else() {
    let app = spawn_app().await;
    let admin = app.token_of("admin").await;
    let family = app.token_of("family").await;
    let body = json!({"kind": "terms", "version": "2.0", "title": "Conditions générales d'utilisation", "body": "ARTICLE 1 : nouvelles conditions."});
    let agent = app.token_of("agent").await;
    app.refused(
        Method::POST,
        "/api/v1/admin/legal-documents",
        Some(&agent),
        &body,
        (StatusCode::FORBIDDEN, "forbidden"),
    )
    .await;
    let published = app
        .exchange(
            Method::POST,
            "/api/v1/admin/legal-documents",
            Some(&admin),
            &body,
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(published["version"], "2.0");
    app.refused(
        Method::POST,
        "/api/v1/admin/legal-documents",
        Some(&admin),
        &body,
        (StatusCode::CONFLICT, "legal_version_exists"),
    )
    .await;
    let current = body_of(app.get("/api/v1/legal/terms").await, StatusCode::OK).await;
    assert_eq!(current["version"], "2.0");

    // The family can still read its profile, which lists what to accept...
    let me = body_of(app.get_authed("/api/v1/me", &family).await, StatusCode::OK).await;
    assert_eq!(me["pendingConsents"][0]["kind"], "terms");
    assert_eq!(me["pendingConsents"][0]["version"], "2.0");
    // ... but anything else answers the dedicated code until it accepts.
    let change = json!({"currentPassword": "Famille-TI-2026!", "password": "Nouveau-Mot-2027!", "passwordConfirmation": "Nouveau-Mot-2027!"});
    let blocked = app
        .send_json(Method::PUT, "/api/v1/me/password", Some(&family), &change)
        .await;
    let answer = problem(blocked, StatusCode::FORBIDDEN, "consent_required").await;
    assert_eq!(answer["errors"][0]["field"], "terms");
    // Staff are not families: their work goes on.
    assert_eq!(
        app.get_authed("/api/v1/admin/accounts", &agent)
            .await
            .status(),
        StatusCode::OK
    );

    let outdated = app
        .send_json(
            Method::POST,
            "/api/v1/me/consents",
            Some(&family),
            &json!({"kind": "terms", "version": "1.0"}),
        )
        .await;
    problem(outdated, StatusCode::CONFLICT, "legal_version_outdated").await;
    let accepted = app
        .send_json(
            Method::POST,
            "/api/v1/me/consents",
            Some(&family),
            &json!({"kind": "terms", "version": "2.0"}),
        )
        .await;
    assert_eq!(accepted.status(), StatusCode::NO_CONTENT);
    let me = body_of(app.get_authed("/api/v1/me", &family).await, StatusCode::OK).await;
    assert_eq!(me["pendingConsents"], json!([]));
    assert_eq!(
        app.send_json(Method::PUT, "/api/v1/me/password", Some(&family), &change)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );

    // The acceptance is stored with its version and time.
    use diesel::prelude::*;
    use persistence::schema::{accounts, consents, legal_documents};
    let mut conn = app.database.connect();
    let versions: Vec<String> = consents::table
        .inner_join(legal_documents::table)
        .inner_join(accounts::table)
        .filter(accounts::username.eq("famille.ti"))
        .filter(legal_documents::kind.eq("terms"))
        .order(consents::accepted_at.asc())
        .select(legal_documents::version)
        .load(&mut conn)
        .unwrap();
    assert_eq!(versions, vec!["1.0", "2.0"]);
}

#[tokio::test]
async fn a_bootstrap_admin_is_created_on_first_start_from_the_configuration() {
    let app = TestAppBuilder::default()
        .setting("SEED_DEMO", "false")
        .setting("BOOTSTRAP_ADMIN_USERNAME", "maire")
        .setting("BOOTSTRAP_ADMIN_EMAIL", "maire@ville.example")
        .setting("BOOTSTRAP_ADMIN_PASSWORD", "Premier-Admin-2026!")
        .spawn()
        .await;
    let admin = app.login("maire", "Premier-Admin-2026!").await;
    let me = body_of(
        app.get_authed("/api/v1/me", admin["accessToken"].as_str().unwrap())
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(me["account"]["role"], "admin");
    // Without the demo there is no demo account.
    let demo = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"login": "famille.ti", "password": "Famille-TI-2026!"}),
        )
        .await;
    problem(demo, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
}

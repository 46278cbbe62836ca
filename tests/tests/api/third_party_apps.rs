//! Third-party apps through OAuth 2.0, driven as a mobile app would: PKCE, the consent
//! page in the system browser, the code, tokens scoped to what the family granted,
//! refresh, revocation; and every way of getting it wrong refused.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tests::operations::{Operation, query_string, send};
use tests::steps::activities::child_named;
use tests::{PUBLIC_URL, TestApp, demo_credentials, json, problem, spawn_app};

const REDIRECT: &str = "fr.cantineplus.app:/oauth2redirect";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-and-some-more";

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn form(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

async fn register(app: &TestApp, admin: &str) -> String {
    register_for(app, admin, &["planning:read", "invoices:read", "payments"]).await
}

async fn register_for(app: &TestApp, admin: &str, scopes: &[&str]) -> String {
    let body = json!({
        "name": "Cantine+", "kind": "public", "redirectUris": [REDIRECT], "scopes": scopes
    });
    let registered = json(
        app.send_json(Method::POST, "/api/v1/admin/apps", Some(admin), &body)
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(registered["clientSecret"], Value::Null);
    registered["app"]["clientId"].as_str().unwrap().to_owned()
}

fn authorize_query(client_id: &str, redirect: &str, scope: &str) -> String {
    form(&[
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect),
        ("scope", scope),
        ("state", "af0ifjsldkj"),
        ("code_challenge", &challenge(VERIFIER)),
        ("code_challenge_method", "S256"),
    ])
}

/// The family signs in on the consent page and allows: the code the app receives.
async fn code_for(app: &TestApp, client_id: &str, scope: &str) -> String {
    let page = app
        .request(
            Method::GET,
            &format!(
                "/api/v1/oauth/authorize?{}",
                authorize_query(client_id, REDIRECT, scope)
            ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Cantine+") && html.contains("Autoriser"),
        "{html}"
    );
    let (login, password) = demo_credentials("family");
    let mut fields: Vec<(String, String)> =
        serde_urlencoded::from_str(&authorize_query(client_id, REDIRECT, scope)).unwrap();
    fields.extend(
        [
            ("login", login),
            ("password", password),
            ("decision", "allow"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned())),
    );
    let answer = app
        .request(Method::POST, "/api/v1/oauth/authorize")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(&fields).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    let url = reqwest::Url::parse(&location).unwrap();
    assert_eq!(format!("{}:{}", url.scheme(), url.path()), REDIRECT);
    let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(get("state").as_deref(), Some("af0ifjsldkj"));
    assert_eq!(get("iss").as_deref(), Some(PUBLIC_URL));
    get("code").unwrap()
}

async fn token_request(app: &TestApp, pairs: &[(&str, &str)]) -> (StatusCode, Value) {
    let answer = app
        .request(Method::POST, "/api/v1/oauth/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(pairs))
        .send()
        .await
        .unwrap();
    let status = answer.status();
    (status, answer.json().await.unwrap())
}

async fn exchange(
    app: &TestApp,
    client_id: &str,
    code: &str,
    verifier: &str,
    redirect: &str,
) -> (StatusCode, Value) {
    token_request(
        app,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect),
            ("client_id", client_id),
            ("code_verifier", verifier),
        ],
    )
    .await
}

#[tokio::test]
async fn a_mobile_app_gets_the_scopes_the_family_granted_and_no_more() {
    let app = spawn_app().await;
    let admin = app.token_of("admin").await;
    let family = app.token_of("family").await;
    let client_id = register(&app, &admin).await;

    let metadata = json(
        app.get("/.well-known/oauth-authorization-server").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(metadata["issuer"], PUBLIC_URL);
    assert_eq!(
        metadata["code_challenge_methods_supported"],
        json!(["S256"])
    );

    let code = code_for(&app, &client_id, "planning:read").await;
    let (status, tokens) = exchange(&app, &client_id, &code, VERIFIER, REDIRECT).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(tokens["scope"], "planning:read");
    assert_eq!(tokens["token_type"], "Bearer");
    let access = tokens["access_token"].as_str().unwrap().to_owned();

    // The planning reads; paying, or anything not granted, is refused.
    let luc = child_named(&app, &family, "Luc").await;
    let planning = app
        .get_authed(
            &format!("/api/v1/children/{luc}/planning?period=month&date=2026-09-15"),
            &access,
        )
        .await;
    assert_eq!(planning.status(), StatusCode::OK);
    let refused = app
        .send_json(
            Method::POST,
            "/api/v1/invoices/1/online-payments",
            Some(&access),
            &json!({}),
        )
        .await;
    assert_eq!(
        refused.headers()["www-authenticate"],
        r#"Bearer error="insufficient_scope", scope="payments""#
    );
    problem(refused, StatusCode::FORBIDDEN, "insufficient_scope").await;
    for path in [
        "/api/v1/me",
        "/api/v1/invoices",
        "/api/v1/me/apps",
        "/api/v1/admin/apps",
    ] {
        let answer = app.get_authed(path, &access).await;
        problem(answer, StatusCode::FORBIDDEN, "insufficient_scope").await;
    }

    // The family sees the app, and withdraws it: the app's tokens stop at once, and a
    // code not yet exchanged is spent.
    let pending = code_for(&app, &client_id, "planning:read").await;
    let granted = json(
        app.get_authed("/api/v1/me/apps", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(granted["items"][0]["name"], "Cantine+");
    assert_eq!(granted["items"][0]["scopes"], json!(["planning:read"]));
    let export = json(
        app.get_authed("/api/v1/me/export", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(export["apps"][0]["clientId"], client_id.as_str());
    let withdrawn = app
        .request(Method::DELETE, &format!("/api/v1/me/apps/{client_id}"))
        .bearer_auth(&family)
        .send()
        .await
        .unwrap();
    assert_eq!(withdrawn.status(), StatusCode::NO_CONTENT);
    let after = app
        .get_authed(
            &format!("/api/v1/children/{luc}/planning?period=month&date=2026-09-15"),
            &access,
        )
        .await;
    problem(after, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let (status, error) = exchange(&app, &client_id, &pending, VERIFIER, REDIRECT).await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );

    let audit = json(
        app.get_authed("/api/v1/admin/audit-log?action=grant_app", &admin)
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(audit["total"].as_i64().unwrap() >= 2, "{audit}");
}

#[tokio::test]
async fn codes_are_single_use_bound_to_the_verifier_and_the_exact_redirect_uri() {
    let app = spawn_app().await;
    let admin = app.token_of("admin").await;
    let client_id = register(&app, &admin).await;

    // A redirect URI one character off, or an unknown app: shown, never redirected.
    for query in [
        authorize_query(
            &client_id,
            "fr.cantineplus.app:/oauth2redirecT",
            "planning:read",
        ),
        authorize_query("app_unknown", REDIRECT, "planning:read"),
    ] {
        let answer = app
            .request(Method::GET, &format!("/api/v1/oauth/authorize?{query}"))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
        assert!(answer.headers().get("location").is_none());
        assert!(answer.text().await.unwrap().contains("invalide"));
    }
    // A public app without PKCE, or a scope it may not ask: the app is told.
    let no_pkce = form(&[
        ("response_type", "code"),
        ("client_id", &client_id),
        ("redirect_uri", REDIRECT),
        ("state", "s"),
    ]);
    for query in [
        no_pkce,
        authorize_query(&client_id, REDIRECT, "dossier:write"),
    ] {
        let answer = app
            .request(Method::GET, &format!("/api/v1/oauth/authorize?{query}"))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::SEE_OTHER);
        let location = answer.headers()["location"].to_str().unwrap();
        assert!(
            location.starts_with(REDIRECT) && location.contains("error=invalid_"),
            "{location}"
        );
    }

    // A wrong verifier, a redirect URI one character off at the exchange.
    let code = code_for(&app, &client_id, "planning:read").await;
    let (status, error) =
        exchange(&app, &client_id, &code, &format!("{VERIFIER}x"), REDIRECT).await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let code = code_for(&app, &client_id, "planning:read").await;
    let (status, error) = exchange(
        &app,
        &client_id,
        &code,
        VERIFIER,
        "fr.cantineplus.app:/oauth2redirecT",
    )
    .await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );

    // A code replayed: refused, and what it issued is revoked.
    let code = code_for(&app, &client_id, "planning:read invoices:read").await;
    let (status, tokens) = exchange(&app, &client_id, &code, VERIFIER, REDIRECT).await;
    assert_eq!(status, StatusCode::OK);
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        app.get_authed("/api/v1/invoices", &access).await.status(),
        StatusCode::OK
    );
    let (status, error) = exchange(&app, &client_id, &code, VERIFIER, REDIRECT).await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    problem(
        app.get_authed("/api/v1/invoices", &access).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;

    // An old code found later is refused, but does not end the grant it opened.
    let code = code_for(&app, &client_id, "invoices:read").await;
    let (_, tokens) = exchange(&app, &client_id, &code, VERIFIER, REDIRECT).await;
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    app.clock
        .set(app.clock.now() + chrono::Duration::minutes(2));
    let (status, error) = exchange(&app, &client_id, &code, VERIFIER, REDIRECT).await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    assert_eq!(
        app.get_authed("/api/v1/invoices", &access).await.status(),
        StatusCode::OK
    );

    // Another app's code, an unknown app.
    let other = register(&app, &admin).await;
    let code = code_for(&app, &client_id, "planning:read").await;
    let (status, error) = exchange(&app, &other, &code, VERIFIER, REDIRECT).await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let (status, error) = exchange(&app, "app_unknown", &code, VERIFIER, REDIRECT).await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_client"))
    );
}

#[tokio::test]
async fn refresh_tokens_rotate_and_revocation_and_disabling_end_the_grant() {
    let app = spawn_app().await;
    let admin = app.token_of("admin").await;
    let client_id = register(&app, &admin).await;
    let code = code_for(&app, &client_id, "invoices:read").await;
    let (_, first) = exchange(&app, &client_id, &code, VERIFIER, REDIRECT).await;
    let refresh = first["refresh_token"].as_str().unwrap().to_owned();

    // Only this app may refresh: not the portal's own endpoint.
    let portal = app
        .post_json("/api/v1/auth/refresh", &json!({"refreshToken": refresh}))
        .await;
    problem(portal, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    let (status, second) = token_request(
        &app,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", &client_id),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_eq!(second["scope"], "invoices:read");
    let access = second["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        app.get_authed("/api/v1/invoices", &access).await.status(),
        StatusCode::OK
    );
    // The spent refresh token again: the whole grant ends.
    let (status, error) = token_request(
        &app,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", &client_id),
        ],
    )
    .await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    problem(
        app.get_authed("/api/v1/invoices", &access).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;

    // The app revokes its own token (RFC 7009).
    let code = code_for(&app, &client_id, "invoices:read").await;
    let (_, tokens) = exchange(&app, &client_id, &code, VERIFIER, REDIRECT).await;
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let revoked = app
        .request(Method::POST, "/api/v1/oauth/revoke")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[
            ("token", tokens["refresh_token"].as_str().unwrap()),
            ("client_id", &client_id),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);
    problem(
        app.get_authed("/api/v1/invoices", &access).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;

    // An agent disables the app for everyone.
    let agent = app.token_of("agent").await;
    let code = code_for(&app, &client_id, "invoices:read").await;
    let (_, tokens) = exchange(&app, &client_id, &code, VERIFIER, REDIRECT).await;
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let disabled = json(
        app.send_json(
            Method::POST,
            &format!("/api/v1/admin/apps/{client_id}/disable"),
            Some(&agent),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(disabled["disabledAt"].is_string());
    problem(
        app.get_authed("/api/v1/invoices", &access).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    let page = app
        .request(
            Method::GET,
            &format!(
                "/api/v1/oauth/authorize?{}",
                authorize_query(&client_id, REDIRECT, "invoices:read")
            ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::BAD_REQUEST);

    // Unknown apps are not found, by admins or families.
    let family = app.token_of("family").await;
    for (path, token) in [
        ("/api/v1/admin/apps/app_unknown/disable", &admin),
        ("/api/v1/admin/apps/app_unknown/enable", &admin),
    ] {
        problem(
            app.send_json(Method::POST, path, Some(token), &json!(null))
                .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    let withdrawn = app
        .request(Method::DELETE, &format!("/api/v1/me/apps/{client_id}"))
        .bearer_auth(&family)
        .send()
        .await
        .unwrap();
    problem(withdrawn, StatusCode::NOT_FOUND, "not_found").await;
    let enabled = json(
        app.send_json(
            Method::POST,
            &format!("/api/v1/admin/apps/{client_id}/enable"),
            Some(&admin),
            &json!(null),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(enabled["disabledAt"], Value::Null);

    // A confidential app's wrong secret, again and again: throttled like passwords.
    let server = json!({"name": "Outil", "kind": "confidential", "redirectUris": ["https://outil.exemple.fr/cb"], "scopes": ["invoices:read"]});
    let server = json(
        app.send_json(Method::POST, "/api/v1/admin/apps", Some(&admin), &server)
            .await,
        StatusCode::CREATED,
    )
    .await;
    let server_id = server["app"]["clientId"].as_str().unwrap().to_owned();
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let answer = app
            .request(Method::POST, "/api/v1/oauth/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .header(
                "authorization",
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD
                        .encode(format!("{server_id}:not-the-secret"))
                ),
            )
            .body(form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", "x"),
            ]))
            .send()
            .await
            .unwrap();
        statuses.push(answer.status());
        if answer.status() == StatusCode::TOO_MANY_REQUESTS {
            problem(answer, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
            break;
        }
        assert_eq!(
            answer.headers()["www-authenticate"],
            r#"Basic realm="espace-familles""#
        );
    }
    assert_eq!(statuses.first(), Some(&StatusCode::UNAUTHORIZED));
    assert_eq!(
        statuses.last(),
        Some(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );

    // Registering an unsafe redirect URI is refused.
    let unsafe_app = json!({"name": "X", "kind": "public", "redirectUris": ["http://evil.example/cb"], "scopes": ["payments"]});
    let answer = app
        .send_json(
            Method::POST,
            "/api/v1/admin/apps",
            Some(&admin),
            &unsafe_app,
        )
        .await;
    problem(answer, StatusCode::BAD_REQUEST, "validation_failed").await;
}

/// The scope table is deny-by-default and matches the contract: every operation with a
/// token refuses an app's token that lacks its scope, before reading anything else.
#[tokio::test]
async fn every_secured_operation_refuses_an_app_token_without_its_scope() {
    let app = spawn_app().await;
    let admin = app.token_of("admin").await;
    let client_id = register_for(&app, &admin, &["profile", "notifications"]).await;
    let mut tokens = Vec::new();
    for scope in ["profile", "notifications"] {
        let code = code_for(&app, &client_id, scope).await;
        let (_, issued) = exchange(&app, &client_id, &code, VERIFIER, REDIRECT).await;
        tokens.push((scope, issued["access_token"].as_str().unwrap().to_owned()));
    }
    let spec = api::openapi::spec().unwrap();
    let mut checked = 0;
    for operation in Operation::all(&spec).into_iter().filter(|o| !o.is_public()) {
        let needs: Vec<String> = operation.spec["security"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["oauth2"].as_array())
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect();
        let (_, token) = tokens
            .iter()
            .find(|(scope, _)| !needs.iter().any(|n| n == scope))
            .unwrap();
        let path = format!(
            "{}?{}",
            operation.path_with(|_| None),
            query_string(&operation.required_query())
        );
        let body = operation
            .json_example()
            .map(|example| ("application/json", serde_json::to_vec(&example).unwrap()));
        let response = send(&app, &operation, &path, Some(token), body).await;
        problem(response, StatusCode::FORBIDDEN, "insufficient_scope").await;
        checked += 1;
    }
    assert!(checked > 140, "{checked}");
    // And a token with the scope passes the check.
    let (_, profile) = &tokens[0];
    assert_eq!(
        app.get_authed("/api/v1/me", profile).await.status(),
        StatusCode::OK
    );
}

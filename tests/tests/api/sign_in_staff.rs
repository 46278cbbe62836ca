//! Staff signing in through the city's OpenID Connect provider (tests/oidc): roles
//! from its groups at each sign-in, accounts it manages, staff passwords turned off.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tests::oidc_provider::{app_with, param, provider, through_provider};
use tests::{json, problem};

#[tokio::test]
async fn staff_roles_follow_the_city_providers_groups_at_each_sign_in() {
    let provider = provider();
    let app = app_with(&provider, &[]).await;
    let agent_sign_in = |who: &'static str| {
        let (app, provider) = (&app, &provider);
        async move {
            through_provider(
                app,
                provider,
                (
                    "/api/v1/auth/providers/agents/flows",
                    json!({"purpose": "signIn"}),
                    None,
                ),
                who,
                (Method::POST, "/api/v1/auth/providers/agents/sign-in"),
            )
            .await
        }
    };
    // Only FranceConnect prefills a sign-up.
    let sign_up = app
        .post_json(
            "/api/v1/auth/providers/agents/flows",
            &json!({"purpose": "signUp"}),
        )
        .await;
    let refused = problem(sign_up, StatusCode::BAD_REQUEST, "validation_failed").await;
    assert_eq!(refused["errors"][0]["field"], "purpose");
    let new_app = json!({"name": "Outil", "kind": "confidential", "redirectUris": ["https://outil.exemple.fr/cb"], "scopes": ["invoices:read"]});

    provider
        .set_claims("city", "marie.curie", json!({"groups": ["ef-admins"]}))
        .await;
    let tokens = json(agent_sign_in("marie.curie").await, StatusCode::OK).await;
    let as_admin = tokens["accessToken"].as_str().unwrap().to_owned();
    let registered = app
        .send_json(
            Method::POST,
            "/api/v1/admin/apps",
            Some(&as_admin),
            &new_app,
        )
        .await;
    let registered = json(registered, StatusCode::CREATED).await;
    assert!(registered["clientSecret"].is_string());

    // Out of the admin group: an agent from the next sign-in (and the open session too).
    provider
        .set_claims("city", "marie.curie", json!({"groups": ["ef-agents"]}))
        .await;
    let tokens = json(agent_sign_in("marie.curie").await, StatusCode::OK).await;
    let as_agent = tokens["accessToken"].as_str().unwrap().to_owned();
    for token in [&as_agent, &as_admin] {
        let refused = app
            .send_json(Method::POST, "/api/v1/admin/apps", Some(token), &new_app)
            .await;
        problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    }
    assert_eq!(
        app.get_authed("/api/v1/admin/apps", &as_agent)
            .await
            .status(),
        StatusCode::OK
    );

    // Out of every group: refused, and signed out everywhere.
    provider
        .set_claims("city", "marie.curie", json!({"groups": ["rh"]}))
        .await;
    problem(
        agent_sign_in("marie.curie").await,
        StatusCode::FORBIDDEN,
        "not_in_staff_group",
    )
    .await;
    problem(
        app.get_authed("/api/v1/admin/apps", &as_agent).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;

    // Disabled in the back office: the provider's word does not reopen the account.
    provider
        .set_claims("city", "marie.curie", json!({"groups": ["ef-agents"]}))
        .await;
    let admin = app.token_of("admin").await;
    let found = json(
        app.get_authed("/api/v1/admin/accounts?q=marie", &admin)
            .await,
        StatusCode::OK,
    )
    .await;
    let marie = found["items"][0]["id"].as_i64().unwrap();
    let disabled = app
        .send_json(
            Method::POST,
            &format!("/api/v1/admin/accounts/{marie}/disable"),
            Some(&admin),
            &json!(null),
        )
        .await;
    assert!(disabled.status().is_success(), "{}", disabled.status());
    problem(
        agent_sign_in("marie.curie").await,
        StatusCode::FORBIDDEN,
        "account_disabled",
    )
    .await;

    // A provider's email that is a family's: never merged into the family account.
    provider
        .set_claims(
            "city",
            "homonyme",
            json!({"groups": ["ef-agents"], "email": "famille.ti@exemple.fr"}),
        )
        .await;
    problem(
        agent_sign_in("homonyme").await,
        StatusCode::CONFLICT,
        "identity_already_linked",
    )
    .await;

    // An existing staff account of the same verified email becomes the provider's: its
    // password no longer signs it in.
    let (login, password) = tests::demo_credentials("agent");
    json(
        app.post_json(
            "/api/v1/auth/login",
            &json!({"login": login, "password": password}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    provider
        .set_claims(
            "city",
            "agent-demo",
            json!({"groups": ["ef-agents"], "email": "agent.demo@villejuif.example"}),
        )
        .await;
    let tokens = json(agent_sign_in("agent-demo").await, StatusCode::OK).await;
    let me = json(
        app.get_authed("/api/v1/me", tokens["accessToken"].as_str().unwrap())
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(me["account"]["username"], "agent.demo");
    let refused = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"login": login, "password": password}),
        )
        .await;
    problem(refused, StatusCode::FORBIDDEN, "password_login_disabled").await;

    // Disabled at the provider: it signs nobody in, the API gets no code.
    provider.disable("city", "marie.curie").await;
    let flow = app
        .post_json(
            "/api/v1/auth/providers/agents/flows",
            &json!({"purpose": "signIn"}),
        )
        .await;
    let flow = json(flow, StatusCode::CREATED).await;
    let back = provider
        .sign_in(flow["authorizationUrl"].as_str().unwrap(), "marie.curie")
        .await;
    assert_eq!(param(&back, "error"), "access_denied");

    // Staff passwords turned off: agents go through the provider, the recovery admin not.
    let strict = app_with(
        &provider,
        &[
            ("STAFF_PASSWORD_LOGIN", "false"),
            ("RECOVERY_ADMIN", "admin.demo"),
        ],
    )
    .await;
    let offered = json(strict.get("/api/v1/auth/providers").await, StatusCode::OK).await;
    assert_eq!(offered["staffPasswords"], false);
    let (login, password) = tests::demo_credentials("agent");
    let refused = strict
        .post_json(
            "/api/v1/auth/login",
            &json!({"login": login, "password": password}),
        )
        .await;
    problem(refused, StatusCode::FORBIDDEN, "password_login_disabled").await;
    strict.token_of("family").await;
    // The recovery admin stays local: the provider cannot take it over.
    provider
        .set_claims(
            "city",
            "admin-demo",
            json!({"groups": ["ef-admins"], "email": "admin.demo@villejuif.example"}),
        )
        .await;
    let taken = through_provider(
        &strict,
        &provider,
        (
            "/api/v1/auth/providers/agents/flows",
            json!({"purpose": "signIn"}),
            None,
        ),
        "admin-demo",
        (Method::POST, "/api/v1/auth/providers/agents/sign-in"),
    )
    .await;
    problem(taken, StatusCode::CONFLICT, "identity_already_linked").await;
    strict.token_of("admin").await;
}

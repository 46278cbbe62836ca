//! Signing in with FranceConnect (families) and the city's provider (staff), against a
//! real OpenID Connect provider run locally (tests/oidc): link, sign in, logout, the
//! ID tokens a provider must never get accepted, roles from the provider's groups.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tests::oidc_provider::{OidcProvider, param, provider};
use tests::{TestApp, TestAppBuilder, json, problem};

async fn app_with(provider: &OidcProvider, extra: &[(&str, &str)]) -> TestApp {
    let mut builder = TestAppBuilder::default();
    for (name, value) in provider.settings() {
        builder = builder.setting(name, &value);
    }
    for (name, value) in extra {
        builder = builder.setting(name, value);
    }
    builder.spawn().await
}

/// Starts a flow at `path`, signs `who` in at the provider, and finishes it at `finish`.
async fn through_provider(
    app: &TestApp,
    provider: &OidcProvider,
    (path, body, token): (&str, Value, Option<&str>),
    who: &str,
    (finish_method, finish): (Method, &str),
) -> reqwest::Response {
    let flow = json(
        app.send_json(Method::POST, path, token, &body).await,
        StatusCode::CREATED,
    )
    .await;
    let back = provider
        .sign_in(flow["authorizationUrl"].as_str().unwrap(), who)
        .await;
    let body = json!({
        "flowId": flow["flowId"], "state": param(&back, "state"), "code": param(&back, "code"),
    });
    app.send_json(finish_method, finish, token, &body).await
}

async fn fc_sign_in(app: &TestApp, provider: &OidcProvider, who: &str) -> reqwest::Response {
    through_provider(
        app,
        provider,
        (
            "/api/v1/auth/providers/franceconnect/flows",
            json!({"purpose": "signIn"}),
            None,
        ),
        who,
        (Method::POST, "/api/v1/auth/providers/franceconnect/sign-in"),
    )
    .await
}

#[tokio::test]
async fn a_family_links_franceconnect_signs_in_with_it_and_signs_out_of_both() {
    let provider = provider();
    let app = app_with(&provider, &[]).await;
    let offered = json(app.get("/api/v1/auth/providers").await, StatusCode::OK).await;
    assert_eq!(offered["franceConnect"], true);
    assert_eq!(offered["agents"]["name"], "Compte de la ville");

    // Not linked yet.
    problem(
        fc_sign_in(&app, &provider, "fc-ti-parent").await,
        StatusCode::NOT_FOUND,
        "identity_not_linked",
    )
    .await;

    // Linked after a password sign-in.
    let family = app.token_of("family").await;
    let linked = through_provider(
        &app,
        &provider,
        ("/api/v1/me/franceconnect/flows", json!(null), Some(&family)),
        "fc-ti-parent",
        (Method::PUT, "/api/v1/me/franceconnect"),
    )
    .await;
    let linked = json(linked, StatusCode::OK).await;
    assert_eq!(
        (linked["givenName"].as_str(), linked["birthdate"].as_str()),
        (Some("Angela Claire Louise"), Some("1962-08-24"))
    );
    let shown = json(
        app.get_authed("/api/v1/me/franceconnect", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(shown["familyName"], "DUBOIS");

    // A sign-up with a linked identity is refused before it starts.
    let signup = through_provider(
        &app,
        &provider,
        (
            "/api/v1/auth/providers/franceconnect/flows",
            json!({"purpose": "signUp"}),
            None,
        ),
        "fc-ti-parent",
        (
            Method::POST,
            "/api/v1/auth/providers/franceconnect/identity",
        ),
    )
    .await;
    problem(signup, StatusCode::CONFLICT, "identity_already_linked").await;

    // Then a FranceConnect sign-in opens the family's own session.
    let tokens = json(
        fc_sign_in(&app, &provider, "fc-ti-parent").await,
        StatusCode::OK,
    )
    .await;
    let access = tokens["accessToken"].as_str().unwrap().to_owned();
    let mine = json(
        app.get_authed("/api/v1/dossier", &family).await,
        StatusCode::OK,
    )
    .await;
    let through_fc = json(
        app.get_authed("/api/v1/dossier", &access).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["id"], through_fc["id"]);

    // Logout: the session ends, and the provider accepts the ID token as hint.
    let out = json(
        app.send_json(
            Method::POST,
            "/api/v1/auth/provider-logout",
            Some(&access),
            &json!(null),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let logout_url = out["logoutUrl"].as_str().unwrap();
    assert!(
        logout_url.starts_with(&provider.franceconnect) && logout_url.contains("id_token_hint="),
        "{logout_url}"
    );
    let at_provider = reqwest::get(logout_url).await.unwrap();
    assert_eq!(
        at_provider.status(),
        StatusCode::OK,
        "{}",
        at_provider.text().await.unwrap()
    );
    problem(
        app.get_authed("/api/v1/dossier", &access).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;

    // An identity links one account only.
    let other = app
        .sign_up_family(
            ("19", "DURAND", "famille.durand@exemple.fr"),
            "m.durand",
            "m.durand@exemple.fr",
        )
        .await;
    let taken = through_provider(
        &app,
        &provider,
        ("/api/v1/me/franceconnect/flows", json!(null), Some(&other)),
        "fc-ti-parent",
        (Method::PUT, "/api/v1/me/franceconnect"),
    )
    .await;
    problem(taken, StatusCode::CONFLICT, "identity_already_linked").await;

    // Unlinked (a password remains): FranceConnect no longer signs in.
    let unlinked = app
        .request(Method::DELETE, "/api/v1/me/franceconnect")
        .bearer_auth(&family)
        .send()
        .await
        .unwrap();
    assert_eq!(unlinked.status(), StatusCode::NO_CONTENT);
    problem(
        fc_sign_in(&app, &provider, "fc-ti-parent").await,
        StatusCode::NOT_FOUND,
        "identity_not_linked",
    )
    .await;
    let admin = app.token_of("admin").await;
    let audit = json(
        app.get_authed("/api/v1/admin/audit-log?action=link_identity", &admin)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(audit["total"], 2, "{audit}");
}

#[tokio::test]
async fn tampered_expired_misaddressed_and_replayed_identities_are_refused() {
    let provider = provider();
    let app = app_with(&provider, &[]).await;
    for forged in [
        "forge-tamper-a",
        "forge-expired-a",
        "forge-audience-a",
        "forge-nonce-a",
        "forge-issuer-a",
        "forge-acr-a",
        "forge-none-a",
    ] {
        let answer = fc_sign_in(&app, &provider, forged).await;
        problem(answer, StatusCode::UNAUTHORIZED, "identity_token_rejected").await;
    }

    // A state that is not the flow's, a flow finished twice.
    let flow = json(
        app.post_json(
            "/api/v1/auth/providers/franceconnect/flows",
            &json!({"purpose": "signIn"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let back = provider
        .sign_in(flow["authorizationUrl"].as_str().unwrap(), "fc-someone")
        .await;
    let wrong_state =
        json!({"flowId": flow["flowId"], "state": "not-the-state", "code": param(&back, "code")});
    problem(
        app.post_json("/api/v1/auth/providers/franceconnect/sign-in", &wrong_state)
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_sign_in_flow",
    )
    .await;
    let flow = json(
        app.post_json(
            "/api/v1/auth/providers/franceconnect/flows",
            &json!({"purpose": "signIn"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let back = provider
        .sign_in(flow["authorizationUrl"].as_str().unwrap(), "fc-someone")
        .await;
    let body = json!({"flowId": flow["flowId"], "state": param(&back, "state"), "code": param(&back, "code")});
    problem(
        app.post_json("/api/v1/auth/providers/franceconnect/sign-in", &body)
            .await,
        StatusCode::NOT_FOUND,
        "identity_not_linked",
    )
    .await;
    problem(
        app.post_json("/api/v1/auth/providers/franceconnect/sign-in", &body)
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_sign_in_flow",
    )
    .await;

    // A provider that is not configured.
    let plain = TestAppBuilder::default().spawn().await;
    let offered = json(plain.get("/api/v1/auth/providers").await, StatusCode::OK).await;
    assert_eq!(
        (offered["franceConnect"].as_bool(), &offered["agents"]),
        (Some(false), &Value::Null)
    );
    let refused = plain
        .post_json(
            "/api/v1/auth/providers/agents/flows",
            &json!({"purpose": "signIn"}),
        )
        .await;
    problem(refused, StatusCode::NOT_FOUND, "provider_not_configured").await;
}

#[tokio::test]
async fn a_sign_up_prefilled_by_franceconnect_links_the_account_it_creates() {
    let provider = provider();
    let app = app_with(&provider, &[]).await;
    let flow = json(
        app.post_json(
            "/api/v1/auth/providers/franceconnect/flows",
            &json!({"purpose": "signUp"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let back = provider
        .sign_in(flow["authorizationUrl"].as_str().unwrap(), "fc-new-parent")
        .await;
    let body = json!({"flowId": flow["flowId"], "state": param(&back, "state"), "code": param(&back, "code")});
    let identity = json(
        app.post_json("/api/v1/auth/providers/franceconnect/identity", &body)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (
            identity["familyName"].as_str(),
            identity["birthdate"].as_str()
        ),
        (Some("DUBOIS"), Some("1962-08-24"))
    );
    problem(
        app.post_json("/api/v1/auth/providers/franceconnect/identity", &body)
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_sign_in_flow",
    )
    .await;

    let references = ("19", "DURAND", "famille.durand@exemple.fr");
    let (username, email) = ("angela.d", "angela.dubois@exemple.fr");
    app.confirm_signup(
        references,
        username,
        email,
        json!({"franceConnectFlowId": flow["flowId"]}),
    )
    .await;
    // The identity is taken once.
    let again = json!({
        "lastName": "DUBOIS", "firstName": "Angela", "email": "autre@exemple.fr",
        "emailConfirmation": "autre@exemple.fr", "username": "autre.compte",
        "password": "Trois-Chats-Verts!", "passwordConfirmation": "Trois-Chats-Verts!",
        "franceConnectFlowId": flow["flowId"],
    });
    problem(
        app.post_json("/api/v1/signups", &again).await,
        StatusCode::BAD_REQUEST,
        "invalid_sign_in_flow",
    )
    .await;

    // Linked at confirmation; FranceConnect signs in once the account is activated.
    problem(
        fc_sign_in(&app, &provider, "fc-new-parent").await,
        StatusCode::FORBIDDEN,
        "account_not_activated",
    )
    .await;
    let token = app.activate_and_sign_in(username, email).await;
    let linked = json(
        app.get_authed("/api/v1/me/franceconnect", &token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(linked["givenName"], "Angela Claire Louise");
    json(
        fc_sign_in(&app, &provider, "fc-new-parent").await,
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn a_provider_that_fails_refuses_or_is_missing_is_told_apart() {
    let provider = provider();
    let app = app_with(&provider, &[]).await;
    let family = app.token_of("family").await;
    // Each way of finishing a flow, with an account the provider fails or refuses.
    let sign_in = (
        "/api/v1/auth/providers/franceconnect/flows",
        json!({"purpose": "signIn"}),
        None,
    );
    let sign_up = (
        "/api/v1/auth/providers/franceconnect/flows",
        json!({"purpose": "signUp"}),
        None,
    );
    let link = (
        "/api/v1/me/franceconnect/flows",
        json!(null),
        Some(family.as_str()),
    );
    let finishes = [
        (
            sign_in,
            (Method::POST, "/api/v1/auth/providers/franceconnect/sign-in"),
        ),
        (
            sign_up,
            (
                Method::POST,
                "/api/v1/auth/providers/franceconnect/identity",
            ),
        ),
        (link, (Method::PUT, "/api/v1/me/franceconnect")),
    ];
    for (start, finish) in finishes {
        let (path, body, token) = &start;
        let outcomes = [
            (
                "forge-refuse-b",
                StatusCode::UNAUTHORIZED,
                "provider_refused_code",
            ),
            (
                "forge-outage-b",
                StatusCode::SERVICE_UNAVAILABLE,
                "provider_unavailable",
            ),
            (
                "forge-tamper-b",
                StatusCode::UNAUTHORIZED,
                "identity_token_rejected",
            ),
        ];
        for (who, status, code) in outcomes {
            let answer = through_provider(
                &app,
                &provider,
                (path, body.clone(), *token),
                who,
                finish.clone(),
            )
            .await;
            problem(answer, status, code).await;
        }
        // A flow finished (refused) cannot be finished again.
        let flow = json(
            app.send_json(Method::POST, path, *token, body).await,
            StatusCode::CREATED,
        )
        .await;
        let back = provider
            .sign_in(flow["authorizationUrl"].as_str().unwrap(), "forge-refuse-c")
            .await;
        let returned = json!({"flowId": flow["flowId"], "state": param(&back, "state"), "code": param(&back, "code")});
        problem(
            app.send_json(finish.0.clone(), finish.1, *token, &returned)
                .await,
            StatusCode::UNAUTHORIZED,
            "provider_refused_code",
        )
        .await;
        problem(
            app.send_json(finish.0.clone(), finish.1, *token, &returned)
                .await,
            StatusCode::BAD_REQUEST,
            "invalid_sign_in_flow",
        )
        .await;
    }
    problem(
        app.get_authed("/api/v1/me/franceconnect", &family).await,
        StatusCode::NOT_FOUND,
        "identity_not_linked",
    )
    .await;
    let unlink = app
        .request(Method::DELETE, "/api/v1/me/franceconnect")
        .bearer_auth(&family)
        .send()
        .await
        .unwrap();
    problem(unlink, StatusCode::NOT_FOUND, "identity_not_linked").await;

    // A provider that cannot be reached at all.
    let dead = TestAppBuilder::default()
        .setting(
            "FRANCECONNECT_DISCOVERY_URL",
            "http://127.0.0.1:9/.well-known/openid-configuration",
        )
        .setting("FRANCECONNECT_CLIENT_ID", "x")
        .setting("FRANCECONNECT_CLIENT_SECRET", "y")
        .setting(
            "FRANCECONNECT_REDIRECT_URI",
            "http://localhost:3000/connexion/franceconnect",
        )
        .spawn()
        .await;
    let started = dead
        .post_json(
            "/api/v1/auth/providers/franceconnect/flows",
            &json!({"purpose": "signIn"}),
        )
        .await;
    problem(
        started,
        StatusCode::SERVICE_UNAVAILABLE,
        "provider_unavailable",
    )
    .await;
    let dead_family = dead.token_of("family").await;
    let started = dead
        .send_json(
            Method::POST,
            "/api/v1/me/franceconnect/flows",
            Some(&dead_family),
            &json!(null),
        )
        .await;
    problem(
        started,
        StatusCode::SERVICE_UNAVAILABLE,
        "provider_unavailable",
    )
    .await;

    // A city that offers none.
    let plain = TestAppBuilder::default().spawn().await;
    let plain_family = plain.token_of("family").await;
    let returned = json!({"flowId": "f", "state": "s", "code": "c"});
    for (method, path, token) in [
        (
            Method::POST,
            "/api/v1/auth/providers/franceconnect/sign-in",
            None,
        ),
        (
            Method::POST,
            "/api/v1/auth/providers/franceconnect/identity",
            None,
        ),
        (
            Method::PUT,
            "/api/v1/me/franceconnect",
            Some(plain_family.as_str()),
        ),
    ] {
        problem(
            plain.send_json(method, path, token, &returned).await,
            StatusCode::NOT_FOUND,
            "provider_not_configured",
        )
        .await;
    }
    let started = plain
        .send_json(
            Method::POST,
            "/api/v1/me/franceconnect/flows",
            Some(&plain_family),
            &json!(null),
        )
        .await;
    problem(started, StatusCode::NOT_FOUND, "provider_not_configured").await;
    // The logout of a password session has no provider page.
    let out = json(
        plain
            .send_json(
                Method::POST,
                "/api/v1/auth/provider-logout",
                Some(&plain_family),
                &json!(null),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(out["logoutUrl"], Value::Null);
}

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

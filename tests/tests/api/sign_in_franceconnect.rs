//! Signing in with FranceConnect, against a real OpenID Connect provider run locally
//! (tests/oidc): link, sign in, logout, a prefilled sign-up, the ID tokens a provider
//! must never get accepted, a provider that fails or is missing.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tests::oidc_provider::{
    FC_FLOWS, app_with, fc_sign_in, provider, provider_return, through_provider,
};
use tests::{TestAppBuilder, json, problem};

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
    let export = json(
        app.get_authed("/api/v1/me/export", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(export["identities"][0]["provider"], "franceconnect");
    assert_eq!(export["identities"][0]["birthdate"], "1962-08-24");

    // A sign-up with a linked identity is refused before it starts.
    let signup = through_provider(
        &app,
        &provider,
        (FC_FLOWS, json!({"purpose": "signUp"}), None),
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
    let start = (FC_FLOWS, json!({"purpose": "signIn"}), None);
    let mut wrong_state = provider_return(&app, &provider, start, "fc-someone").await;
    wrong_state["state"] = json!("not-the-state");
    problem(
        app.post_json("/api/v1/auth/providers/franceconnect/sign-in", &wrong_state)
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_sign_in_flow",
    )
    .await;
    let start = (FC_FLOWS, json!({"purpose": "signIn"}), None);
    let body = provider_return(&app, &provider, start, "fc-someone").await;
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
    let start = (FC_FLOWS, json!({"purpose": "signUp"}), None);
    let body = provider_return(&app, &provider, start, "fc-new-parent").await;
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
        json!({"franceConnectFlowId": body["flowId"]}),
    )
    .await;
    // The identity is taken once.
    let again = json!({
        "lastName": "DUBOIS", "firstName": "Angela", "email": "autre@exemple.fr",
        "emailConfirmation": "autre@exemple.fr", "username": "autre.compte",
        "password": "Trois-Chats-Verts!", "passwordConfirmation": "Trois-Chats-Verts!",
        "franceConnectFlowId": body["flowId"],
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
    let sign_in = (FC_FLOWS, json!({"purpose": "signIn"}), None);
    let sign_up = (FC_FLOWS, json!({"purpose": "signUp"}), None);
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
        let returned = provider_return(
            &app,
            &provider,
            (path, body.clone(), *token),
            "forge-refuse-c",
        )
        .await;
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
        .post_json(FC_FLOWS, &json!({"purpose": "signIn"}))
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

//! Forgotten password, reset, change of password and of email address; security.md
//! tests 7 (a reset kills tokens), 8 (nothing reveals whether an account exists)
//! and 9 (throttling).

use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::json;

use tests::{TestApp, json as body_of, problem, spawn_app, without_request_id};

const FAMILY: &str = "famille.ti@exemple.fr";
const PASSWORD: &str = "Famille-TI-2026!";
const NEW_PASSWORD: &str = "Nouveau-Mot-2027!";

async fn ask_reset(app: &TestApp, email: &str) -> serde_json::Value {
    body_of(
        app.post_json(
            "/api/v1/auth/password-reset-requests",
            &json!({ "email": email }),
        )
        .await,
        StatusCode::ACCEPTED,
    )
    .await
}

fn reset_body(token: &str, password: &str) -> serde_json::Value {
    json!({"token": token, "password": password, "passwordConfirmation": password})
}

#[tokio::test]
async fn a_forgotten_password_is_reset_once_and_the_reset_ends_every_session() {
    let app = spawn_app().await;
    let session = app.login("famille.ti", PASSWORD).await;

    let known = ask_reset(&app, FAMILY).await;
    let unknown = ask_reset(&app, "personne@exemple.fr").await;
    assert_eq!(
        known, unknown,
        "the answer must not reveal whether the address has an account"
    );
    assert!(app.emails_to("personne@exemple.fr").is_empty());
    let token = app.link_token(FAMILY, "password_reset");

    let weak = app
        .post_json("/api/v1/auth/password-reset", &reset_body(&token, "faible"))
        .await;
    problem(weak, StatusCode::BAD_REQUEST, "validation_failed").await;
    let response = app
        .post_json(
            "/api/v1/auth/password-reset",
            &reset_body(&token, NEW_PASSWORD),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    // Single use; old sessions are dead; the account is told; the new password works.
    let again = app
        .post_json(
            "/api/v1/auth/password-reset",
            &reset_body(&token, "Encore-Autre-2028!"),
        )
        .await;
    problem(again, StatusCode::BAD_REQUEST, "invalid_token").await;
    problem(
        app.get_authed("/api/v1/me", session["accessToken"].as_str().unwrap())
            .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    let refresh = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refreshToken": session["refreshToken"]}),
        )
        .await;
    problem(refresh, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    assert!(
        app.emails_to(FAMILY)
            .iter()
            .any(|e| e.kind == "password_changed")
    );
    let old = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"login": "famille.ti", "password": PASSWORD}),
        )
        .await;
    problem(old, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    app.login("famille.ti", NEW_PASSWORD).await;
}

#[tokio::test]
async fn a_reset_link_lives_one_hour() {
    let app = spawn_app().await;
    ask_reset(&app, FAMILY).await;
    let token = app.link_token(FAMILY, "password_reset");
    app.clock.advance(Duration::minutes(61));
    let expired = app
        .post_json(
            "/api/v1/auth/password-reset",
            &reset_body(&token, NEW_PASSWORD),
        )
        .await;
    problem(expired, StatusCode::GONE, "reset_link_expired").await;
}

#[tokio::test]
async fn forgotten_password_requests_never_lock_the_account() {
    let app = spawn_app().await;
    for _ in 0..6 {
        ask_reset(&app, FAMILY).await;
    }
    // Emails are rationed (3 per window), the account is not: it still signs in.
    let resets = app
        .emails_to(FAMILY)
        .into_iter()
        .filter(|e| e.kind == "password_reset")
        .count();
    assert_eq!(resets, 3);
    app.login("famille.ti", PASSWORD).await;
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_the_other_sessions() {
    let app = spawn_app().await;
    let other = app.login("famille.ti", PASSWORD).await;
    let this = app.login("famille.ti", PASSWORD).await;
    let token = this["accessToken"].as_str().unwrap();

    let wrong = json!({"currentPassword": "Pas-Le-Bon-1!", "password": NEW_PASSWORD, "passwordConfirmation": NEW_PASSWORD});
    app.refused(
        Method::PUT,
        "/api/v1/me/password",
        Some(token),
        &wrong,
        (StatusCode::UNPROCESSABLE_ENTITY, "wrong_current_password"),
    )
    .await;
    let weak = json!({"currentPassword": PASSWORD, "password": "azerty", "passwordConfirmation": "azerty"});
    app.refused(
        Method::PUT,
        "/api/v1/me/password",
        Some(token),
        &weak,
        (StatusCode::BAD_REQUEST, "validation_failed"),
    )
    .await;

    let good = json!({"currentPassword": PASSWORD, "password": NEW_PASSWORD, "passwordConfirmation": NEW_PASSWORD});
    let response = app
        .send_json(Method::PUT, "/api/v1/me/password", Some(token), &good)
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get_authed("/api/v1/me", token).await.status(),
        StatusCode::OK,
        "this session goes on"
    );
    problem(
        app.get_authed("/api/v1/me", other["accessToken"].as_str().unwrap())
            .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    assert!(
        app.emails_to(FAMILY)
            .iter()
            .any(|e| e.kind == "password_changed")
    );
    app.login("famille.ti", NEW_PASSWORD).await;
}

#[tokio::test]
async fn a_new_email_address_is_confirmed_through_itself() {
    let app = spawn_app().await;
    let token = app.token_of("family").await;
    let body = json!({"newEmail": "camille.ti@nouveau.fr", "currentPassword": PASSWORD});
    let response = app
        .send_json(Method::POST, "/api/v1/me/email-change", Some(&token), &body)
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    // Nothing changes until the new address confirms.
    app.login("famille.ti@exemple.fr", PASSWORD).await;
    let link = app.link_token("camille.ti@nouveau.fr", "email_change");
    let response = app
        .post_json(
            "/api/v1/auth/email-change/confirmation",
            &json!({ "token": link }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    app.login("camille.ti@nouveau.fr", PASSWORD).await;
    let me = body_of(app.get_authed("/api/v1/me", &token).await, StatusCode::OK).await;
    assert_eq!(me["account"]["email"], "camille.ti@nouveau.fr");
    assert!(
        app.emails_to(FAMILY)
            .iter()
            .any(|e| e.kind == "email_changed"),
        "the old address is told"
    );
    let wrong = json!({"newEmail": "x@nouveau.fr", "currentPassword": "Pas-Le-Bon-1!"});
    app.refused(
        Method::POST,
        "/api/v1/me/email-change",
        Some(&token),
        &wrong,
        (StatusCode::UNPROCESSABLE_ENTITY, "wrong_current_password"),
    )
    .await;
}

async fn timed_login(app: &TestApp, login: &str) -> (serde_json::Value, StdDuration) {
    let started = Instant::now();
    let response = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"login": login, "password": "Mauvais-Mot-1!"}),
        )
        .await;
    let elapsed = started.elapsed();
    (
        without_request_id(
            problem(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await,
        ),
        elapsed,
    )
}

#[tokio::test]
async fn login_does_not_reveal_whether_an_account_exists() {
    let app = spawn_app().await;
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for round in 0..4 {
        let (body_known, time_known) = timed_login(&app, "famille.ti").await;
        let (body_unknown, time_unknown) = timed_login(&app, &format!("inconnu{round}")).await;
        assert_eq!(body_known, body_unknown);
        known.push(time_known);
        unknown.push(time_unknown);
    }
    // Both do the full argon2 work: the unknown account is not answered faster.
    let mean = |v: &[StdDuration]| v.iter().sum::<StdDuration>() / u32::try_from(v.len()).unwrap();
    let (known, unknown) = (mean(&known), mean(&unknown));
    assert!(
        unknown * 2 > known,
        "unknown {unknown:?} vs known {known:?}"
    );
}

#[tokio::test]
async fn repeated_failures_are_throttled_per_account_with_retry_after() {
    let app = spawn_app().await;
    for _ in 0..5 {
        timed_login(&app, "famille.ti").await;
    }
    let sixth = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"login": "famille.ti", "password": "Mauvais-Mot-1!"}),
        )
        .await;
    problem(sixth, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    // Now blocked, even with the right password, for this account only.
    let blocked = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"login": "famille.ti", "password": PASSWORD}),
        )
        .await;
    let retry_after: i64 = blocked.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&retry_after), "{retry_after}");
    problem(blocked, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    app.login("agent.demo", "Agent-Villejuif-2026!").await;
    // The delay runs on the app's clock; the login works once it has passed.
    app.clock.advance(Duration::seconds(retry_after + 1));
    app.login("famille.ti", PASSWORD).await;
}

#[tokio::test]
async fn a_client_address_guessing_many_accounts_is_throttled_too() {
    let app = spawn_app().await;
    for round in 0..21 {
        timed_login(&app, &format!("devine{round}")).await;
    }
    let blocked = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"login": "famille.ti", "password": PASSWORD}),
        )
        .await;
    problem(blocked, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
}

#[tokio::test]
async fn one_client_address_asking_for_many_links_is_throttled() {
    let app = spawn_app().await;
    // Every request counts, whatever the address asked about: a script cannot
    // spray emails, nor time the answers, for long.
    let mut tried = 0;
    let throttled = loop {
        tried += 1;
        assert!(tried <= 30, "never throttled");
        let response = app
            .post_json(
                "/api/v1/auth/activation-requests",
                &json!({"email": format!("inconnu{tried}@exemple.fr")}),
            )
            .await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            break response;
        }
        body_of(response, StatusCode::ACCEPTED).await;
    };
    assert!(tried > 20, "throttled after {tried}");
    assert!(throttled.headers().contains_key("retry-after"));
    problem(
        throttled,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
    )
    .await;
    // Forgotten passwords are asked through the same door.
    let reset = app
        .post_json(
            "/api/v1/auth/password-reset-requests",
            &json!({ "email": FAMILY }),
        )
        .await;
    assert!(reset.headers().contains_key("retry-after"));
    problem(reset, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    let resets = |app: &TestApp| {
        app.emails_to(FAMILY)
            .iter()
            .filter(|e| e.kind == "password_reset")
            .count()
    };
    assert_eq!(resets(&app), 0);
    app.clock.advance(Duration::minutes(1));
    ask_reset(&app, FAMILY).await;
    assert_eq!(resets(&app), 1);
}

#[tokio::test]
async fn wrong_current_passwords_are_throttled_per_account() {
    let app = spawn_app().await;
    let token = app.token_of("family").await;
    let wrong = json!({"currentPassword": "Pas-Le-Bon-1!", "password": NEW_PASSWORD, "passwordConfirmation": NEW_PASSWORD});
    let tried = tests::steps::accounts::until_throttled(
        &app,
        (Method::PUT, "/api/v1/me/password", Some(&token)),
        &wrong,
        (StatusCode::UNPROCESSABLE_ENTITY, "wrong_current_password"),
    )
    .await;
    assert_eq!(tried, 7, "five free failures, the sixth starts the delay");
    // The same guess through the email change waits too, even with the right password.
    let change = json!({"newEmail": "camille.ti@nouveau.fr", "currentPassword": PASSWORD});
    app.refused(
        Method::POST,
        "/api/v1/me/email-change",
        Some(&token),
        &change,
        (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"),
    )
    .await;
    app.clock.advance(Duration::minutes(1));
    let response = app
        .send_json(
            Method::POST,
            "/api/v1/me/email-change",
            Some(&token),
            &change,
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
}

#[tokio::test]
async fn an_email_change_link_is_refused_unknown_expired_or_for_an_address_taken_meanwhile() {
    let app = spawn_app().await;
    let token = app.token_of("family").await;
    let confirm = |link: String| {
        let app = &app;
        async move {
            app.post_json(
                "/api/v1/auth/email-change/confirmation",
                &json!({ "token": link }),
            )
            .await
        }
    };
    problem(
        confirm("3LTjLj1vr3yy1WiTty2L2kAtem5SIoqWDJx2-ZEELAA".into()).await,
        StatusCode::BAD_REQUEST,
        "invalid_token",
    )
    .await;

    // Camille asks for a new address; another guardian signs up with it first.
    let new_email = "camille.ti@nouveau.fr";
    let body = json!({"newEmail": new_email, "currentPassword": PASSWORD});
    let asked = app
        .send_json(Method::POST, "/api/v1/me/email-change", Some(&token), &body)
        .await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let link = app.link_token(new_email, "email_change");
    app.sign_up_family(
        ("18", "T I", "famille.ti@exemple.fr"),
        "camille.autre",
        new_email,
    )
    .await;
    problem(
        confirm(link.clone()).await,
        StatusCode::CONFLICT,
        "email_taken",
    )
    .await;
    let me = body_of(app.get_authed("/api/v1/me", &token).await, StatusCode::OK).await;
    assert_eq!(me["account"]["email"], FAMILY);

    // A link lives 24 hours.
    let body = json!({"newEmail": "camille@ailleurs.fr", "currentPassword": PASSWORD});
    let asked = app
        .send_json(Method::POST, "/api/v1/me/email-change", Some(&token), &body)
        .await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let link = app.link_token("camille@ailleurs.fr", "email_change");
    app.clock
        .advance(Duration::hours(24) + Duration::minutes(1));
    problem(
        confirm(link).await,
        StatusCode::GONE,
        "email_change_link_expired",
    )
    .await;
    app.login(FAMILY, PASSWORD).await;
}

//! security.md tests 6 and 7: bad access tokens are refused; a reused refresh token
//! revokes its whole session; logout and reset kill tokens.

use chrono::{Duration, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use tests::steps::accounts::until_throttled;
use tests::{JWT_SECRET, TestApp, json as body_of, problem, spawn_app};

fn claims(app: &TestApp, overrides: Value) -> Value {
    let now = app.clock.now().timestamp();
    let mut claims = json!({
        "iss": "espace-familles", "aud": "espace-familles-api", "sub": "1", "jti": "x",
        "iat": now, "nbf": now, "exp": now + 600, "sid": 1, "role": "family", "typ": "access"
    });
    for (key, value) in overrides.as_object().unwrap() {
        claims[key] = value.clone();
    }
    claims
}

fn forge(claims: &Value, algorithm: Algorithm, secret: &[u8]) -> String {
    jsonwebtoken::encode(
        &Header::new(algorithm),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .unwrap()
}

async fn assert_refused(app: &TestApp, token: &str, why: &str) {
    let response = app.get_authed("/api/v1/me", token).await;
    assert_eq!(
        response
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap()),
        Some("Bearer"),
        "{why}"
    );
    problem(response, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[tokio::test]
async fn bad_access_tokens_are_all_401() {
    let app = spawn_app().await;
    let pair = app.login("famille.ti", "Famille-TI-2026!").await;
    let good = pair["accessToken"].as_str().unwrap().to_owned();
    assert_eq!(
        app.get_authed("/api/v1/me", &good).await.status(),
        StatusCode::OK
    );
    let session = {
        use base64::Engine;
        let payload = good.split('.').nth(1).unwrap();
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap();
        serde_json::from_slice::<Value>(&bytes).unwrap()
    };
    let real = json!({"sub": session["sub"], "sid": session["sid"]});
    // The forged tokens below carry the real account and session: only what is
    // wrong with each makes it fail.
    let valid_forgery = forge(
        &claims(&app, real.clone()),
        Algorithm::HS256,
        JWT_SECRET.as_bytes(),
    );
    assert_eq!(
        app.get_authed("/api/v1/me", &valid_forgery).await.status(),
        StatusCode::OK,
        "the baseline must pass"
    );

    let unsigned = {
        use base64::Engine;
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let header = engine.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = engine.encode(claims(&app, real.clone()).to_string());
        format!("{header}.{payload}.")
    };
    assert_refused(&app, &unsigned, "alg none").await;
    assert_refused(
        &app,
        &forge(
            &claims(&app, real.clone()),
            Algorithm::HS512,
            JWT_SECRET.as_bytes(),
        ),
        "another algorithm",
    )
    .await;
    assert_refused(
        &app,
        &forge(
            &claims(&app, real.clone()),
            Algorithm::HS256,
            b"another-secret-another-secret-0123456789",
        ),
        "another key",
    )
    .await;
    let mut wrong_aud = real.clone();
    wrong_aud["aud"] = json!("someone-else");
    assert_refused(
        &app,
        &forge(
            &claims(&app, wrong_aud),
            Algorithm::HS256,
            JWT_SECRET.as_bytes(),
        ),
        "audience",
    )
    .await;
    let mut wrong_iss = real.clone();
    wrong_iss["iss"] = json!("evil");
    assert_refused(
        &app,
        &forge(
            &claims(&app, wrong_iss),
            Algorithm::HS256,
            JWT_SECRET.as_bytes(),
        ),
        "issuer",
    )
    .await;
    let mut wrong_type = real.clone();
    wrong_type["typ"] = json!("refresh");
    assert_refused(
        &app,
        &forge(
            &claims(&app, wrong_type),
            Algorithm::HS256,
            JWT_SECRET.as_bytes(),
        ),
        "type",
    )
    .await;
    let mut no_exp = claims(&app, real.clone());
    no_exp.as_object_mut().unwrap().remove("exp");
    assert_refused(
        &app,
        &forge(&no_exp, Algorithm::HS256, JWT_SECRET.as_bytes()),
        "no expiry",
    )
    .await;
    let mut other_session = real.clone();
    other_session["sid"] = json!(999_999);
    assert_refused(
        &app,
        &forge(
            &claims(&app, other_session),
            Algorithm::HS256,
            JWT_SECRET.as_bytes(),
        ),
        "unknown session",
    )
    .await;

    let mut tampered = good.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    assert_refused(&app, &tampered, "tampered signature").await;
    assert_refused(
        &app,
        pair["refreshToken"].as_str().unwrap(),
        "a refresh token as access token",
    )
    .await;
    assert_refused(&app, "", "empty").await;
    let response = app.request(Method::GET, "/api/v1/me").send().await.unwrap();
    problem(response, StatusCode::UNAUTHORIZED, "unauthorized").await;

    // Expired: the app's clock moves past the 15 minutes.
    app.clock.set(Utc::now() + Duration::minutes(16));
    assert_refused(&app, &good, "expired").await;
}

#[tokio::test]
async fn a_reused_refresh_token_revokes_its_whole_session() {
    let app = spawn_app().await;
    let first = app.login("famille.ti", "Famille-TI-2026!").await;
    let second = body_of(
        app.post_json(
            "/api/v1/auth/refresh",
            &json!({"refreshToken": first["refreshToken"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        app.get_authed("/api/v1/me", second["accessToken"].as_str().unwrap())
            .await
            .status(),
        StatusCode::OK
    );

    // The first refresh token again: stolen or replayed.
    let reused = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refreshToken": first["refreshToken"]}),
        )
        .await;
    problem(reused, StatusCode::UNAUTHORIZED, "refresh_token_reused").await;
    // Everything of that session is dead: the newest refresh token and the access tokens.
    let newest = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refreshToken": second["refreshToken"]}),
        )
        .await;
    problem(newest, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    problem(
        app.get_authed("/api/v1/me", second["accessToken"].as_str().unwrap())
            .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    problem(
        app.get_authed("/api/v1/me", first["accessToken"].as_str().unwrap())
            .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
}

#[tokio::test]
async fn remember_me_gives_a_longer_session_with_an_absolute_limit() {
    let app = spawn_app().await;
    app.clock.set(Utc::now());
    let start = app.clock.now();
    let short = app.login("famille.ti", "Famille-TI-2026!").await;
    let body = json!({"login": "famille.ti", "password": "Famille-TI-2026!", "rememberMe": true});
    let long = body_of(
        app.post_json("/api/v1/auth/login", &body).await,
        StatusCode::OK,
    )
    .await;
    let at = |v: &Value| {
        v.as_str()
            .unwrap()
            .parse::<chrono::DateTime<Utc>>()
            .unwrap()
    };
    assert_eq!(
        at(&short["refreshTokenExpiresAt"]) - start,
        Duration::hours(12)
    );
    assert_eq!(
        at(&long["refreshTokenExpiresAt"]) - start,
        Duration::days(30)
    );
    assert_eq!(at(&long["sessionExpiresAt"]) - start, Duration::days(90));

    // A short session's refresh token is dead after 12 hours.
    app.clock.advance(Duration::hours(13));
    let expired = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refreshToken": short["refreshToken"]}),
        )
        .await;
    problem(expired, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    // A remembered one keeps rotating, but never past its 90 days.
    let mut token = long["refreshToken"].clone();
    for _ in 0..3 {
        app.clock.advance(Duration::days(29));
        let pair = body_of(
            app.post_json("/api/v1/auth/refresh", &json!({ "refreshToken": token }))
                .await,
            StatusCode::OK,
        )
        .await;
        assert!(at(&pair["refreshTokenExpiresAt"]) <= start + Duration::days(90));
        token = pair["refreshToken"].clone();
    }
    app.clock
        .set(start + Duration::days(90) + Duration::seconds(1));
    let over = app
        .post_json("/api/v1/auth/refresh", &json!({ "refreshToken": token }))
        .await;
    problem(over, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
}

#[tokio::test]
async fn logout_everywhere_ends_every_session() {
    let app = spawn_app().await;
    let phone = app.login("famille.ti", "Famille-TI-2026!").await;
    let laptop = app.login("famille.ti", "Famille-TI-2026!").await;
    let response = app
        .authed(
            Method::POST,
            "/api/v1/auth/logout-all",
            laptop["accessToken"].as_str().unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    for pair in [&phone, &laptop] {
        problem(
            app.get_authed("/api/v1/me", pair["accessToken"].as_str().unwrap())
                .await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        )
        .await;
        let refresh = app
            .post_json(
                "/api/v1/auth/refresh",
                &json!({"refreshToken": pair["refreshToken"]}),
            )
            .await;
        problem(refresh, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    }
}

#[tokio::test]
async fn guessing_the_tokens_of_emailed_links_is_throttled_per_client_address() {
    let app = spawn_app().await;
    let guess = json!({"token": "3LTjLj1vr3yy1WiTty2L2kAtem5SIoqWDJx2-ZEELAA"});
    let with_password = json!({"token": guess["token"], "password": "Trois-Chats-Verts!",
                               "passwordConfirmation": "Trois-Chats-Verts!"});
    for (path, body) in [
        ("/api/v1/auth/activation", &guess),
        ("/api/v1/auth/password-reset", &with_password),
        ("/api/v1/auth/email-change/confirmation", &guess),
    ] {
        let tried = until_throttled(
            &app,
            (Method::POST, path, None),
            body,
            (StatusCode::BAD_REQUEST, "invalid_token"),
        )
        .await;
        // An address shared by families gets more free failures than an account.
        assert!(tried > 20, "{path}: throttled after {tried}");
    }

    // Even a real link waits, from this address, until the delay is over.
    let asked = app
        .post_json(
            "/api/v1/auth/password-reset-requests",
            &json!({"email": "famille.ti@exemple.fr"}),
        )
        .await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let real = json!({"token": app.link_token("famille.ti@exemple.fr", "password_reset"),
                      "password": "Trois-Chats-Verts!", "passwordConfirmation": "Trois-Chats-Verts!"});
    problem(
        app.post_json("/api/v1/auth/password-reset", &real).await,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
    )
    .await;
    app.clock.advance(Duration::minutes(1));
    let reset = app.post_json("/api/v1/auth/password-reset", &real).await;
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
}

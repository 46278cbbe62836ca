//! The guide's chapter I, end to end: the five steps with the demo dossier 18 "T I",
//! the activation link read from the outbox, then signing in, refreshing, out.

use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use tests::{FRONTEND_URL, TestApp, json as body_of, problem, spawn_app, without_request_id};

const EMAIL: &str = "sam.ti@exemple.fr";
const PASSWORD: &str = "Trois-Chats-Verts!";

fn personal_details() -> Value {
    json!({
        "lastName": "TI", "firstName": "Sam", "email": EMAIL, "emailConfirmation": EMAIL,
        "username": "sam.ti", "password": PASSWORD, "passwordConfirmation": PASSWORD
    })
}

fn dossier_18() -> Value {
    json!({"dossierNumber": "1 8", "dossierName": "t  i", "email": "Famille.TI@exemple.fr"})
}

async fn put(app: &TestApp, path: &str, body: &Value) -> reqwest::Response {
    app.send_json(Method::PUT, path, None, body).await
}

/// Steps 1 to 4; returns the draft's path.
async fn fill_steps(app: &TestApp) -> String {
    let started = body_of(
        app.post_json("/api/v1/signups", &personal_details()).await,
        StatusCode::CREATED,
    )
    .await;
    let path = format!("/api/v1/signups/{}", started["id"].as_str().unwrap());
    body_of(
        put(app, &format!("{path}/dossier-references"), &dossier_18()).await,
        StatusCode::OK,
    )
    .await;
    let terms = body_of(app.get("/api/v1/legal/terms").await, StatusCode::OK).await;
    let accepted = json!({"version": terms["version"], "accepted": true});
    body_of(
        put(app, &format!("{path}/terms-acceptance"), &accepted).await,
        StatusCode::OK,
    )
    .await;
    let privacy = body_of(app.get("/api/v1/legal/privacy").await, StatusCode::OK).await;
    let accepted = json!({"version": privacy["version"], "accepted": true});
    body_of(
        put(app, &format!("{path}/privacy-acceptance"), &accepted).await,
        StatusCode::OK,
    )
    .await;
    path
}

#[tokio::test]
async fn a_guardian_of_dossier_18_signs_up_activates_and_signs_in() {
    let app = spawn_app().await;

    // Step 1, "Mes informations".
    let response = app.post_json("/api/v1/signups", &personal_details()).await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let draft = body_of(response, StatusCode::CREATED).await;
    assert_eq!(
        location,
        format!("/api/v1/signups/{}", draft["id"].as_str().unwrap())
    );
    assert_eq!(draft["nextStep"], "dossier_references");
    assert_eq!(draft["completedSteps"], json!(["personal_details"]));
    assert!(draft.get("password").is_none() && !draft.to_string().contains(PASSWORD));

    // Step 2, "Mes références dossier", as printed on the invoices ("1 8", "T I").
    let draft = body_of(
        put(
            &app,
            &format!("{location}/dossier-references"),
            &dossier_18(),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        draft["dossier"],
        json!({"number": "18", "name": "T I", "email": "famille.ti@exemple.fr"})
    );
    assert_eq!(draft["nextStep"], "terms_of_use");

    // Steps 3 and 4: the current texts are served, acceptance is recorded with its version.
    let terms = body_of(app.get("/api/v1/legal/terms").await, StatusCode::OK).await;
    assert!(
        terms["body"]
            .as_str()
            .unwrap()
            .contains("ARTICLE 1 : PRÉAMBULE")
    );
    let body = json!({"version": terms["version"], "accepted": true});
    let draft = body_of(
        put(&app, &format!("{location}/terms-acceptance"), &body).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(draft["termsOfUse"]["version"], terms["version"]);
    assert_eq!(draft["nextStep"], "privacy_policy");
    let privacy = body_of(app.get("/api/v1/legal/privacy").await, StatusCode::OK).await;
    let body = json!({"version": privacy["version"], "accepted": true});
    let draft = body_of(
        put(&app, &format!("{location}/privacy-acceptance"), &body).await,
        StatusCode::OK,
    )
    .await;

    // Step 5: the recap reads everything back.
    assert_eq!(draft["nextStep"], "recap");
    let recap = body_of(app.get(&location).await, StatusCode::OK).await;
    assert_eq!(recap["lastName"], "TI");
    assert_eq!(recap["firstName"], "Sam");
    assert_eq!(recap["email"], EMAIL);
    assert_eq!(recap["username"], "sam.ti");
    assert_eq!(recap["dossier"]["number"], "18");
    // The guide's recap shows the dossier's email beside its number and name.
    assert_eq!(recap["dossier"]["email"], "famille.ti@exemple.fr");
    assert_eq!(recap["privacyPolicy"]["version"], privacy["version"]);

    // "Valider mon inscription": the account waits for its activation link.
    let confirmed = body_of(
        app.request(Method::POST, &format!("{location}/confirmation"))
            .send()
            .await
            .unwrap(),
        StatusCode::ACCEPTED,
    )
    .await;
    assert_eq!(confirmed["email"], EMAIL);
    problem(
        app.get(&location).await,
        StatusCode::NOT_FOUND,
        "signup_not_found",
    )
    .await;
    let refused = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"login": "sam.ti", "password": PASSWORD}),
        )
        .await;
    problem(refused, StatusCode::FORBIDDEN, "account_not_activated").await;

    // The activation email, written in the same transaction, carries a link to the frontend.
    let emails = app.emails_to(EMAIL);
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].kind, "activation");
    assert!(
        emails[0]
            .text_body
            .contains(&format!("{FRONTEND_URL}/activation?token="))
    );
    assert!(emails[0].text_body.contains("72 heures"));
    assert!(emails[0].html_body.contains("<a href=\""));
    let token = app.link_token(EMAIL, "activation");
    let response = app
        .post_json("/api/v1/auth/activation", &json!({ "token": token }))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    // Single use.
    let again = app
        .post_json("/api/v1/auth/activation", &json!({ "token": token }))
        .await;
    problem(again, StatusCode::BAD_REQUEST, "invalid_token").await;

    // Signing in with the username or the email, refreshing, signing out.
    let tokens = app.login("sam.ti", PASSWORD).await;
    let tokens_by_email = app.login("SAM.TI@exemple.fr", PASSWORD).await;
    assert_ne!(tokens["refreshToken"], tokens_by_email["refreshToken"]);
    assert_eq!(tokens["tokenType"], "Bearer");
    assert_eq!(tokens["expiresIn"], 900);
    let access = tokens["accessToken"].as_str().unwrap();
    let me = body_of(app.get_authed("/api/v1/me", access).await, StatusCode::OK).await;
    assert_eq!(me["account"]["role"], "family");
    assert_eq!(me["account"]["dossierNumber"], "18");
    assert_eq!(me["pendingConsents"], json!([]));

    let refreshed = body_of(
        app.post_json(
            "/api/v1/auth/refresh",
            &json!({"refreshToken": tokens["refreshToken"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_ne!(refreshed["refreshToken"], tokens["refreshToken"]);
    let access = refreshed["accessToken"].as_str().unwrap();
    assert_eq!(
        app.authed(Method::POST, "/api/v1/auth/logout", access)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    problem(
        app.get_authed("/api/v1/me", access).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    let after_logout = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refreshToken": refreshed["refreshToken"]}),
        )
        .await;
    problem(
        after_logout,
        StatusCode::UNAUTHORIZED,
        "invalid_refresh_token",
    )
    .await;
    // The other device's session goes on.
    let other = tokens_by_email["accessToken"].as_str().unwrap();
    assert_eq!(
        app.get_authed("/api/v1/me", other).await.status(),
        StatusCode::OK
    );

    // The consents of the sign-up were kept with their versions.
    let me = body_of(app.get_authed("/api/v1/me", other).await, StatusCode::OK).await;
    assert_eq!(me["account"]["username"], "sam.ti");
}

#[tokio::test]
async fn the_activation_link_expires_after_72_hours_and_a_new_one_can_be_asked_for() {
    let app = spawn_app().await;
    let path = fill_steps(&app).await;
    body_of(
        app.request(Method::POST, &format!("{path}/confirmation"))
            .send()
            .await
            .unwrap(),
        StatusCode::ACCEPTED,
    )
    .await;
    let first = app.link_token(EMAIL, "activation");

    app.clock
        .advance(Duration::hours(72) + Duration::seconds(1));
    let expired = app
        .post_json("/api/v1/auth/activation", &json!({ "token": first }))
        .await;
    problem(expired, StatusCode::GONE, "activation_link_expired").await;

    let asked = app
        .post_json("/api/v1/auth/activation-requests", &json!({"email": EMAIL}))
        .await;
    let asked = body_of(asked, StatusCode::ACCEPTED).await;
    let unknown = app
        .post_json(
            "/api/v1/auth/activation-requests",
            &json!({"email": "nobody@exemple.fr"}),
        )
        .await;
    assert_eq!(
        body_of(unknown, StatusCode::ACCEPTED).await,
        asked,
        "the answer must not reveal whether the address exists"
    );
    assert_eq!(app.emails_to("nobody@exemple.fr").len(), 0);

    let second = app.link_token(EMAIL, "activation");
    assert_ne!(first, second);
    let response = app
        .post_json("/api/v1/auth/activation", &json!({ "token": second }))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    app.login("sam.ti", PASSWORD).await;
}

#[tokio::test]
async fn step_1_answers_every_field_error_at_once() {
    let app = spawn_app().await;
    let body = json!({
        "lastName": "", "firstName": "Sam", "email": "not-an-email", "emailConfirmation": "x",
        "username": "famille.ti", "password": "abc", "passwordConfirmation": "abd"
    });
    let answer = problem(
        app.post_json("/api/v1/signups", &body).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    let fields: Vec<(String, String)> = answer["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for expected in [
        ("lastName", "required"),
        ("email", "invalid_format"),
        ("username", "taken"),
        ("password", "too_short"),
        ("password", "missing_uppercase"),
        ("password", "missing_special"),
        ("passwordConfirmation", "mismatch"),
    ] {
        assert!(
            fields.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} in {fields:?}"
        );
    }
    assert!(
        answer["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| !e["message"].as_str().unwrap().is_empty())
    );
    let mismatch = json!({"lastName": "TI", "firstName": "Sam", "email": EMAIL, "emailConfirmation": "other@exemple.fr",
        "username": "sam.ti", "password": PASSWORD, "passwordConfirmation": PASSWORD});
    let answer = problem(
        app.post_json("/api/v1/signups", &mismatch).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    assert_eq!(answer["errors"][0]["field"], "emailConfirmation");
}

#[tokio::test]
async fn a_wrong_dossier_reference_is_one_generic_error_whatever_the_field_and_is_throttled() {
    let app = spawn_app().await;
    let started = body_of(
        app.post_json("/api/v1/signups", &personal_details()).await,
        StatusCode::CREATED,
    )
    .await;
    let path = format!(
        "/api/v1/signups/{}/dossier-references",
        started["id"].as_str().unwrap()
    );
    let wrong_number =
        json!({"dossierNumber": "999", "dossierName": "T I", "email": "famille.ti@exemple.fr"});
    let wrong_name =
        json!({"dossierNumber": "18", "dossierName": "DURAND", "email": "famille.ti@exemple.fr"});
    let wrong_email =
        json!({"dossierNumber": "18", "dossierName": "T I", "email": "famille.durand@exemple.fr"});
    let mut answers = Vec::new();
    for body in [&wrong_number, &wrong_name, &wrong_email] {
        let answer = problem(
            put(&app, &path, body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "dossier_references_mismatch",
        )
        .await;
        assert!(
            answer.get("errors").is_none(),
            "no hint of the wrong field: {answer}"
        );
        answers.push(without_request_id(answer));
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]));
    for _ in 0..2 {
        problem(
            put(&app, &path, &wrong_number).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "dossier_references_mismatch",
        )
        .await;
    }
    // The sixth failure blocks the draft, even with the right references.
    problem(
        put(&app, &path, &wrong_number).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "dossier_references_mismatch",
    )
    .await;
    let blocked = put(&app, &path, &dossier_18()).await;
    let retry_after: i64 = blocked.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 0);
    problem(blocked, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    app.clock.advance(Duration::seconds(retry_after + 1));
    body_of(put(&app, &path, &dossier_18()).await, StatusCode::OK).await;
}

#[tokio::test]
async fn steps_come_in_order_and_documents_must_be_the_current_versions_and_accepted() {
    let app = spawn_app().await;
    let started = body_of(
        app.post_json("/api/v1/signups", &personal_details()).await,
        StatusCode::CREATED,
    )
    .await;
    let path = format!("/api/v1/signups/{}", started["id"].as_str().unwrap());
    let accept = json!({"version": "1.0", "accepted": true});
    for step in ["terms-acceptance", "privacy-acceptance"] {
        problem(
            put(&app, &format!("{path}/{step}"), &accept).await,
            StatusCode::CONFLICT,
            "signup_step_out_of_order",
        )
        .await;
    }
    let confirm = app
        .request(Method::POST, &format!("{path}/confirmation"))
        .send()
        .await
        .unwrap();
    problem(confirm, StatusCode::CONFLICT, "signup_incomplete").await;

    body_of(
        put(&app, &format!("{path}/dossier-references"), &dossier_18()).await,
        StatusCode::OK,
    )
    .await;
    let refused = json!({"version": "1.0", "accepted": false});
    let answer = problem(
        put(&app, &format!("{path}/terms-acceptance"), &refused).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    assert_eq!(answer["errors"][0]["field"], "accepted");
    let outdated = json!({"version": "0.9", "accepted": true});
    problem(
        put(&app, &format!("{path}/terms-acceptance"), &outdated).await,
        StatusCode::CONFLICT,
        "legal_version_outdated",
    )
    .await;

    // Step 4 waits for step 3, then wants the current privacy policy too.
    problem(
        put(&app, &format!("{path}/privacy-acceptance"), &accept).await,
        StatusCode::CONFLICT,
        "signup_step_out_of_order",
    )
    .await;
    let terms = body_of(app.get("/api/v1/legal/terms").await, StatusCode::OK).await;
    body_of(
        put(
            &app,
            &format!("{path}/terms-acceptance"),
            &json!({"version": terms["version"], "accepted": true}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    problem(
        put(&app, &format!("{path}/privacy-acceptance"), &outdated).await,
        StatusCode::CONFLICT,
        "legal_version_outdated",
    )
    .await;
    let draft = body_of(app.get(&path).await, StatusCode::OK).await;
    assert_eq!(draft["nextStep"], "privacy_policy");
}

#[tokio::test]
async fn cancelling_discards_the_draft_and_drafts_expire() {
    let app = spawn_app().await;
    let path = fill_steps(&app).await;
    assert_eq!(
        app.request(Method::DELETE, &path)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    problem(
        app.get(&path).await,
        StatusCode::NOT_FOUND,
        "signup_not_found",
    )
    .await;
    // Nothing of it can be filled in or cancelled again.
    let acceptance = json!({"version": "1.0", "accepted": true});
    for (step, body) in [
        ("personal-details", personal_details()),
        ("dossier-references", dossier_18()),
        ("terms-acceptance", acceptance.clone()),
        ("privacy-acceptance", acceptance),
    ] {
        problem(
            put(&app, &format!("{path}/{step}"), &body).await,
            StatusCode::NOT_FOUND,
            "signup_not_found",
        )
        .await;
    }
    problem(
        app.request(Method::DELETE, &path).send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "signup_not_found",
    )
    .await;

    let path = fill_steps(&app).await;
    app.clock
        .advance(Duration::hours(24) + Duration::seconds(1));
    problem(
        app.get(&path).await,
        StatusCode::NOT_FOUND,
        "signup_not_found",
    )
    .await;
    let confirm = app
        .request(Method::POST, &format!("{path}/confirmation"))
        .send()
        .await
        .unwrap();
    problem(confirm, StatusCode::NOT_FOUND, "signup_not_found").await;
}

#[tokio::test]
async fn signing_up_with_an_address_that_has_an_account_answers_the_same_and_tells_that_account() {
    let app = spawn_app().await;
    app.clock.set(app.clock.now());
    let new_path = fill_steps(&app).await;
    let fresh = body_of(
        app.request(Method::POST, &format!("{new_path}/confirmation"))
            .send()
            .await
            .unwrap(),
        StatusCode::ACCEPTED,
    )
    .await;

    // Another draft with the demo family's address.
    let mut details = personal_details();
    details["email"] = json!("famille.ti@exemple.fr");
    details["emailConfirmation"] = json!("famille.ti@exemple.fr");
    details["username"] = json!("someone.else");
    let started = body_of(
        app.post_json("/api/v1/signups", &details).await,
        StatusCode::CREATED,
    )
    .await;
    let path = format!("/api/v1/signups/{}", started["id"].as_str().unwrap());
    body_of(
        put(&app, &format!("{path}/dossier-references"), &dossier_18()).await,
        StatusCode::OK,
    )
    .await;
    for step in ["terms-acceptance", "privacy-acceptance"] {
        body_of(
            put(
                &app,
                &format!("{path}/{step}"),
                &json!({"version": "1.0", "accepted": true}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    }
    let existing = body_of(
        app.request(Method::POST, &format!("{path}/confirmation"))
            .send()
            .await
            .unwrap(),
        StatusCode::ACCEPTED,
    )
    .await;
    assert_eq!(
        existing["activationLinkExpiresAt"],
        fresh["activationLinkExpiresAt"]
    );
    let kinds: Vec<String> = app
        .emails_to("famille.ti@exemple.fr")
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, vec!["address_already_registered"]);
    let refused = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"login": "someone.else", "password": PASSWORD}),
        )
        .await;
    problem(refused, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
}

#[tokio::test]
async fn trying_taken_usernames_in_step_1_is_throttled_per_address() {
    let app = spawn_app().await;
    let details = |username: &str| {
        json!({"lastName": "TI", "firstName": "Sam", "email": EMAIL, "emailConfirmation": EMAIL,
               "username": username, "password": PASSWORD, "passwordConfirmation": PASSWORD})
    };
    // A family told its username is taken may try others; a script listing accounts is
    // held back after the address's free attempts.
    let mut tried = 0;
    let throttled = loop {
        tried += 1;
        assert!(tried <= 30, "never throttled");
        let response = app
            .post_json("/api/v1/signups", &details("famille.ti"))
            .await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            break response;
        }
        let answer = problem(response, StatusCode::BAD_REQUEST, "validation_failed").await;
        assert_eq!(answer["errors"][0]["code"], "taken", "{answer}");
    };
    assert!(
        tried > 20,
        "the first 20 taken answers are free, throttled after {tried}"
    );
    assert!(throttled.headers().contains_key("retry-after"));
    problem(
        throttled,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
    )
    .await;
    // Even a free username waits, from this address, until the delay is over.
    let blocked = app.post_json("/api/v1/signups", &details("sam.ti")).await;
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);
    app.clock.advance(chrono::Duration::minutes(16));
    let started = app.post_json("/api/v1/signups", &details("sam.ti")).await;
    let started = body_of(started, StatusCode::CREATED).await;

    // Going back to step 1 is held back the same way.
    let path = format!(
        "/api/v1/signups/{}/personal-details",
        started["id"].as_str().unwrap()
    );
    let mut tried = 0;
    let throttled = loop {
        tried += 1;
        assert!(tried <= 30, "never throttled");
        let response = put(&app, &path, &details("famille.ti")).await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            break response;
        }
        let answer = problem(response, StatusCode::BAD_REQUEST, "validation_failed").await;
        assert_eq!(answer["errors"][0]["code"], "taken", "{answer}");
    };
    assert!(tried > 20, "throttled after {tried}");
    assert!(throttled.headers().contains_key("retry-after"));
    problem(
        throttled,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
    )
    .await;
    let blocked = put(&app, &path, &details("sam.ti")).await;
    problem(blocked, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
}

#[tokio::test]
async fn a_username_taken_by_another_sign_up_meanwhile_is_refused_at_confirmation() {
    let app = spawn_app().await;
    // Two drafts choose "sam.ti" while it is free, with different addresses.
    let first = fill_steps(&app).await;
    let mut details = personal_details();
    details["email"] = json!("sam.ti@ailleurs.fr");
    details["emailConfirmation"] = json!("sam.ti@ailleurs.fr");
    let started = body_of(
        app.post_json("/api/v1/signups", &details).await,
        StatusCode::CREATED,
    )
    .await;
    let second = format!("/api/v1/signups/{}", started["id"].as_str().unwrap());
    body_of(
        put(&app, &format!("{second}/dossier-references"), &dossier_18()).await,
        StatusCode::OK,
    )
    .await;
    for step in ["terms-acceptance", "privacy-acceptance"] {
        body_of(
            put(
                &app,
                &format!("{second}/{step}"),
                &json!({"version": "1.0", "accepted": true}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    }

    let confirm = |path: String| {
        let app = &app;
        async move {
            app.request(Method::POST, &format!("{path}/confirmation"))
                .send()
                .await
                .unwrap()
        }
    };
    body_of(confirm(first).await, StatusCode::ACCEPTED).await;
    problem(
        confirm(second.clone()).await,
        StatusCode::CONFLICT,
        "username_taken",
    )
    .await;
    // The draft stays, to choose another username; no email went to its address.
    let draft = body_of(app.get(&second).await, StatusCode::OK).await;
    assert_eq!(draft["nextStep"], "recap");
    assert!(app.emails_to("sam.ti@ailleurs.fr").is_empty());
}

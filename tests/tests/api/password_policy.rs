use reqwest::StatusCode;
use serde_json::json as object;

use tests::{TestAppBuilder, json, problem, spawn_app};

const CHECK: &str = "/api/v1/auth/password-policy/check";

#[tokio::test]
async fn the_default_policy_is_the_guide_rule() {
    let app = spawn_app().await;
    let body = json(
        app.get("/api/v1/auth/password-policy").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body["minLength"], 6);
    assert_eq!(body["maxLength"], 128);
    assert_eq!(body["requireUppercase"], true);
    assert_eq!(body["requireSpecial"], true);
    assert_eq!(body["rejectCommon"], true);
    assert_eq!(
        body["description"],
        "6 caractères au minimum, dont 1 majuscule et 1 caractère spécial, 128 au maximum."
    );
}

#[tokio::test]
async fn the_policy_is_configuration() {
    let app = TestAppBuilder::default()
        .setting("PASSWORD_MIN_LENGTH", "12")
        .setting("PASSWORD_REQUIRE_DIGIT", "true")
        .spawn()
        .await;
    let body = json(
        app.get("/api/v1/auth/password-policy").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body["minLength"], 12);
    assert_eq!(body["requireDigit"], true);
    let check = json(
        app.post_json(CHECK, &object!({"password": "Bcdefg!"}))
            .await,
        StatusCode::OK,
    )
    .await;
    let codes: Vec<_> = check["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["code"].clone())
        .collect();
    assert_eq!(codes, vec![object!("too_short"), object!("missing_digit")]);
}

#[tokio::test]
async fn a_check_lists_each_broken_rule_with_a_message() {
    let app = spawn_app().await;
    let body = json(
        app.post_json(CHECK, &object!({"password": "azerty"})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body["valid"], false);
    let codes: Vec<_> = body["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        vec!["missing_uppercase", "missing_special", "too_common"]
    );
    assert_eq!(body["violations"][0]["message"], "Au moins 1 majuscule.");

    let body = json(
        app.post_json(CHECK, &object!({"password": "Trois-Chats-Verts"}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body, object!({"valid": true, "violations": []}));
}

#[tokio::test]
async fn an_absurdly_long_candidate_is_a_validation_error() {
    let app = spawn_app().await;
    let password = "A!".repeat(600);
    let body = problem(
        app.post_json(CHECK, &object!({ "password": password }))
            .await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "password");
    assert_eq!(body["errors"][0]["code"], "length");
}

//! Sign-in matters that need no account yet: the password policy every client shows.

use actix_web::{HttpResponse, get, post, web};
use domain::password::{PasswordPolicy, PasswordViolation};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::problem::{ApiError, Lang, Text, validate};
use crate::state::AppState;

/// The rule passwords must follow, so every client shows the same one.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "minLength": 6, "maxLength": 128, "requireUppercase": true, "requireLowercase": false,
    "requireDigit": false, "requireSpecial": true, "rejectCommon": true,
    "description": "6 caractères au minimum, dont 1 majuscule et 1 caractère spécial."
}))]
pub struct PasswordPolicyView {
    pub min_length: usize,
    pub max_length: usize,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub require_digit: bool,
    pub require_special: bool,
    /// The most common passwords are refused whatever the other rules say.
    pub reject_common: bool,
    /// The rule in one sentence, in the negotiated language.
    pub description: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"password": "Trois-Chats-Verts"}))]
pub struct PasswordCheckRequest {
    /// The candidate password, as typed (never trimmed or altered).
    #[validate(length(max = 1024))]
    #[schema(max_length = 1024)]
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "valid": false,
    "violations": [{"code": "missing_special", "message": "Au moins 1 caractère spécial."}]
}))]
pub struct PasswordCheck {
    /// True when the password follows every rule.
    pub valid: bool,
    /// Each rule it breaks, in the policy's order.
    pub violations: Vec<PasswordRuleViolation>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PasswordRuleViolation {
    /// `too_short`, `too_long`, `missing_uppercase`, `missing_lowercase`, `missing_digit`,
    /// `missing_special` or `too_common`.
    pub code: String,
    /// What to show under the password field, in the negotiated language.
    pub message: String,
}

/// The password policy.
///
/// The city's rule, from its configuration (by default the guide's: 6 characters
/// minimum with 1 uppercase letter and 1 special character, at most 128).
#[utoipa::path(
    tag = "auth",
    operation_id = "getPasswordPolicy",
    responses((status = 200, description = "The active policy.", body = PasswordPolicyView)),
)]
#[get("/auth/password-policy")]
pub async fn get_password_policy(state: web::Data<AppState>, lang: Lang) -> HttpResponse {
    let policy = &state.config.password_policy;
    HttpResponse::Ok().json(PasswordPolicyView {
        min_length: policy.min_length,
        max_length: policy.max_length,
        require_uppercase: policy.require_uppercase,
        require_lowercase: policy.require_lowercase,
        require_digit: policy.require_digit,
        require_special: policy.require_special,
        reject_common: policy.reject_common,
        description: describe(policy).get(lang).to_owned(),
    })
}

/// Checks a candidate password against the policy.
///
/// Lets a sign-up or password form tell, as the user types, which rules a password
/// breaks, including the list of common passwords the server keeps. Nothing is stored.
#[utoipa::path(
    tag = "auth",
    operation_id = "checkPassword",
    request_body = PasswordCheckRequest,
    responses(
        (status = 200, description = "The rules the password breaks, if any.", body = PasswordCheck),
        (status = 400, description = "The body is not JSON (`malformed_json`), lacks `password` (`invalid_body`), or the password is over 1024 characters (`validation_failed`)."),
    ),
)]
#[post("/auth/password-policy/check")]
pub async fn check_password(
    state: web::Data<AppState>,
    lang: Lang,
    body: web::Json<PasswordCheckRequest>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let violations = state.config.password_policy.check(&body.password);
    Ok(HttpResponse::Ok().json(PasswordCheck {
        valid: violations.is_empty(),
        violations: violations
            .into_iter()
            .map(|v| PasswordRuleViolation {
                code: v.code().to_owned(),
                message: violation_message(v).get(lang).to_owned(),
            })
            .collect(),
    }))
}

fn describe(policy: &PasswordPolicy) -> Text {
    let mut fr = vec![format!("{} caractères au minimum", policy.min_length)];
    let mut en = vec![format!("at least {} characters", policy.min_length)];
    let rules = [
        (
            policy.require_uppercase,
            "1 majuscule",
            "1 uppercase letter",
        ),
        (
            policy.require_lowercase,
            "1 minuscule",
            "1 lowercase letter",
        ),
        (policy.require_digit, "1 chiffre", "1 digit"),
        (
            policy.require_special,
            "1 caractère spécial",
            "1 special character",
        ),
    ];
    let required: Vec<_> = rules.iter().filter(|(on, ..)| *on).collect();
    if !required.is_empty() {
        fr.push(format!("dont {}", join(required.iter().map(|r| r.1), "et")));
        en.push(format!(
            "including {}",
            join(required.iter().map(|r| r.2), "and")
        ));
    }
    let mut fr = fr.join(", ");
    let mut en = en.join(", ");
    fr.push_str(&format!(", {} au maximum.", policy.max_length));
    en.push_str(&format!(", at most {}.", policy.max_length));
    Text::new(fr, capitalise(&en))
}

fn join<'a>(items: impl Iterator<Item = &'a str>, last: &str) -> String {
    let items: Vec<&str> = items.collect();
    match items.split_last() {
        Some((tail, [])) => (*tail).to_owned(),
        Some((tail, head)) => format!("{} {last} {tail}", head.join(", ")),
        None => String::new(),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

fn violation_message(violation: PasswordViolation) -> Text {
    match violation {
        PasswordViolation::TooShort { min } => Text::new(
            format!("{min} caractères au minimum."),
            format!("At least {min} characters."),
        ),
        PasswordViolation::TooLong { max } => Text::new(
            format!("{max} caractères au maximum."),
            format!("At most {max} characters."),
        ),
        PasswordViolation::MissingUppercase => {
            Text::new("Au moins 1 majuscule.", "At least 1 uppercase letter.")
        }
        PasswordViolation::MissingLowercase => {
            Text::new("Au moins 1 minuscule.", "At least 1 lowercase letter.")
        }
        PasswordViolation::MissingDigit => Text::new("Au moins 1 chiffre.", "At least 1 digit."),
        PasswordViolation::MissingSpecial => Text::new(
            "Au moins 1 caractère spécial.",
            "At least 1 special character.",
        ),
        PasswordViolation::TooCommon => Text::new(
            "Ce mot de passe est trop courant : choisissez-en un autre.",
            "This password is too common: choose another one.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_reads_like_the_guide() {
        let text = describe(&PasswordPolicy::default());
        assert_eq!(
            text.fr,
            "6 caractères au minimum, dont 1 majuscule et 1 caractère spécial, 128 au maximum."
        );
        assert_eq!(
            text.en,
            "At least 6 characters, including 1 uppercase letter and 1 special character, at most 128."
        );
    }
}

//! What needs no signed-in account: the password policy every client shows, and the
//! emailed links (activation, password reset, email change).

use crate::routes::Json;
use actix_web::{HttpResponse, get, post, web};
use domain::accounts::password::PasswordPolicy;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::ClientIp;
use crate::db;
use crate::problem::{ApiError, Lang, Text, password_violation_message, validate};
use crate::state::AppState;
use crate::usecases::accounts;

/// The rule passwords must follow, so every client shows the same one.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "minLength": 6, "maxLength": 128, "requireUppercase": true, "requireLowercase": false,
    "requireDigit": false, "requireSpecial": true, "rejectCommon": true,
    "description": "6 caractères au minimum, dont 1 majuscule et 1 caractère spécial."
}))]
pub struct PasswordPolicyView {
    /// The fewest characters a password may have.
    pub min_length: usize,
    /// The most characters a password may have.
    pub max_length: usize,
    /// Whether a password needs at least one uppercase letter.
    pub require_uppercase: bool,
    /// Whether a password needs at least one lowercase letter.
    pub require_lowercase: bool,
    /// Whether a password needs at least one digit.
    pub require_digit: bool,
    /// Whether a password needs at least one special character (neither a letter, a
    /// digit nor white space).
    pub require_special: bool,
    /// The most common passwords are refused whatever the other rules say.
    pub reject_common: bool,
    /// The rule in one sentence, in the negotiated language.
    #[schema(
        example = "6 caractères au minimum, dont 1 majuscule et 1 caractère spécial, 128 au maximum."
    )]
    pub description: String,
}

/// A password to check against the policy.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"password": "Trois-Chats-Verts"}))]
pub struct PasswordCheckRequest {
    /// The candidate password, as typed (never trimmed or altered).
    #[validate(length(max = 1024))]
    #[schema(max_length = 1024, example = "Trois-Chats-Verts")]
    pub password: String,
}

/// How a candidate password fares against the policy.
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

/// One rule of the policy that a password breaks.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PasswordRuleViolation {
    /// `too_short`, `too_long`, `missing_uppercase`, `missing_lowercase`, `missing_digit`,
    /// `missing_special` or `too_common`.
    #[schema(example = "missing_special")]
    pub code: String,
    /// What to show under the password field, in the negotiated language.
    #[schema(example = "Au moins 1 caractère spécial.")]
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
    body: Json<PasswordCheckRequest>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let violations = state.config.password_policy.check(&body.password);
    Ok(HttpResponse::Ok().json(PasswordCheck {
        valid: violations.is_empty(),
        violations: violations
            .into_iter()
            .map(|v| PasswordRuleViolation {
                code: v.code().to_owned(),
                message: password_violation_message(v).get(lang).to_owned(),
            })
            .collect(),
    }))
}

/// The activation of an account, from its emailed link.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ActivationRequest {
    /// The `token` parameter of the emailed link.
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        example = "3LTjLj1vr3yy1WiTty2L2kAtem5SIoqWDJx2-ZEELAA"
    )]
    pub token: String,
    /// Required only for accounts opened by an admin (agents), which choose their
    /// password here; families chose theirs at sign-up (null or left out).
    #[validate(length(max = 1024))]
    #[schema(max_length = 1024, example = "Trois-Chats-Verts!")]
    pub password: Option<String>,
}

/// An email address to send a link to.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"email": "famille.ti@exemple.fr"}))]
pub struct EmailRequest {
    /// The account's email address.
    #[validate(length(min = 1, max = 254))]
    #[schema(min_length = 1, max_length = 254, example = "famille.ti@exemple.fr")]
    pub email: String,
}

/// A new password, from a reset link.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PasswordResetRequest {
    /// The `token` parameter of the emailed link.
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        example = "3LTjLj1vr3yy1WiTty2L2kAtem5SIoqWDJx2-ZEELAA"
    )]
    pub token: String,
    /// The new password; must follow the password policy (`GET
    /// /auth/password-policy`).
    #[validate(length(max = 1024))]
    #[schema(max_length = 1024, example = "Trois-Chats-Verts!")]
    pub password: String,
    /// The new password again; must be identical.
    #[validate(length(max = 1024))]
    #[schema(max_length = 1024, example = "Trois-Chats-Verts!")]
    pub password_confirmation: String,
}

/// The token of an emailed link.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TokenRequest {
    /// The `token` parameter of the emailed link.
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        example = "3LTjLj1vr3yy1WiTty2L2kAtem5SIoqWDJx2-ZEELAA"
    )]
    pub token: String,
}

/// What a request that may send an email answers, whatever happened.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Accepted {
    /// The same words whether or not the address has an account, in the negotiated
    /// language.
    #[schema(
        example = "Si un compte correspond à cette adresse, un lien de réinitialisation vient de lui être envoyé. Il est valide 1 heure."
    )]
    pub message: String,
}

/// Activates an account from the emailed link.
///
/// The link is valid 72 hours and once. An expired link has its own code, so the
/// client can offer to send a new one.
#[utoipa::path(
    tag = "auth",
    operation_id = "activateAccount",
    request_body = ActivationRequest,
    responses(
        (status = 204, description = "The account is active: the family can sign in."),
        (status = 400, description = "Unknown or already used link (`invalid_token`), or a password breaking the policy for an invited agent (`validation_failed`)."),
        (status = 410, description = "The link expired (`activation_link_expired`)."),
        (status = 429, description = "Too many invalid links from this address (`too_many_attempts`)."),
    ),
)]
#[post("/auth/activation")]
pub async fn activate_account(
    state: web::Data<AppState>,
    ip: ClientIp,
    body: Json<ActivationRequest>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let now = state.clock.now();
    let st = state.clone();
    let body = body.into_inner();
    db::run_pooled(&state.pool, move |pool| {
        accounts::activate(
            pool,
            &st.rules(),
            &body.token,
            body.password.as_deref(),
            &ip.0,
            now,
        )
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sends a new activation link.
///
/// Answered the same whether or not the address has an account waiting for
/// activation; only such an account gets an email.
#[utoipa::path(
    tag = "auth",
    operation_id = "requestActivationEmail",
    request_body = EmailRequest,
    responses(
        (status = 202, description = "If the address has an account waiting for activation, a new link is on its way.", body = Accepted),
        (status = 429, description = "Too many requests from this address (`too_many_attempts`)."),
    ),
)]
#[post("/auth/activation-requests")]
pub async fn request_activation_email(
    state: web::Data<AppState>,
    ip: ClientIp,
    lang: Lang,
    body: Json<EmailRequest>,
) -> Result<HttpResponse, ApiError> {
    link_request(&state, ip, body, accounts::resend_activation).await?;
    Ok(accepted(
        lang,
        Text::new(
            "Si un compte en attente d'activation correspond à cette adresse, un nouveau lien vient de lui être envoyé.",
            "If an account waiting for activation matches this address, a new link was just sent to it.",
        ),
    ))
}

/// A "send me a link" request: the address checked, then `send` (which answers the
/// same whether or not an account matches).
async fn link_request(
    state: &web::Data<AppState>,
    ip: ClientIp,
    body: Json<EmailRequest>,
    send: accounts::SendLink,
) -> Result<(), ApiError> {
    validate(&*body)?;
    let now = state.clock.now();
    let st = state.clone();
    db::run(&state.pool, move |conn| {
        send(conn, &st.rules(), &body.email, &ip.0, now)
    })
    .await?;
    Ok(())
}

fn accepted(lang: Lang, message: Text) -> HttpResponse {
    HttpResponse::Accepted().json(Accepted {
        message: message.get(lang).to_owned(),
    })
}

/// "Mot de passe oublié ?": sends a reset link.
///
/// Answered the same whether or not the address has an account. The link is valid
/// 1 hour and once. Requests never lock the account.
#[utoipa::path(
    tag = "auth",
    operation_id = "requestPasswordReset",
    request_body = EmailRequest,
    responses(
        (status = 202, description = "If the address has an account, a reset link is on its way.", body = Accepted),
        (status = 429, description = "Too many requests from this address (`too_many_attempts`)."),
    ),
)]
#[post("/auth/password-reset-requests")]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    ip: ClientIp,
    lang: Lang,
    body: Json<EmailRequest>,
) -> Result<HttpResponse, ApiError> {
    link_request(&state, ip, body, accounts::request_password_reset).await?;
    Ok(accepted(
        lang,
        Text::new(
            "Si un compte correspond à cette adresse, un lien de réinitialisation vient de lui être envoyé. Il est valide 1 heure.",
            "If an account matches this address, a reset link was just sent to it. It is valid for 1 hour.",
        ),
    ))
}

/// Sets a new password from a reset link.
///
/// Every session of the account ends (its tokens stop working) and the account is
/// told by email.
#[utoipa::path(
    tag = "auth",
    operation_id = "resetPassword",
    request_body = PasswordResetRequest,
    responses(
        (status = 204, description = "The password is changed; sign in with it."),
        (status = 400, description = "Unknown or used link (`invalid_token`), or a password breaking the policy (`validation_failed`)."),
        (status = 410, description = "The link expired (`reset_link_expired`)."),
        (status = 429, description = "Too many invalid links from this address (`too_many_attempts`)."),
    ),
)]
#[post("/auth/password-reset")]
pub async fn reset_password(
    state: web::Data<AppState>,
    ip: ClientIp,
    body: Json<PasswordResetRequest>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let now = state.clock.now();
    let st = state.clone();
    let body = body.into_inner();
    db::run_pooled(&state.pool, move |pool| {
        accounts::reset_password(
            pool,
            &st.rules(),
            &body.token,
            &body.password,
            &body.password_confirmation,
            &ip.0,
            now,
        )
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Confirms a new email address from the link sent to it.
///
/// The address becomes the account's login and contact; the old address is told.
#[utoipa::path(
    tag = "auth",
    operation_id = "confirmEmailChange",
    request_body = TokenRequest,
    responses(
        (status = 204, description = "The address is now the account's; the old one was told."),
        (status = 400, description = "Unknown or used link (`invalid_token`)."),
        (status = 409, description = "The address meanwhile became another account's (`email_taken`)."),
        (status = 410, description = "The link expired (`email_change_link_expired`)."),
        (status = 429, description = "Too many invalid links from this address (`too_many_attempts`)."),
    ),
)]
#[post("/auth/email-change/confirmation")]
pub async fn confirm_email_change(
    state: web::Data<AppState>,
    ip: ClientIp,
    body: Json<TokenRequest>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let now = state.clock.now();
    let st = state.clone();
    db::run_pooled(&state.pool, move |pool| {
        accounts::confirm_email_change(pool, &st.rules(), &body.token, &ip.0, now)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
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

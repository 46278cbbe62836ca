//! Signing in and out (guide: "Connectez-vous", "Se rappeler de moi").

use crate::routes::Json;
use actix_web::{HttpResponse, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::{Caller, ClientIp};
use crate::db;
use crate::problem::{ApiError, validate};
use crate::state::AppState;
use crate::usecases::accounts::sessions::{self, Credentials, Tokens};

/// A sign-in.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"login": "famille.ti", "password": "Famille-TI-2026!", "rememberMe": false}))]
pub struct LoginRequest {
    /// The username or the email address.
    #[validate(length(min = 1, max = 254))]
    #[schema(min_length = 1, max_length = 254, example = "famille.ti")]
    pub login: String,
    /// The account's password, as typed.
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024, example = "Famille-TI-2026!")]
    pub password: String,
    /// "Se rappeler de moi": a longer session on this device (30-day refresh tokens
    /// within a 90-day limit, instead of 12 hours within 24).
    #[serde(default)]
    pub remember_me: bool,
}

/// A refresh token to exchange.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RefreshRequest {
    /// The refresh token of the last sign-in or refresh; it can be used once.
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        example = "bhBGYxWH9e1NOoW8i3hzTSFYN3y4Z-B47h7xIUGsvro"
    )]
    pub refresh_token: String,
}

/// The tokens of a session.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "accessToken": "eyJhbGciOiJIUzI1NiJ9...", "tokenType": "Bearer", "expiresIn": 900,
    "accessTokenExpiresAt": "2026-09-01T08:15:00Z",
    "refreshToken": "3q2-7wAAAAA...", "refreshTokenExpiresAt": "2026-09-01T20:00:00Z",
    "sessionExpiresAt": "2026-09-02T08:00:00Z"
}))]
pub struct TokenPair {
    /// Send as `Authorization: Bearer <accessToken>`.
    #[schema(example = "eyJhbGciOiJIUzI1NiJ9...")]
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// When the access token expires (RFC 3339, UTC).
    pub access_token_expires_at: DateTime<Utc>,
    /// Opaque; exchange it at `/auth/refresh` for a new pair. Rotated at every use.
    #[schema(example = "bhBGYxWH9e1NOoW8i3hzTSFYN3y4Z-B47h7xIUGsvro")]
    pub refresh_token: String,
    /// When the refresh token expires (RFC 3339, UTC), unless the session ends
    /// first.
    pub refresh_token_expires_at: DateTime<Utc>,
    /// No refresh extends the session beyond this instant (RFC 3339, UTC).
    pub session_expires_at: DateTime<Utc>,
}

impl TokenPair {
    pub(crate) fn new(tokens: Tokens, now: DateTime<Utc>) -> Self {
        Self {
            expires_in: (tokens.access_expires_at - now).num_seconds(),
            access_token: tokens.access_token,
            token_type: "Bearer".to_owned(),
            access_token_expires_at: tokens.access_expires_at,
            refresh_token: tokens.refresh_token,
            refresh_token_expires_at: tokens.refresh_expires_at,
            session_expires_at: tokens.session_expires_at,
        }
    }
}

/// Signs in with a username or an email address and a password.
///
/// An unknown account and a wrong password get the same answer. Failures are
/// counted per login and per client address: after 5 (20 per address) the answer
/// is 429 with `Retry-After`, for growing delays.
#[utoipa::path(
    tag = "auth",
    operation_id = "login",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in.", body = TokenPair),
        (status = 401, description = "Wrong username or password (`invalid_credentials`)."),
        (status = 403, description = "The account is not activated yet (`account_not_activated`) or was disabled (`account_disabled`), or the account is staff signing in through the city's identity provider (`password_login_disabled`)."),
        (status = 429, description = "Too many failed attempts (`too_many_attempts`); see `Retry-After`."),
    ),
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    ip: ClientIp,
    body: Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let credentials = Credentials {
        login: body.login.clone(),
        password: body.password.clone(),
        remember_me: body.remember_me,
        client_ip: ip.0,
    };
    let now = state.clock.now();
    let st = state.clone();
    let tokens = db::run_pooled(&state.pool, move |pool| {
        sessions::login(
            pool,
            &st.jwt,
            &st.lifetimes,
            &st.throttle,
            &credentials,
            |conn, account| st.providers.password_allowed(conn, account),
            now,
        )
    })
    .await?;
    Ok(HttpResponse::Ok().json(TokenPair::new(tokens, now)))
}

/// Exchanges a refresh token for a new pair.
///
/// Each refresh token works once. Presenting one a second time (a stolen or
/// replayed token) ends its whole session: every token of that sign-in stops working.
#[utoipa::path(
    tag = "auth",
    operation_id = "refreshTokens",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new pair; the presented refresh token is spent.", body = TokenPair),
        (status = 401, description = "Unknown, expired or revoked (`invalid_refresh_token`), or already used: the session is now revoked (`refresh_token_reused`)."),
    ),
)]
#[post("/auth/refresh")]
pub async fn refresh_tokens(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let now = state.clock.now();
    let st = state.clone();
    let token = body.into_inner().refresh_token;
    let tokens = db::run(&state.pool, move |conn| {
        sessions::refresh(conn, &st.jwt, &st.lifetimes, &token, None, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(TokenPair::new(tokens, now)))
}

/// Signs out of this device.
///
/// Ends the session of the access token: its refresh token and access tokens stop
/// working at once.
#[utoipa::path(
    tag = "auth",
    operation_id = "logout",
    security(("bearerAuth" = [])),
    responses((status = 204, description = "Signed out.")),
)]
#[post("/auth/logout")]
pub async fn logout(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    db::run(&state.pool, move |conn| {
        sessions::logout(conn, caller.session_id, now)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Signs out of every device.
///
/// Ends every session of the account: all its refresh and access tokens stop working.
#[utoipa::path(
    tag = "auth",
    operation_id = "logoutEverywhere",
    security(("bearerAuth" = [])),
    responses((status = 204, description = "Every session of the account is ended.")),
)]
#[post("/auth/logout-all")]
pub async fn logout_everywhere(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    db::run(&state.pool, move |conn| {
        sessions::logout_everywhere(conn, caller.account_id, now)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

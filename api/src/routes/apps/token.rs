//! The token endpoint (RFC 6749, 4.1.3 and 6) and the revocation endpoint (RFC 7009).
//! Their errors follow RFC 6749 (5.2): `application/json` with `error` and
//! `error_description`, what OAuth libraries (AppAuth, openid-client) read; not
//! problem+json like the rest of the API.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, post, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::ClientIp;
use crate::db;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::usecases::accounts::apps::{
    self, AppTokens, ClientCredentials, TokenError, TokenFailure,
};
use crate::usecases::accounts::throttling::{self, Counter};

/// A token or revocation request (RFC 6749, 4.1.3 and 6; RFC 7009, 2.1). Every field
/// optional here: what a grant lacks is answered `invalid_request` as RFC 6749 says.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(example = json!({
    "grant_type": "authorization_code", "code": "SplxlOBeZQQYbYS6WxSbIA",
    "redirect_uri": "fr.cantineplus.app:/oauth2redirect", "client_id": "app_Qm9uam91ciBsZXMgZW5m",
    "code_verifier": "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
}))]
pub struct AppTokenForm {
    /// `authorization_code` or `refresh_token`.
    grant_type: Option<String>,
    /// The code of the redirect.
    code: Option<String>,
    /// The authorization request's redirect URI.
    redirect_uri: Option<String>,
    /// PKCE: the verifier of the authorization request's challenge.
    code_verifier: Option<String>,
    /// The refresh token to rotate.
    refresh_token: Option<String>,
    /// The app's client id (unless in HTTP Basic).
    client_id: Option<String>,
    /// A confidential app's secret (unless in HTTP Basic).
    #[schema(format = Password)]
    client_secret: Option<String>,
    /// Revocation: the token to revoke.
    token: Option<String>,
    /// Revocation: `refresh_token` or `access_token`; a hint only (both are looked up).
    #[serde(rename = "token_type_hint")]
    _token_type_hint: Option<String>,
}

/// Tokens for an app (RFC 6749, 5.1).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "access_token": "eyJhbGciOiJIUzI1NiJ9...", "token_type": "Bearer", "expires_in": 900,
    "refresh_token": "bhBGYxWH9e1NOoW8i3hzTSFYN3y4Z-B47h7xIUGsvro", "scope": "planning:read invoices:read"
}))]
pub struct OAuthTokens {
    /// Send as `Authorization: Bearer <access_token>`; it carries the scopes granted.
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Exchange it at this endpoint (`grant_type=refresh_token`); rotated at every use,
    /// a reused one ends the grant's session.
    pub refresh_token: String,
    /// The scopes granted, space-separated.
    #[schema(example = "planning:read invoices:read")]
    pub scope: String,
}

/// An OAuth 2.0 error (RFC 6749, 5.2).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"error": "invalid_grant", "error_description": "code already used: what it issued is revoked"}))]
pub struct OAuthError {
    /// `invalid_request`, `invalid_client`, `invalid_grant` or `unsupported_grant_type`.
    #[schema(example = "invalid_grant")]
    pub error: String,
    /// What went wrong, for the app's developer (English).
    #[schema(example = "code already used: what it issued is revoked")]
    pub error_description: String,
}

fn oauth_error(error: TokenError, description: &str, basic: bool) -> HttpResponse {
    let status = if error == TokenError::InvalidClient {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut answer = HttpResponse::build(status);
    if basic && error == TokenError::InvalidClient {
        answer.insert_header((header::WWW_AUTHENTICATE, "Basic realm=\"espace-familles\""));
    }
    answer.json(OAuthError {
        error: error.as_str().to_owned(),
        error_description: description.to_owned(),
    })
}

/// The client's credentials from HTTP Basic or the form (not both, RFC 6749, 2.3.1),
/// and whether Basic was used.
fn credentials(
    req: &HttpRequest,
    form: &AppTokenForm,
) -> Result<(ClientCredentials, bool), &'static str> {
    let (credentials, basic) = given_credentials(req, form)?;
    // Form fields are refused with a NUL already; what Basic decodes to is not.
    let nul = |s: &str| s.contains('\0');
    if nul(&credentials.client_id) || credentials.secret.as_deref().is_some_and(nul) {
        return Err("malformed client credentials");
    }
    Ok((credentials, basic))
}

fn given_credentials(
    req: &HttpRequest,
    form: &AppTokenForm,
) -> Result<(ClientCredentials, bool), &'static str> {
    let basic = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "));
    match (basic, &form.client_id) {
        (Some(_), Some(_)) | (Some(_), None) if form.client_secret.is_some() => {
            Err("client credentials given twice")
        }
        (Some(encoded), _) => {
            let decoded = STANDARD
                .decode(encoded.trim())
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or("malformed Basic credentials")?;
            let (id, secret) = decoded
                .split_once(':')
                .ok_or("malformed Basic credentials")?;
            let decode = |s: &str| {
                serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("v={s}"))
                    .ok()
                    .and_then(|v| v.into_iter().next())
                    .map(|(_, v)| v)
                    .ok_or("malformed Basic credentials")
            };
            Ok((
                ClientCredentials {
                    client_id: decode(id)?,
                    secret: Some(decode(secret)?),
                },
                true,
            ))
        }
        (None, Some(id)) => Ok((
            ClientCredentials {
                client_id: id.clone(),
                secret: form.client_secret.clone(),
            },
            false,
        )),
        (None, None) => Err("client_id is required"),
    }
}

/// Failed client authentications are counted per client id and address, as passwords
/// are per login: someone guessing from elsewhere cannot lock the app itself out.
fn client_counter(client_id: &str, ip: &ClientIp) -> [Counter; 1] {
    [Counter::new(
        "oauth_client",
        format!("{client_id} {}", ip.0),
    )]
}

/// Issues an app's tokens (OAuth 2.0 token endpoint).
///
/// `grant_type=authorization_code` with `code`, `redirect_uri` (the authorization
/// request's) and `code_verifier` (PKCE), or `grant_type=refresh_token` with
/// `refresh_token`. The app authenticates with `client_id` (public apps) and its
/// secret (confidential apps: HTTP Basic or `client_secret`). A code works once, within
/// 60 seconds; presented again, it revokes what it issued.
#[utoipa::path(
    tag = "apps",
    operation_id = "requestAppTokens",
    request_body(content = AppTokenForm, content_type = "application/x-www-form-urlencoded", description = "The grant and the app's authentication."),
    responses(
        (status = 200, description = "The tokens.", body = OAuthTokens),
        (status = 400, description = "An OAuth error (`invalid_request`, `invalid_grant`, `unsupported_grant_type` in `error`).", body = OAuthError, content_type = "application/json"),
        (status = 401, description = "The app's authentication failed (`invalid_client` in `error`).", body = OAuthError, content_type = "application/json"),
        (status = 429, description = "Too many failed authentications of this app from this address (`too_many_attempts`); see `Retry-After`."),
    ),
)]
#[post("/oauth/token")]
pub async fn request_app_tokens(
    state: web::Data<AppState>,
    ip: ClientIp,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let form: AppTokenForm = super::form_body(&req, &body)?;
    let (credentials, basic) = match credentials(&req, &form) {
        Ok(found) => found,
        Err(why) => return Ok(oauth_error(TokenError::InvalidRequest, why, false)),
    };
    let (st, now) = (state.clone(), state.clock.now());
    let outcome = db::run(&state.pool, move |conn| {
        let counter = client_counter(&credentials.client_id, &ip);
        throttling::check(conn, &st.throttle, &counter, now)?;
        let app = match apps::authenticate_client(conn, &credentials) {
            Ok(app) => app,
            Err(failure) => {
                throttling::record_failure(conn, &st.throttle, &counter, now)?;
                return Ok(Err(failure));
            }
        };
        let issued = match form.grant_type.as_deref() {
            Some("authorization_code") => apps::exchange_code(
                conn,
                &st.jwt,
                &st.lifetimes,
                &app,
                form.code.as_deref().unwrap_or_default(),
                form.redirect_uri.as_deref(),
                form.code_verifier.as_deref(),
                now,
            ),
            Some("refresh_token") => apps::refresh(
                conn,
                &st.jwt,
                &st.lifetimes,
                &app,
                form.refresh_token.as_deref().unwrap_or_default(),
                now,
            ),
            Some(_) => Err(TokenFailure::OAuth(
                TokenError::UnsupportedGrantType,
                "authorization_code or refresh_token",
            )),
            None => Err(TokenFailure::OAuth(
                TokenError::InvalidRequest,
                "grant_type is required",
            )),
        };
        Ok::<_, crate::usecases::UseCaseError>(issued)
    })
    .await?;
    match outcome {
        Ok(AppTokens { tokens, scopes }) => Ok(HttpResponse::Ok()
            .insert_header((header::PRAGMA, "no-cache"))
            .json(OAuthTokens {
                expires_in: (tokens.access_expires_at - now).num_seconds(),
                access_token: tokens.access_token,
                token_type: "Bearer".to_owned(),
                refresh_token: tokens.refresh_token,
                scope: scopes,
            })),
        Err(TokenFailure::OAuth(error, why)) => Ok(oauth_error(error, why, basic)),
        Err(TokenFailure::Failed(error)) => Err(error.into()),
    }
}

/// Revokes an app's token (OAuth 2.0 revocation, RFC 7009).
///
/// `token` (a refresh or an access token of the app) and the app's authentication as
/// at the token endpoint: the grant's session ends, every token of it stops working.
/// The answer is the same whether the token was known.
#[utoipa::path(
    tag = "apps",
    operation_id = "revokeAppToken",
    request_body(content = AppTokenForm, content_type = "application/x-www-form-urlencoded", description = "`token`, `token_type_hint`, and the app's authentication."),
    responses(
        (status = 200, description = "Revoked (or unknown: the same answer)."),
        (status = 400, description = "Not a form, or no `token` (`invalid_request` in `error`).", body = OAuthError, content_type = "application/json"),
        (status = 401, description = "The app's authentication failed (`invalid_client` in `error`).", body = OAuthError, content_type = "application/json"),
    ),
)]
#[post("/oauth/revoke")]
pub async fn revoke_app_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let form: AppTokenForm = super::form_body(&req, &body)?;
    let (credentials, basic) = match credentials(&req, &form) {
        Ok(found) => found,
        Err(why) => return Ok(oauth_error(TokenError::InvalidRequest, why, false)),
    };
    let Some(token) = form.token.clone().filter(|t| !t.is_empty()) else {
        return Ok(oauth_error(
            TokenError::InvalidRequest,
            "token is required",
            basic,
        ));
    };
    let (st, now) = (state.clone(), state.clock.now());
    let outcome = db::run(&state.pool, move |conn| {
        let app = match apps::authenticate_client(conn, &credentials) {
            Ok(app) => app,
            Err(failure) => return Ok(Err(failure)),
        };
        apps::revoke(conn, &st.jwt, &app, &token, now)?;
        Ok::<_, crate::usecases::UseCaseError>(Ok(()))
    })
    .await?;
    match outcome {
        Ok(()) => Ok(HttpResponse::Ok().finish()),
        Err(TokenFailure::OAuth(error, why)) => Ok(oauth_error(error, why, basic)),
        Err(TokenFailure::Failed(error)) => Err(error.into()),
    }
}

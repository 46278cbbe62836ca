//! The token and revocation endpoints' rules: an app authenticates, exchanges a code
//! or rotates a refresh token, revokes its grant.

use chrono::{DateTime, Utc};
use domain::accounts::Lifetimes;
use domain::audit::AuditAction;
use persistence::accounts::apps;
use persistence::accounts::{self, SessionOrigin};
use persistence::{AnyConnection, utc, write_transaction};

use super::{App, audit_app};
use crate::adapters::oidc::pkce_challenge;
use crate::auth::{JwtKeys, secrets};
use crate::usecases::accounts::sessions::{self, Tokens};
use crate::usecases::{Outcome, UseCaseError};

/// The errors of the token endpoint, as RFC 6749 (5.2) names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    InvalidRequest,
    /// Unknown, disabled, or a wrong secret (answered 401).
    InvalidClient,
    /// The code or refresh token is unknown, expired, used, another app's, or the
    /// verifier or redirect URI does not match.
    InvalidGrant,
    UnsupportedGrantType,
}

impl TokenError {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnsupportedGrantType => "unsupported_grant_type",
        }
    }
}

/// Either an OAuth error for the app, or an unexpected failure.
#[derive(Debug)]
pub enum TokenFailure {
    OAuth(TokenError, &'static str),
    Failed(UseCaseError),
}

impl<E: Into<UseCaseError>> From<E> for TokenFailure {
    fn from(error: E) -> Self {
        Self::Failed(error.into())
    }
}

fn oauth(error: TokenError, description: &'static str) -> TokenFailure {
    TokenFailure::OAuth(error, description)
}

/// How the app identifies itself: its id, and its secret if confidential (from HTTP
/// Basic or the form).
#[derive(Debug, Clone)]
pub struct ClientCredentials {
    pub client_id: String,
    pub secret: Option<String>,
}

/// The enabled app the credentials prove: a confidential app must give its secret.
pub fn authenticate_client(
    conn: &mut AnyConnection,
    credentials: &ClientCredentials,
) -> Result<App, TokenFailure> {
    let app = apps::find_client(conn, &credentials.client_id)?
        .map(App::try_from)
        .transpose()?
        .filter(|app| app.disabled_at.is_none())
        .ok_or_else(|| oauth(TokenError::InvalidClient, "unknown or disabled client"))?;
    let proven = match (&app.secret_hash, &credentials.secret) {
        (Some(hash), Some(secret)) => {
            let digest = secrets::digest(secret);
            secrets::constant_time_eq(digest.as_bytes(), hash.as_bytes())
        }
        (Some(_), None) => false,
        (None, _) => true,
    };
    if proven {
        Ok(app)
    } else {
        Err(oauth(
            TokenError::InvalidClient,
            "client authentication failed",
        ))
    }
}

/// What the token endpoint hands the app.
#[derive(Debug, Clone)]
pub struct AppTokens {
    pub tokens: Tokens,
    pub scopes: String,
}

/// Exchanges a code (RFC 6749, 4.1.3): once, by the app it was issued to, with the
/// same redirect URI and the PKCE verifier of its challenge. A code presented again
/// within its life revokes the session it opened (RFC 6749, 4.1.2); after it, it is
/// only refused (an old code found in a log must not end a family's grant). One
/// transaction: the code is never spent without the session it opened being recorded.
#[allow(clippy::too_many_arguments)]
pub fn exchange_code(
    conn: &mut AnyConnection,
    keys: &JwtKeys,
    lifetimes: &Lifetimes,
    app: &App,
    code: &str,
    redirect_uri: Option<&str>,
    verifier: Option<&str>,
    now: DateTime<Utc>,
) -> Result<AppTokens, TokenFailure> {
    let bad = |why| Ok(Err(oauth(TokenError::InvalidGrant, why)));
    // The transaction commits a revocation even when the answer is a refusal.
    write_transaction::<_, UseCaseError, _>(conn, |conn| {
        let Some(stored) =
            apps::find_code(conn, &secrets::digest(code))?.filter(|c| c.client_id == app.row_id)
        else {
            return bad("unknown code");
        };
        let live = utc(stored.expires_at) > now;
        if stored.used_at.is_some() || !apps::use_code(conn, stored.id, now)? {
            if let (true, Some(session_id)) = (live, stored.session_id) {
                accounts::revoke_session(conn, session_id, "code_reuse", now)?;
                let detail = format!("revoked {}: code replayed", app.client_id);
                audit_app(conn, stored.account_id, AuditAction::GrantApp, &detail, now)?;
            }
            return bad("code already used: what it issued is revoked");
        }
        if !live {
            return bad("code expired");
        }
        if redirect_uri != Some(stored.redirect_uri.as_str()) {
            return bad("redirect_uri differs from the authorization request's");
        }
        if let Some(challenge) = &stored.code_challenge {
            let matches = verifier.is_some_and(|v| {
                (43..=128).contains(&v.len())
                    && secrets::constant_time_eq(pkce_challenge(v).as_bytes(), challenge.as_bytes())
            });
            if !matches {
                return bad("code_verifier does not match the code_challenge");
            }
        }
        let Some(account) = accounts::find(conn, stored.account_id)?
            .filter(|a| a.status == domain::accounts::AccountStatus::Active)
        else {
            return bad("the account is no longer active");
        };
        let origin = SessionOrigin {
            client: Some((app.row_id, stored.scopes.as_str())),
            provider: None,
        };
        let (session_id, tokens) =
            sessions::open_session(conn, keys, lifetimes, &account, true, &origin, now)?;
        apps::set_code_session(conn, stored.id, session_id)?;
        Ok(Ok(AppTokens {
            tokens,
            scopes: stored.scopes,
        }))
    })?
}

/// Rotates an app's refresh token (RFC 6749, 6): only the app it was issued to; a
/// token used twice ends the session, as for the portal's own.
pub fn refresh(
    conn: &mut AnyConnection,
    keys: &JwtKeys,
    lifetimes: &Lifetimes,
    app: &App,
    refresh_token: &str,
    now: DateTime<Utc>,
) -> Result<AppTokens, TokenFailure> {
    let scopes = accounts::find_refresh_token(conn, &secrets::digest(refresh_token))?
        .and_then(|(_, session)| session.scopes)
        .unwrap_or_default();
    match sessions::refresh(conn, keys, lifetimes, refresh_token, Some(app.row_id), now) {
        Ok(tokens) => Ok(AppTokens { tokens, scopes }),
        Err(UseCaseError::Refused(_)) => Err(oauth(
            TokenError::InvalidGrant,
            "refresh token unknown, expired, revoked or reused",
        )),
        Err(other) => Err(TokenFailure::Failed(other)),
    }
}

/// Revokes the session of a refresh or access token of the app (RFC 7009): the
/// answer is the same whether the token was known, as the RFC asks.
pub fn revoke(
    conn: &mut AnyConnection,
    keys: &JwtKeys,
    app: &App,
    token: &str,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let session = match accounts::find_refresh_token(conn, &secrets::digest(token))? {
        Some((_, session)) => Some((session.id, session.account_id, session.client_id)),
        None => match keys.verify(token, now) {
            Some(claims) => {
                let account_id = claims.sub.parse().unwrap_or(-1);
                accounts::find_session(conn, claims.sid)?
                    .filter(|s| s.account_id == account_id)
                    .map(|s| (s.id, s.account_id, s.client_id))
            }
            None => None,
        },
    };
    if let Some((session_id, account_id, Some(client))) = session
        && client == app.row_id
    {
        accounts::revoke_session(conn, session_id, "app_revoked", now)?;
        audit_app(
            conn,
            account_id,
            AuditAction::GrantApp,
            &format!("revoked {} by the app", app.client_id),
            now,
        )?;
    }
    Ok(())
}

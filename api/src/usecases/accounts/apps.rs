//! The OAuth 2.0 authorization server for third-party apps (RFC 6749, with PKCE,
//! RFC 7636, as native apps need it, RFC 8252): admins register apps; a family grants
//! one scopes on the consent page; the app exchanges the one-time code for a session
//! of its own (access tokens carrying the scopes, rotating refresh tokens bound to the
//! app); the family or the app revokes it, an admin disables an app for everyone.

use chrono::{DateTime, Duration, Utc};
use domain::accounts::apps::check_redirect_uri;
use domain::accounts::scopes::Scopes;
use domain::accounts::{Lifetimes, Role};
use domain::audit::AuditAction;
use persistence::accounts::apps::{self, Grant, NewClient, NewCode, StoredClient};
use persistence::accounts::{self, Account, SessionOrigin};
use persistence::audit::{self, NewAuditEntry};
use persistence::{AnyConnection, utc, write_transaction};

use crate::adapters::oidc::pkce_challenge;
use crate::auth::{JwtKeys, secrets};
use crate::problem::FieldError;
use crate::usecases::accounts::AccountRefusal;
use crate::usecases::accounts::sessions::{self, Tokens};
use crate::usecases::{Outcome, UseCaseError};

/// How long a code can be exchanged (RFC 6749 recommends at most 10 minutes).
const CODE_LIFETIME_SECONDS: i64 = 60;
const MAX_REDIRECT_URIS: usize = 10;

/// Whether an app can keep a secret (a server) or not (a mobile or browser app,
/// which must use PKCE).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppKind {
    Public,
    Confidential,
}

impl AppKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Confidential => "confidential",
        }
    }
}

/// A registered app, as admins and the consent page see it.
#[derive(Debug, Clone)]
pub struct App {
    pub client_id: String,
    pub name: String,
    pub kind: AppKind,
    pub redirect_uris: Vec<String>,
    pub scopes: Scopes,
    pub created_at: DateTime<Utc>,
    pub disabled_at: Option<DateTime<Utc>>,
    row_id: i64,
    secret_hash: Option<String>,
}

impl TryFrom<StoredClient> for App {
    type Error = UseCaseError;

    fn try_from(stored: StoredClient) -> Result<Self, Self::Error> {
        let corrupt = |what: String| {
            UseCaseError::Internal(anyhow::anyhow!("app {}: {what}", stored.client_id))
        };
        Ok(Self {
            kind: if stored.kind == "confidential" {
                AppKind::Confidential
            } else {
                AppKind::Public
            },
            redirect_uris: serde_json::from_str(&stored.redirect_uris)
                .map_err(|e| corrupt(e.to_string()))?,
            scopes: Scopes::parse(&stored.scopes).map_err(corrupt)?,
            created_at: utc(stored.created_at),
            disabled_at: stored.disabled_at.map(utc),
            row_id: stored.id,
            secret_hash: stored.secret_hash.clone(),
            client_id: stored.client_id,
            name: stored.name,
        })
    }
}

/// What an admin registers.
#[derive(Debug, Clone)]
pub struct NewApp {
    pub name: String,
    pub kind: AppKind,
    pub redirect_uris: Vec<String>,
    pub scopes: Scopes,
}

fn audit_app(
    conn: &mut AnyConnection,
    actor_id: i64,
    action: AuditAction,
    detail: &str,
    now: DateTime<Utc>,
) -> Outcome<()> {
    Ok(audit::record(
        conn,
        &NewAuditEntry {
            actor_id,
            action,
            dossier_id: None,
            child_id: None,
            detail,
        },
        now,
    )?)
}

/// Registers an app; a confidential one gets its secret, shown this once.
pub fn register(
    conn: &mut AnyConnection,
    admin_id: i64,
    new: &NewApp,
    now: DateTime<Utc>,
) -> Outcome<(App, Option<String>)> {
    let mut errors = Vec::new();
    if new.redirect_uris.is_empty() || new.redirect_uris.len() > MAX_REDIRECT_URIS {
        errors.push(FieldError::new(
            "redirectUris",
            "count",
            "Indiquez de 1 à 10 adresses de retour.",
            "Give 1 to 10 redirect URIs.",
        ));
    }
    for (i, uri) in new.redirect_uris.iter().enumerate() {
        if let Err(e) = check_redirect_uri(uri) {
            errors.push(FieldError::new(
                &format!("redirectUris[{i}]"),
                "invalid_redirect_uri",
                "Adresse de retour refusée : https, http sur la boucle locale (127.0.0.1) ou schéma privé (fr.exemple.app:/…), sans fragment.",
                &format!("Redirect URI refused: {e}."),
            ));
        }
    }
    if new.scopes.is_empty() {
        errors.push(FieldError::new(
            "scopes",
            "required",
            "Choisissez au moins une permission.",
            "Choose at least one scope.",
        ));
    }
    if !errors.is_empty() {
        return Err(UseCaseError::Invalid(errors));
    }
    let client_id = format!("app_{}", &secrets::new_secret()[..22]);
    let secret = (new.kind == AppKind::Confidential).then(secrets::new_secret);
    let secret_hash = secret.as_deref().map(secrets::digest);
    let redirect_uris = serde_json::to_string(&new.redirect_uris).map_err(anyhow::Error::from)?;
    let scopes = new.scopes.to_string();
    let stored = write_transaction::<_, UseCaseError, _>(conn, |conn| {
        apps::insert_client(
            conn,
            &NewClient {
                client_id: &client_id,
                name: new.name.trim(),
                kind: new.kind.as_str(),
                secret_hash: secret_hash.as_deref(),
                redirect_uris: &redirect_uris,
                scopes: &scopes,
                created_by: admin_id,
            },
            now,
        )?;
        audit_app(
            conn,
            admin_id,
            AuditAction::ManageApp,
            &format!("registered {client_id}"),
            now,
        )?;
        apps::find_client(conn, &client_id)?
            .ok_or_else(|| UseCaseError::Internal(anyhow::anyhow!("the app just registered")))
    })?;
    Ok((App::try_from(stored)?, secret))
}

pub fn list(conn: &mut AnyConnection) -> Outcome<Vec<App>> {
    apps::list_clients(conn)?
        .into_iter()
        .map(App::try_from)
        .collect()
}

pub fn find(conn: &mut AnyConnection, client_id: &str) -> Outcome<App> {
    apps::find_client(conn, client_id)?
        .ok_or(AccountRefusal::AppNotFound)?
        .try_into()
}

/// Disables an app for everyone (its sessions end at once, its codes are spent), or
/// enables it again.
pub fn set_enabled(
    conn: &mut AnyConnection,
    admin_id: i64,
    client_id: &str,
    enabled: bool,
    now: DateTime<Utc>,
) -> Outcome<App> {
    write_transaction::<_, UseCaseError, _>(conn, |conn| {
        let app = find(conn, client_id)?;
        if enabled == app.disabled_at.is_none() {
            return Ok(app);
        }
        apps::set_disabled(conn, app.row_id, (!enabled).then_some(now))?;
        if !enabled {
            apps::revoke_client_sessions(conn, app.row_id, None, "app_disabled", now)?;
            apps::spend_codes(conn, app.row_id, None, now)?;
        }
        let verb = if enabled { "enabled" } else { "disabled" };
        audit_app(
            conn,
            admin_id,
            AuditAction::ManageApp,
            &format!("{verb} {client_id}"),
            now,
        )?;
        find(conn, client_id)
    })
}

// --- the authorization endpoint ---

/// An authorization request as the app sent it (RFC 6749, 4.1.1; RFC 7636, 4.3).
#[derive(Debug, Clone, Default)]
pub struct AuthorizationRequest {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
}

/// Why an authorization request fails. Until the app and its redirect URI are known
/// good, the family is shown the error and never sent anywhere (no open redirect);
/// after that, the app gets the error at its redirect URI (RFC 6749, 4.1.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizationError {
    /// Shown on the page, in French.
    Shown(&'static str),
    /// Sent back to the app.
    Redirected {
        redirect_uri: String,
        error: &'static str,
        state: Option<String>,
    },
}

/// A request that passed every check: what the consent page shows.
#[derive(Debug, Clone)]
pub struct CheckedRequest {
    pub app: App,
    pub redirect_uri: String,
    pub scopes: Scopes,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
}

/// Checks an authorization request: the app exists and is enabled, the redirect URI
/// is one it registered (exactly), then the response type, the scopes (within the
/// app's) and PKCE (S256 only; required of public apps).
pub fn check_request(
    conn: &mut AnyConnection,
    request: &AuthorizationRequest,
) -> Outcome<Result<CheckedRequest, AuthorizationError>> {
    let Some(client_id) = request.client_id.as_deref() else {
        return Ok(Err(AuthorizationError::Shown(
            "La demande ne nomme pas d'application (client_id).",
        )));
    };
    let Some(app) = apps::find_client(conn, client_id)?
        .map(App::try_from)
        .transpose()?
    else {
        return Ok(Err(AuthorizationError::Shown(
            "Cette application n'est pas enregistrée auprès de la ville.",
        )));
    };
    if app.disabled_at.is_some() {
        return Ok(Err(AuthorizationError::Shown(
            "Cette application a été désactivée par la ville.",
        )));
    }
    let registered = request
        .redirect_uri
        .as_deref()
        .filter(|uri| app.redirect_uris.iter().any(|r| r == uri));
    let Some(redirect_uri) = registered.map(str::to_owned) else {
        return Ok(Err(AuthorizationError::Shown(
            "L'adresse de retour de cette demande n'est pas celle que l'application a enregistrée.",
        )));
    };
    let back = |error| {
        Ok(Err(AuthorizationError::Redirected {
            redirect_uri: redirect_uri.clone(),
            error,
            state: request.state.clone(),
        }))
    };
    if request.response_type.as_deref() != Some("code") {
        return back("unsupported_response_type");
    }
    let scopes = match request.scope.as_deref().map(Scopes::parse) {
        None => app.scopes.clone(),
        Some(Ok(scopes)) if !scopes.is_empty() && scopes.within(&app.scopes) => scopes,
        Some(_) => return back("invalid_scope"),
    };
    let challenge = request.code_challenge.clone().filter(|c| !c.is_empty());
    match (&challenge, request.code_challenge_method.as_deref()) {
        (Some(c), Some("S256")) if (43..=128).contains(&c.len()) => {}
        (None, None) if app.kind == AppKind::Confidential => {}
        _ => return back("invalid_request"),
    }
    Ok(Ok(CheckedRequest {
        app,
        redirect_uri,
        scopes,
        state: request.state.clone(),
        code_challenge: challenge,
    }))
}

/// The family approved: a one-time code for the app, bound to it, its redirect URI,
/// the scopes and the PKCE challenge.
pub fn grant(
    conn: &mut AnyConnection,
    account: &Account,
    request: &CheckedRequest,
    now: DateTime<Utc>,
) -> Outcome<String> {
    if account.role != Role::Family {
        return Err(UseCaseError::Internal(anyhow::anyhow!(
            "only families grant apps"
        )));
    }
    let code = secrets::new_secret();
    let scopes = request.scopes.to_string();
    write_transaction::<_, UseCaseError, _>(conn, |conn| {
        apps::insert_code(
            conn,
            &NewCode {
                code_hash: &secrets::digest(&code),
                client_id: request.app.row_id,
                account_id: account.id,
                redirect_uri: &request.redirect_uri,
                scopes: &scopes,
                code_challenge: request.code_challenge.as_deref(),
                expires_at: now + Duration::seconds(CODE_LIFETIME_SECONDS),
            },
            now,
        )?;
        audit_app(
            conn,
            account.id,
            AuditAction::GrantApp,
            &format!("granted {} {scopes}", request.app.client_id),
            now,
        )
    })?;
    Ok(code)
}

// --- the token and revocation endpoints ---

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
            constant_time_eq(digest.as_bytes(), hash.as_bytes())
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

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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
                    && constant_time_eq(pkce_challenge(v).as_bytes(), challenge.as_bytes())
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

// --- the family's view ---

/// The apps the family's account granted, with open sessions.
pub fn grants(
    conn: &mut AnyConnection,
    account_id: i64,
    now: DateTime<Utc>,
) -> Outcome<Vec<(App, Scopes, DateTime<Utc>)>> {
    apps::grants_of(conn, account_id, now)?
        .into_iter()
        .map(
            |Grant {
                 client,
                 scopes,
                 granted_at,
             }| {
                let scopes = Scopes::parse(&scopes)
                    .map_err(|e| UseCaseError::Internal(anyhow::anyhow!(e)))?;
                Ok((App::try_from(client)?, scopes, utc(granted_at)))
            },
        )
        .collect()
}

/// The family withdraws an app's access: every session of the app for the account ends.
pub fn withdraw(
    conn: &mut AnyConnection,
    account_id: i64,
    client_id: &str,
    now: DateTime<Utc>,
) -> Outcome<()> {
    write_transaction::<_, UseCaseError, _>(conn, |conn| {
        let app = find(conn, client_id)?;
        let ended = apps::revoke_client_sessions(
            conn,
            app.row_id,
            Some(account_id),
            "revoked_by_family",
            now,
        )?;
        apps::spend_codes(conn, app.row_id, Some(account_id), now)?;
        if ended == 0 {
            return Err(AccountRefusal::AppNotFound.into());
        }
        audit_app(
            conn,
            account_id,
            AuditAction::GrantApp,
            &format!("revoked {client_id} by the family"),
            now,
        )
    })
}

//! The OAuth 2.0 authorization server for third-party apps (RFC 6749, with PKCE,
//! RFC 7636, as native apps need it, RFC 8252): admins register apps; a family grants
//! it scopes on the consent page; the app exchanges the one-time code for a session
//! of its own (access tokens carrying the scopes, rotating refresh tokens bound to the
//! app); the family or the app revokes it, an admin disables an app for everyone.

mod authorization;
mod tokens;

pub use authorization::{
    AuthorizationError, AuthorizationRequest, CheckedRequest, check_request, grant,
};
pub use tokens::{
    AppTokens, ClientCredentials, TokenError, TokenFailure, authenticate_client, exchange_code,
    refresh, revoke,
};

use chrono::{DateTime, Utc};
use domain::accounts::apps::check_redirect_uri;
use domain::accounts::scopes::Scopes;
use domain::audit::AuditAction;
use persistence::accounts::apps::{self, Grant, NewClient, StoredClient};
use persistence::audit::{self, NewAuditEntry};
use persistence::{AnyConnection, utc, write_transaction};

use crate::auth::secrets;
use crate::problem::FieldError;
use crate::usecases::accounts::AccountRefusal;
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

// --- the family's view ---

/// The apps the family's account granted, with open sessions.
/// An app a family allowed, with what it allowed and when (the latest grant).
#[derive(Debug, Clone)]
pub struct GrantedApp {
    pub app: App,
    pub scopes: Scopes,
    pub granted_at: DateTime<Utc>,
}

pub fn grants(
    conn: &mut AnyConnection,
    account_id: i64,
    now: DateTime<Utc>,
) -> Outcome<Vec<GrantedApp>> {
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
                Ok(GrantedApp {
                    app: App::try_from(client)?,
                    scopes,
                    granted_at: utc(granted_at),
                })
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

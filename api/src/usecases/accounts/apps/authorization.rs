//! The authorization endpoint's rules: which requests the consent page may show, and
//! the one-time code the family's approval gives the app.

use chrono::{DateTime, Duration, Utc};
use domain::accounts::Role;
use domain::accounts::scopes::Scopes;
use domain::audit::AuditAction;
use persistence::accounts::Account;
use persistence::accounts::apps::{self, NewCode};
use persistence::{AnyConnection, write_transaction};

use super::{App, AppKind, CODE_LIFETIME_SECONDS, audit_app};
use crate::auth::secrets;
use crate::usecases::{Outcome, UseCaseError};

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

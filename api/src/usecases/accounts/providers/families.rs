//! Families and FranceConnect: signing in with a linked identity, linking one to an
//! account (or unlinking it), and a sign-up prefilled with the verified identity.

use chrono::{DateTime, Utc};
use domain::accounts::Role;
use domain::audit::AuditAction;
use persistence::accounts::identities;
use persistence::accounts::{self, SessionOrigin};
use persistence::audit::{self, NewAuditEntry};
use persistence::{AnyConnection, write_transaction};

use crate::auth::secrets;
use crate::db;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::usecases::accounts::AccountRefusal;
use crate::usecases::accounts::sessions::{self, Tokens};
use crate::usecases::{Outcome, UseCaseError};

use super::{Provider, Purpose, Return, VerifiedPerson, finish, link_identity, usable};

/// Signs a family in with its linked FranceConnect identity.
pub async fn sign_in_family(state: &AppState, back: Return) -> Result<Tokens, ApiError> {
    let (identity, _, _) = finish(state, Provider::FranceConnect, Purpose::SignIn, back).await?;
    let (keys, lifetimes, now) = (
        state.jwt.clone(),
        state.lifetimes.clone(),
        state.clock.now(),
    );
    db::run(&state.pool, move |conn| {
        let linked = identities::find(conn, &identity.issuer, &identity.subject)?
            .filter(|l| l.provider == Provider::FranceConnect.as_str())
            .ok_or(AccountRefusal::IdentityNotLinked)?;
        let account = accounts::find(conn, linked.account_id)?
            .filter(|a| a.role == Role::Family)
            .ok_or(AccountRefusal::IdentityNotLinked)?;
        usable(&account)?;
        let origin = SessionOrigin {
            client: None,
            provider: Some((Provider::FranceConnect.as_str(), identity.id_token.as_str())),
        };
        let (_, tokens) =
            sessions::open_session(conn, &keys, &lifetimes, &account, false, &origin, now)?;
        Ok::<_, UseCaseError>(tokens)
    })
    .await
}

/// Links the signed-in family's account to the FranceConnect identity of a link flow
/// it started.
pub async fn link_family(
    state: &AppState,
    account_id: i64,
    back: Return,
) -> Result<identities::LinkedIdentity, ApiError> {
    let (identity, flow_account, _) =
        finish(state, Provider::FranceConnect, Purpose::Link, back).await?;
    if flow_account != Some(account_id) {
        return Err(UseCaseError::from(AccountRefusal::InvalidSignInFlow).into());
    }
    let person = VerifiedPerson::from(&identity);
    let now = state.clock.now();
    db::run(&state.pool, move |conn| {
        write_transaction::<_, UseCaseError, _>(conn, |conn| {
            link_identity(conn, account_id, Provider::FranceConnect, &person, now)?;
            identities::of_account(conn, account_id, Provider::FranceConnect.as_str())?
                .ok_or_else(|| UseCaseError::Internal(anyhow::anyhow!("the link just made")))
        })
    })
    .await
}

/// The account's FranceConnect identity, if linked.
pub fn linked_identity(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Outcome<Option<identities::LinkedIdentity>> {
    Ok(identities::of_account(
        conn,
        account_id,
        Provider::FranceConnect.as_str(),
    )?)
}

/// Ends the link. A password remains to sign in with: every family account has one
/// (the sign-up sets it, FranceConnect or not), so unlinking never locks a family out.
pub fn unlink_family(conn: &mut AnyConnection, account_id: i64, now: DateTime<Utc>) -> Outcome<()> {
    write_transaction::<_, UseCaseError, _>(conn, |conn| {
        if !identities::unlink(conn, account_id, Provider::FranceConnect.as_str())? {
            return Err(AccountRefusal::IdentityNotLinked.into());
        }
        audit::record(
            conn,
            &NewAuditEntry {
                actor_id: account_id,
                action: AuditAction::LinkIdentity,
                dossier_id: None,
                child_id: None,
                detail: "unlinked franceconnect",
            },
            now,
        )?;
        Ok(())
    })
}

/// Finishes a sign-up flow: the verified identity is kept with the flow until a
/// sign-up takes it (`take_for_signup`), and handed back to prefill step 1.
pub async fn verify_for_signup(state: &AppState, back: Return) -> Result<VerifiedPerson, ApiError> {
    let (identity, _, flow_id) =
        finish(state, Provider::FranceConnect, Purpose::SignUp, back).await?;
    let person = VerifiedPerson::from(&identity);
    let stored = serde_json::to_string(&person).map_err(ApiError::internal)?;
    let (issuer, subject) = (person.issuer.clone(), person.subject.clone());
    db::run(&state.pool, move |conn| {
        // An identity already linked would make the sign-up fail at its confirmation.
        if identities::find(conn, &issuer, &subject)?.is_some() {
            return Err(AccountRefusal::IdentityAlreadyLinked.into());
        }
        identities::keep_verified_identity(conn, flow_id, &stored)?;
        Ok::<_, UseCaseError>(())
    })
    .await?;
    Ok(person)
}

/// The verified identity of a finished sign-up flow, taken once (a sign-up keeps it
/// and links it to the account it creates).
pub fn take_for_signup(
    conn: &mut AnyConnection,
    flow_id: &str,
    now: DateTime<Utc>,
) -> Outcome<String> {
    identities::take_verified_identity(conn, &secrets::digest(flow_id), now)?
        .ok_or_else(|| AccountRefusal::InvalidSignInFlow.into())
}

/// Links the identity a confirmed sign-up kept to the account it created.
pub fn link_signup_identity(
    conn: &mut AnyConnection,
    account_id: i64,
    stored: &str,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let person: VerifiedPerson = serde_json::from_str(stored)
        .map_err(|e| UseCaseError::Internal(anyhow::anyhow!("a kept identity: {e}")))?;
    link_identity(conn, account_id, Provider::FranceConnect, &person, now)
}

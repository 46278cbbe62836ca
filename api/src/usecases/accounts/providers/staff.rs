//! Staff and the city's provider: the role from its groups at each sign-in, the staff
//! account a first sign-in links or creates.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use domain::accounts::apps::staff_role;
use domain::accounts::{AccountStatus, Role};
use persistence::accounts::identities;
use persistence::accounts::{self, Account, NewAccount, SessionOrigin};
use persistence::{AnyConnection, write_transaction};

use crate::adapters::oidc::VerifiedIdentity;
use crate::db;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::usecases::accounts::AccountRefusal;
use crate::usecases::accounts::sessions::{self, Tokens};
use crate::usecases::{Outcome, UseCaseError};

use super::{
    Provider, Purpose, Return, VerifiedPerson, already_linked, finish, link_identity, usable,
};

/// Signs a staff member in through the city's provider: the role comes from the
/// provider's groups at each sign-in (an admin removed from the admin group is an
/// agent from then on, from every group: refused and signed out everywhere). The
/// first sign-in links the identity to the staff account of the same verified email,
/// or creates one.
pub async fn sign_in_staff(state: &AppState, back: Return) -> Result<Tokens, ApiError> {
    let (identity, _, _) = finish(state, Provider::Agents, Purpose::SignIn, back).await?;
    let Some((_, provider)) = state.providers.agents.as_ref() else {
        return Err(UseCaseError::from(AccountRefusal::ProviderNotConfigured).into());
    };
    let role = staff_role(
        &identity.list(&provider.groups_claim),
        &provider.admin_groups,
        &provider.agent_groups,
    );
    let (keys, lifetimes, now) = (
        state.jwt.clone(),
        state.lifetimes.clone(),
        state.clock.now(),
    );
    let identity = Arc::new(identity);
    let recovery = state.providers.recovery_admin.clone();
    db::run(&state.pool, move |conn| {
        let linked = identities::find(conn, &identity.issuer, &identity.subject)?;
        let Some(role) = role else {
            if let Some(linked) = linked {
                accounts::revoke_sessions(conn, linked.account_id, None, "provider_groups", now)?;
            }
            return Err(AccountRefusal::NotInStaffGroup.into());
        };
        let account = write_transaction::<_, UseCaseError, _>(conn, |conn| {
            let account_id = match linked {
                Some(linked) => linked.account_id,
                None => staff_account_for(conn, &identity, (role, recovery.as_deref()), now)?,
            };
            let account =
                accounts::find(conn, account_id)?.ok_or(AccountRefusal::AccountNotFound)?;
            if !account.role.is_staff() {
                return Err(AccountRefusal::IdentityAlreadyLinked.into());
            }
            if account.role != role {
                accounts::set_role(conn, account.id, role, now)?;
            }
            Ok(Account { role, ..account })
        })?;
        usable(&account)?;
        let origin = SessionOrigin {
            client: None,
            provider: Some((Provider::Agents.as_str(), identity.id_token.as_str())),
        };
        let (_, tokens) =
            sessions::open_session(conn, &keys, &lifetimes, &account, false, &origin, now)?;
        Ok::<_, UseCaseError>(tokens)
    })
    .await
}

/// The staff account a first sign-in links to: the one of the same email when the
/// provider verified it, else a new active account with no password.
fn staff_account_for(
    conn: &mut AnyConnection,
    identity: &VerifiedIdentity,
    (role, recovery_admin): (Role, Option<&str>),
    now: DateTime<Utc>,
) -> Outcome<i64> {
    let verified = identity.claims.get("email_verified") == Some(&serde_json::Value::Bool(true));
    let email = identity.text("email");
    // The recovery admin stays local: never linked, so the provider cannot change it.
    let existing = match email.filter(|_| verified) {
        Some(email) => accounts::find_by_email(conn, email)?
            .filter(|a| a.role.is_staff() && recovery_admin != Some(a.username.as_str())),
        None => None,
    };
    let account_id = match existing {
        Some(account) => account.id,
        None => {
            let email =
                email.ok_or_else(|| UseCaseError::from(AccountRefusal::IdentityTokenRejected))?;
            let wanted = identity
                .text("preferred_username")
                .or_else(|| email.split('@').next())
                .unwrap_or("agent");
            let username = free_username(conn, wanted)?;
            accounts::insert(
                conn,
                &NewAccount {
                    role,
                    status: AccountStatus::Active,
                    username: &username,
                    email,
                    first_name: identity.text("given_name").unwrap_or("-"),
                    last_name: identity.text("family_name").unwrap_or("-"),
                    password_hash: None,
                    dossier_id: None,
                },
                now,
            )
            .map_err(already_linked)?
        }
    };
    link_identity(
        conn,
        account_id,
        Provider::Agents,
        &VerifiedPerson::from(identity),
        now,
    )?;
    Ok(account_id)
}

fn free_username(conn: &mut AnyConnection, wanted: &str) -> Outcome<String> {
    let base: String = wanted
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(40)
        .collect();
    let base = if base.len() < 3 {
        format!("agent.{base}")
    } else {
        base
    };
    for n in 0..100 {
        let candidate = if n == 0 {
            base.clone()
        } else {
            format!("{base}{n}")
        };
        if !accounts::username_taken(conn, &candidate)? {
            return Ok(candidate);
        }
    }
    Err(AccountRefusal::UsernameTaken.into())
}

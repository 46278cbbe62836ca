//! Signing in through an outside identity provider: FranceConnect for families (sign
//! in with a linked identity, link one to an account, prefill a sign-up), the city's
//! provider for staff (roles from its groups at each sign-in), and the provider's
//! logout. A flow's secrets stay in the database between its start and its end, so any
//! instance finishes it; the client that started it proves it with the flow's secret,
//! which never travels in a URL (no login CSRF with someone else's code).

mod families;
mod staff;

pub use families::{
    link_family, link_signup_identity, linked_identity, sign_in_family, take_for_signup,
    unlink_family, verify_for_signup,
};
pub use persistence::accounts::identities::LinkedIdentity;
pub use staff::sign_in_staff;

use chrono::{DateTime, Duration, Utc};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use domain::accounts::AccountStatus;
use domain::audit::AuditAction;
use persistence::accounts::identities::{self, NewFlow, NewIdentity};
use persistence::accounts::{self, Account};
use persistence::audit::{self, NewAuditEntry};
use persistence::{AnyConnection, DbError, utc};
use serde::{Deserialize, Serialize};

use crate::adapters::oidc::{FlowSecrets, OidcClient, OidcError, VerifiedIdentity};
use crate::auth::secrets;
use crate::config::{AgentProvider, SignInConfig};
use crate::db;
use crate::problem::{ApiError, FieldError};
use crate::state::AppState;
use crate::usecases::accounts::AccountRefusal;
use crate::usecases::{Outcome, UseCaseError};

/// How long a started flow can be finished.
const FLOW_LIFETIME_MINUTES: i64 = 10;

/// An identity provider the city may offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    FranceConnect,
    Agents,
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FranceConnect => "franceconnect",
            Self::Agents => "agents",
        }
    }

    /// The provider a stored row names (`franceconnect` or `agents`).
    pub fn from_stored(text: &str) -> Option<Self> {
        [Self::FranceConnect, Self::Agents]
            .into_iter()
            .find(|p| p.as_str() == text)
    }
}

/// What a flow is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    SignIn,
    SignUp,
    Link,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::SignUp => "sign_up",
            Self::Link => "link",
        }
    }
}

/// The clients of the configured providers.
#[derive(Debug, Default)]
pub struct IdentityProviders {
    pub franceconnect: Option<OidcClient>,
    pub agents: Option<(OidcClient, AgentProvider)>,
    pub staff_passwords: bool,
    pub recovery_admin: Option<String>,
}

impl IdentityProviders {
    pub fn from_config(config: &SignInConfig) -> anyhow::Result<Self> {
        Ok(Self {
            franceconnect: config
                .franceconnect
                .clone()
                .map(OidcClient::new)
                .transpose()?,
            agents: config
                .agents
                .clone()
                .map(|agents| OidcClient::new(agents.settings.clone()).map(|c| (c, agents)))
                .transpose()?,
            staff_passwords: config.staff_passwords,
            recovery_admin: config.recovery_admin.clone(),
        })
    }

    fn client(&self, provider: Provider) -> Result<&OidcClient, UseCaseError> {
        match provider {
            Provider::FranceConnect => self.franceconnect.as_ref(),
            Provider::Agents => self.agents.as_ref().map(|(client, _)| client),
        }
        .ok_or_else(|| AccountRefusal::ProviderNotConfigured.into())
    }

    fn is_recovery_admin(&self, account: &Account) -> bool {
        self.recovery_admin.as_deref() == Some(account.username.as_str())
    }

    /// Whether an account may sign in with a password: families always; staff while
    /// staff passwords are on and their account is not managed by the city's provider
    /// (linked to it: its groups decide, a password must not outlive them); the
    /// recovery admin always.
    pub fn password_allowed(&self, conn: &mut AnyConnection, account: &Account) -> Outcome<bool> {
        if !account.role.is_staff() || self.is_recovery_admin(account) {
            return Ok(true);
        }
        Ok(self.staff_passwords
            && identities::of_account(conn, account.id, Provider::Agents.as_str())?.is_none())
    }
}

/// A started flow: the client sends the browser to `authorization_url` and keeps
/// `flow_id` to finish it.
#[derive(Debug, Clone)]
pub struct StartedFlow {
    pub flow_id: String,
    pub authorization_url: String,
    pub expires_at: DateTime<Utc>,
}

/// The names and birth date FranceConnect vouches for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedPerson {
    pub issuer: String,
    pub subject: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// `YYYY-MM-DD`.
    pub birthdate: Option<String>,
    pub email: Option<String>,
}

impl From<&VerifiedIdentity> for VerifiedPerson {
    fn from(identity: &VerifiedIdentity) -> Self {
        Self {
            issuer: identity.issuer.clone(),
            subject: identity.subject.clone(),
            given_name: identity.text("given_name").map(str::to_owned),
            family_name: identity.text("family_name").map(str::to_owned),
            birthdate: identity.text("birthdate").map(str::to_owned),
            email: identity.text("email").map(str::to_owned),
        }
    }
}

fn refusal_of(error: OidcError) -> ApiError {
    match error {
        OidcError::Unavailable(cause) => {
            tracing::warn!(%cause, "an identity provider did not answer");
            UseCaseError::from(AccountRefusal::ProviderUnavailable).into()
        }
        OidcError::CodeRefused(cause) => {
            tracing::info!(%cause, "an identity provider refused a code");
            UseCaseError::from(AccountRefusal::ProviderRefusedCode).into()
        }
        OidcError::Rejected(cause) => {
            tracing::warn!(%cause, "an ID token was rejected");
            UseCaseError::from(AccountRefusal::IdentityTokenRejected).into()
        }
    }
}

/// Starts a flow with the provider (`account_id`: the account a link flow links).
pub async fn start(
    state: &AppState,
    provider: Provider,
    purpose: Purpose,
    account_id: Option<i64>,
) -> Result<StartedFlow, ApiError> {
    if purpose == Purpose::SignUp && provider != Provider::FranceConnect {
        return Err(UseCaseError::Invalid(vec![FieldError::new(
            "purpose",
            "not_offered",
            "Seul FranceConnect préremplit une inscription.",
            "Only FranceConnect prefills a sign-up.",
        )])
        .into());
    }
    let client = state.providers.client(provider)?;
    let secrets = FlowSecrets {
        state: secrets::new_secret(),
        nonce: secrets::new_secret(),
        code_verifier: secrets::new_secret(),
    };
    let authorization_url = client
        .authorization_url(&secrets)
        .await
        .map_err(refusal_of)?;
    let flow_id = secrets::new_secret();
    let now = state.clock.now();
    let expires_at = now + Duration::minutes(FLOW_LIFETIME_MINUTES);
    let flow_hash = secrets::digest(&flow_id);
    db::run(&state.pool, move |conn| {
        identities::start_flow(
            conn,
            &NewFlow {
                flow_hash: &flow_hash,
                provider: provider.as_str(),
                purpose: purpose.as_str(),
                state: &secrets.state,
                nonce: &secrets.nonce,
                code_verifier: &secrets.code_verifier,
                account_id,
                expires_at,
            },
            now,
        )
    })
    .await?;
    Ok(StartedFlow {
        flow_id,
        authorization_url,
        expires_at,
    })
}

/// What the frontend's return page hands back.
#[derive(Debug, Clone)]
pub struct Return {
    pub flow_id: String,
    pub state: String,
    pub code: String,
}

/// Finishes a flow of `purpose` (once: a second try is refused before the provider is
/// called) and hands back the verified identity and the flow's account.
async fn finish(
    state: &AppState,
    provider: Provider,
    purpose: Purpose,
    back: Return,
) -> Result<(VerifiedIdentity, Option<i64>, i64), ApiError> {
    let client = state.providers.client(provider)?;
    let now = state.clock.now();
    let flow_hash = secrets::digest(&back.flow_id);
    let returned_state = back.state.clone();
    let flow = db::run(&state.pool, move |conn| {
        let flow = identities::find_flow(conn, &flow_hash)?
            .filter(|f| f.provider == provider.as_str() && f.purpose == purpose.as_str())
            .filter(|f| f.used_at.is_none() && utc(f.expires_at) > now)
            .filter(|f| f.state == returned_state)
            .ok_or(AccountRefusal::InvalidSignInFlow)?;
        if !identities::finish_flow(conn, flow.id, now)? {
            return Err(AccountRefusal::InvalidSignInFlow.into());
        }
        Ok::<_, UseCaseError>(flow)
    })
    .await?;
    let secrets = FlowSecrets {
        state: flow.state,
        nonce: flow.nonce,
        code_verifier: flow.code_verifier,
    };
    let identity = client
        .finish(&back.code, &secrets, now)
        .await
        .map_err(refusal_of)?;
    Ok((identity, flow.account_id, flow.id))
}

fn usable(account: &Account) -> Outcome<()> {
    match account.status {
        AccountStatus::Active => Ok(()),
        AccountStatus::Pending => Err(AccountRefusal::AccountNotActivated.into()),
        AccountStatus::Disabled => Err(AccountRefusal::AccountDisabled.into()),
    }
}

fn already_linked(error: DbError) -> UseCaseError {
    match error {
        DbError::Query(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            AccountRefusal::IdentityAlreadyLinked.into()
        }
        other => other.into(),
    }
}

fn link_identity(
    conn: &mut AnyConnection,
    account_id: i64,
    provider: Provider,
    person: &VerifiedPerson,
    now: DateTime<Utc>,
) -> Outcome<()> {
    identities::link(
        conn,
        &NewIdentity {
            account_id,
            provider: provider.as_str(),
            issuer: &person.issuer,
            subject: &person.subject,
            given_name: person.given_name.as_deref(),
            family_name: person.family_name.as_deref(),
            birthdate: person.birthdate.as_deref(),
        },
        now,
    )
    .map_err(already_linked)?;
    audit::record(
        conn,
        &NewAuditEntry {
            actor_id: account_id,
            action: AuditAction::LinkIdentity,
            dossier_id: None,
            child_id: None,
            detail: &format!("linked {}", provider.as_str()),
        },
        now,
    )?;
    Ok(())
}

/// Ends the caller's session and, when it came from a provider, where to send the
/// browser to end the provider's session too (`None` if the provider cannot be reached).
pub async fn logout(state: &AppState, session_id: i64) -> Result<Option<String>, ApiError> {
    let now = state.clock.now();
    let origin = db::run(&state.pool, move |conn| {
        let origin = accounts::session_provider(conn, session_id)?;
        accounts::revoke_session(conn, session_id, "logout", now)?;
        Ok::<_, UseCaseError>(origin)
    })
    .await?;
    let Some((provider, id_token)) = origin else {
        return Ok(None);
    };
    let Some(Ok(client)) = Provider::from_stored(&provider).map(|p| state.providers.client(p))
    else {
        return Ok(None);
    };
    // The session is ended whatever the provider does: a provider that cannot be
    // reached gets no logout page, which the answer says with `null`.
    match client.logout_url(&id_token, &secrets::new_secret()).await {
        Ok(url) => Ok(url),
        Err(error) => {
            tracing::warn!(%error, "no logout page from the identity provider");
            Ok(None)
        }
    }
}

//! Signing in and out: sessions, rotating refresh tokens, access tokens.

use chrono::{DateTime, Utc};
use domain::accounts::throttle::ThrottlePolicy;
use domain::accounts::{AccountStatus, Lifetimes};
use persistence::accounts::{self, Account, SessionOrigin};
use persistence::write_transaction;
use persistence::{AnyConnection, DbPool, utc};

use crate::auth::JwtKeys;
use crate::auth::{passwords, secrets};
use crate::usecases::accounts::throttling::{self, Counter};
use crate::usecases::{AccountRefusal, Outcome, UseCaseError};

/// What a successful sign-in or refresh hands the client.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access_token: String,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_token: String,
    pub refresh_expires_at: DateTime<Utc>,
    pub session_expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct Credentials {
    /// A username or an email address.
    pub login: String,
    pub password: String,
    pub remember_me: bool,
    pub client_ip: String,
}

/// Client addresses get more free failures than accounts: families share addresses.
pub fn per_address(policy: &ThrottlePolicy) -> ThrottlePolicy {
    ThrottlePolicy {
        free_failures: policy.free_failures * 4,
        ..policy.clone()
    }
}

/// Signs in. Unknown accounts and wrong passwords get the same refusal after the
/// same argon2 work; failures are counted per login and per client address.
/// `password_allowed` says whether the account may use a password at all (staff
/// passwords can be turned off for the city's identity provider).
pub fn login(
    pool: &DbPool,
    keys: &JwtKeys,
    lifetimes: &Lifetimes,
    policy: &ThrottlePolicy,
    credentials: &Credentials,
    password_allowed: impl Fn(&mut AnyConnection, &Account) -> Outcome<bool>,
    now: DateTime<Utc>,
) -> Outcome<Tokens> {
    let account = authenticate(pool, policy, credentials, now)?;
    let conn = &mut *pool.get()?;
    if !password_allowed(conn, &account)? {
        return Err(AccountRefusal::PasswordLoginDisabled.into());
    }
    let (_, tokens) = open_session(
        conn,
        keys,
        lifetimes,
        &account,
        credentials.remember_me,
        &SessionOrigin::default(),
        now,
    )?;
    Ok(tokens)
}

/// The active account of a login and password, throttled as [`login`] says (also
/// what an app's consent page checks).
pub fn authenticate(
    pool: &DbPool,
    policy: &ThrottlePolicy,
    credentials: &Credentials,
    now: DateTime<Utc>,
) -> Outcome<Account> {
    let by_login = [Counter::new(
        "login",
        credentials.login.trim().to_lowercase(),
    )];
    let by_address = [Counter::new("login_address", credentials.client_ip.clone())];
    let account = {
        let conn = &mut *pool.get()?;
        throttling::check(conn, policy, &by_login, now)?;
        throttling::check(conn, &per_address(policy), &by_address, now)?;
        accounts::find_by_login(conn, &credentials.login)?
    };
    // No connection is held while argon2 works.
    let stored = account.as_ref().and_then(|a| a.password_hash.as_deref());
    let verified = passwords::verify(stored, &credentials.password);
    let conn = &mut *pool.get()?;
    let Some(account) = account.filter(|_| verified) else {
        throttling::record_failure(conn, policy, &by_login, now)?;
        throttling::record_failure(conn, &per_address(policy), &by_address, now)?;
        return Err(AccountRefusal::InvalidCredentials.into());
    };
    match account.status {
        AccountStatus::Pending => return Err(AccountRefusal::AccountNotActivated.into()),
        AccountStatus::Disabled => return Err(AccountRefusal::AccountDisabled.into()),
        AccountStatus::Active => {}
    }
    throttling::clear(conn, &by_login[0])?;
    Ok(account)
}

/// Opens a session of the account (from a password, a provider or an app's grant) and
/// hands out its first tokens; an app's access tokens carry the scopes granted.
pub fn open_session(
    conn: &mut AnyConnection,
    keys: &JwtKeys,
    lifetimes: &Lifetimes,
    account: &Account,
    remember_me: bool,
    origin: &SessionOrigin<'_>,
    now: DateTime<Utc>,
) -> Outcome<(i64, Tokens)> {
    let session_end = lifetimes.session_end(now, remember_me);
    let refresh_end = lifetimes.refresh_end(now, remember_me, session_end);
    let refresh_token = secrets::new_secret();
    let session_id = write_transaction::<_, UseCaseError, _>(conn, |conn| {
        let session_id =
            accounts::create_session(conn, account.id, remember_me, now, session_end, origin)?;
        accounts::add_refresh_token(
            conn,
            session_id,
            &secrets::digest(&refresh_token),
            now,
            refresh_end,
        )?;
        Ok(session_id)
    })?;
    let scope = origin.client.map(|c| c.1);
    let (access_token, access_expires_at) =
        keys.issue(account.id, account.role.as_str(), session_id, scope, now)?;
    Ok((
        session_id,
        Tokens {
            access_token,
            access_expires_at,
            refresh_token,
            refresh_expires_at: refresh_end,
            session_expires_at: session_end,
        },
    ))
}

/// Exchanges a refresh token for a new pair. A token presented a second time means
/// it was stolen or replayed: its whole session is revoked. A token works only for
/// whom it was issued to: the portal (`client` `None`) or that app.
pub fn refresh(
    conn: &mut AnyConnection,
    keys: &JwtKeys,
    lifetimes: &Lifetimes,
    refresh_token: &str,
    client: Option<i64>,
    now: DateTime<Utc>,
) -> Outcome<Tokens> {
    let digest = secrets::digest(refresh_token);
    let new_token = secrets::new_secret();
    // The transaction commits a revocation even when the answer is a refusal.
    let decided = write_transaction::<_, UseCaseError, _>(conn, |conn| {
        let Some((token, session)) = accounts::find_refresh_token(conn, &digest)? else {
            return Ok(Err(AccountRefusal::InvalidRefreshToken));
        };
        if session.client_id != client {
            return Ok(Err(AccountRefusal::InvalidRefreshToken));
        }
        if session.revoked_at.is_some() || utc(session.expires_at) <= now {
            return Ok(Err(AccountRefusal::InvalidRefreshToken));
        }
        if token.used_at.is_some() || !accounts::use_refresh_token(conn, token.id, now)? {
            accounts::revoke_session(conn, session.id, "refresh_token_reuse", now)?;
            return Ok(Err(AccountRefusal::RefreshTokenReused));
        }
        if utc(token.expires_at) <= now {
            return Ok(Err(AccountRefusal::InvalidRefreshToken));
        }
        let account = accounts::find(conn, session.account_id)?;
        let Some(account) = account.filter(|a| a.status == AccountStatus::Active) else {
            return Ok(Err(AccountRefusal::InvalidRefreshToken));
        };
        let session_end = utc(session.expires_at);
        let refresh_end = lifetimes.refresh_end(now, session.remember_me, session_end);
        accounts::add_refresh_token(
            conn,
            session.id,
            &secrets::digest(&new_token),
            now,
            refresh_end,
        )?;
        Ok(Ok((account, session, refresh_end, session_end)))
    })?;
    let (account, session, refresh_expires_at, session_expires_at) = decided?;
    let (access_token, access_expires_at) = keys.issue(
        account.id,
        account.role.as_str(),
        session.id,
        session.scopes.as_deref(),
        now,
    )?;
    Ok(Tokens {
        access_token,
        access_expires_at,
        refresh_token: new_token,
        refresh_expires_at,
        session_expires_at,
    })
}

/// Ends the caller's session (this device).
pub fn logout(conn: &mut AnyConnection, session_id: i64, now: DateTime<Utc>) -> Outcome<()> {
    Ok(accounts::revoke_session(conn, session_id, "logout", now)?)
}

/// Ends every session of the account (all devices).
pub fn logout_everywhere(
    conn: &mut AnyConnection,
    account_id: i64,
    now: DateTime<Utc>,
) -> Outcome<usize> {
    Ok(accounts::revoke_sessions(
        conn,
        account_id,
        None,
        "logout_all",
        now,
    )?)
}

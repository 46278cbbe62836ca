//! Accounts, their single-use emailed tokens, their sessions and refresh tokens.

pub mod apps;
pub mod identities;
pub mod legal;
pub mod signups;
pub mod throttles;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::accounts::{AccountStatus, Role};

use crate::schema::{account_tokens, accounts, dossiers, refresh_tokens, sessions};
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct Account {
    pub id: i64,
    #[diesel(deserialize_as = String)]
    pub role: Role,
    #[diesel(deserialize_as = String)]
    pub status: AccountStatus,
    pub username: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub password_hash: Option<String>,
    pub dossier_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub activated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone)]
pub struct NewAccount<'a> {
    pub role: Role,
    pub status: AccountStatus,
    pub username: &'a str,
    pub email: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub password_hash: Option<&'a str>,
    pub dossier_id: Option<i64>,
}

/// Inserts an account; a taken username or email is a `UniqueViolation`.
pub fn insert(
    conn: &mut AnyConnection,
    new: &NewAccount<'_>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let now = db_time(now);
    let activated_at = (new.status == AccountStatus::Active).then_some(now);
    Ok(diesel::insert_into(accounts::table)
        .values((
            accounts::role.eq(new.role.as_str()),
            accounts::status.eq(new.status.as_str()),
            accounts::username.eq(new.username),
            accounts::username_key.eq(new.username.to_lowercase()),
            accounts::email.eq(new.email),
            accounts::email_key.eq(new.email.to_lowercase()),
            accounts::first_name.eq(new.first_name),
            accounts::last_name.eq(new.last_name),
            accounts::password_hash.eq(new.password_hash),
            accounts::dossier_id.eq(new.dossier_id),
            accounts::created_at.eq(now),
            accounts::updated_at.eq(now),
            accounts::activated_at.eq(activated_at),
        ))
        .returning(accounts::id)
        .get_result(conn)?)
}

pub fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<Account>, DbError> {
    Ok(accounts::table
        .find(id)
        .select(Account::as_select())
        .first(conn)
        .optional()?)
}

/// The account whose username or email is `login`, ignoring case.
pub fn find_by_login(conn: &mut AnyConnection, login: &str) -> Result<Option<Account>, DbError> {
    let key = login.trim().to_lowercase();
    Ok(accounts::table
        .filter(
            accounts::username_key
                .eq(&key)
                .or(accounts::email_key.eq(&key)),
        )
        .select(Account::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_email(conn: &mut AnyConnection, email: &str) -> Result<Option<Account>, DbError> {
    Ok(accounts::table
        .filter(accounts::email_key.eq(email.trim().to_lowercase()))
        .select(Account::as_select())
        .first(conn)
        .optional()?)
}

pub fn username_taken(conn: &mut AnyConnection, username: &str) -> Result<bool, DbError> {
    let count: i64 = accounts::table
        .filter(accounts::username_key.eq(username.trim().to_lowercase()))
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

pub fn any_with_role(conn: &mut AnyConnection, role: &str) -> Result<bool, DbError> {
    let count: i64 = accounts::table
        .filter(accounts::role.eq(role))
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

pub fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    status: AccountStatus,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::update(accounts::table.find(id))
        .set((
            accounts::status.eq(status.as_str()),
            accounts::updated_at.eq(db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Activates a pending account (setting its password if it had none: invited staff).
/// False when it was not pending.
pub fn activate(
    conn: &mut AnyConnection,
    id: i64,
    password_hash: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let now = db_time(now);
    let target = accounts::table
        .find(id)
        .filter(accounts::status.eq(AccountStatus::Pending.as_str()));
    let changed = match password_hash {
        Some(hash) => diesel::update(target)
            .set((
                accounts::status.eq(AccountStatus::Active.as_str()),
                accounts::activated_at.eq(now),
                accounts::updated_at.eq(now),
                accounts::password_hash.eq(hash),
            ))
            .execute(conn)?,
        None => diesel::update(target)
            .set((
                accounts::status.eq(AccountStatus::Active.as_str()),
                accounts::activated_at.eq(now),
                accounts::updated_at.eq(now),
            ))
            .execute(conn)?,
    };
    Ok(changed == 1)
}

/// Changes a staff account's role (from the identity provider's groups).
pub fn set_role(
    conn: &mut AnyConnection,
    id: i64,
    role: Role,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::update(accounts::table.find(id))
        .set((
            accounts::role.eq(role.as_str()),
            accounts::updated_at.eq(db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_password_hash(
    conn: &mut AnyConnection,
    id: i64,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::update(accounts::table.find(id))
        .set((
            accounts::password_hash.eq(hash),
            accounts::updated_at.eq(db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_email(
    conn: &mut AnyConnection,
    id: i64,
    email: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::update(accounts::table.find(id))
        .set((
            accounts::email.eq(email),
            accounts::email_key.eq(email.to_lowercase()),
            accounts::updated_at.eq(db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// An account with its dossier number, for listings and profiles.
pub type AccountWithDossier = (Account, Option<String>);

pub fn find_with_dossier(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<AccountWithDossier>, DbError> {
    Ok(accounts::table
        .left_join(dossiers::table)
        .filter(accounts::id.eq(id))
        .select((Account::as_select(), dossiers::number.nullable()))
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default)]
pub struct AccountFilter {
    pub role: Option<String>,
    pub status: Option<String>,
    /// Matches the start of the username, the email or the last name (any case).
    pub search: Option<String>,
}

/// A page of accounts, newest first, and the total.
pub fn list(
    conn: &mut AnyConnection,
    filter: &AccountFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<AccountWithDossier>, i64), DbError> {
    let query = || {
        let mut query = accounts::table.left_join(dossiers::table).into_boxed();
        if let Some(role) = &filter.role {
            query = query.filter(accounts::role.eq(role.clone()));
        }
        if let Some(status) = &filter.status {
            query = query.filter(accounts::status.eq(status.clone()));
        }
        if let Some(search) = &filter.search {
            let pattern = format!("{}%", crate::escape_like(&search.to_lowercase()));
            query = query.filter(
                accounts::username_key
                    .like(pattern.clone())
                    .escape('\\')
                    .or(accounts::email_key.like(pattern.clone()).escape('\\'))
                    .or(diesel::dsl::sql::<diesel::sql_types::Bool>(
                        "lower(accounts.last_name) LIKE ",
                    )
                    .bind::<diesel::sql_types::Text, _>(pattern)
                    .sql(" ESCAPE '\\'")),
            );
        }
        query
    };
    let total: i64 = query().count().get_result(conn)?;
    let rows = query()
        .select((Account::as_select(), dossiers::number.nullable()))
        .order(accounts::id.desc())
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((rows, total))
}

// --- single-use emailed tokens ---

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = account_tokens)]
pub struct AccountToken {
    pub id: i64,
    pub account_id: i64,
    pub purpose: String,
    pub token_hash: String,
    pub new_email: Option<String>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

/// Stores a new token, making the account's earlier unused ones of the same purpose
/// unusable: only the latest link works.
pub fn issue_token(
    conn: &mut AnyConnection,
    account_id: i64,
    purpose: &str,
    token_hash: &str,
    new_email: Option<&str>,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), DbError> {
    let now = db_time(now);
    diesel::update(
        account_tokens::table
            .filter(account_tokens::account_id.eq(account_id))
            .filter(account_tokens::purpose.eq(purpose))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(now))
    .execute(conn)?;
    diesel::insert_into(account_tokens::table)
        .values((
            account_tokens::account_id.eq(account_id),
            account_tokens::purpose.eq(purpose),
            account_tokens::token_hash.eq(token_hash),
            account_tokens::new_email.eq(new_email),
            account_tokens::created_at.eq(now),
            account_tokens::expires_at.eq(db_time(expires_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_token(
    conn: &mut AnyConnection,
    purpose: &str,
    token_hash: &str,
) -> Result<Option<AccountToken>, DbError> {
    Ok(account_tokens::table
        .filter(account_tokens::token_hash.eq(token_hash))
        .filter(account_tokens::purpose.eq(purpose))
        .select(AccountToken::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a token used; false when it already was (a concurrent use won).
pub fn use_token(conn: &mut AnyConnection, id: i64, now: DateTime<Utc>) -> Result<bool, DbError> {
    let changed = diesel::update(
        account_tokens::table
            .find(id)
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(db_time(now)))
    .execute(conn)?;
    Ok(changed == 1)
}

// --- sessions and refresh tokens ---

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: i64,
    pub account_id: i64,
    pub remember_me: bool,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub revoked_reason: Option<String>,
    /// The app it was granted to, if any, and the scopes granted.
    pub client_id: Option<i64>,
    pub scopes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshToken {
    pub id: i64,
    pub session_id: i64,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

/// Where a session comes from, beyond a password sign-in.
#[derive(Debug, Clone, Default)]
pub struct SessionOrigin<'a> {
    /// The third-party app (OAuth client) it was granted to, with the scopes granted.
    pub client: Option<(i64, &'a str)>,
    /// The identity provider signed in with, and its ID token (the logout's hint).
    pub provider: Option<(&'a str, &'a str)>,
}

pub fn create_session(
    conn: &mut AnyConnection,
    account_id: i64,
    remember_me: bool,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    origin: &SessionOrigin<'_>,
) -> Result<i64, DbError> {
    Ok(diesel::insert_into(sessions::table)
        .values((
            sessions::account_id.eq(account_id),
            sessions::remember_me.eq(remember_me),
            sessions::created_at.eq(db_time(now)),
            sessions::expires_at.eq(db_time(expires_at)),
            sessions::client_id.eq(origin.client.map(|c| c.0)),
            sessions::scopes.eq(origin.client.map(|c| c.1)),
            sessions::provider.eq(origin.provider.map(|p| p.0)),
            sessions::id_token.eq(origin.provider.map(|p| p.1)),
        ))
        .returning(sessions::id)
        .get_result(conn)?)
}

pub fn find_session(conn: &mut AnyConnection, id: i64) -> Result<Option<Session>, DbError> {
    Ok(sessions::table
        .find(id)
        .select(Session::as_select())
        .first(conn)
        .optional()?)
}

/// The provider a session was signed in with and its ID token, if any.
pub fn session_provider(
    conn: &mut AnyConnection,
    session_id: i64,
) -> Result<Option<(String, String)>, DbError> {
    let found: Option<(Option<String>, Option<String>)> = sessions::table
        .find(session_id)
        .select((sessions::provider, sessions::id_token))
        .first(conn)
        .optional()?;
    Ok(found.and_then(|(p, t)| p.zip(t)))
}

pub fn add_refresh_token(
    conn: &mut AnyConnection,
    session_id: i64,
    token_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::created_at.eq(db_time(now)),
            refresh_tokens::expires_at.eq(db_time(expires_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_refresh_token(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<(RefreshToken, Session)>, DbError> {
    Ok(refresh_tokens::table
        .inner_join(sessions::table)
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select((RefreshToken::as_select(), Session::as_select()))
        .first(conn)
        .optional()?)
}

/// Marks a refresh token rotated; false when it already was (a concurrent refresh
/// or a replay won the race).
pub fn use_refresh_token(
    conn: &mut AnyConnection,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        refresh_tokens::table
            .find(id)
            .filter(refresh_tokens::used_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(db_time(now)))
    .execute(conn)?;
    Ok(changed == 1)
}

pub fn revoke_session(
    conn: &mut AnyConnection,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::update(
        sessions::table
            .find(id)
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(db_time(now)),
        sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(())
}

/// Revokes every open session of an account, but `except` if given; returns how many.
pub fn revoke_sessions(
    conn: &mut AnyConnection,
    account_id: i64,
    except: Option<i64>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<usize, DbError> {
    let open = sessions::table
        .filter(sessions::account_id.eq(account_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::id.ne(except.unwrap_or(-1)));
    Ok(diesel::update(open)
        .set((
            sessions::revoked_at.eq(db_time(now)),
            sessions::revoked_reason.eq(reason),
        ))
        .execute(conn)?)
}

/// The account behind an access token's session, when both are still good.
#[derive(Debug, Clone)]
pub struct ActiveSession {
    pub account: Account,
    /// Whether the account has not accepted the newest version of some legal
    /// document ([`crate::accounts::legal::missing_consents`] says which).
    pub consents_missing: bool,
}

/// The account behind an access token's session, when both are still good (the
/// session open and unexpired, the account active), and whether consents are missing:
/// one statement, as every authenticated request runs it.
pub fn find_active_session(
    conn: &mut AnyConnection,
    session_id: i64,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<ActiveSession>, DbError> {
    let now = db_time(now);
    // Not `.first()`: a bound LIMIT makes SQLite re-prepare the statement at every call,
    // and this runs on every authenticated request (on the backend's own connection).
    let found: Option<(Account, bool)> = crate::native::on_backend!(conn, |c| sessions::table
        .inner_join(accounts::table)
        .filter(sessions::id.eq(session_id))
        .filter(sessions::account_id.eq(account_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now))
        .filter(accounts::status.eq(AccountStatus::Active.as_str()))
        .select((
            Account::as_select(),
            diesel::dsl::exists(crate::accounts::legal::unaccepted_current!(account_id)),
        ))
        .get_result(c)
        .optional())?;
    Ok(found.map(|(account, consents_missing)| ActiveSession {
        account,
        consents_missing,
    }))
}

/// Deletes sessions (and their refresh tokens) that ended before `before`, emailed
/// links used or expired before it, and apps' codes and providers' sign-in flows
/// expired before it (retention).
pub fn delete_ended_before(
    conn: &mut AnyConnection,
    before: DateTime<Utc>,
) -> Result<usize, DbError> {
    let before_utc = before;
    let before = db_time(before);
    let sessions = diesel::delete(
        sessions::table.filter(
            sessions::revoked_at
                .lt(before)
                .or(sessions::expires_at.lt(before)),
        ),
    )
    .execute(conn)?;
    let tokens = diesel::delete(
        account_tokens::table.filter(
            account_tokens::used_at
                .lt(before)
                .or(account_tokens::expires_at.lt(before)),
        ),
    )
    .execute(conn)?;
    let codes = apps::delete_codes_expired_before(conn, before_utc)?;
    let flows = identities::delete_flows_expired_before(conn, before_utc)?;
    Ok(sessions + tokens + codes + flows)
}

/// The active family accounts of the dossiers (whom the city's notices go to).
pub fn active_of_dossiers(
    conn: &mut AnyConnection,
    dossier_ids: &[i64],
) -> Result<Vec<Account>, DbError> {
    Ok(accounts::table
        .filter(accounts::dossier_id.eq_any(dossier_ids))
        .filter(accounts::status.eq(AccountStatus::Active.as_str()))
        .order(accounts::id)
        .select(Account::as_select())
        .load(conn)?)
}

//! Third-party apps (OAuth 2.0 clients), the one-time codes they exchange, and the
//! sessions a family's grant opens for them.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::schema::{oauth_clients, oauth_codes, sessions};
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = oauth_clients)]
pub struct StoredClient {
    pub id: i64,
    pub client_id: String,
    pub name: String,
    pub kind: String,
    pub secret_hash: Option<String>,
    /// JSON array.
    pub redirect_uris: String,
    /// Space-separated.
    pub scopes: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub disabled_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone)]
pub struct NewClient<'a> {
    pub client_id: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub secret_hash: Option<&'a str>,
    pub redirect_uris: &'a str,
    pub scopes: &'a str,
    pub created_by: i64,
}

pub fn insert_client(
    conn: &mut AnyConnection,
    new: &NewClient<'_>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    Ok(diesel::insert_into(oauth_clients::table)
        .values((
            oauth_clients::client_id.eq(new.client_id),
            oauth_clients::name.eq(new.name),
            oauth_clients::kind.eq(new.kind),
            oauth_clients::secret_hash.eq(new.secret_hash),
            oauth_clients::redirect_uris.eq(new.redirect_uris),
            oauth_clients::scopes.eq(new.scopes),
            oauth_clients::created_by.eq(new.created_by),
            oauth_clients::created_at.eq(db_time(now)),
        ))
        .returning(oauth_clients::id)
        .get_result(conn)?)
}

pub fn find_client(
    conn: &mut AnyConnection,
    client_id: &str,
) -> Result<Option<StoredClient>, DbError> {
    Ok(oauth_clients::table
        .filter(oauth_clients::client_id.eq(client_id))
        .select(StoredClient::as_select())
        .first(conn)
        .optional()?)
}

pub fn list_clients(conn: &mut AnyConnection) -> Result<Vec<StoredClient>, DbError> {
    Ok(oauth_clients::table
        .order(oauth_clients::id)
        .select(StoredClient::as_select())
        .load(conn)?)
}

/// Disables (`Some(now)`) or enables (`None`) a client; false when there is none.
pub fn set_disabled(
    conn: &mut AnyConnection,
    id: i64,
    disabled_at: Option<DateTime<Utc>>,
) -> Result<bool, DbError> {
    Ok(diesel::update(oauth_clients::table.find(id))
        .set(oauth_clients::disabled_at.eq(disabled_at.map(db_time)))
        .execute(conn)?
        == 1)
}

// --- codes ---

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = oauth_codes)]
pub struct StoredCode {
    pub id: i64,
    pub client_id: i64,
    pub account_id: i64,
    pub redirect_uri: String,
    pub scopes: String,
    pub code_challenge: Option<String>,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub session_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewCode<'a> {
    pub code_hash: &'a str,
    pub client_id: i64,
    pub account_id: i64,
    pub redirect_uri: &'a str,
    pub scopes: &'a str,
    pub code_challenge: Option<&'a str>,
    pub expires_at: DateTime<Utc>,
}

pub fn insert_code(
    conn: &mut AnyConnection,
    new: &NewCode<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::insert_into(oauth_codes::table)
        .values((
            oauth_codes::code_hash.eq(new.code_hash),
            oauth_codes::client_id.eq(new.client_id),
            oauth_codes::account_id.eq(new.account_id),
            oauth_codes::redirect_uri.eq(new.redirect_uri),
            oauth_codes::scopes.eq(new.scopes),
            oauth_codes::code_challenge.eq(new.code_challenge),
            oauth_codes::created_at.eq(db_time(now)),
            oauth_codes::expires_at.eq(db_time(new.expires_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_code(conn: &mut AnyConnection, code_hash: &str) -> Result<Option<StoredCode>, DbError> {
    Ok(oauth_codes::table
        .filter(oauth_codes::code_hash.eq(code_hash))
        .select(StoredCode::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a code used; false when it already was (a replay, or a concurrent exchange).
pub fn use_code(conn: &mut AnyConnection, id: i64, now: DateTime<Utc>) -> Result<bool, DbError> {
    Ok(diesel::update(
        oauth_codes::table
            .find(id)
            .filter(oauth_codes::used_at.is_null()),
    )
    .set(oauth_codes::used_at.eq(db_time(now)))
    .execute(conn)?
        == 1)
}

/// Spends the unused codes of a client (for one account, or all): a grant withdrawn or
/// an app disabled leaves no code to exchange.
pub fn spend_codes(
    conn: &mut AnyConnection,
    client_id: i64,
    account_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<usize, DbError> {
    let mut unused = oauth_codes::table
        .filter(oauth_codes::client_id.eq(client_id))
        .filter(oauth_codes::used_at.is_null())
        .into_boxed();
    if let Some(account_id) = account_id {
        unused = unused.filter(oauth_codes::account_id.eq(account_id));
    }
    let ids: Vec<i64> = unused.select(oauth_codes::id).load(conn)?;
    Ok(
        diesel::update(oauth_codes::table.filter(oauth_codes::id.eq_any(&ids)))
            .set(oauth_codes::used_at.eq(db_time(now)))
            .execute(conn)?,
    )
}

/// Records the session a code opened, so that a replay of the code revokes it.
pub fn set_code_session(conn: &mut AnyConnection, id: i64, session_id: i64) -> Result<(), DbError> {
    diesel::update(oauth_codes::table.find(id))
        .set(oauth_codes::session_id.eq(session_id))
        .execute(conn)?;
    Ok(())
}

/// Deletes codes that expired before `before` (retention).
pub fn delete_codes_expired_before(
    conn: &mut AnyConnection,
    before: DateTime<Utc>,
) -> Result<usize, DbError> {
    Ok(
        diesel::delete(oauth_codes::table.filter(oauth_codes::expires_at.lt(db_time(before))))
            .execute(conn)?,
    )
}

// --- grants: the open sessions of apps ---

/// An app a family granted, as the family sees it: its open sessions together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub client: StoredClient,
    /// The scopes of its open sessions, space-separated, the newest grant's.
    pub scopes: String,
    pub granted_at: NaiveDateTime,
}

/// The apps with an open session of the account, by client, newest grant first.
pub fn grants_of(
    conn: &mut AnyConnection,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<Grant>, DbError> {
    let rows: Vec<(StoredClient, Option<String>, NaiveDateTime)> = sessions::table
        .inner_join(oauth_clients::table)
        .filter(sessions::account_id.eq(account_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(db_time(now)))
        .order((sessions::created_at.desc(), sessions::id.desc()))
        .select((
            StoredClient::as_select(),
            sessions::scopes,
            sessions::created_at,
        ))
        .load(conn)?;
    let mut grants: Vec<Grant> = Vec::new();
    for (client, scopes, granted_at) in rows {
        if grants.iter().any(|g| g.client.id == client.id) {
            continue;
        }
        grants.push(Grant {
            client,
            scopes: scopes.unwrap_or_default(),
            granted_at,
        });
    }
    Ok(grants)
}

/// Revokes the open sessions of a client, of one account or of all; returns how many.
pub fn revoke_client_sessions(
    conn: &mut AnyConnection,
    client_id: i64,
    account_id: Option<i64>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<usize, DbError> {
    let mut open = sessions::table
        .filter(sessions::client_id.eq(client_id))
        .filter(sessions::revoked_at.is_null())
        .into_boxed();
    if let Some(account_id) = account_id {
        open = open.filter(sessions::account_id.eq(account_id));
    }
    let ids: Vec<i64> = open.select(sessions::id).load(conn)?;
    Ok(
        diesel::update(sessions::table.filter(sessions::id.eq_any(&ids)))
            .set((
                sessions::revoked_at.eq(db_time(now)),
                sessions::revoked_reason.eq(reason),
            ))
            .execute(conn)?,
    )
}

//! Identities of outside providers linked to accounts (FranceConnect for families, the
//! city's provider for staff), and the sign-in flows started with them.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::schema::{external_identities, sign_in_flows};
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = external_identities)]
pub struct LinkedIdentity {
    pub id: i64,
    pub account_id: i64,
    pub provider: String,
    pub issuer: String,
    pub subject: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub birthdate: Option<String>,
    pub linked_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct NewIdentity<'a> {
    pub account_id: i64,
    pub provider: &'a str,
    pub issuer: &'a str,
    pub subject: &'a str,
    pub given_name: Option<&'a str>,
    pub family_name: Option<&'a str>,
    pub birthdate: Option<&'a str>,
}

/// Links an identity; one already linked (to this account or another), or a second
/// identity of the same provider for the account, is a `UniqueViolation`.
pub fn link(
    conn: &mut AnyConnection,
    new: &NewIdentity<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::insert_into(external_identities::table)
        .values((
            external_identities::account_id.eq(new.account_id),
            external_identities::provider.eq(new.provider),
            external_identities::issuer.eq(new.issuer),
            external_identities::subject.eq(new.subject),
            external_identities::given_name.eq(new.given_name),
            external_identities::family_name.eq(new.family_name),
            external_identities::birthdate.eq(new.birthdate),
            external_identities::linked_at.eq(db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(
    conn: &mut AnyConnection,
    issuer: &str,
    subject: &str,
) -> Result<Option<LinkedIdentity>, DbError> {
    Ok(external_identities::table
        .filter(external_identities::issuer.eq(issuer))
        .filter(external_identities::subject.eq(subject))
        .select(LinkedIdentity::as_select())
        .first(conn)
        .optional()?)
}

pub fn of_account(
    conn: &mut AnyConnection,
    account_id: i64,
    provider: &str,
) -> Result<Option<LinkedIdentity>, DbError> {
    Ok(external_identities::table
        .filter(external_identities::account_id.eq(account_id))
        .filter(external_identities::provider.eq(provider))
        .select(LinkedIdentity::as_select())
        .first(conn)
        .optional()?)
}

/// Every identity linked to the account (its RGPD export).
pub fn all_of_account(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<Vec<LinkedIdentity>, DbError> {
    Ok(external_identities::table
        .filter(external_identities::account_id.eq(account_id))
        .order(external_identities::id)
        .select(LinkedIdentity::as_select())
        .load(conn)?)
}

/// Ends the account's link with the provider; false when there was none.
pub fn unlink(conn: &mut AnyConnection, account_id: i64, provider: &str) -> Result<bool, DbError> {
    Ok(diesel::delete(
        external_identities::table
            .filter(external_identities::account_id.eq(account_id))
            .filter(external_identities::provider.eq(provider)),
    )
    .execute(conn)?
        == 1)
}

// --- sign-in flows ---

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = sign_in_flows)]
pub struct Flow {
    pub id: i64,
    pub provider: String,
    pub purpose: String,
    pub state: String,
    pub nonce: String,
    pub code_verifier: String,
    pub account_id: Option<i64>,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub verified_identity: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewFlow<'a> {
    pub flow_hash: &'a str,
    pub provider: &'a str,
    pub purpose: &'a str,
    pub state: &'a str,
    pub nonce: &'a str,
    pub code_verifier: &'a str,
    pub account_id: Option<i64>,
    pub expires_at: DateTime<Utc>,
}

pub fn start_flow(
    conn: &mut AnyConnection,
    new: &NewFlow<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::insert_into(sign_in_flows::table)
        .values((
            sign_in_flows::flow_hash.eq(new.flow_hash),
            sign_in_flows::provider.eq(new.provider),
            sign_in_flows::purpose.eq(new.purpose),
            sign_in_flows::state.eq(new.state),
            sign_in_flows::nonce.eq(new.nonce),
            sign_in_flows::code_verifier.eq(new.code_verifier),
            sign_in_flows::account_id.eq(new.account_id),
            sign_in_flows::created_at.eq(db_time(now)),
            sign_in_flows::expires_at.eq(db_time(new.expires_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_flow(conn: &mut AnyConnection, flow_hash: &str) -> Result<Option<Flow>, DbError> {
    Ok(sign_in_flows::table
        .filter(sign_in_flows::flow_hash.eq(flow_hash))
        .select(Flow::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a flow finished; false when it already was (each flow finishes once, and
/// before the provider is called, so two tries in parallel cannot both go on).
pub fn finish_flow(conn: &mut AnyConnection, id: i64, now: DateTime<Utc>) -> Result<bool, DbError> {
    Ok(diesel::update(
        sign_in_flows::table
            .find(id)
            .filter(sign_in_flows::used_at.is_null()),
    )
    .set(sign_in_flows::used_at.eq(db_time(now)))
    .execute(conn)?
        == 1)
}

/// Keeps a finished sign-up flow's verified identity (JSON) for the sign-up to take.
pub fn keep_verified_identity(
    conn: &mut AnyConnection,
    id: i64,
    identity: &str,
) -> Result<(), DbError> {
    diesel::update(sign_in_flows::table.find(id))
        .set(sign_in_flows::verified_identity.eq(identity))
        .execute(conn)?;
    Ok(())
}

/// Takes a finished sign-up flow's verified identity, once: the flow is deleted.
pub fn take_verified_identity(
    conn: &mut AnyConnection,
    flow_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, DbError> {
    let found: Option<(i64, Option<String>)> = sign_in_flows::table
        .filter(sign_in_flows::flow_hash.eq(flow_hash))
        .filter(sign_in_flows::purpose.eq("sign_up"))
        .filter(sign_in_flows::used_at.is_not_null())
        .filter(sign_in_flows::expires_at.gt(db_time(now)))
        .select((sign_in_flows::id, sign_in_flows::verified_identity))
        .first(conn)
        .optional()?;
    let Some((id, identity)) = found else {
        return Ok(None);
    };
    let deleted = diesel::delete(sign_in_flows::table.find(id)).execute(conn)?;
    Ok(identity.filter(|_| deleted == 1))
}

/// Deletes flows that expired before `before` (retention).
pub fn delete_flows_expired_before(
    conn: &mut AnyConnection,
    before: DateTime<Utc>,
) -> Result<usize, DbError> {
    Ok(
        diesel::delete(sign_in_flows::table.filter(sign_in_flows::expires_at.lt(db_time(before))))
            .execute(conn)?,
    )
}

//! The audit log: who read or changed sensitive data (children's health), when.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::audit::AuditAction;

use crate::schema::audit_log;
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: i64,
    pub at: NaiveDateTime,
    pub actor_id: Option<i64>,
    pub actor_username: String,
    #[diesel(deserialize_as = String)]
    pub action: AuditAction,
    pub dossier_id: Option<i64>,
    pub child_id: Option<i64>,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry<'a> {
    pub actor_id: i64,
    pub action: AuditAction,
    pub dossier_id: Option<i64>,
    pub child_id: Option<i64>,
    pub detail: &'a str,
}

/// Writes an entry in the caller's transaction, with the actor's username copied so
/// the entry still says who acted after the account is gone.
pub fn record(
    conn: &mut AnyConnection,
    entry: &NewAuditEntry,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    use crate::schema::accounts;
    let username: String = accounts::table
        .find(entry.actor_id)
        .select(accounts::username)
        .first(conn)
        .optional()?
        .unwrap_or_default();
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(db_time(now)),
            audit_log::actor_id.eq(entry.actor_id),
            audit_log::actor_username.eq(username),
            audit_log::action.eq(entry.action.as_str()),
            audit_log::dossier_id.eq(entry.dossier_id),
            audit_log::child_id.eq(entry.child_id),
            audit_log::detail.eq(entry.detail),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor_id: Option<i64>,
    pub dossier_id: Option<i64>,
    pub child_id: Option<i64>,
    pub action: Option<AuditAction>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// A page of entries, newest first.
pub fn list(
    conn: &mut AnyConnection,
    filter: &AuditFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<AuditEntry>, i64), DbError> {
    let query = || {
        let mut query = audit_log::table.into_boxed();
        if let Some(actor) = filter.actor_id {
            query = query.filter(audit_log::actor_id.eq(actor));
        }
        if let Some(dossier) = filter.dossier_id {
            query = query.filter(audit_log::dossier_id.eq(dossier));
        }
        if let Some(child) = filter.child_id {
            query = query.filter(audit_log::child_id.eq(child));
        }
        if let Some(action) = filter.action {
            query = query.filter(audit_log::action.eq(action.as_str()));
        }
        if let Some(from) = filter.from {
            query = query.filter(audit_log::at.ge(db_time(from)));
        }
        if let Some(until) = filter.until {
            query = query.filter(audit_log::at.lt(db_time(until)));
        }
        query
    };
    let total = query().count().get_result(conn)?;
    let rows = query()
        .order(audit_log::id.desc())
        .offset(offset)
        .limit(limit)
        .select(AuditEntry::as_select())
        .load(conn)?;
    Ok((rows, total))
}

pub fn delete_before(conn: &mut AnyConnection, before: DateTime<Utc>) -> Result<usize, DbError> {
    Ok(diesel::delete(audit_log::table.filter(audit_log::at.lt(db_time(before)))).execute(conn)?)
}

//! Secret links to a child's bookings as an iCalendar feed, one per household of the
//! child (separated parents each have their own, showing their days); only a hash is
//! kept.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::schema::calendar_feeds;
use crate::{AnyConnection, DbError, db_time};

/// Sets the household's feed secret (hash) for the child, replacing (revoking) its
/// previous one.
pub fn replace(
    conn: &mut AnyConnection,
    (child_id, dossier_id): (i64, i64),
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    revoke(conn, (child_id, dossier_id))?;
    diesel::insert_into(calendar_feeds::table)
        .values((
            calendar_feeds::child_id.eq(child_id),
            calendar_feeds::dossier_id.eq(dossier_id),
            calendar_feeds::token_hash.eq(token_hash),
            calendar_feeds::created_at.eq(db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Revokes the household's feed of the child; false when it had none.
pub fn revoke(
    conn: &mut AnyConnection,
    (child_id, dossier_id): (i64, i64),
) -> Result<bool, DbError> {
    Ok(diesel::delete(
        calendar_feeds::table
            .filter(calendar_feeds::child_id.eq(child_id))
            .filter(calendar_feeds::dossier_id.eq(dossier_id)),
    )
    .execute(conn)?
        == 1)
}

/// The child and household whose feed secret hashes to `token_hash`.
pub fn child_of(conn: &mut AnyConnection, token_hash: &str) -> Result<Option<(i64, i64)>, DbError> {
    Ok(calendar_feeds::table
        .filter(calendar_feeds::token_hash.eq(token_hash))
        .select((calendar_feeds::child_id, calendar_feeds::dossier_id))
        .first(conn)
        .optional()?)
}

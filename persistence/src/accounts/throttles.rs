//! Failure counters for throttling, in the database so that every API instance
//! sees the same counts.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::schema::throttles;
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = throttles)]
pub struct Throttle {
    pub scope: String,
    pub key: String,
    pub failures: i32,
    pub window_started_at: NaiveDateTime,
    pub blocked_until: Option<NaiveDateTime>,
}

pub fn find(conn: &mut AnyConnection, scope: &str, key: &str) -> Result<Option<Throttle>, DbError> {
    Ok(throttles::table
        .find((scope, key))
        .select(Throttle::as_select())
        .first(conn)
        .optional()?)
}

/// Writes the next state if the stored one is still `previous` (compare and set):
/// false when another instance changed it first, and the caller reads again.
pub fn compare_and_set(
    conn: &mut AnyConnection,
    scope: &str,
    key: &str,
    previous: Option<&Throttle>,
    failures: i32,
    window_started_at: DateTime<Utc>,
    blocked_until: Option<DateTime<Utc>>,
) -> Result<bool, DbError> {
    let values = (
        throttles::failures.eq(failures),
        throttles::window_started_at.eq(db_time(window_started_at)),
        throttles::blocked_until.eq(blocked_until.map(db_time)),
    );
    match previous {
        Some(previous) => Ok(diesel::update(
            throttles::table
                .find((scope, key))
                .filter(throttles::failures.eq(previous.failures))
                .filter(throttles::window_started_at.eq(previous.window_started_at)),
        )
        .set(values)
        .execute(conn)?
            == 1),
        None => {
            let inserted = diesel::insert_into(throttles::table)
                .values((throttles::scope.eq(scope), throttles::key.eq(key), values))
                .execute(conn);
            match inserted {
                Ok(_) => Ok(true),
                Err(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                )) => Ok(false),
                Err(other) => Err(other.into()),
            }
        }
    }
}

pub fn clear(conn: &mut AnyConnection, scope: &str, key: &str) -> Result<(), DbError> {
    diesel::delete(throttles::table.find((scope, key))).execute(conn)?;
    Ok(())
}

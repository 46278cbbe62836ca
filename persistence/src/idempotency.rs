//! Answers kept for requests sent with an `Idempotency-Key`, one per scope and key.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::schema::idempotent_answers;
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = idempotent_answers)]
pub struct StoredAnswer {
    pub operation: String,
    pub status: i32,
    pub body: String,
}

pub fn find(
    conn: &mut AnyConnection,
    scope: &str,
    key: &str,
) -> Result<Option<StoredAnswer>, DbError> {
    Ok(idempotent_answers::table
        .filter(idempotent_answers::scope.eq(scope))
        .filter(idempotent_answers::idempotency_key.eq(key))
        .select(StoredAnswer::as_select())
        .first(conn)
        .optional()?)
}

/// Keeps an answer; a second one for the scope and key is a `UniqueViolation`.
pub fn insert(
    conn: &mut AnyConnection,
    scope: &str,
    key: &str,
    answer: &StoredAnswer,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::insert_into(idempotent_answers::table)
        .values((
            idempotent_answers::scope.eq(scope),
            idempotent_answers::idempotency_key.eq(key),
            idempotent_answers::operation.eq(&answer.operation),
            idempotent_answers::status.eq(answer.status),
            idempotent_answers::body.eq(&answer.body),
            idempotent_answers::created_at.eq(db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Deletes the answers kept since before `before`; how many.
pub fn delete_before(conn: &mut AnyConnection, before: DateTime<Utc>) -> Result<usize, DbError> {
    Ok(diesel::delete(
        idempotent_answers::table.filter(idempotent_answers::created_at.lt(db_time(before))),
    )
    .execute(conn)?)
}

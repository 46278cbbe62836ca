//! Files kept in the database (`STORAGE_URL=database:`), written on the caller's
//! connection: inside its transaction when it has one, so a rolled-back change leaves
//! no file behind.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::schema::stored_files;
use crate::{AnyConnection, DbError, db_time};

/// Stores `content` under `key`, replacing what a key already there held (a storage
/// migration mending a damaged copy).
pub fn insert(
    conn: &mut AnyConnection,
    key: &str,
    content: &[u8],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let size = i64::try_from(content.len()).map_err(|e| DbError::Stored(e.to_string()))?;
    delete(conn, key)?;
    diesel::insert_into(stored_files::table)
        .values((
            stored_files::key.eq(key),
            stored_files::content.eq(content),
            stored_files::size_bytes.eq(size),
            stored_files::created_at.eq(db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, key: &str) -> Result<Option<Vec<u8>>, DbError> {
    Ok(stored_files::table
        .find(key)
        .select(stored_files::content)
        .first(conn)
        .optional()?)
}

/// Deletes a file; one already gone is not an error.
pub fn delete(conn: &mut AnyConnection, key: &str) -> Result<(), DbError> {
    diesel::delete(stored_files::table.find(key)).execute(conn)?;
    Ok(())
}

/// Every key, in order (a storage migration).
pub fn keys(conn: &mut AnyConnection) -> Result<Vec<String>, DbError> {
    Ok(stored_files::table
        .select(stored_files::key)
        .order(stored_files::key)
        .load(conn)?)
}

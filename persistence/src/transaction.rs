//! Transactions that write.

use diesel::Connection;
use diesel::connection::SimpleConnection;

use crate::AnyConnection;

/// Runs `work` in a transaction that writes. On SQLite it takes the write lock at
/// once, with a write that changes nothing: a transaction that reads first holds a
/// snapshot, and if another writer commits before it writes, SQLite cannot upgrade
/// that snapshot and answers "database is locked" at once, whatever the busy timeout.
/// Taking the lock first makes it wait its turn instead (up to the busy timeout), then
/// read what the other wrote. On PostgreSQL it is a plain transaction.
pub fn write_transaction<T, E, F>(conn: &mut AnyConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    conn.transaction(|conn| {
        if matches!(conn, AnyConnection::Sqlite(_)) {
            conn.batch_execute("DELETE FROM __diesel_schema_migrations WHERE 0")?;
        }
        work(conn)
    })
}

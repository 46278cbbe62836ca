//! Online backups of an SQLite database (PostgreSQL has `pg_dump`, see the README).

use std::path::Path;

use diesel::RunQueryDsl;
use diesel::sql_types::Text;

use crate::{AnyConnection, DbError};

/// Writes a consistent copy of the database to `target` while the API goes on serving:
/// `VACUUM INTO` reads one snapshot (writers are not blocked in WAL mode) and writes
/// a compact, ready-to-open database. `target` must not exist yet.
pub fn sqlite_copy(conn: &mut AnyConnection, target: &Path) -> Result<(), DbError> {
    let AnyConnection::Sqlite(conn) = conn else {
        return Err(DbError::Backup(
            "an online copy is made of SQLite databases only: use pg_dump for PostgreSQL".into(),
        ));
    };
    if target.exists() {
        return Err(DbError::Backup(format!(
            "{} exists already: a backup never overwrites a file",
            target.display()
        )));
    }
    let target = target
        .to_str()
        .ok_or_else(|| DbError::Backup("the backup path is not valid UTF-8".into()))?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(target)
        .execute(conn)?;
    Ok(())
}

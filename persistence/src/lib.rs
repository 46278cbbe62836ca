//! Database access: one diesel `MultiConnection` over PostgreSQL and SQLite, the pool,
//! the embedded migrations and the repositories the use cases call.

pub mod accounts;
pub mod activities;
pub mod audit;
pub mod backlogs;
pub mod backup;
pub mod billing;
pub mod city;
mod connection;
pub mod dossiers;
mod error;
pub mod idempotency;
pub mod info_pages;
mod migrations;
mod native;
pub mod news;
pub mod notifications;
pub mod planning;
mod pool;
pub mod schema;
pub mod stored;
pub mod stored_files;
mod transaction;

pub use connection::{AnyConnection, Backend, DatabaseUrl};
pub use error::DbError;
pub use migrations::run_migrations;
pub use pool::{DbPool, PoolOptions, PoolStatus, PooledConn};
pub use transaction::write_transaction;

/// Instants are stored as UTC truncated to microseconds, the precision both
/// databases keep, so a value reads back equal to what was written.
pub fn db_time(instant: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDateTime {
    use chrono::SubsecRound;
    instant.trunc_subsecs(6).naive_utc()
}

/// The reverse of [`db_time`].
pub fn utc(stored: chrono::NaiveDateTime) -> chrono::DateTime<chrono::Utc> {
    stored.and_utc()
}

/// Escapes `%`, `_` and `\` for a `LIKE ... ESCAPE '\'` pattern.
pub(crate) fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

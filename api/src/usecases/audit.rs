//! The audit log as admins read it. Entries are written by the use cases they audit,
//! in the transaction of what they record.

use persistence::AnyConnection;
pub use persistence::audit::{AuditEntry, AuditFilter};

use crate::usecases::Outcome;

/// The entries that match `filter`, newest first, and their total.
pub fn list(
    conn: &mut AnyConnection,
    filter: &AuditFilter,
    offset: i64,
    limit: i64,
) -> Outcome<(Vec<AuditEntry>, i64)> {
    Ok(persistence::audit::list(conn, filter, offset, limit)?)
}

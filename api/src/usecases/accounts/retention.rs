//! The purge: deletes what the city's retention periods no longer allow to keep.
//! Run by `espace-familles purge` (a daily cron job in production).

use chrono::{DateTime, Duration, Utc};
use persistence::write_transaction;
use persistence::{
    AnyConnection, accounts, audit, dossiers::documents, dossiers::imports, dossiers::requests,
    notifications, notifications::outbox,
};

use crate::adapters::storage::FileStore;
use crate::config::Retention;
use crate::usecases::Outcome;

/// How many rows each purge step deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub audit_entries: usize,
    pub decided_requests: usize,
    pub request_documents: usize,
    pub imports: usize,
    pub sent_emails: usize,
    /// Pushes sent or given up (kept as long as emails).
    pub sent_pushes: usize,
    pub ended_sessions_and_links: usize,
    /// Events, each with its notifications and webhook deliveries.
    pub events: usize,
    /// Answers kept for `Idempotency-Key` repeats, past their day.
    pub idempotent_answers: usize,
}

/// Deletes, in one transaction, every row older than its retention period; the
/// files of deleted documents go once the transaction committed, so a failure
/// never leaves a row pointing at a missing file.
pub fn purge(
    conn: &mut AnyConnection,
    store: &FileStore,
    retention: &Retention,
    now: DateTime<Utc>,
) -> Outcome<Purged> {
    let days = |n: i64| now - Duration::days(n);
    let (purged, keys) = write_transaction(conn, |conn| {
        let old_documents =
            documents::of_requests_decided_before(conn, days(retention.decided_requests_days))?;
        let ids: Vec<i64> = old_documents.iter().map(|d| d.id).collect();
        let purged = Purged {
            request_documents: documents::delete(conn, &ids)?,
            decided_requests: requests::delete_decided_before(
                conn,
                days(retention.decided_requests_days),
            )?,
            audit_entries: audit::delete_before(conn, days(retention.audit_days))?,
            imports: imports::delete_created_before(conn, days(retention.imports_days))?,
            sent_emails: outbox::delete_finished_before(conn, days(retention.sent_emails_days))?,
            sent_pushes: persistence::notifications::push::delete_finished_before(
                conn,
                days(retention.sent_emails_days),
            )?,
            ended_sessions_and_links: accounts::delete_ended_before(
                conn,
                days(retention.ended_sessions_days),
            )?,
            events: notifications::delete_events_before(conn, days(retention.notifications_days))?,
            idempotent_answers: persistence::idempotency::delete_before(
                conn,
                now - Duration::hours(crate::usecases::idempotency::KEPT_HOURS),
            )?,
        };
        let keys: Vec<String> = old_documents.into_iter().map(|d| d.storage_key).collect();
        Ok::<_, crate::usecases::UseCaseError>((purged, keys))
    })?;
    for key in keys {
        if let Err(error) = store.remove(conn, &key) {
            tracing::warn!(error = %error, "could not remove the file of a purged document");
        }
    }
    Ok(purged)
}

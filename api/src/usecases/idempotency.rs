//! The answer to a request sent with an `Idempotency-Key`, kept so that every repeat
//! of the key gets it again, byte for byte (the IETF Idempotency-Key draft). Only
//! successes are kept: after a refusal or an outage the same key may try again.

use chrono::{DateTime, Utc};
use persistence::AnyConnection;
pub use persistence::idempotency::StoredAnswer;
use persistence::idempotency::{self as store};

use crate::usecases::{CommonRefusal, Outcome};
use persistence::DbError;

/// How long answers are kept: a day, as the draft suggests at least.
pub const KEPT_HOURS: i64 = 24;

/// The answer kept for the key, if the request is the one it answered; the key
/// used for another request is refused (`idempotency_key_reused`).
pub fn replay(
    conn: &mut AnyConnection,
    scope: &str,
    key: &str,
    operation: &str,
) -> Outcome<Option<StoredAnswer>> {
    match store::find(conn, scope, key)? {
        Some(kept) if kept.operation != operation => {
            Err(CommonRefusal::IdempotencyKeyReused.into())
        }
        kept => Ok(kept),
    }
}

/// Keeps `answer` for the key and returns it; when a twin request kept its own first,
/// returns the twin's, so that every answer to the key is the same.
pub fn keep(
    conn: &mut AnyConnection,
    scope: &str,
    key: &str,
    answer: StoredAnswer,
    now: DateTime<Utc>,
) -> Outcome<StoredAnswer> {
    match store::insert(conn, scope, key, &answer, now) {
        Ok(()) => Ok(answer),
        Err(DbError::Query(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ))) => Ok(replay(conn, scope, key, &answer.operation)?.unwrap_or(answer)),
        Err(other) => Err(other.into()),
    }
}

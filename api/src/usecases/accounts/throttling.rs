//! Throttling counters shared by every instance (domain::accounts::throttle decides; the
//! database keeps the counts with compare-and-set, so no failure is lost in a race).
//! Run outside transactions: a counter must survive the refusal it causes.

use chrono::{DateTime, Utc};
use domain::accounts::throttle::{ThrottlePolicy, ThrottleState};
use persistence::accounts::throttles::{self, Throttle};
use persistence::{AnyConnection, utc};

use crate::usecases::{Outcome, UseCaseError};

/// A counter: what is guessed (`scope`) and by or for whom (`key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counter {
    pub scope: &'static str,
    pub key: String,
}

impl Counter {
    pub fn new(scope: &'static str, key: impl Into<String>) -> Self {
        Self {
            scope,
            key: key.into(),
        }
    }
}

fn state(row: &Throttle) -> ThrottleState {
    ThrottleState {
        failures: u32::try_from(row.failures).unwrap_or(0),
        window_started_at: utc(row.window_started_at),
        blocked_until: row.blocked_until.map(utc),
    }
}

/// Refuses with `Throttled` while any of the counters is blocked.
pub fn check(
    conn: &mut AnyConnection,
    policy: &ThrottlePolicy,
    counters: &[Counter],
    now: DateTime<Utc>,
) -> Outcome<()> {
    let mut longest = None;
    for counter in counters {
        let row = throttles::find(conn, counter.scope, &counter.key)?;
        if let Err(wait) = policy.check(row.as_ref().map(state).as_ref(), now) {
            longest = Some(longest.map_or(wait, |w: chrono::Duration| w.max(wait)));
        }
    }
    longest.map_or(Ok(()), |wait| Err(UseCaseError::Throttled(wait)))
}

/// Counts one failure on each counter.
pub fn record_failure(
    conn: &mut AnyConnection,
    policy: &ThrottlePolicy,
    counters: &[Counter],
    now: DateTime<Utc>,
) -> Outcome<()> {
    for counter in counters {
        for _ in 0..10 {
            let row = throttles::find(conn, counter.scope, &counter.key)?;
            let next = policy.after_failure(row.as_ref().map(state).as_ref(), now);
            let failures = i32::try_from(next.failures).unwrap_or(i32::MAX);
            if throttles::compare_and_set(
                conn,
                counter.scope,
                &counter.key,
                row.as_ref(),
                failures,
                next.window_started_at,
                next.blocked_until,
            )? {
                break;
            }
        }
    }
    Ok(())
}

pub fn clear(conn: &mut AnyConnection, counter: &Counter) -> Outcome<()> {
    Ok(throttles::clear(conn, counter.scope, &counter.key)?)
}

//! Throttling of guesses (passwords, dossier references, tokens): a few free
//! failures, then growing delays during which attempts are refused.

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures allowed within `window` before any delay.
    pub free_failures: u32,
    /// The first delay; each further failure doubles it, up to `max_delay`.
    pub first_delay: Duration,
    pub max_delay: Duration,
    /// Failures older than this are forgotten.
    pub window: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            free_failures: 5,
            first_delay: Duration::seconds(30),
            max_delay: Duration::minutes(15),
            window: Duration::minutes(15),
        }
    }
}

/// The stored state of one counter (a scope and a key: an account, an address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleState {
    pub failures: u32,
    pub window_started_at: DateTime<Utc>,
    pub blocked_until: Option<DateTime<Utc>>,
}

impl ThrottlePolicy {
    /// `Err(retry_after)` while the counter is blocked.
    pub fn check(&self, state: Option<&ThrottleState>, now: DateTime<Utc>) -> Result<(), Duration> {
        match state.and_then(|s| s.blocked_until) {
            Some(until) if until > now => Err(until - now),
            _ => Ok(()),
        }
    }

    /// The state after one more failure at `now`.
    pub fn after_failure(
        &self,
        state: Option<&ThrottleState>,
        now: DateTime<Utc>,
    ) -> ThrottleState {
        let (failures, window_started_at) = match state {
            Some(s)
                if now - s.window_started_at < self.window
                    || s.blocked_until.is_some_and(|b| b > now - self.window) =>
            {
                (s.failures.saturating_add(1), s.window_started_at)
            }
            _ => (1, now),
        };
        let blocked_until = (failures > self.free_failures).then(|| {
            let doublings = (failures - self.free_failures - 1).min(20);
            let delay = self.first_delay * 2_i32.pow(doublings);
            now + delay.min(self.max_delay)
        });
        ThrottleState {
            failures,
            window_started_at,
            blocked_until,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn start() -> DateTime<Utc> {
        "2026-09-01T08:00:00Z".parse().unwrap()
    }

    #[test]
    fn five_free_failures_then_growing_delays() {
        let policy = ThrottlePolicy::default();
        let now = start();
        let mut state = None;
        for _ in 0..5 {
            let next = policy.after_failure(state.as_ref(), now);
            assert_eq!(policy.check(Some(&next), now), Ok(()));
            state = Some(next);
        }
        let sixth = policy.after_failure(state.as_ref(), now);
        assert_eq!(policy.check(Some(&sixth), now), Err(Duration::seconds(30)));
        let seventh = policy.after_failure(Some(&sixth), now);
        assert_eq!(
            policy.check(Some(&seventh), now),
            Err(Duration::seconds(60))
        );
        assert_eq!(
            policy.check(Some(&seventh), now + Duration::seconds(61)),
            Ok(())
        );
    }

    #[test]
    fn old_failures_are_forgotten() {
        let policy = ThrottlePolicy::default();
        let state = ThrottleState {
            failures: 5,
            window_started_at: start(),
            blocked_until: None,
        };
        let later = policy.after_failure(Some(&state), start() + Duration::minutes(16));
        assert_eq!(later.failures, 1);
        assert_eq!(later.blocked_until, None);
    }

    proptest! {
        #[test]
        fn delays_never_exceed_the_maximum(failures in 0u32..10_000) {
            let policy = ThrottlePolicy::default();
            let state = ThrottleState { failures, window_started_at: start(), blocked_until: None };
            let next = policy.after_failure(Some(&state), start());
            if let Some(until) = next.blocked_until {
                prop_assert!(until - start() <= policy.max_delay);
                prop_assert!(until > start());
            }
        }
    }
}

//! The app's notion of "now". Business rules take `now` as a parameter; this is where
//! it comes from, and tests fix and advance it.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Duration, Utc};

/// Follows the system time until set; then stays at the set instant until advanced.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    fixed: Arc<RwLock<Option<DateTime<Utc>>>>,
}

impl Clock {
    pub fn system() -> Self {
        Self::default()
    }

    pub fn fixed_at(instant: DateTime<Utc>) -> Self {
        Self {
            fixed: Arc::new(RwLock::new(Some(instant))),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self.fixed.read() {
            Ok(fixed) => fixed.unwrap_or_else(Utc::now),
            Err(poisoned) => poisoned.into_inner().unwrap_or_else(Utc::now),
        }
    }

    /// Fixes the clock at `instant` for every holder of this clock.
    pub fn set(&self, instant: DateTime<Utc>) {
        match self.fixed.write() {
            Ok(mut fixed) => *fixed = Some(instant),
            Err(poisoned) => *poisoned.into_inner() = Some(instant),
        }
    }

    /// Moves the clock forward (or back) from its current reading, and fixes it there.
    pub fn advance(&self, by: Duration) {
        self.set(self.now() + by);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_clock_stays_until_advanced_and_is_shared() {
        let clock = Clock::system();
        let copy = clock.clone();
        let start = DateTime::parse_from_rfc3339("2026-09-01T06:00:00Z")
            .unwrap()
            .to_utc();
        clock.set(start);
        assert_eq!(copy.now(), start);
        copy.advance(Duration::hours(72));
        assert_eq!(clock.now(), start + Duration::hours(72));
    }
}

//! A short-lived in-memory copy of data every planning read needs but agents rarely
//! change (the city's calendar, the activity catalogue): reads take the copy, every
//! change is judged against the database.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use persistence::{AnyConnection, DbError};

/// How long a copy serves reads. An instance forgets its copy as soon as it changes
/// the data; another instance's change shows within this delay, or twice it while a
/// refresh is under way (the others keep the expired copy meanwhile).
pub const FRESH_FOR: Duration = Duration::from_secs(2);

/// The copy shared by an instance's requests.
#[derive(Debug)]
pub struct Snapshot<T> {
    held: Mutex<Held<T>>,
    fresh_for: Duration,
}

#[derive(Debug)]
struct Held<T> {
    copy: Option<(Instant, Arc<T>)>,
    /// Counts the changes, so that a read begun before one is not kept after it.
    generation: u64,
    /// When a caller began reading the next copy: meanwhile the others keep the expired
    /// one rather than all reading at once, as long as that copy is not older than twice
    /// the delay (should the read hang or its thread panic, another caller reads).
    refreshing_since: Option<Instant>,
}

impl<T> Default for Snapshot<T> {
    fn default() -> Self {
        Self::fresh_for(FRESH_FOR)
    }
}

impl<T> Snapshot<T> {
    fn fresh_for(fresh_for: Duration) -> Self {
        Self {
            held: Mutex::new(Held {
                copy: None,
                generation: 0,
                refreshing_since: None,
            }),
            fresh_for,
        }
    }

    /// The copy if fresh, else `read` on `conn` (and kept); while another caller reads
    /// it anew, the expired copy.
    pub fn get(
        &self,
        conn: &mut AnyConnection,
        read: impl FnOnce(&mut AnyConnection) -> Result<T, DbError>,
    ) -> Result<Arc<T>, DbError> {
        let (generation, refreshing) = {
            let mut held = self.lock();
            let mut refreshing = None;
            if let Some((read_at, copy)) = &held.copy {
                let age = read_at.elapsed();
                let another_reads = held
                    .refreshing_since
                    .is_some_and(|since| since.elapsed() < self.fresh_for);
                if age < self.fresh_for || (another_reads && age < 2 * self.fresh_for) {
                    return Ok(Arc::clone(copy));
                }
                refreshing = Some(Instant::now());
                held.refreshing_since = refreshing;
            }
            (held.generation, refreshing)
        };
        let read = read(conn);
        let mut held = self.lock();
        // Only this caller's mark (a caller that found no copy set none: None == None
        // clears nothing there was).
        if held.refreshing_since == refreshing {
            held.refreshing_since = None;
        }
        let fresh = Arc::new(read?);
        if held.generation == generation {
            held.copy = Some((Instant::now(), Arc::clone(&fresh)));
        }
        Ok(fresh)
    }

    /// Drops the copy: the data has just changed. Called inside the blocking call that
    /// committed the change, not after its await, which a client gone meanwhile skips,
    /// and whatever the call's outcome (a write may have committed before a later read
    /// failed).
    pub fn forget(&self) {
        let mut held = self.lock();
        held.copy = None;
        held.refreshing_since = None;
        held.generation += 1;
    }

    /// The copy is replaced whole, so a panic elsewhere cannot leave it half-written.
    fn lock(&self) -> std::sync::MutexGuard<'_, Held<T>> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use persistence::DatabaseUrl;

    use super::*;

    #[test]
    fn a_copy_serves_reads_until_forgotten_and_a_read_overtaken_by_a_change_is_not_kept() {
        let mut conn = DatabaseUrl::parse(":memory:").unwrap().connect().unwrap();
        let snapshot = Snapshot::<u32>::default();
        let reads = Cell::new(0);
        let read = |_: &mut AnyConnection| {
            reads.set(reads.get() + 1);
            Ok(reads.get())
        };
        assert_eq!(*snapshot.get(&mut conn, read).unwrap(), 1);
        assert_eq!(*snapshot.get(&mut conn, read).unwrap(), 1);
        snapshot.forget();
        assert_eq!(*snapshot.get(&mut conn, read).unwrap(), 2);
        // A change lands while a read is under way: that read answers its caller but
        // is not kept, so the next caller reads again.
        snapshot.forget();
        let overtaken = snapshot
            .get(&mut conn, |conn| {
                snapshot.forget();
                read(conn)
            })
            .unwrap();
        assert_eq!(*overtaken, 3);
        assert_eq!(*snapshot.get(&mut conn, read).unwrap(), 4);
        assert_eq!(*snapshot.get(&mut conn, read).unwrap(), 4);
    }

    #[test]
    fn while_one_caller_reads_an_expired_copy_anew_the_others_keep_it() {
        let mut conn = DatabaseUrl::parse(":memory:").unwrap().connect().unwrap();
        let snapshot = Snapshot::<u32>::fresh_for(Duration::from_millis(200));
        assert_eq!(*snapshot.get(&mut conn, |_| Ok(1)).unwrap(), 1);
        std::thread::sleep(Duration::from_millis(220));
        let refreshed = snapshot
            .get(&mut conn, |conn| {
                // Another request meanwhile: served the expired copy, without reading.
                let other = snapshot.get(conn, |_| Ok(99)).unwrap();
                assert_eq!(*other, 1);
                Ok(2)
            })
            .unwrap();
        assert_eq!(*refreshed, 2);
        assert_eq!(*snapshot.get(&mut conn, |_| Ok(3)).unwrap(), 2);
    }

    #[test]
    fn a_failed_refresh_lets_the_next_caller_read() {
        let mut conn = DatabaseUrl::parse(":memory:").unwrap().connect().unwrap();
        let snapshot = Snapshot::<u32>::fresh_for(Duration::from_millis(200));
        assert_eq!(*snapshot.get(&mut conn, |_| Ok(1)).unwrap(), 1);
        std::thread::sleep(Duration::from_millis(220));
        let failed = snapshot.get(&mut conn, |_| Err(DbError::unavailable("down")));
        assert!(failed.is_err());
        assert_eq!(*snapshot.get(&mut conn, |_| Ok(2)).unwrap(), 2);
    }

    #[test]
    fn a_failed_read_keeps_nothing() {
        let mut conn = DatabaseUrl::parse(":memory:").unwrap().connect().unwrap();
        let snapshot = Snapshot::<u32>::default();
        let failed = snapshot.get(&mut conn, |_| Err(DbError::unavailable("down")));
        assert!(failed.is_err());
        assert_eq!(*snapshot.get(&mut conn, |_| Ok(7)).unwrap(), 7);
    }

    #[test]
    fn an_expired_copy_is_not_kept_past_twice_the_delay_even_while_a_refresh_hangs() {
        let mut conn = DatabaseUrl::parse(":memory:").unwrap().connect().unwrap();
        let snapshot = Snapshot::<u32>::fresh_for(Duration::from_millis(100));
        assert_eq!(*snapshot.get(&mut conn, |_| Ok(1)).unwrap(), 1);
        std::thread::sleep(Duration::from_millis(110));
        let refreshed = snapshot
            .get(&mut conn, |conn| {
                // The refresh hangs until the copy is twice the delay old.
                std::thread::sleep(Duration::from_millis(100));
                let other = snapshot.get(conn, |_| Ok(99)).unwrap();
                assert_eq!(*other, 99);
                Ok(2)
            })
            .unwrap();
        assert_eq!(*refreshed, 2);
    }
}

//! The city's calendar as the planning reads it: the imported school holidays and the
//! closure days. Both change only when an agent imports a calendar or closes a day, yet
//! every planning read needs them, so planning reads take them from a short-lived
//! in-memory copy; every change is judged against the database.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use domain::calendar::SchoolHolidayPeriod;
use persistence::calendar::{self, ClosureDay};
use persistence::{AnyConnection, DbError};

/// School holidays and closure days, as stored.
#[derive(Debug, Clone)]
pub struct CityCalendar {
    pub school_holidays: Vec<SchoolHolidayPeriod>,
    /// Every closure day, by day.
    pub closures: Vec<ClosureDay>,
}

impl CityCalendar {
    /// Reads both from the database (two statements), every closure day included.
    pub fn read(conn: &mut AnyConnection) -> Result<Self, DbError> {
        Ok(Self {
            school_holidays: super::school_calendar::periods(&calendar::school_holidays(conn)?),
            closures: calendar::closure_days(conn)?,
        })
    }

    /// Reads both from the database, with the closure days of `from..=to` only.
    pub fn read_between(
        conn: &mut AnyConnection,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Self, DbError> {
        Ok(Self {
            school_holidays: super::school_calendar::periods(&calendar::school_holidays(conn)?),
            closures: calendar::closure_days_between(conn, from, to)?,
        })
    }
}

/// How long a copy serves planning reads. This instance forgets its copy as soon as
/// it changes the calendar; another instance's change shows within this delay.
const FRESH_FOR: Duration = Duration::from_secs(2);

/// The in-memory copy shared by an instance's requests.
#[derive(Debug, Default)]
pub struct CalendarCache {
    held: Mutex<Held>,
}

#[derive(Debug, Default)]
struct Held {
    copy: Option<(Instant, Arc<CityCalendar>)>,
    /// Counts the changes, so that a read begun before one is not kept after it.
    generation: u64,
}

impl CalendarCache {
    /// The copy if fresh, else the calendar read anew on `conn` (and kept).
    pub fn get(&self, conn: &mut AnyConnection) -> Result<Arc<CityCalendar>, DbError> {
        let generation = {
            let held = self.lock();
            if let Some((read_at, copy)) = &held.copy
                && read_at.elapsed() < FRESH_FOR
            {
                return Ok(Arc::clone(copy));
            }
            held.generation
        };
        let read = Arc::new(CityCalendar::read(conn)?);
        let mut held = self.lock();
        if held.generation == generation {
            held.copy = Some((Instant::now(), Arc::clone(&read)));
        }
        Ok(read)
    }

    /// Drops the copy: the calendar has just changed.
    pub fn forget(&self) {
        let mut held = self.lock();
        held.copy = None;
        held.generation += 1;
    }

    /// The copy is replaced whole, so a panic elsewhere cannot leave it half-written.
    fn lock(&self) -> std::sync::MutexGuard<'_, Held> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

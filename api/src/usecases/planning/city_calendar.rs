//! The city's calendar as the planning reads it: the imported school holidays and the
//! closure days. Both change only when an agent imports a calendar or closes a day, yet
//! every planning read needs them, so planning reads take them from a short-lived
//! in-memory copy ([`crate::snapshot::Snapshot`]); every change is judged against the
//! database.

use chrono::NaiveDate;
use domain::calendar::SchoolHolidayPeriod;
use persistence::planning::calendar::{self, ClosureDay};
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
            school_holidays: crate::usecases::planning::school_calendar::periods(
                &calendar::school_holidays(conn)?,
            ),
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
            school_holidays: crate::usecases::planning::school_calendar::periods(
                &calendar::school_holidays(conn)?,
            ),
            closures: calendar::closure_days_between(conn, from, to)?,
        })
    }
}

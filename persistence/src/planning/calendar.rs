//! The calendar the planning runs on: imported school holidays and the days the city
//! closes.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::schema::{closure_days, school_holidays};
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = school_holidays)]
pub struct SchoolHoliday {
    pub id: i64,
    pub school_year: String,
    pub description: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub imported_at: NaiveDateTime,
    pub imported_by: Option<i64>,
}

/// Every imported period, in date order (a few dozen rows: the planning reads them all,
/// since a booking window may open after the previous holidays).
pub fn school_holidays(conn: &mut AnyConnection) -> Result<Vec<SchoolHoliday>, DbError> {
    Ok(school_holidays::table
        .order(school_holidays::first_day)
        .select(SchoolHoliday::as_select())
        .load(conn)?)
}

/// One imported period: (school year, description, first day, last day).
pub type NewSchoolHoliday = (String, String, NaiveDate, NaiveDate);

/// Replaces the periods of the school years the import holds.
pub fn replace_school_years(
    conn: &mut AnyConnection,
    periods: &[NewSchoolHoliday],
    imported_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut years: Vec<&str> = periods.iter().map(|p| p.0.as_str()).collect();
    years.sort_unstable();
    years.dedup();
    diesel::delete(school_holidays::table.filter(school_holidays::school_year.eq_any(&years)))
        .execute(conn)?;
    for (school_year, description, first_day, last_day) in periods {
        diesel::insert_into(school_holidays::table)
            .values((
                school_holidays::school_year.eq(school_year),
                school_holidays::description.eq(description),
                school_holidays::first_day.eq(first_day),
                school_holidays::last_day.eq(last_day),
                school_holidays::imported_at.eq(db_time(now)),
                school_holidays::imported_by.eq(imported_by),
            ))
            .execute(conn)?;
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = closure_days)]
pub struct ClosureDay {
    pub id: i64,
    pub day: NaiveDate,
    pub activity_id: Option<i64>,
    pub reason: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

pub fn insert_closure_day(
    conn: &mut AnyConnection,
    day: NaiveDate,
    activity_id: Option<i64>,
    reason: &str,
    created_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<ClosureDay, DbError> {
    let created_at = db_time(now);
    let id = diesel::insert_into(closure_days::table)
        .values((
            closure_days::day.eq(day),
            closure_days::activity_id.eq(activity_id),
            closure_days::reason.eq(reason),
            closure_days::created_by.eq(created_by),
            closure_days::created_at.eq(created_at),
        ))
        .returning(closure_days::id)
        .get_result(conn)?;
    Ok(ClosureDay {
        id,
        day,
        activity_id,
        reason: reason.to_owned(),
        created_by,
        created_at,
    })
}

/// Every closure day, by day.
pub fn closure_days(conn: &mut AnyConnection) -> Result<Vec<ClosureDay>, DbError> {
    Ok(closure_days::table
        .order((closure_days::day, closure_days::id))
        .select(ClosureDay::as_select())
        .load(conn)?)
}

/// Closure days of `from..=to`, in date order.
pub fn closure_days_between(
    conn: &mut AnyConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ClosureDay>, DbError> {
    Ok(closure_days::table
        .filter(closure_days::day.between(from, to))
        .order((closure_days::day, closure_days::id))
        .select(ClosureDay::as_select())
        .load(conn)?)
}

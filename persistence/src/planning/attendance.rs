//! Who came: one row per child, unit and day, written by agents and read by billing.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::schema::{activity_units, attendances};
use crate::{AnyConnection, DbError, db_time};
use domain::planning::AttendanceStatus;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = attendances)]
pub struct Attendance {
    pub child_id: i64,
    pub unit_id: i64,
    pub day: NaiveDate,
    pub dossier_id: i64,
    #[diesel(deserialize_as = String)]
    pub status: AttendanceStatus,
    pub note: Option<String>,
    pub recorded_by: Option<i64>,
    pub recorded_at: NaiveDateTime,
}

/// Records (or corrects) a child's attendance on a unit and day.
pub fn record(
    conn: &mut AnyConnection,
    entry: (i64, i64, NaiveDate, i64),
    status: AttendanceStatus,
    note: Option<&str>,
    recorded_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Attendance, DbError> {
    let (child_id, unit_id, day, dossier_id) = entry;
    diesel::delete(
        attendances::table
            .filter(attendances::child_id.eq(child_id))
            .filter(attendances::unit_id.eq(unit_id))
            .filter(attendances::day.eq(day)),
    )
    .execute(conn)?;
    let recorded_at = db_time(now);
    diesel::insert_into(attendances::table)
        .values((
            attendances::child_id.eq(child_id),
            attendances::unit_id.eq(unit_id),
            attendances::day.eq(day),
            attendances::dossier_id.eq(dossier_id),
            attendances::status.eq(status.as_str()),
            attendances::note.eq(note),
            attendances::recorded_by.eq(recorded_by),
            attendances::recorded_at.eq(recorded_at),
        ))
        .execute(conn)?;
    Ok(Attendance {
        child_id,
        unit_id,
        day,
        dossier_id,
        status,
        note: note.map(str::to_owned),
        recorded_by,
        recorded_at,
    })
}

/// The attendance recorded on the activity's units on a day.
pub fn of_activity_day(
    conn: &mut AnyConnection,
    activity_id: i64,
    day: NaiveDate,
) -> Result<Vec<Attendance>, DbError> {
    Ok(attendances::table
        .inner_join(activity_units::table)
        .filter(activity_units::activity_id.eq(activity_id))
        .filter(attendances::day.eq(day))
        .order((attendances::child_id, attendances::unit_id))
        .select(Attendance::as_select())
        .load(conn)?)
}

/// A child expected or seen on a unit of the day: (child, dossier, unit, booking status).
pub type RollCallEntry = (i64, i64, i64, String);

/// The bookings of the activity's units on a day (the roll call's children).
pub fn booked_on(
    conn: &mut AnyConnection,
    activity_id: i64,
    day: NaiveDate,
) -> Result<Vec<RollCallEntry>, DbError> {
    use crate::schema::bookings;
    Ok(bookings::table
        .inner_join(activity_units::table)
        .filter(activity_units::activity_id.eq(activity_id))
        .filter(bookings::day.eq(day))
        .order((bookings::child_id, bookings::unit_id))
        .select((
            bookings::child_id,
            bookings::dossier_id,
            bookings::unit_id,
            bookings::status,
        ))
        .load(conn)?)
}

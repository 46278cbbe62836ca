//! The planning's rows: bookings, the places they take per group, unit and day, and
//! each dossier's draft of changes. Places move only by conditional updates, so two
//! families booking the last place at once cannot both get it.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date};

use crate::schema::{
    activities, activity_kinds, activity_rules, activity_units, booking_counts, bookings,
    group_day_capacities, planning_changes, registrations,
};
use crate::{AnyConnection, DbError, db_time};

/// An accepted registration, with what the planning needs of its activity.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = registrations)]
pub struct RegistrationSlot {
    pub id: i64,
    pub activity_id: i64,
    pub child_id: i64,
    pub dossier_id: i64,
    pub group_id: i64,
    pub entry_date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = activities)]
pub struct ActivitySlot {
    pub id: i64,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub mode: String,
    pub sibling_rate_percent: Option<i32>,
}

/// A kind's stored rules (JSON; `None`: the guide's default for its code).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = activity_kinds)]
pub struct KindRules {
    pub id: i64,
    pub code: String,
    pub booking_rule: Option<String>,
    pub change_rule: Option<String>,
}

/// An activity's own settings; each `None` falls back to its kind's.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = activity_rules)]
pub struct ActivityRules {
    pub runs_on: Option<String>,
    pub booking_rule: Option<String>,
    pub change_rule: Option<String>,
}

/// One accepted registration and its activity, kind and rules.
pub type PlannedRegistration = (
    RegistrationSlot,
    ActivitySlot,
    KindRules,
    Option<ActivityRules>,
);

/// The accepted registrations of the children whose activity overlaps `from..=to`.
pub fn accepted_registrations(
    conn: &mut AnyConnection,
    child_ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<PlannedRegistration>, DbError> {
    Ok(registrations::table
        .inner_join(
            activities::table
                .inner_join(activity_kinds::table)
                .left_join(activity_rules::table),
        )
        .filter(registrations::child_id.eq_any(child_ids))
        .filter(registrations::status.eq("accepted"))
        .filter(activities::starts_on.le(to))
        .filter(activities::ends_on.ge(from))
        .order((registrations::child_id, registrations::activity_id))
        .select((
            RegistrationSlot::as_select(),
            ActivitySlot::as_select(),
            KindRules::as_select(),
            Option::<ActivityRules>::as_select(),
        ))
        .load(conn)?)
}

/// The units of the activities, in their order.
pub fn units_of(
    conn: &mut AnyConnection,
    activity_ids: &[i64],
) -> Result<Vec<crate::activities::Unit>, DbError> {
    Ok(activity_units::table
        .filter(activity_units::activity_id.eq_any(activity_ids))
        .order((activity_units::activity_id, activity_units::position))
        .select(crate::activities::Unit::as_select())
        .load(conn)?)
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = bookings)]
pub struct Booking {
    pub id: i64,
    pub child_id: i64,
    pub dossier_id: i64,
    pub registration_id: i64,
    pub unit_id: i64,
    pub group_id: i64,
    pub day: NaiveDate,
    pub status: String,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What a new booking holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewBooking<'a> {
    pub child_id: i64,
    pub dossier_id: i64,
    pub registration_id: i64,
    pub unit_id: i64,
    pub group_id: i64,
    pub day: NaiveDate,
    pub source: &'a str,
}

/// The children's bookings over `from..=to`, by child, day and unit.
pub fn bookings_between(
    conn: &mut AnyConnection,
    child_ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Booking>, DbError> {
    Ok(bookings::table
        .filter(bookings::child_id.eq_any(child_ids))
        .filter(bookings::day.between(from, to))
        .order((bookings::child_id, bookings::day, bookings::unit_id))
        .select(Booking::as_select())
        .load(conn)?)
}

pub fn find_booking(
    conn: &mut AnyConnection,
    child_id: i64,
    unit_id: i64,
    day: NaiveDate,
) -> Result<Option<Booking>, DbError> {
    Ok(bookings::table
        .filter(bookings::child_id.eq(child_id))
        .filter(bookings::unit_id.eq(unit_id))
        .filter(bookings::day.eq(day))
        .select(Booking::as_select())
        .first(conn)
        .optional()?)
}

/// Inserts a booking; the same child, unit and day twice is a `UniqueViolation`.
pub fn insert_booking(
    conn: &mut AnyConnection,
    new: NewBooking<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let now = db_time(now);
    diesel::insert_into(bookings::table)
        .values((
            bookings::child_id.eq(new.child_id),
            bookings::dossier_id.eq(new.dossier_id),
            bookings::registration_id.eq(new.registration_id),
            bookings::unit_id.eq(new.unit_id),
            bookings::group_id.eq(new.group_id),
            bookings::day.eq(new.day),
            bookings::status.eq("booked"),
            bookings::source.eq(new.source),
            bookings::created_at.eq(now),
            bookings::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Deletes a live booking; false when there was none.
pub fn delete_booking(
    conn: &mut AnyConnection,
    child_id: i64,
    unit_id: i64,
    day: NaiveDate,
) -> Result<bool, DbError> {
    let deleted = diesel::delete(
        bookings::table
            .filter(bookings::child_id.eq(child_id))
            .filter(bookings::unit_id.eq(unit_id))
            .filter(bookings::day.eq(day))
            .filter(bookings::status.eq("booked")),
    )
    .execute(conn)?;
    Ok(deleted == 1)
}

/// Marks the live bookings of a day (of one activity, or all) closed and returns them.
pub fn close_day(
    conn: &mut AnyConnection,
    day: NaiveDate,
    activity_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Vec<Booking>, DbError> {
    let mut query = bookings::table
        .inner_join(activity_units::table)
        .filter(bookings::day.eq(day))
        .filter(bookings::status.eq("booked"))
        .select(Booking::as_select())
        .into_boxed();
    if let Some(activity_id) = activity_id {
        query = query.filter(activity_units::activity_id.eq(activity_id));
    }
    let closed: Vec<Booking> = query.load(conn)?;
    let ids: Vec<i64> = closed.iter().map(|b| b.id).collect();
    for chunk in ids.chunks(500) {
        diesel::update(bookings::table.filter(bookings::id.eq_any(chunk)))
            .set((
                bookings::status.eq("closed"),
                bookings::updated_at.eq(db_time(now)),
            ))
            .execute(conn)?;
    }
    Ok(closed)
}

// --- places per group, unit and day ---

/// Each group's capacities set for particular days of `from..=to`.
pub fn day_capacities_between(
    conn: &mut AnyConnection,
    group_ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, NaiveDate, i32)>, DbError> {
    Ok(group_day_capacities::table
        .filter(group_day_capacities::group_id.eq_any(group_ids))
        .filter(group_day_capacities::day.between(from, to))
        .select((
            group_day_capacities::group_id,
            group_day_capacities::day,
            group_day_capacities::capacity,
        ))
        .load(conn)?)
}

/// Places taken per (group, unit, day) over `from..=to`.
pub fn taken_between(
    conn: &mut AnyConnection,
    group_ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, i64, NaiveDate, i32)>, DbError> {
    Ok(booking_counts::table
        .filter(booking_counts::group_id.eq_any(group_ids))
        .filter(booking_counts::day.between(from, to))
        .select((
            booking_counts::group_id,
            booking_counts::unit_id,
            booking_counts::day,
            booking_counts::taken,
        ))
        .load(conn)?)
}

/// Takes a place if fewer than `capacity` are taken; false when the day is full.
pub fn take_place(
    conn: &mut AnyConnection,
    group_id: i64,
    unit_id: i64,
    day: NaiveDate,
    capacity: i32,
) -> Result<bool, DbError> {
    let ensure = match conn {
        AnyConnection::Postgresql(_) => {
            "INSERT INTO booking_counts (group_id, unit_id, day) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
        }
        AnyConnection::Sqlite(_) => {
            "INSERT OR IGNORE INTO booking_counts (group_id, unit_id, day) VALUES (?, ?, ?)"
        }
    };
    let query = diesel::sql_query(ensure)
        .bind::<BigInt, _>(group_id)
        .bind::<BigInt, _>(unit_id)
        .bind::<Date, _>(day);
    match conn {
        AnyConnection::Postgresql(pg) => query.execute(pg)?,
        AnyConnection::Sqlite(sqlite) => query.execute(sqlite)?,
    };
    let changed = diesel::update(
        booking_counts::table
            .filter(booking_counts::group_id.eq(group_id))
            .filter(booking_counts::unit_id.eq(unit_id))
            .filter(booking_counts::day.eq(day))
            .filter(booking_counts::taken.lt(capacity)),
    )
    .set(booking_counts::taken.eq(booking_counts::taken + 1))
    .execute(conn)?;
    Ok(changed == 1)
}

pub fn release_place(
    conn: &mut AnyConnection,
    group_id: i64,
    unit_id: i64,
    day: NaiveDate,
) -> Result<(), DbError> {
    diesel::update(
        booking_counts::table
            .filter(booking_counts::group_id.eq(group_id))
            .filter(booking_counts::unit_id.eq(unit_id))
            .filter(booking_counts::day.eq(day))
            .filter(booking_counts::taken.gt(0)),
    )
    .set(booking_counts::taken.eq(booking_counts::taken - 1))
    .execute(conn)?;
    Ok(())
}

// --- the draft ---

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = planning_changes)]
pub struct PendingChange {
    pub child_id: i64,
    pub unit_id: i64,
    pub day: NaiveDate,
    pub dossier_id: i64,
    pub action: String,
    pub created_at: NaiveDateTime,
}

/// The dossier's pending changes, by child, day and unit.
pub fn draft_of(conn: &mut AnyConnection, dossier_id: i64) -> Result<Vec<PendingChange>, DbError> {
    Ok(planning_changes::table
        .filter(planning_changes::dossier_id.eq(dossier_id))
        .order((
            planning_changes::child_id,
            planning_changes::day,
            planning_changes::unit_id,
        ))
        .select(PendingChange::as_select())
        .load(conn)?)
}

/// Records a pending change, replacing the one of the same child, unit and day.
pub fn put_change(
    conn: &mut AnyConnection,
    dossier_id: i64,
    change: (i64, i64, NaiveDate),
    action: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let (child_id, unit_id, day) = change;
    drop_change(conn, change)?;
    diesel::insert_into(planning_changes::table)
        .values((
            planning_changes::child_id.eq(child_id),
            planning_changes::unit_id.eq(unit_id),
            planning_changes::day.eq(day),
            planning_changes::dossier_id.eq(dossier_id),
            planning_changes::action.eq(action),
            planning_changes::created_at.eq(db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Removes the pending change of a child, unit and day, if any.
pub fn drop_change(conn: &mut AnyConnection, change: (i64, i64, NaiveDate)) -> Result<(), DbError> {
    let (child_id, unit_id, day) = change;
    diesel::delete(
        planning_changes::table
            .filter(planning_changes::child_id.eq(child_id))
            .filter(planning_changes::unit_id.eq(unit_id))
            .filter(planning_changes::day.eq(day)),
    )
    .execute(conn)?;
    Ok(())
}

/// Discards the dossier's draft; returns how many changes it held.
pub fn clear_draft(conn: &mut AnyConnection, dossier_id: i64) -> Result<usize, DbError> {
    Ok(
        diesel::delete(planning_changes::table.filter(planning_changes::dossier_id.eq(dossier_id)))
            .execute(conn)?,
    )
}

/// Takes SQLite's write lock as the transaction's first write (a no-op touch of the
/// draft), then reads the draft: two validations of one dossier run one after the other.
pub fn claim_draft(
    conn: &mut AnyConnection,
    dossier_id: i64,
) -> Result<Vec<PendingChange>, DbError> {
    diesel::update(planning_changes::table.filter(planning_changes::dossier_id.eq(dossier_id)))
        .set(planning_changes::created_at.eq(planning_changes::created_at))
        .execute(conn)?;
    draft_of(conn, dossier_id)
}

/// Each group's capacity.
pub fn group_capacities(
    conn: &mut AnyConnection,
    group_ids: &[i64],
) -> Result<Vec<(i64, i32)>, DbError> {
    use crate::schema::activity_groups;
    Ok(activity_groups::table
        .filter(activity_groups::id.eq_any(group_ids))
        .select((activity_groups::id, activity_groups::capacity))
        .load(conn)?)
}

/// Drops the pending changes of a closed day (of one activity's units, or all).
pub fn drop_changes_of_day(
    conn: &mut AnyConnection,
    day: NaiveDate,
    activity_id: Option<i64>,
) -> Result<usize, DbError> {
    let mut query =
        diesel::delete(planning_changes::table.filter(planning_changes::day.eq(day))).into_boxed();
    if let Some(activity_id) = activity_id {
        query = query.filter(
            planning_changes::unit_id.eq_any(
                activity_units::table
                    .filter(activity_units::activity_id.eq(activity_id))
                    .select(activity_units::id),
            ),
        );
    }
    Ok(query.execute(conn)?)
}

/// The activity's and the unit's names.
pub fn unit_label(
    conn: &mut AnyConnection,
    unit_id: i64,
) -> Result<Option<(String, String)>, DbError> {
    Ok(activity_units::table
        .inner_join(activities::table)
        .filter(activity_units::id.eq(unit_id))
        .select((activities::name, activity_units::name))
        .first(conn)
        .optional()?)
}

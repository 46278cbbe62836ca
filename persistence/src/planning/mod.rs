//! The planning's rows: bookings, the places they take per group, unit and day, and
//! each dossier's draft of changes. Places move only by conditional updates, so two
//! families booking the last place at once cannot both get it.

pub mod attendance;
pub mod calendar;
pub mod calendar_feeds;
pub mod deadline_rules;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Date, Nullable};
use domain::activities::RegistrationStatus;
use domain::planning::{Action, BookingStatus, DeadlineRule, RunsOn};

use crate::schema::{
    activities, activity_groups, activity_kinds, activity_rules, activity_units, booking_counts,
    bookings, group_day_capacities, planning_changes, registrations,
};
use crate::stored::{NullableStored, NullableText};
use crate::{AnyConnection, DbError, db_time};

/// An accepted registration as the planning reads it (its activity comes from
/// [`catalog`]).
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
    pub kind_id: i64,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    #[diesel(deserialize_as = String)]
    pub mode: domain::activities::RegistrationMode,
    pub sibling_rate_percent: Option<i32>,
}

/// A kind's stored rules (JSON; `None`: the guide's default for its code).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = activity_kinds)]
pub struct KindRules {
    pub id: i64,
    pub code: String,
    #[diesel(deserialize_as = NullableStored<DeadlineRule>)]
    pub booking_rule: Option<DeadlineRule>,
    #[diesel(deserialize_as = NullableStored<DeadlineRule>)]
    pub change_rule: Option<DeadlineRule>,
}

/// An activity's own settings; each `None` falls back to its kind's.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = activity_rules)]
pub struct ActivityRules {
    #[diesel(deserialize_as = NullableText)]
    pub runs_on: Option<RunsOn>,
    #[diesel(deserialize_as = NullableStored<DeadlineRule>)]
    pub booking_rule: Option<DeadlineRule>,
    #[diesel(deserialize_as = NullableStored<DeadlineRule>)]
    pub change_rule: Option<DeadlineRule>,
}

/// Whose planning is read: a whole dossier, or one of its children. Queries filter on
/// these keys (never on id lists), so both backends keep their prepared statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    pub dossier_id: i64,
    pub child_id: Option<i64>,
}

/// An activity of the catalogue with its kind, own rules and one of its units.
pub type CatalogRow = (
    ActivitySlot,
    KindRules,
    Option<ActivityRules>,
    crate::activities::Unit,
);

/// The activities with their kind, rules and units, by activity and unit position:
/// every one (what planning reads keep in memory), or those of a dossier's accepted
/// registrations (what a change reads fresh).
pub fn catalog(
    conn: &mut AnyConnection,
    dossier_id: Option<i64>,
) -> Result<Vec<CatalogRow>, DbError> {
    let query = activities::table
        .inner_join(activity_kinds::table)
        .left_join(activity_rules::table)
        .inner_join(activity_units::table)
        .order((activities::id, activity_units::position))
        .select((
            ActivitySlot::as_select(),
            KindRules::as_select(),
            Option::<ActivityRules>::as_select(),
            crate::activities::Unit::as_select(),
        ));
    Ok(match dossier_id {
        Some(dossier_id) => query
            .filter(activities::id.eq_any(accepted_activities(dossier_id)))
            .load(conn)?,
        None => query.load(conn)?,
    })
}

/// The groups' capacities: every group's, or those of a dossier's accepted registrations.
pub fn group_capacities(
    conn: &mut AnyConnection,
    dossier_id: Option<i64>,
) -> Result<Vec<(i64, i32)>, DbError> {
    let query = activity_groups::table.select((activity_groups::id, activity_groups::capacity));
    Ok(match dossier_id {
        Some(dossier_id) => query
            .filter(activity_groups::id.eq_any(accepted_groups(dossier_id)))
            .load(conn)?,
        None => query.load(conn)?,
    })
}

/// The accepted registrations in scope, by child and activity, each with whether a
/// brother or sister holds a live registration to the same activity (the sibling
/// rate). Their activities come from [`catalog`].
pub fn accepted_registrations(
    conn: &mut AnyConnection,
    scope: Scope,
) -> Result<Vec<(RegistrationSlot, bool)>, DbError> {
    // Not boxed: diesel caches a boxed query by its SQL text, which it would then
    // write out (every identifier escaped) at each call; the two scopes are two
    // statically typed queries instead.
    Ok(crate::native::on_backend!(conn, |c| {
        let siblings = diesel::alias!(registrations as siblings);
        let query = registrations::table
            .filter(crate::activities::registrations::of_household(
                scope.dossier_id,
            ))
            .filter(registrations::status.eq(RegistrationStatus::Accepted.as_str()))
            .order((registrations::child_id, registrations::activity_id))
            .select((
                RegistrationSlot::as_select(),
                diesel::dsl::exists(
                    siblings
                        .filter(
                            siblings
                                .field(registrations::dossier_id)
                                .eq(registrations::dossier_id),
                        )
                        .filter(
                            siblings
                                .field(registrations::activity_id)
                                .eq(registrations::activity_id),
                        )
                        .filter(
                            siblings
                                .field(registrations::child_id)
                                .ne(registrations::child_id),
                        )
                        .filter(crate::activities::registrations::is_live(
                            siblings.field(registrations::status),
                        )),
                ),
            ));
        match scope.child_id {
            Some(child_id) => query.filter(registrations::child_id.eq(child_id)).load(c),
            None => query.load(c),
        }
    })?)
}

/// The dossier's accepted registrations.
type AcceptedRegistrations = diesel::dsl::Filter<
    diesel::dsl::Filter<registrations::table, crate::activities::registrations::OfHousehold>,
    diesel::dsl::Eq<registrations::status, &'static str>,
>;

/// One column of the dossier's accepted registrations, as a subquery.
type AcceptedOf<Column> = diesel::dsl::Select<AcceptedRegistrations, Column>;

/// The activities of the dossier's accepted registrations.
fn accepted_activities(dossier_id: i64) -> AcceptedOf<registrations::activity_id> {
    registrations::table
        .filter(crate::activities::registrations::of_household(dossier_id))
        .filter(registrations::status.eq(RegistrationStatus::Accepted.as_str()))
        .select(registrations::activity_id)
}

/// The groups of the dossier's accepted registrations.
fn accepted_groups(dossier_id: i64) -> AcceptedOf<registrations::group_id> {
    registrations::table
        .filter(crate::activities::registrations::of_household(dossier_id))
        .filter(registrations::status.eq(RegistrationStatus::Accepted.as_str()))
        .select(registrations::group_id)
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

/// A booking or a pending change as the planning reads it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct DayMark {
    /// A change of the draft (`action`: `book` or `cancel`), else a saved booking
    /// (`status`: `booked` or `closed`).
    pub pending: bool,
    pub child_id: i64,
    pub unit_id: i64,
    pub day: NaiveDate,
    pub value: String,
}

/// The saved bookings in scope over `from..=to`, and the dossier's whole draft, in one
/// statement (one round trip to PostgreSQL), on the backend's own connection.
pub fn bookings_and_draft(
    conn: &mut AnyConnection,
    scope: Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DayMark>, DbError> {
    let booked = bookings::table
        .filter(bookings::day.between(from, to))
        .select((
            false.into_sql::<Bool>(),
            bookings::child_id,
            bookings::unit_id,
            bookings::day,
            bookings::status,
        ));
    let draft = planning_changes::table
        .filter(planning_changes::dossier_id.eq(scope.dossier_id))
        .select((
            true.into_sql::<Bool>(),
            planning_changes::child_id,
            planning_changes::unit_id,
            planning_changes::day,
            planning_changes::action,
        ));
    Ok(crate::native::on_backend!(
        conn,
        |c| match scope.child_id {
            Some(child_id) => booked
                .filter(bookings::child_id.eq(child_id))
                .union_all(draft)
                .load(c),
            None =>
                booked
                    .filter(bookings::dossier_id.eq(scope.dossier_id).or(
                        bookings::child_id.eq_any(crate::dossiers::households::linked_children(
                            scope.dossier_id
                        ))
                    ))
                    .union_all(draft)
                    .load(c),
        }
    )?)
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
            bookings::status.eq(BookingStatus::Booked.as_str()),
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
            .filter(bookings::status.eq(BookingStatus::Booked.as_str())),
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
        .filter(bookings::status.eq(BookingStatus::Booked.as_str()))
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
                bookings::status.eq(BookingStatus::Closed.as_str()),
                bookings::updated_at.eq(db_time(now)),
            ))
            .execute(conn)?;
    }
    Ok(closed)
}

// --- places per group, unit and day ---

/// What the planning knows of a group's places on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable)]
pub struct DayPlaces {
    pub group_id: i64,
    /// `None`: the capacity the city set for that day (`count`); `Some(unit)`: the
    /// places of that unit taken that day (`count`).
    pub unit_id: Option<i64>,
    pub day: NaiveDate,
    pub count: i32,
}

/// The capacities set for particular days of `from..=to` and the places taken per
/// unit, for the groups of the dossier's accepted registrations, in one statement.
pub fn places_between(
    conn: &mut AnyConnection,
    dossier_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DayPlaces>, DbError> {
    let capacities = group_day_capacities::table
        .filter(group_day_capacities::group_id.eq_any(accepted_groups(dossier_id)))
        .filter(group_day_capacities::day.between(from, to))
        .select((
            group_day_capacities::group_id,
            None::<i64>.into_sql::<Nullable<BigInt>>(),
            group_day_capacities::day,
            group_day_capacities::capacity,
        ));
    let taken = booking_counts::table
        .filter(booking_counts::group_id.eq_any(accepted_groups(dossier_id)))
        .filter(booking_counts::day.between(from, to))
        .select((
            booking_counts::group_id,
            booking_counts::unit_id.nullable(),
            booking_counts::day,
            booking_counts::taken,
        ));
    Ok(crate::native::on_backend!(conn, |c| capacities
        .union_all(taken)
        .load(c))?)
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
    #[diesel(deserialize_as = String)]
    pub action: Action,
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

/// Records a pending change, replacing the one of the same child, unit and day: one
/// upsert, so that two devices putting the same day at once both succeed (the last
/// wins) where a delete then insert had the second fail on the key.
pub fn put_change(
    conn: &mut AnyConnection,
    dossier_id: i64,
    change: (i64, i64, NaiveDate),
    action: Action,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    use diesel::upsert::excluded;
    let (child_id, unit_id, day) = change;
    let query = diesel::insert_into(planning_changes::table)
        .values((
            planning_changes::child_id.eq(child_id),
            planning_changes::unit_id.eq(unit_id),
            planning_changes::day.eq(day),
            planning_changes::dossier_id.eq(dossier_id),
            planning_changes::action.eq(action.as_str()),
            planning_changes::created_at.eq(db_time(now)),
        ))
        .on_conflict((
            planning_changes::child_id,
            planning_changes::unit_id,
            planning_changes::day,
        ))
        .do_update()
        .set((
            planning_changes::dossier_id.eq(excluded(planning_changes::dossier_id)),
            planning_changes::action.eq(excluded(planning_changes::action)),
            planning_changes::created_at.eq(excluded(planning_changes::created_at)),
        ));
    match conn {
        AnyConnection::Postgresql(c) => query.execute(c)?,
        AnyConnection::Sqlite(c) => query.execute(c)?,
    };
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

/// Locks the dossier's draft and answers exactly the rows locked, by child, day and
/// unit: two validations of one dossier run one after the other. PostgreSQL locks the
/// rows in key order (`FOR UPDATE`), the order draft updates write them in, so neither
/// waits for the other in a cycle; on SQLite the write transaction holds the database.
/// (Reading the draft again after locking it also answered a change added in between
/// but not locked, which a second validation could lock: a deadlock seen under load.)
pub fn claim_draft(
    conn: &mut AnyConnection,
    dossier_id: i64,
) -> Result<Vec<PendingChange>, DbError> {
    let mut claimed = match conn {
        AnyConnection::Postgresql(pg) => planning_changes::table
            .filter(planning_changes::dossier_id.eq(dossier_id))
            .order((
                planning_changes::child_id,
                planning_changes::unit_id,
                planning_changes::day,
            ))
            .for_update()
            .select(PendingChange::as_select())
            .load(pg)?,
        AnyConnection::Sqlite(_) => draft_of(conn, dossier_id)?,
    };
    claimed.sort_by_key(|c| (c.child_id, c.day, c.unit_id));
    Ok(claimed)
}

/// Drops a household's pending changes of one child (the household no longer has it).
pub fn drop_child_draft(
    conn: &mut AnyConnection,
    dossier_id: i64,
    child_id: i64,
) -> Result<usize, DbError> {
    Ok(diesel::delete(
        planning_changes::table
            .filter(planning_changes::dossier_id.eq(dossier_id))
            .filter(planning_changes::child_id.eq(child_id)),
    )
    .execute(conn)?)
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

/// Deletes the registration's live bookings from `from` on, giving their places back;
/// returns how many there were (a cancelled registration books nothing more).
pub fn cancel_bookings_from(
    conn: &mut AnyConnection,
    registration_id: i64,
    from: NaiveDate,
) -> Result<usize, DbError> {
    let live: Vec<(i64, i64, NaiveDate)> = bookings::table
        .filter(bookings::registration_id.eq(registration_id))
        .filter(bookings::day.ge(from))
        .filter(bookings::status.eq(BookingStatus::Booked.as_str()))
        .order((bookings::day, bookings::unit_id))
        .select((bookings::group_id, bookings::unit_id, bookings::day))
        .load(conn)?;
    diesel::delete(
        bookings::table
            .filter(bookings::registration_id.eq(registration_id))
            .filter(bookings::day.ge(from))
            .filter(bookings::status.eq(BookingStatus::Booked.as_str())),
    )
    .execute(conn)?;
    for (group_id, unit_id, day) in &live {
        release_place(conn, *group_id, *unit_id, *day)?;
    }
    Ok(live.len())
}

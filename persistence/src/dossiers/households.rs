//! Separated parents: a child's second household and its custody schedules. The child
//! stays in the dossier it was filed in (its first household); its registrations and
//! bookings keep that dossier's id, and the second household reaches them through
//! [`linked_children`]. Which household has the child on a day is the schedules' to say.
//! An ended link stays, with its schedules, for the days before its end.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::dossiers::CustodySchedule;

use crate::schema::{child_households, children, custody_schedules, dossiers, registrations};
use crate::stored::{Stored, StoredText};
use crate::{AnyConnection, DbError, db_time};

/// The children a dossier holds as their second household now, as a subquery.
pub type LinkedChildren = diesel::dsl::Select<
    diesel::dsl::Filter<
        diesel::dsl::Filter<
            child_households::table,
            diesel::dsl::Eq<child_households::dossier_id, i64>,
        >,
        diesel::dsl::IsNull<child_households::ended_on>,
    >,
    child_households::child_id,
>;

/// The children `dossier_id` is the second household of now (ended links left out).
pub fn linked_children(dossier_id: i64) -> LinkedChildren {
    child_households::table
        .filter(child_households::dossier_id.eq(dossier_id))
        .filter(child_households::ended_on.is_null())
        .select(child_households::child_id)
}

/// The children of a household now: those filed in it and those it shares as their
/// second household. One `IN` list rather than an `OR` of two conditions: PostgreSQL
/// cannot look an `OR`ed subquery up in an index, and scanned every registration.
#[diesel::dsl::auto_type]
pub fn household_children(dossier_id: i64) -> _ {
    let filed: diesel::dsl::Select<
        diesel::dsl::Filter<children::table, diesel::dsl::Eq<children::dossier_id, i64>>,
        children::id,
    > = children::table
        .filter(children::dossier_id.eq(dossier_id))
        .select(children::id);
    let linked: LinkedChildren = linked_children(dossier_id);
    filed.union_all(linked)
}

/// A child with two households: its first (the dossier it was filed in) and second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable)]
pub struct SharedChild {
    pub child_id: i64,
    pub first: i64,
    pub second: i64,
    pub linked_at: NaiveDateTime,
    /// The first day the link no longer holds (every day from it is the first
    /// household's); `None` while it does.
    pub ended_on: Option<NaiveDate>,
}

/// A [`SharedChild`]'s columns: the child, its two households, the link's dates.
type SharedColumns = (
    child_households::child_id,
    children::dossier_id,
    child_households::dossier_id,
    child_households::linked_at,
    child_households::ended_on,
);

const SHARED: SharedColumns = (
    child_households::child_id,
    children::dossier_id,
    child_households::dossier_id,
    child_households::linked_at,
    child_households::ended_on,
);

/// Every link with its child's first household.
fn shared() -> diesel::dsl::Select<
    diesel::dsl::InnerJoin<child_households::table, children::table>,
    SharedColumns,
> {
    child_households::table
        .inner_join(children::table)
        .select(SHARED)
}

/// The child's two households, if it has two now.
pub fn of_child(conn: &mut AnyConnection, child_id: i64) -> Result<Option<SharedChild>, DbError> {
    Ok(shared()
        .filter(child_households::child_id.eq(child_id))
        .filter(child_households::ended_on.is_null())
        .get_result(conn)
        .optional()?)
}

/// The children a dossier shares now with another household.
pub fn of_dossier(conn: &mut AnyConnection, dossier_id: i64) -> Result<Vec<SharedChild>, DbError> {
    Ok(shared()
        .filter(
            child_households::dossier_id
                .eq(dossier_id)
                .or(children::dossier_id.eq(dossier_id)),
        )
        .filter(child_households::ended_on.is_null())
        .order(child_households::child_id)
        .load(conn)?)
}

/// Every child with two households, ended links included (a billing run bills the
/// days before their end).
pub fn all(conn: &mut AnyConnection) -> Result<Vec<SharedChild>, DbError> {
    Ok(shared().order(child_households::child_id).load(conn)?)
}

/// Makes `dossier_id` the child's second household (an ended link of the child and
/// its schedules make way).
pub fn link(
    conn: &mut AnyConnection,
    child_id: i64,
    dossier_id: i64,
    request_id: Option<i64>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let ended = child_households::table
        .filter(child_households::child_id.eq(child_id))
        .filter(child_households::ended_on.is_not_null());
    if diesel::delete(ended).execute(conn)? == 1 {
        diesel::delete(custody_schedules::table.filter(custody_schedules::child_id.eq(child_id)))
            .execute(conn)?;
    }
    diesel::insert_into(child_households::table)
        .values((
            child_households::child_id.eq(child_id),
            child_households::dossier_id.eq(dossier_id),
            child_households::request_id.eq(request_id),
            child_households::linked_by.eq(by),
            child_households::linked_at.eq(db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Ends the child's second household from `on` (kept, with its schedules, for the
/// days before); whether it had one.
pub fn end(conn: &mut AnyConnection, child_id: i64, on: NaiveDate) -> Result<bool, DbError> {
    Ok(diesel::update(
        child_households::table
            .filter(child_households::child_id.eq(child_id))
            .filter(child_households::ended_on.is_null()),
    )
    .set(child_households::ended_on.eq(on))
    .execute(conn)?
        == 1)
}

/// Marks a dossier's contact details confidential (left out of every view of the
/// other household of its children, agents' included); whether the dossier exists.
pub fn set_confidential(
    conn: &mut AnyConnection,
    dossier_id: i64,
    confidential: bool,
) -> Result<bool, DbError> {
    Ok(diesel::update(dossiers::table.find(dossier_id))
        .set(dossiers::contacts_confidential.eq(confidential))
        .execute(conn)?
        == 1)
}

/// A custody schedule as kept: from when it applies, who set it and when.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = custody_schedules)]
pub struct StoredCustody {
    pub child_id: i64,
    pub valid_from: NaiveDate,
    #[diesel(deserialize_as = StoredText<CustodySchedule>)]
    pub schedule: CustodySchedule,
    pub set_by: Option<i64>,
    pub set_at: NaiveDateTime,
}

/// The child's schedules, oldest first.
pub fn schedules_of(
    conn: &mut AnyConnection,
    child_id: i64,
) -> Result<Vec<StoredCustody>, DbError> {
    Ok(custody_schedules::table
        .filter(custody_schedules::child_id.eq(child_id))
        .order(custody_schedules::valid_from)
        .select(StoredCustody::as_select())
        .load(conn)?)
}

/// Every schedule (the planning's instance copy, a whole-city billing run).
pub fn all_schedules(conn: &mut AnyConnection) -> Result<Vec<StoredCustody>, DbError> {
    Ok(custody_schedules::table
        .order((custody_schedules::child_id, custody_schedules::valid_from))
        .select(StoredCustody::as_select())
        .load(conn)?)
}

/// Sets the child's schedule from `valid_from` on: it replaces the schedules that
/// started that day or later, and ends the one running then.
pub fn put_schedule(
    conn: &mut AnyConnection,
    child_id: i64,
    valid_from: NaiveDate,
    schedule: &CustodySchedule,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::delete(
        custody_schedules::table
            .filter(custody_schedules::child_id.eq(child_id))
            .filter(custody_schedules::valid_from.ge(valid_from)),
    )
    .execute(conn)?;
    diesel::insert_into(custody_schedules::table)
        .values((
            custody_schedules::child_id.eq(child_id),
            custody_schedules::valid_from.eq(valid_from),
            custody_schedules::schedule.eq(schedule.encode()?),
            custody_schedules::set_by.eq(by),
            custody_schedules::set_at.eq(db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The live registrations of the children of these households, as (household, child,
/// activity): a shared child's under each of its households (the sibling rate is
/// counted within a household).
pub fn live_registrations_of(
    conn: &mut AnyConnection,
    dossier_ids: &[i64],
) -> Result<Vec<(i64, i64, i64)>, DbError> {
    let live = crate::activities::registrations::is_live(registrations::status);
    let mut rows: Vec<(i64, i64, i64)> = registrations::table
        .inner_join(children::table)
        .filter(children::dossier_id.eq_any(dossier_ids))
        .filter(live)
        .select((
            children::dossier_id,
            registrations::child_id,
            registrations::activity_id,
        ))
        .load(conn)?;
    rows.extend(
        child_households::table
            .inner_join(
                registrations::table.on(registrations::child_id.eq(child_households::child_id)),
            )
            .filter(child_households::dossier_id.eq_any(dossier_ids))
            .filter(live)
            .select((
                child_households::dossier_id,
                registrations::child_id,
                registrations::activity_id,
            ))
            .load::<(i64, i64, i64)>(conn)?,
    );
    Ok(rows)
}

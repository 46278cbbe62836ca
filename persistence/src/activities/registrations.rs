//! Registrations of children to activities. The partial unique index keeps one
//! live registration per child and activity; waiting lines are ordered by id.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::activities::RegistrationStatus;

use crate::schema::{activities, children, registrations};
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = registrations)]
pub struct Registration {
    pub id: i64,
    pub activity_id: i64,
    pub child_id: i64,
    pub dossier_id: i64,
    pub group_id: i64,
    #[diesel(deserialize_as = String)]
    pub status: RegistrationStatus,
    pub entry_date: NaiveDate,
    pub health_form_id: Option<i64>,
    pub reason: Option<String>,
    pub requested_by: Option<i64>,
    pub decided_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = registrations)]
pub struct NewRegistration {
    pub activity_id: i64,
    pub child_id: i64,
    pub dossier_id: i64,
    pub group_id: i64,
    #[diesel(serialize_as = String)]
    pub status: RegistrationStatus,
    pub entry_date: NaiveDate,
    pub health_form_id: Option<i64>,
    pub requested_by: Option<i64>,
}

/// Inserts a registration; a second live one of the child for the activity is a
/// `UniqueViolation`.
pub fn insert(
    conn: &mut AnyConnection,
    new: &NewRegistration,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let now = db_time(now);
    Ok(diesel::insert_into(registrations::table)
        .values((
            new.clone(),
            registrations::created_at.eq(now),
            registrations::updated_at.eq(now),
        ))
        .returning(registrations::id)
        .get_result(conn)?)
}

/// Registrations of the dossier's children: those filed in it, and those it shares as
/// their second household (whose registrations carry the first household's id).
pub(crate) type OfHousehold =
    diesel::dsl::EqAny<registrations::child_id, crate::dossiers::households::household_children>;

pub(crate) fn of_household(dossier_id: i64) -> OfHousehold {
    registrations::child_id.eq_any(crate::dossiers::households::household_children(dossier_id))
}

/// The registration, within `dossier_id` when one is given (a family's lookups).
pub fn find(
    conn: &mut AnyConnection,
    id: i64,
    dossier_id: Option<i64>,
) -> Result<Option<Registration>, DbError> {
    let mut query = registrations::table
        .filter(registrations::id.eq(id))
        .select(Registration::as_select())
        .into_boxed();
    if let Some(dossier_id) = dossier_id {
        query = query.filter(of_household(dossier_id));
    }
    Ok(query.first(conn).optional()?)
}

/// A dossier's registrations (one child's when `child_id` is given), newest first.
pub fn of_dossier(
    conn: &mut AnyConnection,
    dossier_id: i64,
    child_id: Option<i64>,
) -> Result<Vec<Registration>, DbError> {
    let mut query = registrations::table
        .filter(of_household(dossier_id))
        .select(Registration::as_select())
        .order(registrations::id.desc())
        .into_boxed();
    if let Some(child_id) = child_id {
        query = query.filter(registrations::child_id.eq(child_id));
    }
    Ok(query.load(conn)?)
}

/// A registration with its activity's and child's names.
pub type RegistrationWithNames = (Registration, String, String, String);

/// The back office's queue: registrations with `status` (of one activity if
/// given), first come first served.
pub fn queue(
    conn: &mut AnyConnection,
    status: Option<&str>,
    activity_id: Option<i64>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<RegistrationWithNames>, i64), DbError> {
    let query = || {
        let mut query = registrations::table
            .inner_join(activities::table)
            .inner_join(children::table)
            .into_boxed();
        if let Some(status) = status {
            query = query.filter(registrations::status.eq(status.to_owned()));
        }
        if let Some(activity_id) = activity_id {
            query = query.filter(registrations::activity_id.eq(activity_id));
        }
        query
    };
    let total = query().count().get_result(conn)?;
    let rows = query()
        .order(registrations::id)
        .offset(offset)
        .limit(limit)
        .select((
            Registration::as_select(),
            activities::name,
            children::first_name,
            children::last_name,
        ))
        .load(conn)?;
    Ok((rows, total))
}

/// Moves a registration from `from` to `to`; false if it was no longer in `from`
/// (someone acted first).
pub fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    from: RegistrationStatus,
    to: RegistrationStatus,
    reason: Option<&str>,
    decided_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        registrations::table
            .filter(registrations::id.eq(id))
            .filter(registrations::status.eq(from.as_str())),
    )
    .set((
        registrations::status.eq(to.as_str()),
        registrations::reason.eq(reason),
        registrations::decided_by.eq(decided_by),
        registrations::updated_at.eq(db_time(now)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// The first child waiting for a place in the group.
pub fn first_waiting(
    conn: &mut AnyConnection,
    group_id: i64,
) -> Result<Option<Registration>, DbError> {
    Ok(registrations::table
        .filter(registrations::group_id.eq(group_id))
        .filter(registrations::status.eq(RegistrationStatus::Waitlisted.as_str()))
        .order(registrations::id)
        .select(Registration::as_select())
        .first(conn)
        .optional()?)
}

/// A waiting registration's place in line (1 for the first).
pub fn waitlist_position(
    conn: &mut AnyConnection,
    registration: &Registration,
) -> Result<i64, DbError> {
    Ok(registrations::table
        .filter(registrations::group_id.eq(registration.group_id))
        .filter(registrations::status.eq(RegistrationStatus::Waitlisted.as_str()))
        .filter(registrations::id.le(registration.id))
        .count()
        .get_result(conn)?)
}

type StatusIs<S> = diesel::dsl::Eq<S, &'static str>;

/// `status` is a live registration's ([`RegistrationStatus::LIVE`]), as ORed equalities:
/// `IN` with a bound list would keep the statement out of diesel's cache. Generic over
/// the column, so that an alias of `registrations` uses it too.
pub(crate) fn is_live<S>(
    status: S,
) -> diesel::dsl::Or<diesel::dsl::Or<StatusIs<S>, StatusIs<S>>, StatusIs<S>>
where
    S: ExpressionMethods + Expression<SqlType = diesel::sql_types::Text> + Copy,
{
    let [first, second, third] = RegistrationStatus::LIVE.map(RegistrationStatus::as_str);
    status.eq(first).or(status.eq(second)).or(status.eq(third))
}

/// Whether another child of the household (filed in it or shared with it) holds a
/// live registration to the activity (the sibling rate applies).
pub fn has_live_sibling(
    conn: &mut AnyConnection,
    dossier_id: i64,
    activity_id: i64,
    child_id: i64,
) -> Result<bool, DbError> {
    Ok(diesel::select(diesel::dsl::exists(
        registrations::table
            .filter(of_household(dossier_id))
            .filter(registrations::activity_id.eq(activity_id))
            .filter(registrations::child_id.ne(child_id))
            .filter(is_live(registrations::status)),
    ))
    .get_result(conn)?)
}

/// The dossiers with a child accepted to the activity, both households of a child of
/// separated parents, in order.
pub fn accepted_dossiers(conn: &mut AnyConnection, activity_id: i64) -> Result<Vec<i64>, DbError> {
    use crate::schema::child_households;
    let accepted = registrations::table
        .filter(registrations::activity_id.eq(activity_id))
        .filter(registrations::status.eq(RegistrationStatus::Accepted.as_str()));
    let mut dossiers: Vec<i64> = accepted
        .select(registrations::dossier_id)
        .distinct()
        .load(conn)?;
    // The second households of children of separated parents registered to it.
    dossiers.extend(
        child_households::table
            .filter(child_households::ended_on.is_null())
            .filter(child_households::child_id.eq_any(accepted.select(registrations::child_id)))
            .select(child_households::dossier_id)
            .load::<i64>(conn)?,
    );
    dossiers.sort_unstable();
    dossiers.dedup();
    Ok(dossiers)
}

/// The activities the child holds a live registration to.
pub fn live_activities_of_child(
    conn: &mut AnyConnection,
    child_id: i64,
) -> Result<Vec<i64>, DbError> {
    Ok(registrations::table
        .filter(registrations::child_id.eq(child_id))
        .filter(is_live(registrations::status))
        .select(registrations::activity_id)
        .load(conn)?)
}

/// The entry dates of the group's accepted registrations (each child counts from
/// its entry date on).
pub fn accepted_entry_dates(
    conn: &mut AnyConnection,
    group_id: i64,
) -> Result<Vec<NaiveDate>, DbError> {
    Ok(registrations::table
        .filter(registrations::group_id.eq(group_id))
        .filter(registrations::status.eq(RegistrationStatus::Accepted.as_str()))
        .select(registrations::entry_date)
        .load(conn)?)
}

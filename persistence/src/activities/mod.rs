//! The activity catalogue: kinds, activities with their units (prices as JSON
//! brackets) and groups (places). A group's `taken` moves only by the conditional
//! updates here, under the `taken <= capacity` CHECK.

pub mod baskets;
pub mod registrations;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use domain::activities::{Admission, EntryDateRule, PriceBracket, RegistrationMode};
use domain::dossiers::DocumentKind;

use crate::schema::{activities, activity_groups, activity_kinds, activity_units};
use crate::stored::{Stored, StoredText};
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = activity_kinds)]
pub struct ActivityKind {
    pub id: i64,
    pub code: String,
    pub label: String,
}

pub fn kinds(conn: &mut AnyConnection) -> Result<Vec<ActivityKind>, DbError> {
    Ok(activity_kinds::table
        .order(activity_kinds::id)
        .select(ActivityKind::as_select())
        .load(conn)?)
}

/// Adds a kind; an existing code is a `UniqueViolation`.
pub fn insert_kind(conn: &mut AnyConnection, code: &str, label: &str) -> Result<i64, DbError> {
    Ok(diesel::insert_into(activity_kinds::table)
        .values((
            activity_kinds::code.eq(code),
            activity_kinds::label.eq(label),
        ))
        .returning(activity_kinds::id)
        .get_result(conn)?)
}

pub fn find_kind(conn: &mut AnyConnection, id: i64) -> Result<Option<ActivityKind>, DbError> {
    Ok(activity_kinds::table
        .find(id)
        .select(ActivityKind::as_select())
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = activities)]
pub struct Activity {
    pub id: i64,
    pub kind_id: i64,
    pub name: String,
    pub description: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    #[diesel(deserialize_as = StoredText<Admission>)]
    pub eligibility: Admission,
    #[diesel(deserialize_as = String)]
    pub mode: RegistrationMode,
    #[diesel(deserialize_as = String)]
    pub entry_rule: EntryDateRule,
    pub family_chooses_group: bool,
    pub sibling_rate_percent: Option<i32>,
    #[diesel(deserialize_as = StoredText<Vec<DocumentKind>>)]
    pub required_documents: Vec<DocumentKind>,
    pub cancellable: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// What a child present without a booking pays on top of the price, in percent.
    pub unbooked_surcharge_percent: i32,
}

/// What the city sets on an activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityFields {
    pub kind_id: i64,
    pub name: String,
    pub description: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub eligibility: Admission,
    pub mode: RegistrationMode,
    pub entry_rule: EntryDateRule,
    pub family_chooses_group: bool,
    pub sibling_rate_percent: Option<i32>,
    pub required_documents: Vec<DocumentKind>,
    pub cancellable: bool,
    pub unbooked_surcharge_percent: i32,
}

/// [`ActivityFields`] as the table stores them.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = activities, treat_none_as_null = true)]
struct ActivityRow<'a> {
    kind_id: i64,
    name: &'a str,
    description: &'a str,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    eligibility: String,
    mode: &'static str,
    entry_rule: &'static str,
    family_chooses_group: bool,
    sibling_rate_percent: Option<i32>,
    required_documents: String,
    cancellable: bool,
    unbooked_surcharge_percent: i32,
}

impl ActivityFields {
    fn row(&self) -> Result<ActivityRow<'_>, DbError> {
        Ok(ActivityRow {
            kind_id: self.kind_id,
            name: &self.name,
            description: &self.description,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            eligibility: self.eligibility.encode()?,
            mode: self.mode.as_str(),
            entry_rule: self.entry_rule.as_str(),
            family_chooses_group: self.family_chooses_group,
            sibling_rate_percent: self.sibling_rate_percent,
            required_documents: self.required_documents.encode()?,
            cancellable: self.cancellable,
            unbooked_surcharge_percent: self.unbooked_surcharge_percent,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = activity_units)]
pub struct Unit {
    pub id: i64,
    pub activity_id: i64,
    pub position: i32,
    pub name: String,
    pub starts_at: String,
    pub ends_at: String,
    /// 1 (Monday) to 7.
    #[diesel(deserialize_as = StoredText<Vec<u32>>)]
    pub weekdays: Vec<u32>,
    #[diesel(deserialize_as = StoredText<Vec<PriceBracket>>)]
    pub prices: Vec<PriceBracket>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUnit {
    pub name: String,
    pub starts_at: String,
    pub ends_at: String,
    pub weekdays: Vec<u32>,
    pub prices: Vec<PriceBracket>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = activity_groups)]
pub struct Group {
    pub id: i64,
    pub activity_id: i64,
    pub name: String,
    pub capacity: i32,
    pub taken: i32,
}

pub fn insert(
    conn: &mut AnyConnection,
    fields: &ActivityFields,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let now = db_time(now);
    Ok(diesel::insert_into(activities::table)
        .values((
            fields.row()?,
            activities::created_at.eq(now),
            activities::updated_at.eq(now),
        ))
        .returning(activities::id)
        .get_result(conn)?)
}

pub fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<Activity>, DbError> {
    Ok(activities::table
        .find(id)
        .select(Activity::as_select())
        .first(conn)
        .optional()?)
}

/// Activities not ended on `from` (all when `None`), by start date.
pub fn list(
    conn: &mut AnyConnection,
    from: Option<NaiveDate>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Activity>, i64), DbError> {
    let query = || {
        let mut query = activities::table.into_boxed();
        if let Some(from) = from {
            query = query.filter(activities::ends_on.ge(from));
        }
        query
    };
    let total = query().count().get_result(conn)?;
    let rows = query()
        .order((activities::starts_on, activities::id))
        .offset(offset)
        .limit(limit)
        .select(Activity::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Writes `fields` if the activity is still at `version`.
pub fn update(
    conn: &mut AnyConnection,
    id: i64,
    version: i64,
    fields: &ActivityFields,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        activities::table
            .filter(activities::id.eq(id))
            .filter(activities::version.eq(version)),
    )
    .set((
        fields.row()?,
        activities::version.eq(activities::version + 1),
        activities::updated_at.eq(db_time(now)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

pub fn units_of(conn: &mut AnyConnection, activity_id: i64) -> Result<Vec<Unit>, DbError> {
    Ok(activity_units::table
        .filter(activity_units::activity_id.eq(activity_id))
        .order(activity_units::position)
        .select(Unit::as_select())
        .load(conn)?)
}

/// Sets the activity's units, position by position: a unit keeps its id (and with it
/// its bookings) when it is edited; units past the new list are deleted with theirs.
pub fn replace_units(
    conn: &mut AnyConnection,
    activity_id: i64,
    units: &[NewUnit],
) -> Result<(), DbError> {
    let count = i32::try_from(units.len()).unwrap_or(i32::MAX);
    diesel::delete(
        activity_units::table
            .filter(activity_units::activity_id.eq(activity_id))
            .filter(activity_units::position.ge(count)),
    )
    .execute(conn)?;
    for (position, unit) in (0..).zip(units) {
        let (weekdays, prices) = (unit.weekdays.encode()?, unit.prices.encode()?);
        let changes = (
            activity_units::name.eq(&unit.name),
            activity_units::starts_at.eq(&unit.starts_at),
            activity_units::ends_at.eq(&unit.ends_at),
            activity_units::weekdays.eq(&weekdays),
            activity_units::prices.eq(&prices),
        );
        let updated = diesel::update(
            activity_units::table
                .filter(activity_units::activity_id.eq(activity_id))
                .filter(activity_units::position.eq(position)),
        )
        .set(changes)
        .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(activity_units::table)
                .values((
                    activity_units::activity_id.eq(activity_id),
                    activity_units::position.eq(position),
                    changes,
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

pub fn groups_of(conn: &mut AnyConnection, activity_id: i64) -> Result<Vec<Group>, DbError> {
    Ok(activity_groups::table
        .filter(activity_groups::activity_id.eq(activity_id))
        .order(activity_groups::id)
        .select(Group::as_select())
        .load(conn)?)
}

pub fn find_group(conn: &mut AnyConnection, id: i64) -> Result<Option<Group>, DbError> {
    Ok(activity_groups::table
        .find(id)
        .select(Group::as_select())
        .first(conn)
        .optional()?)
}

pub fn insert_group(
    conn: &mut AnyConnection,
    activity_id: i64,
    name: &str,
    capacity: i32,
) -> Result<i64, DbError> {
    Ok(diesel::insert_into(activity_groups::table)
        .values((
            activity_groups::activity_id.eq(activity_id),
            activity_groups::name.eq(name),
            activity_groups::capacity.eq(capacity),
        ))
        .returning(activity_groups::id)
        .get_result(conn)?)
}

/// Renames a group and sets its capacity, never below the places already taken;
/// false if that would be the case.
pub fn update_group(
    conn: &mut AnyConnection,
    id: i64,
    name: &str,
    capacity: i32,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        activity_groups::table
            .filter(activity_groups::id.eq(id))
            .filter(activity_groups::taken.le(capacity)),
    )
    .set((
        activity_groups::name.eq(name),
        activity_groups::capacity.eq(capacity),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Takes one place in the group if one is left: one statement, so two requests
/// can never take the last place twice.
pub fn take_place(conn: &mut AnyConnection, group_id: i64) -> Result<bool, DbError> {
    let changed = diesel::update(
        activity_groups::table
            .filter(activity_groups::id.eq(group_id))
            .filter(activity_groups::taken.lt(activity_groups::capacity)),
    )
    .set(activity_groups::taken.eq(activity_groups::taken + 1))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Gives a place back.
pub fn release_place(conn: &mut AnyConnection, group_id: i64) -> Result<(), DbError> {
    diesel::update(
        activity_groups::table
            .filter(activity_groups::id.eq(group_id))
            .filter(activity_groups::taken.gt(0)),
    )
    .set(activity_groups::taken.eq(activity_groups::taken - 1))
    .execute(conn)?;
    Ok(())
}

// --- capacities by day ---

use crate::schema::group_day_capacities;

/// The group's capacities set for particular days, by day.
pub fn day_capacities(
    conn: &mut AnyConnection,
    group_id: i64,
) -> Result<Vec<(NaiveDate, i32)>, DbError> {
    Ok(group_day_capacities::table
        .filter(group_day_capacities::group_id.eq(group_id))
        .order(group_day_capacities::day)
        .select((group_day_capacities::day, group_day_capacities::capacity))
        .load(conn)?)
}

/// Sets (or, with `None`, removes) the group's capacity on a day.
pub fn set_day_capacity(
    conn: &mut AnyConnection,
    group_id: i64,
    day: NaiveDate,
    capacity: Option<i32>,
) -> Result<(), DbError> {
    diesel::delete(
        group_day_capacities::table
            .filter(group_day_capacities::group_id.eq(group_id))
            .filter(group_day_capacities::day.eq(day)),
    )
    .execute(conn)?;
    if let Some(capacity) = capacity {
        diesel::insert_into(group_day_capacities::table)
            .values((
                group_day_capacities::group_id.eq(group_id),
                group_day_capacities::day.eq(day),
                group_day_capacities::capacity.eq(capacity),
            ))
            .execute(conn)?;
    }
    Ok(())
}

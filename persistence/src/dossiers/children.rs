//! Children of a dossier, with their health information. `version` is the child's
//! ETag; changes to the child or its health bump it.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use domain::dossiers::{Diet, SchoolLevel, Vaccination};

use crate::schema::{child_health, children};
use crate::stored::{NullableText, Stored, StoredText};
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = children)]
pub struct Child {
    pub id: i64,
    pub dossier_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: NaiveDate,
    pub school: Option<String>,
    #[diesel(deserialize_as = NullableText)]
    pub school_level: Option<SchoolLevel>,
    #[diesel(deserialize_as = String)]
    pub diet: Diet,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What identifies a child and how the school and the canteen see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildFields {
    pub first_name: String,
    pub last_name: String,
    pub birth_date: NaiveDate,
    pub school: Option<String>,
    pub school_level: Option<SchoolLevel>,
    pub diet: Diet,
}

/// [`ChildFields`] as the table stores them.
#[derive(AsChangeset, Insertable)]
#[diesel(table_name = children, treat_none_as_null = true)]
struct ChildRow<'a> {
    first_name: &'a str,
    last_name: &'a str,
    birth_date: NaiveDate,
    school: Option<&'a str>,
    school_level: Option<&'static str>,
    diet: &'static str,
}

impl ChildFields {
    fn row(&self) -> ChildRow<'_> {
        ChildRow {
            first_name: &self.first_name,
            last_name: &self.last_name,
            birth_date: self.birth_date,
            school: self.school.as_deref(),
            school_level: self.school_level.map(SchoolLevel::as_str),
            diet: self.diet.as_str(),
        }
    }
}

/// Health information: allergies, care plan (PAI), doctor, vaccinations.
#[derive(Debug, Clone, PartialEq, Eq, Default, Queryable, Selectable)]
#[diesel(table_name = child_health)]
pub struct HealthFields {
    pub allergies: String,
    pub care_plan: bool,
    pub care_plan_details: String,
    pub doctor_name: String,
    pub doctor_phone: String,
    #[diesel(deserialize_as = StoredText<Vec<Vaccination>>)]
    pub vaccinations: Vec<Vaccination>,
}

/// [`HealthFields`] as the table stores them (vaccinations as JSON).
#[derive(Insertable)]
#[diesel(table_name = child_health)]
struct HealthRow<'a> {
    allergies: &'a str,
    care_plan: bool,
    care_plan_details: &'a str,
    doctor_name: &'a str,
    doctor_phone: &'a str,
    vaccinations: String,
}

impl HealthFields {
    fn row(&self) -> Result<HealthRow<'_>, DbError> {
        Ok(HealthRow {
            allergies: &self.allergies,
            care_plan: self.care_plan,
            care_plan_details: &self.care_plan_details,
            doctor_name: &self.doctor_name,
            doctor_phone: &self.doctor_phone,
            vaccinations: self.vaccinations.encode()?,
        })
    }
}

pub fn insert(
    conn: &mut AnyConnection,
    dossier_id: i64,
    fields: &ChildFields,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let now = db_time(now);
    Ok(diesel::insert_into(children::table)
        .values((
            children::dossier_id.eq(dossier_id),
            fields.row(),
            children::created_at.eq(now),
            children::updated_at.eq(now),
        ))
        .returning(children::id)
        .get_result(conn)?)
}

/// The child, if it belongs to `dossier_id` when one is given (a family's lookups):
/// filed in it, or shared with it as its second household.
pub fn find(
    conn: &mut AnyConnection,
    id: i64,
    dossier_id: Option<i64>,
) -> Result<Option<Child>, DbError> {
    // The id is the key: no LIMIT, so SQLite keeps the prepared statement; not boxed,
    // as diesel would write a boxed query's SQL out at every call to find it cached.
    Ok(crate::native::on_backend!(conn, |c| {
        let query = children::table
            .filter(children::id.eq(id))
            .select(Child::as_select());
        match dossier_id {
            Some(dossier_id) => query
                .filter(
                    children::dossier_id
                        .eq(dossier_id)
                        .or(children::id.eq_any(super::households::linked_children(dossier_id))),
                )
                .get_result(c),
            None => query.get_result(c),
        }
        .optional()
    })?)
}

/// Every child of the city (a whole-city run).
pub fn all(conn: &mut AnyConnection) -> Result<Vec<Child>, DbError> {
    Ok(children::table
        .order(children::id)
        .select(Child::as_select())
        .load(conn)?)
}

/// The dossier's children, eldest first, those it shares as their second household
/// included.
pub fn of_dossier(conn: &mut AnyConnection, dossier_id: i64) -> Result<Vec<Child>, DbError> {
    Ok(children::table
        .filter(
            children::dossier_id
                .eq(dossier_id)
                .or(children::id.eq_any(super::households::linked_children(dossier_id))),
        )
        .order((children::birth_date, children::id))
        .select(Child::as_select())
        .load(conn)?)
}

/// Writes `fields` if the child is still at `version`.
pub fn update(
    conn: &mut AnyConnection,
    id: i64,
    version: i64,
    fields: &ChildFields,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        children::table
            .filter(children::id.eq(id))
            .filter(children::version.eq(version)),
    )
    .set((
        fields.row(),
        children::version.eq(children::version + 1),
        children::updated_at.eq(db_time(now)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// The child's health information (empty until someone fills it in).
pub fn health(conn: &mut AnyConnection, child_id: i64) -> Result<HealthFields, DbError> {
    Ok(child_health::table
        .find(child_id)
        .select(HealthFields::as_select())
        .first(conn)
        .optional()?
        .unwrap_or_default())
}

/// Writes the health information if the child is still at `version`.
pub fn update_health(
    conn: &mut AnyConnection,
    id: i64,
    version: i64,
    health: &HealthFields,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        children::table
            .filter(children::id.eq(id))
            .filter(children::version.eq(version)),
    )
    .set((
        children::version.eq(children::version + 1),
        children::updated_at.eq(db_time(now)),
    ))
    .execute(conn)?;
    if changed != 1 {
        return Ok(false);
    }
    diesel::delete(child_health::table.find(id)).execute(conn)?;
    diesel::insert_into(child_health::table)
        .values((
            child_health::child_id.eq(id),
            health.row()?,
            child_health::updated_at.eq(db_time(now)),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Inserts many children at once (an import), 500 rows per statement. Batch inserts
/// are not expressible on `AnyConnection`, so the statement is built per backend.
pub fn insert_many(
    conn: &mut AnyConnection,
    rows: &[(i64, ChildFields)],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let now = db_time(now);
    for chunk in rows.chunks(500) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(dossier_id, fields)| {
                (
                    children::dossier_id.eq(*dossier_id),
                    fields.row(),
                    children::created_at.eq(now),
                    children::updated_at.eq(now),
                )
            })
            .collect();
        let insert = diesel::insert_into(children::table).values(values);
        match conn {
            AnyConnection::Postgresql(pg) => insert.execute(pg)?,
            AnyConnection::Sqlite(sqlite) => insert.execute(sqlite)?,
        };
    }
    Ok(())
}

/// The first names of the children, by id (chunked: any number of ids).
pub fn first_names(
    conn: &mut AnyConnection,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, DbError> {
    let mut names = std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, String)> = children::table
            .filter(children::id.eq_any(chunk))
            .select((children::id, children::first_name))
            .load(conn)?;
        names.extend(rows);
    }
    Ok(names)
}

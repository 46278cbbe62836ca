//! The city's family files: contact details, guardians and named contacts. The
//! `version` column is the dossier's ETag; every change bumps it.

pub mod children;
pub mod documents;
pub mod households;
pub mod imports;
pub mod quotients;
pub mod renewals;
pub mod requests;
pub mod requirements;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use domain::dossiers::{ContactKind, Relationship};

use crate::schema::{dossier_contacts, dossiers, guardians};
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = dossiers)]
pub struct Dossier {
    pub id: i64,
    pub number: String,
    pub name: String,
    pub email: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub address_line1: String,
    pub address_line2: String,
    pub postcode: String,
    pub city: String,
    pub home_phone: Option<String>,
    pub mobile_phone: Option<String>,
    pub work_phone: Option<String>,
    pub version: i64,
    /// Left out of every view of the other household of its children.
    pub contacts_confidential: bool,
}

/// What an agent sets on a dossier: its number and name, and the contact details.
#[derive(Debug, Clone, PartialEq, Eq, Default, AsChangeset, Insertable)]
#[diesel(table_name = dossiers, treat_none_as_null = true)]
pub struct DossierFields {
    pub number: String,
    pub name: String,
    #[diesel(embed)]
    pub details: ContactDetails,
}

/// The contact details a family may change.
#[derive(Debug, Clone, PartialEq, Eq, Default, AsChangeset, Insertable)]
#[diesel(table_name = dossiers, treat_none_as_null = true)]
pub struct ContactDetails {
    /// Lowercased: sign-up compares it.
    pub email: Option<String>,
    pub address_line1: String,
    pub address_line2: String,
    pub postcode: String,
    pub city: String,
    pub home_phone: Option<String>,
    pub mobile_phone: Option<String>,
    pub work_phone: Option<String>,
}

impl From<&Dossier> for ContactDetails {
    fn from(d: &Dossier) -> Self {
        Self {
            email: d.email.clone(),
            address_line1: d.address_line1.clone(),
            address_line2: d.address_line2.clone(),
            postcode: d.postcode.clone(),
            city: d.city.clone(),
            home_phone: d.home_phone.clone(),
            mobile_phone: d.mobile_phone.clone(),
            work_phone: d.work_phone.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = guardians)]
pub struct Guardian {
    pub id: i64,
    pub dossier_id: i64,
    pub position: i32,
    #[diesel(deserialize_as = String)]
    pub relationship: Relationship,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub mobile_phone: Option<String>,
    pub work_phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGuardian {
    pub relationship: Relationship,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub mobile_phone: Option<String>,
    pub work_phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = dossier_contacts)]
pub struct Contact {
    pub id: i64,
    pub dossier_id: i64,
    pub position: i32,
    #[diesel(deserialize_as = String)]
    pub kind: ContactKind,
    pub first_name: String,
    pub last_name: String,
    pub relationship: String,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContact {
    pub kind: ContactKind,
    pub first_name: String,
    pub last_name: String,
    pub relationship: String,
    pub phone: String,
}

/// The minimal dossier sign-up's tests and the demo need: number, name, email.
pub fn insert(
    conn: &mut AnyConnection,
    number: &str,
    name: &str,
    email: Option<&str>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    create(
        conn,
        &DossierFields {
            number: number.to_owned(),
            name: name.to_owned(),
            details: ContactDetails {
                email: email.map(str::to_owned),
                ..ContactDetails::default()
            },
        },
        now,
    )
}

pub fn create(
    conn: &mut AnyConnection,
    fields: &DossierFields,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let now = db_time(now);
    Ok(diesel::insert_into(dossiers::table)
        .values((
            fields,
            dossiers::created_at.eq(now),
            dossiers::updated_at.eq(now),
        ))
        .returning(dossiers::id)
        .get_result(conn)?)
}

/// Every dossier number the city holds (for an import's dry run).
pub fn all_numbers(conn: &mut AnyConnection) -> Result<Vec<String>, DbError> {
    Ok(dossiers::table.select(dossiers::number).load(conn)?)
}

pub fn find_by_number(conn: &mut AnyConnection, number: &str) -> Result<Option<Dossier>, DbError> {
    Ok(dossiers::table
        .filter(dossiers::number.eq(number))
        .select(Dossier::as_select())
        .first(conn)
        .optional()?)
}

/// Every dossier, by id (a whole-city run).
pub fn all(conn: &mut AnyConnection) -> Result<Vec<Dossier>, DbError> {
    Ok(dossiers::table
        .order(dossiers::id)
        .select(Dossier::as_select())
        .load(conn)?)
}

pub fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<Dossier>, DbError> {
    Ok(dossiers::table
        .find(id)
        .select(Dossier::as_select())
        .first(conn)
        .optional()?)
}

/// Writes `fields` if the dossier is still at `version`; false if it moved on (or
/// does not exist).
pub fn update(
    conn: &mut AnyConnection,
    id: i64,
    version: i64,
    fields: &DossierFields,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        dossiers::table
            .filter(dossiers::id.eq(id))
            .filter(dossiers::version.eq(version)),
    )
    .set((
        fields,
        dossiers::version.eq(dossiers::version + 1),
        dossiers::updated_at.eq(db_time(now)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Applies a family's (or an approved) change of contact details.
pub fn update_contact_details(
    conn: &mut AnyConnection,
    id: i64,
    details: &ContactDetails,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::update(dossiers::table.filter(dossiers::id.eq(id)))
        .set((
            details,
            dossiers::version.eq(dossiers::version + 1),
            dossiers::updated_at.eq(db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn guardians_of(conn: &mut AnyConnection, dossier_id: i64) -> Result<Vec<Guardian>, DbError> {
    Ok(guardians::table
        .filter(guardians::dossier_id.eq(dossier_id))
        .order(guardians::position)
        .select(Guardian::as_select())
        .load(conn)?)
}

pub fn contacts_of(conn: &mut AnyConnection, dossier_id: i64) -> Result<Vec<Contact>, DbError> {
    Ok(dossier_contacts::table
        .filter(dossier_contacts::dossier_id.eq(dossier_id))
        .order(dossier_contacts::position)
        .select(Contact::as_select())
        .load(conn)?)
}

/// Replaces the dossier's guardians with `list`, in its order.
pub fn replace_guardians(
    conn: &mut AnyConnection,
    dossier_id: i64,
    list: &[NewGuardian],
) -> Result<(), DbError> {
    diesel::delete(guardians::table.filter(guardians::dossier_id.eq(dossier_id))).execute(conn)?;
    let rows: Vec<(i64, &NewGuardian)> = list.iter().map(|g| (dossier_id, g)).collect();
    insert_guardians(conn, &rows)
}

/// Adds guardians to dossiers (each dossier's in their order), 500 rows per
/// statement; built per backend, as batch inserts are not expressible on
/// `AnyConnection`.
pub fn insert_guardians(
    conn: &mut AnyConnection,
    rows: &[(i64, &NewGuardian)],
) -> Result<(), DbError> {
    let mut positions: std::collections::HashMap<i64, i32> = std::collections::HashMap::new();
    let values: Vec<_> = rows
        .iter()
        .map(|(dossier_id, g)| {
            let position = positions.entry(*dossier_id).or_insert(0);
            *position += 1;
            (
                guardians::dossier_id.eq(*dossier_id),
                guardians::position.eq(*position),
                guardians::relationship.eq(g.relationship.as_str()),
                guardians::first_name.eq(g.first_name.clone()),
                guardians::last_name.eq(g.last_name.clone()),
                guardians::email.eq(g.email.clone()),
                guardians::mobile_phone.eq(g.mobile_phone.clone()),
                guardians::work_phone.eq(g.work_phone.clone()),
            )
        })
        .collect();
    for chunk in values.chunks(500) {
        let insert = diesel::insert_into(guardians::table).values(chunk.to_vec());
        match conn {
            AnyConnection::Postgresql(pg) => insert.execute(pg)?,
            AnyConnection::Sqlite(sqlite) => insert.execute(sqlite)?,
        };
    }
    Ok(())
}

/// Replaces the dossier's pick-up and emergency contacts with `list`.
pub fn replace_contacts(
    conn: &mut AnyConnection,
    dossier_id: i64,
    list: &[NewContact],
) -> Result<(), DbError> {
    diesel::delete(dossier_contacts::table.filter(dossier_contacts::dossier_id.eq(dossier_id)))
        .execute(conn)?;
    for (position, c) in (0..).zip(list) {
        diesel::insert_into(dossier_contacts::table)
            .values((
                dossier_contacts::dossier_id.eq(dossier_id),
                dossier_contacts::position.eq(position),
                dossier_contacts::kind.eq(c.kind.as_str()),
                dossier_contacts::first_name.eq(&c.first_name),
                dossier_contacts::last_name.eq(&c.last_name),
                dossier_contacts::relationship.eq(&c.relationship),
                dossier_contacts::phone.eq(&c.phone),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A page of dossiers, by number, matching `search` (the start of the number, or
/// the start of the dossier's name or of a child's first or last name, any case).
pub fn search(
    conn: &mut AnyConnection,
    search: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Dossier>, i64), DbError> {
    use diesel::sql_types::{Bool, Text};
    let query = || {
        let mut query = dossiers::table.into_boxed();
        if let Some(search) = search {
            let pattern = format!("{}%", crate::escape_like(&search.to_lowercase()));
            let child_named = crate::schema::children::table
                .filter(crate::schema::children::dossier_id.eq(dossiers::id))
                .filter(
                    diesel::dsl::sql::<Bool>("(lower(children.first_name) LIKE ")
                        .bind::<Text, _>(pattern.clone())
                        .sql(" ESCAPE '\\' OR lower(children.last_name) LIKE ")
                        .bind::<Text, _>(pattern.clone())
                        .sql(" ESCAPE '\\')"),
                )
                .select(crate::schema::children::id);
            query = query.filter(
                diesel::dsl::sql::<Bool>("(lower(dossiers.number) LIKE ")
                    .bind::<Text, _>(pattern.clone())
                    .sql(" ESCAPE '\\' OR lower(dossiers.name) LIKE ")
                    .bind::<Text, _>(pattern)
                    .sql(" ESCAPE '\\')")
                    .or(diesel::dsl::exists(child_named)),
            );
        }
        query
    };
    let total: i64 = query().count().get_result(conn)?;
    let rows = query()
        .select(Dossier::as_select())
        .order((dossiers::number, dossiers::id))
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((rows, total))
}

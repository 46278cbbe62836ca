//! The city's family files, as far as sign-up needs them.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::schema::dossiers;
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
}

pub fn insert(
    conn: &mut AnyConnection,
    number: &str,
    name: &str,
    email: Option<&str>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let now = db_time(now);
    Ok(diesel::insert_into(dossiers::table)
        .values((
            dossiers::number.eq(number),
            dossiers::name.eq(name),
            dossiers::email.eq(email),
            dossiers::created_at.eq(now),
            dossiers::updated_at.eq(now),
        ))
        .returning(dossiers::id)
        .get_result(conn)?)
}

pub fn find_by_number(conn: &mut AnyConnection, number: &str) -> Result<Option<Dossier>, DbError> {
    Ok(dossiers::table
        .filter(dossiers::number.eq(number))
        .select(Dossier::as_select())
        .first(conn)
        .optional()?)
}

pub fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<Dossier>, DbError> {
    Ok(dossiers::table
        .find(id)
        .select(Dossier::as_select())
        .first(conn)
        .optional()?)
}

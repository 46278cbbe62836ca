//! Dossier imports: the checked CSV kept until an agent confirms it.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::dossiers::ImportStatus;

use crate::schema::dossier_imports;
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = dossier_imports)]
pub struct DossierImport {
    pub id: i64,
    #[diesel(deserialize_as = String)]
    pub status: ImportStatus,
    pub file_name: String,
    pub content: String,
    pub rows_total: i64,
    pub rows_rejected: i64,
    pub dossiers_planned: i64,
    pub children_planned: i64,
    pub report: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub imported_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = dossier_imports)]
pub struct NewImport<'a> {
    pub status: &'a str,
    pub file_name: &'a str,
    pub content: &'a str,
    pub rows_total: i64,
    pub rows_rejected: i64,
    pub dossiers_planned: i64,
    pub children_planned: i64,
    pub report: &'a str,
    pub created_by: Option<i64>,
}

pub fn insert(
    conn: &mut AnyConnection,
    new: &NewImport,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    Ok(diesel::insert_into(dossier_imports::table)
        .values((new, dossier_imports::created_at.eq(db_time(now))))
        .returning(dossier_imports::id)
        .get_result(conn)?)
}

pub fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<DossierImport>, DbError> {
    Ok(dossier_imports::table
        .find(id)
        .select(DossierImport::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a checked import as imported; false if it already was (a second confirm).
pub fn mark_imported(
    conn: &mut AnyConnection,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        dossier_imports::table
            .filter(dossier_imports::id.eq(id))
            .filter(dossier_imports::status.eq(ImportStatus::Checked.as_str())),
    )
    .set((
        dossier_imports::status.eq(ImportStatus::Imported.as_str()),
        dossier_imports::imported_at.eq(db_time(now)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

pub fn delete_created_before(
    conn: &mut AnyConnection,
    before: DateTime<Utc>,
) -> Result<usize, DbError> {
    Ok(diesel::delete(
        dossier_imports::table.filter(dossier_imports::created_at.lt(db_time(before))),
    )
    .execute(conn)?)
}

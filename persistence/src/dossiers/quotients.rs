//! Family quotients recorded on a dossier, each with its period and proof.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::schema::family_quotients;
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = family_quotients)]
pub struct FamilyQuotient {
    pub id: i64,
    pub dossier_id: i64,
    pub quotient: i64,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub proof_document_id: Option<i64>,
    pub recorded_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = family_quotients)]
pub struct NewFamilyQuotient {
    pub dossier_id: i64,
    pub quotient: i64,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub proof_document_id: Option<i64>,
    pub recorded_by: Option<i64>,
}

pub fn insert(
    conn: &mut AnyConnection,
    new: &NewFamilyQuotient,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    Ok(diesel::insert_into(family_quotients::table)
        .values((new, family_quotients::created_at.eq(db_time(now))))
        .returning(family_quotients::id)
        .get_result(conn)?)
}

/// The dossier's quotients, latest period first.
pub fn of_dossier(
    conn: &mut AnyConnection,
    dossier_id: i64,
) -> Result<Vec<FamilyQuotient>, DbError> {
    Ok(crate::native::on_backend!(conn, |c| {
        family_quotients::table
            .filter(family_quotients::dossier_id.eq(dossier_id))
            .order((
                family_quotients::valid_from.desc(),
                family_quotients::id.desc(),
            ))
            .select(FamilyQuotient::as_select())
            .load(c)
    })?)
}

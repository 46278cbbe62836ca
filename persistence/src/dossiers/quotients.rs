//! Family quotients recorded on a dossier, each with its period, proof and source,
//! and the lookups made at API Particulier with the family's consent.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::dossiers::{LookupOutcome, QuotientProvider, QuotientSource};

use crate::schema::{family_quotients, quotient_lookups};
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
    #[diesel(deserialize_as = String)]
    pub source: QuotientSource,
    /// The CAF or MSA, for a looked-up quotient.
    #[diesel(deserialize_as = crate::stored::NullableStored<QuotientProvider>)]
    pub provider: Option<QuotientProvider>,
    /// `YYYY-MM`: the month the provider computed it for.
    pub reference_month: Option<String>,
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
    pub source: String,
    pub provider: Option<String>,
    pub reference_month: Option<String>,
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

/// One lookup at API Particulier: who asked, when the family consented, its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = quotient_lookups)]
pub struct NewQuotientLookup {
    pub dossier_id: i64,
    pub asked_by: Option<i64>,
    pub consented_at: NaiveDateTime,
    /// `found`, `not_found`, `several_found` or `unavailable`.
    pub outcome: String,
    pub quotient_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = quotient_lookups)]
pub struct QuotientLookup {
    pub id: i64,
    pub dossier_id: i64,
    pub asked_by: Option<i64>,
    pub consented_at: NaiveDateTime,
    #[diesel(deserialize_as = String)]
    pub outcome: LookupOutcome,
    pub quotient_id: Option<i64>,
}

pub fn insert_lookup(conn: &mut AnyConnection, new: &NewQuotientLookup) -> Result<i64, DbError> {
    Ok(diesel::insert_into(quotient_lookups::table)
        .values(new)
        .returning(quotient_lookups::id)
        .get_result(conn)?)
}

/// The dossier's lookups, latest first.
pub fn lookups_of_dossier(
    conn: &mut AnyConnection,
    dossier_id: i64,
) -> Result<Vec<QuotientLookup>, DbError> {
    Ok(quotient_lookups::table
        .filter(quotient_lookups::dossier_id.eq(dossier_id))
        .order(quotient_lookups::id.desc())
        .select(QuotientLookup::as_select())
        .load(conn)?)
}

//! The documents the city requires: one requirement per kind of document.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::dossiers::{DocumentKind, RequirementScope, Validity, ValidityRule};

use crate::schema::document_requirements;
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = document_requirements)]
pub struct Requirement {
    #[diesel(deserialize_as = String)]
    pub kind: DocumentKind,
    /// What the family is asked for, in French ("Attestation d'assurance scolaire").
    pub label: String,
    #[diesel(deserialize_as = String)]
    pub scope: RequirementScope,
    #[diesel(deserialize_as = String)]
    pub validity: ValidityRule,
    pub validity_months: Option<i32>,
    pub updated_at: NaiveDateTime,
}

impl Requirement {
    pub fn validity(&self) -> Validity {
        Validity {
            rule: self.validity,
            months: self.validity_months.and_then(|m| u32::try_from(m).ok()),
        }
    }
}

/// A requirement as an admin sets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequirementFields {
    pub label: String,
    pub scope: RequirementScope,
    pub validity: ValidityRule,
    pub validity_months: Option<i32>,
}

/// Every requirement, in the order of their kinds.
pub fn list(conn: &mut AnyConnection) -> Result<Vec<Requirement>, DbError> {
    Ok(document_requirements::table
        .order(document_requirements::kind)
        .select(Requirement::as_select())
        .load(conn)?)
}

pub fn find(conn: &mut AnyConnection, kind: DocumentKind) -> Result<Option<Requirement>, DbError> {
    Ok(document_requirements::table
        .filter(document_requirements::kind.eq(kind.as_str()))
        .select(Requirement::as_select())
        .first(conn)
        .optional()?)
}

/// Creates or replaces the requirement of `kind`; true when it was created.
pub fn put(
    conn: &mut AnyConnection,
    kind: DocumentKind,
    fields: &RequirementFields,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let values = (
        document_requirements::label.eq(&fields.label),
        document_requirements::scope.eq(fields.scope.as_str()),
        document_requirements::validity.eq(fields.validity.as_str()),
        document_requirements::validity_months.eq(fields.validity_months),
        document_requirements::updated_at.eq(db_time(now)),
    );
    let updated = diesel::update(
        document_requirements::table.filter(document_requirements::kind.eq(kind.as_str())),
    )
    .set(values)
    .execute(conn)?;
    if updated > 0 {
        return Ok(false);
    }
    diesel::insert_into(document_requirements::table)
        .values((document_requirements::kind.eq(kind.as_str()), values))
        .execute(conn)?;
    Ok(true)
}

/// Removes the requirement of `kind`; false when there was none.
pub fn delete(conn: &mut AnyConnection, kind: DocumentKind) -> Result<bool, DbError> {
    Ok(diesel::delete(
        document_requirements::table.filter(document_requirements::kind.eq(kind.as_str())),
    )
    .execute(conn)?
        > 0)
}

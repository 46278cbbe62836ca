//! Terms of use and privacy policy versions, and who accepted which.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::accounts::LegalDocumentKind;

use crate::schema::{consents, legal_documents};
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = legal_documents)]
pub struct LegalDocument {
    pub id: i64,
    #[diesel(deserialize_as = String)]
    pub kind: LegalDocumentKind,
    pub version: String,
    pub title: String,
    pub body: String,
    pub published_at: NaiveDateTime,
}

/// Publishes a version; the same kind and version twice is a `UniqueViolation`.
pub fn publish(
    conn: &mut AnyConnection,
    kind: LegalDocumentKind,
    version: &str,
    title: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    Ok(diesel::insert_into(legal_documents::table)
        .values((
            legal_documents::kind.eq(kind.as_str()),
            legal_documents::version.eq(version),
            legal_documents::title.eq(title),
            legal_documents::body.eq(body),
            legal_documents::published_at.eq(db_time(now)),
        ))
        .returning(legal_documents::id)
        .get_result(conn)?)
}

/// The newest published version of a kind.
pub fn current(
    conn: &mut AnyConnection,
    kind: LegalDocumentKind,
) -> Result<Option<LegalDocument>, DbError> {
    Ok(legal_documents::table
        .filter(legal_documents::kind.eq(kind.as_str()))
        .order((
            legal_documents::published_at.desc(),
            legal_documents::id.desc(),
        ))
        .select(LegalDocument::as_select())
        .first(conn)
        .optional()?)
}

pub fn versions(
    conn: &mut AnyConnection,
    kind: LegalDocumentKind,
) -> Result<Vec<LegalDocument>, DbError> {
    Ok(legal_documents::table
        .filter(legal_documents::kind.eq(kind.as_str()))
        .order((
            legal_documents::published_at.desc(),
            legal_documents::id.desc(),
        ))
        .select(LegalDocument::as_select())
        .load(conn)?)
}

/// The newest version of each kind of legal document (the latest published, then the
/// highest id) that the account `$account_id` has not accepted, as a query on
/// `legal_documents`: [`missing_consents`] lists them, and the session lookup every
/// authenticated request makes asks whether there is one. A macro, as the query's type
/// cannot be written; in the DSL, so that both backends keep it prepared.
macro_rules! unaccepted_current {
    ($account_id:expr) => {{
        let newer = diesel::alias!(crate::schema::legal_documents as newer);
        crate::schema::legal_documents::table
            .filter(diesel::dsl::not(diesel::dsl::exists(
                newer
                    .filter(
                        newer
                            .field(crate::schema::legal_documents::kind)
                            .eq(crate::schema::legal_documents::kind),
                    )
                    .filter(
                        newer
                            .field(crate::schema::legal_documents::published_at)
                            .gt(crate::schema::legal_documents::published_at)
                            .or(newer
                                .field(crate::schema::legal_documents::published_at)
                                .eq(crate::schema::legal_documents::published_at)
                                .and(
                                    newer
                                        .field(crate::schema::legal_documents::id)
                                        .gt(crate::schema::legal_documents::id),
                                )),
                    ),
            )))
            .filter(diesel::dsl::not(diesel::dsl::exists(
                crate::schema::consents::table
                    .filter(
                        crate::schema::consents::document_id.eq(crate::schema::legal_documents::id),
                    )
                    .filter(crate::schema::consents::account_id.eq($account_id)),
            )))
    }};
}
pub(crate) use unaccepted_current;

/// The kinds (`terms`, `privacy`) whose newest version the account has not
/// accepted, the terms first (as a client shows them).
pub fn missing_consents(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<Vec<LegalDocumentKind>, DbError> {
    let stored: Vec<String> = unaccepted_current!(account_id)
        .select(legal_documents::kind)
        .load(conn)?;
    let mut missing = stored
        .into_iter()
        .map(LegalDocumentKind::try_from)
        .collect::<Result<Vec<_>, _>>()
        .map_err(DbError::Stored)?;
    missing.sort_unstable();
    Ok(missing)
}

pub fn has_accepted(
    conn: &mut AnyConnection,
    account_id: i64,
    document_id: i64,
) -> Result<bool, DbError> {
    let count: i64 = consents::table
        .filter(consents::account_id.eq(account_id))
        .filter(consents::document_id.eq(document_id))
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

/// Records an acceptance; accepting the same version again changes nothing.
pub fn accept(
    conn: &mut AnyConnection,
    account_id: i64,
    document_id: i64,
    accepted_at: DateTime<Utc>,
) -> Result<(), DbError> {
    if has_accepted(conn, account_id, document_id)? {
        return Ok(());
    }
    diesel::insert_into(consents::table)
        .values((
            consents::account_id.eq(account_id),
            consents::document_id.eq(document_id),
            consents::accepted_at.eq(db_time(accepted_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The documents an account accepted, with when.
pub fn consents_of(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<Vec<(LegalDocument, NaiveDateTime)>, DbError> {
    Ok(consents::table
        .inner_join(legal_documents::table)
        .filter(consents::account_id.eq(account_id))
        .order(consents::accepted_at.asc())
        .select((LegalDocument::as_select(), consents::accepted_at))
        .load(conn)?)
}

pub fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<LegalDocument>, DbError> {
    Ok(legal_documents::table
        .find(id)
        .select(LegalDocument::as_select())
        .first(conn)
        .optional()?)
}

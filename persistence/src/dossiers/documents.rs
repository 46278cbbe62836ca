//! Documents' metadata; the files themselves live in the storage directory under
//! their server-generated `storage_key`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::dossiers::{DocumentKind, DocumentOrigin, DocumentStatus};

use crate::schema::documents;
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = documents)]
pub struct Document {
    pub id: i64,
    pub dossier_id: i64,
    pub child_id: Option<i64>,
    pub request_id: Option<i64>,
    #[diesel(deserialize_as = String)]
    pub kind: DocumentKind,
    #[diesel(deserialize_as = String)]
    pub origin: DocumentOrigin,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub uploaded_by: Option<i64>,
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = String)]
    pub status: DocumentStatus,
    /// The day the document was issued (the bill's, the certificate's), which starts
    /// its validity.
    pub issued_on: Option<NaiveDate>,
    /// Its last valid day, when its kind is required with a validity; null for good.
    pub valid_until: Option<NaiveDate>,
    /// Why an agent refused it.
    pub review_reason: Option<String>,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = documents)]
pub struct NewDocument {
    pub dossier_id: i64,
    pub child_id: Option<i64>,
    #[diesel(serialize_as = String)]
    pub kind: DocumentKind,
    #[diesel(serialize_as = String)]
    pub origin: DocumentOrigin,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub uploaded_by: Option<i64>,
    #[diesel(serialize_as = String)]
    pub status: DocumentStatus,
    pub issued_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
}

pub fn insert(
    conn: &mut AnyConnection,
    new: &NewDocument,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    Ok(diesel::insert_into(documents::table)
        .values((new.clone(), documents::created_at.eq(db_time(now))))
        .returning(documents::id)
        .get_result(conn)?)
}

/// The document, if it belongs to `dossier_id` when one is given.
pub fn find(
    conn: &mut AnyConnection,
    id: i64,
    dossier_id: Option<i64>,
) -> Result<Option<Document>, DbError> {
    let mut query = documents::table
        .filter(documents::id.eq(id))
        .select(Document::as_select())
        .into_boxed();
    if let Some(dossier_id) = dossier_id {
        query = query.filter(documents::dossier_id.eq(dossier_id));
    }
    Ok(query.first(conn).optional()?)
}

/// A page of the dossier's documents, newest first.
pub fn of_dossier(
    conn: &mut AnyConnection,
    dossier_id: i64,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Document>, i64), DbError> {
    let total = documents::table
        .filter(documents::dossier_id.eq(dossier_id))
        .count()
        .get_result(conn)?;
    let rows = documents::table
        .filter(documents::dossier_id.eq(dossier_id))
        .order(documents::id.desc())
        .offset(offset)
        .limit(limit)
        .select(Document::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Every document of the dossier (for the RGPD export).
pub fn all_of_dossier(conn: &mut AnyConnection, dossier_id: i64) -> Result<Vec<Document>, DbError> {
    Ok(documents::table
        .filter(documents::dossier_id.eq(dossier_id))
        .order(documents::id)
        .select(Document::as_select())
        .load(conn)?)
}

pub fn of_request(conn: &mut AnyConnection, request_id: i64) -> Result<Vec<Document>, DbError> {
    Ok(documents::table
        .filter(documents::request_id.eq(request_id))
        .order(documents::id)
        .select(Document::as_select())
        .load(conn)?)
}

/// Attaches documents to a request: only those the family uploaded to its dossier
/// and not attached yet (never a city-issued one, which the request's retention
/// would then delete). Returns how many were attached.
pub fn attach_to_request(
    conn: &mut AnyConnection,
    dossier_id: i64,
    request_id: i64,
    ids: &[i64],
) -> Result<usize, DbError> {
    Ok(diesel::update(
        documents::table
            .filter(documents::dossier_id.eq(dossier_id))
            .filter(documents::id.eq_any(ids))
            .filter(documents::origin.eq(DocumentOrigin::Family.as_str()))
            .filter(documents::request_id.is_null()),
    )
    .set(documents::request_id.eq(request_id))
    .execute(conn)?)
}

/// Documents attached to requests decided before `before` (retention), to delete
/// with their files.
pub fn of_requests_decided_before(
    conn: &mut AnyConnection,
    before: DateTime<Utc>,
) -> Result<Vec<Document>, DbError> {
    use crate::schema::requests;
    Ok(documents::table
        .inner_join(requests::table.on(requests::id.nullable().eq(documents::request_id)))
        .filter(requests::decided_at.lt(db_time(before)))
        .select(Document::as_select())
        .load(conn)?)
}

/// The bytes the dossier's documents take (summed here: `SUM` of a BIGINT is a
/// NUMERIC on PostgreSQL and an INTEGER on SQLite).
pub fn bytes_of_dossier(conn: &mut AnyConnection, dossier_id: i64) -> Result<i64, DbError> {
    let sizes: Vec<i64> = documents::table
        .filter(documents::dossier_id.eq(dossier_id))
        .select(documents::size_bytes)
        .load(conn)?;
    Ok(sizes.iter().sum())
}

pub fn delete(conn: &mut AnyConnection, ids: &[i64]) -> Result<usize, DbError> {
    Ok(diesel::delete(documents::table.filter(documents::id.eq_any(ids))).execute(conn)?)
}

/// The dossier's documents of these kinds (what its requirements look at).
pub fn of_kinds(
    conn: &mut AnyConnection,
    dossier_id: i64,
    kinds: &[DocumentKind],
) -> Result<Vec<Document>, DbError> {
    let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    Ok(documents::table
        .filter(documents::dossier_id.eq(dossier_id))
        .filter(documents::kind.eq_any(kinds))
        .order(documents::id)
        .select(Document::as_select())
        .load(conn)?)
}

/// An agent's review of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review<'a> {
    pub status: DocumentStatus,
    pub reason: Option<&'a str>,
    pub valid_until: Option<NaiveDate>,
    pub reviewed_by: i64,
}

/// Records a review; false when no such document is in the dossier.
pub fn review(
    conn: &mut AnyConnection,
    id: i64,
    review: &Review<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    Ok(
        diesel::update(documents::table.filter(documents::id.eq(id)))
            .set((
                documents::status.eq(review.status.as_str()),
                documents::review_reason.eq(review.reason),
                documents::valid_until.eq(review.valid_until),
                documents::reviewed_by.eq(review.reviewed_by),
                documents::reviewed_at.eq(db_time(now)),
            ))
            .execute(conn)?
            > 0,
    )
}

/// Accepted documents of these kinds whose validity ends between `from` and `until`
/// (both included), across the city: those to remind families of.
pub fn expiring_between(
    conn: &mut AnyConnection,
    kinds: &[DocumentKind],
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<Document>, DbError> {
    let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    Ok(documents::table
        .filter(documents::kind.eq_any(kinds))
        .filter(documents::status.eq(DocumentStatus::Accepted.as_str()))
        .filter(documents::valid_until.ge(from))
        .filter(documents::valid_until.le(until))
        .order(documents::id)
        .select(Document::as_select())
        .load(conn)?)
}

/// Gives the documents of `kind` that have no validity yet (filed before the kind was
/// required) the one `until` computes from the day they were issued (or filed);
/// returns how many changed.
pub fn fill_validity(
    conn: &mut AnyConnection,
    kind: DocumentKind,
    until: impl Fn(NaiveDate) -> Option<NaiveDate>,
) -> Result<usize, DbError> {
    let open: Vec<(i64, Option<NaiveDate>, NaiveDateTime)> = documents::table
        .filter(documents::kind.eq(kind.as_str()))
        .filter(documents::valid_until.is_null())
        .select((documents::id, documents::issued_on, documents::created_at))
        .load(conn)?;
    let mut changed = 0;
    for (id, issued_on, created_at) in open {
        if let Some(end) = until(issued_on.unwrap_or(created_at.date())) {
            changed += diesel::update(documents::table.find(id))
                .set(documents::valid_until.eq(end))
                .execute(conn)?;
        }
    }
    Ok(changed)
}

/// Every document's storage key with the SHA-256 recorded at upload (a storage
/// migration checks the files against them).
pub fn recorded_hashes(
    conn: &mut AnyConnection,
) -> Result<std::collections::HashMap<String, String>, DbError> {
    Ok(documents::table
        .select((documents::storage_key, documents::sha256))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

//! Families' requests (démarches) and their decisions.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::dossiers::{RequestKind, RequestStatus};

use crate::schema::{dossiers, requests};
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = requests)]
pub struct Request {
    pub id: i64,
    pub dossier_id: i64,
    #[diesel(deserialize_as = String)]
    pub kind: RequestKind,
    pub message: String,
    pub proposal: Option<String>,
    #[diesel(deserialize_as = String)]
    pub status: RequestStatus,
    pub decision_comment: Option<String>,
    pub filed_by: Option<i64>,
    pub decided_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
}

pub fn insert(
    conn: &mut AnyConnection,
    dossier_id: i64,
    kind: RequestKind,
    message: &str,
    proposal: Option<&str>,
    filed_by: i64,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    Ok(diesel::insert_into(requests::table)
        .values((
            requests::dossier_id.eq(dossier_id),
            requests::kind.eq(kind.as_str()),
            requests::message.eq(message),
            requests::proposal.eq(proposal),
            requests::status.eq(RequestStatus::Pending.as_str()),
            requests::filed_by.eq(filed_by),
            requests::created_at.eq(db_time(now)),
        ))
        .returning(requests::id)
        .get_result(conn)?)
}

/// The request, if it belongs to `dossier_id` when one is given.
pub fn find(
    conn: &mut AnyConnection,
    id: i64,
    dossier_id: Option<i64>,
) -> Result<Option<Request>, DbError> {
    let mut query = requests::table
        .filter(requests::id.eq(id))
        .select(Request::as_select())
        .into_boxed();
    if let Some(dossier_id) = dossier_id {
        query = query.filter(requests::dossier_id.eq(dossier_id));
    }
    Ok(query.first(conn).optional()?)
}

/// A request with its dossier's number and name.
pub type RequestWithDossier = (Request, String, String);

/// A page of requests with their dossier's number and name: one dossier's (newest
/// first) or, for the back office's queue, all with `status` (oldest first: first
/// come, first served).
pub fn list(
    conn: &mut AnyConnection,
    dossier_id: Option<i64>,
    status: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<RequestWithDossier>, i64), DbError> {
    let query = || {
        let mut query = requests::table.inner_join(dossiers::table).into_boxed();
        if let Some(dossier_id) = dossier_id {
            query = query.filter(requests::dossier_id.eq(dossier_id));
        }
        if let Some(status) = status {
            query = query.filter(requests::status.eq(status.to_owned()));
        }
        query
    };
    let total = query().count().get_result(conn)?;
    let ordered = if dossier_id.is_some() {
        query().order(requests::id.desc())
    } else {
        query().order(requests::id.asc())
    };
    let rows = ordered
        .offset(offset)
        .limit(limit)
        .select((Request::as_select(), dossiers::number, dossiers::name))
        .load(conn)?;
    Ok((rows, total))
}

/// Records a decision if the request is still pending; false if someone decided
/// it meanwhile.
pub fn decide(
    conn: &mut AnyConnection,
    id: i64,
    status: RequestStatus,
    comment: Option<&str>,
    decided_by: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        requests::table
            .filter(requests::id.eq(id))
            .filter(requests::status.eq(RequestStatus::Pending.as_str())),
    )
    .set((
        requests::status.eq(status.as_str()),
        requests::decision_comment.eq(comment),
        requests::decided_by.eq(decided_by),
        requests::decided_at.eq(db_time(now)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Deletes requests decided before `before` (retention); pending ones stay.
pub fn delete_decided_before(
    conn: &mut AnyConnection,
    before: DateTime<Utc>,
) -> Result<usize, DbError> {
    Ok(
        diesel::delete(requests::table.filter(requests::decided_at.lt(db_time(before))))
            .execute(conn)?,
    )
}

//! Webhook endpoints of the city's other systems, the deliveries of events to them
//! (claimed under a lease, retried with backoff) and the log of every attempt.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::notifications::{DeliveryStatus, NoticeKind};

use crate::notifications::Event;
use crate::schema::{events, webhook_attempts, webhook_deliveries, webhook_endpoints};
use crate::stored::{Stored, StoredText};
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints)]
pub struct Endpoint {
    pub id: i64,
    pub url: String,
    pub description: String,
    /// The event kinds it takes.
    #[diesel(deserialize_as = StoredText<Vec<NoticeKind>>)]
    pub kinds: Vec<NoticeKind>,
    pub secret: String,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Endpoint {
    pub fn wants(&self, kind: NoticeKind) -> bool {
        self.active && self.kinds.contains(&kind)
    }
}

/// What an admin sets on an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointFields {
    pub url: String,
    pub description: String,
    pub kinds: Vec<NoticeKind>,
    pub active: bool,
}

/// [`EndpointFields`] as the table stores them.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = webhook_endpoints)]
struct EndpointRow<'a> {
    url: &'a str,
    description: &'a str,
    kinds: String,
    active: bool,
}

impl EndpointFields {
    fn row(&self) -> Result<EndpointRow<'_>, DbError> {
        Ok(EndpointRow {
            url: &self.url,
            description: &self.description,
            kinds: self.kinds.encode()?,
            active: self.active,
        })
    }
}

pub fn insert_endpoint(
    conn: &mut AnyConnection,
    fields: &EndpointFields,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let now = db_time(now);
    Ok(diesel::insert_into(webhook_endpoints::table)
        .values((
            fields.row()?,
            webhook_endpoints::secret.eq(secret),
            webhook_endpoints::created_at.eq(now),
            webhook_endpoints::updated_at.eq(now),
        ))
        .returning(webhook_endpoints::id)
        .get_result(conn)?)
}

/// Returns false when there is no such endpoint.
pub fn update_endpoint(
    conn: &mut AnyConnection,
    id: i64,
    fields: &EndpointFields,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    Ok(diesel::update(webhook_endpoints::table.find(id))
        .set((
            fields.row()?,
            webhook_endpoints::updated_at.eq(db_time(now)),
        ))
        .execute(conn)?
        == 1)
}

pub fn set_secret(
    conn: &mut AnyConnection,
    id: i64,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    Ok(diesel::update(webhook_endpoints::table.find(id))
        .set((
            webhook_endpoints::secret.eq(secret),
            webhook_endpoints::updated_at.eq(db_time(now)),
        ))
        .execute(conn)?
        == 1)
}

/// Deletes an endpoint with its deliveries and their log.
pub fn delete_endpoint(conn: &mut AnyConnection, id: i64) -> Result<bool, DbError> {
    let deliveries = webhook_deliveries::table
        .filter(webhook_deliveries::endpoint_id.eq(id))
        .select(webhook_deliveries::id);
    diesel::delete(
        webhook_attempts::table.filter(webhook_attempts::delivery_id.eq_any(deliveries)),
    )
    .execute(conn)?;
    diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::endpoint_id.eq(id)))
        .execute(conn)?;
    Ok(diesel::delete(webhook_endpoints::table.find(id)).execute(conn)? == 1)
}

pub fn find_endpoint(conn: &mut AnyConnection, id: i64) -> Result<Option<Endpoint>, DbError> {
    Ok(webhook_endpoints::table
        .find(id)
        .select(Endpoint::as_select())
        .first(conn)
        .optional()?)
}

pub fn endpoints(conn: &mut AnyConnection) -> Result<Vec<Endpoint>, DbError> {
    Ok(webhook_endpoints::table
        .order(webhook_endpoints::id)
        .select(Endpoint::as_select())
        .load(conn)?)
}

/// Rows per multi-row insert: under SQLite's 32,766 bound values.
const ROWS_PER_INSERT: usize = 1000;

/// Queues `(endpoint_id, event_id)` deliveries, due at `now`.
pub fn queue(
    conn: &mut AnyConnection,
    pairs: &[(i64, i64)],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let now = db_time(now);
    let rows: Vec<_> = pairs
        .iter()
        .map(|(endpoint, event)| {
            (
                webhook_deliveries::endpoint_id.eq(*endpoint),
                webhook_deliveries::event_id.eq(*event),
                webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()),
                webhook_deliveries::next_attempt_at.eq(now),
                webhook_deliveries::created_at.eq(now),
            )
        })
        .collect();
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let query = diesel::insert_into(webhook_deliveries::table).values(chunk);
        match conn {
            AnyConnection::Postgresql(c) => query.execute(c)?,
            AnyConnection::Sqlite(c) => query.execute(c)?,
        };
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct Delivery {
    pub id: i64,
    pub endpoint_id: i64,
    pub event_id: i64,
    #[diesel(deserialize_as = String)]
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub delivered_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// A claimed delivery with what it takes to send it.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub delivery: Delivery,
    pub endpoint: Endpoint,
    pub event: Event,
}

/// Claims up to `limit` due deliveries of active endpoints for `lease`: each is taken
/// by one conditional update, so two workers racing for one never both get it.
pub fn claim_due(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
    lease: chrono::Duration,
    limit: i64,
) -> Result<Vec<Claimed>, DbError> {
    let stamp = db_time(now);
    let due = || {
        webhook_deliveries::table
            .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
            .filter(webhook_deliveries::next_attempt_at.le(stamp))
            .filter(
                webhook_deliveries::locked_until
                    .is_null()
                    .or(webhook_deliveries::locked_until.lt(stamp)),
            )
    };
    let candidates: Vec<i64> = due()
        .inner_join(webhook_endpoints::table)
        .filter(webhook_endpoints::active.eq(true))
        .select(webhook_deliveries::id)
        .order(webhook_deliveries::id)
        .limit(limit)
        .load(conn)?;
    let mut claimed = Vec::new();
    for id in candidates {
        let taken = diesel::update(due().filter(webhook_deliveries::id.eq(id)))
            .set(webhook_deliveries::locked_until.eq(db_time(now + lease)))
            .execute(conn)?;
        if taken == 1 {
            let (delivery, endpoint, event) = webhook_deliveries::table
                .inner_join(webhook_endpoints::table)
                .inner_join(events::table)
                .filter(webhook_deliveries::id.eq(id))
                .select((
                    Delivery::as_select(),
                    Endpoint::as_select(),
                    Event::as_select(),
                ))
                .first(conn)?;
            claimed.push(Claimed {
                delivery,
                endpoint,
                event,
            });
        }
    }
    Ok(claimed)
}

/// How one attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptOutcome<'a> {
    pub status_code: Option<i32>,
    pub error: Option<&'a str>,
    pub duration_ms: i32,
}

/// Logs an attempt and moves the delivery on: delivered, retried at `retry_at`, or
/// given up (`retry_at` None after a failure).
pub fn record_attempt(
    conn: &mut AnyConnection,
    id: i64,
    outcome: &AttemptOutcome<'_>,
    delivered: bool,
    now: DateTime<Utc>,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), DbError> {
    let stamp = db_time(now);
    conn.transaction(|conn| {
        diesel::insert_into(webhook_attempts::table)
            .values((
                webhook_attempts::delivery_id.eq(id),
                webhook_attempts::attempted_at.eq(stamp),
                webhook_attempts::status_code.eq(outcome.status_code),
                webhook_attempts::error.eq(outcome.error),
                webhook_attempts::duration_ms.eq(outcome.duration_ms),
            ))
            .execute(conn)?;
        let target = webhook_deliveries::table.find(id);
        let common = (
            webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
            webhook_deliveries::locked_until.eq(None::<NaiveDateTime>),
        );
        match (delivered, retry_at) {
            (true, _) => diesel::update(target)
                .set((
                    common,
                    webhook_deliveries::status.eq(DeliveryStatus::Delivered.as_str()),
                    webhook_deliveries::delivered_at.eq(stamp),
                ))
                .execute(conn)?,
            (false, Some(at)) => diesel::update(target)
                .set((common, webhook_deliveries::next_attempt_at.eq(db_time(at))))
                .execute(conn)?,
            (false, None) => diesel::update(target)
                .set((
                    common,
                    webhook_deliveries::status.eq(DeliveryStatus::Failed.as_str()),
                ))
                .execute(conn)?,
        };
        Ok(())
    })
}

/// Sends a delivery again now (an admin after fixing the receiver, or a receiver
/// that lost it): it becomes pending again. Returns false when there is no such
/// delivery.
pub fn redeliver(
    conn: &mut AnyConnection,
    endpoint_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    Ok(diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(id))
            .filter(webhook_deliveries::endpoint_id.eq(endpoint_id)),
    )
    .set((
        webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()),
        webhook_deliveries::next_attempt_at.eq(db_time(now)),
        webhook_deliveries::locked_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?
        == 1)
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = webhook_attempts)]
pub struct Attempt {
    pub id: i64,
    pub delivery_id: i64,
    pub attempted_at: NaiveDateTime,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i32,
}

/// An endpoint's deliveries, newest first, with their event's kind, and the total;
/// `status` filters.
pub fn deliveries_of(
    conn: &mut AnyConnection,
    endpoint_id: i64,
    status: Option<DeliveryStatus>,
    (offset, limit): (i64, i64),
) -> Result<(Vec<(Delivery, NoticeKind)>, i64), DbError> {
    let filtered = || {
        let mut query = webhook_deliveries::table
            .inner_join(events::table)
            .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
            .into_boxed();
        if let Some(status) = status {
            query = query.filter(webhook_deliveries::status.eq(status.as_str()));
        }
        query
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let rows: Vec<(Delivery, String)> = filtered()
        .order(webhook_deliveries::id.desc())
        .offset(offset)
        .limit(limit)
        .select((Delivery::as_select(), events::kind))
        .load(conn)?;
    let rows = rows
        .into_iter()
        .map(|(delivery, kind)| Ok((delivery, kind.parse().map_err(DbError::Stored)?)))
        .collect::<Result<_, DbError>>()?;
    Ok((rows, total))
}

/// The attempts of deliveries, oldest first.
pub fn attempts_of(
    conn: &mut AnyConnection,
    delivery_ids: &[i64],
) -> Result<Vec<Attempt>, DbError> {
    Ok(webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq_any(delivery_ids))
        .order(webhook_attempts::id)
        .select(Attempt::as_select())
        .load(conn)?)
}

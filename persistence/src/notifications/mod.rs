//! Events that concern a family, the notifications they make for each of its
//! accounts, and the accounts' choices of what comes by email and by push.

pub mod outbox;
pub mod push;
pub mod webhooks;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::notifications::{DeliveryStatus, NoticeKind};

use crate::schema::{events, notification_preferences, notifications, webhook_deliveries};
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct Event {
    pub id: i64,
    #[diesel(deserialize_as = String)]
    pub kind: NoticeKind,
    pub dossier_id: i64,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    /// JSON object: the ids and figures a client or another system acts on.
    pub data: String,
    pub dedupe_key: Option<String>,
    pub occurred_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = events, treat_none_as_default_value = false)]
pub struct NewEvent {
    #[diesel(serialize_as = String)]
    pub kind: NoticeKind,
    pub dossier_id: i64,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub data: String,
    pub dedupe_key: Option<String>,
    pub occurred_at: NaiveDateTime,
}

/// Rows per multi-row insert: under SQLite's 32,766 bound values.
const ROWS_PER_INSERT: usize = 1000;

/// Inserts events and returns `(dossier_id, kind, id)` of each. An event whose
/// `dedupe_key` is taken already is skipped (it happened before) and absent from
/// the answer. The caller maps rows back by dossier and kind, so a batch holds one
/// event per dossier and kind.
pub fn insert_events(
    conn: &mut AnyConnection,
    new: &[NewEvent],
) -> Result<Vec<(i64, String, i64)>, DbError> {
    let mut ids = Vec::with_capacity(new.len());
    for chunk in new.chunks(ROWS_PER_INSERT) {
        let query = diesel::insert_into(events::table)
            .values(chunk.to_vec())
            .on_conflict_do_nothing()
            .returning((events::dossier_id, events::kind, events::id));
        let rows: Vec<(i64, String, i64)> = match conn {
            AnyConnection::Postgresql(c) => query.get_results(c)?,
            AnyConnection::Sqlite(c) => query.get_results(c)?,
        };
        ids.extend(rows);
    }
    Ok(ids)
}

/// Gives each `(account_id, event_id)` its notification; returns `(account_id,
/// event_id, id)` of each.
pub fn insert_notifications(
    conn: &mut AnyConnection,
    pairs: &[(i64, i64)],
) -> Result<Vec<(i64, i64, i64)>, DbError> {
    let rows: Vec<_> = pairs
        .iter()
        .map(|(account, event)| {
            (
                notifications::account_id.eq(*account),
                notifications::event_id.eq(*event),
            )
        })
        .collect();
    let mut ids = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let query = diesel::insert_into(notifications::table)
            .values(chunk)
            .returning((
                notifications::account_id,
                notifications::event_id,
                notifications::id,
            ));
        let made: Vec<(i64, i64, i64)> = match conn {
            AnyConnection::Postgresql(c) => query.get_results(c)?,
            AnyConnection::Sqlite(c) => query.get_results(c)?,
        };
        ids.extend(made);
    }
    Ok(ids)
}

/// A notification as its account sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: i64,
    pub read_at: Option<NaiveDateTime>,
    pub event: Event,
}

type NotificationRow = (i64, Option<NaiveDateTime>, Event);

/// An account's notifications, newest first, unread ones only when asked, and
/// their total.
pub fn of_account(
    conn: &mut AnyConnection,
    account_id: i64,
    unread_only: bool,
    (offset, limit): (i64, i64),
) -> Result<(Vec<Notification>, i64), DbError> {
    let filtered = || {
        let mut query = notifications::table
            .inner_join(events::table)
            .filter(notifications::account_id.eq(account_id))
            .into_boxed();
        if unread_only {
            query = query.filter(notifications::read_at.is_null());
        }
        query
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let rows: Vec<NotificationRow> = filtered()
        .order(notifications::id.desc())
        .offset(offset)
        .limit(limit)
        .select((
            notifications::id,
            notifications::read_at,
            Event::as_select(),
        ))
        .load(conn)?;
    Ok((rows.into_iter().map(notification).collect(), total))
}

fn notification((id, read_at, event): NotificationRow) -> Notification {
    Notification { id, read_at, event }
}

pub fn find_of_account(
    conn: &mut AnyConnection,
    account_id: i64,
    id: i64,
) -> Result<Option<Notification>, DbError> {
    let row: Option<NotificationRow> = notifications::table
        .inner_join(events::table)
        .filter(notifications::account_id.eq(account_id))
        .filter(notifications::id.eq(id))
        .select((
            notifications::id,
            notifications::read_at,
            Event::as_select(),
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(notification))
}

pub fn unread_count(conn: &mut AnyConnection, account_id: i64) -> Result<i64, DbError> {
    Ok(notifications::table
        .filter(notifications::account_id.eq(account_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)?)
}

/// Marks one notification (or, without `id`, all of them) read; the first reading
/// is kept. Returns how many changed.
pub fn mark_read(
    conn: &mut AnyConnection,
    account_id: i64,
    id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<usize, DbError> {
    let mut target = diesel::update(notifications::table)
        .filter(notifications::account_id.eq(account_id))
        .filter(notifications::read_at.is_null())
        .into_boxed();
    if let Some(id) = id {
        target = target.filter(notifications::id.eq(id));
    }
    Ok(target
        .set(notifications::read_at.eq(db_time(now)))
        .execute(conn)?)
}

/// The stored choices of `accounts` that turn something off: `(account_id, kind,
/// email, push)`, one of the two false.
pub fn turned_off(
    conn: &mut AnyConnection,
    accounts: &[i64],
) -> Result<Vec<(i64, String, bool, bool)>, DbError> {
    let mut off = Vec::new();
    for chunk in accounts.chunks(ROWS_PER_INSERT) {
        off.extend(
            notification_preferences::table
                .filter(notification_preferences::account_id.eq_any(chunk))
                .filter(
                    notification_preferences::email
                        .eq(false)
                        .or(notification_preferences::push.eq(false)),
                )
                .select((
                    notification_preferences::account_id,
                    notification_preferences::kind,
                    notification_preferences::email,
                    notification_preferences::push,
                ))
                .load::<(i64, String, bool, bool)>(conn)?,
        );
    }
    Ok(off)
}

/// An account's stored choices: `(kind, email, push)`.
pub fn preferences(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<Vec<(String, bool, bool)>, DbError> {
    Ok(notification_preferences::table
        .filter(notification_preferences::account_id.eq(account_id))
        .select((
            notification_preferences::kind,
            notification_preferences::email,
            notification_preferences::push,
        ))
        .load(conn)?)
}

/// Records one kind's choices, replacing the previous ones (an upsert: two devices
/// saving at once never collide).
pub fn set_preference(
    conn: &mut AnyConnection,
    account_id: i64,
    kind: &str,
    (email, push): (bool, bool),
) -> Result<(), DbError> {
    use diesel::upsert::excluded;
    let query = diesel::insert_into(notification_preferences::table)
        .values((
            notification_preferences::account_id.eq(account_id),
            notification_preferences::kind.eq(kind),
            notification_preferences::email.eq(email),
            notification_preferences::push.eq(push),
        ))
        .on_conflict((
            notification_preferences::account_id,
            notification_preferences::kind,
        ))
        .do_update()
        .set((
            notification_preferences::email.eq(excluded(notification_preferences::email)),
            notification_preferences::push.eq(excluded(notification_preferences::push)),
        ));
    match conn {
        AnyConnection::Postgresql(c) => query.execute(c)?,
        AnyConnection::Sqlite(c) => query.execute(c)?,
    };
    Ok(())
}

/// Deletes the events that occurred before `before`, with their notifications and
/// webhook deliveries (cascade), except those a webhook delivery still waits on.
pub fn delete_events_before(
    conn: &mut AnyConnection,
    before: DateTime<Utc>,
) -> Result<usize, DbError> {
    let waited_on = webhook_deliveries::table
        .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
        .select(webhook_deliveries::event_id);
    Ok(diesel::delete(
        events::table
            .filter(events::occurred_at.lt(db_time(before)))
            .filter(events::id.ne_all(waited_on)),
    )
    .execute(conn)?)
}

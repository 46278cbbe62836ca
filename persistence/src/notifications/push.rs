//! Push notifications: the devices and browsers accounts registered, and the outbox of
//! pushes, written in the transaction that makes the notification and claimed by a
//! sender with a lease, so that several instances never push one twice.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::schema::{push_deliveries, push_subscriptions, sessions};
use crate::{AnyConnection, DbError, db_time, write_transaction};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = push_subscriptions)]
pub struct Subscription {
    pub id: i64,
    pub account_id: i64,
    /// The session that registered it: pushes go while it lasts.
    pub session_id: i64,
    /// `web_push`, `fcm` or `apns`.
    pub channel: String,
    /// The Web Push endpoint, or the FCM or APNs device token.
    pub address: String,
    pub p256dh: Option<String>,
    pub auth: Option<String>,
    pub platform: String,
    pub language: String,
    pub label: String,
    pub created_at: NaiveDateTime,
    pub last_pushed_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone)]
pub struct NewSubscription<'a> {
    pub account_id: i64,
    pub session_id: i64,
    pub channel: &'a str,
    pub address: &'a str,
    pub p256dh: Option<&'a str>,
    pub auth: Option<&'a str>,
    pub platform: &'a str,
    pub language: &'a str,
    pub label: &'a str,
}

/// Registers a device, or registers it anew: a device the account registered before
/// (same channel and address) takes the new session, keys, language and label,
/// keeping its id; one another account registered is that account's no more (its
/// pushes not sent yet go with it: they are the other family's). Returns the
/// subscription and whether it is new.
pub fn register(
    conn: &mut AnyConnection,
    new: &NewSubscription<'_>,
    now: DateTime<Utc>,
) -> Result<(Subscription, bool), DbError> {
    write_transaction(conn, |conn| {
        let known = || {
            push_subscriptions::table
                .filter(push_subscriptions::channel.eq(new.channel))
                .filter(push_subscriptions::address.eq(new.address))
        };
        let existed: Option<(i64, i64)> = known()
            .select((push_subscriptions::id, push_subscriptions::account_id))
            .first(conn)
            .optional()?;
        let theirs = existed.filter(|(_, account)| *account != new.account_id);
        if let Some((id, _)) = theirs {
            diesel::delete(push_subscriptions::table.find(id)).execute(conn)?;
        }
        upsert(conn, new, now)?;
        let subscription = known().select(Subscription::as_select()).first(conn)?;
        Ok((subscription, existed.is_none() || theirs.is_some()))
    })
}

/// Inserts the device, or updates it if known: two registrations of one device at
/// once never collide.
fn upsert(
    conn: &mut AnyConnection,
    new: &NewSubscription<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let values = (
        push_subscriptions::account_id.eq(new.account_id),
        push_subscriptions::session_id.eq(new.session_id),
        push_subscriptions::p256dh.eq(new.p256dh),
        push_subscriptions::auth.eq(new.auth),
        push_subscriptions::platform.eq(new.platform),
        push_subscriptions::language.eq(new.language),
        push_subscriptions::label.eq(new.label),
    );
    let query = diesel::insert_into(push_subscriptions::table)
        .values((
            values,
            push_subscriptions::channel.eq(new.channel),
            push_subscriptions::address.eq(new.address),
            push_subscriptions::created_at.eq(db_time(now)),
        ))
        .on_conflict((push_subscriptions::channel, push_subscriptions::address))
        .do_update()
        .set(values);
    match conn {
        AnyConnection::Postgresql(c) => query.execute(c)?,
        AnyConnection::Sqlite(c) => query.execute(c)?,
    };
    Ok(())
}

/// An account's subscriptions, oldest first, each with whether its session lasts.
pub fn of_account(
    conn: &mut AnyConnection,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<(Subscription, bool)>, DbError> {
    let rows: Vec<(Subscription, Option<NaiveDateTime>, NaiveDateTime)> = push_subscriptions::table
        .inner_join(sessions::table)
        .filter(push_subscriptions::account_id.eq(account_id))
        .order(push_subscriptions::id)
        .select((
            Subscription::as_select(),
            sessions::revoked_at,
            sessions::expires_at,
        ))
        .load(conn)?;
    let now = db_time(now);
    Ok(rows
        .into_iter()
        .map(|(subscription, revoked, expires)| (subscription, revoked.is_none() && expires > now))
        .collect())
}

/// The subscriptions of `accounts` (each named once) whose session lasts.
pub fn live_of_accounts(
    conn: &mut AnyConnection,
    accounts: &[i64],
    now: DateTime<Utc>,
) -> Result<Vec<Subscription>, DbError> {
    let mut all = Vec::new();
    for chunk in accounts.chunks(1000) {
        all.extend(
            push_subscriptions::table
                .inner_join(sessions::table)
                .filter(push_subscriptions::account_id.eq_any(chunk))
                .filter(sessions::revoked_at.is_null())
                .filter(sessions::expires_at.gt(db_time(now)))
                .order(push_subscriptions::id)
                .select(Subscription::as_select())
                .load(conn)?,
        );
    }
    Ok(all)
}

/// Removes one of an account's subscriptions; false when it has no such one.
pub fn remove(conn: &mut AnyConnection, account_id: i64, id: i64) -> Result<bool, DbError> {
    Ok(diesel::delete(
        push_subscriptions::table
            .filter(push_subscriptions::account_id.eq(account_id))
            .filter(push_subscriptions::id.eq(id)),
    )
    .execute(conn)?
        == 1)
}

/// Removes a subscription its push service says is gone, with its pending pushes.
pub fn remove_gone(conn: &mut AnyConnection, id: i64) -> Result<(), DbError> {
    diesel::delete(push_subscriptions::table.find(id)).execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = push_deliveries)]
pub struct Delivery {
    pub id: i64,
    pub subscription_id: i64,
    pub event_id: i64,
    /// JSON: what the device shows and acts on.
    pub payload: String,
    pub created_at: NaiveDateTime,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub sent_at: Option<NaiveDateTime>,
    pub failed_at: Option<NaiveDateTime>,
    pub last_error: Option<String>,
}

/// A push to send, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub delivery: Delivery,
    pub subscription: Subscription,
    /// Whether the session that registered the device still lasts: a push queued
    /// before the family signed out of the device is not sent.
    pub live: bool,
}

/// Queues pushes `(subscription_id, event_id, payload)`, in the caller's transaction.
pub fn queue(
    conn: &mut AnyConnection,
    pushes: &[(i64, i64, String)],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let now = db_time(now);
    let rows: Vec<_> = pushes
        .iter()
        .map(|(subscription, event, payload)| {
            (
                push_deliveries::subscription_id.eq(*subscription),
                push_deliveries::event_id.eq(*event),
                push_deliveries::payload.eq(payload),
                push_deliveries::created_at.eq(now),
                push_deliveries::next_attempt_at.eq(now),
            )
        })
        .collect();
    // Five values a row: under SQLite's 32,766 bound values.
    for chunk in rows.chunks(1000) {
        let query = diesel::insert_into(push_deliveries::table).values(chunk);
        match conn {
            AnyConnection::Postgresql(c) => query.execute(c)?,
            AnyConnection::Sqlite(c) => query.execute(c)?,
        };
    }
    Ok(())
}

type ClaimedRow = (Delivery, Subscription, Option<NaiveDateTime>, NaiveDateTime);

/// Claims up to `limit` due pushes for `lease`: each is taken by one conditional
/// update, so two senders racing for one push never both get it.
pub fn claim_due(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
    lease: chrono::Duration,
    limit: i64,
) -> Result<Vec<Claimed>, DbError> {
    let stamp = db_time(now);
    let due = || {
        push_deliveries::table
            .filter(push_deliveries::sent_at.is_null())
            .filter(push_deliveries::failed_at.is_null())
            .filter(push_deliveries::next_attempt_at.le(stamp))
            .filter(
                push_deliveries::locked_until
                    .is_null()
                    .or(push_deliveries::locked_until.lt(stamp)),
            )
    };
    let candidates: Vec<i64> = due()
        .select(push_deliveries::id)
        .order(push_deliveries::id)
        .limit(limit)
        .load(conn)?;
    let mut claimed = Vec::new();
    for id in candidates {
        let taken = diesel::update(due().filter(push_deliveries::id.eq(id)))
            .set(push_deliveries::locked_until.eq(db_time(now + lease)))
            .execute(conn)?;
        if taken == 1 {
            let (delivery, subscription, revoked, expires): ClaimedRow = push_deliveries::table
                .inner_join(push_subscriptions::table.inner_join(sessions::table))
                .filter(push_deliveries::id.eq(id))
                .select((
                    Delivery::as_select(),
                    Subscription::as_select(),
                    sessions::revoked_at,
                    sessions::expires_at,
                ))
                .first(conn)?;
            claimed.push(Claimed {
                delivery,
                subscription,
                live: revoked.is_none() && expires > stamp,
            });
        }
    }
    Ok(claimed)
}

/// Records a push the service accepted.
pub fn mark_sent(
    conn: &mut AnyConnection,
    claimed: &Claimed,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let now = db_time(now);
    diesel::update(push_deliveries::table.find(claimed.delivery.id))
        .set((
            push_deliveries::sent_at.eq(now),
            push_deliveries::locked_until.eq(None::<NaiveDateTime>),
            push_deliveries::attempts.eq(push_deliveries::attempts + 1),
        ))
        .execute(conn)?;
    diesel::update(push_subscriptions::table.find(claimed.subscription.id))
        .set(push_subscriptions::last_pushed_at.eq(now))
        .execute(conn)?;
    Ok(())
}

/// Records a failed attempt: retried at `retry_at`, or given up when `None`.
pub fn mark_failed(
    conn: &mut AnyConnection,
    id: i64,
    error: &str,
    now: DateTime<Utc>,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), DbError> {
    let target = push_deliveries::table.find(id);
    let common = (
        push_deliveries::attempts.eq(push_deliveries::attempts + 1),
        push_deliveries::last_error.eq(error),
        push_deliveries::locked_until.eq(None::<NaiveDateTime>),
    );
    match retry_at {
        Some(at) => diesel::update(target)
            .set((common, push_deliveries::next_attempt_at.eq(db_time(at))))
            .execute(conn)?,
        None => diesel::update(target)
            .set((common, push_deliveries::failed_at.eq(db_time(now))))
            .execute(conn)?,
    };
    Ok(())
}

/// Deletes pushes sent or given up before `before` (retention).
pub fn delete_finished_before(
    conn: &mut AnyConnection,
    before: DateTime<Utc>,
) -> Result<usize, DbError> {
    let before = db_time(before);
    Ok(diesel::delete(
        push_deliveries::table.filter(
            push_deliveries::sent_at
                .lt(before)
                .or(push_deliveries::failed_at.lt(before)),
        ),
    )
    .execute(conn)?)
}

//! The transactional email outbox: written with the change that causes the email,
//! claimed by a sender with a lease so that several instances never send one twice.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::schema::outbox_emails;
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = outbox_emails)]
pub struct OutboxEmail {
    pub id: i64,
    pub kind: String,
    pub to_address: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub created_at: NaiveDateTime,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub sent_at: Option<NaiveDateTime>,
    pub failed_at: Option<NaiveDateTime>,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewEmail<'a> {
    pub kind: &'a str,
    pub to_address: &'a str,
    pub subject: &'a str,
    pub text_body: &'a str,
    pub html_body: &'a str,
}

pub fn enqueue(
    conn: &mut AnyConnection,
    email: &NewEmail<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let now = db_time(now);
    diesel::insert_into(outbox_emails::table)
        .values((
            outbox_emails::kind.eq(email.kind),
            outbox_emails::to_address.eq(email.to_address),
            outbox_emails::subject.eq(email.subject),
            outbox_emails::text_body.eq(email.text_body),
            outbox_emails::html_body.eq(email.html_body),
            outbox_emails::created_at.eq(now),
            outbox_emails::next_attempt_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Writes several emails at once (a billing run's notices), in the caller's transaction.
pub fn enqueue_many(
    conn: &mut AnyConnection,
    emails: &[NewEmail<'_>],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let now = db_time(now);
    let rows: Vec<_> = emails
        .iter()
        .map(|email| {
            (
                outbox_emails::kind.eq(email.kind),
                outbox_emails::to_address.eq(email.to_address),
                outbox_emails::subject.eq(email.subject),
                outbox_emails::text_body.eq(email.text_body),
                outbox_emails::html_body.eq(email.html_body),
                outbox_emails::created_at.eq(now),
                outbox_emails::next_attempt_at.eq(now),
            )
        })
        .collect();
    // Seven values a row: under SQLite's 32,766 bound values.
    for chunk in rows.chunks(1000) {
        let query = diesel::insert_into(outbox_emails::table).values(chunk);
        match conn {
            AnyConnection::Postgresql(c) => query.execute(c)?,
            AnyConnection::Sqlite(c) => query.execute(c)?,
        };
    }
    Ok(())
}

/// Claims up to `limit` due emails for `lease`: each is taken by one conditional
/// update, so two senders racing for one email never both get it.
pub fn claim_due(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
    lease: chrono::Duration,
    limit: i64,
) -> Result<Vec<OutboxEmail>, DbError> {
    let stamp = db_time(now);
    let due = || {
        outbox_emails::table
            .filter(outbox_emails::sent_at.is_null())
            .filter(outbox_emails::failed_at.is_null())
            .filter(outbox_emails::next_attempt_at.le(stamp))
            .filter(
                outbox_emails::locked_until
                    .is_null()
                    .or(outbox_emails::locked_until.lt(stamp)),
            )
    };
    let candidates: Vec<i64> = due()
        .select(outbox_emails::id)
        .order(outbox_emails::id)
        .limit(limit)
        .load(conn)?;
    let mut claimed = Vec::new();
    for id in candidates {
        let taken = diesel::update(due().filter(outbox_emails::id.eq(id)))
            .set(outbox_emails::locked_until.eq(db_time(now + lease)))
            .execute(conn)?;
        if taken == 1 {
            claimed.push(
                outbox_emails::table
                    .find(id)
                    .select(OutboxEmail::as_select())
                    .first(conn)?,
            );
        }
    }
    Ok(claimed)
}

pub fn mark_sent(conn: &mut AnyConnection, id: i64, now: DateTime<Utc>) -> Result<(), DbError> {
    diesel::update(outbox_emails::table.find(id))
        .set((
            outbox_emails::sent_at.eq(db_time(now)),
            outbox_emails::locked_until.eq(None::<NaiveDateTime>),
            outbox_emails::attempts.eq(outbox_emails::attempts + 1),
        ))
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
    let target = outbox_emails::table.find(id);
    let common = (
        outbox_emails::attempts.eq(outbox_emails::attempts + 1),
        outbox_emails::last_error.eq(error),
        outbox_emails::locked_until.eq(None::<NaiveDateTime>),
    );
    match retry_at {
        Some(at) => diesel::update(target)
            .set((common, outbox_emails::next_attempt_at.eq(db_time(at))))
            .execute(conn)?,
        None => diesel::update(target)
            .set((common, outbox_emails::failed_at.eq(db_time(now))))
            .execute(conn)?,
    };
    Ok(())
}

/// Emails sent to an address, newest first (tests and support).
pub fn to_address(conn: &mut AnyConnection, address: &str) -> Result<Vec<OutboxEmail>, DbError> {
    Ok(outbox_emails::table
        .filter(outbox_emails::to_address.eq(address))
        .order(outbox_emails::id.desc())
        .select(OutboxEmail::as_select())
        .load(conn)?)
}

/// Deletes emails sent or given up before `before` (retention).
pub fn delete_finished_before(
    conn: &mut AnyConnection,
    before: DateTime<Utc>,
) -> Result<usize, DbError> {
    let before = db_time(before);
    Ok(diesel::delete(
        outbox_emails::table.filter(
            outbox_emails::sent_at
                .lt(before)
                .or(outbox_emails::failed_at.lt(before)),
        ),
    )
    .execute(conn)?)
}

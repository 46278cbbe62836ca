//! Telling families: an event that concerns a dossier becomes, in the transaction
//! that caused it, a notification for each of its active accounts, an email and a
//! push to each device for each account that has not turned that kind off, and a
//! delivery for each webhook endpoint subscribed to the kind.

pub mod notice_data;
pub mod push;
pub mod webhooks;

pub use persistence::notifications::Notification;

use persistence::write_transaction;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use domain::notifications::NoticeKind;
use persistence::notifications::outbox::{self, NewEmail};
use persistence::notifications::{self as store, NewEvent};
use persistence::{AnyConnection, accounts, db_time};

use crate::adapters::email::templates;
use crate::usecases::notifications::notice_data::NoticeData;
use crate::usecases::{CommonRefusal, Outcome, UseCaseError};

/// Something to tell a family; its kind is its data's.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub dossier_id: i64,
    /// French; the email's subject.
    pub title: String,
    /// French paragraphs; the notification's body, joined by blank lines.
    pub paragraphs: Vec<String>,
    /// The button of the email and the notification's link: (label, web portal URL).
    pub link: Option<(String, String)>,
    /// What a client or another system acts on (ids, amounts, dates).
    pub data: NoticeData,
    /// A notice with a key already used is not told again (a job's reminders).
    pub dedupe_key: Option<String>,
}

impl Notice {
    pub fn kind(&self) -> NoticeKind {
        self.data.kind()
    }
}

/// Tells the families, in the caller's transaction; returns how many notices were
/// new (not told before under their `dedupe_key`).
pub fn notify(conn: &mut AnyConnection, notices: &[Notice], now: DateTime<Utc>) -> Outcome<usize> {
    if notices.is_empty() {
        return Ok(0);
    }
    let events = insert_events(conn, notices, now)?;
    let dossier_ids: Vec<i64> = events
        .iter()
        .map(|(n, _)| n.dossier_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut accounts_of: HashMap<i64, Vec<accounts::Account>> = HashMap::new();
    for chunk in dossier_ids.chunks(1000) {
        for account in accounts::active_of_dossiers(conn, chunk)? {
            if let Some(dossier) = account.dossier_id {
                accounts_of.entry(dossier).or_default().push(account);
            }
        }
    }
    let account_ids: Vec<i64> = accounts_of.values().flatten().map(|a| a.id).collect();
    let off: HashMap<(i64, String), Channels> = store::turned_off(conn, &account_ids)?
        .into_iter()
        .map(|(account, kind, email, push)| ((account, kind), Channels { email, push }))
        .collect();
    let channels = |account: i64, kind: NoticeKind| {
        off.get(&(account, kind.as_str().to_owned()))
            .copied()
            .unwrap_or_default()
    };
    let mut pairs = Vec::new();
    let mut messages = Vec::new();
    for (notice, event_id) in &events {
        for account in accounts_of.get(&notice.dossier_id).into_iter().flatten() {
            pairs.push((account.id, *event_id));
            if channels(account.id, notice.kind()).email {
                messages.push(templates::notice(
                    notice.kind().as_str(),
                    &account.email,
                    &account.first_name,
                    &notice.title,
                    &notice.paragraphs,
                    notice.link.as_ref().map(|(l, u)| (l.as_str(), u.as_str())),
                ));
            }
        }
    }
    let made = store::insert_notifications(conn, &pairs)?;
    push::queue(
        conn,
        &events,
        &made,
        |account, kind| channels(account, kind).push,
        now,
    )?;
    let emails: Vec<NewEmail<'_>> = messages
        .iter()
        .map(|m| NewEmail {
            kind: m.kind,
            to_address: &m.to,
            subject: &m.subject,
            text_body: &m.text,
            html_body: &m.html,
        })
        .collect();
    outbox::enqueue_many(conn, &emails, now)?;
    let endpoints = persistence::notifications::webhooks::endpoints(conn)?;
    let deliveries: Vec<(i64, i64)> = events
        .iter()
        .flat_map(|(notice, event_id)| {
            endpoints
                .iter()
                .filter(|e| e.wants(notice.kind()))
                .map(move |e| (e.id, *event_id))
        })
        .collect();
    persistence::notifications::webhooks::queue(conn, &deliveries, now)?;
    Ok(events.len())
}

/// Inserts the notices' events and pairs each new one with its id. A statement holds
/// one notice per dossier and kind (rows are matched back on them), so repeated
/// pairs go in later rounds.
fn insert_events<'a>(
    conn: &mut AnyConnection,
    notices: &'a [Notice],
    now: DateTime<Utc>,
) -> Outcome<Vec<(&'a Notice, i64)>> {
    let mut rounds: Vec<Vec<&Notice>> = Vec::new();
    let mut seen: HashMap<(i64, NoticeKind), usize> = HashMap::new();
    for notice in notices {
        let round = seen.entry((notice.dossier_id, notice.kind())).or_insert(0);
        if rounds.len() <= *round {
            rounds.push(Vec::new());
        }
        if let Some(batch) = rounds.get_mut(*round) {
            batch.push(notice);
        }
        *round += 1;
    }
    let mut events = Vec::with_capacity(notices.len());
    for round in rounds {
        let new: Vec<NewEvent> = round
            .iter()
            .map(|n| {
                Ok(NewEvent {
                    kind: n.kind(),
                    dossier_id: n.dossier_id,
                    title: n.title.clone(),
                    body: n.paragraphs.join("\n\n"),
                    link: n.link.as_ref().map(|(_, url)| url.clone()),
                    data: serde_json::to_string(&n.data)
                        .map_err(|e| UseCaseError::Internal(e.into()))?,
                    dedupe_key: n.dedupe_key.clone(),
                    occurred_at: db_time(now),
                })
            })
            .collect::<Outcome<_>>()?;
        let ids: HashMap<(i64, String), i64> = store::insert_events(conn, &new)?
            .into_iter()
            .map(|(dossier, kind, id)| ((dossier, kind), id))
            .collect();
        events.extend(round.into_iter().filter_map(|notice| {
            ids.get(&(notice.dossier_id, notice.kind().as_str().to_owned()))
                .map(|id| (notice, *id))
        }));
    }
    Ok(events)
}

/// An account's notifications, newest first, and their total.
pub fn list(
    conn: &mut AnyConnection,
    account_id: i64,
    unread_only: bool,
    page: (i64, i64),
) -> Outcome<(Vec<Notification>, i64)> {
    Ok(store::of_account(conn, account_id, unread_only, page)?)
}

/// Marks one notification read and returns it.
pub fn read(
    conn: &mut AnyConnection,
    account_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Outcome<Notification> {
    store::mark_read(conn, account_id, Some(id), now)?;
    Ok(store::find_of_account(conn, account_id, id)?.ok_or(CommonRefusal::NotFound)?)
}

/// How a kind of notification also comes, besides the portal: by email, by push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Channels {
    pub email: bool,
    pub push: bool,
}

/// Both, until the account turns one off.
impl Default for Channels {
    fn default() -> Self {
        Self {
            email: true,
            push: true,
        }
    }
}

/// A change of one kind's channels: `None` keeps the current choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelsChange {
    pub kind: NoticeKind,
    pub email: Option<bool>,
    pub push: Option<bool>,
}

/// Each kind with how it comes to the account.
pub fn preferences(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Outcome<Vec<(NoticeKind, Channels)>> {
    let stored: HashMap<String, Channels> = store::preferences(conn, account_id)?
        .into_iter()
        .map(|(kind, email, push)| (kind, Channels { email, push }))
        .collect();
    Ok(NoticeKind::ALL
        .iter()
        .map(|kind| {
            (
                *kind,
                stored.get(kind.as_str()).copied().unwrap_or_default(),
            )
        })
        .collect())
}

/// Records the account's choices (kinds and channels not named keep theirs) and
/// returns them all.
pub fn set_preferences(
    conn: &mut AnyConnection,
    account_id: i64,
    changes: &[ChannelsChange],
) -> Outcome<Vec<(NoticeKind, Channels)>> {
    write_transaction(conn, |conn| {
        let current: HashMap<NoticeKind, Channels> =
            preferences(conn, account_id)?.into_iter().collect();
        for change in changes {
            let was = current.get(&change.kind).copied().unwrap_or_default();
            let email = change.email.unwrap_or(was.email);
            let push = change.push.unwrap_or(was.push);
            store::set_preference(conn, account_id, change.kind.as_str(), (email, push))?;
        }
        preferences(conn, account_id)
    })
}

/// How many of an account's notifications are unread.
pub fn unread_count(conn: &mut AnyConnection, account_id: i64) -> Outcome<i64> {
    Ok(store::unread_count(conn, account_id)?)
}

/// Marks every notification of an account read.
pub fn read_all(conn: &mut AnyConnection, account_id: i64, now: DateTime<Utc>) -> Outcome<()> {
    store::mark_read(conn, account_id, None, now)?;
    Ok(())
}

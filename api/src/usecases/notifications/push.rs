//! Push notifications: the devices and browsers an account registers, and the pushes
//! each notification makes for them, queued in the transaction that makes it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::notifications::NoticeKind;
use persistence::AnyConnection;
use persistence::notifications::push as store;
pub use persistence::notifications::push::{NewSubscription, Subscription};

use crate::adapters::push::payload::PushPayload;
use crate::usecases::notifications::Notice;
use crate::usecases::{CommonRefusal, Outcome, UseCaseError};

/// Registers a device or browser for the account (again, if it was known: it then
/// takes this account, keys, language and label); returns it and whether it is new.
pub fn register(
    conn: &mut AnyConnection,
    new: &NewSubscription<'_>,
    now: DateTime<Utc>,
) -> Outcome<(Subscription, bool)> {
    Ok(store::register(conn, new, now)?)
}

/// The account's devices and browsers, each with whether pushes go to it (the
/// session that registered it lasts).
pub fn list(
    conn: &mut AnyConnection,
    account_id: i64,
    now: DateTime<Utc>,
) -> Outcome<Vec<(Subscription, bool)>> {
    Ok(store::of_account(conn, account_id, now)?)
}

/// Removes one of the account's devices; its pending pushes go with it.
pub fn remove(conn: &mut AnyConnection, account_id: i64, id: i64) -> Outcome<()> {
    if store::remove(conn, account_id, id)? {
        Ok(())
    } else {
        Err(CommonRefusal::NotFound.into())
    }
}

/// Queues a push of each new notification to each device of its account whose
/// registering session lasts, unless the account turned push off for the kind
/// (`pushes`).
pub fn queue(
    conn: &mut AnyConnection,
    events: &[(&Notice, i64)],
    notifications: &[(i64, i64, i64)],
    pushes: impl Fn(i64, NoticeKind) -> bool,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let mut accounts: Vec<i64> = notifications.iter().map(|(account, ..)| *account).collect();
    accounts.sort_unstable();
    accounts.dedup();
    let mut devices: HashMap<i64, Vec<Subscription>> = HashMap::new();
    for subscription in store::live_of_accounts(conn, &accounts, now)? {
        devices
            .entry(subscription.account_id)
            .or_default()
            .push(subscription);
    }
    if devices.is_empty() {
        return Ok(());
    }
    let notices: HashMap<i64, &Notice> = events.iter().map(|(n, id)| (*id, *n)).collect();
    let mut queued = Vec::new();
    for (account, event, notification) in notifications {
        let Some(notice) = notices.get(event) else {
            continue;
        };
        if !pushes(*account, notice.kind()) {
            continue;
        }
        let data =
            serde_json::to_value(&notice.data).map_err(|e| UseCaseError::Internal(e.into()))?;
        for device in devices.get(account).into_iter().flatten() {
            let payload = PushPayload::new(
                *notification,
                notice.kind(),
                &notice.title,
                notice.link.as_ref().map(|(_, url)| url.as_str()),
                data.clone(),
                &device.language,
            );
            let text =
                serde_json::to_string(&payload).map_err(|e| UseCaseError::Internal(e.into()))?;
            queued.push((device.id, *event, text));
        }
    }
    store::queue(conn, &queued, now)?;
    Ok(())
}

//! A child's bookings as an iCalendar feed for the family's phone: behind a secret
//! link (only its SHA-256 is kept), replaced or revoked by the family at will. Each
//! household of a child of separated parents has its own, with its own days.

use chrono::{DateTime, Days, NaiveDateTime, NaiveTime, Utc};
use domain::planning::paris_instant;
use persistence::write_transaction;
use persistence::{AnyConnection, dossiers::children, planning::calendar_feeds};

use crate::auth::secrets;
use crate::usecases::planning::{self as plan, Viewer};
use crate::usecases::{CommonRefusal, Outcome};

/// Creates (or replaces, revoking the old link) the child's feed; returns the secret,
/// shown once.
pub fn create(
    conn: &mut AnyConnection,
    dossier_id: i64,
    child_id: i64,
    now: DateTime<Utc>,
) -> Outcome<String> {
    children::find(conn, child_id, Some(dossier_id))?.ok_or(CommonRefusal::NotFound)?;
    let secret = secrets::new_secret();
    let digest = secrets::digest(&secret);
    write_transaction(conn, |conn| {
        calendar_feeds::replace(conn, (child_id, dossier_id), &digest, now)
    })?;
    Ok(secret)
}

/// Revokes the child's feed: its link stops working at once.
pub fn revoke(conn: &mut AnyConnection, dossier_id: i64, child_id: i64) -> Outcome<()> {
    children::find(conn, child_id, Some(dossier_id))?.ok_or(CommonRefusal::NotFound)?;
    if calendar_feeds::revoke(conn, (child_id, dossier_id))? {
        Ok(())
    } else {
        Err(CommonRefusal::NotFound.into())
    }
}

/// One booked unit, as a calendar event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEvent {
    /// Stable across fetches, so phones update rather than duplicate.
    pub uid: String,
    pub summary: String,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
}

/// The feed's child's name and booked units, from 30 days ago to 11 months ahead.
pub fn events(
    conn: &mut AnyConnection,
    city: plan::CityData,
    secret: &str,
    now: DateTime<Utc>,
) -> Outcome<(String, Vec<FeedEvent>)> {
    let (child_id, dossier_id) =
        calendar_feeds::child_of(conn, &secrets::digest(secret))?.ok_or(CommonRefusal::NotFound)?;
    let today = now.date_naive();
    let from = today.checked_sub_days(Days::new(30)).unwrap_or(today);
    let to = today.checked_add_days(Days::new(335)).unwrap_or(today);
    // As the household sees it: the other household's days show no booking.
    let planning = plan::view(
        conn,
        city,
        Viewer::Family { dossier_id },
        Some(child_id),
        (from, to),
        now,
    )?;
    let mut name = String::new();
    let mut events = Vec::new();
    for child in &planning.children {
        name.clone_from(&child.child.first_name);
        for activity in &child.activities {
            for entry in activity.entries.iter().filter(|e| e.booked()) {
                let Some(unit) = activity
                    .plan
                    .units
                    .iter()
                    .find(|u| u.unit.id == entry.unit_id)
                else {
                    continue;
                };
                let end = NaiveTime::parse_from_str(&unit.unit.ends_at, "%H:%M")
                    .unwrap_or(unit.starts_at);
                events.push(FeedEvent {
                    uid: format!(
                        "booking-{}-{}-{}@espace-familles",
                        child.child.id, entry.unit_id, entry.day
                    ),
                    summary: format!(
                        "{} — {} ({})",
                        child.child.first_name, activity.plan.activity.name, unit.unit.name
                    ),
                    starts: entry.starts_at,
                    ends: paris_instant(NaiveDateTime::new(entry.day, end)),
                });
            }
        }
    }
    Ok((name, events))
}

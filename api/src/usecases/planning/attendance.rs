//! Attendance: agents record who came, which billing reads (booked and present, or
//! absent without justification: billed; justified absence or closure: not billed;
//! present without booking: billed with a surcharge).

pub use persistence::planning::attendance::Attendance;

use domain::planning::BookingStatus;
use persistence::write_transaction;
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::planning::AttendanceStatus;
use persistence::dossiers::children::Child;
use persistence::planning::attendance;
use persistence::{AnyConnection, activities, dossiers::children};

use crate::problem::FieldError;
use crate::usecases::planning::{self as plan};
use crate::usecases::{CommonRefusal, Outcome, UseCaseError};

/// Records a child's attendance on a unit of a day. The child must be registered
/// (accepted) with the unit's activity and the unit must run that day; a
/// `present_unbooked` child is one who came without a booking, others were booked.
pub fn record(
    conn: &mut AnyConnection,
    agent_id: i64,
    entry: (i64, i64, NaiveDate),
    status: AttendanceStatus,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Outcome<Attendance> {
    let (child_id, unit_id, day) = entry;
    let child = children::find(conn, child_id, None)?.ok_or(CommonRefusal::NotFound)?;
    let ctx = plan::load(conn, child.dossier_id, Some(child_id), day, day)?;
    let Some((registration, unit)) = ctx.find(child_id, unit_id, day) else {
        return Err(invalid(
            "unitId",
            "not_registered",
            "L'enfant n'est pas inscrit à cette activité ce jour-là.",
            "The child is not registered with this activity that day.",
        ));
    };
    if ctx.closed_reason(registration, unit, day).is_some() {
        return Err(invalid(
            "date",
            "day_not_open",
            "L'activité n'a pas lieu ce jour-là.",
            "The activity does not run that day.",
        ));
    }
    let booked = ctx.is_booked(child_id, unit_id, day) == Some(BookingStatus::Booked);
    if booked != status.expects_booking() {
        return Err(if booked {
            invalid(
                "status",
                "booked",
                "L'enfant était réservé : « present » ou une absence.",
                "The child was booked: `present` or an absence.",
            )
        } else {
            invalid(
                "status",
                "not_booked",
                "L'enfant n'était pas réservé : seul « present_unbooked » s'applique.",
                "The child was not booked: only `present_unbooked` applies.",
            )
        });
    }
    Ok(write_transaction(conn, |conn| {
        attendance::record(
            conn,
            (child_id, unit_id, day, child.dossier_id),
            status,
            note,
            Some(agent_id),
            now,
        )
    })?)
}

fn invalid(field: &str, code: &str, fr: &str, en: &str) -> UseCaseError {
    UseCaseError::Invalid(vec![FieldError::new(field, code, fr, en)])
}

/// One line of a day's roll call.
#[derive(Debug, Clone)]
pub struct RollCallLine {
    pub child: Child,
    pub unit_id: i64,
    /// Booked, closed, or `None` (came without booking).
    pub booking: Option<BookingStatus>,
    pub attendance: Option<Attendance>,
}

/// The children booked on the activity's units that day, and those recorded present
/// without booking, with what was recorded.
pub fn roll_call(
    conn: &mut AnyConnection,
    activity_id: i64,
    day: NaiveDate,
) -> Outcome<Vec<RollCallLine>> {
    activities::find(conn, activity_id)?.ok_or(CommonRefusal::NotFound)?;
    let mut lines: BTreeMap<(i64, i64), (Option<BookingStatus>, Option<Attendance>)> =
        BTreeMap::new();
    for (child, _, unit, status) in attendance::booked_on(conn, activity_id, day)? {
        let status = status.parse().map_err(persistence::DbError::Stored)?;
        lines.entry((child, unit)).or_default().0 = Some(status);
    }
    for recorded in attendance::of_activity_day(conn, activity_id, day)? {
        let key = (recorded.child_id, recorded.unit_id);
        lines.entry(key).or_default().1 = Some(recorded);
    }
    let mut roll = Vec::with_capacity(lines.len());
    for ((child_id, unit_id), (booking, attendance)) in lines {
        if let Some(child) = children::find(conn, child_id, None)? {
            roll.push(RollCallLine {
                child,
                unit_id,
                booking,
                attendance,
            });
        }
    }
    Ok(roll)
}

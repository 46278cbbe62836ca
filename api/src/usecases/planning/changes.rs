//! Changing a planning: the family's draft (ticked days kept on the server until
//! validated), its validation in one transaction, and agents' direct changes.

use persistence::write_transaction;
use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use persistence::audit::{self, NewAuditEntry};
use persistence::planning::{self as store, NewBooking, PendingChange};
use persistence::{AnyConnection, DbError};

use crate::problem::FieldError;
use crate::usecases::dossiers::DossierRefusal;
use crate::usecases::planning::{self as plan, Action, Context, DayRefusal, Verdict, Viewer};
use crate::usecases::{CommonRefusal, Outcome, UseCaseError};

/// Most days one request may change (a pattern over a school year is about 150).
pub const MAX_CHANGES: usize = 1000;

/// One unit of one day to book or cancel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Change {
    pub child_id: i64,
    pub unit_id: i64,
    pub day: NaiveDate,
    pub action: Action,
}

/// "Every Monday and Thursday of this period": the days of `from..=to` falling on
/// `weekdays` (ISO, 1 = Monday) on which the unit runs for the child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    pub child_id: i64,
    pub unit_id: i64,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub weekdays: Vec<u32>,
    pub action: Action,
}

/// A change with its verdict at the time it was asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Judged {
    pub change: Change,
    pub verdict: Verdict,
}

fn too_many() -> UseCaseError {
    UseCaseError::Invalid(vec![FieldError::new(
        "changes",
        "too_many_changes",
        "Au plus 1000 jours par demande.",
        "At most 1,000 days per request.",
    )])
}

/// The range the changes span.
fn span(changes: &[Change]) -> Option<(NaiveDate, NaiveDate)> {
    let from = changes.iter().map(|c| c.day).min()?;
    let to = changes.iter().map(|c| c.day).max()?;
    Some((from, to))
}

/// Unfolds patterns into days (closed days left out, and for a family the days of
/// the child's other household) and adds the single changes.
fn expand(
    conn: &mut AnyConnection,
    dossier_id: i64,
    changes: &[Change],
    patterns: &[Pattern],
    agent: bool,
) -> Outcome<Vec<Change>> {
    let mut all: Vec<Change> = changes.to_vec();
    for pattern in patterns {
        plan::check_range(pattern.from, pattern.to)?;
        let ctx = plan::load(
            conn,
            dossier_id,
            Some(pattern.child_id),
            pattern.from,
            pattern.to,
        )?;
        for day in pattern.from.iter_days().take_while(|d| *d <= pattern.to) {
            if !pattern
                .weekdays
                .contains(&day.weekday().number_from_monday())
            {
                continue;
            }
            let Some((registration, unit)) = ctx.find(pattern.child_id, pattern.unit_id, day)
            else {
                continue;
            };
            if !agent && ctx.in_other_household(pattern.child_id, day) {
                continue;
            }
            if ctx.closed_reason(registration, unit, day).is_none() {
                all.push(Change {
                    child_id: pattern.child_id,
                    unit_id: pattern.unit_id,
                    day,
                    action: pattern.action,
                });
            }
            if all.len() > MAX_CHANGES {
                return Err(too_many());
            }
        }
    }
    if all.len() > MAX_CHANGES {
        return Err(too_many());
    }
    Ok(all)
}

fn judge(ctx: &Context, change: Change, now: DateTime<Utc>, agent: bool) -> Verdict {
    match ctx.find(change.child_id, change.unit_id, change.day) {
        Some((registration, unit)) => {
            ctx.verdict(registration, unit, change.day, change.action, now, agent)
        }
        None => Verdict::Refused(DayRefusal::NotRegistered),
    }
}

/// Checks the children of the changes and patterns belong to the dossier (another
/// family's child: not found).
fn own_children(
    conn: &mut AnyConnection,
    dossier_id: i64,
    changes: &[Change],
    patterns: &[Pattern],
) -> Outcome<()> {
    let (_, kids) = plan::children_of(conn, Viewer::Family { dossier_id }, None)?;
    let mut asked = changes
        .iter()
        .map(|c| c.child_id)
        .chain(patterns.iter().map(|p| p.child_id));
    if asked.all(|id| kids.iter().any(|k| k.id == id)) {
        Ok(())
    } else {
        Err(CommonRefusal::NotFound.into())
    }
}

/// The dossier's draft, each change judged at `now`.
pub fn draft(
    conn: &mut AnyConnection,
    dossier_id: i64,
    now: DateTime<Utc>,
) -> Outcome<Vec<Judged>> {
    let pending = store::draft_of(conn, dossier_id)?;
    judge_all(conn, dossier_id, &pending, now)
}

fn as_change(pending: &PendingChange) -> Change {
    Change {
        child_id: pending.child_id,
        unit_id: pending.unit_id,
        day: pending.day,
        action: pending.action,
    }
}

fn judge_all(
    conn: &mut AnyConnection,
    dossier_id: i64,
    pending: &[PendingChange],
    now: DateTime<Utc>,
) -> Outcome<Vec<Judged>> {
    let changes: Vec<Change> = pending.iter().map(as_change).collect();
    let Some((from, to)) = span(&changes) else {
        return Ok(Vec::new());
    };
    let ctx = plan::load(conn, dossier_id, None, from, to)?;
    Ok(changes
        .into_iter()
        .map(|change| Judged {
            change,
            verdict: judge(&ctx, change, now, false),
        })
        .collect())
}

/// What adding changes to a draft did.
#[derive(Debug)]
pub struct DraftUpdate {
    /// Changes not kept: the child is not registered with the unit that day, or the
    /// unit does not run that day.
    pub ignored: Vec<Judged>,
    pub draft: Vec<Judged>,
}

/// Adds changes to the draft. Ticking a day back to its saved state removes its
/// pending change, as unticking a box does on screen.
pub fn add_to_draft(
    conn: &mut AnyConnection,
    dossier_id: i64,
    changes: &[Change],
    patterns: &[Pattern],
    now: DateTime<Utc>,
) -> Outcome<DraftUpdate> {
    write_transaction(conn, |conn| {
        own_children(conn, dossier_id, changes, patterns)?;
        let all = expand(conn, dossier_id, changes, patterns, false)?;
        let mut ignored = Vec::new();
        let mut writes = Vec::new();
        if let Some((from, to)) = span(&all) {
            let ctx = plan::load(conn, dossier_id, None, from, to)?;
            for change in all {
                let Some((registration, unit)) =
                    ctx.find(change.child_id, change.unit_id, change.day)
                else {
                    ignored.push(Judged {
                        change,
                        verdict: Verdict::Refused(DayRefusal::NotRegistered),
                    });
                    continue;
                };
                if let Some(reason) = ctx.closed_reason(registration, unit, change.day) {
                    ignored.push(Judged {
                        change,
                        verdict: Verdict::Refused(DayRefusal::DayClosed(reason)),
                    });
                    continue;
                }
                // The other household's day: refused outright, nothing of the request kept.
                if ctx.in_other_household(change.child_id, change.day) {
                    return Err(DossierRefusal::NotInCustody.into());
                }
                let key = (change.child_id, change.unit_id, change.day);
                let booked = ctx
                    .is_booked(change.child_id, change.unit_id, change.day)
                    .is_some();
                // Nothing to change when the day already is as asked.
                let action = (booked != (change.action == Action::Book)).then_some(change.action);
                writes.push((key, action));
            }
        }
        // Written in key order, the order validations lock the draft in (no deadlock).
        writes.sort_by_key(|(key, _)| *key);
        for (key, action) in writes {
            match action {
                None => store::drop_change(conn, key)?,
                Some(action) => store::put_change(conn, dossier_id, key, action, now)?,
            }
        }
        let draft = draft(conn, dossier_id, now)?;
        Ok(DraftUpdate { ignored, draft })
    })
}

/// Discards the draft; returns how many changes it held.
pub fn discard(conn: &mut AnyConnection, dossier_id: i64) -> Outcome<usize> {
    Ok(store::clear_draft(conn, dossier_id)?)
}

/// What a validation did.
#[derive(Debug, Default)]
pub struct Applied {
    pub applied: Vec<Change>,
    pub refused: Vec<Judged>,
}

/// Applies one allowed change; a full day found at write time is refused.
fn apply(
    conn: &mut AnyConnection,
    ctx: &Context,
    change: Change,
    source: &str,
    now: DateTime<Utc>,
) -> Result<Option<DayRefusal>, DbError> {
    let Some((registration, _)) = ctx.find(change.child_id, change.unit_id, change.day) else {
        return Ok(Some(DayRefusal::NotRegistered));
    };
    let slot = &registration.registration;
    match change.action {
        Action::Book => {
            if store::find_booking(conn, change.child_id, change.unit_id, change.day)?.is_some() {
                return Ok(None);
            }
            let capacity = ctx.capacity(slot.group_id, change.day);
            if !store::take_place(conn, slot.group_id, change.unit_id, change.day, capacity)? {
                return Ok(Some(DayRefusal::DayFull));
            }
            store::insert_booking(
                conn,
                NewBooking {
                    child_id: change.child_id,
                    dossier_id: slot.dossier_id,
                    registration_id: slot.id,
                    unit_id: change.unit_id,
                    group_id: slot.group_id,
                    day: change.day,
                    source,
                },
                now,
            )?;
        }
        Action::Cancel => {
            // The place goes back to the group the booking took it from.
            if let Some(booking) =
                store::find_booking(conn, change.child_id, change.unit_id, change.day)?
                && store::delete_booking(conn, change.child_id, change.unit_id, change.day)?
            {
                store::release_place(conn, booking.group_id, change.unit_id, change.day)?;
            }
        }
    }
    Ok(None)
}

/// Applies every change of the draft the rules allow at `now`, in one transaction,
/// reports the others, and empties the draft.
pub fn validate(conn: &mut AnyConnection, dossier_id: i64, now: DateTime<Utc>) -> Outcome<Applied> {
    write_transaction(conn, |conn| {
        let pending = store::claim_draft(conn, dossier_id)?;
        let mut outcome = Applied::default();
        let mut changes: Vec<Change> = pending.iter().map(as_change).collect();
        // One order for every transaction's row locks (no deadlock between two).
        changes.sort_by_key(|c| (c.day, c.unit_id, c.child_id));
        if let Some((from, to)) = span(&changes) {
            let ctx = plan::load(conn, dossier_id, None, from, to)?;
            for change in changes {
                let refusal = match judge(&ctx, change, now, false) {
                    Verdict::Refused(refusal) => Some(refusal),
                    Verdict::Allowed(_) => apply(conn, &ctx, change, "family", now)?,
                };
                match refusal {
                    None => outcome.applied.push(change),
                    Some(refusal) => outcome.refused.push(Judged {
                        change,
                        verdict: Verdict::Refused(refusal),
                    }),
                }
            }
        }
        // Only what was read: a change another device added meanwhile stays.
        for change in &pending {
            store::drop_change(conn, (change.child_id, change.unit_id, change.day))?;
        }
        Ok(outcome)
    })
}

/// An agent's changes to a child's planning: applied at once, past deadlines too
/// (never past the calendar or the capacity), each recorded in the audit log.
pub fn agent_changes(
    conn: &mut AnyConnection,
    agent_id: i64,
    child_id: i64,
    changes: &[Change],
    patterns: &[Pattern],
    now: DateTime<Utc>,
) -> Outcome<Applied> {
    write_transaction(conn, |conn| {
        let (dossier_id, _) = plan::children_of(conn, Viewer::Agent, Some(child_id))?;
        let mut all = expand(conn, dossier_id, changes, patterns, true)?;
        all.retain(|c| c.child_id == child_id);
        all.sort_by_key(|c| (c.day, c.unit_id));
        let mut outcome = Applied::default();
        let Some((from, to)) = span(&all) else {
            return Ok(outcome);
        };
        let ctx = plan::load(conn, dossier_id, Some(child_id), from, to)?;
        let mut deadlines_passed: HashMap<Action, usize> = HashMap::new();
        for change in all {
            let refusal = match judge(&ctx, change, now, true) {
                Verdict::Refused(refusal) => Some(refusal),
                Verdict::Allowed(_) => {
                    if matches!(
                        judge(&ctx, change, now, false),
                        Verdict::Refused(DayRefusal::DeadlinePassed(_))
                    ) {
                        *deadlines_passed.entry(change.action).or_default() += 1;
                    }
                    apply(conn, &ctx, change, "agent", now)?
                }
            };
            match refusal {
                None => outcome.applied.push(change),
                Some(refusal) => outcome.refused.push(Judged {
                    change,
                    verdict: Verdict::Refused(refusal),
                }),
            }
        }
        if !outcome.applied.is_empty() {
            let detail = serde_json::json!({
                "applied": outcome.applied.iter().map(|c| serde_json::json!({
                    "unitId": c.unit_id, "day": c.day, "action": c.action.as_str(),
                })).collect::<Vec<_>>(),
                "pastDeadline": deadlines_passed.values().sum::<usize>(),
            })
            .to_string();
            audit::record(
                conn,
                &NewAuditEntry {
                    actor_id: agent_id,
                    action: domain::audit::AuditAction::ChangePlanning,
                    dossier_id: Some(dossier_id),
                    child_id: Some(child_id),
                    detail: &detail,
                },
                now,
            )?;
        }
        Ok(outcome)
    })
}

//! Registrations: a family asks, the rules and the places decide. A place is taken
//! by one conditional update before the registration is written, in one
//! transaction whose first statement writes (so SQLite's writers queue rather than
//! fail); the unique index keeps one live registration per child and activity.

use chrono::{DateTime, NaiveDate, Utc};
use domain::activities::{
    RegistrationAsk, RegistrationMode, RegistrationProblem, RegistrationStatus, Transition,
    check_request, on_request, transition,
};
use domain::dossiers::DocumentKind;
use persistence::activities::registrations::{self, NewRegistration, Registration};
use persistence::activities::{Activity, Group};
use persistence::dossiers::{children, documents, households};
use persistence::write_transaction;
use persistence::{AnyConnection, activities};

use crate::problem::FieldError;
use crate::usecases::dossiers::{Child, gone};
use crate::usecases::notifications::notice_data::{NoticeData, RegistrationDecidedData};
use crate::usecases::notifications::{self, Notice};
use crate::usecases::{ActivityRefusal, CommonRefusal, Outcome, UseCaseError};

/// A family's registration request.
#[derive(Debug, Clone)]
pub struct RegistrationRequest {
    pub account_id: i64,
    pub dossier_id: i64,
    pub child_id: i64,
    pub activity_id: i64,
    pub entry_date: Option<NaiveDate>,
    pub group_id: Option<i64>,
    pub health_form_id: Option<i64>,
}

/// A registration with where it stands.
#[derive(Debug, Clone)]
pub struct RegistrationRecord {
    pub registration: Registration,
    pub activity_name: String,
    pub group_name: String,
    /// Place in the waiting line (1 for the first), when waitlisted.
    pub position: Option<i64>,
}

fn invalid(field: &str, code: &str, fr: &str, en: &str) -> UseCaseError {
    UseCaseError::Invalid(vec![FieldError::new(field, code, fr, en)])
}

fn status_of(registration: &Registration) -> Outcome<RegistrationStatus> {
    Ok(registration.status)
}

pub fn record(conn: &mut AnyConnection, registration: Registration) -> Outcome<RegistrationRecord> {
    let activity =
        activities::find(conn, registration.activity_id)?.ok_or_else(|| gone("activity"))?;
    let group =
        activities::find_group(conn, registration.group_id)?.ok_or_else(|| gone("group"))?;
    let position = if registration.status == RegistrationStatus::Waitlisted {
        Some(registrations::waitlist_position(conn, &registration)?)
    } else {
        None
    };
    Ok(RegistrationRecord {
        registration,
        activity_name: activity.name,
        group_name: group.name,
        position,
    })
}

/// Checks a request against the activity's rules (`domain::activities::check_request`
/// decides); returns the child, the entry date and the groups to try, in order.
fn check(
    conn: &mut AnyConnection,
    request: &RegistrationRequest,
    activity: &Activity,
    groups: &[Group],
    today: NaiveDate,
) -> Outcome<(Child, NaiveDate, Vec<Group>)> {
    let child = children::find(conn, request.child_id, Some(request.dossier_id))?
        .ok_or(CommonRefusal::NotFound)?;
    let health_form = match request.health_form_id {
        Some(id) => Some(
            documents::find(conn, id, Some(request.dossier_id))?.is_some_and(|d| {
                d.kind == DocumentKind::HealthForm && d.child_id.is_none_or(|c| c == child.id)
            }),
        ),
        None => None,
    };
    let group_ids: Vec<i64> = groups.iter().map(|g| g.id).collect();
    let eligibility = super::eligibility_of(activity);
    let ask = RegistrationAsk {
        mode: activity.mode,
        eligibility: &eligibility,
        entry_rule: activity.entry_rule,
        family_chooses_group: activity.family_chooses_group,
        needs_health_form: activity
            .required_documents
            .contains(&DocumentKind::HealthForm),
        groups: &group_ids,
        birth_date: child.birth_date,
        level: child.school_level,
        entry_date: request.entry_date,
        group_id: request.group_id,
        health_form,
    };
    let (entry, chosen) = check_request(&ask, today).map_err(refusal)?;
    crate::usecases::dossiers::renewals::check_for_registration(
        conn,
        request.dossier_id,
        entry,
        today,
    )?;
    crate::usecases::dossiers::requirements::check_for_registration(
        conn,
        request.dossier_id,
        child.id,
        &activity.required_documents,
        entry,
    )?;
    let groups = chosen
        .iter()
        .filter_map(|id| groups.iter().find(|g| g.id == *id).cloned())
        .collect();
    Ok((child, entry, groups))
}

/// What a family is told of a request that breaks the activity's rules.
fn refusal(problem: RegistrationProblem) -> UseCaseError {
    use RegistrationProblem as P;
    match problem {
        P::Prepaid => ActivityRefusal::PrepaidActivity.into(),
        P::NotEligible(_) => ActivityRefusal::NotEligible.into(),
        P::NoGroup => ActivityRefusal::ActivityFull.into(),
        P::EntryDateFixed => invalid(
            "entryDate",
            "fixed",
            "Non modifiable pour cette activité : l'inscription commence au début de l'activité.",
            "Fixed for this activity: the registration starts with the activity.",
        ),
        P::EntryDateOutOfRange => invalid(
            "entryDate",
            "out_of_range",
            "La date d'entrée doit tomber pendant l'activité, et pas avant aujourd'hui.",
            "The entry date must fall within the activity, and not before today.",
        ),
        P::UnknownGroup => invalid(
            "groupId",
            "unknown_group",
            "Ce groupe n'appartient pas à cette activité.",
            "This group does not belong to this activity.",
        ),
        P::GroupRequired => invalid(
            "groupId",
            "required",
            "Choisissez un groupe (un accueil).",
            "Choose a group.",
        ),
        P::NotTheChildsHealthForm => invalid(
            "healthFormId",
            "unknown_document",
            "Cette fiche sanitaire n'est pas un document de cet enfant.",
            "This health form is not a document of this child.",
        ),
        P::HealthFormRequired => invalid(
            "healthFormId",
            "required",
            "Cette activité demande la fiche sanitaire de l'enfant.",
            "This activity needs the child's health form.",
        ),
    }
}

/// Registers a child: checked against the rules, then, for an automatic activity,
/// a place taken in the first group that has one (or the child waits in the first
/// group's line); for one decided by agents, a request.
pub fn register(
    conn: &mut AnyConnection,
    frontend_url: &str,
    request: &RegistrationRequest,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Outcome<RegistrationRecord> {
    let activity = activities::find(conn, request.activity_id)?.ok_or(CommonRefusal::NotFound)?;
    let all_groups = activities::groups_of(conn, activity.id)?;
    let (child, entry, groups) = check(conn, request, &activity, &all_groups, today)?;
    let mode = activity.mode;
    let (registration, group) = write_transaction(conn, |conn| {
        let mut group = &groups[0];
        let mut placed = false;
        if mode == RegistrationMode::Automatic {
            for candidate in &groups {
                if activities::take_place(conn, candidate.id)? {
                    group = candidate;
                    placed = true;
                    break;
                }
            }
        }
        let new = NewRegistration {
            activity_id: request.activity_id,
            child_id: request.child_id,
            // The child's registrations are shared by its households: filed under the
            // dossier the child is filed in, whichever household asked.
            dossier_id: child.dossier_id,
            group_id: group.id,
            status: on_request(mode, placed),
            entry_date: entry,
            health_form_id: request.health_form_id,
            requested_by: Some(request.account_id),
        };
        let id = registrations::insert(conn, &new, now).map_err(crate::usecases::unique_as(
            ActivityRefusal::AlreadyRegistered,
        ))?;
        // A child of separated parents: the other household is told.
        if let Some(other) = other_household(conn, child.id, request.dossier_id)? {
            let data = RegistrationDecidedData {
                registration_id: id,
                child_id: new.child_id,
                activity_id: new.activity_id,
                status: new.status.as_str().to_owned(),
                reason: None,
            };
            let names = (child.first_name.as_str(), activity.name.as_str());
            let notice = registration_notice(
                frontend_url,
                other,
                data,
                names,
                "a été demandée par l'autre parent",
            );
            notifications::notify(conn, &[notice], now)?;
        }
        Ok::<_, UseCaseError>((id, new, group.name.clone()))
    })
    .map(|(id, new, group)| {
        // What was just written, without reading it back (the rush's hot path).
        let stamp = persistence::db_time(now);
        let registration = Registration {
            id,
            activity_id: new.activity_id,
            child_id: new.child_id,
            dossier_id: new.dossier_id,
            group_id: new.group_id,
            status: new.status,
            entry_date: new.entry_date,
            health_form_id: new.health_form_id,
            reason: None,
            requested_by: new.requested_by,
            decided_by: None,
            created_at: stamp,
            updated_at: stamp,
        };
        (registration, group)
    })?;
    let position = if registration.status == RegistrationStatus::Waitlisted {
        Some(registrations::waitlist_position(conn, &registration)?)
    } else {
        None
    };
    Ok(RegistrationRecord {
        registration,
        activity_name: activity.name,
        group_name: group,
        position,
    })
}

/// An agent's decision on a registration.
#[derive(Debug, Clone)]
pub struct Decision {
    pub action: Transition,
    pub reason: Option<String>,
    pub agent_id: i64,
}

/// Accepts (taking a place: 422 `activity_full` when none is left), refuses or
/// waitlists a registration; the family is emailed.
pub fn decide(
    conn: &mut AnyConnection,
    frontend_url: &str,
    id: i64,
    decision: &Decision,
    now: DateTime<Utc>,
) -> Outcome<RegistrationRecord> {
    let current = registrations::find(conn, id, None)?.ok_or(CommonRefusal::NotFound)?;
    let from = status_of(&current)?;
    let to =
        transition(from, decision.action).ok_or(ActivityRefusal::RegistrationAlreadyDecided)?;
    write_transaction(conn, |conn| {
        if to.holds_place() && !activities::take_place(conn, current.group_id)? {
            return Err(UseCaseError::from(ActivityRefusal::ActivityFull));
        }
        if !registrations::set_status(
            conn,
            id,
            from,
            to,
            decision.reason.as_deref(),
            Some(decision.agent_id),
            now,
        )? {
            return Err(ActivityRefusal::RegistrationAlreadyDecided.into());
        }
        let registration =
            registrations::find(conn, id, None)?.ok_or_else(|| gone("registration"))?;
        let record = record(conn, registration)?;
        tell_family(conn, frontend_url, &record, now)?;
        Ok(record)
    })
}

/// Cancels a registration (the family's, when `dossier_id` is given: the activity
/// must allow it). A place it held goes to the first child waiting, whose family is
/// emailed.
pub fn cancel(
    conn: &mut AnyConnection,
    frontend_url: &str,
    id: i64,
    dossier_id: Option<i64>,
    actor_id: i64,
    now: DateTime<Utc>,
) -> Outcome<RegistrationRecord> {
    let current = registrations::find(conn, id, dossier_id)?.ok_or(CommonRefusal::NotFound)?;
    if dossier_id.is_some() {
        let activity =
            activities::find(conn, current.activity_id)?.ok_or_else(|| gone("activity"))?;
        if !activity.cancellable {
            return Err(ActivityRefusal::NotCancellable.into());
        }
    }
    let from = status_of(&current)?;
    let to =
        transition(from, Transition::Cancel).ok_or(ActivityRefusal::RegistrationAlreadyDecided)?;
    write_transaction(conn, |conn| {
        if !registrations::set_status(conn, id, from, to, None, Some(actor_id), now)? {
            return Err(UseCaseError::from(
                ActivityRefusal::RegistrationAlreadyDecided,
            ));
        }
        if from.holds_place() {
            activities::release_place(conn, current.group_id)?;
            promote_first_waiting(conn, frontend_url, current.group_id, now)?;
        }
        // Days still to come are no longer booked (nor billed), their places freed.
        persistence::planning::cancel_bookings_from(conn, id, now.date_naive())?;
        let registration =
            registrations::find(conn, id, None)?.ok_or_else(|| gone("registration"))?;
        let record = record(conn, registration)?;
        // A family cancelling a shared child's registration: the other household is told.
        if let Some(household) = dossier_id
            && let Some(other) = other_household(conn, current.child_id, household)?
        {
            let child =
                children::find(conn, current.child_id, None)?.ok_or_else(|| gone("child"))?;
            let data = RegistrationDecidedData {
                registration_id: id,
                child_id: current.child_id,
                activity_id: current.activity_id,
                status: to.as_str().to_owned(),
                reason: None,
            };
            let names = (child.first_name.as_str(), record.activity_name.as_str());
            let notice = registration_notice(
                frontend_url,
                other,
                data,
                names,
                "a été annulée par l'autre parent",
            );
            notifications::notify(conn, &[notice], now)?;
        }
        Ok(record)
    })
}

/// Gives a freed place to the first child waiting in the group (first come, first
/// served), in the caller's transaction.
pub(crate) fn promote_first_waiting(
    conn: &mut AnyConnection,
    frontend_url: &str,
    group_id: i64,
    now: DateTime<Utc>,
) -> Outcome<bool> {
    let to = transition(RegistrationStatus::Waitlisted, Transition::Promote)
        .ok_or_else(|| gone("promotion"))?;
    // A place is taken first (none left: nothing to give); then it goes to the
    // first child still waiting (one moved meanwhile is skipped), or back.
    if !activities::take_place(conn, group_id)? {
        return Ok(false);
    }
    while let Some(first) = registrations::first_waiting(conn, group_id)? {
        let moved = registrations::set_status(
            conn,
            first.id,
            RegistrationStatus::Waitlisted,
            to,
            None,
            None,
            now,
        )?;
        if moved {
            let registration =
                registrations::find(conn, first.id, None)?.ok_or_else(|| gone("registration"))?;
            let record = record(conn, registration)?;
            tell_family(conn, frontend_url, &record, now)?;
            return Ok(true);
        }
    }
    activities::release_place(conn, group_id)?;
    Ok(false)
}

/// The child's household other than `household`, when it has two.
fn other_household(
    conn: &mut AnyConnection,
    child_id: i64,
    household: i64,
) -> Outcome<Option<i64>> {
    Ok(households::of_child(conn, child_id)?.map(|shared| {
        if shared.first == household {
            shared.second
        } else {
            shared.first
        }
    }))
}

/// The notice telling a household what the other household did with a registration.
fn registration_notice(
    frontend_url: &str,
    dossier_id: i64,
    data: RegistrationDecidedData,
    (child_name, activity): (&str, &str),
    verdict: &str,
) -> Notice {
    let id = data.registration_id;
    Notice {
        dossier_id,
        title: format!("Inscription de {child_name} : {activity}"),
        paragraphs: vec![format!(
            "L'inscription de {child_name} à « {activity} » {verdict}. Le détail est dans votre espace :"
        )],
        link: Some((
            "Voir l'inscription".to_owned(),
            format!("{frontend_url}/inscriptions/{id}"),
        )),
        data: NoticeData::RegistrationDecided(data),
        dedupe_key: None,
    }
}

/// Tells the family (both households of a child of separated parents) where a
/// registration stands after a decision or a freed place.
fn tell_family(
    conn: &mut AnyConnection,
    frontend_url: &str,
    record: &RegistrationRecord,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let registration = &record.registration;
    let child = children::find(conn, registration.child_id, None)?.ok_or_else(|| gone("child"))?;
    let activity = &record.activity_name;
    let verdict = match registration.status {
        RegistrationStatus::Accepted => "est acceptée",
        RegistrationStatus::Refused => "est refusée",
        RegistrationStatus::Waitlisted => "est en liste d'attente",
        RegistrationStatus::Cancelled => "est annulée",
        RegistrationStatus::Requested => "a été mise à jour",
    };
    let mut paragraphs = vec![format!(
        "L'inscription de {} à « {activity} » {verdict}. Le détail est dans votre espace :",
        child.first_name
    )];
    if let Some(reason) = &registration.reason {
        paragraphs.push(format!("Motif : « {reason} »"));
    }
    let mut households = vec![registration.dossier_id];
    households.extend(other_household(conn, child.id, registration.dossier_id)?);
    let notices: Vec<Notice> = households
        .into_iter()
        .map(|dossier_id| Notice {
            dossier_id,
            title: format!("Inscription de {} : {activity}", child.first_name),
            paragraphs: paragraphs.clone(),
            link: Some((
                "Voir l'inscription".to_owned(),
                format!("{frontend_url}/inscriptions/{}", registration.id),
            )),
            data: NoticeData::RegistrationDecided(RegistrationDecidedData {
                registration_id: registration.id,
                child_id: registration.child_id,
                activity_id: registration.activity_id,
                status: registration.status.as_str().to_owned(),
                reason: registration.reason.clone(),
            }),
            dedupe_key: None,
        })
        .collect();
    notifications::notify(conn, &notices, now)?;
    Ok(())
}

/// A dossier's registrations (one child's when given), newest first.
pub fn of_dossier(
    conn: &mut AnyConnection,
    dossier_id: i64,
    child_id: Option<i64>,
) -> Outcome<Vec<RegistrationRecord>> {
    if let Some(child) = child_id {
        children::find(conn, child, Some(dossier_id))?.ok_or(CommonRefusal::NotFound)?;
    }
    registrations::of_dossier(conn, dossier_id, child_id)?
        .into_iter()
        .map(|r| record(conn, r))
        .collect()
}

/// One of the family's registrations.
pub fn get(conn: &mut AnyConnection, id: i64, dossier_id: i64) -> Outcome<RegistrationRecord> {
    let registration =
        registrations::find(conn, id, Some(dossier_id))?.ok_or(CommonRefusal::NotFound)?;
    record(conn, registration)
}

/// A registration in the back office's queue, with its child's first and last names.
pub type QueuedRegistration = (RegistrationRecord, String, String);

/// The back office's queue: registrations, by status and activity when asked, each
/// with its child's first and last names, and their total.
pub fn queue(
    conn: &mut AnyConnection,
    status: Option<&str>,
    activity_id: Option<i64>,
    offset: i64,
    limit: i64,
) -> Outcome<(Vec<QueuedRegistration>, i64)> {
    let (rows, total) =
        persistence::activities::registrations::queue(conn, status, activity_id, offset, limit)?;
    let mut items = Vec::with_capacity(rows.len());
    for (registration, _, first, last) in rows {
        items.push((record(conn, registration)?, first, last));
    }
    Ok((items, total))
}

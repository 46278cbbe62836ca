//! Separated parents: agents link a child to a second household (another dossier),
//! set its custody schedule and mark a household's contact details confidential;
//! each household reads the child's custody from its side.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use domain::audit::AuditAction;
use domain::calendar::SchoolHolidayPeriod;
use domain::dossiers::{Custody, CustodySchedule, Household, RequestKind, RequestStatus};
use persistence::audit::{self, NewAuditEntry};
pub use persistence::dossiers::households::StoredCustody;
use persistence::dossiers::households::{self, SharedChild};
use persistence::dossiers::{self, Dossier, Guardian, children, requests};
use persistence::planning as planning_store;
use persistence::{AnyConnection, write_transaction};

use crate::usecases::dossiers::{Child, DossierRefusal, gone};
use crate::usecases::notifications::notice_data::{CustodyChangedData, NoticeData};
use crate::usecases::notifications::{self, Notice};
use crate::usecases::{CommonRefusal, Outcome};

/// One household of a child, as an agent sees it from the child's page.
#[derive(Debug, Clone)]
pub struct HouseholdRecord {
    pub dossier: Dossier,
    pub guardians: Vec<Guardian>,
}

/// A child's households and custody schedules.
#[derive(Debug, Clone)]
pub struct ChildHouseholds {
    pub child: Child,
    pub first: HouseholdRecord,
    /// The second household and when it was linked.
    pub second: Option<(HouseholdRecord, NaiveDateTime)>,
    pub schedules: Vec<StoredCustody>,
}

/// Which household has each child of two households on a day, from their schedules.
#[derive(Debug, Clone, Default)]
pub struct Custodies {
    shared: HashMap<i64, (SharedChild, Custody)>,
}

impl Custodies {
    /// The custody of these shared children, from their stored schedules.
    pub fn new(shared: Vec<SharedChild>, stored: Vec<StoredCustody>) -> Self {
        let mut schedules: HashMap<i64, Vec<(NaiveDate, CustodySchedule)>> = HashMap::new();
        for schedule in stored {
            schedules
                .entry(schedule.child_id)
                .or_default()
                .push((schedule.valid_from, schedule.schedule));
        }
        let shared = shared
            .into_iter()
            .map(|child| {
                let custody = Custody::new(schedules.remove(&child.child_id).unwrap_or_default());
                (child.child_id, (child, custody))
            })
            .collect();
        Self { shared }
    }

    /// Every child of two households, the city over (a billing run).
    pub fn read_all(conn: &mut AnyConnection) -> Outcome<Self> {
        let shared = households::all(conn)?;
        if shared.is_empty() {
            return Ok(Self::default());
        }
        Ok(Self::new(shared, households::all_schedules(conn)?))
    }

    pub fn is_empty(&self) -> bool {
        self.shared.is_empty()
    }

    pub fn is_shared(&self, child_id: i64) -> bool {
        self.shared.contains_key(&child_id)
    }

    /// The shared children with their two households.
    pub fn children(&self) -> impl Iterator<Item = &SharedChild> {
        self.shared.values().map(|(child, _)| child)
    }

    /// The dossier that has the child on `day`: its schedule's household for a child of
    /// two households, else `filed_in`.
    pub fn household_on(
        &self,
        child_id: i64,
        filed_in: i64,
        day: NaiveDate,
        holidays: &[SchoolHolidayPeriod],
    ) -> i64 {
        match self.shared.get(&child_id) {
            Some((child, _)) if child.ended_on.is_some_and(|end| day >= end) => child.first,
            Some((child, custody)) => match custody.household_on(day, holidays) {
                Household::First => child.first,
                Household::Second => child.second,
            },
            None => filed_in,
        }
    }
}

/// Refuses (`not_in_custody`) when one of `days` is in the custody of the child's
/// other household: a holiday week is booked by the household of its days.
pub fn check_custody_of(
    conn: &mut AnyConnection,
    dossier_id: i64,
    child_id: i64,
    days: &[NaiveDate],
) -> Outcome<()> {
    let Some(shared) = households::of_child(conn, child_id)? else {
        return Ok(());
    };
    let custodies = Custodies::new(vec![shared], households::schedules_of(conn, child_id)?);
    let holidays = crate::usecases::planning::school_calendar::periods(
        &persistence::planning::calendar::school_holidays(conn)?,
    );
    if days
        .iter()
        .all(|day| custodies.household_on(child_id, dossier_id, *day, &holidays) == dossier_id)
    {
        Ok(())
    } else {
        Err(DossierRefusal::NotInCustody.into())
    }
}

/// Every link in force and its schedules: what planning reads keep in memory (a short-
/// lived copy, as the calendar), so that a family sharing no child pays no query for
/// custody; changes read it anew.
#[derive(Debug, Clone, Default)]
pub struct CustodyIndex {
    shared: Vec<SharedChild>,
    schedules: Vec<StoredCustody>,
}

impl CustodyIndex {
    /// The links in force, the city over, with their schedules (two statements).
    pub fn read(conn: &mut AnyConnection) -> Result<Self, persistence::DbError> {
        let shared: Vec<SharedChild> = households::all(conn)?
            .into_iter()
            .filter(|s| s.ended_on.is_none())
            .collect();
        let schedules = if shared.is_empty() {
            Vec::new()
        } else {
            households::all_schedules(conn)?
        };
        Ok(Self { shared, schedules })
    }

    /// The children of `dossier_id` with two households (one of them when `child_id`
    /// is given), and whether the dossier shares any child at all.
    pub fn scope(&self, dossier_id: i64, child_id: Option<i64>) -> (Custodies, bool) {
        let mine: Vec<SharedChild> = self
            .shared
            .iter()
            .filter(|s| s.first == dossier_id || s.second == dossier_id)
            .copied()
            .collect();
        let shares = !mine.is_empty();
        let scoped: Vec<SharedChild> = mine
            .into_iter()
            .filter(|s| child_id.is_none_or(|c| c == s.child_id))
            .collect();
        let schedules = self
            .schedules
            .iter()
            .filter(|stored| scoped.iter().any(|s| s.child_id == stored.child_id))
            .cloned()
            .collect();
        (Custodies::new(scoped, schedules), shares)
    }
}

/// Every child of two households with the city's school holidays: who has a child on
/// any day, the city over (a billing run, a closure day's notices).
#[derive(Debug, Clone, Default)]
pub struct CityCustody {
    custodies: Custodies,
    holidays: Vec<SchoolHolidayPeriod>,
}

impl CityCustody {
    /// Reads the links and schedules, and the school holidays when some child has two
    /// households.
    pub fn read(conn: &mut AnyConnection) -> Outcome<Self> {
        let custodies = Custodies::read_all(conn)?;
        if custodies.is_empty() {
            return Ok(Self::default());
        }
        let holidays = crate::usecases::planning::school_calendar::periods(
            &persistence::planning::calendar::school_holidays(conn)?,
        );
        Ok(Self {
            custodies,
            holidays,
        })
    }

    pub fn custodies(&self) -> &Custodies {
        &self.custodies
    }

    /// The dossier that has the child on `day` (`filed_in` for a child of one household).
    pub fn household_on(&self, child_id: i64, filed_in: i64, day: NaiveDate) -> i64 {
        self.custodies
            .household_on(child_id, filed_in, day, &self.holidays)
    }
}

fn household(conn: &mut AnyConnection, dossier_id: i64) -> Outcome<HouseholdRecord> {
    let dossier = dossiers::find(conn, dossier_id)?.ok_or_else(|| gone("dossier"))?;
    Ok(HouseholdRecord {
        guardians: dossiers::guardians_of(conn, dossier_id)?,
        dossier,
    })
}

/// The child's households and schedules (an agent's view).
pub fn of_child(conn: &mut AnyConnection, child_id: i64) -> Outcome<ChildHouseholds> {
    let child = children::find(conn, child_id, None)?.ok_or(CommonRefusal::NotFound)?;
    let first = household(conn, child.dossier_id)?;
    let second = match households::of_child(conn, child_id)? {
        Some(shared) => Some((household(conn, shared.second)?, shared.linked_at)),
        None => None,
    };
    Ok(ChildHouseholds {
        first,
        second,
        schedules: households::schedules_of(conn, child_id)?,
        child,
    })
}

/// A child's custody as one of its households reads it.
#[derive(Debug, Clone)]
pub struct FamilyCustody {
    pub child_id: i64,
    /// The reader's household, when the child has two; `None`: one household.
    pub yours: Option<Household>,
    pub schedules: Vec<StoredCustody>,
}

/// The child's custody from the family's side (another family's child: not found).
pub fn of_family(
    conn: &mut AnyConnection,
    dossier_id: i64,
    child_id: i64,
) -> Outcome<FamilyCustody> {
    let child = children::find(conn, child_id, Some(dossier_id))?.ok_or(CommonRefusal::NotFound)?;
    let yours = households::of_child(conn, child_id)?.map(|shared| {
        if shared.first == dossier_id {
            Household::First
        } else {
            Household::Second
        }
    });
    let schedules = match yours {
        Some(_) => households::schedules_of(conn, child.id)?,
        None => Vec::new(),
    };
    Ok(FamilyCustody {
        child_id,
        yours,
        schedules,
    })
}

/// Tells both households of the child what changed in its custody.
fn tell_households(
    conn: &mut AnyConnection,
    (first, second): (i64, i64),
    child: &Child,
    change: &str,
    valid_from: NaiveDate,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let name = &child.first_name;
    let date = domain::calendar::french_date(valid_from);
    let sentence = match change {
        "linked" => format!(
            "{name} est désormais rattaché(e) à deux foyers : chacun réserve et paie les jours où il a la garde de l'enfant."
        ),
        "ended" => format!("À partir du {date}, {name} n'est plus rattaché(e) qu'à un seul foyer."),
        _ => format!(
            "Le calendrier de garde de {name} change à partir du {date} : votre planning indique les jours qui sont les vôtres."
        ),
    };
    let notices: Vec<Notice> = [first, second]
        .into_iter()
        .map(|dossier_id| Notice {
            dossier_id,
            title: format!("Garde de {name}"),
            paragraphs: vec![sentence.clone()],
            link: None,
            data: NoticeData::CustodyChanged(CustodyChangedData {
                child_id: child.id,
                change: change.to_owned(),
                valid_from,
            }),
            dedupe_key: None,
        })
        .collect();
    notifications::notify(conn, &notices, now)?;
    Ok(())
}

fn audit(
    conn: &mut AnyConnection,
    agent_id: i64,
    action: AuditAction,
    (dossier_id, child_id): (Option<i64>, Option<i64>),
    detail: serde_json::Value,
    now: DateTime<Utc>,
) -> Outcome<()> {
    Ok(audit::record(
        conn,
        &NewAuditEntry {
            actor_id: agent_id,
            action,
            dossier_id,
            child_id,
            detail: &detail.to_string(),
        },
        now,
    )?)
}

/// Links the child to `dossier_id` as its second household, on an accepted
/// `second_household` request of either household when one is named.
pub fn link(
    conn: &mut AnyConnection,
    agent_id: i64,
    child_id: i64,
    (dossier_id, request_id): (i64, Option<i64>),
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Outcome<ChildHouseholds> {
    write_transaction(conn, |conn| {
        let child = children::find(conn, child_id, None)?.ok_or(CommonRefusal::NotFound)?;
        dossiers::find(conn, dossier_id)?.ok_or(CommonRefusal::NotFound)?;
        if child.dossier_id == dossier_id {
            return Err(DossierRefusal::SameHousehold.into());
        }
        if households::of_child(conn, child_id)?.is_some() {
            return Err(DossierRefusal::SecondHouseholdExists.into());
        }
        if let Some(request_id) = request_id {
            let request = requests::find(conn, request_id, None)?.ok_or(CommonRefusal::NotFound)?;
            let filed_by_either = [child.dossier_id, dossier_id].contains(&request.dossier_id);
            if request.kind != RequestKind::SecondHousehold
                || request.status != RequestStatus::Accepted
                || !filed_by_either
            {
                return Err(DossierRefusal::RequestMismatch.into());
            }
        }
        households::link(conn, child_id, dossier_id, request_id, agent_id, now).map_err(
            crate::usecases::unique_as(DossierRefusal::SecondHouseholdExists),
        )?;
        tell_households(
            conn,
            (child.dossier_id, dossier_id),
            &child,
            "linked",
            today,
            now,
        )?;
        audit(
            conn,
            agent_id,
            AuditAction::ChangeHouseholds,
            (Some(dossier_id), Some(child_id)),
            serde_json::json!({"linked": dossier_id, "requestId": request_id}),
            now,
        )?;
        of_child(conn, child_id)
    })
}

/// Ends the child's second household from `today`: every day from it is the first
/// household's (the days before stay the second's, for the billing run), and the
/// second's pending draft and calendar feed of the child are dropped.
pub fn unlink(
    conn: &mut AnyConnection,
    agent_id: i64,
    (child_id, dossier_id): (i64, i64),
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Outcome<()> {
    write_transaction(conn, |conn| {
        let shared = households::of_child(conn, child_id)?
            .filter(|shared| shared.second == dossier_id)
            .ok_or(CommonRefusal::NotFound)?;
        planning_store::drop_child_draft(conn, shared.second, child_id)?;
        planning_store::calendar_feeds::revoke(conn, (child_id, shared.second))?;
        households::end(conn, child_id, today)?;
        let child = children::find(conn, child_id, None)?.ok_or_else(|| gone("child"))?;
        tell_households(
            conn,
            (shared.first, shared.second),
            &child,
            "ended",
            today,
            now,
        )?;
        audit(
            conn,
            agent_id,
            AuditAction::ChangeHouseholds,
            (Some(shared.second), Some(child_id)),
            serde_json::json!({"unlinked": shared.second}),
            now,
        )
    })
}

/// Sets the child's custody schedule from `valid_from` on (later schedules replaced).
pub fn set_schedule(
    conn: &mut AnyConnection,
    agent_id: i64,
    child_id: i64,
    valid_from: NaiveDate,
    schedule: &CustodySchedule,
    now: DateTime<Utc>,
) -> Outcome<ChildHouseholds> {
    write_transaction(conn, |conn| {
        let child = children::find(conn, child_id, None)?.ok_or(CommonRefusal::NotFound)?;
        let Some(shared) = households::of_child(conn, child_id)? else {
            return Err(DossierRefusal::NoSecondHousehold.into());
        };
        // A billed month's days stay with the household that was billed for them.
        let month = valid_from.with_day(1).unwrap_or(valid_from);
        if persistence::billing::invoiced_from(conn, &[shared.first, shared.second], month)? {
            return Err(DossierRefusal::CustodyMonthBilled.into());
        }
        households::put_schedule(conn, child_id, valid_from, schedule, agent_id, now)?;
        tell_households(
            conn,
            (shared.first, shared.second),
            &child,
            "schedule_set",
            valid_from,
            now,
        )?;
        audit(
            conn,
            agent_id,
            AuditAction::SetCustody,
            (Some(child.dossier_id), Some(child_id)),
            serde_json::json!({"validFrom": valid_from}),
            now,
        )?;
        of_child(conn, child_id)
    })
}

/// Marks a household's contact details confidential, or not.
pub fn set_confidential(
    conn: &mut AnyConnection,
    agent_id: i64,
    dossier_id: i64,
    confidential: bool,
    now: DateTime<Utc>,
) -> Outcome<Dossier> {
    write_transaction(conn, |conn| {
        if !households::set_confidential(conn, dossier_id, confidential)? {
            return Err(CommonRefusal::NotFound.into());
        }
        audit(
            conn,
            agent_id,
            AuditAction::SetCustody,
            (Some(dossier_id), None),
            serde_json::json!({"contactsConfidential": confidential}),
            now,
        )?;
        dossiers::find(conn, dossier_id)?.ok_or_else(|| gone("dossier"))
    })
}

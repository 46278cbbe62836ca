//! The activity catalogue the back office keeps: kinds, activities with their
//! units, prices and groups; and what a child is offered, at this family's prices.

pub mod baskets;
mod refusal;
pub mod registrations;
pub mod week_changes;

pub use refusal::ActivityRefusal;

pub use persistence::activities::{ActivityFields, ActivityKind, Group, NewUnit, Unit};

use chrono::{DateTime, NaiveDate, Utc};
use domain::activities::{Eligibility, check_eligibility, unit_price};
use domain::dossiers::SchoolLevel;
use persistence::activities::{self, Activity};
use persistence::write_transaction;
use persistence::{AnyConnection, dossiers::children};

use crate::usecases::dossiers::gone;
use crate::usecases::{CommonRefusal, Outcome, UseCaseError};

/// An activity with everything its page shows.
#[derive(Debug, Clone)]
pub struct ActivityRecord {
    pub activity: Activity,
    pub kind: ActivityKind,
    pub units: Vec<Unit>,
    pub groups: Vec<Group>,
}

/// What an agent writes: the activity, its units and (at creation) its groups.
#[derive(Debug, Clone)]
pub struct ActivityInput {
    pub fields: ActivityFields,
    pub units: Vec<NewUnit>,
    /// Name and capacity of each group; used at creation only.
    pub groups: Vec<(String, i32)>,
}

pub fn load(conn: &mut AnyConnection, id: i64) -> Outcome<ActivityRecord> {
    let activity = activities::find(conn, id)?.ok_or(CommonRefusal::NotFound)?;
    let kind =
        activities::find_kind(conn, activity.kind_id)?.ok_or_else(|| gone("activity kind"))?;
    Ok(ActivityRecord {
        units: activities::units_of(conn, id)?,
        groups: activities::groups_of(conn, id)?,
        activity,
        kind,
    })
}

fn check_kind(conn: &mut AnyConnection, kind_id: i64) -> Outcome<()> {
    if activities::find_kind(conn, kind_id)?.is_none() {
        return Err(UseCaseError::Invalid(vec![
            crate::problem::FieldError::new(
                "kindId",
                "unknown_kind",
                "Ce type d'activité n'existe pas.",
                "This activity kind does not exist.",
            ),
        ]));
    }
    Ok(())
}

pub fn create(
    conn: &mut AnyConnection,
    input: &ActivityInput,
    now: DateTime<Utc>,
) -> Outcome<ActivityRecord> {
    write_transaction(conn, |conn| {
        check_kind(conn, input.fields.kind_id)?;
        let id = activities::insert(conn, &input.fields, now)?;
        activities::replace_units(conn, id, &input.units)?;
        for (name, capacity) in &input.groups {
            activities::insert_group(conn, id, name, *capacity)?;
        }
        load(conn, id)
    })
}

/// Replaces the activity's settings and units if nobody changed it since `version`.
pub fn update(
    conn: &mut AnyConnection,
    id: i64,
    version: i64,
    input: &ActivityInput,
    now: DateTime<Utc>,
) -> Outcome<ActivityRecord> {
    write_transaction(conn, |conn| {
        if !activities::update(conn, id, version, &input.fields, now)? {
            return Err(match activities::find(conn, id)? {
                None => CommonRefusal::NotFound,
                Some(_) => CommonRefusal::VersionMismatch,
            }
            .into());
        }
        check_kind(conn, input.fields.kind_id)?;
        activities::replace_units(conn, id, &input.units)?;
        load(conn, id)
    })
}

pub fn add_kind(conn: &mut AnyConnection, code: &str, label: &str) -> Outcome<ActivityKind> {
    let id = activities::insert_kind(conn, code, label).map_err(crate::usecases::unique_as(
        ActivityRefusal::ActivityKindTaken,
    ))?;
    activities::find_kind(conn, id)?.ok_or_else(|| gone("activity kind"))
}

/// Adds a group, or changes one (its capacity never below the places taken).
pub fn add_group(
    conn: &mut AnyConnection,
    activity_id: i64,
    name: &str,
    capacity: i32,
) -> Outcome<Group> {
    activities::find(conn, activity_id)?.ok_or(CommonRefusal::NotFound)?;
    let id = activities::insert_group(conn, activity_id, name, capacity)?;
    activities::find_group(conn, id)?.ok_or_else(|| gone("group"))
}

/// Renames a group or changes its capacity, never below the places taken (weeks
/// included); a raised capacity goes to the children waiting, first come first
/// served.
pub fn update_group(
    conn: &mut AnyConnection,
    frontend_url: &str,
    id: i64,
    name: &str,
    capacity: i32,
    now: DateTime<Utc>,
) -> Outcome<Group> {
    write_transaction(conn, |conn| {
        let below_weeks = persistence::activities::baskets::most_taken_week(conn, id)? > capacity;
        if below_weeks || !activities::update_group(conn, id, name, capacity)? {
            activities::find_group(conn, id)?.ok_or(CommonRefusal::NotFound)?;
            return Err(UseCaseError::Invalid(vec![
                crate::problem::FieldError::new(
                    "capacity",
                    "below_taken",
                    "La capacité ne peut pas descendre sous le nombre de places déjà prises.",
                    "The capacity cannot go below the places already taken.",
                ),
            ]));
        }
        while crate::usecases::activities::registrations::promote_first_waiting(
            conn,
            frontend_url,
            id,
            now,
        )? {}
        activities::find_group(conn, id)?.ok_or_else(|| gone("group"))
    })
}

/// An activity offered to a child, with the family's price of each unit.
#[derive(Debug, Clone)]
pub struct Offer {
    pub record: ActivityRecord,
    /// (unit, price in cents for this family)
    pub prices: Vec<(Unit, Option<i64>)>,
    /// What the family's prices rest on today.
    pub price_basis: domain::dossiers::PriceBasis,
}

/// The current or future activities the child may join and has not joined, with
/// this family's prices (its quotient today; the sibling rate where a brother or
/// sister is registered).
pub fn offers_for_child(
    conn: &mut AnyConnection,
    dossier_id: i64,
    child_id: i64,
    today: NaiveDate,
) -> Outcome<Vec<Offer>> {
    let child = children::find(conn, child_id, Some(dossier_id))?.ok_or(CommonRefusal::NotFound)?;
    let level = child.school_level;
    let joined = persistence::activities::registrations::live_activities_of_child(conn, child_id)?;
    let price_basis = crate::usecases::dossiers::price_basis_of(conn, dossier_id, today)?;
    let quotient = price_basis.quotient();
    let (current, _) = activities::list(conn, Some(today), 0, i64::MAX)?;
    let mut offers = Vec::new();
    for activity in current {
        if joined.contains(&activity.id) {
            continue;
        }
        let record = load(conn, activity.id)?;
        if check_eligibility(
            &eligibility_of(&record.activity),
            child.birth_date,
            level,
            today,
        )
        .is_err()
        {
            continue;
        }
        let sibling = persistence::activities::registrations::has_live_sibling(
            conn,
            dossier_id,
            activity.id,
            child_id,
        )?;
        let rate = record.activity.sibling_rate_percent.map(i64::from);
        let prices = record
            .units
            .iter()
            .map(|u| (u.clone(), unit_price(&u.prices, quotient, rate, sibling)))
            .collect();
        offers.push(Offer {
            record,
            prices,
            price_basis,
        });
    }
    Ok(offers)
}

/// The quotient a dossier's prices are read with today (`None`: the top bracket).
pub fn current_quotient(
    conn: &mut AnyConnection,
    dossier_id: i64,
    today: NaiveDate,
) -> Outcome<Option<i64>> {
    Ok(crate::usecases::dossiers::price_basis_of(conn, dossier_id, today)?.quotient())
}

/// Whether the child may join the activity today.
pub fn eligible(
    activity: &Activity,
    birth: NaiveDate,
    level: Option<SchoolLevel>,
    today: NaiveDate,
) -> bool {
    check_eligibility(&eligibility_of(activity), birth, level, today).is_ok()
}

/// Who may join an activity, as the domain reads it (its dates and its admission).
pub fn eligibility_of(activity: &Activity) -> Eligibility {
    Eligibility::new(activity.starts_on, activity.ends_on, &activity.eligibility)
}

/// A group's places on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayFill {
    pub day: NaiveDate,
    /// The day's capacity where the city set one, else the group's.
    pub capacity: i32,
    /// Children registered that day (accepted with an earlier or equal entry date),
    /// or, for a prepaid activity, places held or paid for the day's week.
    pub registered: i32,
}

/// Each group's fill, day by day, over `from..=to` (the days a unit runs).
pub fn fill(
    conn: &mut AnyConnection,
    activity_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Outcome<Vec<(Group, Vec<DayFill>)>> {
    use chrono::Datelike;
    let record = load(conn, activity_id)?;
    let prepaid = record.activity.mode == domain::activities::RegistrationMode::Prepaid;
    let weekdays: Vec<u32> = record
        .units
        .iter()
        .flat_map(|u| u.weekdays.iter().copied())
        .collect();
    let days: Vec<NaiveDate> = from
        .iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| *d >= record.activity.starts_on && *d <= record.activity.ends_on)
        .filter(|d| weekdays.contains(&d.weekday().number_from_monday()))
        .collect();
    let mut groups = Vec::new();
    for group in &record.groups {
        let overrides = activities::day_capacities(conn, group.id)?;
        let entries = persistence::activities::registrations::accepted_entry_dates(conn, group.id)?;
        let weeks = persistence::activities::baskets::week_taken(conn, group.id)?;
        let fill = days
            .iter()
            .map(|day| {
                let registered = if prepaid {
                    let monday = domain::activities::week_start(*day);
                    weeks
                        .iter()
                        .find(|(w, _)| *w == monday)
                        .map_or(0, |(_, t)| *t)
                } else {
                    i32::try_from(entries.iter().filter(|e| *e <= day).count()).unwrap_or(i32::MAX)
                };
                DayFill {
                    day: *day,
                    capacity: overrides
                        .iter()
                        .find(|(d, _)| d == day)
                        .map_or(group.capacity, |(_, c)| *c),
                    registered,
                }
            })
            .collect();
        groups.push((group.clone(), fill));
    }
    Ok(groups)
}

/// Sets (or removes) a group's capacity on one day.
pub fn set_day_capacity(
    conn: &mut AnyConnection,
    group_id: i64,
    day: NaiveDate,
    capacity: Option<i32>,
) -> Outcome<()> {
    activities::find_group(conn, group_id)?.ok_or(CommonRefusal::NotFound)?;
    Ok(activities::set_day_capacity(conn, group_id, day, capacity)?)
}

/// The kinds of activity.
pub fn kinds(conn: &mut AnyConnection) -> Outcome<Vec<ActivityKind>> {
    Ok(activities::kinds(conn)?)
}

/// The activities not ended before `from` (all with `None`), each with its units,
/// prices and groups, and their total.
pub fn list(
    conn: &mut AnyConnection,
    from: Option<NaiveDate>,
    offset: i64,
    limit: i64,
) -> Outcome<(Vec<ActivityRecord>, i64)> {
    let (rows, total) = activities::list(conn, from, offset, limit)?;
    let records = rows
        .iter()
        .map(|a| load(conn, a.id))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((records, total))
}

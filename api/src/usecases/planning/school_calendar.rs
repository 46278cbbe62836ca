//! The calendar agents keep: school holidays imported from the national open dataset
//! for the city's zone, and closure days that cancel a day's bookings without billing.

pub use persistence::planning::calendar::ClosureDay;

use persistence::write_transaction;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use domain::calendar::{
    CalendarProblem, SchoolCalendarRow, SchoolHolidayPeriod, columns_for, french_date,
    school_year_span, zone_holiday_periods,
};
use persistence::planning::calendar::{self, SchoolHoliday};
use persistence::{AnyConnection, activities, city, dossiers::children};

use crate::problem::FieldError;
use crate::usecases::dossiers::households::CityCustody;
use crate::usecases::dossiers::imports;
use crate::usecases::notifications::notice_data::{ClosureDayData, NoticeData};
use crate::usecases::notifications::{self, Notice};
use crate::usecases::{CommonRefusal, Outcome, UseCaseError};

fn problems(found: Vec<CalendarProblem>) -> UseCaseError {
    UseCaseError::Invalid(
        found
            .into_iter()
            .take(100)
            .map(|p| {
                let message = match p.line {
                    Some(line) => format!("Ligne {line} : {}", p.message),
                    None => p.message,
                };
                FieldError::new("file", p.code.code(), &message, &message)
            })
            .collect(),
    )
}

/// Reads the dataset's CSV export (`;` or `,`, UTF-8, raw or labelled headers).
pub fn rows_from_csv(content: &str) -> Outcome<Vec<SchoolCalendarRow>> {
    let content = content.trim_start_matches('\u{feff}');
    let (header, records) = imports::read(content)?;
    let columns = columns_for(&header).map_err(|p| problems(vec![p]))?;
    Ok(records
        .iter()
        .map(|(_, cells)| SchoolCalendarRow::from_cells(&columns, cells))
        .collect())
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    pub zone: String,
    pub academy: Option<String>,
    /// The school years replaced, with their periods.
    pub periods: Vec<SchoolHolidayPeriod>,
}

/// Replaces the school years the rows hold with their periods for the city's zone
/// (and académie, when the city set one). Nothing is written if a row is wrong.
pub fn import(
    conn: &mut AnyConnection,
    rows: &[SchoolCalendarRow],
    imported_by: Option<i64>,
    now: DateTime<Utc>,
) -> Outcome<ImportOutcome> {
    let settings = city::find(conn)?.ok_or(CommonRefusal::NotFound)?;
    let academy = settings.academy.clone().filter(|a| !a.trim().is_empty());
    let periods =
        zone_holiday_periods(rows, &settings.school_zone, academy.as_deref()).map_err(problems)?;
    if periods.is_empty() {
        return Err(UseCaseError::Invalid(vec![FieldError::new(
            "file",
            "no_period_for_zone",
            &format!(
                "Le fichier ne contient aucune période pour la zone {}.",
                settings.school_zone
            ),
            &format!(
                "The file holds no period for zone {}.",
                settings.school_zone
            ),
        )]));
    }
    let rows: Vec<calendar::NewSchoolHoliday> = periods
        .iter()
        .map(|p| {
            (
                p.school_year.clone(),
                p.description.clone(),
                p.first_day,
                p.last_day,
            )
        })
        .collect();
    write_transaction(conn, |conn| {
        calendar::replace_school_years(conn, &rows, imported_by, now)
    })?;
    Ok(ImportOutcome {
        zone: settings.school_zone,
        academy,
        periods,
    })
}

/// The imported periods that end on or after `from` and start on or before `to`.
pub fn school_holidays(
    conn: &mut AnyConnection,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Outcome<Vec<SchoolHoliday>> {
    Ok(calendar::school_holidays(conn)?
        .into_iter()
        .filter(|h| from.is_none_or(|f| h.last_day >= f))
        .filter(|h| to.is_none_or(|t| h.first_day <= t))
        .collect())
}

/// A school year: its first and last days of class (where the imported summers tell
/// them) and its holidays.
#[derive(Debug, Clone)]
pub struct SchoolYear {
    pub first_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    pub holidays: Vec<SchoolHoliday>,
}

/// The imported periods as the domain reads them.
pub fn periods(rows: &[SchoolHoliday]) -> Vec<SchoolHolidayPeriod> {
    rows.iter()
        .map(|h| SchoolHolidayPeriod {
            school_year: h.school_year.clone(),
            description: h.description.clone(),
            first_day: h.first_day,
            last_day: h.last_day,
        })
        .collect()
}

/// The school year labelled `year` ("2026-2027"); not found when nothing of it is
/// imported.
pub fn school_year(conn: &mut AnyConnection, year: &str) -> Outcome<SchoolYear> {
    let all = calendar::school_holidays(conn)?;
    let (first_day, last_day) = school_year_span(&periods(&all), year);
    let holidays: Vec<SchoolHoliday> = all.into_iter().filter(|h| h.school_year == year).collect();
    if holidays.is_empty() {
        return Err(CommonRefusal::NotFound.into());
    }
    Ok(SchoolYear {
        first_day,
        last_day,
        holidays,
    })
}

/// A closure day and how many bookings it cancelled.
#[derive(Debug, Clone)]
pub struct Closure {
    pub day: ClosureDay,
    pub bookings_closed: usize,
    pub families_told: usize,
}

/// Closes a day (for every activity, or one): its bookings are marked closed (not
/// billed), pending draft changes of that day dropped, and each family told by email.
pub fn close_day(
    conn: &mut AnyConnection,
    agent_id: i64,
    day: NaiveDate,
    activity_id: Option<i64>,
    reason: &str,
    planning_link: &str,
    now: DateTime<Utc>,
) -> Outcome<Closure> {
    write_transaction(conn, |conn| {
        if let Some(id) = activity_id {
            activities::find(conn, id)?.ok_or(CommonRefusal::NotFound)?;
        }
        let closure =
            calendar::insert_closure_day(conn, day, activity_id, reason, Some(agent_id), now)?;
        let closed = persistence::planning::close_day(conn, day, activity_id, now)?;
        // Each booking's household that day: a child of separated parents' booking is
        // the news of the household that has the child.
        let custody = CityCustody::read(conn)?;
        let household = |b: &persistence::planning::Booking| {
            custody.household_on(b.child_id, b.dossier_id, day)
        };
        // Per dossier: "Eliot — Restauration scolaire maternelle (Repas)".
        let child_ids: Vec<i64> = closed.iter().map(|b| b.child_id).collect();
        let names = children::first_names(conn, &child_ids)?;
        let mut labels: HashMap<i64, String> = HashMap::new();
        let mut by_dossier: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        for booking in &closed {
            let label = match labels.entry(booking.unit_id) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(new) => new.insert(describe(conn, booking.unit_id)?),
            };
            by_dossier
                .entry(household(booking))
                .or_default()
                .push(format!(
                    "{} — {label}",
                    names.get(&booking.child_id).map_or("", String::as_str),
                ));
        }
        persistence::planning::drop_changes_of_day(conn, day, activity_id)?;
        let date = french_date(day);
        let notices: Vec<Notice> = by_dossier
            .iter()
            .map(|(dossier_id, lines)| {
                let mut paragraphs = vec![format!(
                    "La ville ferme le {date} ({reason}). Les réservations de ce jour sont annulées et ne seront pas facturées. Votre planning est à jour :"
                )];
                paragraphs.extend(lines.iter().map(|b| format!("— {b}")));
                Notice {
                    dossier_id: *dossier_id,
                    title: format!("Fermeture le {date}"),
                    paragraphs,
                    link: Some(("Voir le planning".to_owned(), planning_link.to_owned())),
                    data: NoticeData::ClosureDay(ClosureDayData {
                        closure_day_id: closure.id,
                        day,
                        activity_id,
                        reason: reason.to_owned(),
                        bookings_cancelled: closed
                            .iter()
                            .filter(|b| household(b) == *dossier_id)
                            .count(),
                    }),
                    dedupe_key: None,
                }
            })
            .collect();
        notifications::notify(conn, &notices, now)?;
        Ok(Closure {
            day: closure,
            bookings_closed: closed.len(),
            families_told: by_dossier.len(),
        })
    })
}

/// "Restauration scolaire maternelle (Repas)".
fn describe(conn: &mut AnyConnection, unit_id: i64) -> Outcome<String> {
    Ok(persistence::planning::unit_label(conn, unit_id)?
        .map(|(activity, unit)| format!("{activity} ({unit})"))
        .unwrap_or_default())
}

/// Closure days of a range.
pub fn closure_days(
    conn: &mut AnyConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Outcome<Vec<ClosureDay>> {
    Ok(calendar::closure_days_between(conn, from, to)?)
}

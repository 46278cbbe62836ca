//! Importing the city's existing dossiers from CSV: a dry run stores the file and
//! its row-by-row report; nothing is imported until an agent confirms, and then in
//! one transaction, only if the plan is still the one the agent saw.

pub use persistence::dossiers::imports::DossierImport;

use persistence::write_transaction;
use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use domain::dossiers::import::{self, HeaderProblem, ImportPlan, RowOutcome, RowProblem};
use persistence::AnyConnection;
use persistence::dossiers::children::{self, ChildFields};
use persistence::dossiers::imports::{self, NewImport};
use persistence::dossiers::{self, ContactDetails, DossierFields, NewGuardian};
use serde::{Deserialize, Serialize};

use crate::problem::FieldError;
use crate::usecases::{CommonRefusal, DossierRefusal, Outcome, UseCaseError};

/// One row of a stored report. Its JSON is stored as is and compared with a new dry
/// run's to tell whether the plan changed: its shape stays as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRow {
    pub line: u64,
    pub dossier_number: String,
    pub outcome: ReportOutcome,
    /// Each reason a rejected row has, stored as `[column, code]`.
    #[serde(with = "stored_problems")]
    pub errors: Vec<(String, RowProblem)>,
}

/// What confirming does with a row; stored as `creates_dossier`, `adds_child`,
/// `repeats` or `rejected` (another value does not read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportOutcome {
    CreatesDossier,
    AddsChild,
    Repeats,
    Rejected,
}

/// A row's problems as `[column, code]` pairs; a code no problem has does not read.
mod stored_problems {
    use domain::dossiers::import::RowProblem;
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        errors: &[(String, RowProblem)],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            errors
                .iter()
                .map(|(column, problem)| (column, problem.code())),
        )
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<(String, RowProblem)>, D::Error> {
        Vec::<(String, String)>::deserialize(deserializer)?
            .into_iter()
            .map(|(column, code)| match RowProblem::from_code(&code) {
                Some(problem) => Ok((column, problem)),
                None => Err(D::Error::custom(format!("unknown row problem {code:?}"))),
            })
            .collect()
    }
}

/// A CSV's header and its rows, each with its line number.
pub(crate) type Table = (Vec<String>, Vec<(u64, Vec<String>)>);

/// Reads the CSV: `;` or `,` separated (whichever the header uses), UTF-8.
pub(crate) fn read(content: &str) -> Outcome<Table> {
    let first_line = content.lines().next().unwrap_or_default();
    let delimiter = if first_line.contains(';') { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(content.as_bytes());
    let mut header = None;
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| DossierRefusal::ImportUnreadable)?;
        let cells: Vec<String> = record.iter().map(str::to_owned).collect();
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let line = record.position().map_or(0, |p| p.line());
        if header.is_none() {
            header = Some(cells);
        } else {
            records.push((line, cells));
        }
    }
    Ok((header.ok_or(DossierRefusal::ImportUnreadable)?, records))
}

fn header_error(problem: HeaderProblem) -> UseCaseError {
    let error = match problem {
        HeaderProblem::MissingColumn(column) => FieldError::new(
            column,
            "missing_column",
            "Cette colonne obligatoire manque dans l'en-tête.",
            "This required column is missing from the header.",
        ),
        HeaderProblem::UnknownColumn(column) => FieldError::new(
            &column,
            "unknown_column",
            "Colonne inconnue : voir la liste des colonnes dans la documentation.",
            "Unknown column: see the list of columns in the documentation.",
        ),
        HeaderProblem::DuplicateColumn(column) => FieldError::new(
            &column,
            "duplicate_column",
            "Cette colonne figure deux fois dans l'en-tête.",
            "This column appears twice in the header.",
        ),
    };
    UseCaseError::Invalid(vec![error])
}

fn plan_of(conn: &mut AnyConnection, content: &str, today: NaiveDate) -> Outcome<ImportPlan> {
    let (header, records) = read(content)?;
    let header = import::read_header(&header).map_err(header_error)?;
    let existing: HashSet<String> = dossiers::all_numbers(conn)?.into_iter().collect();
    Ok(import::plan(
        &header,
        &records,
        |n| existing.contains(n),
        today,
    ))
}

fn report(plan: &ImportPlan) -> Vec<ReportRow> {
    plan.rows
        .iter()
        .map(|row| {
            let (outcome, errors) = match &row.outcome {
                RowOutcome::CreatesDossier { .. } => (ReportOutcome::CreatesDossier, Vec::new()),
                RowOutcome::AddsChild => (ReportOutcome::AddsChild, Vec::new()),
                RowOutcome::Repeats => (ReportOutcome::Repeats, Vec::new()),
                RowOutcome::Rejected(errors) => (
                    ReportOutcome::Rejected,
                    errors
                        .iter()
                        .map(|e| (e.column.to_owned(), e.problem))
                        .collect(),
                ),
            };
            ReportRow {
                line: row.line,
                dossier_number: row.dossier_number.clone(),
                outcome,
                errors,
            }
        })
        .collect()
}

fn count(n: usize) -> Outcome<i64> {
    i64::try_from(n).map_err(|e| UseCaseError::Internal(e.into()))
}

/// The dry run: plans the file against the dossiers the city holds and stores the
/// file and its report.
pub fn check(
    conn: &mut AnyConnection,
    actor_id: i64,
    file_name: &str,
    content: &str,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Outcome<DossierImport> {
    let plan = plan_of(conn, content, today)?;
    let report =
        serde_json::to_string(&report(&plan)).map_err(|e| UseCaseError::Internal(e.into()))?;
    let id = imports::insert(
        conn,
        &NewImport {
            status: "checked",
            file_name,
            content,
            rows_total: count(plan.rows.len())?,
            rows_rejected: count(plan.rejected_rows())?,
            dossiers_planned: count(plan.dossiers.len())?,
            children_planned: count(plan.children())?,
            report: &report,
            created_by: Some(actor_id),
        },
        now,
    )?;
    get(conn, id)
}

pub fn get(conn: &mut AnyConnection, id: i64) -> Outcome<DossierImport> {
    Ok(imports::find(conn, id)?.ok_or(CommonRefusal::NotFound)?)
}

/// A page of the dry run's report, all rows or only the rejected ones.
pub fn rows(
    conn: &mut AnyConnection,
    id: i64,
    only_rejected: bool,
    offset: i64,
    limit: i64,
) -> Outcome<(Vec<ReportRow>, i64)> {
    let stored = get(conn, id)?;
    let rows: Vec<ReportRow> =
        serde_json::from_str(&stored.report).map_err(|e| UseCaseError::Internal(e.into()))?;
    let selected: Vec<ReportRow> = rows
        .into_iter()
        .filter(|r| !only_rejected || r.outcome == ReportOutcome::Rejected)
        .collect();
    let total = count(selected.len())?;
    let page = selected
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(0))
        .collect();
    Ok((page, total))
}

/// Imports what the dry run planned, in one transaction; refused if the plan
/// changed since (a dossier created meanwhile) or if it was imported already.
pub fn confirm(
    conn: &mut AnyConnection,
    id: i64,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Outcome<DossierImport> {
    write_transaction(conn, |conn| {
        // The claim comes first: a second confirmation finds the import taken (and
        // on SQLite waits for the write lock instead of failing on a stale read).
        if !imports::mark_imported(conn, id, now)? {
            get(conn, id)?;
            return Err(DossierRefusal::ImportAlreadyConfirmed.into());
        }
        let stored = get(conn, id)?;
        let plan = plan_of(conn, &stored.content, today)?;
        if serde_json::to_string(&report(&plan)).map_err(|e| UseCaseError::Internal(e.into()))?
            != stored.report
        {
            return Err(DossierRefusal::ImportOutdated.into());
        }
        let mut guardians: Vec<(i64, NewGuardian)> = Vec::new();
        let mut children: Vec<(i64, ChildFields)> = Vec::new();
        for planned in &plan.dossiers {
            let dossier_id = dossiers::create(
                conn,
                &DossierFields {
                    number: planned.number.clone(),
                    name: planned.name.clone(),
                    details: ContactDetails {
                        email: planned.email.clone(),
                        address_line1: planned.address_line1.clone(),
                        address_line2: planned.address_line2.clone(),
                        postcode: planned.postcode.clone(),
                        city: planned.city.clone(),
                        home_phone: planned.home_phone.clone(),
                        mobile_phone: planned.mobile_phone.clone(),
                        work_phone: None,
                    },
                },
                now,
            )?;
            guardians.extend(planned.guardians.iter().map(|g| {
                (
                    dossier_id,
                    NewGuardian {
                        relationship: g.relationship,
                        first_name: g.first_name.clone(),
                        last_name: g.last_name.clone(),
                        email: g.email.clone(),
                        mobile_phone: g.mobile_phone.clone(),
                        work_phone: None,
                    },
                )
            }));
            children.extend(planned.children.iter().map(|child| {
                (
                    dossier_id,
                    ChildFields {
                        first_name: child.first_name.clone(),
                        last_name: child.last_name.clone(),
                        birth_date: child.birth_date,
                        school: child.school.clone(),
                        school_level: child.school_level,
                        diet: child.diet,
                    },
                )
            }));
        }
        let guardians: Vec<(i64, &NewGuardian)> = guardians.iter().map(|(d, g)| (*d, g)).collect();
        dossiers::insert_guardians(conn, &guardians)?;
        children::insert_many(conn, &children, now)?;
        get(conn, id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORED: &str = r#"[{"line":2,"dossier_number":"18","outcome":"creates_dossier","errors":[]},{"line":3,"dossier_number":"19","outcome":"rejected","errors":[["birthDate","in_future"],["dossierNumber","dossier_exists"]]}]"#;

    /// Confirming compares a new dry run's JSON with the stored one, byte for byte.
    #[test]
    fn a_stored_report_reads_typed_and_writes_back_the_same() {
        let rows: Vec<ReportRow> = serde_json::from_str(STORED).unwrap();
        assert_eq!(rows[1].outcome, ReportOutcome::Rejected);
        assert_eq!(rows[1].errors[1].1, RowProblem::DossierExists);
        assert_eq!(serde_json::to_string(&rows).unwrap(), STORED);
    }

    #[test]
    fn an_unknown_outcome_or_problem_does_not_read() {
        for stored in [
            STORED.replace("creates_dossier", "creates"),
            STORED.replace("dossier_exists", "exists"),
        ] {
            assert!(
                serde_json::from_str::<Vec<ReportRow>>(&stored).is_err(),
                "{stored}"
            );
        }
    }
}

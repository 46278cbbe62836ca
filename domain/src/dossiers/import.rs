//! Planning a CSV import of the city's existing families: which rows would create a
//! dossier, which add a child to it, which are rejected and why. Nothing here
//! writes; the plan is what the import would do.
//!
//! One row per child; a family with several children repeats its dossier columns
//! (or leaves them empty) on each row; a row without child columns creates only the
//! dossier. Headers are French, as a city's export has them (`COLUMNS`).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::contact::{
    FieldProblem, check_birth_date, check_dossier_number, check_postcode, normalise_phone,
};
use super::vocabulary::{Diet, Relationship, SchoolLevel};
use crate::accounts::{Email, PersonName};

/// The columns a file may have; the first two are required.
pub const COLUMNS: [&str; 20] = [
    "numero_dossier",
    "nom_dossier",
    "courriel",
    "adresse",
    "complement_adresse",
    "code_postal",
    "ville",
    "telephone",
    "portable",
    "responsable_prenom",
    "responsable_nom",
    "responsable_lien",
    "responsable_courriel",
    "responsable_portable",
    "enfant_prenom",
    "enfant_nom",
    "enfant_naissance",
    "enfant_niveau",
    "enfant_ecole",
    "enfant_regime",
];

const DOSSIER_COLUMNS: [&str; 9] = [
    "nom_dossier",
    "courriel",
    "adresse",
    "complement_adresse",
    "code_postal",
    "ville",
    "telephone",
    "portable",
    "numero_dossier",
];

/// Why a file cannot be planned at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderProblem {
    MissingColumn(&'static str),
    UnknownColumn(String),
    DuplicateColumn(String),
}

/// Why one row is rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowProblem {
    Field(FieldProblem),
    /// Not one of the column's allowed values.
    UnknownValue,
    /// The city already holds a dossier with this number.
    DossierExists,
    /// The dossier's columns differ from an earlier row of the same dossier.
    DossierConflict,
    /// An earlier row of this dossier was rejected, so the dossier is not created.
    DossierRejected,
    /// The same child (names and birth date) appears earlier in this dossier.
    DuplicateChild,
    /// The row has more or fewer cells than the header.
    WrongCellCount,
}

impl RowProblem {
    const ALL: [Self; 11] = [
        Self::Field(FieldProblem::Required),
        Self::Field(FieldProblem::TooLong),
        Self::Field(FieldProblem::InvalidFormat),
        Self::Field(FieldProblem::InFuture),
        Self::Field(FieldProblem::TooOld),
        Self::UnknownValue,
        Self::DossierExists,
        Self::DossierConflict,
        Self::DossierRejected,
        Self::DuplicateChild,
        Self::WrongCellCount,
    ];

    /// The problem a stored code names.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Field(problem) => problem.code(),
            Self::UnknownValue => "unknown_value",
            Self::DossierExists => "dossier_exists",
            Self::DossierConflict => "dossier_conflict",
            Self::DossierRejected => "dossier_rejected",
            Self::DuplicateChild => "duplicate_child",
            Self::WrongCellCount => "wrong_cell_count",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowError {
    /// The column at fault (`ligne` for the row as a whole).
    pub column: &'static str,
    pub problem: RowProblem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowOutcome {
    /// Creates the dossier (and its first child if the row has one).
    CreatesDossier {
        with_child: bool,
    },
    /// Adds a child to a dossier created by an earlier row.
    AddsChild,
    /// Adds nothing: the dossier of an earlier row, repeated without a child.
    Repeats,
    Rejected(Vec<RowError>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowReport {
    /// The line in the file (the header is line 1).
    pub line: u64,
    pub dossier_number: String,
    pub outcome: RowOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedGuardian {
    pub relationship: Relationship,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub mobile_phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedChild {
    pub first_name: String,
    pub last_name: String,
    pub birth_date: NaiveDate,
    pub school_level: Option<SchoolLevel>,
    pub school: Option<String>,
    pub diet: Diet,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedDossier {
    pub number: String,
    pub name: String,
    /// Lowercased, as sign-up compares it.
    pub email: Option<String>,
    pub address_line1: String,
    pub address_line2: String,
    pub postcode: String,
    pub city: String,
    pub home_phone: Option<String>,
    pub mobile_phone: Option<String>,
    pub guardians: Vec<PlannedGuardian>,
    pub children: Vec<PlannedChild>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportPlan {
    pub dossiers: Vec<PlannedDossier>,
    pub rows: Vec<RowReport>,
}

impl ImportPlan {
    pub fn rejected_rows(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| matches!(r.outcome, RowOutcome::Rejected(_)))
            .count()
    }

    pub fn children(&self) -> usize {
        self.dossiers.iter().map(|d| d.children.len()).sum()
    }
}

/// Checks the header: known columns, each once, the required ones present.
/// Returns each column's index.
pub fn read_header(header: &[String]) -> Result<HashMap<&'static str, usize>, HeaderProblem> {
    let mut index = HashMap::new();
    for (position, name) in header.iter().enumerate() {
        let name = name.trim().trim_start_matches('\u{feff}').to_lowercase();
        let column = COLUMNS
            .iter()
            .find(|c| **c == name)
            .ok_or_else(|| HeaderProblem::UnknownColumn(name.clone()))?;
        if index.insert(*column, position).is_some() {
            return Err(HeaderProblem::DuplicateColumn(name));
        }
    }
    for required in ["numero_dossier", "nom_dossier"] {
        if !index.contains_key(required) {
            return Err(HeaderProblem::MissingColumn(required));
        }
    }
    Ok(index)
}

/// One row's cells by column name.
struct Cells<'a> {
    index: &'a HashMap<&'static str, usize>,
    record: &'a [String],
}

impl Cells<'_> {
    fn get(&self, column: &str) -> &str {
        self.index
            .get(column)
            .and_then(|i| self.record.get(*i))
            .map_or("", |v| v.trim())
    }

    fn any(&self, columns: &[&str]) -> bool {
        columns.iter().any(|c| !self.get(c).is_empty())
    }
}

/// Collects the errors of one row while reading its values.
#[derive(Default)]
struct Errors(Vec<RowError>);

impl Errors {
    fn check<T>(&mut self, column: &'static str, result: Result<T, RowProblem>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(problem) => {
                self.0.push(RowError { column, problem });
                None
            }
        }
    }

    /// The cell of `column` read by `parse`, its problem noted under the column.
    fn read<T>(
        &mut self,
        cells: &Cells,
        column: &'static str,
        parse: impl FnOnce(&str) -> Result<T, RowProblem>,
    ) -> Option<T> {
        self.check(column, parse(cells.get(column)))
    }

    /// [`Errors::read`] for a cell that may be left empty.
    fn read_optional<T>(
        &mut self,
        cells: &Cells,
        column: &'static str,
        parse: impl FnOnce(&str) -> Result<T, RowProblem>,
    ) -> Option<Option<T>> {
        self.read(cells, column, |text| optional(text, parse))
    }
}

fn field<T>(result: Result<T, FieldProblem>) -> Result<T, RowProblem> {
    result.map_err(RowProblem::Field)
}

fn optional<T>(
    text: &str,
    parse: impl FnOnce(&str) -> Result<T, RowProblem>,
) -> Result<Option<T>, RowProblem> {
    if text.is_empty() {
        Ok(None)
    } else {
        parse(text).map(Some)
    }
}

fn limited(text: &str, max: usize) -> Result<String, RowProblem> {
    if text.chars().count() > max {
        Err(RowProblem::Field(FieldProblem::TooLong))
    } else if text.chars().any(char::is_control) {
        Err(RowProblem::Field(FieldProblem::InvalidFormat))
    } else {
        Ok(text.to_owned())
    }
}

fn name(text: &str) -> Result<String, RowProblem> {
    PersonName::parse(text)
        .map(|n| n.as_str().to_owned())
        .map_err(|e| RowProblem::Field(e.into()))
}

fn phone(text: &str) -> Result<String, RowProblem> {
    field(normalise_phone(text))
}

fn email(text: &str) -> Result<String, RowProblem> {
    Email::parse(text)
        .map(|e| e.key())
        .map_err(|e| RowProblem::Field(e.into()))
}

/// `AAAA-MM-JJ` or `JJ/MM/AAAA`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .ok()
}

fn relationship(text: &str) -> Result<Relationship, RowProblem> {
    match text.to_lowercase().as_str() {
        "mere" | "mère" | "mother" => Ok(Relationship::Mother),
        "pere" | "père" | "father" => Ok(Relationship::Father),
        "tuteur" | "tutrice" | "guardian" => Ok(Relationship::Guardian),
        "autre" | "other" => Ok(Relationship::Other),
        _ => Err(RowProblem::UnknownValue),
    }
}

fn diet(text: &str) -> Result<Diet, RowProblem> {
    match text.to_lowercase().as_str() {
        "" | "standard" | "normal" => Ok(Diet::Standard),
        "vegetarien" | "végétarien" | "vegetarian" => Ok(Diet::Vegetarian),
        "sans viande" | "no_meat" => Ok(Diet::NoMeat),
        "panier repas" | "panier-repas" | "packed_meal" => Ok(Diet::PackedMeal),
        _ => Err(RowProblem::UnknownValue),
    }
}

fn read_dossier(cells: &Cells, errors: &mut Errors) -> Option<PlannedDossier> {
    let number = errors.read(cells, "numero_dossier", |t| field(check_dossier_number(t)));
    let dossier_name = errors.read(cells, "nom_dossier", name);
    let email = errors.read_optional(cells, "courriel", email);
    let line1 = errors.read(cells, "adresse", |t| limited(t, 200));
    let line2 = errors.read(cells, "complement_adresse", |t| limited(t, 200));
    let postcode = errors.read_optional(cells, "code_postal", |t| field(check_postcode(t)));
    let city = errors.read(cells, "ville", |t| limited(t, 100));
    let home = errors.read_optional(cells, "telephone", phone);
    let mobile = errors.read_optional(cells, "portable", phone);
    Some(PlannedDossier {
        number: number?,
        name: dossier_name?,
        email: email?,
        address_line1: line1?,
        address_line2: line2?,
        postcode: postcode?.unwrap_or_default(),
        city: city?,
        home_phone: home?,
        mobile_phone: mobile?,
        guardians: Vec::new(),
        children: Vec::new(),
    })
}

fn read_guardian(cells: &Cells, errors: &mut Errors) -> Option<Option<PlannedGuardian>> {
    const COLUMNS: [&str; 5] = [
        "responsable_prenom",
        "responsable_nom",
        "responsable_lien",
        "responsable_courriel",
        "responsable_portable",
    ];
    if !cells.any(&COLUMNS) {
        return Some(None);
    }
    let first = errors.read(cells, "responsable_prenom", name);
    let last = errors.read(cells, "responsable_nom", name);
    let tie = errors.read_optional(cells, "responsable_lien", relationship);
    let mail = errors.read_optional(cells, "responsable_courriel", email);
    let mobile = errors.read_optional(cells, "responsable_portable", phone);
    Some(Some(PlannedGuardian {
        relationship: tie?.unwrap_or(Relationship::Other),
        first_name: first?,
        last_name: last?,
        email: mail?,
        mobile_phone: mobile?,
    }))
}

/// A child's row; an empty last name is the dossier's.
fn read_child(
    cells: &Cells,
    errors: &mut Errors,
    family_name: &str,
    today: NaiveDate,
) -> Option<Option<PlannedChild>> {
    const COLUMNS: [&str; 6] = [
        "enfant_prenom",
        "enfant_nom",
        "enfant_naissance",
        "enfant_niveau",
        "enfant_ecole",
        "enfant_regime",
    ];
    if !cells.any(&COLUMNS) {
        return Some(None);
    }
    let first = errors.read(cells, "enfant_prenom", name);
    let last = errors.check(
        "enfant_nom",
        name(match cells.get("enfant_nom") {
            "" => family_name,
            given => given,
        }),
    );
    let birth = errors.read(cells, "enfant_naissance", |text| {
        if text.is_empty() {
            Err(RowProblem::Field(FieldProblem::Required))
        } else {
            parse_date(text)
                .ok_or(RowProblem::Field(FieldProblem::InvalidFormat))
                .and_then(|d| field(check_birth_date(d, today)))
        }
    });
    let level = errors.read_optional(cells, "enfant_niveau", |t| {
        t.to_uppercase()
            .parse()
            .map_err(|_| RowProblem::UnknownValue)
    });
    let school = errors.read_optional(cells, "enfant_ecole", |t| limited(t, 200));
    let meals = errors.read(cells, "enfant_regime", diet);
    Some(Some(PlannedChild {
        first_name: first?,
        last_name: last?,
        birth_date: birth?,
        school_level: level?,
        school: school?,
        diet: meals?,
    }))
}

/// Whether a later row's dossier columns agree with the first row's: each is
/// either empty or equal.
fn agrees(first: &Cells, later: &Cells) -> bool {
    DOSSIER_COLUMNS
        .iter()
        .all(|c| later.get(c).is_empty() || later.get(c) == first.get(c))
}

/// A later row of a dossier already planned at `position` (its first row `first`):
/// another guardian or child, once each, if its dossier columns agree.
fn later_row(
    (dossiers, children_seen): (&mut [PlannedDossier], &mut HashSet<ChildKey>),
    position: usize,
    (first, cells): (&Cells, &Cells),
    mut errors: Errors,
    today: NaiveDate,
) -> RowOutcome {
    if !agrees(first, cells) {
        errors.0.push(RowError {
            column: "ligne",
            problem: RowProblem::DossierConflict,
        });
    }
    let guardian = read_guardian(cells, &mut errors);
    let family_name = dossiers[position].name.clone();
    let child = read_child(cells, &mut errors, &family_name, today);
    if let Some(Some(child)) = &child
        && children_seen.contains(&child_key(position, child))
    {
        errors.0.push(RowError {
            column: "enfant_prenom",
            problem: RowProblem::DuplicateChild,
        });
    }
    match (guardian, child) {
        (Some(guardian), Some(child)) if errors.0.is_empty() => {
            let dossier = &mut dossiers[position];
            if let Some(guardian) = guardian
                && !dossier.guardians.iter().any(|g| {
                    g.first_name == guardian.first_name && g.last_name == guardian.last_name
                })
            {
                dossier.guardians.push(guardian);
            }
            match child {
                Some(child) => {
                    children_seen.insert(child_key(position, &child));
                    dossier.children.push(child);
                    RowOutcome::AddsChild
                }
                None => RowOutcome::Repeats,
            }
        }
        _ => RowOutcome::Rejected(errors.0),
    }
}

/// Plans the import of `records` (each with its line number) read under `header`.
/// `exists` tells whether the city already holds a dossier number.
pub fn plan(
    header: &HashMap<&'static str, usize>,
    records: &[(u64, Vec<String>)],
    exists: impl Fn(&str) -> bool,
    today: NaiveDate,
) -> ImportPlan {
    let mut plan = ImportPlan::default();
    // Dossier number -> (index in plan.dossiers, or None if rejected; first row).
    let mut seen: HashMap<String, (Option<usize>, usize)> = HashMap::new();
    let mut children_seen: HashSet<ChildKey> = HashSet::new();
    for (row_index, (line, record)) in records.iter().enumerate() {
        let cells = Cells {
            index: header,
            record,
        };
        let number = cells.get("numero_dossier").to_owned();
        let mut errors = Errors::default();
        if record.len() != header.len() {
            errors.0.push(RowError {
                column: "ligne",
                problem: RowProblem::WrongCellCount,
            });
        }
        let outcome = match seen.get(&number).copied() {
            None => {
                let dossier = read_dossier(&cells, &mut errors);
                let guardian = read_guardian(&cells, &mut errors);
                let child = read_child(&cells, &mut errors, cells.get("nom_dossier"), today);
                if errors.0.is_empty() && exists(&number) {
                    errors.0.push(RowError {
                        column: "numero_dossier",
                        problem: RowProblem::DossierExists,
                    });
                }
                match (dossier, guardian, child) {
                    (Some(mut dossier), Some(guardian), Some(child)) if errors.0.is_empty() => {
                        let position = plan.dossiers.len();
                        dossier.guardians.extend(guardian);
                        let with_child = child.is_some();
                        if let Some(child) = child {
                            children_seen.insert(child_key(position, &child));
                            dossier.children.push(child);
                        }
                        plan.dossiers.push(dossier);
                        seen.insert(number.clone(), (Some(position), row_index));
                        RowOutcome::CreatesDossier { with_child }
                    }
                    _ => {
                        if !number.is_empty() {
                            seen.insert(number.clone(), (None, row_index));
                        }
                        RowOutcome::Rejected(errors.0)
                    }
                }
            }
            Some((None, _)) => RowOutcome::Rejected(vec![RowError {
                column: "numero_dossier",
                problem: RowProblem::DossierRejected,
            }]),
            Some((Some(position), first_row)) => {
                let first = Cells {
                    index: header,
                    record: &records[first_row].1,
                };
                let known = (plan.dossiers.as_mut_slice(), &mut children_seen);
                later_row(known, position, (&first, &cells), errors, today)
            }
        };
        plan.rows.push(RowReport {
            line: *line,
            dossier_number: number,
            outcome,
        });
    }
    plan
}

/// A child as the import tells duplicates apart: dossier, names (any case), birth date.
type ChildKey = (usize, String, String, NaiveDate);

fn child_key(dossier: usize, child: &PlannedChild) -> ChildKey {
    (
        dossier,
        child.first_name.to_lowercase(),
        child.last_name.to_lowercase(),
        child.birth_date,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(columns: &[&str]) -> HashMap<&'static str, usize> {
        read_header(&columns.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>())
            .unwrap_or_default()
    }

    fn rows(lines: &[&[&str]]) -> Vec<(u64, Vec<String>)> {
        lines
            .iter()
            .enumerate()
            .map(|(i, cells)| {
                (
                    i as u64 + 2,
                    cells.iter().map(|c| (*c).to_owned()).collect(),
                )
            })
            .collect()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default()
    }

    const HEADER: [&str; 6] = [
        "numero_dossier",
        "nom_dossier",
        "courriel",
        "enfant_prenom",
        "enfant_naissance",
        "enfant_niveau",
    ];

    #[test]
    fn headers_must_be_known_and_hold_the_required_columns() {
        let read =
            |cols: &[&str]| read_header(&cols.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>());
        assert!(read(&["\u{feff}NUMERO_DOSSIER", "nom_dossier"]).is_ok());
        assert_eq!(
            read(&["nom_dossier"]),
            Err(HeaderProblem::MissingColumn("numero_dossier"))
        );
        assert_eq!(
            read(&["numero_dossier", "nom_dossier", "age"]),
            Err(HeaderProblem::UnknownColumn("age".into()))
        );
        assert_eq!(
            read(&["numero_dossier", "nom_dossier", "nom_dossier"]),
            Err(HeaderProblem::DuplicateColumn("nom_dossier".into()))
        );
    }

    #[test]
    fn a_family_of_three_children_is_one_dossier_and_three_children() {
        let header = header(&[&HEADER[..], &["enfant_nom"]].concat());
        let plan = plan(
            &header,
            &rows(&[
                &[
                    "18",
                    "T I",
                    "Famille.TI@exemple.fr",
                    "Luc",
                    "2022-03-14",
                    "ps",
                    "TI",
                ],
                &["18", "", "", "Eliot", "01/06/2021", "MS", "TI"],
                &["18", "T I", "", "Thomas", "2017-09-02", "CE2", "TI"],
            ]),
            |_| false,
            today(),
        );
        assert_eq!(plan.dossiers.len(), 1);
        assert_eq!(plan.children(), 3);
        assert_eq!(
            plan.dossiers[0].email.as_deref(),
            Some("famille.ti@exemple.fr")
        );
        assert_eq!(
            plan.dossiers[0].children[1].school_level,
            Some(SchoolLevel::Ms)
        );
        assert_eq!(plan.rejected_rows(), 0);
        assert_eq!(
            plan.rows[0].outcome,
            RowOutcome::CreatesDossier { with_child: true }
        );
        assert_eq!(plan.rows[1].outcome, RowOutcome::AddsChild);
    }

    #[test]
    fn rejected_rows_say_which_column_and_why() {
        let header = header(&HEADER);
        let plan = plan(
            &header,
            &rows(&[
                &["18", "T I", "not-an-email", "Luc", "2022-03-14", "PS"],
                &["18", "T I", "", "Eliot", "2021-06-01", "MS"],
                &["19", "DURAND", "", "Léa", "2030-01-01", "XX"],
                &["20", "MARTIN", "", "", "", ""],
                &["20", "MARTINE", "", "Jo", "2020-01-01", ""],
                &["20", "", "", "Jo", "01/01/2020", ""],
                &["21", "DUPONT", ""],
            ]),
            |number| number == "19",
            today(),
        );
        let errors = |i: usize| match &plan.rows[i].outcome {
            RowOutcome::Rejected(errors) => errors
                .iter()
                .map(|e| (e.column, e.problem.code()))
                .collect(),
            _ => Vec::new(),
        };
        assert_eq!(errors(0), [("courriel", "invalid_format")]);
        assert_eq!(errors(1), [("numero_dossier", "dossier_rejected")]);
        assert_eq!(
            errors(2),
            [
                ("enfant_naissance", "in_future"),
                ("enfant_niveau", "unknown_value")
            ]
        );
        assert_eq!(
            plan.rows[3].outcome,
            RowOutcome::CreatesDossier { with_child: false }
        );
        assert_eq!(errors(4), [("ligne", "dossier_conflict")]);
        assert_eq!(plan.rows[5].outcome, RowOutcome::AddsChild);
        assert_eq!(errors(6), [("ligne", "wrong_cell_count")]);
        assert_eq!(plan.dossiers.len(), 1);
    }

    #[test]
    fn problems_read_back_from_their_codes() {
        for problem in RowProblem::ALL {
            assert_eq!(RowProblem::from_code(problem.code()), Some(problem));
        }
        assert_eq!(RowProblem::from_code("nonsense"), None);
    }

    #[test]
    fn an_existing_dossier_number_is_rejected() {
        let header = header(&HEADER);
        let plan = plan(
            &header,
            &rows(&[&["18", "T I", "", "", "", ""]]),
            |n| n == "18",
            today(),
        );
        assert_eq!(plan.dossiers.len(), 0);
        assert_eq!(
            plan.rows[0].outcome,
            RowOutcome::Rejected(vec![RowError {
                column: "numero_dossier",
                problem: RowProblem::DossierExists
            }])
        );
    }

    #[test]
    fn the_same_child_twice_is_rejected_the_second_time() {
        let header = header(&HEADER);
        let plan = plan(
            &header,
            &rows(&[
                &["18", "T I", "", "Luc", "2022-03-14", ""],
                &["18", "T I", "", "luc", "14/03/2022", ""],
            ]),
            |_| false,
            today(),
        );
        assert_eq!(plan.children(), 1);
        assert!(matches!(plan.rows[1].outcome, RowOutcome::Rejected(_)));
    }
}

//! School holidays of the city's zone, read from the Ministry's open dataset
//! `fr-en-calendrier-scolaire` that agents import (CSV or JSON, read into rows by the API).
//!
//! How the dataset is read (its own conventions, easy to get wrong):
//! - dates are midnight in Paris written in UTC (`2025-10-17T22:00:00+00:00` is 18 October):
//!   they are converted to Europe/Paris before taking the day;
//! - `start` is the first day without school and `end` the day classes resume, so the last
//!   day off is `end − 1`;
//! - rows with `start == end` are markers: `Début des …` opens the summer, read as lasting
//!   until 31 August (the export gives no end yet; a later import of that school year
//!   replaces it), any other marker is that single day (the 2027 `Pont de l'Ascension`);
//! - each period is repeated per académie and may be split by population: families follow
//!   `Élèves` or `-`, never `Enseignants`;
//! - later exports revise earlier rows, so an import replaces whole school years
//!   (`school_years`) rather than adding to them.
//!
//! The rules (zones, summer ending in August) are those of metropolitan France and Corsica.

use crate::text::fold;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Europe::Paris;

use super::french_date;

/// The two headers the dataset is exported with (codes, or labels with Paris time), in the
/// order of `SchoolCalendarRow`'s fields.
pub const HEADERS: [[&str; 7]; 2] = [
    [
        "description",
        "population",
        "start_date",
        "end_date",
        "location",
        "zones",
        "annee_scolaire",
    ],
    [
        "Description",
        "Population",
        "Date de début",
        "Date de fin",
        "Académies",
        "Zones",
        "annee_scolaire",
    ],
];

/// One row of the dataset, cells as written in the file (parsed by `zone_holiday_periods`,
/// so that every problem can name its line).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SchoolCalendarRow {
    pub description: String,
    pub population: String,
    pub start: String,
    pub end: String,
    /// The académie.
    pub location: String,
    pub zones: String,
    pub school_year: String,
}

impl SchoolCalendarRow {
    /// The row from a record's cells, `columns` coming from `columns_for`; a missing cell is
    /// left empty and reported as `missing_field` by `zone_holiday_periods`.
    pub fn from_cells(columns: &[usize; 7], cells: &[impl AsRef<str>]) -> Self {
        let cell = |field: usize| {
            columns
                .get(field)
                .and_then(|&column| cells.get(column))
                .map(|value| value.as_ref().trim().to_owned())
                .unwrap_or_default()
        };
        Self {
            description: cell(0),
            population: cell(1),
            start: cell(2),
            end: cell(3),
            location: cell(4),
            zones: cell(5),
            school_year: cell(6),
        }
    }
}

/// The field (index in `HEADERS`' order) a header names, in either variant; a UTF-8 BOM and
/// surrounding spaces are ignored, as are case differences.
pub fn column_for(header: &str) -> Option<usize> {
    let header = header.trim_start_matches('\u{feff}').trim();
    HEADERS.iter().find_map(|variant| {
        variant
            .iter()
            .position(|name| name.to_lowercase() == header.to_lowercase())
    })
}

/// For each field of `SchoolCalendarRow`, its column in a file with these headers; unknown
/// columns are ignored (an export may add some).
pub fn columns_for(headers: &[impl AsRef<str>]) -> Result<[usize; 7], CalendarProblem> {
    let mut columns = [None; 7];
    for (column, header) in headers.iter().enumerate() {
        let Some(field) = column_for(header.as_ref()) else {
            continue;
        };
        if let Some(slot) = columns.get_mut(field) {
            if slot.is_some() {
                return Err(CalendarProblem::header(
                    CalendarProblemCode::DuplicateColumn,
                    format!(
                        "la colonne « {} » apparaît deux fois",
                        header.as_ref().trim()
                    ),
                ));
            }
            *slot = Some(column);
        }
    }
    let mut found = [0; 7];
    for (field, (column, name)) in columns.iter().zip(HEADERS[0]).enumerate() {
        let Some(column) = column else {
            return Err(CalendarProblem::header(
                CalendarProblemCode::MissingColumn,
                format!(
                    "colonne « {name} » (ou « {} ») absente de l'en-tête",
                    HEADERS[1][field]
                ),
            ));
        };
        found[field] = *column;
    }
    Ok(found)
}

/// Days without school for the city's pupils, both ends included.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SchoolHolidayPeriod {
    /// `2026-2027`: what an import replaces.
    pub school_year: String,
    pub description: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

impl SchoolHolidayPeriod {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.first_day <= day && day <= self.last_day
    }
}

/// Why an import is refused; stable codes, stored and shown to agents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CalendarProblemCode {
    MissingColumn,
    DuplicateColumn,
    MissingField,
    InvalidDate,
    InvalidSchoolYear,
    PeriodEndsBeforeStart,
    /// A `Début des …` marker after 31 August cannot open a summer.
    InvalidMarker,
    /// A population that is neither pupils nor teachers: the file changed, read it again.
    UnknownPopulation,
    /// The académies of the zone disagree; the city's académie decides.
    AcademyRequired,
    NoPeriodForZone,
}

impl CalendarProblemCode {
    const ALL: [Self; 10] = [
        Self::MissingColumn,
        Self::DuplicateColumn,
        Self::MissingField,
        Self::InvalidDate,
        Self::InvalidSchoolYear,
        Self::PeriodEndsBeforeStart,
        Self::InvalidMarker,
        Self::UnknownPopulation,
        Self::AcademyRequired,
        Self::NoPeriodForZone,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::MissingColumn => "missing_column",
            Self::DuplicateColumn => "duplicate_column",
            Self::MissingField => "missing_field",
            Self::InvalidDate => "invalid_date",
            Self::InvalidSchoolYear => "invalid_school_year",
            Self::PeriodEndsBeforeStart => "period_ends_before_start",
            Self::InvalidMarker => "invalid_marker",
            Self::UnknownPopulation => "unknown_population",
            Self::AcademyRequired => "academy_required",
            Self::NoPeriodForZone => "no_period_for_zone",
        }
    }

    /// The code a stored string names.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarProblem {
    /// The line in the file (the header is line 1, the n-th row line n + 1); `None` when the
    /// problem is about the zone as a whole.
    pub line: Option<u64>,
    pub code: CalendarProblemCode,
    /// In French, for the agent who imports.
    pub message: String,
}

impl CalendarProblem {
    fn header(code: CalendarProblemCode, message: String) -> Self {
        Self {
            line: Some(1),
            code,
            message,
        }
    }
}

/// The day a dataset timestamp names in Paris: RFC 3339 with an offset (`Z` too), a
/// datetime without offset read as Paris time, or a bare `YYYY-MM-DD`.
pub fn paris_date(value: &str) -> Option<NaiveDate> {
    read_date(value).ok()
}

/// As `paris_date`, with the reason for the message. A time other than midnight in Paris
/// means the file is not in the format we read, and its days would be off by one.
fn read_date(value: &str) -> Result<NaiveDate, &'static str> {
    const NOT_MIDNIGHT: &str = "ne tombe pas à minuit à Paris";
    let value = value.trim();
    if let Ok(instant) = DateTime::parse_from_rfc3339(value) {
        let local = instant.with_timezone(&Paris);
        return if local.time() == NaiveTime::MIN {
            Ok(local.date_naive())
        } else {
            Err(NOT_MIDNIGHT)
        };
    }
    if let Ok(local) = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S") {
        return if local.time() == NaiveTime::MIN {
            Ok(local.date())
        } else {
            Err(NOT_MIDNIGHT)
        };
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| "illisible (attendu 2025-10-17T22:00:00+00:00 ou 2025-10-18)")
}

/// `Zone C`, `zone c` and `C` name the same zone; `Corse` has no prefix in the file.
fn zone_key(zone: &str) -> String {
    let folded = fold(zone);
    match folded.strip_prefix("zone ") {
        Some(rest) => rest.to_owned(),
        None => folded,
    }
}

enum Audience {
    Families,
    Others,
    Unknown,
}

/// Families follow the pupils' rows; a city runs primary schools, so when the file splits
/// pupils by level (Corsica 2017-2018) it follows the primary ones.
fn audience(population: &str) -> Audience {
    let population = fold(population);
    match population.as_str() {
        ""
        | "eleves"
        | "eleves du premier degre"
        | "premier degre"
        | "premier degre et colleges" => Audience::Families,
        "eleves du second degre" | "eleves des colleges" | "eleves des lycees" | "second degre" => {
            Audience::Others
        }
        _ if population.starts_with("enseignants") => Audience::Others,
        _ => Audience::Unknown,
    }
}

/// `2026-2027` (or `2026` for the school years that follow the calendar year overseas).
fn valid_school_year(value: &str) -> bool {
    let year = |s: &str| (s.len() == 4).then(|| s.parse::<i32>().ok()).flatten();
    match value.split_once('-') {
        Some((first, second)) => {
            matches!((year(first), year(second)), (Some(a), Some(b)) if b == a + 1)
        }
        None => year(value).is_some(),
    }
}

/// The days off of a row, from its start and end (see the module's reading rules).
fn days_off(
    description: &str,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), (CalendarProblemCode, String)> {
    if end < start {
        return Err((
            CalendarProblemCode::PeriodEndsBeforeStart,
            format!(
                "la reprise ({}) précède le début des vacances ({})",
                french_date(end),
                french_date(start)
            ),
        ));
    }
    if end > start {
        return Ok((start, end.checked_sub_days(Days::new(1)).unwrap_or(start)));
    }
    if !fold(description).starts_with("debut des ") {
        return Ok((start, start));
    }
    match NaiveDate::from_ymd_opt(start.year(), 8, 31) {
        Some(summer_end) if start <= summer_end => Ok((start, summer_end)),
        _ => Err((
            CalendarProblemCode::InvalidMarker,
            format!(
                "« {description} » le {} : un début de vacances d'été doit précéder le 31 août",
                french_date(start)
            ),
        )),
    }
}

struct Kept<'a> {
    line: u64,
    academy: &'a str,
    period: SchoolHolidayPeriod,
}

/// The school holidays of a zone (`A`, `B`, `C`, `Corse`, or `Zone C`), for the city's
/// académie when given, sorted by first day.
///
/// Rows of other zones (or académies) are ignored; every problem of the zone's rows is
/// reported with its line (`rows[i]` is line i + 2), so the agent fixes the file at once.
/// The académies' identical periods are kept once; if they disagree on a period and no
/// académie is given, the import is refused (`academy_required`) rather than guessing. They
/// are compared period by period, not year by year, because académies merge (Caen and Rouen
/// became Normandie in January 2020) and a year may thus hold each period under one name.
pub fn zone_holiday_periods(
    rows: &[SchoolCalendarRow],
    zone: &str,
    academy: Option<&str>,
) -> Result<Vec<SchoolHolidayPeriod>, Vec<CalendarProblem>> {
    let zone_wanted = zone_key(zone);
    let academy = academy.map(str::trim).filter(|a| !a.is_empty());
    let academy_wanted = academy.map(fold);
    let mut problems = Vec::new();
    let mut kept = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        let line = index as u64 + 2;
        let wanted = (zone_wanted.as_str(), academy_wanted.as_deref());
        kept.extend(read_row(row, line, wanted, &mut problems));
    }
    if academy.is_none() {
        problems.extend(disagreements(&kept, zone));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut periods: Vec<_> = kept
        .into_iter()
        .map(|k| k.period)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if periods.is_empty() {
        return Err(vec![no_period(academy, zone)]);
    }
    periods.sort_by(|a, b| {
        (a.first_day, a.last_day, &a.description).cmp(&(b.first_day, b.last_day, &b.description))
    });
    Ok(periods)
}

/// The row on line `line`, kept when it is of the wanted zone (and académie) and for
/// families; every problem it has is added to `problems`.
fn read_row<'a>(
    row: &'a SchoolCalendarRow,
    line: u64,
    (zone_wanted, academy_wanted): (&str, Option<&str>),
    problems: &mut Vec<CalendarProblem>,
) -> Option<Kept<'a>> {
    let mut problem = |code, message: String| {
        problems.push(CalendarProblem {
            line: Some(line),
            code,
            message,
        });
    };
    let missing = |label: &str| format!("{label} manquante");
    if row.zones.trim().is_empty() {
        problem(CalendarProblemCode::MissingField, missing("zone"));
        return None;
    }
    if zone_key(&row.zones) != zone_wanted {
        return None;
    }
    if row.location.trim().is_empty() {
        problem(CalendarProblemCode::MissingField, missing("académie"));
        return None;
    }
    if academy_wanted
        .as_ref()
        .is_some_and(|wanted| fold(&row.location) != *wanted)
    {
        return None;
    }
    match audience(&row.population) {
        Audience::Families => {}
        Audience::Others => return None,
        Audience::Unknown => {
            problem(
                CalendarProblemCode::UnknownPopulation,
                format!(
                    "population « {} » inconnue (attendu « Élèves », « Enseignants » ou « - »)",
                    row.population.trim()
                ),
            );
            return None;
        }
    }
    let description = row.description.trim();
    let school_year = row.school_year.trim();
    let mut complete = true;
    for (value, label) in [
        (description, "description"),
        (school_year, "année scolaire"),
        (row.start.trim(), "date de début"),
        (row.end.trim(), "date de fin"),
    ] {
        if value.is_empty() {
            problem(CalendarProblemCode::MissingField, missing(label));
            complete = false;
        }
    }
    if !complete {
        return None;
    }
    if !valid_school_year(school_year) {
        problem(
            CalendarProblemCode::InvalidSchoolYear,
            format!("année scolaire « {school_year} » illisible (attendu 2026-2027)"),
        );
        return None;
    }
    let start = read_date(&row.start)
        .map_err(|why| format!("date de début « {} » {why}", row.start.trim()));
    let end =
        read_date(&row.end).map_err(|why| format!("date de fin « {} » {why}", row.end.trim()));
    let (start, end) = match (start, end) {
        (Ok(start), Ok(end)) => (start, end),
        (start, end) => {
            for message in [start.err(), end.err()].into_iter().flatten() {
                problem(CalendarProblemCode::InvalidDate, message);
            }
            return None;
        }
    };
    match days_off(description, start, end) {
        Ok((first_day, last_day)) => Some(Kept {
            line,
            academy: row.location.trim(),
            period: SchoolHolidayPeriod {
                school_year: school_year.to_owned(),
                description: description.to_owned(),
                first_day,
                last_day,
            },
        }),
        Err((code, message)) => {
            problem(code, message);
            None
        }
    }
}

/// The problem of a file with no holiday period for the zone (or académie) asked.
fn no_period(academy: Option<&str>, zone: &str) -> CalendarProblem {
    let message = match academy {
        Some(academy) => format!(
            "aucune période de vacances pour l'académie « {} » en zone « {} »",
            academy,
            zone.trim()
        ),
        None => format!(
            "aucune période de vacances pour la zone « {} »",
            zone.trim()
        ),
    };
    CalendarProblem {
        line: None,
        code: CalendarProblemCode::NoPeriodForZone,
        message,
    }
}

/// One `academy_required` problem per period (school year and description) on which the
/// académies of the zone do not give the same days.
fn disagreements(kept: &[Kept<'_>], zone: &str) -> Vec<CalendarProblem> {
    type DaysOff = BTreeSet<(NaiveDate, NaiveDate)>;
    /// Per folded académie name: the name as written and its days for this period.
    type ByAcademy<'a> = BTreeMap<String, (&'a str, DaysOff)>;
    let mut by_period: BTreeMap<(&str, &str), (u64, ByAcademy<'_>)> = BTreeMap::new();
    for k in kept {
        let (_, academies) = by_period
            .entry((k.period.school_year.as_str(), k.period.description.as_str()))
            .or_insert_with(|| (k.line, BTreeMap::new()));
        academies
            .entry(fold(k.academy))
            .or_insert_with(|| (k.academy, BTreeSet::new()))
            .1
            .insert((k.period.first_day, k.period.last_day));
    }
    let mut problems = Vec::new();
    for ((school_year, description), (line, academies)) in by_period {
        let mut variants: BTreeMap<&DaysOff, Vec<&str>> = BTreeMap::new();
        for (name, days) in academies.values() {
            variants.entry(days).or_default().push(name);
        }
        if variants.len() < 2 {
            continue;
        }
        let variants: Vec<String> = variants
            .iter()
            .map(|(days, names)| {
                let days: Vec<String> = days
                    .iter()
                    .map(|(first, last)| {
                        format!("du {} au {}", french_date(*first), french_date(*last))
                    })
                    .collect();
                format!("{} : {}", names.join(", "), days.join(" et "))
            })
            .collect();
        problems.push(CalendarProblem {
            line: Some(line),
            code: CalendarProblemCode::AcademyRequired,
            message: format!(
                "les académies de la zone « {} » n'ont pas les mêmes dates pour « {description} » \
                 ({school_year}) — {} ; indiquez l'académie de la ville",
                zone.trim(),
                variants.join(" ; ")
            ),
        });
    }
    problems
}

/// The school years the periods cover: an import replaces these years' periods.
pub fn school_years(periods: &[SchoolHolidayPeriod]) -> BTreeSet<String> {
    periods.iter().map(|p| p.school_year.clone()).collect()
}

/// Whether the pupils have no school that day (periods may overlap, so all are looked at).
pub fn is_school_holiday(periods: &[SchoolHolidayPeriod], day: NaiveDate) -> bool {
    periods.iter().any(|p| p.contains(day))
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Weekday};
    use proptest::prelude::*;

    use super::*;

    const CRETEIL: &str = include_str!("fixtures/creteil-zone-c-2024-2027.csv");
    const CRETEIL_LABELS: &str = include_str!("fixtures/creteil-zone-c-2024-2027-libelles.csv");
    const NATIONAL: &str = include_str!("fixtures/fr-en-calendrier-scolaire.csv");

    /// What the API does with its CSV reader: the files have no quoting.
    fn rows_of(text: &str) -> Vec<SchoolCalendarRow> {
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(';').collect();
        let columns = columns_for(&header).unwrap();
        lines
            .map(|line| {
                SchoolCalendarRow::from_cells(&columns, &line.split(';').collect::<Vec<_>>())
            })
            .collect()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn summary(periods: &[SchoolHolidayPeriod], year: &str) -> Vec<(String, NaiveDate, NaiveDate)> {
        periods
            .iter()
            .filter(|p| p.school_year == year)
            .map(|p| (p.description.clone(), p.first_day, p.last_day))
            .collect()
    }

    fn codes(problems: &[CalendarProblem]) -> Vec<(Option<u64>, &'static str)> {
        problems.iter().map(|p| (p.line, p.code.code())).collect()
    }

    fn row(description: &str, start: &str, end: &str, academy: &str) -> SchoolCalendarRow {
        SchoolCalendarRow {
            description: description.into(),
            population: "-".into(),
            start: start.into(),
            end: end.into(),
            location: academy.into(),
            zones: "Zone C".into(),
            school_year: "2026-2027".into(),
        }
    }

    #[test]
    fn creteil_2026_2027_follows_the_readme() {
        let periods = zone_holiday_periods(&rows_of(CRETEIL), "C", Some("Créteil")).unwrap();
        let s = |d: &str| d.to_owned();
        assert_eq!(
            summary(&periods, "2026-2027"),
            vec![
                // 2026-10-16T22:00Z = Sat 17 Oct; classes resume 2026-11-01T23:00Z = Mon 2 Nov.
                (
                    s("Vacances de la Toussaint"),
                    day(2026, 10, 17),
                    day(2026, 11, 1)
                ),
                // 2026-12-18T23:00Z = 19 Dec; resume 2027-01-03T23:00Z = 4 Jan.
                (s("Vacances de Noël"), day(2026, 12, 19), day(2027, 1, 3)),
                // 2027-02-05T23:00Z = 6 Feb; resume 2027-02-21T23:00Z = 22 Feb.
                (s("Vacances d'Hiver"), day(2027, 2, 6), day(2027, 2, 21)),
                // 2027-04-02T22:00Z = 3 Apr (summer time); resume 2027-04-18T22:00Z = 19 Apr.
                (
                    s("Vacances de Printemps"),
                    day(2027, 4, 3),
                    day(2027, 4, 18)
                ),
                // Marker start = end = 2027-05-06T22:00Z: Friday 7 May only.
                (s("Pont de l'Ascension"), day(2027, 5, 7), day(2027, 5, 7)),
                // Marker 2027-07-02T22:00Z = 3 Jul, read as lasting to the end of August.
                (
                    s("Début des Vacances d'Été"),
                    day(2027, 7, 3),
                    day(2027, 8, 31)
                ),
            ]
        );
        assert_eq!(day(2027, 5, 7).weekday(), Weekday::Fri);
        let years: Vec<String> = school_years(&periods).into_iter().collect();
        assert_eq!(years, ["2024-2025", "2025-2026", "2026-2027"]);
        assert!(periods.windows(2).all(|w| w[0].first_day <= w[1].first_day));
    }

    #[test]
    fn toussaint_2025_starts_on_saturday_18_october_not_the_utc_day() {
        let periods = zone_holiday_periods(&rows_of(CRETEIL), "Zone C", None).unwrap();
        let toussaint = periods
            .iter()
            .find(|p| p.school_year == "2025-2026" && p.description == "Vacances de la Toussaint")
            .unwrap();
        assert_eq!(toussaint.first_day, day(2025, 10, 18));
        assert_eq!(toussaint.first_day.weekday(), Weekday::Sat);
        assert_eq!(toussaint.last_day, day(2025, 11, 2));
        assert!(!is_school_holiday(&periods, day(2025, 10, 17)));
        assert!(!is_school_holiday(&periods, day(2025, 11, 3)));
    }

    #[test]
    fn pupils_summer_2026_ends_31_august_not_the_teachers_30th() {
        let periods = zone_holiday_periods(&rows_of(CRETEIL), "c", Some("CRETEIL")).unwrap();
        let summers: Vec<_> = periods
            .iter()
            .filter(|p| p.school_year == "2025-2026" && p.description == "Vacances d'Été")
            .collect();
        assert_eq!(summers.len(), 1);
        assert_eq!(summers[0].first_day, day(2026, 7, 4));
        assert_eq!(summers[0].last_day, day(2026, 8, 31));
    }

    #[test]
    fn the_labelled_export_in_paris_time_reads_the_same() {
        assert!(CRETEIL_LABELS.starts_with("\u{feff}Description;Population;Date de début"));
        let codes = zone_holiday_periods(&rows_of(CRETEIL), "C", Some("Créteil"));
        let labels = zone_holiday_periods(&rows_of(CRETEIL_LABELS), "C", Some("Créteil"));
        assert_eq!(labels, codes);
        assert_eq!(rows_of(CRETEIL_LABELS).len(), 20);
    }

    #[test]
    fn national_zone_c_needs_no_academy_its_five_academies_agree() {
        let rows = rows_of(NATIONAL);
        assert_eq!(rows.len(), 2306);
        let academies: BTreeSet<&str> = rows
            .iter()
            .filter(|r| r.zones == "Zone C")
            .map(|r| r.location.as_str())
            .collect();
        assert_eq!(
            academies,
            BTreeSet::from(["Créteil", "Montpellier", "Paris", "Toulouse", "Versailles"])
        );
        let zone = zone_holiday_periods(&rows, "C", None).unwrap();
        let creteil = zone_holiday_periods(&rows, "C", Some("creteil")).unwrap();
        assert_eq!(zone, creteil);
        let fixture = zone_holiday_periods(&rows_of(CRETEIL), "C", None).unwrap();
        for year in ["2024-2025", "2025-2026", "2026-2027"] {
            assert_eq!(summary(&zone, year), summary(&fixture, year), "{year}");
        }
        assert_eq!(school_years(&zone).len(), 10);
        assert_eq!(
            zone.len(),
            10 * 6 - 1,
            "the 2017-2018 rows have no Ascension bridge"
        );
    }

    #[test]
    fn national_zones_b_and_corsica_read_without_academy() {
        let rows = rows_of(NATIONAL);
        // Caen and Rouen hold 2019's autumn periods, Normandie the 2020 ones.
        let zone_b = zone_holiday_periods(&rows, "B", None).unwrap();
        assert!(zone_b.iter().any(|p| p.school_year == "2019-2020"
            && p.description == "Vacances de Printemps"
            && p.first_day == day(2020, 4, 11)));
        // Corsica split summer 2018 by level: a city follows its primary schools.
        let corse = zone_holiday_periods(&rows, "Corse", None).unwrap();
        let summer_2018: Vec<_> = summary(&corse, "2017-2018")
            .into_iter()
            .filter(|(d, _, _)| d == "Vacances d'Été")
            .collect();
        assert_eq!(
            summer_2018,
            vec![(
                "Vacances d'Été".to_owned(),
                day(2018, 7, 10),
                day(2018, 9, 4)
            )]
        );
    }

    #[test]
    fn academies_that_disagree_require_the_city_academy() {
        let rows = vec![
            row(
                "Vacances de Noël",
                "2026-12-18T23:00:00+00:00",
                "2027-01-03T23:00:00+00:00",
                "Paris",
            ),
            row(
                "Vacances de Noël",
                "2026-12-18T23:00:00+00:00",
                "2027-01-03T23:00:00+00:00",
                "Créteil",
            ),
            row(
                "Vacances de Noël",
                "2026-12-11T23:00:00+00:00",
                "2027-01-03T23:00:00+00:00",
                "Versailles",
            ),
        ];
        let problems = zone_holiday_periods(&rows, "C", None).unwrap_err();
        assert_eq!(codes(&problems), vec![(Some(2), "academy_required")]);
        let blank = zone_holiday_periods(&rows, "C", Some(" ")).unwrap_err();
        assert_eq!(blank, problems);
        assert!(
            problems[0]
                .message
                .contains("Créteil, Paris : du 19/12/2026 au 03/01/2027")
        );
        assert!(
            problems[0]
                .message
                .contains("Versailles : du 12/12/2026 au 03/01/2027")
        );
        let versailles = zone_holiday_periods(&rows, "C", Some("versailles")).unwrap();
        assert_eq!(versailles.len(), 1);
        assert_eq!(versailles[0].first_day, day(2026, 12, 12));
    }

    #[test]
    fn identical_periods_of_several_academies_are_kept_once() {
        let rows = vec![
            row(
                "Vacances de Noël",
                "2026-12-18T23:00:00+00:00",
                "2027-01-03T23:00:00+00:00",
                "Paris",
            ),
            row("Vacances de Noël", "2026-12-19", "2027-01-04", "Créteil"),
        ];
        assert_eq!(zone_holiday_periods(&rows, "C", None).unwrap().len(), 1);
    }

    #[test]
    fn problems_name_their_line_and_other_zones_are_ignored() {
        let mut text =
            CRETEIL.replacen("2025-02-14T23:00:00+00:00", "2025-02-31T23:00:00+00:00", 1);
        text.push_str(
            "Vacances de Noël;-;demain;2027-01-03T23:00:00+00:00;Lyon;Zone A;2026-2027\n",
        );
        text.push_str("Vacances de Noël;-;2027-01-03T23:00:00+00:00;2026-12-18T23:00:00+00:00;Paris;Zone C;2026-2027\n");
        text.push_str(
            "Vacances de Noël;Élèves;;2027-01-03T23:00:00+00:00;Paris;Zone C;2026-2027\n",
        );
        text.push_str("Vacances de Noël;Parents;2026-12-18T23:00:00+00:00;2027-01-03T23:00:00+00:00;Paris;Zone C;2026-2027\n");
        text.push_str("Vacances de Noël;-;2026-12-18T22:00:00+00:00;2027-01-03T23:00:00+00:00;Paris;Zone C;26-27\n");
        text.push_str("Vacances de Noël;-;2026-12-18T22:00:00+00:00;2027-01-03T23:00:00+00:00;Paris;Zone C;2026-2027\n");
        text.push_str("Début des Vacances d'Été;-;2027-09-02T22:00:00+00:00;2027-09-02T22:00:00+00:00;Paris;Zone C;2026-2027\n");
        let problems = zone_holiday_periods(&rows_of(&text), "C", None).unwrap_err();
        assert_eq!(
            codes(&problems),
            vec![
                (Some(4), "invalid_date"),
                (Some(23), "period_ends_before_start"),
                (Some(24), "missing_field"),
                (Some(25), "unknown_population"),
                (Some(26), "invalid_school_year"),
                (Some(27), "invalid_date"),
                (Some(28), "invalid_marker"),
            ]
        );
        assert_eq!(
            problems[0].message,
            "date de début « 2025-02-31T23:00:00+00:00 » illisible (attendu \
             2025-10-17T22:00:00+00:00 ou 2025-10-18)"
        );
        assert!(problems[5].message.contains("minuit à Paris"));
        // Line 22 (Zone A, unreadable) was not the city's concern.
        assert!(problems.iter().all(|p| p.line != Some(22)));
    }

    #[test]
    fn a_zone_or_academy_without_rows_is_refused() {
        let rows = rows_of(CRETEIL);
        let problems = zone_holiday_periods(&rows, "A", None).unwrap_err();
        assert_eq!(codes(&problems), vec![(None, "no_period_for_zone")]);
        let problems = zone_holiday_periods(&rows, "C", Some("Lille")).unwrap_err();
        assert_eq!(codes(&problems), vec![(None, "no_period_for_zone")]);
        assert!(problems[0].message.contains("Lille"));
    }

    #[test]
    fn dates_are_read_in_paris_time() {
        // Winter: midnight in Paris is 23:00 UTC the day before.
        assert_eq!(
            paris_date("2025-12-19T23:00:00+00:00"),
            Some(day(2025, 12, 20))
        );
        assert_eq!(paris_date("2025-12-19T23:00:00Z"), Some(day(2025, 12, 20)));
        // Summer: 22:00 UTC.
        assert_eq!(
            paris_date("2025-10-17T22:00:00+00:00"),
            Some(day(2025, 10, 18))
        );
        // The night clocks go forward (29 March 2026) and back (25 October 2026).
        assert_eq!(
            paris_date("2026-03-28T23:00:00+00:00"),
            Some(day(2026, 3, 29))
        );
        assert_eq!(
            paris_date("2026-03-29T22:00:00+00:00"),
            Some(day(2026, 3, 30))
        );
        assert_eq!(
            paris_date("2026-10-24T22:00:00+00:00"),
            Some(day(2026, 10, 25))
        );
        assert_eq!(
            paris_date("2026-10-25T23:00:00+00:00"),
            Some(day(2026, 10, 26))
        );
        assert_eq!(
            paris_date("2025-10-18T00:00:00+02:00"),
            Some(day(2025, 10, 18))
        );
        assert_eq!(paris_date("2025-10-18T00:00:00"), Some(day(2025, 10, 18)));
        assert_eq!(paris_date(" 2025-10-18 "), Some(day(2025, 10, 18)));
        // Not midnight in Paris: the file is not what we think it is.
        assert_eq!(paris_date("2025-10-17T23:00:00+00:00"), None);
        assert_eq!(paris_date("2025-10-17T00:00:00Z"), None);
        assert_eq!(paris_date("18/10/2025"), None);
        assert_eq!(paris_date(""), None);
    }

    #[test]
    fn headers_of_both_exports_map_to_the_fields() {
        assert_eq!(column_for("\u{feff}description"), Some(0));
        assert_eq!(column_for("Date de début"), Some(2));
        assert_eq!(column_for(" date de fin "), Some(3));
        assert_eq!(column_for("Académies"), Some(4));
        assert_eq!(column_for("location"), Some(4));
        assert_eq!(column_for("annee_scolaire"), Some(6));
        assert_eq!(column_for("commentaire"), None);
        let shuffled = [
            "zones",
            "extra",
            "annee_scolaire",
            "end_date",
            "start_date",
            "location",
            "population",
            "description",
        ];
        assert_eq!(columns_for(&shuffled), Ok([7, 6, 4, 3, 5, 0, 2]));
        let problem = columns_for(&["description", "population"]).unwrap_err();
        assert_eq!(
            (problem.line, problem.code.code()),
            (Some(1), "missing_column")
        );
        let problem = columns_for(&["Zones", "zones"]).unwrap_err();
        assert_eq!(problem.code, CalendarProblemCode::DuplicateColumn);
        let short = SchoolCalendarRow::from_cells(&[0, 1, 2, 3, 4, 5, 6], &["Noël", "-"]);
        assert_eq!((short.population.as_str(), short.zones.as_str()), ("-", ""));
    }

    #[test]
    fn problem_codes_are_stable_and_distinct() {
        let all = CalendarProblemCode::ALL;
        let names: BTreeSet<_> = all.iter().map(|c| c.code()).collect();
        assert_eq!(names.len(), all.len());
        for code in all {
            assert_eq!(CalendarProblemCode::from_code(code.code()), Some(code));
        }
    }

    #[test]
    fn holidays_are_looked_up_inclusively() {
        let periods = zone_holiday_periods(&rows_of(CRETEIL), "C", None).unwrap();
        assert!(is_school_holiday(&periods, day(2026, 11, 1)));
        assert!(!is_school_holiday(&periods, day(2026, 11, 2)));
        assert!(is_school_holiday(&periods, day(2027, 5, 7)));
        assert!(!is_school_holiday(&periods, day(2027, 5, 10)));
        assert!(is_school_holiday(&periods, day(2027, 8, 31)));
        assert!(!is_school_holiday(&[], day(2027, 8, 31)));
    }

    fn utc_of_paris_midnight(date: NaiveDate) -> String {
        Paris
            .from_local_datetime(&date.and_time(NaiveTime::MIN))
            .single()
            .unwrap()
            .to_utc()
            .to_rfc3339()
    }

    proptest! {
        #[test]
        fn every_period_starts_on_its_paris_day_and_ends_after(
            start_offset in 0u64..20_000,
            length in 0u64..120,
            description in prop::sample::select(vec![
                "Vacances de Noël", "Pont de l'Ascension", "Début des Vacances d'Été",
            ]),
        ) {
            let start = day(2000, 1, 1) + Days::new(start_offset);
            let end = start + Days::new(length);
            let rows = [row(description, &utc_of_paris_midnight(start), &utc_of_paris_midnight(end), "Créteil")];
            match zone_holiday_periods(&rows, "C", None) {
                Ok(periods) => {
                    prop_assert_eq!(periods.len(), 1);
                    let period = &periods[0];
                    prop_assert_eq!(period.first_day, start);
                    prop_assert!(period.first_day <= period.last_day);
                    prop_assert!(is_school_holiday(&periods, start));
                    prop_assert!(!is_school_holiday(&periods, start - Days::new(1)));
                    if length > 0 {
                        prop_assert_eq!(period.last_day + Days::new(1), end);
                    }
                }
                Err(problems) => {
                    prop_assert_eq!(length, 0);
                    prop_assert!(description.starts_with("Début"));
                    prop_assert!(start.month() >= 9);
                    prop_assert_eq!(codes(&problems), vec![(Some(2), "invalid_marker")]);
                }
            }
        }
    }
}

//! The planning's calendar: school holidays (read by anyone, imported by agents from
//! the national dataset) and the closure days agents decide.

use crate::routes::Json;
use crate::usecases::planning::school_calendar::ClosureDay;
use crate::usecases::utc;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::calendar::{SchoolCalendarRow, SchoolHolidayPeriod};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::auth::Staff;
use crate::db;
use crate::problem::{ApiError, FieldError, refuse_nul, unsupported_media_type, validate};
use crate::routes::planning::views::{in_calendar, out_of_calendar};
use crate::state::AppState;
use crate::usecases::UseCaseError;
use crate::usecases::planning::school_calendar;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct DaysQuery {
    /// Only the periods ending on or after this day (`YYYY-MM-DD`); no lower bound
    /// when left out.
    pub from: Option<NaiveDate>,
    /// Only the periods starting on or before this day (`YYYY-MM-DD`); no upper bound
    /// when left out.
    pub to: Option<NaiveDate>,
}

/// A school holiday of the city's zone: `firstDay` to `lastDay`, both without school.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"schoolYear": "2026-2027", "description": "Vacances de la Toussaint", "firstDay": "2026-10-17", "lastDay": "2026-11-01"}))]
pub struct SchoolHolidayView {
    /// The school year it belongs to, as the dataset labels it.
    #[schema(example = "2026-2027")]
    pub school_year: String,
    /// The holiday's name, as the dataset gives it.
    #[schema(example = "Vacances de la Toussaint")]
    pub description: String,
    /// The first day without school (`YYYY-MM-DD`, in the city's time zone).
    pub first_day: NaiveDate,
    /// The last day without school, included (`YYYY-MM-DD`, in the city's time zone).
    pub last_day: NaiveDate,
}

impl From<&SchoolHolidayPeriod> for SchoolHolidayView {
    fn from(holiday: &SchoolHolidayPeriod) -> Self {
        Self {
            school_year: holiday.school_year.clone(),
            description: holiday.description.clone(),
            first_day: holiday.first_day,
            last_day: holiday.last_day,
        }
    }
}

/// Lists the school holidays of the city's zone, as last imported.
///
/// Public, no sign-in needed. `firstDay` and `lastDay` are both days without school (the
/// dataset's end date is the day classes resume).
#[utoipa::path(
    tag = "calendar",
    operation_id = "listSchoolHolidays",
    params(DaysQuery),
    responses((status = 200, description = "The periods, in date order.", body = Vec<SchoolHolidayView>)),
)]
#[get("/calendar/school-holidays")]
pub async fn list_school_holidays(
    state: web::Data<AppState>,
    query: web::Query<DaysQuery>,
) -> Result<HttpResponse, ApiError> {
    let (from, to) = (query.from, query.to);
    let holidays = db::run(&state.pool, move |conn| {
        school_calendar::school_holidays(conn, from, to)
    })
    .await?;
    Ok(HttpResponse::Ok().json(
        school_calendar::periods(&holidays)
            .iter()
            .map(Into::into)
            .collect::<Vec<SchoolHolidayView>>(),
    ))
}

/// A school year: days of class and holidays.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"schoolYear": "2026-2027", "firstDay": "2026-09-01", "lastDay": "2027-07-02", "holidays": []}))]
pub struct SchoolYearView {
    /// The school year, as the dataset labels it.
    #[schema(example = "2026-2027")]
    pub school_year: String,
    /// The first day of class (null until the previous summer is imported).
    pub first_day: Option<NaiveDate>,
    /// The last day of class (null until the summer is imported).
    pub last_day: Option<NaiveDate>,
    /// The year's holidays, in date order.
    pub holidays: Vec<SchoolHolidayView>,
}

/// Reads a school year of the city's zone ("2026-2027").
///
/// Public, no sign-in needed. Classes start the day after the previous summer holidays and
/// end the day before the next ones.
#[utoipa::path(
    tag = "calendar",
    operation_id = "getSchoolYear",
    params(("schoolYear" = String, Path, pattern = r"^\d{4}-\d{4}$", description = "As the dataset labels it, e.g. `2026-2027`.")),
    responses(
        (status = 200, description = "Its days of class and holidays.", body = SchoolYearView),
        (status = 404, description = "Nothing of that year is imported (`not_found`)."),
    ),
)]
#[get("/calendar/school-years/{schoolYear}")]
pub async fn get_school_year(
    state: web::Data<AppState>,
    year: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let year = year.into_inner();
    let label = year.clone();
    let found = db::run(&state.pool, move |conn| {
        school_calendar::school_year(conn, &label)
    })
    .await?;
    Ok(HttpResponse::Ok().json(SchoolYearView {
        school_year: year,
        first_day: found.first_day,
        last_day: found.last_day,
        holidays: school_calendar::periods(&found.holidays)
            .iter()
            .map(Into::into)
            .collect(),
    }))
}

/// One record of the dataset's JSON export (its field names).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SchoolCalendarRecord {
    /// The period's name (empty when left out).
    #[serde(default)]
    #[schema(example = "Vacances de la Toussaint")]
    pub description: String,
    /// Whom the row is for: `-` or `Élèves` are followed, `Enseignants` rows are
    /// skipped (empty when left out).
    #[serde(default)]
    #[schema(example = "-")]
    pub population: String,
    /// The first day without school, as exported: `2026-10-16T22:00:00+00:00`
    /// (midnight in Paris) or a date.
    #[serde(default)]
    #[schema(example = "2026-10-16T22:00:00+00:00")]
    pub start_date: String,
    /// The day classes resume, as exported (the same forms as `start_date`).
    #[serde(default)]
    #[schema(example = "2026-11-01T23:00:00+00:00")]
    pub end_date: String,
    /// The académie.
    #[serde(default)]
    #[schema(example = "Créteil")]
    pub location: String,
    /// The zone (`Zone A`, `Zone B`, `Zone C`, `Corse`...); rows of other zones are
    /// skipped.
    #[serde(default)]
    #[schema(example = "Zone C")]
    pub zones: String,
    /// The school year (`2026-2027`).
    #[serde(default)]
    #[schema(example = "2026-2027")]
    pub annee_scolaire: String,
}

/// The JSON export: its records, bare (the export) or under `results` (a page of the
/// dataset's API).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum SchoolCalendarJson {
    Records(Vec<SchoolCalendarRecord>),
    Results(SchoolCalendarResults),
}

/// A page of the dataset's API (`/records`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SchoolCalendarResults {
    /// How many records the whole query matched (not read).
    #[serde(default)]
    #[allow(dead_code)]
    pub total_count: Option<u64>,
    /// The records of this page.
    pub results: Vec<SchoolCalendarRecord>,
}

/// What an import replaced.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SchoolCalendarImportView {
    /// The city's school zone, whose rows were imported.
    #[schema(example = "C")]
    pub zone: String,
    /// The city's académie, whose rows were imported; null: the city set none (every
    /// académie of the zone was read).
    #[schema(example = "Créteil")]
    pub academy: Option<String>,
    /// The school years replaced.
    #[schema(example = json!(["2025-2026", "2026-2027"]))]
    pub school_years: Vec<String>,
    /// The periods now in force for those years, in date order.
    pub periods: Vec<SchoolHolidayView>,
}

/// Two periods of the CSV export (the contract test checks the server accepts it).
const CALENDAR_EXAMPLE: &str = "description;population;start_date;end_date;location;zones;annee_scolaire\n\
    Vacances de Noël;-;2026-12-18T23:00:00+00:00;2027-01-03T23:00:00+00:00;Créteil;Zone C;2026-2027\n\
    Vacances de Printemps;-;2027-04-02T22:00:00+00:00;2027-04-18T22:00:00+00:00;Créteil;Zone C;2026-2027\n";

/// Imports the national school calendar (`fr-en-calendrier-scolaire`).
///
/// For agents and admins, for the city's zone and académie. The CSV export (`;`, code or
/// labelled headers) or the JSON export. The school years the file holds replace those
/// already imported; other zones are ignored. Nothing is written if a row of the zone is
/// wrong: each problem names its line.
#[utoipa::path(
    tag = "admin-planning",
    operation_id = "importSchoolCalendar",
    security(("bearerAuth" = [])),
    request_body(description = "The dataset's export.", content(
        ("text/csv", example = json!(CALENDAR_EXAMPLE)),
        (SchoolCalendarJson = "application/json"),
    )),
    responses(
        (status = 200, description = "Imported.", body = SchoolCalendarImportView),
        (status = 400, description = "A wrong row or header, an empty file, a file that is not UTF-8 CSV or JSON, or nothing for the zone (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 413, description = "Larger than the import limit (`payload_too_large`)."),
        (status = 415, description = "Neither CSV nor JSON (`unsupported_media_type`)."),
        (status = 422, description = "A CSV with no line naming the columns (`import_unreadable`)."),
    ),
)]
#[post("/admin/school-calendar/imports")]
pub async fn import_school_calendar(
    state: web::Data<AppState>,
    staff: Staff,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    if body.len() > state.config.files.import_max_bytes {
        return Err(crate::problem::payload_too_large(
            state.config.files.import_max_bytes,
        ));
    }
    let declared = crate::routes::headers::media_type(&req);
    let unreadable = || {
        ApiError::validation(vec![FieldError::new(
            "body",
            "unreadable",
            "Le fichier ne se lit pas (UTF-8, CSV ou JSON attendu).",
            "The file cannot be read (UTF-8 CSV or JSON expected).",
        )])
    };
    let rows: Vec<SchoolCalendarRow> = match declared.as_deref() {
        Some("text/csv") => {
            let content = String::from_utf8(body.to_vec()).map_err(|_| unreadable())?;
            refuse_nul("body", &content)?;
            // Nothing at all is an empty file (below), not an unreadable one.
            if content.trim_start_matches('\u{feff}').trim().is_empty() {
                Vec::new()
            } else {
                school_calendar::rows_from_csv(&content)?
            }
        }
        Some("application/json") => {
            let value: serde_json::Value =
                serde_json::from_slice(&body).map_err(|e| crate::problem::malformed_json(&e))?;
            // Read by shape rather than as the untagged enum, whose errors would not
            // name the field at fault.
            let json = if value.is_array() {
                SchoolCalendarJson::Records(crate::routes::json::from_value(value)?)
            } else {
                SchoolCalendarJson::Results(crate::routes::json::from_value(value)?)
            };
            let records = match json {
                SchoolCalendarJson::Records(records)
                | SchoolCalendarJson::Results(SchoolCalendarResults {
                    results: records, ..
                }) => records,
            };
            records
                .into_iter()
                .map(|r| SchoolCalendarRow {
                    description: r.description,
                    population: r.population,
                    start: r.start_date,
                    end: r.end_date,
                    location: r.location,
                    zones: r.zones,
                    school_year: r.annee_scolaire,
                })
                .collect()
        }
        _ => return Err(unsupported_media_type("text/csv, application/json")),
    };
    if rows.is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "body",
            "empty",
            "Le fichier est vide.",
            "The file is empty.",
        )]));
    }
    let now = state.clock.now();
    let actor = staff.0.account_id;
    let cache = state.calendar.clone();
    let outcome = db::run(&state.pool, move |conn| {
        let outcome = school_calendar::import(conn, &rows, Some(actor), now)?;
        // Here rather than after the await: a client gone meanwhile must not keep it.
        cache.forget();
        Ok::<_, UseCaseError>(outcome)
    })
    .await?;
    let mut school_years: Vec<String> = outcome
        .periods
        .iter()
        .map(|p| p.school_year.clone())
        .collect();
    school_years.dedup();
    Ok(HttpResponse::Ok().json(SchoolCalendarImportView {
        zone: outcome.zone,
        academy: outcome.academy,
        school_years,
        periods: outcome.periods.iter().map(Into::into).collect(),
    }))
}

/// A day the city closes (a strike, a closed school).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClosureDayForm {
    /// The day closed (`YYYY-MM-DD`, in the city's time zone).
    pub date: NaiveDate,
    /// One activity; absent: every activity.
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub activity_id: Option<i64>,
    /// Told to the families, e.g. « grève ».
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        example = "Grève du personnel de restauration"
    )]
    pub reason: String,
}

/// A day the city closed.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClosureDayView {
    /// The closure's id.
    pub id: i64,
    /// The day closed (`YYYY-MM-DD`, in the city's time zone).
    pub date: NaiveDate,
    /// The activity closed; null: every activity.
    pub activity_id: Option<i64>,
    /// Told to the families.
    #[schema(example = "Grève du personnel de restauration")]
    pub reason: String,
    /// When an agent closed the day, RFC 3339 in UTC.
    pub created_at: DateTime<Utc>,
    /// Bookings of the day it cancelled (not billed); on creation only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bookings_closed: Option<usize>,
    /// Families told (in the portal, and by email as each account prefers); on
    /// creation only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub families_told: Option<usize>,
}

impl From<&ClosureDay> for ClosureDayView {
    fn from(day: &ClosureDay) -> Self {
        Self {
            id: day.id,
            date: day.day,
            activity_id: day.activity_id,
            reason: day.reason.clone(),
            created_at: utc(day.created_at),
            bookings_closed: None,
            families_told: None,
        }
    }
}

/// Closes a day: its bookings are cancelled without billing and each family told.
///
/// For agents and admins. The day's bookings become `closed` (kept, not billed), pending
/// draft changes of the day are dropped, and each family with a booking that day is
/// emailed.
#[utoipa::path(
    tag = "admin-planning",
    operation_id = "createClosureDay",
    security(("bearerAuth" = [])),
    request_body = ClosureDayForm,
    responses(
        (status = 201, description = "Closed; bookings cancelled and families emailed.", body = ClosureDayView),
        (status = 400, description = "Invalid fields (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such activity (`not_found`)."),
    ),
)]
#[post("/admin/closure-days")]
pub async fn create_closure_day(
    state: web::Data<AppState>,
    staff: Staff,
    body: Json<ClosureDayForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    if !in_calendar(body.date) {
        return Err(out_of_calendar("date"));
    }
    let form = body.into_inner();
    let agent = staff.0.account_id;
    let now = state.clock.now();
    let link = format!("{}/planning", state.config.frontend_url);
    let cache = state.calendar.clone();
    let closure = db::run(&state.pool, move |conn| {
        let closure = school_calendar::close_day(
            conn,
            agent,
            form.date,
            form.activity_id,
            form.reason.trim(),
            &link,
            now,
        )?;
        cache.forget();
        Ok::<_, UseCaseError>(closure)
    })
    .await?;
    let mut view = ClosureDayView::from(&closure.day);
    view.bookings_closed = Some(closure.bookings_closed);
    view.families_told = Some(closure.families_told);
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ClosureRange {
    /// The range's first day (`YYYY-MM-DD`, in the city's time zone).
    pub from: NaiveDate,
    /// The range's last day, included (`YYYY-MM-DD`, in the city's time zone).
    pub to: NaiveDate,
}

/// Lists the closure days of a range.
///
/// For agents and admins: closures of every activity and those of one activity, in
/// date order.
#[utoipa::path(
    tag = "admin-planning",
    operation_id = "listClosureDays",
    security(("bearerAuth" = [])),
    params(ClosureRange),
    responses(
        (status = 200, description = "In date order.", body = Vec<ClosureDayView>),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
    ),
)]
#[get("/admin/closure-days")]
pub async fn list_closure_days(
    state: web::Data<AppState>,
    _staff: Staff,
    query: web::Query<ClosureRange>,
) -> Result<HttpResponse, ApiError> {
    let (from, to) = (query.from, query.to);
    for (field, day) in [("from", from), ("to", to)] {
        if !in_calendar(day) {
            return Err(out_of_calendar(field));
        }
    }
    let days = db::run(&state.pool, move |conn| {
        school_calendar::closure_days(conn, from, to)
    })
    .await?;
    Ok(HttpResponse::Ok().json(days.iter().map(Into::into).collect::<Vec<ClosureDayView>>()))
}

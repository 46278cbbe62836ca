//! Separated parents: agents link a child to a second household, set its custody
//! schedule and mark a household's contact details confidential; each household
//! reads the child's custody from its side.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, NaiveDate, Utc, Weekday};
use domain::dossiers::{
    CustodySchedule, DatedPeriod, Half, HolidaySplit, Household, Rhythm, ScheduleProblem,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::{Family, Staff};
use crate::db;
use crate::openapi::enums::{api_enum, mirror_enum};
use crate::problem::{ApiError, FieldError, validate};
use crate::routes::Json;
use crate::routes::dossiers::views::{AddressView, PhonesView, RelationshipView};
use crate::state::AppState;
use crate::usecases::dossiers::households::{
    self, ChildHouseholds, FamilyCustody, HouseholdRecord, StoredCustody,
};
use crate::usecases::utc;

mirror_enum! {
    /// One of a child's two households: the dossier the child was first filed in
    /// (`first`), or the one an agent linked it to (`second`).
    HouseholdRoleView => Household {
        /// The dossier the child was filed in.
        First = "first",
        /// The dossier linked as the child's second household.
        Second = "second",
    }
}

mirror_enum! {
    /// The half of a holiday period that gets the extra day when it has an odd number.
    HalfView => Half {
        /// The first half is one day longer.
        First = "first",
        /// The second half is one day longer.
        Second = "second",
    }
}

api_enum! {
    /// The usual rhythm of custody.
    pub enum RhythmView {
        /// Week about, changing hands on the handover weekday (`referenceWeek`,
        /// `referenceHousehold`, `handoverWeekday`).
        AlternatingWeeks = "alternating_weeks",
        /// The same weekdays every week (`secondHouseholdWeekdays`; the first
        /// household has the others).
        FixedWeekdays = "fixed_weekdays",
        /// Explicit dated periods (`periods`; `otherwise` has the days outside them).
        DatedPeriods = "dated_periods",
    }
}

/// Days given to one household.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"from": "2027-02-20", "to": "2027-02-28", "household": "second"}))]
pub struct CustodyPeriodView {
    /// The first day.
    pub from: NaiveDate,
    /// The last day (included).
    pub to: NaiveDate,
    /// Who has the child.
    pub household: HouseholdRoleView,
}

/// One day given to one household whatever the rest says.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"date": "2027-03-19", "household": "first"}))]
pub struct CustodyExceptionView {
    /// The day.
    pub date: NaiveDate,
    /// Who has the child that day.
    pub household: HouseholdRoleView,
}

/// School holidays split in halves.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"firstHalfInEvenYears": "first", "longerHalf": "first"}))]
pub struct HolidaySplitView {
    /// Who has the first half of each school holiday starting in an even year; the
    /// other household has it in odd years.
    pub first_half_in_even_years: HouseholdRoleView,
    /// Which half gets the extra day of a holiday with an odd number of days.
    pub longer_half: HalfView,
}

/// What a custody schedule says: a rhythm, school holidays split in halves or not,
/// and single-day exceptions. Exceptions come first, then the holiday halves (in the
/// city's school holidays), then the rhythm.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({
    "rhythm": "alternating_weeks",
    "referenceWeek": "2026-09-07",
    "referenceHousehold": "first",
    "handoverWeekday": 5,
    "holidays": {"firstHalfInEvenYears": "first", "longerHalf": "first"},
    "exceptions": [{"date": "2027-03-19", "household": "second"}]
}))]
pub struct CustodyRulesView {
    /// The usual rhythm; the fields it needs are named in each value's description.
    pub rhythm: RhythmView,
    /// `alternating_weeks`: a week (any of its days) that starts with
    /// `referenceHousehold`'s turn; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_week: Option<NaiveDate>,
    /// `alternating_weeks`: who has the reference week; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_household: Option<HouseholdRoleView>,
    /// `alternating_weeks`: the day of the week the child changes hands, 1 (Monday)
    /// to 7; absent otherwise.
    #[validate(range(min = 1, max = 7))]
    #[schema(minimum = 1, maximum = 7, example = 5)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handover_weekday: Option<u32>,
    /// `fixed_weekdays`: the second household's days of the week, 1 (Monday) to 7;
    /// absent otherwise.
    #[validate(length(max = 7))]
    #[schema(max_items = 7, example = json!([3, 6, 7]))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_household_weekdays: Option<Vec<u32>>,
    /// `dated_periods`: the periods, none overlapping; absent otherwise.
    #[validate(length(max = 200))]
    #[schema(max_items = 200)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub periods: Option<Vec<CustodyPeriodView>>,
    /// `dated_periods`: who has the days outside the periods; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otherwise: Option<HouseholdRoleView>,
    /// School holidays split in halves; null: the rhythm goes on through them.
    #[serde(default)]
    pub holidays: Option<HolidaySplitView>,
    /// Single days given to one household (at most 366).
    #[validate(length(max = 366))]
    #[schema(max_items = 366)]
    #[serde(default)]
    pub exceptions: Vec<CustodyExceptionView>,
}

fn required(field: &str) -> FieldError {
    FieldError::new(
        field,
        "required",
        "Obligatoire pour ce rythme de garde.",
        "Required for this custody rhythm.",
    )
}

fn weekday(number: u32) -> Option<Weekday> {
    number
        .checked_sub(1)
        .and_then(|n| u8::try_from(n).ok())
        .and_then(|n| Weekday::try_from(n).ok())
}

impl CustodyRulesView {
    /// The rhythm these rules say, with the fields it needs.
    fn rhythm(&self) -> Result<Rhythm, ApiError> {
        Ok(match self.rhythm {
            RhythmView::AlternatingWeeks => {
                let (Some(week), Some(reference), Some(handover)) = (
                    self.reference_week,
                    self.reference_household,
                    self.handover_weekday.and_then(weekday),
                ) else {
                    let mut missing = Vec::new();
                    if self.reference_week.is_none() {
                        missing.push(required("rules.referenceWeek"));
                    }
                    if self.reference_household.is_none() {
                        missing.push(required("rules.referenceHousehold"));
                    }
                    if self.handover_weekday.is_none() {
                        missing.push(required("rules.handoverWeekday"));
                    }
                    return Err(ApiError::validation(missing));
                };
                Rhythm::AlternatingWeeks {
                    reference_week: week,
                    reference: reference.into(),
                    handover,
                }
            }
            RhythmView::FixedWeekdays => {
                let days = self.second_household_weekdays.as_ref().ok_or_else(|| {
                    ApiError::validation(vec![required("rules.secondHouseholdWeekdays")])
                })?;
                let second = days.iter().map(|d| weekday(*d)).collect::<Option<Vec<_>>>();
                let second = second.ok_or_else(|| {
                    ApiError::validation(vec![FieldError::new(
                        "rules.secondHouseholdWeekdays",
                        "not_a_weekday",
                        "Un jour de la semaine va de 1 (lundi) à 7 (dimanche).",
                        "A day of the week goes from 1 (Monday) to 7 (Sunday).",
                    )])
                })?;
                Rhythm::FixedWeekdays { second }
            }
            RhythmView::DatedPeriods => {
                let (Some(periods), Some(otherwise)) = (&self.periods, self.otherwise) else {
                    let mut missing = Vec::new();
                    if self.periods.is_none() {
                        missing.push(required("rules.periods"));
                    }
                    if self.otherwise.is_none() {
                        missing.push(required("rules.otherwise"));
                    }
                    return Err(ApiError::validation(missing));
                };
                Rhythm::DatedPeriods {
                    periods: periods
                        .iter()
                        .map(|p| DatedPeriod {
                            first: p.from,
                            last: p.to,
                            household: p.household.into(),
                        })
                        .collect(),
                    otherwise: otherwise.into(),
                }
            }
        })
    }

    /// The schedule these rules say, or the fields that do not hold together.
    fn read(&self) -> Result<CustodySchedule, ApiError> {
        let rhythm = self.rhythm()?;
        let mut dates: Vec<NaiveDate> = self.exceptions.iter().map(|e| e.date).collect();
        dates.sort_unstable();
        dates.dedup();
        if dates.len() != self.exceptions.len() {
            return Err(ApiError::validation(vec![FieldError::new(
                "rules.exceptions",
                "exception_repeated",
                "Un jour d'exception est donné deux fois.",
                "An exception's date is given twice.",
            )]));
        }
        let schedule = CustodySchedule {
            rhythm,
            holidays: self.holidays.as_ref().map(|h| HolidaySplit {
                first_half_in_even_years: h.first_half_in_even_years.into(),
                longer_half: h.longer_half.into(),
            }),
            exceptions: self
                .exceptions
                .iter()
                .map(|e| (e.date, Household::from(e.household)))
                .collect(),
        };
        schedule.check().map_err(|problem| {
            let (field, fr) = match problem {
                ScheduleProblem::PeriodInverted => (
                    "rules.periods",
                    "Une période se termine avant de commencer.",
                ),
                ScheduleProblem::PeriodsOverlap => (
                    "rules.periods",
                    "Deux périodes se chevauchent : chaque jour n'a qu'un foyer.",
                ),
                ScheduleProblem::WeekdayRepeated => (
                    "rules.secondHouseholdWeekdays",
                    "Un jour de la semaine est donné deux fois.",
                ),
            };
            ApiError::validation(vec![FieldError::new(
                field,
                problem.code(),
                fr,
                &problem.to_string(),
            )])
        })
    }

    fn new(schedule: &CustodySchedule) -> Self {
        let mut view = Self {
            rhythm: RhythmView::AlternatingWeeks,
            reference_week: None,
            reference_household: None,
            handover_weekday: None,
            second_household_weekdays: None,
            periods: None,
            otherwise: None,
            holidays: schedule.holidays.map(|h| HolidaySplitView {
                first_half_in_even_years: h.first_half_in_even_years.into(),
                longer_half: h.longer_half.into(),
            }),
            exceptions: schedule
                .exceptions
                .iter()
                .map(|(date, household)| CustodyExceptionView {
                    date: *date,
                    household: (*household).into(),
                })
                .collect(),
        };
        match &schedule.rhythm {
            Rhythm::AlternatingWeeks {
                reference_week,
                reference,
                handover,
            } => {
                view.reference_week = Some(*reference_week);
                view.reference_household = Some((*reference).into());
                view.handover_weekday = Some(handover.number_from_monday());
            }
            Rhythm::FixedWeekdays { second } => {
                view.rhythm = RhythmView::FixedWeekdays;
                view.second_household_weekdays =
                    Some(second.iter().map(Weekday::number_from_monday).collect());
            }
            Rhythm::DatedPeriods { periods, otherwise } => {
                view.rhythm = RhythmView::DatedPeriods;
                view.periods = Some(
                    periods
                        .iter()
                        .map(|p| CustodyPeriodView {
                            from: p.first,
                            to: p.last,
                            household: p.household.into(),
                        })
                        .collect(),
                );
                view.otherwise = Some((*otherwise).into());
            }
        }
        view
    }
}

/// A custody schedule and the day it applies from.
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({
    "validFrom": "2027-01-04",
    "rules": {"rhythm": "alternating_weeks", "referenceWeek": "2027-01-04", "referenceHousehold": "second", "handoverWeekday": 1, "holidays": null, "exceptions": []}
}))]
pub struct CustodyForm {
    /// The first day it applies; it applies until the next schedule's first day.
    /// Schedules starting that day or later are replaced.
    pub valid_from: NaiveDate,
    /// What the schedule says.
    #[validate(nested)]
    pub rules: CustodyRulesView,
}

/// A custody schedule as kept.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustodyScheduleView {
    /// The first day it applies (until the next schedule's first day).
    #[schema(example = "2026-09-01")]
    pub valid_from: NaiveDate,
    /// What the schedule says.
    pub rules: CustodyRulesView,
    /// When an agent set it (RFC 3339, UTC).
    pub set_at: DateTime<Utc>,
}

impl From<&StoredCustody> for CustodyScheduleView {
    fn from(stored: &StoredCustody) -> Self {
        Self {
            valid_from: stored.valid_from,
            rules: CustodyRulesView::new(&stored.schedule),
            set_at: utc(stored.set_at),
        }
    }
}

/// A guardian of a household, by name (no contact details).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HouseholdGuardianView {
    /// Their tie to the children.
    pub relationship: RelationshipView,
    /// Their first name.
    #[schema(example = "Camille")]
    pub first_name: String,
    /// Their last name.
    #[schema(example = "TI")]
    pub last_name: String,
}

/// A household's contact details.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HouseholdContactView {
    /// The household's email address; null when unknown.
    #[schema(example = "famille.ti@exemple.fr")]
    pub email: Option<String>,
    /// Its postal address.
    pub address: AddressView,
    /// Its phone numbers.
    pub phones: PhonesView,
}

/// One of a child's households, as an agent sees it from the child's page.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HouseholdView {
    /// The household's dossier (`GET /admin/dossiers/{dossierId}`).
    #[schema(example = 18)]
    pub dossier_id: i64,
    /// The dossier's number.
    #[schema(example = "18")]
    pub number: String,
    /// The dossier's name.
    #[schema(example = "T I")]
    pub name: String,
    /// Whether it is the child's first household (the dossier the child was filed in)
    /// or its second.
    pub role: HouseholdRoleView,
    /// When it was linked as the child's second household (absent for the first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linked_at: Option<DateTime<Utc>>,
    /// Whether an agent marked its contact details confidential.
    pub contacts_confidential: bool,
    /// Its guardians, by name.
    pub guardians: Vec<HouseholdGuardianView>,
    /// Its contact details; null when confidential (read them on its own dossier's
    /// page, never from the child's).
    pub contact: Option<HouseholdContactView>,
}

impl HouseholdView {
    fn new(record: &HouseholdRecord, role: Household, linked_at: Option<DateTime<Utc>>) -> Self {
        let d = &record.dossier;
        Self {
            dossier_id: d.id,
            number: d.number.clone(),
            name: d.name.clone(),
            role: role.into(),
            linked_at,
            contacts_confidential: d.contacts_confidential,
            guardians: record
                .guardians
                .iter()
                .map(|g| HouseholdGuardianView {
                    relationship: g.relationship.into(),
                    first_name: g.first_name.clone(),
                    last_name: g.last_name.clone(),
                })
                .collect(),
            contact: (!d.contacts_confidential).then(|| HouseholdContactView {
                email: d.email.clone(),
                address: AddressView {
                    line1: d.address_line1.clone(),
                    line2: d.address_line2.clone(),
                    postcode: d.postcode.clone(),
                    city: d.city.clone(),
                },
                phones: PhonesView {
                    home: d.home_phone.clone(),
                    mobile: d.mobile_phone.clone(),
                    work: d.work_phone.clone(),
                },
            }),
        }
    }
}

/// A child's households and custody schedules.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChildHouseholdsView {
    /// The child's id.
    #[schema(example = 3)]
    pub child_id: i64,
    /// The first household, then the second when there is one.
    pub households: Vec<HouseholdView>,
    /// The custody schedules, oldest first; each applies until the next one's
    /// `validFrom`. Before the first, every day is the first household's.
    pub schedules: Vec<CustodyScheduleView>,
}

impl From<&ChildHouseholds> for ChildHouseholdsView {
    fn from(record: &ChildHouseholds) -> Self {
        let mut households = vec![HouseholdView::new(&record.first, Household::First, None)];
        if let Some((second, linked_at)) = &record.second {
            households.push(HouseholdView::new(
                second,
                Household::Second,
                Some(utc(*linked_at)),
            ));
        }
        Self {
            child_id: record.child.id,
            households,
            schedules: record.schedules.iter().map(Into::into).collect(),
        }
    }
}

/// A child's custody as one of its households reads it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MyChildCustodyView {
    /// The child's id.
    #[schema(example = 3)]
    pub child_id: i64,
    /// Whether the child has two households (separated parents).
    pub two_households: bool,
    /// Which of the two is yours; null with one household.
    pub your_household: Option<HouseholdRoleView>,
    /// The custody schedules, oldest first (empty with one household). Days in the
    /// other household's custody show in the planning as `otherHousehold`.
    pub schedules: Vec<CustodyScheduleView>,
}

impl From<&FamilyCustody> for MyChildCustodyView {
    fn from(custody: &FamilyCustody) -> Self {
        Self {
            child_id: custody.child_id,
            two_households: custody.yours.is_some(),
            your_household: custody.yours.map(Into::into),
            schedules: custody.schedules.iter().map(Into::into).collect(),
        }
    }
}

/// The household to link.
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"dossierId": 25, "requestId": 9}))]
pub struct HouseholdLinkForm {
    /// The other parent's dossier, to become the child's second household.
    #[validate(range(min = 1))]
    #[schema(minimum = 1, example = 25)]
    pub dossier_id: i64,
    /// The accepted `second_household` request (démarche) of either household it
    /// answers, with its proof; kept with the link.
    #[validate(range(min = 1))]
    #[schema(minimum = 1, example = 9)]
    #[serde(default)]
    pub request_id: Option<i64>,
}

/// Whether a household's contact details are confidential.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"contactsConfidential": true}))]
pub struct ConfidentialityView {
    /// `true`: the household's address, phones and email are left out of every view
    /// of its children's other household, agents' views from the child's page included.
    pub contacts_confidential: bool,
}

/// A child's households and custody schedules.
///
/// For agents and admins. Each household with its guardians and, unless marked
/// confidential, its contact details; the schedules saying which household has the
/// child each day.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "getChildHouseholds",
    security(("bearerAuth" = [])),
    params(("childId" = i64, Path, minimum = 1, description = "The child's id.")),
    responses(
        (status = 200, description = "The child's households and schedules.", body = ChildHouseholdsView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such child (`not_found`)."),
    ),
)]
#[get("/admin/children/{childId}/households")]
pub async fn get_child_households(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let child_id = id.into_inner();
    let record = db::run(&state.pool, move |conn| {
        households::of_child(conn, child_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ChildHouseholdsView::from(&record)))
}

/// Links a child to a second household (separated parents).
///
/// For agents and admins, usually on a `second_household` request with its proof (a
/// court decision or the parents' agreement), accepted first. The child stays in its
/// dossier (its first household) and is shared with the other: identity, school and
/// health information, registrations. Until a custody schedule is set, every day is
/// the first household's. Audited.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "linkChildHousehold",
    security(("bearerAuth" = [])),
    params(("childId" = i64, Path, minimum = 1, description = "The child's id.")),
    request_body = HouseholdLinkForm,
    responses(
        (status = 201, description = "Linked: the child's households.", body = ChildHouseholdsView,
            headers(("Location" = String, description = "The child's households."))),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such child, dossier or request (`not_found`)."),
        (status = 409, description = "The child already has a second household (`second_household_exists`)."),
        (status = 422, description = "The dossier is already the child's (`same_household`), or the request is not an accepted `second_household` request of either household (`request_mismatch`)."),
        (status = 400, description = "Invalid ids (`validation_failed`)."),
    ),
)]
#[post("/admin/children/{childId}/households")]
pub async fn link_child_household(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    body: Json<HouseholdLinkForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let child_id = id.into_inner();
    let link = (body.dossier_id, body.request_id);
    let agent_id = staff.0.account_id;
    let (today, now) = (state.today(), state.clock.now());
    let custody = state.custody.clone();
    let record = db::run(&state.pool, move |conn| {
        let linked = households::link(conn, agent_id, child_id, link, today, now);
        custody.forget();
        linked
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/admin/children/{child_id}/households"),
        ))
        .json(ChildHouseholdsView::from(&record)))
}

/// Ends a child's second household.
///
/// For agents and admins. From today every day is the child's first household's; the
/// days before stay the second's (a billing run still bills them to it, with its
/// schedules). The second household's pending draft and calendar feed of the child are
/// dropped; saved bookings and invoices stay. Audited.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "unlinkChildHousehold",
    security(("bearerAuth" = [])),
    params(
        ("childId" = i64, Path, minimum = 1, description = "The child's id."),
        ("dossierId" = i64, Path, minimum = 1, description = "The second household's dossier."),
    ),
    responses(
        (status = 204, description = "The child has one household again."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such child, or the dossier is not its second household (`not_found`)."),
    ),
)]
#[delete("/admin/children/{childId}/households/{dossierId}")]
pub async fn unlink_child_household(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let ids = path.into_inner();
    let agent_id = staff.0.account_id;
    let (today, now) = (state.today(), state.clock.now());
    let custody = state.custody.clone();
    db::run(&state.pool, move |conn| {
        let ended = households::unlink(conn, agent_id, ids, today, now);
        custody.forget();
        ended
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sets a child's custody schedule from a date on.
///
/// For agents and admins, for a child with two households: alternating weeks, fixed
/// weekdays or dated periods, school holidays split in halves or not, and single-day
/// exceptions. It applies from `validFrom` (earlier days keep their schedule; later
/// schedules are replaced): plannings, bookings and the next billing runs follow it. A
/// month already billed to either household keeps its custody. Audited.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "setChildCustody",
    security(("bearerAuth" = [])),
    params(("childId" = i64, Path, minimum = 1, description = "The child's id.")),
    request_body = CustodyForm,
    responses(
        (status = 200, description = "Set: the child's households and schedules.", body = ChildHouseholdsView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such child (`not_found`)."),
        (status = 409, description = "The child has one household (`no_second_household`), or `validFrom` falls in a month already billed to either household (`custody_month_billed`)."),
        (status = 400, description = "A field missing for the rhythm, periods overlapping or inverted, a weekday or an exception's date twice (`validation_failed`)."),
    ),
)]
#[put("/admin/children/{childId}/custody")]
pub async fn set_child_custody(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    body: Json<CustodyForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let schedule = body.rules.read()?;
    let valid_from = body.valid_from;
    let child_id = id.into_inner();
    let agent_id = staff.0.account_id;
    let now = state.clock.now();
    let custody = state.custody.clone();
    let record = db::run(&state.pool, move |conn| {
        let set = households::set_schedule(conn, agent_id, child_id, valid_from, &schedule, now);
        custody.forget();
        set
    })
    .await?;
    Ok(HttpResponse::Ok().json(ChildHouseholdsView::from(&record)))
}

/// Marks a household's contact details confidential, or not.
///
/// For agents and admins. A confidential household's address, phones and email are
/// left out of the views of its children's other household, agents' reads from the
/// child's page included (`GET /admin/children/{childId}/households`). Families never
/// see the other household's details either way. Audited.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "setDossierConfidentiality",
    security(("bearerAuth" = [])),
    params(("dossierId" = i64, Path, minimum = 1, description = "The dossier's id.")),
    request_body = ConfidentialityView,
    responses(
        (status = 200, description = "Set.", body = ConfidentialityView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such dossier (`not_found`)."),
    ),
)]
#[put("/admin/dossiers/{dossierId}/confidentiality")]
pub async fn set_dossier_confidentiality(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    body: Json<ConfidentialityView>,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = id.into_inner();
    let confidential = body.contacts_confidential;
    let agent_id = staff.0.account_id;
    let now = state.clock.now();
    let dossier = db::run(&state.pool, move |conn| {
        households::set_confidential(conn, agent_id, dossier_id, confidential, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ConfidentialityView {
        contacts_confidential: dossier.contacts_confidential,
    }))
}

/// My child's custody (separated parents).
///
/// For the child's family (either household): whether the child has two households,
/// which one is yours, and the schedules that say who has the child each day. Nothing
/// of the other household is shown.
#[utoipa::path(
    tag = "dossier",
    operation_id = "getMyChildCustody",
    security(("bearerAuth" = [])),
    params(("childId" = i64, Path, minimum = 1, description = "The child's id.")),
    responses(
        (status = 200, description = "The child's custody.", body = MyChildCustodyView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "Not a child of the family (`not_found`)."),
    ),
)]
#[get("/children/{childId}/custody")]
pub async fn get_my_child_custody(
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let child_id = id.into_inner();
    let custody = db::run(&state.pool, move |conn| {
        households::of_family(conn, dossier_id, child_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(MyChildCustodyView::from(&custody)))
}

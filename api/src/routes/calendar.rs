//! The calendar clients display: public holidays, computed rather than typed in.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use domain::calendar::{self, HolidayRegion, PublicHolidayKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::problem::{ApiError, FieldError, Text};

/// Which list of public holidays applies.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Region {
    /// Metropolitan France.
    #[default]
    Metropole,
    /// Bas-Rhin, Haut-Rhin and Moselle, which add Good Friday and 26 December.
    AlsaceMoselle,
}

impl From<Region> for HolidayRegion {
    fn from(region: Region) -> Self {
        match region {
            Region::Metropole => Self::Metropole,
            Region::AlsaceMoselle => Self::AlsaceMoselle,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicHolidaysQuery {
    /// The region whose list applies (default `metropole`).
    pub region: Option<Region>,
}

/// The public holidays of one year.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "year": 2027,
    "region": "metropole",
    "holidays": [{"date": "2027-07-14", "kind": "bastille_day", "name": "Fête nationale"}]
}))]
pub struct PublicHolidays {
    pub year: i32,
    pub region: Region,
    /// In date order; two holidays on one date (Ascension on 1 May) are two entries.
    pub holidays: Vec<PublicHoliday>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublicHoliday {
    pub date: NaiveDate,
    pub kind: HolidayKind,
    /// The holiday's French name, as families read it.
    pub name: String,
}

/// A stable name for each French public holiday.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    NewYearsDay,
    GoodFriday,
    EasterMonday,
    LabourDay,
    VictoryInEuropeDay,
    AscensionDay,
    WhitMonday,
    BastilleDay,
    AssumptionDay,
    AllSaintsDay,
    ArmisticeDay,
    ChristmasDay,
    SaintStephensDay,
}

impl From<PublicHolidayKind> for HolidayKind {
    fn from(kind: PublicHolidayKind) -> Self {
        use PublicHolidayKind as K;
        match kind {
            K::NewYearsDay => Self::NewYearsDay,
            K::GoodFriday => Self::GoodFriday,
            K::EasterMonday => Self::EasterMonday,
            K::LabourDay => Self::LabourDay,
            K::VictoryInEuropeDay => Self::VictoryInEuropeDay,
            K::AscensionDay => Self::AscensionDay,
            K::WhitMonday => Self::WhitMonday,
            K::BastilleDay => Self::BastilleDay,
            K::AssumptionDay => Self::AssumptionDay,
            K::AllSaintsDay => Self::AllSaintsDay,
            K::ArmisticeDay => Self::ArmisticeDay,
            K::ChristmasDay => Self::ChristmasDay,
            K::SaintStephensDay => Self::SaintStephensDay,
        }
    }
}

/// The public holidays of a year.
///
/// Computed (fixed dates and Easter-based ones), for 1900 to 2100. The answer never
/// changes for a given year and region, so it may be cached for a day.
#[utoipa::path(
    tag = "calendar",
    operation_id = "listPublicHolidays",
    params(
        ("year" = i32, Path, minimum = 1900, maximum = 2100, description = "The calendar year.", example = 2027),
        PublicHolidaysQuery,
    ),
    responses(
        (status = 200, description = "The public holidays of the year.", body = PublicHolidays),
        (status = 400, description = "The year is not a number between 1900 and 2100 (`validation_failed`, `invalid_path_parameter`), or the region is unknown (`invalid_query_parameter`)."),
    ),
)]
#[get("/public-holidays/{year}")]
pub async fn list_public_holidays(
    year: web::Path<i32>,
    query: web::Query<PublicHolidaysQuery>,
) -> Result<HttpResponse, ApiError> {
    let year = year.into_inner();
    let region = query.region.unwrap_or_default();
    let holidays = calendar::public_holidays(year, region.into()).map_err(|_| {
        ApiError::validation(vec![FieldError {
            field: "year".into(),
            code: "out_of_range".into(),
            message: Text::new(
                "L'année doit être comprise entre 1900 et 2100.",
                "The year must be between 1900 and 2100.",
            ),
        }])
    })?;
    let body = PublicHolidays {
        year,
        region,
        holidays: holidays
            .into_iter()
            .map(|h| PublicHoliday {
                date: h.date,
                kind: h.kind.into(),
                name: h.kind.french_name().to_owned(),
            })
            .collect(),
    };
    Ok(HttpResponse::build(StatusCode::OK)
        .insert_header(("Cache-Control", "public, max-age=86400"))
        .json(body))
}

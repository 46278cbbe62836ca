//! The calendar clients display: public holidays, computed rather than typed in.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use domain::calendar::{self, HolidayRegion, PublicHolidayKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::openapi::enums::api_enum;
use crate::problem::{ApiError, FieldError, Text};

api_enum! {
    /// Which list of public holidays applies.
    pub enum Region {
        /// Metropolitan France.
        Metropole = "metropole",
        /// Bas-Rhin, Haut-Rhin and Moselle, which add Good Friday and 26 December.
        AlsaceMoselle = "alsace-moselle",
    }
}

impl Default for Region {
    /// Metropolitan France.
    fn default() -> Self {
        Self::Metropole
    }
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
    /// The calendar year.
    pub year: i32,
    /// The region whose list this is.
    pub region: Region,
    /// In date order; two holidays on one date (Ascension on 1 May) are two entries.
    pub holidays: Vec<PublicHoliday>,
}

/// One public holiday.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublicHoliday {
    /// The holiday's date (`YYYY-MM-DD`).
    pub date: NaiveDate,
    /// Which holiday it is.
    pub kind: HolidayKind,
    /// The holiday's French name, as families read it.
    #[schema(example = "Fête nationale")]
    pub name: String,
}

api_enum! {
    /// A stable name for each French public holiday.
    pub enum HolidayKind {
        /// 1 January, Jour de l'an.
        NewYearsDay = "new_years_day",
        /// Good Friday, Vendredi saint (Alsace-Moselle only).
        GoodFriday = "good_friday",
        /// Easter Monday, Lundi de Pâques.
        EasterMonday = "easter_monday",
        /// 1 May, Fête du Travail.
        LabourDay = "labour_day",
        /// 8 May, Victoire 1945.
        VictoryInEuropeDay = "victory_in_europe_day",
        /// Ascension Day, Ascension (39 days after Easter).
        AscensionDay = "ascension_day",
        /// Whit Monday, Lundi de Pentecôte.
        WhitMonday = "whit_monday",
        /// 14 July, Fête nationale.
        BastilleDay = "bastille_day",
        /// 15 August, Assomption.
        AssumptionDay = "assumption_day",
        /// 1 November, Toussaint.
        AllSaintsDay = "all_saints_day",
        /// 11 November, Armistice 1918.
        ArmisticeDay = "armistice_day",
        /// 25 December, Noël.
        ChristmasDay = "christmas_day",
        /// 26 December, Saint-Étienne (Alsace-Moselle only).
        SaintStephensDay = "saint_stephens_day",
    }
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
/// Public, no sign-in needed. Computed (fixed dates and Easter-based ones), for 1900 to
/// 2100. The answer never changes for a given year and region, so it may be cached for a
/// day.
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

//! The city running the portal, as families and clients see it.

use crate::usecases::city::CitySettings;
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::usecases;

/// The city running the portal.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "name": "Villejuif",
    "timeZone": "Europe/Paris",
    "schoolZone": "C",
    "academy": "Créteil",
    "contactEmail": "espace.familles@villejuif.example",
    "websiteUrl": "https://www.villejuif.fr"
}))]
pub struct City {
    /// The city's name, as shown on the portal.
    #[schema(example = "Villejuif")]
    pub name: String,
    /// IANA time zone in which dates and deadlines are counted.
    #[schema(example = "Europe/Paris")]
    pub time_zone: String,
    /// The national school-holiday zone (A, B, C or Corse).
    #[schema(example = "C")]
    pub school_zone: String,
    /// The académie the city's schools belong to; absent when not configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "Créteil")]
    pub academy: Option<String>,
    /// Where families can write to the city's family services; absent when not
    /// configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "espace.familles@villejuif.example")]
    pub contact_email: Option<String>,
    /// The phone number of the city's family services; absent when not configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "0145592000")]
    pub contact_phone: Option<String>,
    /// The city's website; absent when not configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "https://www.villejuif.fr")]
    pub website_url: Option<String>,
}

impl From<CitySettings> for City {
    fn from(settings: CitySettings) -> Self {
        Self {
            name: settings.name,
            time_zone: settings.time_zone,
            school_zone: settings.school_zone,
            academy: settings.academy,
            contact_email: settings.contact_email,
            contact_phone: settings.contact_phone,
            website_url: settings.website_url,
        }
    }
}

/// The city running this portal.
///
/// Its name and contacts for a client's header and footer, and the time zone in
/// which every date of the API is a calendar date.
#[utoipa::path(
    tag = "city",
    operation_id = "getCity",
    responses(
        (status = 200, description = "The city.", body = City),
        (status = 503, description = "The database cannot be reached (`database_unavailable`)."),
    ),
)]
#[get("/city")]
pub async fn get_city(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let settings = db::run(&state.pool, usecases::city::current).await?;
    Ok(HttpResponse::Ok().json(City::from(settings)))
}

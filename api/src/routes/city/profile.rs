//! The city running the portal, as families and clients see it.

use crate::usecases::city::{CitySettings, ContactsInput, OpeningSlot};
use actix_web::{HttpRequest, HttpResponse, get, put, web};
use chrono::NaiveTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::Admin;
use crate::problem::validate;
use crate::routes::Json;
use crate::routes::city::quotient_rules::QuotientRulesView;
use crate::routes::etag::{etag, if_match};

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
    "contactPhone": "01 99 00 12 34",
    "websiteUrl": "https://www.villejuif.fr",
    "openingHours": [
        {"weekday": 1, "opens": "08:30", "closes": "12:00"},
        {"weekday": 1, "opens": "13:30", "closes": "17:30"}
    ],
    "openingNote": "Fermé le samedi en juillet et en août.",
    "quotientRules": {"topBracketFrom": "10-01", "lookupAppliesFrom": "month", "lookupOffered": true}
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
    /// When the family services' desk is open, day by day, morning first (empty when
    /// not configured).
    pub opening_hours: Vec<OpeningSlotView>,
    /// What the hours do not say (closures in summer...); absent when not configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "Fermé le samedi en juillet et en août.")]
    pub opening_note: Option<String>,
    /// How families' quotients set their prices, and whether the city looks them up.
    pub quotient_rules: QuotientRulesView,
}

/// A time the family services' desk is open, local time.
#[derive(Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"weekday": 1, "opens": "08:30", "closes": "12:00"}))]
pub struct OpeningSlotView {
    /// The ISO weekday: 1 for Monday to 7 for Sunday.
    #[validate(range(min = 1, max = 7))]
    #[schema(minimum = 1, maximum = 7, example = 1)]
    pub weekday: u32,
    /// When it opens, `HH:MM`.
    #[schema(value_type = String, pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "08:30")]
    #[serde(with = "hh_mm")]
    pub opens: NaiveTime,
    /// When it closes, `HH:MM`, after `opens`.
    #[schema(value_type = String, pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "12:00")]
    #[serde(with = "hh_mm")]
    pub closes: NaiveTime,
}

/// Times as `HH:MM`, as the city's opening hours are written.
mod hh_mm {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(time: &NaiveTime, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&time.format("%H:%M").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveTime, D::Error> {
        let text = String::deserialize(deserializer)?;
        NaiveTime::parse_from_str(&text, "%H:%M").map_err(serde::de::Error::custom)
    }
}

impl From<&OpeningSlot> for OpeningSlotView {
    fn from(slot: &OpeningSlot) -> Self {
        Self {
            weekday: slot.weekday,
            opens: slot.opens,
            closes: slot.closes,
        }
    }
}

impl City {
    /// The city as its settings say; `lookup_offered`: whether API Particulier is set.
    pub fn new(settings: CitySettings, lookup_offered: bool) -> Self {
        Self {
            quotient_rules: QuotientRulesView::new(&settings, lookup_offered),
            opening_hours: usecases::city::opening_hours(&settings)
                .iter()
                .map(OpeningSlotView::from)
                .collect(),
            opening_note: settings.opening_note,
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
        (status = 200, description = "The city.", body = City,
            headers(("ETag" = String, description = "Its version, for an admin's `If-Match`."))),
        (status = 503, description = "The database cannot be reached (`database_unavailable`)."),
    ),
)]
#[get("/city")]
pub async fn get_city(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let settings = db::run(&state.pool, usecases::city::current).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(settings.version))
        .json(City::new(settings, state.api_particulier.is_some())))
}

/// How families reach the city, as an admin writes it.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({
    "academy": "Créteil",
    "contactEmail": "espace.familles@villejuif.example",
    "contactPhone": "01 99 00 12 34",
    "websiteUrl": "https://www.villejuif.fr",
    "openingHours": [{"weekday": 1, "opens": "08:30", "closes": "12:00"}],
    "openingNote": null
}))]
pub struct CityContactsForm {
    /// The académie; null or blank: none.
    #[validate(length(max = 100))]
    #[schema(max_length = 100, example = "Créteil")]
    pub academy: Option<String>,
    /// Where families write to; null: none.
    #[validate(email, length(max = 254))]
    #[schema(
        max_length = 254,
        format = "email",
        example = "espace.familles@villejuif.example"
    )]
    pub contact_email: Option<String>,
    /// The family services' phone number, as families dial it; null or blank: none.
    #[validate(length(max = 30))]
    #[schema(
        max_length = 30,
        pattern = "^[0-9 +.()-]*$",
        example = "01 99 00 12 34"
    )]
    pub contact_phone: Option<String>,
    /// The city's website; null: none.
    #[validate(url, length(max = 300))]
    #[schema(max_length = 300, format = "uri", example = "https://www.villejuif.fr")]
    pub website_url: Option<String>,
    /// When the desk is open; slots of one day must not overlap. Empty: not said.
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub opening_hours: Vec<OpeningSlotView>,
    /// What the hours do not say; null or blank: nothing.
    #[validate(length(max = 500))]
    #[schema(max_length = 500, example = "Fermé le samedi en juillet et en août.")]
    pub opening_note: Option<String>,
}

/// Updates how families reach the city.
///
/// Its académie, contact email and phone, website and the family services' opening
/// hours, all at once (what is null is removed), for a client's header, footer and
/// "Contact" screen. Needs the `ETag` of `GET /city` in `If-Match`. Admins only.
#[utoipa::path(
    tag = "city",
    operation_id = "updateCityContacts",
    security(("bearerAuth" = [])),
    params(("If-Match" = Option<String>, Header, description = "The `ETag` of `GET /city`; without it, 428.")),
    request_body = CityContactsForm,
    responses(
        (status = 200, description = "Updated.", body = City,
            headers(("ETag" = String, description = "The new version."))),
        (status = 400, description = "A field breaks its rules (`validation_failed`: an overlapping slot is `overlap`, one closing before it opens `closes_before_opening`)."),
        (status = 403, description = "Admins only (`forbidden`)."),
        (status = 412, description = "Changed since it was read (`precondition_failed`)."),
        (status = 428, description = "`If-Match` missing (`precondition_required`)."),
    ),
)]
#[put("/admin/city")]
pub async fn update_city_contacts(
    state: web::Data<AppState>,
    _admin: Admin,
    req: HttpRequest,
    body: Json<CityContactsForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let form = body.into_inner();
    let input = ContactsInput {
        academy: form.academy,
        contact_email: form.contact_email,
        contact_phone: form.contact_phone,
        website_url: form.website_url,
        opening_hours: form
            .opening_hours
            .iter()
            .map(|s| OpeningSlot {
                weekday: s.weekday,
                opens: s.opens,
                closes: s.closes,
            })
            .collect(),
        opening_note: form.opening_note,
    };
    // What the body says is judged first: a bad phone is a 400 whatever the version.
    let contacts = usecases::city::contacts(input)?;
    let (_, version) = if_match(&req, 1)?;
    let now = state.clock.now();
    let settings = db::run(&state.pool, move |conn| {
        usecases::city::update_contacts(conn, version, &contacts, now)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(settings.version))
        .json(City::new(settings, state.api_particulier.is_some())))
}

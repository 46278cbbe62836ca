//! How families' quotients set their prices: from which day of the school year a
//! family without one pays the top bracket, and from when a looked-up one applies.

use actix_web::{HttpRequest, HttpResponse, put, web};
use domain::dossiers::{LookupAppliesFrom, MonthDay};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Admin;
use crate::db;
use crate::openapi::enums::mirror_enum;
use crate::problem::{ApiError, FieldError};
use crate::routes::Json;
use crate::routes::city::profile::City;
use crate::routes::etag::{etag, if_match};
use crate::state::AppState;
use crate::usecases;
use crate::usecases::city::CitySettings;

mirror_enum! {
    /// From when a quotient looked up at the CAF or MSA applies; it runs to the end of
    /// that school year (31 August).
    LookupAppliesFromView => LookupAppliesFrom {
        /// The lookup's day.
        Day = "day",
        /// The first day of the lookup's month.
        Month = "month",
        /// The first day of the month after the lookup.
        NextMonth = "next_month",
    }
}

/// The city's quotient rules.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"topBracketFrom": "10-01", "lookupAppliesFrom": "month", "lookupOffered": true}))]
pub struct QuotientRulesView {
    /// `MM-DD`: from this day of each school year, a family without a quotient for the
    /// day pays the top bracket (tarif maximal); until then last school year's
    /// quotient runs on. Null: the top bracket whenever no quotient covers the day.
    #[schema(
        pattern = r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
        example = "10-01"
    )]
    pub top_bracket_from: Option<String>,
    /// From when a looked-up quotient applies.
    pub lookup_applies_from: LookupAppliesFromView,
    /// Whether families can have their quotient looked up at the CAF or MSA
    /// (`POST /dossier/quotient-lookups`); otherwise they send a proof of income.
    pub lookup_offered: bool,
}

impl QuotientRulesView {
    pub fn new(settings: &CitySettings, lookup_offered: bool) -> Self {
        Self {
            top_bracket_from: settings.top_bracket_from.clone(),
            lookup_applies_from: settings.lookup_applies_from.into(),
            lookup_offered,
        }
    }
}

/// The city's quotient rules, as an admin writes them.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"topBracketFrom": "10-01", "lookupAppliesFrom": "month"}))]
pub struct QuotientRulesInput {
    /// `MM-DD`: from this day of each school year, families without a quotient pay the
    /// top bracket; null: whenever they have none.
    #[schema(
        pattern = r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
        example = "10-01"
    )]
    pub top_bracket_from: Option<String>,
    /// From when a looked-up quotient applies.
    pub lookup_applies_from: LookupAppliesFromView,
}

/// Updates the city's quotient rules.
///
/// From which day of each school year families without a quotient pay the top
/// bracket (until then last school year's quotient runs on, while families renew),
/// and from when a quotient looked up at the CAF or MSA applies. Prices of the
/// planning, offers and invoices follow at once. Needs the `ETag` of `GET /city` in
/// `If-Match`. Admins only.
#[utoipa::path(
    tag = "city",
    operation_id = "updateQuotientRules",
    security(("bearerAuth" = [])),
    params(("If-Match" = Option<String>, Header, description = "The `ETag` of `GET /city`; without it, 428.")),
    request_body = QuotientRulesInput,
    responses(
        (status = 200, description = "Updated.", body = City,
            headers(("ETag" = String, description = "The new version."))),
        (status = 400, description = "A field breaks its rules (`validation_failed`: a day that is not `MM-DD` is `month_day_invalid`)."),
        (status = 403, description = "Admins only (`forbidden`)."),
        (status = 412, description = "Changed since it was read (`precondition_failed`)."),
        (status = 428, description = "`If-Match` missing (`precondition_required`)."),
    ),
)]
#[put("/admin/city/quotient-rules")]
pub async fn update_quotient_rules(
    state: web::Data<AppState>,
    _admin: Admin,
    req: HttpRequest,
    body: Json<QuotientRulesInput>,
) -> Result<HttpResponse, ApiError> {
    let form = body.into_inner();
    // What the body says is judged first, whatever the version.
    let top_bracket_from = match form.top_bracket_from.as_deref() {
        None => None,
        Some(text) => Some(MonthDay::parse(text).ok_or_else(|| {
            ApiError::validation(vec![FieldError::new(
                "topBracketFrom",
                "month_day_invalid",
                "Indiquez un jour de l'année au format MM-JJ (par exemple 10-01).",
                "Give a day of the year as MM-DD (for example 10-01).",
            )])
        })?),
    };
    let rules =
        usecases::city::QuotientRules::new(top_bracket_from, form.lookup_applies_from.into());
    let (_, version) = if_match(&req, 1)?;
    let now = state.clock.now();
    let settings = db::run(&state.pool, move |conn| {
        usecases::city::update_quotient_rules(conn, version, &rules, now)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(settings.version))
        .json(City::new(settings, state.api_particulier.is_some())))
}

//! Looking the family quotient up at the CAF or MSA (API Particulier), with the
//! family's consent: by the family itself, or by an agent at the desk.

use actix_web::{HttpResponse, post, web};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::adapters::api_particulier::Identity;
use crate::auth::{Family, Staff};
use crate::openapi::enums::api_enum;
use crate::problem::{ApiError, FieldError, validate};
use crate::routes::Json;
use crate::routes::dossiers::views::QuotientView;
use crate::state::AppState;
use crate::usecases::dossiers::Actor;
use crate::usecases::dossiers::quotient_lookups::{self, LookedUp};

/// The INSEE code of France as a birth country.
const FRANCE: &str = "99100";

api_enum! {
    /// Sex as the civil-status record gives it (sexe d'état civil).
    pub enum CivilSex {
        /// Féminin.
        F = "F",
        /// Masculin.
        M = "M",
    }
}

/// The consent and the identity of the guardian the CAF or MSA pays (l'allocataire),
/// as on their civil-status record. The identity is sent to the service and not kept.
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"consent": true, "birthName": "BERNARD", "firstNames": ["ELODIE"], "sex": "F", "birthDate": "1990-03-18", "birthCountryCode": "99100", "birthCommuneCode": "08480"}))]
pub struct QuotientLookupInput {
    /// The family agrees that the city looks its quotient up at the CAF or MSA; must be
    /// `true`. Its time is recorded.
    pub consent: bool,
    /// The birth name (nom de naissance).
    #[validate(length(min = 1, max = 60))]
    #[schema(min_length = 1, max_length = 60, example = "BERNARD")]
    pub birth_name: String,
    /// The first names, in civil-status order (the first at least), each of 1 to 60
    /// characters.
    #[validate(length(min = 1, max = 5))]
    #[schema(min_items = 1, max_items = 5)]
    pub first_names: Vec<String>,
    /// Sex as on the civil-status record.
    pub sex: CivilSex,
    /// The date of birth.
    pub birth_date: NaiveDate,
    /// The birth country's INSEE code (`99100` for France).
    #[schema(pattern = r"^99[0-9]{3}$", example = "99100")]
    pub birth_country_code: String,
    /// The birth commune's INSEE code (COG), required for people born in France and
    /// null otherwise.
    #[schema(pattern = r"^[0-9][0-9AB][0-9]{3}$", example = "08480")]
    pub birth_commune_code: Option<String>,
}

impl QuotientLookupInput {
    fn into_identity(self, today: NaiveDate) -> Result<Identity, ApiError> {
        validate(&self)?;
        let mut errors = Vec::new();
        if !self.consent {
            errors.push(FieldError::new(
                "consent",
                "consent_missing",
                "La consultation du quotient auprès de la CAF ou de la MSA demande votre accord.",
                "Looking the quotient up at the CAF or MSA needs your consent.",
            ));
        }
        let blank = |name: &str| name.trim().is_empty() || name.chars().count() > 60;
        if blank(&self.birth_name) {
            errors.push(FieldError::new(
                "birthName",
                "name_invalid",
                "Le nom de naissance compte de 1 à 60 caractères.",
                "The birth name holds 1 to 60 characters.",
            ));
        }
        if self.first_names.iter().any(|n| blank(n)) {
            errors.push(FieldError::new(
                "firstNames",
                "name_invalid",
                "Chaque prénom compte de 1 à 60 caractères.",
                "Each first name holds 1 to 60 characters.",
            ));
        }
        if self.birth_date > today || self.birth_date.year() < 1900 {
            errors.push(FieldError::new(
                "birthDate",
                "birth_date_invalid",
                "La date de naissance doit être passée et postérieure à 1900.",
                "The date of birth must be past and after 1900.",
            ));
        }
        let country = &self.birth_country_code;
        if !(country.len() == 5 && country.starts_with("99") && is_digits(country)) {
            errors.push(FieldError::new(
                "birthCountryCode",
                "country_code_invalid",
                "Le code INSEE du pays de naissance compte 5 chiffres et commence par 99 (99100 : France).",
                "The birth country's INSEE code is 5 digits starting with 99 (99100: France).",
            ));
        }
        let commune_ok = match (&self.birth_commune_code, country == FRANCE) {
            (Some(code), true) => is_commune_code(code),
            (None, false) => true,
            _ => false,
        };
        if !commune_ok {
            errors.push(FieldError::new(
                "birthCommuneCode",
                "commune_code_invalid",
                "Le code INSEE de la commune de naissance (5 caractères, 2A ou 2B pour la Corse) est requis pour une naissance en France, et seulement alors.",
                "The birth commune's INSEE code (5 characters, 2A or 2B for Corsica) is required for a birth in France, and only then.",
            ));
        }
        if !errors.is_empty() {
            return Err(ApiError::validation(errors));
        }
        Ok(Identity {
            birth_name: self.birth_name.trim().to_owned(),
            first_names: self
                .first_names
                .iter()
                .map(|n| n.trim().to_owned())
                .collect(),
            sex: match self.sex {
                CivilSex::F => "F",
                CivilSex::M => "M",
            },
            birth_date: self.birth_date,
            birth_country: self.birth_country_code,
            birth_commune: self.birth_commune_code,
        })
    }
}

fn is_digits(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_digit())
}

/// `08480`, `2A004`: five characters, the second a digit or Corsica's A or B.
fn is_commune_code(code: &str) -> bool {
    let bytes = code.as_bytes();
    bytes.len() == 5
        && bytes[0].is_ascii_digit()
        && (bytes[1].is_ascii_digit() || matches!(bytes[1], b'A' | b'B'))
        && is_digits(&code[2..])
}

/// A lookup that found the quotient, and the quotient it recorded.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QuotientLookupView {
    /// The lookup's id.
    pub id: i64,
    /// When the family consented (the lookup's time; RFC 3339, UTC).
    pub consented_at: DateTime<Utc>,
    /// The quotient recorded: from the day the city's rule says
    /// (`quotientRules.lookupAppliesFrom` of `GET /city`) to the end of that school
    /// year.
    pub family_quotient: QuotientView,
}

impl From<&LookedUp> for QuotientLookupView {
    fn from(found: &LookedUp) -> Self {
        Self {
            id: found.lookup_id,
            consented_at: found.consented_at,
            family_quotient: QuotientView::from(&found.quotient),
        }
    }
}

/// Looks the family's quotient up at the CAF or MSA.
///
/// For the family, with its consent: the city asks API Particulier for the quotient of
/// the guardian the CAF or MSA pays, and records it (source `api_particulier`, with its
/// provider and month), so no certificate is needed. The first names given must hold a
/// guardian's (nobody else's identity is sent), and the person the service names must
/// be one of the dossier's guardians (last name as birth or usage name, first name
/// among theirs; case and accents aside). Every lookup sent is kept with the time of
/// the consent; the identity sent is not. When nothing is found, nothing is recorded
/// and the family can still send a proof of income through a request. Past five
/// lookups in 15 minutes, the dossier waits before the next.
#[utoipa::path(
    tag = "dossier",
    operation_id = "lookUpMyFamilyQuotient",
    security(("bearerAuth" = [])),
    request_body = QuotientLookupInput,
    responses(
        (status = 201, description = "Found and recorded.", body = QuotientLookupView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 400, description = "Invalid identity, or no consent (`validation_failed`: `consent_missing`, `commune_code_invalid`...)."),
        (status = 422, description = "The city does not look quotients up (`quotient_lookup_not_offered`), no file matches (`quotient_not_found`), several do (`quotient_several_found`), or the file found is not that of one of the dossier's guardians (`quotient_not_a_guardian`)."),
        (status = 429, description = "Too many lookups for the dossier (`too_many_attempts`): wait for `Retry-After` seconds."),
        (status = 503, description = "The lookup service does not answer (`quotient_service_unavailable`): nothing recorded; try again later."),
    ),
)]
#[post("/dossier/quotient-lookups")]
pub async fn look_up_my_family_quotient(
    state: web::Data<AppState>,
    family: Family,
    body: Json<QuotientLookupInput>,
) -> Result<HttpResponse, ApiError> {
    let who = body.into_inner().into_identity(state.today())?;
    let actor = Actor {
        account_id: family.0.account_id,
        is_staff: false,
    };
    let found = quotient_lookups::look_up(&state, actor, family.dossier_id()?, who).await?;
    Ok(HttpResponse::Created().json(QuotientLookupView::from(&found)))
}

/// Looks a dossier's quotient up at the CAF or MSA.
///
/// For agents and admins, at the desk, once the family has consented: the same lookup
/// as the family's own, recorded with the agent's account.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "lookUpFamilyQuotient",
    security(("bearerAuth" = [])),
    params(("dossierId" = i64, Path, minimum = 1, description = "The dossier's id.")),
    request_body = QuotientLookupInput,
    responses(
        (status = 201, description = "Found and recorded.", body = QuotientLookupView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such dossier (`not_found`)."),
        (status = 400, description = "Invalid identity, or no consent (`validation_failed`: `consent_missing`, `commune_code_invalid`...)."),
        (status = 422, description = "The city does not look quotients up (`quotient_lookup_not_offered`), no file matches (`quotient_not_found`), several do (`quotient_several_found`), or the file found is not that of one of the dossier's guardians (`quotient_not_a_guardian`)."),
        (status = 503, description = "The lookup service does not answer (`quotient_service_unavailable`): nothing recorded; try again later."),
    ),
)]
#[post("/admin/dossiers/{dossierId}/quotient-lookups")]
pub async fn look_up_family_quotient(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    body: Json<QuotientLookupInput>,
) -> Result<HttpResponse, ApiError> {
    let who = body.into_inner().into_identity(state.today())?;
    let actor = Actor {
        account_id: staff.0.account_id,
        is_staff: true,
    };
    let found = quotient_lookups::look_up(&state, actor, id.into_inner(), who).await?;
    Ok(HttpResponse::Created().json(QuotientLookupView::from(&found)))
}

//! The yearly renewal of family files ("renouvellement annuel"): agents open a
//! campaign for a school year; families confirm their file section by section and send
//! it; agents validate it or send it back with a comment.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::dossiers::{RenewalDecision, RenewalSection, RenewalStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::auth::{Family, Staff};
use crate::db;
use crate::openapi::enums::{api_enum, mirror_enum};
use crate::problem::{ApiError, FieldError, validate};
use crate::routes::Json;
use crate::routes::pagination::{Page, PageQuery, offset};
use crate::state::AppState;
use crate::usecases::dossiers::renewals::{
    self, Campaign, CampaignFields, Decision, RenewalOfDossier, RenewalRecord, section_label,
};
use crate::usecases::utc;

mirror_enum! {
    /// A part of the family file a campaign asks families to confirm.
    RenewalSectionView => RenewalSection {
        /// The dossier's email, phones and postal address.
        ContactDetails = "contact_details",
        /// The guardians, each with a way to reach them.
        Guardians = "guardians",
        /// The people authorised to collect the children and to call in an emergency
        /// (one at least).
        Contacts = "contacts",
        /// Each child's health information: vaccinations, family doctor.
        Health = "health",
        /// Each child's school and level for the school year.
        Schools = "schools",
        /// A family quotient for the school year (may be confirmed without one: the
        /// top bracket then applies).
        Quotient = "quotient",
        /// The documents the city requires, valid on the school year's first day.
        Documents = "documents",
    }
}

mirror_enum! {
    /// Where a family's renewal stands.
    RenewalStatusView => RenewalStatus {
        /// Being confirmed, section by section.
        Draft = "draft",
        /// Sent to the city, waiting for an agent.
        Submitted = "submitted",
        /// Sent back by an agent (`comment`): to complete and send again.
        Returned = "returned",
        /// Validated: registrations for the school year are open to the family.
        Validated = "validated",
    }
}

/// A renewal campaign.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RenewalCampaignView {
    /// The campaign's id.
    pub id: i64,
    /// The school year it renews files for: its first calendar year (2027 for
    /// 2027-2028).
    #[schema(example = 2027)]
    pub school_year: i32,
    /// Its first day.
    pub opens_on: NaiveDate,
    /// Its last day.
    pub closes_on: NaiveDate,
    /// What families confirm, in order.
    pub sections: Vec<RenewalSectionView>,
    /// What the city tells families about it, in French.
    #[schema(example = "Renouvelez votre dossier avant les inscriptions de la rentrée.")]
    pub message: String,
}

impl From<&Campaign> for RenewalCampaignView {
    fn from(c: &Campaign) -> Self {
        Self {
            id: c.id,
            school_year: c.school_year,
            opens_on: c.opens_on,
            closes_on: c.closes_on,
            sections: c.sections.iter().map(|s| (*s).into()).collect(),
            message: c.message.clone(),
        }
    }
}

/// Something the file lacks for a section.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RenewalLackView {
    /// A stable code (`email`, `vaccinations`, `school`, or the kind of a document
    /// required...).
    #[schema(example = "vaccinations")]
    pub code: String,
    /// What to do, in French.
    #[schema(example = "Eliot : vaccinations à renseigner (DTP).")]
    pub message: String,
}

/// One section of a renewal.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RenewalSectionStateView {
    /// The section.
    pub section: RenewalSectionView,
    /// Its name, in French.
    #[schema(example = "Santé des enfants")]
    pub label: String,
    /// Whether the family confirmed it.
    pub confirmed: bool,
    /// What the file lacks for it; it can be confirmed once this is empty (the quotient
    /// at any time).
    pub missing: Vec<RenewalLackView>,
}

/// A family's renewal in a campaign.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RenewalView {
    /// The campaign.
    pub campaign: RenewalCampaignView,
    /// The dossier renewed.
    pub dossier_id: i64,
    /// Where it stands (`draft` before the first confirmation).
    pub status: RenewalStatusView,
    /// The agent's comment when sent back or validated.
    #[schema(example = "Merci de joindre l'attestation d'assurance de Luc.")]
    pub comment: Option<String>,
    /// When the family sent it (RFC 3339, UTC).
    pub submitted_at: Option<DateTime<Utc>>,
    /// When an agent last decided on it (RFC 3339, UTC).
    pub decided_at: Option<DateTime<Utc>>,
    /// Each section the campaign asks, in order.
    pub sections: Vec<RenewalSectionStateView>,
}

impl From<&RenewalRecord> for RenewalView {
    fn from(r: &RenewalRecord) -> Self {
        Self {
            campaign: RenewalCampaignView::from(&r.campaign),
            dossier_id: r.dossier_id,
            status: r.status().into(),
            comment: r.renewal.as_ref().and_then(|x| x.comment.clone()),
            submitted_at: r.renewal.as_ref().and_then(|x| x.submitted_at.map(utc)),
            decided_at: r.renewal.as_ref().and_then(|x| x.decided_at.map(utc)),
            sections: r
                .sections
                .iter()
                .map(|s| RenewalSectionStateView {
                    section: s.section.into(),
                    label: section_label(s.section).to_owned(),
                    confirmed: s.confirmed,
                    missing: s
                        .lacks
                        .iter()
                        .map(|l| RenewalLackView {
                            code: l.code.clone(),
                            message: l.message.fr.clone(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// The family's renewal in the campaign open today.
///
/// What each section the campaign asks lacks for the school year, whether the family
/// confirmed it, and where the renewal stands. The confirmations are kept on the
/// server: a family can stop and come back.
#[utoipa::path(
    tag = "dossier",
    operation_id = "getMyRenewal",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The renewal.", body = RenewalView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No campaign is open (`not_found`)."),
    ),
)]
#[get("/renewal")]
pub async fn get_my_renewal(
    state: web::Data<AppState>,
    family: Family,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let (today, vaccines) = (state.today(), state.config.required_vaccinations.clone());
    let record = db::run(&state.pool, move |conn| {
        renewals::current(conn, dossier_id, today, &vaccines)
    })
    .await?;
    Ok(HttpResponse::Ok().json(RenewalView::from(&record)))
}

/// A family's confirmation of one section.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"confirmed": true}))]
pub struct SectionConfirmation {
    /// `true` to confirm the section as it stands, `false` to take the confirmation
    /// back (to change something first).
    pub confirmed: bool,
}

/// Confirms one section of the family's renewal (or takes it back).
///
/// The family confirms that this part of its file is right for the school year. A
/// section that lacks something (see `missing`) cannot be confirmed, the quotient
/// aside. Not once the renewal is sent.
#[utoipa::path(
    tag = "dossier",
    operation_id = "confirmMyRenewalSection",
    security(("bearerAuth" = [])),
    params(("section" = RenewalSectionView, Path, description = "The section.")),
    request_body = SectionConfirmation,
    responses(
        (status = 200, description = "The renewal, the section confirmed.", body = RenewalView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No campaign is open, or it does not ask this section (`not_found`)."),
        (status = 409, description = "The renewal was sent or validated (`renewal_locked`)."),
        (status = 422, description = "The section lacks information (`renewal_section_incomplete`: `errors` says what)."),
    ),
)]
#[put("/renewal/sections/{section}")]
pub async fn confirm_my_renewal_section(
    state: web::Data<AppState>,
    family: Family,
    section: web::Path<RenewalSectionView>,
    body: Json<SectionConfirmation>,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let section = RenewalSection::from(section.into_inner());
    let confirmed = body.confirmed;
    let (instants, vaccines) = (
        (state.today(), state.clock.now()),
        state.config.required_vaccinations.clone(),
    );
    let record = db::run(&state.pool, move |conn| {
        renewals::confirm(conn, dossier_id, section, confirmed, instants, &vaccines)
    })
    .await?;
    Ok(HttpResponse::Ok().json(RenewalView::from(&record)))
}

/// Sends the family's renewal to the city.
///
/// Every section must be confirmed. Agents then validate it (registrations for the
/// school year open to the family) or send it back with a comment; the family is
/// notified either way (`renewal_decided`).
#[utoipa::path(
    tag = "dossier",
    operation_id = "submitMyRenewal",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Sent.", body = RenewalView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No campaign is open (`not_found`)."),
        (status = 409, description = "Sent already, or validated (`renewal_locked`)."),
        (status = 422, description = "Sections not confirmed (`renewal_incomplete`: `errors` names each)."),
    ),
)]
#[post("/renewal/submission")]
pub async fn submit_my_renewal(
    state: web::Data<AppState>,
    family: Family,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let (instants, vaccines) = (
        (state.today(), state.clock.now()),
        state.config.required_vaccinations.clone(),
    );
    let record = db::run(&state.pool, move |conn| {
        renewals::submit(conn, dossier_id, instants, &vaccines)
    })
    .await?;
    Ok(HttpResponse::Ok().json(RenewalView::from(&record)))
}

/// A campaign as an agent opens or changes it.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"schoolYear": 2027, "opensOn": "2027-04-01", "closesOn": "2027-06-30", "sections": ["contact_details", "guardians", "contacts", "health", "schools", "quotient", "documents"], "message": "Renouvelez votre dossier avant les inscriptions de la rentrée."}))]
pub struct RenewalCampaignInput {
    /// The school year's first calendar year (2027 for 2027-2028); a campaign keeps
    /// its year.
    #[validate(range(min = 2000, max = 2100))]
    #[schema(minimum = 2000, maximum = 2100)]
    pub school_year: i32,
    /// Its first day.
    pub opens_on: NaiveDate,
    /// Its last day, not before the first.
    pub closes_on: NaiveDate,
    /// What families confirm, in order, each once.
    #[validate(length(min = 1, max = 7))]
    #[schema(min_items = 1, max_items = 7)]
    pub sections: Vec<RenewalSectionView>,
    /// What the city tells families about it, in French (1000 characters at most).
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    #[serde(default)]
    pub message: String,
}

impl RenewalCampaignInput {
    fn into_fields(self) -> Result<(i32, CampaignFields), ApiError> {
        validate(&self)?;
        let mut errors = Vec::new();
        if self.closes_on < self.opens_on {
            errors.push(FieldError::new(
                "closesOn",
                "before_opening",
                "La campagne ne peut pas fermer avant d'ouvrir.",
                "The campaign cannot close before it opens.",
            ));
        }
        let sections: Vec<RenewalSection> = self
            .sections
            .into_iter()
            .map(RenewalSection::from)
            .collect();
        if (1..sections.len()).any(|i| sections[..i].contains(&sections[i])) {
            errors.push(FieldError::new(
                "sections",
                "duplicate",
                "Chaque partie n'est demandée qu'une fois.",
                "Each section is asked once.",
            ));
        }
        if !errors.is_empty() {
            return Err(ApiError::validation(errors));
        }
        Ok((
            self.school_year,
            CampaignFields {
                opens_on: self.opens_on,
                closes_on: self.closes_on,
                sections,
                message: self.message.trim().to_owned(),
            },
        ))
    }
}

/// Opens a renewal campaign for a school year.
///
/// Agents and admins; one campaign per school year. Once it exists, registrations
/// for that school year need the family's renewal validated (`renewal_required`).
/// Families are notified when it opens and, if they have not sent their renewal,
/// 7 days before it closes.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "createRenewalCampaign",
    security(("bearerAuth" = [])),
    request_body = RenewalCampaignInput,
    responses(
        (status = 201, description = "Opened.", body = RenewalCampaignView,
            headers(("Location" = String, description = "The campaign's address."))),
        (status = 400, description = "Invalid fields (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 409, description = "The school year has a campaign already (`renewal_campaign_exists`)."),
    ),
)]
#[post("/admin/renewal-campaigns")]
pub async fn create_renewal_campaign(
    state: web::Data<AppState>,
    staff: Staff,
    body: Json<RenewalCampaignInput>,
) -> Result<HttpResponse, ApiError> {
    let (year, fields) = body.into_inner().into_fields()?;
    let (agent, now) = (staff.0.account_id, state.clock.now());
    let campaign = db::run(&state.pool, move |conn| {
        renewals::create_campaign(conn, year, &fields, agent, now)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/admin/renewal-campaigns/{}", campaign.id),
        ))
        .json(RenewalCampaignView::from(&campaign)))
}

/// Changes a campaign's dates, sections or message.
///
/// Agents and admins. Its school year does not change.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "updateRenewalCampaign",
    security(("bearerAuth" = [])),
    params(("campaignId" = i64, Path, minimum = 1, description = "The campaign's id.")),
    request_body = RenewalCampaignInput,
    responses(
        (status = 200, description = "Changed.", body = RenewalCampaignView),
        (status = 400, description = "Invalid fields, or another school year (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such campaign (`not_found`)."),
    ),
)]
#[put("/admin/renewal-campaigns/{campaignId}")]
pub async fn update_renewal_campaign(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
    body: Json<RenewalCampaignInput>,
) -> Result<HttpResponse, ApiError> {
    let (year, fields) = body.into_inner().into_fields()?;
    let (id, now) = (id.into_inner(), state.clock.now());
    let campaign = db::run(&state.pool, move |conn| {
        renewals::update_campaign(conn, id, year, &fields, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(RenewalCampaignView::from(&campaign)))
}

/// Every renewal campaign, the latest school year first.
///
/// Agents and admins: the campaigns past, open and to come.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "listRenewalCampaigns",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The campaigns.", body = Vec<RenewalCampaignView>),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
    ),
)]
#[get("/admin/renewal-campaigns")]
pub async fn list_renewal_campaigns(
    state: web::Data<AppState>,
    _staff: Staff,
) -> Result<HttpResponse, ApiError> {
    let all = db::run(&state.pool, renewals::campaigns).await?;
    Ok(HttpResponse::Ok().json(
        all.iter()
            .map(RenewalCampaignView::from)
            .collect::<Vec<_>>(),
    ))
}

/// How many renewals stand in each status.
#[derive(Debug, Default, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RenewalCounts {
    /// Started, not sent.
    pub draft: i64,
    /// Sent, waiting for an agent.
    pub submitted: i64,
    /// Sent back to the family.
    pub returned: i64,
    /// Validated.
    pub validated: i64,
}

/// A campaign and where its renewals stand.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RenewalCampaignProgressView {
    /// The campaign.
    pub campaign: RenewalCampaignView,
    /// Its renewals by status (dossiers that never started count nowhere).
    pub counts: RenewalCounts,
}

/// A renewal campaign and its progress.
///
/// Agents and admins: the campaign, and how many renewals are being confirmed, sent,
/// sent back and validated.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "getRenewalCampaign",
    security(("bearerAuth" = [])),
    params(("campaignId" = i64, Path, minimum = 1, description = "The campaign's id.")),
    responses(
        (status = 200, description = "The campaign.", body = RenewalCampaignProgressView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such campaign (`not_found`)."),
    ),
)]
#[get("/admin/renewal-campaigns/{campaignId}")]
pub async fn get_renewal_campaign(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (campaign, by_status) =
        db::run(&state.pool, move |conn| renewals::campaign(conn, id)).await?;
    let mut counts = RenewalCounts::default();
    for (status, n) in by_status {
        match status.parse::<RenewalStatus>() {
            Ok(RenewalStatus::Draft) => counts.draft = n,
            Ok(RenewalStatus::Submitted) => counts.submitted = n,
            Ok(RenewalStatus::Returned) => counts.returned = n,
            Ok(RenewalStatus::Validated) => counts.validated = n,
            Err(_) => tracing::warn!(status, "unknown renewal status counted"),
        }
    }
    Ok(HttpResponse::Ok().json(RenewalCampaignProgressView {
        campaign: RenewalCampaignView::from(&campaign),
        counts,
    }))
}

/// A renewal in an agent's list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RenewalSummaryView {
    /// The dossier.
    pub dossier_id: i64,
    /// Its number.
    #[schema(example = "18")]
    pub dossier_number: String,
    /// Its name.
    #[schema(example = "T I")]
    pub dossier_name: String,
    /// Where the renewal stands.
    pub status: RenewalStatusView,
    /// The sections confirmed.
    pub confirmed: Vec<RenewalSectionView>,
    /// When the family sent it (RFC 3339, UTC).
    pub submitted_at: Option<DateTime<Utc>>,
    /// Its last change (RFC 3339, UTC).
    pub updated_at: DateTime<Utc>,
}

impl From<&RenewalOfDossier> for RenewalSummaryView {
    fn from((r, number, name): &RenewalOfDossier) -> Self {
        Self {
            dossier_id: r.dossier_id,
            dossier_number: number.clone(),
            dossier_name: name.clone(),
            status: r.status.into(),
            confirmed: r.confirmed.iter().map(|s| (*s).into()).collect(),
            submitted_at: r.submitted_at.map(utc),
            updated_at: utc(r.updated_at),
        }
    }
}

/// Which renewals to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RenewalQueue {
    /// Only those with this status (`submitted` for the queue to work).
    pub status: Option<RenewalStatusView>,
}

/// The campaign's renewals, the latest change first.
///
/// Agents and admins: the renewals started, with `status=submitted` the ones to
/// decide on.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "listRenewals",
    security(("bearerAuth" = [])),
    params(("campaignId" = i64, Path, minimum = 1, description = "The campaign's id."), PageQuery, RenewalQueue),
    responses(
        (status = 200, description = "A page of renewals.", body = Page<RenewalSummaryView>),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such campaign (`not_found`)."),
    ),
)]
#[get("/admin/renewal-campaigns/{campaignId}/renewals")]
pub async fn list_renewals(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
    page: web::Query<PageQuery>,
    queue: web::Query<RenewalQueue>,
) -> Result<HttpResponse, ApiError> {
    let (page, page_size) = page.into_inner().resolve()?;
    let (id, status) = (id.into_inner(), queue.status.map(RenewalStatus::from));
    let (rows, total) = db::run(&state.pool, move |conn| {
        renewals::renewals_of(conn, id, status, offset(page, page_size), page_size)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page {
        items: rows.iter().map(RenewalSummaryView::from).collect(),
        page,
        page_size,
        total,
    }))
}

/// A dossier's renewal in a campaign.
///
/// Agents and admins: what the family sees, section by section.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "getRenewal",
    security(("bearerAuth" = [])),
    params(
        ("campaignId" = i64, Path, minimum = 1, description = "The campaign's id."),
        ("dossierId" = i64, Path, minimum = 1, description = "The dossier's id."),
    ),
    responses(
        (status = 200, description = "The renewal.", body = RenewalView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such campaign or dossier (`not_found`)."),
    ),
)]
#[get("/admin/renewal-campaigns/{campaignId}/renewals/{dossierId}")]
pub async fn get_renewal(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (campaign_id, dossier_id) = path.into_inner();
    let vaccines = state.config.required_vaccinations.clone();
    let record = db::run(&state.pool, move |conn| {
        renewals::of_dossier(conn, campaign_id, dossier_id, &vaccines)
    })
    .await?;
    Ok(HttpResponse::Ok().json(RenewalView::from(&record)))
}

api_enum! {
    /// An agent's decision on a renewal.
    pub enum RenewalDecisionView {
        /// The file is right for the school year (also for a family that did not do it
        /// online: an agent's override).
        Validate = "validate",
        /// Something must change: `comment` says what, `reopen` which sections to
        /// confirm again.
        Return = "return",
    }
}

/// An agent's decision on a renewal.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"decision": "return", "comment": "Merci de joindre l'attestation d'assurance de Luc.", "reopen": ["documents"]}))]
pub struct RenewalDecisionInput {
    /// Validate, or send back.
    pub decision: RenewalDecisionView,
    /// Told to the family (required to send back; 1000 characters at most).
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub comment: Option<String>,
    /// When sending back, the sections the family must confirm again.
    #[validate(length(max = 7))]
    #[schema(max_items = 7)]
    #[serde(default)]
    pub reopen: Vec<RenewalSectionView>,
}

/// Validates a dossier's renewal, or sends it back.
///
/// Agents and admins. Validating works whatever the renewal's state (an override for
/// a family that renews at the desk) and opens registrations for the school year;
/// sending back needs the renewal sent and a comment. The family is notified.
#[utoipa::path(
    tag = "admin-dossiers",
    operation_id = "decideRenewal",
    security(("bearerAuth" = [])),
    params(
        ("campaignId" = i64, Path, minimum = 1, description = "The campaign's id."),
        ("dossierId" = i64, Path, minimum = 1, description = "The dossier's id."),
    ),
    request_body = RenewalDecisionInput,
    responses(
        (status = 200, description = "Decided.", body = RenewalView),
        (status = 400, description = "Sent back without a comment (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such campaign or dossier (`not_found`)."),
        (status = 409, description = "Validated already, or not sent (`renewal_already_decided`)."),
    ),
)]
#[post("/admin/renewal-campaigns/{campaignId}/renewals/{dossierId}/decision")]
pub async fn decide_renewal(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(i64, i64)>,
    body: Json<RenewalDecisionInput>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let body = body.into_inner();
    let comment = body
        .comment
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    let decision = match body.decision {
        RenewalDecisionView::Validate => RenewalDecision::Validate,
        RenewalDecisionView::Return => RenewalDecision::Return,
    };
    if decision == RenewalDecision::Return && comment.is_none() {
        return Err(ApiError::validation(vec![FieldError::new(
            "comment",
            "required",
            "Dites à la famille ce qu'il faut compléter.",
            "Tell the family what to complete.",
        )]));
    }
    let decision = Decision {
        decision,
        comment,
        reopen: body.reopen.into_iter().map(RenewalSection::from).collect(),
        agent_id: staff.0.account_id,
    };
    let (campaign_id, dossier_id) = path.into_inner();
    let (portal, now) = (state.config.frontend_url.clone(), state.clock.now());
    let vaccines = state.config.required_vaccinations.clone();
    let record = db::run(&state.pool, move |conn| {
        renewals::decide(
            conn,
            &portal,
            campaign_id,
            dossier_id,
            &decision,
            now,
            &vaccines,
        )
    })
    .await?;
    Ok(HttpResponse::Ok().json(RenewalView::from(&record)))
}

//! SEPA direct debit mandates: the family signs, reads and revokes its own; agents
//! record paper mandates, follow, suspend and revoke them, and read a full account
//! when they need it; admins set the city's creditor account.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, put, web};
use chrono::NaiveDate;
use domain::billing::sepa::MandateStatus;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::direct_debit_views::{
    BankAccountView, DirectDebitSettingsView, MandateStatusView, MandateView, PainVersionView,
};
use crate::auth::{Admin, Family, Staff};
use crate::db;
use crate::problem::{ApiError, validate};
use crate::routes::Json;
use crate::routes::pagination::{Page, PageQuery, offset};
use crate::state::AppState;
use crate::usecases::billing::direct_debit::mandates::{self, Ending, MandateInput, Signer};
use crate::usecases::billing::direct_debit::settings::{self, SettingsInput};

/// The creditor account as an admin sets it.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"creditorId": "FR72ZZZ123456", "creditorName": "Ville de Villejuif - Régie Enfance", "iban": "FR8910071940000000100000123", "bic": "TRPUFRP1", "painVersion": "pain.008.001.02"}))]
pub struct DirectDebitSettingsInput {
    /// The SEPA creditor identifier (ICS) the Banque de France gave the city; its check
    /// digits are checked.
    #[validate(length(min = 1, max = 35))]
    #[schema(min_length = 1, max_length = 35)]
    pub creditor_id: String,
    /// The creditor's name, as families' bank statements show it (70 characters at
    /// most).
    #[validate(length(min = 1, max = 70))]
    #[schema(min_length = 1, max_length = 70)]
    pub creditor_name: String,
    /// The account the debits are paid into (the treasury's account of the city's
    /// régie).
    #[validate(length(min = 1, max = 42))]
    #[schema(min_length = 1, max_length = 42)]
    pub iban: String,
    /// Its bank's BIC (the collection file names the creditor's bank).
    #[validate(length(min = 8, max = 11))]
    #[schema(min_length = 8, max_length = 11)]
    pub bic: String,
    /// The file version the city's bank takes (`pain.008.001.02` unless it asks for
    /// `.08`).
    pub pain_version: PainVersionView,
}

/// The city's creditor account for direct debit.
///
/// Agents and admins. Until an admin sets it, families cannot sign mandates
/// (`direct_debit_unavailable`).
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "getDirectDebitSettings",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The creditor account.", body = DirectDebitSettingsView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "Not set yet (`not_found`)."),
    ),
)]
#[get("/admin/direct-debit-settings")]
pub async fn get_direct_debit_settings(
    state: web::Data<AppState>,
    _staff: Staff,
) -> Result<HttpResponse, ApiError> {
    let settings = db::run(&state.pool, settings::get).await?;
    Ok(HttpResponse::Ok().json(DirectDebitSettingsView::from(&settings)))
}

/// Sets the city's creditor account for direct debit.
///
/// Admins only. The creditor identifier's and the IBAN's check digits are checked.
/// The identifier cannot change while active mandates carry another one
/// (`creditor_id_in_use`): each would need an amendment.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "setDirectDebitSettings",
    security(("bearerAuth" = [])),
    request_body = DirectDebitSettingsInput,
    responses(
        (status = 200, description = "Set.", body = DirectDebitSettingsView),
        (status = 400, description = "A wrong identifier, IBAN or BIC (`validation_failed`)."),
        (status = 403, description = "Admins only (`forbidden`)."),
    ),
)]
#[put("/admin/direct-debit-settings")]
pub async fn set_direct_debit_settings(
    state: web::Data<AppState>,
    _admin: Admin,
    body: Json<DirectDebitSettingsInput>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let body = body.into_inner();
    let input = SettingsInput {
        creditor_id: body.creditor_id,
        creditor_name: body.creditor_name,
        iban: body.iban,
        bic: body.bic,
        pain_version: body.pain_version.into(),
    };
    let now = state.clock.now();
    let settings = db::run(&state.pool, move |conn| settings::set(conn, &input, now)).await?;
    Ok(HttpResponse::Ok().json(DirectDebitSettingsView::from(&settings)))
}

/// Who collects the debits, as a family's mandate form names it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreditorView {
    /// The SEPA creditor identifier (ICS).
    #[schema(example = "FR72ZZZ123456")]
    pub creditor_id: String,
    /// The creditor's name.
    #[schema(example = "Ville de Villejuif - Régie Enfance")]
    pub creditor_name: String,
}

/// Whether the city offers direct debit, and its creditor.
///
/// Public: a client shows "Adhérer au prélèvement automatique" when this answers
/// 200, with the creditor the mandate form names.
#[utoipa::path(
    tag = "billing",
    operation_id = "getDirectDebitCreditor",
    security(()),
    responses(
        (status = 200, description = "Direct debit is offered.", body = CreditorView),
        (status = 404, description = "Direct debit is not offered (`not_found`)."),
    ),
)]
#[get("/direct-debit/creditor")]
pub async fn get_direct_debit_creditor(
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let settings = db::run(&state.pool, settings::get).await?;
    Ok(HttpResponse::Ok().json(CreditorView {
        creditor_id: settings.creditor_id,
        creditor_name: settings.creditor_name,
    }))
}

/// A mandate as the family signs it online.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"holderName": "Camille T I", "iban": "FR76 3000 6000 0112 3456 7890 189", "signedAtPlace": "Villejuif", "consent": true}))]
pub struct MandateSignature {
    /// The account holder, as the bank knows them (70 characters at most).
    #[validate(length(min = 1, max = 70))]
    #[schema(min_length = 1, max_length = 70)]
    pub holder_name: String,
    /// The IBAN, spaces allowed; its check digits and its country's format are
    /// checked, and it must be in the SEPA area.
    #[validate(length(min = 1, max = 42))]
    #[schema(min_length = 1, max_length = 42)]
    pub iban: String,
    /// The bank's BIC: needed only for an account outside the European Economic Area.
    #[validate(length(max = 11))]
    #[schema(max_length = 11)]
    pub bic: Option<String>,
    /// Where the family signs (a town), as the rulebook asks with the date (today).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub signed_at_place: String,
    /// The family's consent to the mandate's text (must be `true`).
    pub consent: bool,
}

/// A paper mandate as an agent records it.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"holderName": "Camille T I", "iban": "FR7630006000011234567890189", "signedAtPlace": "Villejuif", "signedOn": "2026-12-01"}))]
pub struct PaperMandate {
    /// The account holder (70 characters at most).
    #[validate(length(min = 1, max = 70))]
    #[schema(min_length = 1, max_length = 70)]
    pub holder_name: String,
    /// The IBAN written on the form.
    #[validate(length(min = 1, max = 42))]
    #[schema(min_length = 1, max_length = 42)]
    pub iban: String,
    /// The bank's BIC, needed outside the European Economic Area.
    #[validate(length(max = 11))]
    #[schema(max_length = 11)]
    pub bic: Option<String>,
    /// Where it was signed.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub signed_at_place: String,
    /// The day it was signed, not in the future.
    pub signed_on: NaiveDate,
}

/// The family's mandates, newest first.
///
/// The active one (at most one) and those that ended: revoked, replaced, suspended
/// or lapsed. IBANs are masked.
#[utoipa::path(
    tag = "billing",
    operation_id = "listMyMandates",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The mandates.", body = [MandateView]),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[get("/direct-debit/mandates")]
pub async fn list_my_mandates(
    state: web::Data<AppState>,
    family: Family,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let rows = db::run(&state.pool, move |conn| {
        mandates::of_dossier(conn, dossier_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(rows.iter().map(MandateView::from).collect::<Vec<_>>()))
}

/// Signs a SEPA direct debit mandate ("adhérer au prélèvement automatique").
///
/// The family gives the account and consents to the mandate's text; the server
/// gives the mandate its reference (RUM) and files the signed form as a PDF among
/// the dossier's documents. A new mandate replaces the active one (a change of
/// account): the invoices already scheduled are debited from the new account. From
/// the next billing run, each invoice is debited on its due date; the family is told
/// the amount and date 14 days ahead at least.
#[utoipa::path(
    tag = "billing",
    operation_id = "signMyMandate",
    security(("bearerAuth" = [])),
    request_body = MandateSignature,
    responses(
        (status = 201, description = "Signed.", body = MandateView,
            headers(("Location" = String, description = "The mandate's address."))),
        (status = 400, description = "A wrong IBAN (check digits, format, outside SEPA) or BIC, or no consent (`validation_failed`, each field named)."),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 422, description = "The city does not offer direct debit (`direct_debit_unavailable`)."),
    ),
)]
#[post("/direct-debit/mandates")]
pub async fn sign_my_mandate(
    state: web::Data<AppState>,
    family: Family,
    body: Json<MandateSignature>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let dossier_id = family.dossier_id()?;
    let body = body.into_inner();
    let input = MandateInput {
        holder_name: body.holder_name,
        iban: body.iban,
        bic: body.bic,
        signed_at_place: body.signed_at_place,
        signed_on: None,
        consent: body.consent,
    };
    let signer = Signer::Family(family.0.account_id);
    let (files, instants) = (state.files.clone(), (state.today(), state.clock.now()));
    let mandate = db::run(&state.pool, move |conn| {
        mandates::sign(conn, &files, dossier_id, &input, signer, instants)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/direct-debit/mandates/{}", mandate.id),
        ))
        .json(MandateView::from(&mandate)))
}

/// One of the family's mandates.
///
/// Its reference, status and masked account; `documentId` is the signed form.
#[utoipa::path(
    tag = "billing",
    operation_id = "getMyMandate",
    security(("bearerAuth" = [])),
    params(("mandateId" = i64, Path, minimum = 1, description = "The mandate's id.")),
    responses(
        (status = 200, description = "The mandate.", body = MandateView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such mandate of the family (`not_found`)."),
    ),
)]
#[get("/direct-debit/mandates/{mandateId}")]
pub async fn get_my_mandate(
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (dossier_id, id) = (family.dossier_id()?, id.into_inner());
    let mandate = db::run(&state.pool, move |conn| {
        mandates::find(conn, id, Some(dossier_id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(MandateView::from(&mandate)))
}

/// Revokes one of the family's mandates.
///
/// From today: invoices scheduled and not yet sent to the bank are no longer
/// debited (pay them online or at the counter); those already sent are collected.
#[utoipa::path(
    tag = "billing",
    operation_id = "revokeMyMandate",
    security(("bearerAuth" = [])),
    params(("mandateId" = i64, Path, minimum = 1, description = "The mandate's id.")),
    responses(
        (status = 200, description = "Revoked.", body = MandateView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such mandate of the family (`not_found`)."),
        (status = 409, description = "It had ended already (`mandate_not_active`)."),
    ),
)]
#[post("/direct-debit/mandates/{mandateId}/revocation")]
pub async fn revoke_my_mandate(
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (dossier_id, id) = (family.dossier_id()?, id.into_inner());
    let ending = Ending::RevokedByFamily {
        dossier_id,
        account_id: family.0.account_id,
    };
    let instants = (state.today(), state.clock.now());
    let mandate = db::run(&state.pool, move |conn| {
        mandates::end_by(conn, id, ending, instants)
    })
    .await?;
    Ok(HttpResponse::Ok().json(MandateView::from(&mandate)))
}

/// A dossier's mandates, newest first.
///
/// Agents and admins. IBANs are masked (`GET /admin/mandates/{mandateId}/bank-account`
/// gives one in full).
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "listDossierMandates",
    security(("bearerAuth" = [])),
    params(("dossierId" = i64, Path, minimum = 1, description = "The dossier's id.")),
    responses(
        (status = 200, description = "The mandates.", body = [MandateView]),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such dossier (`not_found`)."),
    ),
)]
#[get("/admin/dossiers/{dossierId}/mandates")]
pub async fn list_dossier_mandates(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let rows = db::run(&state.pool, move |conn| mandates::of_dossier(conn, id)).await?;
    Ok(HttpResponse::Ok().json(rows.iter().map(MandateView::from).collect::<Vec<_>>()))
}

/// Records a paper mandate a family signed at the counter.
///
/// Agents and admins. As an online signature: the server gives its reference, files
/// the form as a PDF, and the mandate replaces the active one.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "recordPaperMandate",
    security(("bearerAuth" = [])),
    params(("dossierId" = i64, Path, minimum = 1, description = "The dossier's id.")),
    request_body = PaperMandate,
    responses(
        (status = 201, description = "Recorded.", body = MandateView,
            headers(("Location" = String, description = "The mandate's address."))),
        (status = 400, description = "A wrong IBAN or BIC, a date to come (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such dossier (`not_found`)."),
        (status = 422, description = "The city does not offer direct debit (`direct_debit_unavailable`)."),
    ),
)]
#[post("/admin/dossiers/{dossierId}/mandates")]
pub async fn record_paper_mandate(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    body: Json<PaperMandate>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let (dossier_id, body) = (id.into_inner(), body.into_inner());
    let input = MandateInput {
        holder_name: body.holder_name,
        iban: body.iban,
        bic: body.bic,
        signed_at_place: body.signed_at_place,
        signed_on: Some(body.signed_on),
        consent: false,
    };
    let signer = Signer::Agent(staff.0.account_id);
    let (files, instants) = (state.files.clone(), (state.today(), state.clock.now()));
    let mandate = db::run(&state.pool, move |conn| {
        mandates::sign(conn, &files, dossier_id, &input, signer, instants)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/admin/mandates/{}", mandate.id),
        ))
        .json(MandateView::from(&mandate)))
}

/// Which mandates a list shows.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct MandateListQuery {
    /// Only the mandates in this status (`suspended`: those to follow up).
    pub status: Option<MandateStatusView>,
}

/// Lists mandates.
///
/// Agents and admins; newest first. `status=suspended` lists those the bank's
/// rejections suspended, to follow up with the families.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "listMandates",
    security(("bearerAuth" = [])),
    params(MandateListQuery, PageQuery),
    responses(
        (status = 200, description = "A page of mandates.", body = Page<MandateView>),
        (status = 400, description = "A bad filter or page (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
    ),
)]
#[get("/admin/mandates")]
pub async fn list_mandates(
    state: web::Data<AppState>,
    _staff: Staff,
    query: web::Query<MandateListQuery>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (page, page_size) = page.into_inner().resolve()?;
    let status = query.into_inner().status.map(MandateStatus::from);
    let (rows, total) = db::run(&state.pool, move |conn| {
        mandates::list(conn, status, offset(page, page_size), page_size)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page {
        items: rows.iter().map(MandateView::from).collect(),
        page,
        page_size,
        total,
    }))
}

/// One mandate.
///
/// Agents and admins; the IBAN masked (`getMandateBankAccount` gives it in full).
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "getAdminMandate",
    security(("bearerAuth" = [])),
    params(("mandateId" = i64, Path, minimum = 1, description = "The mandate's id.")),
    responses(
        (status = 200, description = "The mandate.", body = MandateView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such mandate (`not_found`)."),
    ),
)]
#[get("/admin/mandates/{mandateId}")]
pub async fn get_admin_mandate(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let mandate = db::run(&state.pool, move |conn| mandates::find(conn, id, None)).await?;
    Ok(HttpResponse::Ok().json(MandateView::from(&mandate)))
}

/// A mandate's full bank account.
///
/// Agents and admins, when they need it (a bank's query, a paper form to check): the
/// read is written in the audit log (`read_bank_account`). Everywhere else the IBAN
/// is masked.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "getMandateBankAccount",
    security(("bearerAuth" = [])),
    params(("mandateId" = i64, Path, minimum = 1, description = "The mandate's id.")),
    responses(
        (status = 200, description = "The account.", body = BankAccountView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such mandate (`not_found`)."),
    ),
)]
#[get("/admin/mandates/{mandateId}/bank-account")]
pub async fn get_mandate_bank_account(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (id, agent, now) = (id.into_inner(), staff.0.account_id, state.clock.now());
    let mandate = db::run(&state.pool, move |conn| {
        mandates::bank_account(conn, id, agent, now)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(BankAccountView::from(&mandate)))
}

/// Why an agent ends a mandate.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"reason": "Compte clôturé, signalé par la famille au guichet"}))]
pub struct MandateEnding {
    /// Why, in French (kept with the mandate, shown to the family).
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub reason: String,
}

/// Suspends a mandate.
///
/// Agents and admins. From today, invoices are not debited: those scheduled and not
/// yet sent to the bank are to pay otherwise. The family signs a new mandate to
/// start again.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "suspendMandate",
    security(("bearerAuth" = [])),
    params(("mandateId" = i64, Path, minimum = 1, description = "The mandate's id.")),
    request_body = MandateEnding,
    responses(
        (status = 200, description = "Suspended.", body = MandateView),
        (status = 400, description = "No reason (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such mandate (`not_found`)."),
        (status = 409, description = "It is not active (`mandate_not_active`)."),
    ),
)]
#[post("/admin/mandates/{mandateId}/suspension")]
pub async fn suspend_mandate(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    body: Json<MandateEnding>,
) -> Result<HttpResponse, ApiError> {
    end_mandate(&state, staff, id.into_inner(), body, true).await
}

/// Revokes a mandate at the family's request (by letter or at the counter).
///
/// Agents and admins; as a family's own revocation.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "revokeMandate",
    security(("bearerAuth" = [])),
    params(("mandateId" = i64, Path, minimum = 1, description = "The mandate's id.")),
    request_body = MandateEnding,
    responses(
        (status = 200, description = "Revoked.", body = MandateView),
        (status = 400, description = "No reason (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such mandate (`not_found`)."),
        (status = 409, description = "It had ended already (`mandate_not_active`)."),
    ),
)]
#[post("/admin/mandates/{mandateId}/revocation")]
pub async fn revoke_mandate(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    body: Json<MandateEnding>,
) -> Result<HttpResponse, ApiError> {
    end_mandate(&state, staff, id.into_inner(), body, false).await
}

async fn end_mandate(
    state: &AppState,
    staff: Staff,
    id: i64,
    body: Json<MandateEnding>,
    suspend: bool,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let reason = body.into_inner().reason.trim().to_owned();
    if reason.is_empty() {
        return Err(ApiError::validation(vec![crate::problem::FieldError::new(
            "reason",
            "required",
            "Indiquez le motif.",
            "Give the reason.",
        )]));
    }
    let (agent_id, instants) = (staff.0.account_id, (state.today(), state.clock.now()));
    let mandate = db::run(&state.pool, move |conn| {
        let ending = if suspend {
            Ending::SuspendedByAgent {
                agent_id,
                reason: &reason,
            }
        } else {
            Ending::RevokedByAgent {
                agent_id,
                reason: &reason,
            }
        };
        mandates::end_by(conn, id, ending, instants)
    })
    .await?;
    Ok(HttpResponse::Ok().json(MandateView::from(&mandate)))
}

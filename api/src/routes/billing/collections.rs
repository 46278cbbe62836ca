//! Debits and their collection files: the family's own debits; the agents' list, the
//! file of a collection date (built once, downloaded again byte for byte), the bank's
//! answer on one debit, and the bank's report applied line by line.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDate;
use domain::billing::sepa::DebitStatus;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::direct_debit_views::{
    DebitCollectionView, DebitStatusView, DirectDebitView, PainVersionView, ReportImportView,
};
use crate::auth::{Family, Staff};
use crate::db;
use crate::openapi::enums::api_enum;
use crate::problem::{ApiError, FieldError};
use crate::routes::Json;
use crate::routes::pagination::{Page, PageQuery, offset};
use crate::state::AppState;
use crate::usecases::billing::direct_debit::outcomes::{self, BankAnswer};
use crate::usecases::billing::direct_debit::{DebitFilter, collections, schedule};

/// The family's debits, newest first.
///
/// Each invoice debited: scheduled (with its date), being collected, paid, rejected
/// (with the bank's reason) or cancelled.
#[utoipa::path(
    tag = "billing",
    operation_id = "listMyDirectDebits",
    security(("bearerAuth" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of debits.", body = Page<DirectDebitView>),
        (status = 400, description = "A bad page (`validation_failed`)."),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[get("/direct-debits")]
pub async fn list_my_direct_debits(
    state: web::Data<AppState>,
    family: Family,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let filter = DebitFilter {
        dossier_id: Some(dossier_id),
        ..DebitFilter::default()
    };
    debit_page(&state, filter, page.into_inner()).await
}

/// Which debits a list shows.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct DebitQuery {
    /// Only the debits of this collection date.
    pub collection_date: Option<NaiveDate>,
    /// Only the debits in this status.
    pub status: Option<DebitStatusView>,
    /// Only the debits of this dossier (its id).
    #[param(minimum = 1)]
    pub dossier_id: Option<i64>,
}

/// Lists debits.
///
/// Agents and admins; latest collection date first. `collectionDate` and
/// `status=scheduled` show what the next file will hold.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "listDirectDebits",
    security(("bearerAuth" = [])),
    params(DebitQuery, PageQuery),
    responses(
        (status = 200, description = "A page of debits.", body = Page<DirectDebitView>),
        (status = 400, description = "A bad filter or page (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
    ),
)]
#[get("/admin/direct-debits")]
pub async fn list_direct_debits(
    state: web::Data<AppState>,
    _staff: Staff,
    query: web::Query<DebitQuery>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    if query.dossier_id.is_some_and(|id| id < 1) {
        return Err(ApiError::validation(vec![FieldError::new(
            "dossierId",
            "out_of_range",
            "Un numéro interne de dossier commence à 1.",
            "A dossier id starts at 1.",
        )]));
    }
    let filter = DebitFilter {
        collection_date: query.collection_date,
        status: query.status.map(DebitStatus::from),
        dossier_id: query.dossier_id,
    };
    debit_page(&state, filter, page.into_inner()).await
}

async fn debit_page(
    state: &AppState,
    filter: DebitFilter,
    page: PageQuery,
) -> Result<HttpResponse, ApiError> {
    let (page, page_size) = page.resolve()?;
    let (rows, total) = db::run(&state.pool, move |conn| {
        schedule::list(conn, filter, offset(page, page_size), page_size)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page {
        items: rows.iter().map(DirectDebitView::from).collect(),
        page,
        page_size,
        total,
    }))
}

/// The collection date whose file to build.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"collectionDate": "2027-02-04"}))]
pub struct CollectionRequest {
    /// The day the debits are collected: a bank business day (TARGET2) after today.
    pub collection_date: NaiveDate,
    /// The file's version, when the bank asks for another than the city's setting.
    pub pain_version: Option<PainVersionView>,
}

/// Builds the collection file of a date (ISO 20022 `pain.008`).
///
/// Agents and admins, before the collection date (the bank needs the file one
/// business day ahead). It holds the debits scheduled for that date, each no more
/// than its invoice still owes (a debit whose invoice was paid otherwise, or whose
/// mandate ended, is cancelled), one payment block per sequence type (`FRST`, `RCUR`).
/// Built once per date: asking again answers the same file (200), byte for byte.
/// Its invoices are then being collected: other payments of them are refused
/// (`direct_debit_in_progress`) until the bank answers.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "buildDebitCollection",
    security(("bearerAuth" = [])),
    request_body = CollectionRequest,
    responses(
        (status = 201, description = "Built.", body = DebitCollectionView,
            headers(("Location" = String, description = "The file's description."))),
        (status = 200, description = "Built before: the same file.", body = DebitCollectionView),
        (status = 400, description = "Not a bank business day to come (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 422, description = "Nothing to collect that day (`nothing_to_collect`), or direct debit not set up (`direct_debit_unavailable`)."),
    ),
)]
#[post("/admin/direct-debit-collections")]
pub async fn build_debit_collection(
    state: web::Data<AppState>,
    staff: Staff,
    body: Json<CollectionRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let (date, version) = (body.collection_date, body.pain_version.map(Into::into));
    let (agent, instants) = (
        staff.0.account_id,
        (
            state.today(),
            state.config.city.time_zone,
            state.clock.now(),
        ),
    );
    let (collection, new) = db::run(&state.pool, move |conn| {
        collections::build(conn, date, version, agent, instants)
    })
    .await?;
    let view = DebitCollectionView::from(&collection);
    Ok(if new {
        HttpResponse::Created()
            .insert_header((
                header::LOCATION,
                format!("/api/v1/admin/direct-debit-collections/{}", collection.id),
            ))
            .json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// Lists the collection files.
///
/// Agents and admins; latest collection date first, each with its count, total and
/// hash.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "listDebitCollections",
    security(("bearerAuth" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of files.", body = Page<DebitCollectionView>),
        (status = 400, description = "A bad page (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
    ),
)]
#[get("/admin/direct-debit-collections")]
pub async fn list_debit_collections(
    state: web::Data<AppState>,
    _staff: Staff,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (page, page_size) = page.into_inner().resolve()?;
    let (rows, total) = db::run(&state.pool, move |conn| {
        collections::list(conn, offset(page, page_size), page_size)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page {
        items: rows.iter().map(DebitCollectionView::from).collect(),
        page,
        page_size,
        total,
    }))
}

/// One collection file's description.
///
/// Agents and admins: its date, version, count, total and hash.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "getDebitCollection",
    security(("bearerAuth" = [])),
    params(("collectionId" = i64, Path, minimum = 1, description = "The file's id.")),
    responses(
        (status = 200, description = "The file's description.", body = DebitCollectionView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such file (`not_found`)."),
    ),
)]
#[get("/admin/direct-debit-collections/{collectionId}")]
pub async fn get_debit_collection(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let collection = db::run(&state.pool, move |conn| collections::find(conn, id)).await?;
    Ok(HttpResponse::Ok().json(DebitCollectionView::from(&collection)))
}

/// Downloads a collection file, to send to the bank.
///
/// The bytes as built (its `sha256` says so), full IBANs included: agents and admins
/// only, never cached.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "downloadDebitCollection",
    security(("bearerAuth" = [])),
    params(("collectionId" = i64, Path, minimum = 1, description = "The file's id.")),
    responses(
        (status = 200, description = "The ISO 20022 file.", content(("application/xml")),
            headers(("Content-Disposition" = String, description = "`attachment; filename=\"prelevements-2027-02-04.xml\"`."))),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such file (`not_found`)."),
    ),
)]
#[get("/admin/direct-debit-collections/{collectionId}/file")]
pub async fn download_debit_collection(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (collection, content) =
        db::run(&state.pool, move |conn| collections::content(conn, id)).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/xml")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"prelevements-{}.xml\"",
                collection.collection_date
            ),
        ))
        .body(content))
}

api_enum! {
    /// What the bank said of a debit.
    pub enum DebitOutcomeView {
        /// It paid.
        Paid = "paid",
        /// It rejected the debit, or returned it after paying (`reasonCode`).
        Rejected = "rejected",
    }
}

/// The bank's answer on one debit, as an agent records it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"outcome": "rejected", "reasonCode": "AM04", "on": "2027-02-08"}))]
pub struct DebitOutcomeInput {
    /// Paid or rejected.
    pub outcome: DebitOutcomeView,
    /// A rejection's ISO 20022 reason code (`AM04` insufficient funds, `MD06` refund
    /// asked by the account holder, `AC04` account closed...).
    #[schema(example = "AM04", pattern = "^[A-Z0-9]{4}$")]
    pub reason_code: Option<String>,
    /// The day the bank answered (today when left out).
    pub on: Option<NaiveDate>,
}

/// Records the bank's answer on a debit.
///
/// Agents and admins. Paid: the payment is recorded (method `direct_debit`) and the
/// family notified. Rejected (or returned after payment, the payment then marked
/// returned): the invoice is to pay again, the family is told why in French
/// (`direct_debit_rejected`); two rejections in a row, or a final one (account
/// closed, holder deceased...), suspend the mandate and the city's office is told.
/// The same answer again changes nothing.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "recordDebitOutcome",
    security(("bearerAuth" = [])),
    params(("debitId" = i64, Path, minimum = 1, description = "The debit's id.")),
    request_body = DebitOutcomeInput,
    responses(
        (status = 200, description = "Recorded (or said before).", body = DirectDebitView),
        (status = 400, description = "A rejection without a valid reason code (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such debit (`not_found`)."),
        (status = 409, description = "Not sent to the bank, or settled otherwise (`debit_not_collecting`)."),
    ),
)]
#[post("/admin/direct-debits/{debitId}/outcome")]
pub async fn record_debit_outcome(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    body: Json<DebitOutcomeInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let answer = match (body.outcome, body.reason_code) {
        (DebitOutcomeView::Paid, _) => BankAnswer::Paid,
        (DebitOutcomeView::Rejected, Some(code)) => {
            BankAnswer::Rejected(code.trim().to_uppercase())
        }
        (DebitOutcomeView::Rejected, None) => {
            return Err(ApiError::validation(vec![FieldError::new(
                "reasonCode",
                "required",
                "Indiquez le motif de rejet de la banque (code ISO à 4 caractères).",
                "Give the bank's rejection reason (a 4-character ISO code).",
            )]));
        }
    };
    let (id, on) = (id.into_inner(), body.on.unwrap_or_else(|| state.today()));
    let (agent, portal, now) = (
        staff.0.account_id,
        state.config.frontend_url.clone(),
        state.clock.now(),
    );
    let settled = db::run(&state.pool, move |conn| {
        outcomes::record(conn, id, &answer, on, (agent, &portal), now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(DirectDebitView::from(&settled.debit)))
}

/// An example of the city's CSV report.
const REPORT_EXAMPLE: &str = "reference;statut;motif;date\nF2027-000012;rejeté;AM04;08/02/2027\nF2027-000013;payé;;2027-02-04\n";

/// Applies the bank's report on collected debits.
///
/// Agents and admins. An ISO 20022 `camt.054` notification (each transaction's
/// end-to-end id, its return reason if any), or the city's CSV (`reference;statut;
/// motif;date`, `statut` being `payé` or `rejeté`). Each line is applied as
/// `recordDebitOutcome` would; a line naming no debit, one not being collected, or
/// an amount other than the debit's changes nothing and says so. Importing the same
/// report again changes nothing.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "importDebitReport",
    security(("bearerAuth" = [])),
    request_body(description = "The bank's report.", content(
        ("application/xml"),
        ("text/csv", example = json!(REPORT_EXAMPLE)),
    )),
    responses(
        (status = 200, description = "Applied.", body = ReportImportView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 413, description = "Larger than the import limit (`payload_too_large`)."),
        (status = 415, description = "Declared neither XML nor CSV (`unsupported_media_type`)."),
        (status = 422, description = "The report does not read (`report_unreadable`: `errors` says where)."),
    ),
)]
#[post("/admin/direct-debit-reports")]
pub async fn import_debit_report(
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
    // Without a declared type the content tells (XML starts with `<`); another type
    // is refused.
    match crate::routes::headers::media_type(&req).as_deref() {
        None | Some("application/xml" | "text/xml" | "text/csv") => {}
        Some(_) => {
            return Err(crate::problem::unsupported_media_type(
                "application/xml, text/csv",
            ));
        }
    }
    if let Ok(text) = std::str::from_utf8(&body) {
        crate::problem::refuse_nul("body", text)?;
    }
    let (agent, portal, today, now) = (
        staff.0.account_id,
        state.config.frontend_url.clone(),
        state.today(),
        state.clock.now(),
    );
    let lines = db::run(&state.pool, move |conn| {
        outcomes::import(conn, &body, (agent, &portal), today, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ReportImportView::new(&lines)))
}

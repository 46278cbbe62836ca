//! Certificates: a family's yearly certificate of childcare costs for the tax credit,
//! a child's attendance, a payment's receipt, and the agents' run issuing the year's
//! certificates of childcare costs to every dossier.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::billing::BillingRunStatus;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Family, Staff};
use crate::db;
use crate::openapi::enums::api_enum;
use crate::problem::ApiError;
use crate::routes::Json;
use crate::routes::dossiers::documents::DocumentView;
use crate::state::AppState;
use crate::usecases::billing::certificates::{self, CertificateRun, Issuer};
use crate::usecases::dossiers::documents::Document;
use crate::usecases::utc;

/// The calendar year a certificate is for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"year": 2026}))]
pub struct CertificateYearInput {
    /// The calendar year (2000 to 2100), once over: what was paid from 1 January to 31
    /// December.
    #[schema(minimum = 2000, maximum = 2100, example = 2026)]
    pub year: i32,
}

fn issuer(state: &AppState) -> Issuer<'_> {
    Issuer {
        time_zone: state.config.city.time_zone,
        files: &state.files,
    }
}

/// Issues the family's certificate of childcare costs for a year.
///
/// For the family's tax return (crédit d'impôt pour frais de garde, article 200 quater
/// B of the code général des impôts): what it paid during the calendar year for the
/// care of each child under six on 1 January (before and after school, Wednesdays,
/// day holiday centres), meals and stays with accommodation excluded; a bill partly
/// paid counts in proportion. The PDF is filed among the family's documents (kind
/// `certificate`) and downloaded from `GET /documents/{documentId}/content`.
#[utoipa::path(
    tag = "billing",
    operation_id = "issueMyChildcareTaxCertificate",
    security(("bearerAuth" = [])),
    request_body = CertificateYearInput,
    responses(
        (status = 201, description = "Issued and filed.", body = DocumentView,
            headers(("Location" = String, description = "The document's address."))),
        (status = 400, description = "A year outside 2000 to 2100, or not over yet (`validation_failed`: `year_not_over`)."),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 422, description = "Nothing was paid that year for the care of a child under six (`nothing_to_certify`)."),
    ),
)]
#[post("/certificates/childcare-tax")]
pub async fn issue_my_childcare_tax_certificate(
    state: web::Data<AppState>,
    family: Family,
    body: Json<CertificateYearInput>,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let year = body.year;
    let now = state.clock.now();
    let pool = state.pool.clone();
    let state = state.into_inner();
    let document = db::run(&pool, move |conn| {
        certificates::issue_tax_certificate(conn, issuer(&state), dossier_id, year, now)
    })
    .await?;
    Ok(filed(&document))
}

/// The child and period an attendance certificate covers.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"childId": 2, "from": "2026-09-01", "to": "2026-12-18"}))]
pub struct AttendanceCertificateInput {
    /// One of the family's children.
    #[schema(minimum = 1, example = 2)]
    pub child_id: i64,
    /// The period's first day (a date in the city's time zone).
    pub from: NaiveDate,
    /// Its last day (included), at most a year after `from`; days after today are not
    /// counted yet.
    pub to: NaiveDate,
}

/// Issues a certificate of a child's attendance over a period.
///
/// For an employer or the CAF: the days the child attended each activity from `from`
/// to `to` (each booked day not recorded absent, each day recorded present without a
/// booking). The PDF is filed among the family's documents (kind `certificate`).
#[utoipa::path(
    tag = "billing",
    operation_id = "issueMyAttendanceCertificate",
    security(("bearerAuth" = [])),
    request_body = AttendanceCertificateInput,
    responses(
        (status = 201, description = "Issued and filed.", body = DocumentView,
            headers(("Location" = String, description = "The document's address."))),
        (status = 400, description = "A period that ends before it starts or spans more than a year (`validation_failed`)."),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such child in the family's dossier (`not_found`)."),
        (status = 422, description = "The child attended nothing over the period (`no_attendance`)."),
    ),
)]
#[post("/certificates/attendance")]
pub async fn issue_my_attendance_certificate(
    state: web::Data<AppState>,
    family: Family,
    body: Json<AttendanceCertificateInput>,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let input = body.into_inner();
    let (today, now) = (state.today(), state.clock.now());
    let files = state.files.clone();
    let document = db::run(&state.pool, move |conn| {
        certificates::issue_attendance_certificate(
            conn,
            dossier_id,
            input.child_id,
            (input.from, input.to),
            today,
            now,
            &files,
        )
    })
    .await?;
    Ok(filed(&document))
}

/// The payment a receipt is for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"paymentId": 7}))]
pub struct PaymentReceiptInput {
    /// One of the family's payments (`payments[].id` of `GET /invoices/{invoiceId}`).
    #[schema(minimum = 1, example = 7)]
    pub payment_id: i64,
}

/// Issues the receipt of one of the family's payments.
///
/// The amount, day, means and reference of the payment and the invoice it paid, as a
/// PDF filed among the family's documents (kind `certificate`).
#[utoipa::path(
    tag = "billing",
    operation_id = "issueMyPaymentReceipt",
    security(("bearerAuth" = [])),
    request_body = PaymentReceiptInput,
    responses(
        (status = 201, description = "Issued and filed.", body = DocumentView,
            headers(("Location" = String, description = "The document's address."))),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such payment of the family's, or a direct debit the bank returned (`not_found`)."),
    ),
)]
#[post("/certificates/payment-receipt")]
pub async fn issue_my_payment_receipt(
    state: web::Data<AppState>,
    family: Family,
    body: Json<PaymentReceiptInput>,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let payment_id = body.payment_id;
    let (today, now) = (state.today(), state.clock.now());
    let files = state.files.clone();
    let document = db::run(&state.pool, move |conn| {
        certificates::issue_payment_receipt(conn, dossier_id, payment_id, today, now, &files)
    })
    .await?;
    Ok(filed(&document))
}

/// 201 with the filed document and its address.
fn filed(document: &Document) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/documents/{}", document.id),
        ))
        .json(DocumentView::from(document))
}

api_enum! {
    /// Where a certificate run stands.
    pub enum CertificateRunStatus {
        /// Issuing now; `issued` of `total` so far.
        Running = "running",
        /// Every certificate issued.
        Completed = "completed",
        /// Stopped on an error (logged), or its server stopped; a new run of the year
        /// issues what it did not.
        Failed = "failed",
    }
}

/// A run issuing a year's certificates of childcare costs, and its progress.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateRunView {
    /// The run's id.
    #[schema(example = 3)]
    pub id: i64,
    /// The calendar year certified.
    #[schema(example = 2026)]
    pub year: i32,
    /// Where the run stands.
    pub status: CertificateRunStatus,
    /// Certificates to issue (0 until the year is read): dossiers with care paid for a
    /// child under six and no certificate of the year yet.
    #[schema(example = 2400)]
    pub total: i32,
    /// Certificates issued so far.
    #[schema(example = 1000)]
    pub issued: i32,
    /// When the run started (RFC 3339, UTC).
    pub started_at: DateTime<Utc>,
    /// When it ended (RFC 3339, UTC); null while running.
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<&CertificateRun> for CertificateRunView {
    fn from(run: &CertificateRun) -> Self {
        Self {
            id: run.id,
            year: run.year,
            status: match run.status {
                BillingRunStatus::Running => CertificateRunStatus::Running,
                BillingRunStatus::Completed => CertificateRunStatus::Completed,
                BillingRunStatus::Interrupted | BillingRunStatus::Failed => {
                    CertificateRunStatus::Failed
                }
            },
            total: run.total,
            issued: run.issued,
            started_at: utc(run.started_at),
            finished_at: run.finished_at.map(utc),
        }
    }
}

/// Issues a year's certificates of childcare costs to every dossier.
///
/// In the background, for every dossier that paid for the care of a child under six
/// during the year and holds no certificate of that year yet; each is filed among the
/// family's documents. Poll the run for its progress. Agents and admins only.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "startCertificateRun",
    security(("bearerAuth" = [])),
    request_body = CertificateYearInput,
    responses(
        (status = 202, description = "Started; follow it at `Location`.", body = CertificateRunView,
            headers(("Location" = String, description = "The run's address."))),
        (status = 400, description = "A year outside 2000 to 2100, or not over yet (`validation_failed`: `year_not_over`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 409, description = "A run of the year is under way (`certificate_run_in_progress`)."),
    ),
)]
#[post("/admin/certificate-runs")]
pub async fn start_certificate_run(
    state: web::Data<AppState>,
    staff: Staff,
    body: Json<CertificateYearInput>,
) -> Result<HttpResponse, ApiError> {
    let (year, agent_id, now, today) = (
        body.year,
        staff.0.account_id,
        state.clock.now(),
        state.today(),
    );
    let run = db::run(&state.pool, move |conn| {
        certificates::start_run(conn, year, agent_id, now, today)
    })
    .await?;
    spawn_run(&state, run.clone())?;
    Ok(HttpResponse::Accepted()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/admin/certificate-runs/{}", run.id),
        ))
        .json(CertificateRunView::from(&run)))
}

/// Issues the run's certificates on a thread of its own (it holds one connection for
/// its whole length); a failure ends the run `failed`, its cause logged.
fn spawn_run(state: &AppState, run: CertificateRun) -> Result<(), ApiError> {
    let state = state.clone();
    std::thread::Builder::new()
        .name(format!("certificate-run-{}", run.id))
        .spawn(move || {
            let outcome = state
                .pool
                .get()
                .map_err(crate::usecases::UseCaseError::from)
                .and_then(|mut conn| {
                    certificates::execute(&mut conn, &run, issuer(&state), || state.clock.now())
                });
            match outcome {
                Ok(()) => tracing::info!(run = run.id, "certificate run completed"),
                Err(error) => tracing::error!(run = run.id, ?error, "certificate run stopped"),
            }
        })
        .map(drop)
        .map_err(ApiError::internal)
}

/// Shows a certificate run and its progress.
///
/// Agents and admins only.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "getCertificateRun",
    security(("bearerAuth" = [])),
    params(("runId" = i64, Path, minimum = 1, description = "The run's id.")),
    responses(
        (status = 200, description = "The run.", body = CertificateRunView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such run (`not_found`)."),
    ),
)]
#[get("/admin/certificate-runs/{runId}")]
pub async fn get_certificate_run(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let run = db::run(&state.pool, move |conn| certificates::find_run(conn, id)).await?;
    Ok(HttpResponse::Ok().json(CertificateRunView::from(&run)))
}

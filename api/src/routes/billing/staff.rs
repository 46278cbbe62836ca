//! Back office for billing: runs of a month (preview, start, progress), invoices,
//! counter payments, credit notes and the month's CSV exports.

use crate::routes::Json;
use crate::usecases::billing::{BillingRun, InvoiceFilter};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};

use crate::auth::Staff;
use crate::db;
use crate::problem::{ApiError, FieldError, validate};
use crate::routes::billing::views::{
    BillingPreviewView, BillingRunForm, BillingRunView, CounterPaymentForm, CreditNoteForm,
    CreditNoteView, DossierBillView, InvoiceQuery, InvoiceSummaryView, InvoiceView, MonthQuery,
    PaymentView, month_text, parse_month,
};
use crate::routes::pagination::{Page, PageQuery, offset};
use crate::state::AppState;
use crate::usecases::billing;
use crate::usecases::billing::invoices::{self, CounterPayment};

/// Shows what a run of the month would bill now, writing nothing.
///
/// The dossiers with something to bill and no invoice for the month yet, each with
/// its lines, as a run would issue them today. Agents and admins only.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "previewBillingRun",
    security(("bearerAuth" = [])),
    params(MonthQuery, PageQuery),
    responses(
        (status = 200, description = "The invoices a run would create.", body = BillingPreviewView),
        (status = 400, description = "A bad month or page (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
    ),
)]
#[get("/admin/billing-runs/preview")]
pub async fn preview_billing_run(
    state: web::Data<AppState>,
    _staff: Staff,
    query: web::Query<MonthQuery>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let month = parse_month("month", &query.month)?;
    let (page, page_size) = page.into_inner().resolve()?;
    let month = db::run(&state.pool, move |conn| billing::compute(conn, month)).await?;
    let start = usize::try_from(offset(page, page_size)).unwrap_or(usize::MAX);
    let items = month
        .bills
        .iter()
        .skip(start)
        .take(usize::try_from(page_size).unwrap_or(0))
        .map(DossierBillView::from)
        .collect();
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    Ok(HttpResponse::Ok().json(BillingPreviewView {
        month: month_text(month.month),
        invoices: count(month.bills.len()),
        total_cents: month.bills.iter().map(|b| b.total_cents).sum(),
        currency: "EUR".into(),
        already_invoiced: count(month.already_invoiced),
        bills: Page {
            items,
            page,
            page_size,
            total: count(month.bills.len()),
        },
    }))
}

/// Starts billing a month.
///
/// Bills, in the background, every dossier with something to bill and no invoice for
/// the month yet: one invoice each, numbered per year with no gap, issued today. Poll
/// the run for its progress. Running a month again bills only what the last run did
/// not (after a crash, the rest; otherwise nothing). While a run of the month is
/// going, starting it again answers that run. Agents and admins only.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "startBillingRun",
    security(("bearerAuth" = [])),
    request_body = BillingRunForm,
    responses(
        (status = 202, description = "Started; follow it at `Location`.", body = BillingRunView,
            headers(("Location" = String, description = "The run's address."))),
        (status = 200, description = "The month is being billed by this run already.", body = BillingRunView),
        (status = 400, description = "A bad month (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 409, description = "Another run of the month started at the same moment (`billing_run_in_progress`)."),
    ),
)]
#[post("/admin/billing-runs")]
pub async fn start_billing_run(
    state: web::Data<AppState>,
    staff: Staff,
    body: Json<BillingRunForm>,
) -> Result<HttpResponse, ApiError> {
    let month = parse_month("month", &body.month)?;
    let agent_id = staff.0.account_id;
    let (lease, now) = (state.config.billing.lease, state.clock.now());
    let (run, started) = db::run(&state.pool, move |conn| {
        billing::start(conn, agent_id, month, lease, now)
    })
    .await?;
    if !started {
        return Ok(HttpResponse::Ok().json(BillingRunView::from(&run)));
    }
    spawn_run(&state, run.clone())?;
    Ok(HttpResponse::Accepted()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/admin/billing-runs/{}", run.id),
        ))
        .json(BillingRunView::from(&run)))
}

/// Bills the run's month on a thread of its own (it holds one connection for its
/// whole length), logging a failure with its cause; the run then says `failed`.
fn spawn_run(state: &AppState, run: BillingRun) -> Result<(), ApiError> {
    let pool = state.pool.clone();
    let clock = state.clock.clone();
    let issued_on = state.today();
    let settings = state.config.billing;
    let files = state.files.clone();
    let city = state.config.city.name.clone();
    let portal = state.config.frontend_url.clone();
    std::thread::Builder::new()
        .name(format!("billing-run-{}", run.id))
        .spawn(move || {
            let outcome = pool
                .get()
                .map_err(crate::usecases::UseCaseError::from)
                .and_then(|mut conn| {
                    billing::execute(
                        &mut conn,
                        &run,
                        &billing::Issuing {
                            on: issued_on,
                            city,
                            files: &files,
                            portal: &portal,
                        },
                        settings,
                        || clock.now(),
                    )
                });
            match outcome {
                Ok(()) => tracing::info!(run = run.id, "billing run completed"),
                // Its cause is logged where it happened; without a connection the
                // run stays `running` until its lease runs out, then is taken over.
                Err(error) => tracing::error!(run = run.id, ?error, "billing run stopped"),
            }
        })
        .map(drop)
        .map_err(ApiError::internal)
}

/// Lists billing runs.
///
/// Every run of every month, latest first, with its progress. Agents and admins only.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "listBillingRuns",
    security(("bearerAuth" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of runs.", body = Page<BillingRunView>),
        (status = 400, description = "A bad page (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
    ),
)]
#[get("/admin/billing-runs")]
pub async fn list_billing_runs(
    state: web::Data<AppState>,
    _staff: Staff,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (page, page_size) = page.into_inner().resolve()?;
    let (rows, total) = db::run(&state.pool, move |conn| {
        billing::runs(conn, offset(page, page_size), page_size)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page {
        items: rows.iter().map(BillingRunView::from).collect(),
        page,
        page_size,
        total,
    }))
}

/// Reads a billing run and its progress.
///
/// Agents and admins poll it after starting a run: `dossiersDone` of
/// `dossiersTotal` so far, until it is no longer `running`.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "getBillingRun",
    security(("bearerAuth" = [])),
    params(("runId" = i64, Path, minimum = 1, description = "The run's id.")),
    responses(
        (status = 200, description = "The run.", body = BillingRunView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such run (`not_found`)."),
    ),
)]
#[get("/admin/billing-runs/{runId}")]
pub async fn get_billing_run(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let run = db::run(&state.pool, move |conn| billing::run(conn, id)).await?;
    Ok(HttpResponse::Ok().json(BillingRunView::from(&run)))
}

/// Lists invoices.
///
/// Any family's invoices, by dossier, month, or only those with something left to
/// pay (`unpaid=true`); latest month first. Agents and admins only.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "listAdminInvoices",
    security(("bearerAuth" = [])),
    params(InvoiceQuery, PageQuery),
    responses(
        (status = 200, description = "A page of invoices.", body = Page<InvoiceSummaryView>),
        (status = 400, description = "A bad filter or page (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
    ),
)]
#[get("/admin/invoices")]
pub async fn list_admin_invoices(
    req: HttpRequest,
    state: web::Data<AppState>,
    _staff: Staff,
    query: web::Query<InvoiceQuery>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (page, page_size) = page.into_inner().resolve()?;
    if query.dossier_id.is_some_and(|id| id < 1) {
        return Err(ApiError::validation(vec![FieldError::new(
            "dossierId",
            "out_of_range",
            "Un numéro interne de dossier commence à 1.",
            "A dossier id starts at 1.",
        )]));
    }
    let filter = InvoiceFilter {
        dossier_id: query.dossier_id,
        month: query
            .month
            .as_deref()
            .map(|m| parse_month("month", m))
            .transpose()?,
        unpaid: query.unpaid.unwrap_or(false),
    };
    crate::routes::billing::invoices::invoice_page(&req, &state, filter, (page, page_size)).await
}

/// Reads an invoice.
///
/// Any family's invoice, for agents and admins: its lines, the payments received
/// and the credit notes issued on it, with its status today.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "getAdminInvoice",
    security(("bearerAuth" = [])),
    params(("invoiceId" = i64, Path, minimum = 1, description = "The invoice's id.")),
    responses(
        (status = 200, description = "The invoice.", body = InvoiceView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such invoice (`not_found`)."),
    ),
)]
#[get("/admin/invoices/{invoiceId}")]
pub async fn get_admin_invoice(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let detail = db::run(&state.pool, move |conn| invoices::detail(conn, id, None)).await?;
    Ok(HttpResponse::Ok().json(InvoiceView::new(&detail, state.today())))
}

/// Downloads an invoice as a PDF.
///
/// Any family's invoice, for agents and admins: as issued, with what is paid,
/// credited and left to pay today.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "getAdminInvoicePdf",
    security(("bearerAuth" = [])),
    params(("invoiceId" = i64, Path, minimum = 1, description = "The invoice's id.")),
    responses(
        (status = 200, description = "The PDF.", content(("application/pdf")),
            headers(("Content-Disposition" = String, description = "`attachment; filename=\"facture-F2026-000001.pdf\"`."))),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such invoice (`not_found`)."),
    ),
)]
#[get("/admin/invoices/{invoiceId}/pdf")]
pub async fn get_admin_invoice_pdf(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    crate::routes::billing::invoices::pdf_response(&state, id.into_inner(), None).await
}

/// Records a payment received at the counter.
///
/// A cheque, cash or CESU vouchers, for at most what is left to pay; the family is
/// notified. With an `Idempotency-Key`, sending the same payment again answers the
/// one recorded. Agents and admins only.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "recordCounterPayment",
    security(("bearerAuth" = [])),
    params(
        ("invoiceId" = i64, Path, minimum = 1, description = "The invoice's id."),
        ("Idempotency-Key" = Option<String>, Header, description = "A key the client generates for this payment (8 to 100 characters)."),
    ),
    request_body = CounterPaymentForm,
    responses(
        (status = 201, description = "Recorded.", body = PaymentView),
        (status = 200, description = "Recorded before under the same `Idempotency-Key`.", body = PaymentView),
        (status = 400, description = "A field breaks its rule (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such invoice (`not_found`)."),
        (status = 409, description = "The invoice is being collected by direct debit: wait for the bank's answer (`direct_debit_in_progress`)."),
        (status = 422, description = "More than is left to pay (`amount_exceeds_balance`), or a key used for another payment (`idempotency_key_reused`)."),
    ),
)]
#[post("/admin/invoices/{invoiceId}/payments")]
pub async fn record_counter_payment(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    req: HttpRequest,
    body: Json<CounterPaymentForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let key = crate::routes::headers::idempotency_key(&req)?;
    let body = body.into_inner();
    let payment = CounterPayment {
        method: domain::billing::PaymentMethod::from(body.method),
        amount_cents: body.amount_cents,
        reference: body
            .reference
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty()),
        received_on: body.received_on,
        idempotency_key: key,
    };
    let (id, agent_id, now) = (id.into_inner(), staff.0.account_id, state.clock.now());
    let portal = state.config.frontend_url.clone();
    let (recorded, created) = db::run(&state.pool, move |conn| {
        invoices::record_payment(conn, agent_id, id, payment, &portal, now)
    })
    .await?;
    let view = PaymentView::from(&recorded);
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// Issues a credit note on an invoice.
///
/// The invoice stays as issued; what the family owes goes down by the amount, and
/// the reason is shown to the family. Agents and admins only.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "issueCreditNote",
    security(("bearerAuth" = [])),
    params(("invoiceId" = i64, Path, minimum = 1, description = "The invoice's id.")),
    request_body = CreditNoteForm,
    responses(
        (status = 201, description = "Issued.", body = CreditNoteView),
        (status = 400, description = "A field breaks its rule (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such invoice (`not_found`)."),
        (status = 409, description = "The invoice is being collected by direct debit: wait for the bank's answer (`direct_debit_in_progress`)."),
        (status = 422, description = "The invoice's credit notes would exceed it (`credit_exceeds_invoice`)."),
    ),
)]
#[post("/admin/invoices/{invoiceId}/credit-notes")]
pub async fn issue_credit_note(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    body: Json<CreditNoteForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let reason = body.reason.trim().to_owned();
    if reason.is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "reason",
            "required",
            "Indiquez le motif de l'avoir.",
            "Say why the credit note is issued.",
        )]));
    }
    let (id, agent_id, now) = (id.into_inner(), staff.0.account_id, state.clock.now());
    let amount = body.amount_cents;
    let zone = state.config.city.time_zone;
    let note = db::run(&state.pool, move |conn| {
        invoices::issue_credit_note(conn, agent_id, id, amount, &reason, now, zone)
    })
    .await?;
    Ok(HttpResponse::Created().json(CreditNoteView::from(&note)))
}

/// Exports the month's invoices as CSV.
///
/// `;`-separated, amounts in euros with a decimal comma, one line per invoice with
/// what is paid, credited and left, and its direct debit's status and date when the
/// family pays so. Agents and admins only.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "exportInvoices",
    security(("bearerAuth" = [])),
    params(MonthQuery),
    responses(
        (status = 200, description = "The CSV.", content_type = "text/csv", body = String,
            example = json!(INVOICES_CSV_EXAMPLE)),
        (status = 400, description = "A bad month (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
    ),
)]
#[get("/admin/exports/invoices")]
pub async fn export_invoices(
    state: web::Data<AppState>,
    _staff: Staff,
    query: web::Query<MonthQuery>,
) -> Result<HttpResponse, ApiError> {
    let month = parse_month("month", &query.month)?;
    let today = state.today();
    let csv = db::run(&state.pool, move |conn| {
        invoices::invoices_csv(conn, month, today)
    })
    .await?;
    Ok(csv_response(
        &format!("factures-{}.csv", month_text(month)),
        csv,
    ))
}

/// Exports the payments received in the month as CSV.
///
/// `;`-separated, amounts in euros with a decimal comma, one line per payment
/// received in the month (online or at the counter): its id, the invoice's number,
/// the day received, the method, the amount, the reference, and the day the bank
/// returned it (a direct debit refunded to the account holder). Agents and admins
/// only.
#[utoipa::path(
    tag = "billing-admin",
    operation_id = "exportPayments",
    security(("bearerAuth" = [])),
    params(MonthQuery),
    responses(
        (status = 200, description = "The CSV.", content_type = "text/csv", body = String,
            example = json!(PAYMENTS_CSV_EXAMPLE)),
        (status = 400, description = "A bad month (`validation_failed`)."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
    ),
)]
#[get("/admin/exports/payments")]
pub async fn export_payments(
    state: web::Data<AppState>,
    _staff: Staff,
    query: web::Query<MonthQuery>,
) -> Result<HttpResponse, ApiError> {
    let month = parse_month("month", &query.month)?;
    let csv = db::run(&state.pool, move |conn| invoices::payments_csv(conn, month)).await?;
    Ok(csv_response(
        &format!("paiements-{}.csv", month_text(month)),
        csv,
    ))
}

/// The invoices export's example (the contract test checks its header is the answer's).
const INVOICES_CSV_EXAMPLE: &str = "numero;dossier;mois;emise_le;echeance;montant;paye;avoirs;reste_a_payer;statut;prelevement;prelevement_le\r\n\
    F2026-000001;18;2026-06;2026-07-01;2026-07-31;62,20;20,00;0,00;42,20;overdue;;\r\n\
    F2026-000002;19;2026-06;2026-07-01;2026-07-31;45,60;0,00;0,00;45,60;to_pay;scheduled;2026-07-31\r\n";

/// The payments export's example (the contract test checks its header is the answer's).
const PAYMENTS_CSV_EXAMPLE: &str = "id;facture;recu_le;moyen;montant;reference;retourne_le\r\n\
    1;F2026-000001;2026-12-01;cash;20,00;;\r\n";

fn csv_response(file_name: &str, csv: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .body(csv)
}

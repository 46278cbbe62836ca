//! A family's invoices and account statement ("Facturation": pay my invoices, see my
//! account history).

use crate::usecases::billing::InvoiceFilter;
use actix_web::{HttpRequest, HttpResponse, get, web};

use crate::auth::Family;
use crate::db;
use crate::problem::ApiError;
use crate::routes::billing::views::{
    AccountStatementView, InvoiceSummaryView, InvoiceView, MovementView,
};
use crate::routes::etag::polled;
use crate::routes::pagination::{Page, PageQuery, offset};
use crate::state::AppState;
use crate::usecases::billing::invoices;

/// Lists the family's invoices.
///
/// Latest month first, with what is left to pay and the status of each.
#[utoipa::path(
    tag = "billing",
    operation_id = "listInvoices",
    security(("bearerAuth" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of the family's invoices.", body = Page<InvoiceSummaryView>),
        (status = 400, description = "A bad page (`validation_failed`)."),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[get("/invoices")]
pub async fn list_invoices(
    req: HttpRequest,
    state: web::Data<AppState>,
    family: Family,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (page, page_size) = page.into_inner().resolve()?;
    let filter = InvoiceFilter {
        dossier_id: Some(family.dossier_id()?),
        ..InvoiceFilter::default()
    };
    invoice_page(&req, &state, filter, (page, page_size)).await
}

/// A page of the invoices `filter` selects, for a family or the agents.
pub async fn invoice_page(
    req: &HttpRequest,
    state: &AppState,
    filter: InvoiceFilter,
    (page, page_size): (i64, i64),
) -> Result<HttpResponse, ApiError> {
    let (rows, total) = db::run(&state.pool, move |conn| {
        invoices::list(conn, filter, offset(page, page_size), page_size)
    })
    .await?;
    let today = state.today();
    polled(
        req,
        &Page {
            items: rows
                .iter()
                .map(|i| InvoiceSummaryView::new(i, today))
                .collect::<Vec<_>>(),
            page,
            page_size,
            total,
        },
    )
}

/// Reads one of the family's invoices.
///
/// Its lines (child, activity, unit, days, quantity, unit price, amount), the
/// payments received and the credit notes issued on it.
#[utoipa::path(
    tag = "billing",
    operation_id = "getInvoice",
    security(("bearerAuth" = [])),
    params(("invoiceId" = i64, Path, minimum = 1, description = "The invoice's id.")),
    responses(
        (status = 200, description = "The invoice.", body = InvoiceView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such invoice of the family (`not_found`)."),
    ),
)]
#[get("/invoices/{invoiceId}")]
pub async fn get_invoice(
    req: HttpRequest,
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let dossier_id = family.dossier_id()?;
    let detail = db::run(&state.pool, move |conn| {
        invoices::detail(conn, id, Some(dossier_id))
    })
    .await?;
    polled(&req, &InvoiceView::new(&detail, state.today()))
}

/// Downloads one of the family's invoices as a PDF.
///
/// The invoice as issued, with what is paid, credited and left to pay today.
#[utoipa::path(
    tag = "billing",
    operation_id = "getInvoicePdf",
    security(("bearerAuth" = [])),
    params(("invoiceId" = i64, Path, minimum = 1, description = "The invoice's id.")),
    responses(
        (status = 200, description = "The PDF.", content(("application/pdf")),
            headers(("Content-Disposition" = String, description = "`attachment; filename=\"facture-F2026-000001.pdf\"`."))),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such invoice of the family (`not_found`)."),
    ),
)]
#[get("/invoices/{invoiceId}/pdf")]
pub async fn get_invoice_pdf(
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    pdf_response(&state, id.into_inner(), Some(dossier_id)).await
}

/// Renders an invoice's PDF as a download named after its number.
pub async fn pdf_response(
    state: &AppState,
    id: i64,
    dossier_id: Option<i64>,
) -> Result<HttpResponse, ApiError> {
    let (detail, dossier_number, city) = db::run(&state.pool, move |conn| {
        invoices::printable(conn, id, dossier_id)
    })
    .await?;
    let city = city.unwrap_or_else(|| state.config.city.name.clone());
    let bytes = crate::adapters::invoice_pdf::render(&city, &dossier_number, &detail);
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"facture-{}.pdf\"",
                detail.invoice.number
            ),
        ))
        .body(bytes))
}

/// Reads the family's account statement.
///
/// What the family owes now (invoices minus payments and credit notes), and its
/// movements, latest first.
#[utoipa::path(
    tag = "billing",
    operation_id = "getAccountStatement",
    security(("bearerAuth" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "The balance and a page of movements.", body = AccountStatementView),
        (status = 400, description = "A bad page (`validation_failed`)."),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[get("/account-statement")]
pub async fn get_account_statement(
    req: HttpRequest,
    state: web::Data<AppState>,
    family: Family,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (page, page_size) = page.into_inner().resolve()?;
    let dossier_id = family.dossier_id()?;
    let zone = state.config.city.time_zone;
    let statement = db::run(&state.pool, move |conn| {
        invoices::statement(conn, dossier_id, zone)
    })
    .await?;
    let total = i64::try_from(statement.movements.len()).unwrap_or(i64::MAX);
    let items = statement
        .movements
        .iter()
        .skip(usize::try_from(offset(page, page_size)).unwrap_or(usize::MAX))
        .take(usize::try_from(page_size).unwrap_or(0))
        .map(MovementView::from)
        .collect();
    polled(
        &req,
        &AccountStatementView {
            balance_cents: statement.balance_cents,
            currency: "EUR".into(),
            movements: Page {
                items,
                page,
                page_size,
                total,
            },
        },
    )
}

/// Lists the family's account credits.
///
/// What cancelled holiday weeks (or swaps for cheaper ones) gave back, oldest first,
/// each with what is left to use: the family's next invoices (their
/// `creditedCents`) and basket checkouts (their `creditCents`) use it before any card
/// payment. Family accounts only.
#[utoipa::path(
    tag = "billing",
    operation_id = "listMyAccountCredits",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The family's account credits.", body = Vec<crate::routes::billing::views::AccountCreditView>),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[get("/account-credits")]
pub async fn list_my_account_credits(
    state: web::Data<AppState>,
    family: Family,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let credits = db::run(&state.pool, move |conn| {
        crate::usecases::billing::credits::of_dossier(conn, dossier_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(
        credits
            .iter()
            .map(crate::routes::billing::views::AccountCreditView::from)
            .collect::<Vec<_>>(),
    ))
}

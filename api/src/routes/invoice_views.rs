//! The DTOs of billing: invoices, their lines, payments, credit notes, the account
//! statement, billing runs and their preview.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::billing::{BillableKind, InvoiceStatus, PaymentMethod};
use persistence::billing::{BillingRun, CreditNote, Invoice, InvoiceLine, Payment};
use persistence::utc;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::dossier_views::mirror_enum;
use super::pagination::Page;
use crate::problem::{ApiError, FieldError};
use crate::usecases::billing::{self, DossierBill};
use crate::usecases::invoices::{self, InvoiceDetail, Movement, MovementKind};

mirror_enum! {
    /// `to_pay`; `partly_paid`; `paid` (nothing left to pay, credit notes included);
    /// `overdue` (something left to pay after the due date).
    InvoiceStatusView => InvoiceStatus {
        ToPay = "to_pay",
        PartlyPaid = "partly_paid",
        Paid = "paid",
        Overdue = "overdue",
    }
}

mirror_enum! {
    /// `booked`: a booked day (present, or absent without a justification);
    /// `unbooked`: the child came without a booking (the price with the activity's
    /// surcharge).
    LineKindView => BillableKind {
        Booked = "booked",
        Unbooked = "unbooked",
    }
}

mirror_enum! {
    /// How a payment was made: at the counter (`cheque`, `cash`, `cesu`) or online
    /// (`card`, `direct_debit`).
    PaymentMethodView => PaymentMethod {
        Cheque = "cheque",
        Cash = "cash",
        Cesu = "cesu",
        Card = "card",
        DirectDebit = "direct_debit",
    }
}

/// How a payment was made at the counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CounterMethodView {
    Cheque,
    Cash,
    Cesu,
}

impl From<CounterMethodView> for PaymentMethod {
    fn from(value: CounterMethodView) -> Self {
        match value {
            CounterMethodView::Cheque => Self::Cheque,
            CounterMethodView::Cash => Self::Cash,
            CounterMethodView::Cesu => Self::Cesu,
        }
    }
}

/// The `YYYY-MM` of a month's first day.
pub fn month_text(month: NaiveDate) -> String {
    month.format("%Y-%m").to_string()
}

/// Reads a `YYYY-MM` month (2000 to 2100) as its first day.
pub fn parse_month(field: &str, text: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d")
        .ok()
        .filter(|d| (2000..=2100).contains(&d.year()) && text.len() == 7)
        .ok_or_else(|| {
            ApiError::validation(vec![FieldError::new(
                field,
                "invalid_month",
                "Un mois au format AAAA-MM (2000 à 2100).",
                "A month as YYYY-MM (2000 to 2100).",
            )])
        })
}

/// An invoice in a list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceSummaryView {
    pub id: i64,
    /// Runs per year with no gap: `F2026-000042`.
    pub number: String,
    pub dossier_id: i64,
    /// The month billed, `YYYY-MM`.
    #[schema(example = "2026-10")]
    pub month: String,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    pub total_cents: i64,
    pub paid_cents: i64,
    /// What credit notes took off.
    pub credited_cents: i64,
    /// What is left to pay (negative: the city owes the family).
    pub balance_cents: i64,
    #[schema(example = "EUR")]
    pub currency: String,
    pub status: InvoiceStatusView,
}

impl InvoiceSummaryView {
    pub fn new(invoice: &Invoice, today: NaiveDate) -> Self {
        Self {
            id: invoice.id,
            number: invoice.number.clone(),
            dossier_id: invoice.dossier_id,
            month: month_text(invoice.month),
            issued_on: invoice.issued_on,
            due_on: invoice.due_on,
            total_cents: invoice.total_cents,
            paid_cents: invoice.paid_cents,
            credited_cents: invoice.credited_cents,
            balance_cents: invoices::balance_of(invoice),
            currency: "EUR".into(),
            status: invoices::status_of(invoice, today).into(),
        }
    }
}

/// What an invoice bills: a child's days of one unit at one price.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceLineView {
    pub position: i32,
    /// Null once the child's record is gone; the name stays as printed.
    pub child_id: Option<i64>,
    pub child_name: String,
    pub activity_id: Option<i64>,
    pub activity_name: String,
    pub unit_id: Option<i64>,
    pub unit_name: String,
    pub kind: LineKindView,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub quantity: i32,
    pub unit_price_cents: i64,
    pub amount_cents: i64,
}

impl From<&InvoiceLine> for InvoiceLineView {
    fn from(l: &InvoiceLine) -> Self {
        Self {
            position: l.position,
            child_id: l.child_id,
            child_name: l.child_name.clone(),
            activity_id: l.activity_id,
            activity_name: l.activity_name.clone(),
            unit_id: l.unit_id,
            unit_name: l.unit_name.clone(),
            kind: LineKindView::stored(&l.kind).unwrap_or(LineKindView::Booked),
            first_day: l.first_day,
            last_day: l.last_day,
            quantity: l.quantity,
            unit_price_cents: l.unit_price_cents,
            amount_cents: l.amount_cents,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaymentView {
    pub id: i64,
    pub invoice_id: i64,
    pub method: PaymentMethodView,
    pub amount_cents: i64,
    /// A cheque's number, a CESU voucher's reference.
    pub reference: Option<String>,
    pub received_on: NaiveDate,
    pub recorded_at: DateTime<Utc>,
}

impl From<&Payment> for PaymentView {
    fn from(p: &Payment) -> Self {
        Self {
            id: p.id,
            invoice_id: p.invoice_id,
            method: PaymentMethodView::stored(&p.method).unwrap_or(PaymentMethodView::Cash),
            amount_cents: p.amount_cents,
            reference: p.reference.clone(),
            received_on: p.received_on,
            recorded_at: utc(p.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreditNoteView {
    pub id: i64,
    /// Runs per year with no gap: `AV2026-000007`.
    pub number: String,
    pub invoice_id: i64,
    pub amount_cents: i64,
    pub reason: String,
    pub issued_at: DateTime<Utc>,
}

impl From<&CreditNote> for CreditNoteView {
    fn from(c: &CreditNote) -> Self {
        Self {
            id: c.id,
            number: c.number.clone(),
            invoice_id: c.invoice_id,
            amount_cents: c.amount_cents,
            reason: c.reason.clone(),
            issued_at: utc(c.issued_at),
        }
    }
}

/// An invoice with its lines, the payments received and the credit notes issued on it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceView {
    #[serde(flatten)]
    pub summary: InvoiceSummaryView,
    pub lines: Vec<InvoiceLineView>,
    pub payments: Vec<PaymentView>,
    pub credit_notes: Vec<CreditNoteView>,
}

impl InvoiceView {
    pub fn new(detail: &InvoiceDetail, today: NaiveDate) -> Self {
        Self {
            summary: InvoiceSummaryView::new(&detail.invoice, today),
            lines: detail.lines.iter().map(InvoiceLineView::from).collect(),
            payments: detail.payments.iter().map(PaymentView::from).collect(),
            credit_notes: detail
                .credit_notes
                .iter()
                .map(CreditNoteView::from)
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MovementKindView {
    Invoice,
    Payment,
    CreditNote,
}

/// One movement of the family's account.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MovementView {
    pub kind: MovementKindView,
    /// The invoice's, payment's or credit note's id.
    pub id: i64,
    pub date: NaiveDate,
    /// The invoice's or credit note's number; for a payment, its invoice's.
    pub reference: String,
    /// What it adds to the balance: positive for an invoice, negative for a payment
    /// or a credit note.
    pub amount_cents: i64,
    pub invoice_id: i64,
    /// For a payment: how it was made.
    pub method: Option<String>,
}

impl From<&Movement> for MovementView {
    fn from(m: &Movement) -> Self {
        Self {
            kind: match m.kind {
                MovementKind::Invoice => MovementKindView::Invoice,
                MovementKind::Payment => MovementKindView::Payment,
                MovementKind::CreditNote => MovementKindView::CreditNote,
            },
            id: m.id,
            date: m.date,
            reference: m.reference.clone(),
            amount_cents: m.amount_cents,
            invoice_id: m.invoice_id,
            method: m.method.clone(),
        }
    }
}

/// The family's account: what it owes now, and a page of its movements, latest first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountStatementView {
    /// Invoices minus payments and credit notes (negative: the city owes the family).
    pub balance_cents: i64,
    #[schema(example = "EUR")]
    pub currency: String,
    pub movements: Page<MovementView>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BillingRunStatusView {
    /// Billing now; `dossiersDone` of `dossiersTotal` so far.
    Running,
    Completed,
    /// Its server stopped; the next run of the month takes over.
    Interrupted,
    /// Stopped on an error (logged); a new run resumes it.
    Failed,
}

/// One run of a month's billing and its progress.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BillingRunView {
    pub id: i64,
    #[schema(example = "2026-10")]
    pub month: String,
    pub status: BillingRunStatusView,
    /// Dossiers this run bills (0 until it has read the month).
    pub dossiers_total: i32,
    pub dossiers_done: i32,
    pub invoices_created: i32,
    pub total_cents: i64,
    #[schema(example = "EUR")]
    pub currency: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<&BillingRun> for BillingRunView {
    fn from(r: &BillingRun) -> Self {
        Self {
            id: r.id,
            month: month_text(r.month),
            status: match r.status.as_str() {
                "running" => BillingRunStatusView::Running,
                "completed" => BillingRunStatusView::Completed,
                "interrupted" => BillingRunStatusView::Interrupted,
                _ => BillingRunStatusView::Failed,
            },
            dossiers_total: r.dossiers_total,
            dossiers_done: r.dossiers_done,
            invoices_created: r.invoices_created,
            total_cents: r.total_cents,
            currency: "EUR".into(),
            started_at: utc(r.started_at),
            finished_at: r.finished_at.map(utc),
        }
    }
}

/// What a run would bill a dossier.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DossierBillView {
    pub dossier_id: i64,
    pub dossier_number: String,
    pub total_cents: i64,
    pub lines: Vec<InvoiceLineView>,
}

impl From<&DossierBill> for DossierBillView {
    fn from(b: &DossierBill) -> Self {
        Self {
            dossier_id: b.dossier_id,
            dossier_number: b.dossier_number.clone(),
            total_cents: b.total_cents,
            // As the run would write them (the invoice's id is not known yet).
            lines: (1..)
                .zip(&b.lines)
                .map(|(position, l)| InvoiceLineView::from(&billing::invoice_line(0, position, l)))
                .collect(),
        }
    }
}

/// What a run of the month would create now, nothing written.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BillingPreviewView {
    #[schema(example = "2026-10")]
    pub month: String,
    /// Invoices a run would create (dossiers with something to bill and no invoice
    /// for the month yet).
    pub invoices: i64,
    pub total_cents: i64,
    #[schema(example = "EUR")]
    pub currency: String,
    /// Dossiers that already have their invoice for the month.
    pub already_invoiced: i64,
    /// A page of the invoices, by dossier.
    pub bills: Page<DossierBillView>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct MonthQuery {
    /// The month, `YYYY-MM`.
    #[param(example = "2026-10", pattern = r"^\d{4}-\d{2}$")]
    pub month: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct InvoiceQuery {
    #[param(minimum = 1)]
    pub dossier_id: Option<i64>,
    /// The month billed, `YYYY-MM`.
    #[param(example = "2026-10", pattern = r"^\d{4}-\d{2}$")]
    pub month: Option<String>,
    /// Only invoices with something left to pay.
    pub unpaid: Option<bool>,
}

/// The month to bill.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BillingRunForm {
    /// `YYYY-MM`.
    #[schema(example = "2026-10", pattern = r"^\d{4}-\d{2}$")]
    pub month: String,
}

/// A payment received at the counter.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CounterPaymentForm {
    pub method: CounterMethodView,
    /// At most what is left to pay on the invoice.
    #[validate(range(min = 1, max = 10_000_000))]
    #[schema(minimum = 1, maximum = 10_000_000)]
    pub amount_cents: i64,
    /// A cheque's number, a CESU voucher's reference.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub reference: Option<String>,
    pub received_on: NaiveDate,
}

/// A correction of an invoice.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreditNoteForm {
    /// Credit notes of an invoice add up to at most its total.
    #[validate(range(min = 1, max = 10_000_000))]
    #[schema(minimum = 1, maximum = 10_000_000)]
    pub amount_cents: i64,
    /// Why: shown to the family.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

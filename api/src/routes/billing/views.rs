//! The DTOs of billing: invoices, their lines, payments, credit notes, the account
//! statement, billing runs and their preview.

use crate::usecases::billing::credits::{AccountCredit, CreditUse};
use crate::usecases::billing::{BillingRun, CreditNote, Invoice, InvoiceLine, Payment};
use crate::usecases::utc;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::billing::BillingRunStatus;
use domain::billing::{BillableKind, InvoiceStatus, PaymentMethod};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::openapi::enums::{api_enum, mirror_enum};
use crate::problem::{ApiError, FieldError};
use crate::routes::pagination::Page;
use crate::usecases::billing::invoices::{self, InvoiceDetail, Movement, MovementKind};
use crate::usecases::billing::{self, DossierBill};

mirror_enum! {
    /// Where an invoice stands for the family today.
    InvoiceStatusView => InvoiceStatus {
        /// Nothing paid yet (a credit note may have taken some off), and the due
        /// date not passed.
        ToPay = "to_pay",
        /// Some paid, some left to pay, and the due date not passed.
        PartlyPaid = "partly_paid",
        /// Nothing left to pay (credit notes included).
        Paid = "paid",
        /// Something left to pay after the due date.
        Overdue = "overdue",
    }
}

mirror_enum! {
    /// Why the days of an invoice line are billed.
    LineKindView => BillableKind {
        /// Booked days: the child came, or was absent without a justification.
        Booked = "booked",
        /// Days the child came without a booking, billed at the price with the
        /// activity's surcharge.
        Unbooked = "unbooked",
    }
}

mirror_enum! {
    /// How a payment was made: at the counter (`cheque`, `cash`, `cesu`), online
    /// through PayFiP (`card`, `direct_debit`), or from the family's account credit
    /// (`account_credit`: a basket its credits paid in full).
    PaymentMethodView => PaymentMethod {
        /// A cheque, at the counter.
        Cheque = "cheque",
        /// Cash, at the counter.
        Cash = "cash",
        /// CESU vouchers (chèques emploi service universel), at the counter.
        Cesu = "cesu",
        /// A bank card, online through PayFiP.
        Card = "card",
        /// A direct debit, online through PayFiP.
        DirectDebit = "direct_debit",
        /// The family's account credits (from cancelled holiday weeks).
        AccountCredit = "account_credit",
    }
}

api_enum! {
    /// How a payment was made at the counter.
    pub enum CounterMethodView {
        /// A cheque (its number in `reference`).
        Cheque = "cheque",
        /// Cash.
        Cash = "cash",
        /// CESU vouchers (chèques emploi service universel; their reference in
        /// `reference`).
        Cesu = "cesu",
    }
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
    /// The invoice's id.
    #[schema(example = 12)]
    pub id: i64,
    /// The invoice's number, as printed: `F`, the year, then a sequence that runs per
    /// year with no gap.
    #[schema(example = "F2026-000012")]
    pub number: String,
    /// The family's dossier billed.
    #[schema(example = 18)]
    pub dossier_id: i64,
    /// The month billed, `YYYY-MM`.
    #[schema(example = "2026-10")]
    pub month: String,
    /// The day it was issued (a date in the city's time zone).
    pub issued_on: NaiveDate,
    /// The last day to pay it (a date in the city's time zone); after it, what is
    /// left is overdue.
    pub due_on: NaiveDate,
    /// What it bills: the sum of its lines, in cents.
    #[schema(example = 6220)]
    pub total_cents: i64,
    /// What was paid on it so far (online and at the counter), in cents.
    #[schema(example = 0)]
    pub paid_cents: i64,
    /// What its credit notes took off, in cents.
    #[schema(example = 0)]
    pub credited_cents: i64,
    /// What is left to pay, in cents: total minus paid minus credited (negative: the
    /// city owes the family).
    #[schema(example = 6220)]
    pub balance_cents: i64,
    /// The currency of the amounts: always `EUR`.
    #[schema(example = "EUR")]
    pub currency: String,
    /// Where it stands for the family today.
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
    /// The line's rank on the invoice, from 1.
    #[schema(example = 1)]
    pub position: i32,
    /// The child billed. Null once the child's record is gone; the name stays as
    /// printed.
    #[schema(example = 2)]
    pub child_id: Option<i64>,
    /// The child's first name, as printed on the invoice.
    #[schema(example = "Eliot")]
    pub child_name: String,
    /// The activity billed. Null once the activity is gone; the name stays as printed.
    #[schema(example = 2)]
    pub activity_id: Option<i64>,
    /// The activity's name, as printed on the invoice.
    #[schema(example = "Restauration scolaire maternelle")]
    pub activity_name: String,
    /// The unit (time slot) billed. Null once the unit is gone; the name stays as
    /// printed.
    #[schema(example = 2)]
    pub unit_id: Option<i64>,
    /// The unit's name, as printed on the invoice.
    #[schema(example = "Repas")]
    pub unit_name: String,
    /// Why these days are billed.
    pub kind: LineKindView,
    /// The first day billed on this line (a date in the city's time zone).
    pub first_day: NaiveDate,
    /// The last day billed on this line (a date in the city's time zone).
    pub last_day: NaiveDate,
    /// How many days (units) are billed.
    #[schema(example = 12)]
    pub quantity: i32,
    /// The price of one, in cents (the family's price for its quotient, with the
    /// surcharge for unbooked days).
    #[schema(example = 285)]
    pub unit_price_cents: i64,
    /// Quantity times unit price, in cents.
    #[schema(example = 3420)]
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
            kind: l.kind.into(),
            first_day: l.first_day,
            last_day: l.last_day,
            quantity: l.quantity,
            unit_price_cents: l.unit_price_cents,
            amount_cents: l.amount_cents,
        }
    }
}

/// A payment received on an invoice, online or at the counter.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaymentView {
    /// The payment's id.
    #[schema(example = 9)]
    pub id: i64,
    /// The invoice it pays.
    #[schema(example = 12)]
    pub invoice_id: i64,
    /// How it was made.
    pub method: PaymentMethodView,
    /// The amount received, in cents.
    #[schema(example = 6220)]
    pub amount_cents: i64,
    /// A cheque's number, a CESU voucher's reference; null when there is none (cash,
    /// online payments).
    #[schema(example = "0001234")]
    pub reference: Option<String>,
    /// The day it was received (a date in the city's time zone).
    pub received_on: NaiveDate,
    /// When it was recorded (RFC 3339, UTC).
    pub recorded_at: DateTime<Utc>,
    /// A direct debit the bank returned after paying it: the day. The amount is then
    /// no longer counted in `paidCents`.
    pub reversed_on: Option<NaiveDate>,
    /// Why, in French.
    #[schema(example = "prélèvement retourné : remboursement demandé par le titulaire du compte")]
    pub reversal_reason: Option<String>,
}

impl From<&Payment> for PaymentView {
    fn from(p: &Payment) -> Self {
        Self {
            id: p.id,
            invoice_id: p.invoice_id,
            method: p.method.into(),
            amount_cents: p.amount_cents,
            reference: p.reference.clone(),
            received_on: p.received_on,
            recorded_at: utc(p.created_at),
            reversed_on: p.reversed_on,
            reversal_reason: p.reversal_reason.clone(),
        }
    }
}

/// A credit note: a correction taking an amount off an invoice, which stays as
/// issued.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreditNoteView {
    /// The credit note's id.
    #[schema(example = 3)]
    pub id: i64,
    /// Its number, as printed: `AV`, the year, then a sequence that runs per year with
    /// no gap.
    #[schema(example = "AV2026-000003")]
    pub number: String,
    /// The invoice it corrects.
    #[schema(example = 12)]
    pub invoice_id: i64,
    /// What it takes off the invoice, in cents.
    #[schema(example = 570)]
    pub amount_cents: i64,
    /// Why it was issued, as the agent wrote it (shown to the family).
    #[schema(example = "Repas du 12 juin non servi (sortie scolaire)")]
    pub reason: String,
    /// When it was issued (RFC 3339, UTC).
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
    /// The invoice's figures and status, as in a list.
    #[serde(flatten)]
    pub summary: InvoiceSummaryView,
    /// What it bills, line by line, in the order printed.
    pub lines: Vec<InvoiceLineView>,
    /// The payments received on it.
    pub payments: Vec<PaymentView>,
    /// The credit notes issued on it.
    pub credit_notes: Vec<CreditNoteView>,
    /// The family's account credits (from cancelled holiday weeks) it used: with its
    /// credit notes, in `creditedCents`.
    pub credits_used: Vec<CreditUseView>,
    /// Its SEPA direct debit, when the family pays so: show its `label` ("prélèvement
    /// prévu le …") instead of a pay button while `payableOtherwise` is false or the
    /// debit is scheduled.
    pub direct_debit: Option<super::direct_debit_views::InvoiceDebitView>,
}

/// What of an account credit an invoice or a basket used.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreditUseView {
    /// The account credit used (`GET /account-credits`).
    #[schema(example = 2)]
    pub credit_id: i64,
    /// Its number, as printed.
    #[schema(example = "AV2027-000002")]
    pub number: String,
    /// What was used of it, in cents.
    #[schema(example = 6088)]
    pub amount_cents: i64,
    /// When (RFC 3339, UTC).
    pub used_at: DateTime<Utc>,
}

impl From<&(CreditUse, String)> for CreditUseView {
    fn from((used, number): &(CreditUse, String)) -> Self {
        Self {
            credit_id: used.credit_id,
            number: number.clone(),
            amount_cents: used.amount_cents,
            used_at: utc(used.used_at),
        }
    }
}

/// What a cancelled holiday week (or a swap for a cheaper one) gave back to the
/// family: an account credit ("avoir") the next invoices and basket checkouts use
/// before any card payment.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountCreditView {
    /// The credit's id.
    #[schema(example = 2)]
    pub id: i64,
    /// Its number, as printed: `AV`, the year, then the credit notes' sequence.
    #[schema(example = "AV2027-000002")]
    pub number: String,
    /// The paid week (a basket item) whose change gave it.
    #[schema(example = 9)]
    pub basket_item_id: Option<i64>,
    /// What it gave, in cents.
    #[schema(example = 6088)]
    pub amount_cents: i64,
    /// What is left to use, in cents.
    #[schema(example = 6088)]
    pub remaining_cents: i64,
    /// The currency of the amounts: always `EUR`.
    #[schema(example = "EUR")]
    pub currency: String,
    /// Why it was issued (shown to the family).
    #[schema(example = "Annulation de la semaine du lundi 12 juillet 2027 (Léa)")]
    pub reason: String,
    /// When it was issued (RFC 3339, UTC).
    pub issued_at: DateTime<Utc>,
}

impl From<&AccountCredit> for AccountCreditView {
    fn from(c: &AccountCredit) -> Self {
        Self {
            id: c.id,
            number: c.number.clone(),
            basket_item_id: c.basket_item_id,
            amount_cents: c.amount_cents,
            remaining_cents: c.remaining_cents,
            currency: "EUR".to_owned(),
            reason: c.reason.clone(),
            issued_at: utc(c.issued_at),
        }
    }
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
            credits_used: detail
                .credits_used
                .iter()
                .map(CreditUseView::from)
                .collect(),
            direct_debit: detail
                .debit
                .as_ref()
                .map(super::direct_debit_views::InvoiceDebitView::from),
        }
    }
}

api_enum! {
    /// What a movement of the family's account is.
    pub enum MovementKindView {
        /// An invoice issued: adds to the balance.
        Invoice = "invoice",
        /// A payment received: takes from the balance.
        Payment = "payment",
        /// A credit note issued on an invoice: takes from the balance.
        CreditNote = "credit_note",
        /// An account credit issued for a cancelled (or cheaper swapped) holiday week:
        /// takes from the balance; the next invoices use it (in their `creditedCents`).
        AccountCredit = "account_credit",
        /// An account credit used by a basket of holiday weeks: adds back to the
        /// balance what the credit paid of the basket.
        CreditUse = "credit_use",
        /// A direct debit the bank returned after paying it (the account holder asked
        /// their bank for a refund): adds back to the balance what the payment took.
        PaymentReturned = "payment_returned",
    }
}

/// One movement of the family's account.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MovementView {
    /// What the movement is.
    pub kind: MovementKindView,
    /// The invoice's, payment's, credit note's, account credit's or credit use's id.
    #[schema(example = 12)]
    pub id: i64,
    /// When it happened (a date in the city's time zone): an invoice's issue date, a
    /// payment's day of receipt, a credit's issue date, a credit use's date.
    pub date: NaiveDate,
    /// The invoice's or credit's number; for a payment, its invoice's; for a credit
    /// use, the credit's.
    #[schema(example = "F2026-000012")]
    pub reference: String,
    /// What it adds to the balance, in cents: positive for an invoice or a credit
    /// use, negative for a payment, a credit note or an account credit.
    #[schema(example = 6220)]
    pub amount_cents: i64,
    /// The invoice it concerns (the invoice itself, or the one paid or credited);
    /// null for an account credit or a credit use.
    #[schema(example = 12)]
    pub invoice_id: Option<i64>,
    /// The basket a credit use paid; null for other movements.
    #[schema(example = json!(null))]
    pub basket_id: Option<i64>,
    /// For a payment: how it was made (a `PaymentMethod` value: `cheque`, `cash`,
    /// `cesu`, `card`, `direct_debit`); null for an invoice or a credit note.
    #[schema(example = "card")]
    pub method: Option<String>,
}

impl From<&Movement> for MovementView {
    fn from(m: &Movement) -> Self {
        Self {
            kind: match m.kind {
                MovementKind::Invoice => MovementKindView::Invoice,
                MovementKind::Payment => MovementKindView::Payment,
                MovementKind::CreditNote => MovementKindView::CreditNote,
                MovementKind::AccountCredit => MovementKindView::AccountCredit,
                MovementKind::CreditUse => MovementKindView::CreditUse,
                MovementKind::PaymentReturned => MovementKindView::PaymentReturned,
            },
            id: m.id,
            date: m.date,
            reference: m.reference.clone(),
            amount_cents: m.amount_cents,
            invoice_id: m.invoice_id,
            basket_id: m.basket_id,
            method: m.method.map(|m| m.as_str().to_owned()),
        }
    }
}

/// The family's account: what it owes now, and a page of its movements, latest first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountStatementView {
    /// Invoices minus payments and credit notes, in cents (negative: the city owes the
    /// family).
    #[schema(example = 6220)]
    pub balance_cents: i64,
    /// The currency of the amounts: always `EUR`.
    #[schema(example = "EUR")]
    pub currency: String,
    /// A page of the account's movements, latest first.
    pub movements: Page<MovementView>,
}

api_enum! {
    /// Where a billing run stands.
    pub enum BillingRunStatusView {
        /// Billing now; `dossiersDone` of `dossiersTotal` so far.
        Running = "running",
        /// Every dossier of the month billed.
        Completed = "completed",
        /// Its server stopped; the next run of the month takes over.
        Interrupted = "interrupted",
        /// Stopped on an error (logged); a new run resumes it.
        Failed = "failed",
    }
}

/// One run of a month's billing and its progress.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BillingRunView {
    /// The run's id.
    #[schema(example = 4)]
    pub id: i64,
    /// The month billed, `YYYY-MM`.
    #[schema(example = "2026-10")]
    pub month: String,
    /// Where the run stands.
    pub status: BillingRunStatusView,
    /// Dossiers this run bills (0 until it has read the month).
    #[schema(example = 412)]
    pub dossiers_total: i32,
    /// Dossiers billed so far.
    #[schema(example = 412)]
    pub dossiers_done: i32,
    /// Invoices this run created so far.
    #[schema(example = 398)]
    pub invoices_created: i32,
    /// The total of the invoices this run created so far, in cents.
    #[schema(example = 2456780)]
    pub total_cents: i64,
    /// The currency of the amounts: always `EUR`.
    #[schema(example = "EUR")]
    pub currency: String,
    /// When the run started (RFC 3339, UTC).
    pub started_at: DateTime<Utc>,
    /// When it ended (completed, interrupted or failed; RFC 3339, UTC); null while
    /// running.
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<&BillingRun> for BillingRunView {
    fn from(r: &BillingRun) -> Self {
        Self {
            id: r.id,
            month: month_text(r.month),
            status: match r.status {
                BillingRunStatus::Running => BillingRunStatusView::Running,
                BillingRunStatus::Completed => BillingRunStatusView::Completed,
                BillingRunStatus::Interrupted => BillingRunStatusView::Interrupted,
                BillingRunStatus::Failed => BillingRunStatusView::Failed,
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
    /// The dossier billed.
    #[schema(example = 18)]
    pub dossier_id: i64,
    /// The dossier's number, as the family knows it.
    #[schema(example = "18")]
    pub dossier_number: String,
    /// What its invoice would bill, in cents.
    #[schema(example = 6220)]
    pub total_cents: i64,
    /// The invoice's lines, as a run would write them.
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
    /// The month previewed, `YYYY-MM`.
    #[schema(example = "2026-10")]
    pub month: String,
    /// Invoices a run would create (dossiers with something to bill and no invoice
    /// for the month yet).
    #[schema(example = 398)]
    pub invoices: i64,
    /// The total of those invoices, in cents.
    #[schema(example = 2456780)]
    pub total_cents: i64,
    /// The currency of the amounts: always `EUR`.
    #[schema(example = "EUR")]
    pub currency: String,
    /// Dossiers that already have their invoice for the month.
    #[schema(example = 0)]
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
    /// Only the invoices of this dossier (its id).
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
    /// The month to bill, `YYYY-MM` (2000 to 2100).
    #[schema(example = "2026-10", pattern = r"^\d{4}-\d{2}$")]
    pub month: String,
}

/// A payment received at the counter.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CounterPaymentForm {
    /// How it was paid.
    pub method: CounterMethodView,
    /// The amount received, in cents: at most what is left to pay on the invoice.
    #[validate(range(min = 1, max = 10_000_000))]
    #[schema(minimum = 1, maximum = 10_000_000)]
    pub amount_cents: i64,
    /// A cheque's number, a CESU voucher's reference; null or absent when there is
    /// none (cash).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "0001234")]
    pub reference: Option<String>,
    /// The day it was received at the counter (a date in the city's time zone).
    pub received_on: NaiveDate,
}

/// A correction of an invoice.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreditNoteForm {
    /// What to take off the invoice, in cents; the credit notes of an invoice add up
    /// to at most its total.
    #[validate(range(min = 1, max = 10_000_000))]
    #[schema(minimum = 1, maximum = 10_000_000)]
    pub amount_cents: i64,
    /// Why it is issued: shown to the family.
    #[validate(length(min = 1, max = 500))]
    #[schema(
        min_length = 1,
        max_length = 500,
        example = "Repas du 12 juin non servi (sortie scolaire)"
    )]
    pub reason: String,
}

//! Billing: which days of a month are billed, how they gather into invoice lines,
//! the numbers of invoices and credit notes, an invoice's status, how a payment is
//! named to PayFiP, what the yearly childcare tax certificate says, and SEPA direct
//! debit.

mod lines;
pub mod payfip;
pub mod sepa;
mod status;
pub mod tax_certificate;
mod vocabulary;

pub use lines::{Entry, Line, billable, lines, surcharged};
pub use status::{
    PAYMENT_TERM_DAYS, balance, credit_note_number, due_on, invoice_number, month_span, status,
};
pub use vocabulary::{
    BillableKind, BillingRunStatus, InvoiceStatus, OnlinePaymentStatus, PaymentMethod,
    PaymentProvider,
};

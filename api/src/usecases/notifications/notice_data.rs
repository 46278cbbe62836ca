//! What a notification gives a client or another system to act on, typed by kind: the
//! ids to open, the amounts and dates to show. Stored with the event as JSON (the
//! `kind` tag included), served in the notification and in webhook payloads. Statuses
//! and methods stay text here, written from the domain's enums, so stored rows always
//! read back; the contract names their enum (`value_type`).

use chrono::{DateTime, NaiveDate, Utc};
use domain::notifications::NoticeKind;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a notification is about, told apart by `kind` (the notification's own kind).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[schema(as = NotificationData)]
pub enum NoticeData {
    /// A registration accepted, refused, waitlisted or cancelled, or a freed place given.
    RegistrationDecided(RegistrationDecidedData),
    /// A freed holiday week held for the family until a deadline.
    WaitlistOffer(WaitlistOfferData),
    /// A request (démarche) accepted or refused.
    RequestDecided(RequestDecidedData),
    /// The invoice of a month is out.
    InvoiceIssued(InvoiceIssuedData),
    /// A payment arrived: of an invoice (online or at the counter) or of a basket.
    PaymentReceived(PaymentReceivedData),
    /// An online payment was refused by the bank.
    PaymentRefused(PaymentRefusedData),
    /// The city closed a day: its bookings are cancelled and not billed.
    ClosureDay(ClosureDayData),
    /// An activity's booking window opened.
    BookingWindowOpening(BookingWindowOpeningData),
    /// An activity's booking window closes in two days.
    BookingWindowClosing(BookingWindowClosingData),
    /// An agent accepted or refused a document the family uploaded.
    DocumentReviewed(DocumentReviewedData),
    /// A required document expires within 30 days.
    DocumentExpiring(DocumentExpiringData),
    /// A renewal campaign opened, or closes soon.
    RenewalReminder(RenewalReminderData),
    /// An agent validated the family's renewal or sent it back.
    RenewalDecided(RenewalDecidedData),
    /// An invoice will be debited: its amount and date, 14 days ahead at least (the
    /// SEPA pre-notification).
    DirectDebitScheduled(DirectDebitScheduledData),
    /// The bank rejected or returned a debit: the invoice is to pay again.
    DirectDebitRejected(DirectDebitRejectedData),
    /// A child's second household linked, its custody schedule set, or the link ended.
    CustodyChanged(CustodyChangedData),
}

impl NoticeData {
    pub fn kind(&self) -> NoticeKind {
        match self {
            Self::RegistrationDecided(_) => NoticeKind::RegistrationDecided,
            Self::WaitlistOffer(_) => NoticeKind::WaitlistOffer,
            Self::RequestDecided(_) => NoticeKind::RequestDecided,
            Self::InvoiceIssued(_) => NoticeKind::InvoiceIssued,
            Self::PaymentReceived(_) => NoticeKind::PaymentReceived,
            Self::PaymentRefused(_) => NoticeKind::PaymentRefused,
            Self::ClosureDay(_) => NoticeKind::ClosureDay,
            Self::BookingWindowOpening(_) => NoticeKind::BookingWindowOpening,
            Self::BookingWindowClosing(_) => NoticeKind::BookingWindowClosing,
            Self::DocumentReviewed(_) => NoticeKind::DocumentReviewed,
            Self::DocumentExpiring(_) => NoticeKind::DocumentExpiring,
            Self::RenewalReminder(_) => NoticeKind::RenewalReminder,
            Self::RenewalDecided(_) => NoticeKind::RenewalDecided,
            Self::DirectDebitScheduled(_) => NoticeKind::DirectDebitScheduled,
            Self::DirectDebitRejected(_) => NoticeKind::DirectDebitRejected,
            Self::CustodyChanged(_) => NoticeKind::CustodyChanged,
        }
    }

    /// Reads what an event stored; events written before the data carried its `kind`
    /// get it from the event's own kind.
    pub fn read(kind: NoticeKind, stored: &str) -> serde_json::Result<Self> {
        let mut value: serde_json::Value = serde_json::from_str(stored)?;
        if let Some(object) = value.as_object_mut() {
            object
                .entry("kind")
                .or_insert_with(|| serde_json::Value::String(kind.as_str().to_owned()));
        }
        serde_json::from_value(value)
    }
}

/// About a registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"kind": "registration_decided", "registrationId": 12, "childId": 3, "activityId": 1, "status": "refused", "reason": "Groupe complet"}))]
pub struct RegistrationDecidedData {
    /// The registration (`GET /registrations/{registrationId}`).
    #[schema(example = 12)]
    pub registration_id: i64,
    /// The child registered.
    #[schema(example = 3)]
    pub child_id: i64,
    /// The activity.
    #[schema(example = 1)]
    pub activity_id: i64,
    /// Where the registration stands now.
    #[schema(value_type = crate::routes::activities::registrations::RegistrationStatusView, example = "accepted")]
    pub status: String,
    /// Why, when the city refused or cancelled it.
    #[schema(example = "Groupe complet")]
    pub reason: Option<String>,
}

/// A holiday week offered from the waiting line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WaitlistOfferData {
    /// The basket holding the week, to pay (`POST /baskets/{basketId}/online-payments`).
    #[schema(example = 7)]
    pub basket_id: i64,
    /// The child the week is for.
    #[schema(example = 3)]
    pub child_id: i64,
    /// The holiday activity.
    #[schema(example = 3)]
    pub activity_id: i64,
    /// The week's Monday.
    #[schema(example = "2027-07-12")]
    pub week_start: NaiveDate,
    /// What the week costs this family, in cents.
    #[schema(example = 7610)]
    pub amount_cents: i64,
    /// Unpaid by then, the place goes to the next family waiting.
    #[schema(example = "2027-06-20T21:59:59Z")]
    pub offer_expires_at: DateTime<Utc>,
}

/// About a request (démarche).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequestDecidedData {
    /// The request (`GET /requests/{requestId}`).
    #[schema(example = 4)]
    pub request_id: i64,
    /// Its kind.
    #[schema(value_type = crate::routes::dossiers::requests::FamilyRequestKindView, example = "family_quotient")]
    pub request_kind: String,
    /// The decision: `accepted` or `refused`.
    #[schema(value_type = crate::routes::dossiers::requests::FamilyRequestStatusView, example = "accepted")]
    pub status: String,
}

/// An invoice issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceIssuedData {
    /// The invoice (`GET /invoices/{invoiceId}`).
    #[schema(example = 12)]
    pub invoice_id: i64,
    /// Its number, as printed.
    #[schema(example = "F2026-000012")]
    pub number: String,
    /// The month it bills, `YYYY-MM`.
    #[schema(example = "2026-11", pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub month: String,
    /// Its total, in cents.
    #[schema(example = 5700)]
    pub total_cents: i64,
    /// The last day to pay it.
    #[schema(example = "2026-12-31")]
    pub due_on: NaiveDate,
}

/// A debit announced (pre-notification).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DirectDebitScheduledData {
    /// The invoice debited (`GET /invoices/{invoiceId}`).
    #[schema(example = 12)]
    pub invoice_id: i64,
    /// Its number, as printed.
    #[schema(example = "F2027-000012")]
    pub number: String,
    /// The amount debited, in cents.
    #[schema(example = 6220)]
    pub amount_cents: i64,
    /// The day the account is debited.
    #[schema(example = "2027-02-04")]
    pub collection_date: NaiveDate,
    /// The mandate's unique reference (RUM).
    #[schema(example = "EF-18-000001")]
    pub mandate_reference: String,
    /// The city's SEPA creditor identifier (ICS).
    #[schema(example = "FR72ZZZ123456")]
    pub creditor_id: String,
    /// The account debited, masked.
    #[schema(example = "FR76 **** 0189")]
    pub account: String,
}

/// A debit rejected or returned by the bank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DirectDebitRejectedData {
    /// The invoice, to pay again (`GET /invoices/{invoiceId}`).
    #[schema(example = 12)]
    pub invoice_id: i64,
    /// Its number, as printed.
    #[schema(example = "F2027-000012")]
    pub number: String,
    /// The amount that was not debited, in cents.
    #[schema(example = 6220)]
    pub amount_cents: i64,
    /// The bank's ISO 20022 reason code.
    #[schema(example = "AM04")]
    pub reason_code: String,
    /// The reason, in French.
    #[schema(example = "provision insuffisante")]
    pub reason: String,
    /// Whether the mandate was suspended (two rejections in a row, or a final one):
    /// the next invoices are not debited.
    pub mandate_suspended: bool,
}

/// A payment received: of an invoice (`invoiceId` and `number`) or of a basket
/// (`basketId`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaymentReceivedData {
    /// The invoice paid; null for a basket.
    #[serde(default)]
    #[schema(example = 12)]
    pub invoice_id: Option<i64>,
    /// The invoice's number; null for a basket.
    #[serde(default)]
    #[schema(example = "F2026-000012")]
    pub number: Option<String>,
    /// The basket paid; null for an invoice.
    #[serde(default)]
    #[schema(example = json!(null))]
    pub basket_id: Option<i64>,
    /// The amount received, in cents.
    #[schema(example = 5700)]
    pub amount_cents: i64,
    /// How it was paid.
    #[schema(value_type = crate::routes::billing::views::PaymentMethodView, example = "card")]
    pub method: String,
}

/// An online payment refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRefusedData {
    /// The payment attempt (`GET /online-payments/{idop}` with its `idop`).
    #[schema(example = 5)]
    pub online_payment_id: i64,
    /// The payment service's reference of the attempt; null if it never got one.
    #[schema(example = "c7ab46b124554d8f8b1a016716bcab8a")]
    pub idop: Option<String>,
    /// The invoice it was to pay; null for a basket.
    #[schema(example = 12)]
    pub invoice_id: Option<i64>,
    /// The basket it was to pay; null for an invoice.
    #[schema(example = json!(null))]
    pub basket_id: Option<i64>,
    /// The amount, in cents; nothing was debited.
    #[schema(example = 5700)]
    pub amount_cents: i64,
}

/// A day the city closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClosureDayData {
    /// The closure (`GET /admin/closure-days` lists them).
    #[schema(example = 2)]
    pub closure_day_id: i64,
    /// The day closed.
    #[schema(example = "2027-03-15")]
    pub day: NaiveDate,
    /// The activity closed; null when every activity is.
    #[schema(example = json!(null))]
    pub activity_id: Option<i64>,
    /// Why, as the city wrote it.
    #[schema(example = "Grève")]
    pub reason: String,
    /// How many of the family's bookings of that day were cancelled.
    #[schema(example = 2)]
    pub bookings_cancelled: usize,
}

/// An activity's booking window, just opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BookingWindowOpeningData {
    /// The activity to book.
    #[schema(example = 3)]
    pub activity_id: i64,
    /// When bookings opened.
    #[schema(example = "2027-05-03T06:00:00Z")]
    pub opens_at: DateTime<Utc>,
    /// When they close.
    #[schema(example = "2027-05-23T22:00:00Z")]
    pub closes_at: DateTime<Utc>,
}

/// An activity's booking window, closing in two days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BookingWindowClosingData {
    /// The activity to book.
    #[schema(example = 3)]
    pub activity_id: i64,
    /// When bookings opened.
    #[schema(example = "2027-05-03T06:00:00Z")]
    pub opens_at: DateTime<Utc>,
    /// When they close.
    #[schema(example = "2027-05-23T22:00:00Z")]
    pub closes_at: DateTime<Utc>,
}

/// A document an agent reviewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DocumentReviewedData {
    /// The document (`GET /documents/{documentId}`).
    #[schema(example = 41)]
    pub document_id: i64,
    /// Its kind.
    #[schema(value_type = crate::routes::dossiers::views::DocumentKindView, example = "school_insurance")]
    pub document_kind: String,
    /// The review: `accepted` or `refused`.
    #[schema(value_type = crate::routes::dossiers::views::DocumentStatusView, example = "refused")]
    pub status: String,
    /// Why it was refused.
    #[schema(example = "Attestation illisible")]
    pub reason: Option<String>,
}

/// A required document about to expire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DocumentExpiringData {
    /// The document (`GET /documents/{documentId}`).
    #[schema(example = 41)]
    pub document_id: i64,
    /// Its kind.
    #[schema(value_type = crate::routes::dossiers::views::DocumentKindView, example = "address_proof")]
    pub document_kind: String,
    /// Its last valid day.
    #[schema(example = "2026-12-17")]
    pub valid_until: NaiveDate,
}

/// A renewal campaign open to the family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RenewalReminderData {
    /// The campaign (`GET /renewal`).
    #[schema(example = 2)]
    pub campaign_id: i64,
    /// The school year it renews the file for (its first calendar year).
    #[schema(example = 2027)]
    pub school_year: i32,
    /// Its last day.
    #[schema(example = "2027-06-30")]
    pub closes_on: NaiveDate,
}

/// An agent's decision on the family's renewal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RenewalDecidedData {
    /// The campaign (`GET /renewal`).
    #[schema(example = 2)]
    pub campaign_id: i64,
    /// `validated`, or `returned` to complete.
    #[schema(value_type = crate::routes::dossiers::renewals::RenewalStatusView, example = "returned")]
    pub status: String,
    /// The agent's comment.
    #[schema(example = "Merci de joindre l'attestation d'assurance de Luc.")]
    pub comment: Option<String>,
}

/// A change in the custody of a child of separated parents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustodyChangedData {
    /// The child (`GET /children/{childId}/custody`).
    #[schema(example = 3)]
    pub child_id: i64,
    /// `linked`: the child now has two households; `schedule_set`: who has the child
    /// when changes from `validFrom`; `ended`: one household again from `validFrom`.
    #[schema(example = "schedule_set")]
    pub change: String,
    /// The first day the change applies.
    #[schema(example = "2027-01-04")]
    pub valid_from: NaiveDate,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_stored_before_it_carried_its_kind_reads_with_the_events_kind() {
        let read = NoticeData::read(
            NoticeKind::InvoiceIssued,
            r#"{"invoiceId": 1, "number": "F1", "month": "2026-11", "totalCents": 5, "dueOn": "2026-12-31"}"#,
        )
        .unwrap();
        assert_eq!(read.kind(), NoticeKind::InvoiceIssued);
        let written = serde_json::to_string(&read).unwrap();
        assert!(written.contains(r#""kind":"invoice_issued""#), "{written}");
        assert_eq!(
            NoticeData::read(NoticeKind::ClosureDay, &written).unwrap(),
            read
        );
    }
}

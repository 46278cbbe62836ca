//! What a push carries: a title and a short body in the subscription's language, the
//! portal link and the data an app acts on (the notification's `kind`, `data` and
//! id, as `GET /me/notifications` shows them). A lock screen shows the title and body
//! before anyone unlocks the phone: the title names what happened, the body is the
//! notification's own short title (French) or the kind's English sentence.

use domain::notifications::NoticeKind;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The JSON a device receives (Web Push: the decrypted body; FCM and APNs: the same
/// fields in their envelopes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PushPayload {
    pub notification_id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    /// The portal page to open.
    pub link: Option<String>,
    /// The notification's `data` (ids, amounts, dates).
    pub data: Value,
}

impl PushPayload {
    /// The payload of a notification for a subscription in `language` (`fr` or `en`).
    pub fn new(
        notification_id: i64,
        kind: NoticeKind,
        french_title: &str,
        link: Option<&str>,
        data: Value,
        language: &str,
    ) -> Self {
        let (fr, en, sentence) = texts(kind);
        let (title, body) = if language == "en" {
            (en, sentence.to_owned())
        } else {
            (fr, french_title.to_owned())
        };
        Self {
            notification_id,
            kind: kind.as_str().to_owned(),
            title: title.to_owned(),
            body,
            link: link.map(str::to_owned),
            data,
        }
    }
}

/// A kind's title in French and English, and its English sentence.
fn texts(kind: NoticeKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        NoticeKind::RegistrationDecided => {
            ("Inscription", "Registration", "A registration was decided.")
        }
        NoticeKind::WaitlistOffer => (
            "Place proposée",
            "A place for you",
            "A freed holiday week is held for you until a deadline.",
        ),
        NoticeKind::RequestDecided => ("Démarche", "Request", "Your request was answered."),
        NoticeKind::InvoiceIssued => (
            "Nouvelle facture",
            "New invoice",
            "The invoice of the month is out.",
        ),
        NoticeKind::PaymentReceived => (
            "Paiement reçu",
            "Payment received",
            "A payment was received.",
        ),
        NoticeKind::PaymentRefused => (
            "Paiement refusé",
            "Payment refused",
            "An online payment was refused by the bank.",
        ),
        NoticeKind::ClosureDay => (
            "Fermeture",
            "Closure day",
            "The city closed a day: its bookings are cancelled, not billed.",
        ),
        NoticeKind::BookingWindowOpening => (
            "Réservations ouvertes",
            "Bookings open",
            "An activity's booking window opened.",
        ),
        NoticeKind::BookingWindowClosing => (
            "Réservations bientôt closes",
            "Bookings close soon",
            "An activity's booking window closes in two days.",
        ),
        NoticeKind::DocumentReviewed => (
            "Document examiné",
            "Document reviewed",
            "A document you uploaded was reviewed.",
        ),
        NoticeKind::DocumentExpiring => (
            "Document à renouveler",
            "Document expiring",
            "A required document expires within 30 days.",
        ),
        NoticeKind::RenewalReminder => (
            "Renouvellement du dossier",
            "File renewal",
            "The renewal of your family file is open.",
        ),
        NoticeKind::RenewalDecided => (
            "Renouvellement examiné",
            "Renewal reviewed",
            "Your family file's renewal was reviewed.",
        ),
        NoticeKind::DirectDebitScheduled => (
            "Prélèvement prévu",
            "Direct debit scheduled",
            "An invoice will be debited.",
        ),
        NoticeKind::DirectDebitRejected => (
            "Prélèvement rejeté",
            "Direct debit rejected",
            "A debit was rejected: the invoice is to pay again.",
        ),
        NoticeKind::CustodyChanged => (
            "Garde alternée",
            "Shared custody",
            "A child's custody schedule changed.",
        ),
    }
}

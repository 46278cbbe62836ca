//! What a family is told about, what it gets an email for by default, and how a
//! webhook delivery is retried.

use chrono::Duration;

use crate::stored::stored_enum;

stored_enum! {
    /// The events that concern a family: each makes an in-portal notification, an
    /// email (by the family's preference) and a webhook delivery (by subscription).
    NoticeKind {
        RegistrationDecided => "registration_decided",
        WaitlistOffer => "waitlist_offer",
        RequestDecided => "request_decided",
        InvoiceIssued => "invoice_issued",
        PaymentReceived => "payment_received",
        PaymentRefused => "payment_refused",
        ClosureDay => "closure_day",
        BookingWindowOpening => "booking_window_opening",
        BookingWindowClosing => "booking_window_closing",
        DocumentReviewed => "document_reviewed",
        DocumentExpiring => "document_expiring",
        RenewalReminder => "renewal_reminder",
        RenewalDecided => "renewal_decided",
        DirectDebitScheduled => "direct_debit_scheduled",
        DirectDebitRejected => "direct_debit_rejected",
        CustodyChanged => "custody_changed",
    }
}

/// Attempts after which a webhook delivery is given up (and stays visible as failed).
pub const WEBHOOK_MAX_ATTEMPTS: i32 = 8;

/// The wait before the next try after `attempts` failed ones: 1 and 5 minutes, then
/// 30 minutes, 2, 6, 12 and 24 hours (nearly two days in all, so a receiver down for
/// a night or a long maintenance misses nothing); `None` once `WEBHOOK_MAX_ATTEMPTS` have failed.
pub fn webhook_retry_delay(attempts: i32) -> Option<Duration> {
    const MINUTES: [i64; 7] = [1, 5, 30, 120, 360, 720, 1440];
    if attempts >= WEBHOOK_MAX_ATTEMPTS {
        return None;
    }
    let index = usize::try_from(attempts.max(1) - 1).unwrap_or(0);
    MINUTES.get(index).map(|m| Duration::minutes(*m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_from_their_stored_words() {
        for kind in NoticeKind::ALL {
            assert_eq!(kind.as_str().parse::<NoticeKind>(), Ok(*kind));
        }
        assert!("invoice".parse::<NoticeKind>().is_err());
    }

    #[test]
    fn webhook_delays_grow_then_give_up() {
        assert_eq!(webhook_retry_delay(1), Some(Duration::minutes(1)));
        assert_eq!(webhook_retry_delay(2), Some(Duration::minutes(5)));
        assert_eq!(webhook_retry_delay(7), Some(Duration::hours(24)));
        assert_eq!(webhook_retry_delay(8), None);
        let total: i64 = (1..8)
            .filter_map(webhook_retry_delay)
            .map(|d| d.num_minutes())
            .sum();
        assert!(total >= 44 * 60, "{total} minutes of retries");
    }
}

stored_enum! {
    /// A webhook delivery: pending (tried again with backoff), delivered, or failed
    /// once its attempts ran out.
    DeliveryStatus { Pending => "pending", Delivered => "delivered", Failed => "failed" }
}

//! A basket of holiday weeks, paid at once, and the waiting line of a full week: their
//! states, and what a payment's end does to a basket.

use crate::stored::stored_enum;

stored_enum! {
    /// Where a basket stands: filled (open), its places held while the family pays
    /// (held), then paid, or given back (failed, abandoned, or expired unpaid).
    BasketStatus {
        Open => "open",
        Held => "held",
        Paid => "paid",
        Failed => "failed",
        Abandoned => "abandoned",
        Expired => "expired",
    }
}

/// How a basket's payment ended, as the payment service says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentResult {
    Paid,
    Refused,
    Abandoned,
}

impl BasketStatus {
    /// The statuses whose places count against a week's capacity.
    pub const HOLDING: [Self; 2] = [Self::Held, Self::Paid];

    /// The status a held basket takes when its payment ends.
    pub fn after_payment(result: PaymentResult) -> Self {
        match result {
            PaymentResult::Paid => Self::Paid,
            PaymentResult::Refused => Self::Failed,
            PaymentResult::Abandoned => Self::Abandoned,
        }
    }

    /// Whether the basket gave its places back (unpaid): a payment that comes after
    /// must take them again, if they are still free.
    pub fn gave_places_back(self) -> bool {
        matches!(self, Self::Expired | Self::Failed | Self::Abandoned)
    }
}

stored_enum! {
    /// A child's place in a full week's waiting line: waiting, offered a freed place
    /// (a basket held for them), then taken (paid) or lapsed (unpaid in time).
    WeekWaitlistStatus {
        Waiting => "waiting",
        Offered => "offered",
        Taken => "taken",
        Lapsed => "lapsed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payment_ends_a_held_basket_paid_or_gives_its_places_back() {
        assert_eq!(
            BasketStatus::after_payment(PaymentResult::Paid),
            BasketStatus::Paid
        );
        for result in [PaymentResult::Refused, PaymentResult::Abandoned] {
            assert!(BasketStatus::after_payment(result).gave_places_back());
        }
        assert!(!BasketStatus::Held.gave_places_back());
        assert!(BasketStatus::Expired.gave_places_back());
    }

    #[test]
    fn a_stored_status_outside_the_list_is_an_error_naming_it() {
        assert_eq!(
            BasketStatus::try_from("held".to_owned()),
            Ok(BasketStatus::Held)
        );
        let error = BasketStatus::try_from("hold".to_owned())
            .err()
            .unwrap_or_default();
        assert!(error.contains("hold"), "{error}");
    }
}

//! Billing's stored words.

use crate::dossiers::vocabulary::stored_enum;

stored_enum! {
    /// Why a day is billed: it was booked (and the child came, or missed it without a
    /// justification), or the child came without a booking (billed with the surcharge).
    BillableKind {
        Booked => "booked",
        Unbooked => "unbooked",
    }
}

stored_enum! {
    /// Where an invoice stands for the family.
    InvoiceStatus {
        ToPay => "to_pay",
        PartlyPaid => "partly_paid",
        Paid => "paid",
        Overdue => "overdue",
    }
}

stored_enum! {
    /// How a payment was made: at the counter (cheque, cash, CESU vouchers), or online
    /// through PayFiP (card, direct debit).
    PaymentMethod {
        Cheque => "cheque",
        Cash => "cash",
        Cesu => "cesu",
        Card => "card",
        DirectDebit => "direct_debit",
    }
}

//! Billing's stored words.

use crate::stored::stored_enum;

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
    /// How a payment was made: at the counter (cheque, cash, CESU vouchers), online
    /// through PayFiP (card, direct debit), or by the family's account credits.
    PaymentMethod {
        Cheque => "cheque",
        Cash => "cash",
        Cesu => "cesu",
        Card => "card",
        DirectDebit => "direct_debit",
        AccountCredit => "account_credit",
    }
}

stored_enum! {
    /// Who takes an online payment: the treasury's PayFiP, or the built-in sandbox
    /// that stands in for it locally.
    PaymentProvider {
        Sandbox => "sandbox",
        PayFip => "payfip",
    }
}

stored_enum! {
    /// An online payment attempt: being created at the provider, then pending until
    /// the provider says how it ended.
    OnlinePaymentStatus {
        Creating => "creating",
        Pending => "pending",
        Paid => "paid",
        Refused => "refused",
        Abandoned => "abandoned",
        Failed => "failed",
    }
}

stored_enum! {
    /// A month's billing run: running (one at a time), then completed, or interrupted
    /// (a crash: the next run goes on) or failed.
    BillingRunStatus {
        Running => "running",
        Completed => "completed",
        Interrupted => "interrupted",
        Failed => "failed",
    }
}

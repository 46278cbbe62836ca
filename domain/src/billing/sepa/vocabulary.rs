//! Direct debit's stored words.

use crate::stored::stored_enum;

stored_enum! {
    /// Where a mandate stands: usable (active), suspended by the city (two rejections
    /// in a row, or an agent's decision), revoked (by the family, or replaced by a new
    /// account), or lapsed (36 months unused).
    MandateStatus {
        Active => "active",
        Suspended => "suspended",
        Revoked => "revoked",
        Lapsed => "lapsed",
    }
}

stored_enum! {
    /// How a mandate was signed: online by the family, or on paper, recorded by an agent.
    MandateChannel { Online => "online", Paper => "paper" }
}

stored_enum! {
    /// A debit of an invoice: scheduled (the family told), in a collection file sent to
    /// the bank (collecting), paid, rejected or returned by the bank, or cancelled
    /// (paid otherwise before the file, its mandate ended, or its date passed with no
    /// file).
    DebitStatus {
        Scheduled => "scheduled",
        Collecting => "collecting",
        Paid => "paid",
        Rejected => "rejected",
        Cancelled => "cancelled",
    }
}

stored_enum! {
    /// A debit's place in its mandate's life: the first, or a recurring one.
    SequenceType { First => "FRST", Recurring => "RCUR" }
}

stored_enum! {
    /// The version of the ISO 20022 collection message a bank takes.
    PainVersion { V02 => "pain.008.001.02", V08 => "pain.008.001.08" }
}

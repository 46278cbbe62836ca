//! The audit log's vocabulary: what an agent did that the city must be able to trace.

use crate::stored::stored_enum;

stored_enum! {
    /// What an audited agent did.
    AuditAction {
        /// An agent read a child's health information.
        ReadHealth => "read_health",
        /// An agent changed it.
        UpdateHealth => "update_health",
        /// An agent downloaded a health form.
        ReadHealthDocument => "read_health_document",
        /// An agent booked or cancelled days of a child's planning (deadlines waived).
        ChangePlanning => "change_planning",
        /// An agent started a month's billing run.
        StartBillingRun => "start_billing_run",
        /// An agent recorded a payment at the counter.
        RecordPayment => "record_payment",
        /// An agent issued a credit note.
        IssueCreditNote => "issue_credit_note",
        /// A family signed a direct debit mandate, or an agent recorded a paper one.
        SignMandate => "sign_mandate",
        /// A mandate was revoked (by the family or an agent) or suspended.
        EndMandate => "end_mandate",
        /// An agent read a mandate's full bank account.
        ReadBankAccount => "read_bank_account",
        /// An agent built the direct debit file of a collection date.
        BuildDebitCollection => "build_debit_collection",
        /// An agent recorded a debit paid or rejected (by hand or from a bank report).
        RecordDebitOutcome => "record_debit_outcome",
        /// An agent linked a child to a second household, or ended the link.
        ChangeHouseholds => "change_households",
        /// An agent set a child's custody schedule, or a household's confidentiality.
        SetCustody => "set_custody",
        /// An account was linked to an identity provider's identity (FranceConnect), or
        /// the link ended.
        LinkIdentity => "link_identity",
        /// A family granted a third-party app access, or revoked it.
        GrantApp => "grant_app",
        /// An admin registered a third-party app, or disabled or enabled it.
        ManageApp => "manage_app",
    }
}

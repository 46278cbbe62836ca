//! The billing area's refusals, each with its status, code and words.

use crate::usecases::refusal::refusals;

refusals! {
    /// What the billing use cases refuse: billing runs, payments (counter, online and
    /// by direct debit), credit notes.
    pub enum BillingRefusal in Billing {
        /// No payment service is configured.
        PaymentsUnavailable => {
            status: 422,
            code: "payments_unavailable",
            meaning: "Online payment is not set up for this city.",
            title: ("Paiement indisponible", "Payments unavailable"),
            detail: (
                "Le paiement en ligne n'est pas disponible : contactez le service Enfance.",
                "Online payment is not available: contact the city's services.",
            ),
        },
        /// PayFiP cannot be reached or failed: try again later.
        PaymentServiceUnavailable => {
            status: 503,
            code: "payment_service_unavailable",
            meaning: "The payment service cannot be reached: try again later.",
            title: ("Paiement indisponible", "Payment service unavailable"),
            detail: (
                "Le service de paiement ne répond pas : réessayez dans quelques minutes.",
                "The payment service does not answer: try again in a few minutes.",
            ),
        },
        /// PayFiP refused to create the payment (an email or reference it rejects).
        PaymentRefusedByService => {
            status: 422,
            code: "payment_refused_by_service",
            meaning: "The payment service refused to start the payment.",
            title: ("Paiement refusé", "Payment refused"),
            detail: (
                "Le service de paiement a refusé de créer ce paiement : vérifiez votre adresse électronique ou contactez le service Enfance.",
                "The payment service refused to create this payment: check your email address or contact the city's services.",
            ),
        },
        /// An invoice with nothing left to pay.
        /// No care was paid for a child under six during the year.
        NothingToCertify => {
            status: 422,
            code: "nothing_to_certify",
            meaning: "Nothing was paid during the year for the care of a child under six: there is nothing to certify.",
            title: ("Rien à attester", "Nothing to certify"),
            detail: (
                "Aucun frais de garde d'un enfant de moins de 6 ans n'a été payé cette année-là : il n'y a rien à attester.",
                "No childcare of a child under six was paid that year: there is nothing to certify.",
            ),
        },
        /// The child attended nothing over the period.
        NoAttendance => {
            status: 422,
            code: "no_attendance",
            meaning: "The child attended no activity over the period: there is nothing to certify.",
            title: ("Aucune présence", "No attendance"),
            detail: (
                "L'enfant n'a fréquenté aucune activité sur cette période.",
                "The child attended no activity over this period.",
            ),
        },
        /// A run of the year's certificates is under way.
        CertificateRunInProgress => {
            status: 409,
            code: "certificate_run_in_progress",
            meaning: "The year's certificates are being issued by another run: follow it.",
            title: ("Émission en cours", "Run in progress"),
            detail: (
                "Les attestations de cette année sont en cours d'émission.",
                "This year's certificates are being issued.",
            ),
        },
        NothingToPay => {
            status: 409,
            code: "nothing_to_pay",
            meaning: "Nothing is left to pay.",
            title: ("Rien à payer", "Nothing to pay"),
            detail: (
                "Cette facture est déjà réglée.",
                "This invoice has nothing left to pay.",
            ),
        },
        /// A payment larger than what is left to pay on the invoice.
        AmountExceedsBalance => {
            status: 422,
            code: "amount_exceeds_balance",
            meaning: "The payment is more than what is left to pay.",
            title: ("Montant trop élevé", "Amount too high"),
            detail: (
                "Le montant dépasse ce qui reste à payer sur la facture.",
                "The amount is more than is left to pay on the invoice.",
            ),
        },
        /// Credit notes adding up to more than the invoice.
        CreditExceedsInvoice => {
            status: 422,
            code: "credit_exceeds_invoice",
            meaning: "The credit note is more than the invoice's lines.",
            title: ("Avoir trop élevé", "Credit note too high"),
            detail: (
                "Les avoirs d'une facture ne peuvent pas dépasser son montant.",
                "The credit notes of an invoice cannot exceed its amount.",
            ),
        },
        /// The city has not set its creditor account for direct debit.
        DirectDebitUnavailable => {
            status: 422,
            code: "direct_debit_unavailable",
            meaning: "Direct debit is not set up for this city.",
            title: ("Prélèvement indisponible", "Direct debit unavailable"),
            detail: (
                "Le prélèvement automatique n'est pas proposé pour le moment : contactez le service Enfance.",
                "Direct debit is not offered for now: contact the city's services.",
            ),
        },
        /// The mandate was revoked, suspended or lapsed already.
        MandateNotActive => {
            status: 409,
            code: "mandate_not_active",
            meaning: "The mandate is no longer active (revoked, suspended or lapsed).",
            title: ("Mandat inactif", "Mandate not active"),
            detail: (
                "Ce mandat de prélèvement n'est plus actif.",
                "This direct debit mandate is no longer active.",
            ),
        },
        /// The invoice is in a collection file sent to the bank.
        DirectDebitInProgress => {
            status: 409,
            code: "direct_debit_in_progress",
            meaning: "The invoice is being collected by direct debit: it cannot be paid otherwise until the bank answers.",
            title: ("Prélèvement en cours", "Direct debit in progress"),
            detail: (
                "Cette facture est en cours de prélèvement sur votre compte : elle ne peut pas être payée autrement.",
                "This invoice is being collected from your account by direct debit: it cannot be paid otherwise.",
            ),
        },
        /// No debit is scheduled for the collection date.
        NothingToCollect => {
            status: 422,
            code: "nothing_to_collect",
            meaning: "No debit is scheduled for this collection date.",
            title: ("Rien à prélever", "Nothing to collect"),
            detail: (
                "Aucun prélèvement n'est prévu à cette date.",
                "No direct debit is scheduled on this date.",
            ),
        },
        /// A debit not in a collection file, or settled already.
        DebitNotCollecting => {
            status: 409,
            code: "debit_not_collecting",
            meaning: "The debit is not being collected: not yet in a file, or settled already.",
            title: ("Prélèvement non transmis", "Debit not being collected"),
            detail: (
                "Ce prélèvement n'est pas en cours auprès de la banque : pas encore transmis, ou déjà réglé.",
                "This debit is not being collected: not sent to the bank yet, or settled already.",
            ),
        },
        /// A bank report that does not read.
        ReportUnreadable => {
            status: 422,
            code: "report_unreadable",
            meaning: "The bank report is neither a camt.054 notification nor the city's CSV: `errors` says where.",
            title: ("Relevé illisible", "Unreadable report"),
            detail: (
                "Le relevé de la banque ne peut pas être lu (camt.054 ou CSV attendu).",
                "The bank report cannot be read (camt.054 or CSV expected).",
            ),
        },
        /// Another run bills the month now.
        BillingRunInProgress => {
            status: 409,
            code: "billing_run_in_progress",
            meaning: "A billing run for this month is under way.",
            title: ("Facturation en cours", "Billing run in progress"),
            detail: (
                "La facturation de ce mois est déjà en cours.",
                "This month is already being billed.",
            ),
        },
    }
}

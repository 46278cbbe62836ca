//! The billing area's refusals, each with its status, code and words.

use crate::usecases::refusal::refusals;

refusals! {
    /// What the billing use cases refuse: billing runs, payments (counter and online),
    /// credit notes.
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

//! The activities area's refusals, each with its status, code and words.

use crate::usecases::refusal::refusals;

refusals! {
    /// What the activities use cases refuse: registrations, holiday weeks and their
    /// baskets, activity kinds.
    pub enum ActivityRefusal in Activity {
        /// The child does not match the activity's age band or school levels, or the
        /// activity ended.
        NotEligible => {
            status: 422,
            code: "not_eligible",
            meaning: "The activity is not offered to this child (age, school level, dates).",
            title: ("Activité non proposée", "Not eligible"),
            detail: (
                "Cette activité n'est pas proposée à cet enfant (âge, niveau scolaire, ou activité terminée).",
                "This activity is not offered to this child (age, school level, or the activity ended).",
            ),
        },
        /// The activity lists documents the dossier does not hold, valid on the entry day.
        DocumentsMissing => {
            status: 422,
            code: "documents_missing",
            meaning: "The activity needs documents the dossier lacks or that expire before the entry day (`errors` names each, by kind): upload them first.",
            title: ("Documents manquants", "Documents missing"),
            detail: (
                "Cette activité demande des documents que votre dossier ne contient pas, ou plus valables à la date d'entrée : déposez-les dans votre espace, puis inscrivez votre enfant.",
                "This activity needs documents your dossier lacks, or that are no longer valid on the entry day: upload them, then register your child.",
            ),
        },
        /// The child already holds a live registration to the activity.
        AlreadyRegistered => {
            status: 409,
            code: "already_registered",
            meaning: "The child already has a live registration to this activity.",
            title: ("Déjà inscrit", "Already registered"),
            detail: (
                "Cet enfant est déjà inscrit (ou en attente) à cette activité.",
                "This child is already registered (or waiting) for this activity.",
            ),
        },
        /// No place is left in the group.
        ActivityFull => {
            status: 422,
            code: "activity_full",
            meaning: "No place is left in the group.",
            title: ("Complet", "Full"),
            detail: (
                "Il ne reste plus de place dans ce groupe : mettez la demande en liste d'attente.",
                "No place is left in this group: put the request on the waiting list.",
            ),
        },
        RegistrationAlreadyDecided => {
            status: 409,
            code: "registration_already_decided",
            meaning: "The registration was already decided.",
            title: ("Inscription déjà traitée", "Registration already decided"),
            detail: (
                "Cette inscription n'est plus dans un état qui permet cette action.",
                "This registration is no longer in a state that allows this action.",
            ),
        },
        /// The activity does not let families cancel.
        NotCancellable => {
            status: 422,
            code: "not_cancellable",
            meaning: "This registration cannot be cancelled online.",
            title: ("Annulation impossible", "Cannot cancel"),
            detail: (
                "Cette activité ne peut pas être annulée en ligne : contactez le service Enfance.",
                "This activity cannot be cancelled online: contact the city's services.",
            ),
        },
        /// Prepaid holiday weeks are booked and paid through a basket.
        PrepaidActivity => {
            status: 422,
            code: "prepaid_activity",
            meaning: "The activity is booked and paid by the week, in a basket.",
            title: ("Inscription avec paiement", "Prepaid activity"),
            detail: (
                "Cette activité se réserve et se paie dans le panier des inscriptions en paiement immédiat.",
                "This activity is booked and paid through the prepaid basket.",
            ),
        },
        ActivityKindTaken => {
            status: 409,
            code: "activity_kind_taken",
            meaning: "An activity kind with this code exists.",
            title: ("Type d'activité existant", "Activity kind exists"),
            detail: (
                "Un type d'activité porte déjà ce code.",
                "An activity kind already has this code.",
            ),
        },
        /// A week with places left is booked, not waited for.
        PlacesLeft => {
            status: 409,
            code: "places_left",
            meaning: "The week still has places: book it rather than join its waiting line.",
            title: ("Places disponibles", "Places left"),
            detail: (
                "Il reste des places cette semaine : ajoutez-la au panier.",
                "This week has places left: add it to the basket.",
            ),
        },
        /// The week's booking window is not open yet (`opensAt` says when it opens).
        WindowNotOpen => {
            status: 422,
            code: "window_not_open",
            meaning: "The booking window of the week has not opened yet; `opensAt` says when it opens.",
            title: ("Réservations pas encore ouvertes", "Booking not open yet"),
            detail: (
                "Les réservations de cette semaine ne sont pas encore ouvertes.",
                "Bookings for this week are not open yet.",
            ),
        },
        /// The week's booking window closed (`closesAt` says when).
        WindowClosed => {
            status: 422,
            code: "window_closed",
            meaning: "The booking window of the week has closed; `closesAt` says when it closed.",
            title: ("Réservations closes", "Booking closed"),
            detail: (
                "Les réservations de cette semaine sont closes.",
                "Bookings for this week are closed.",
            ),
        },
        /// The activity's booking rule gives the week no window (a holiday-centre week
        /// outside the school holidays, for instance).
        NoBookingWindow => {
            status: 422,
            code: "no_booking_window",
            meaning: "The activity's booking rule gives this week no booking window.",
            title: ("Semaine non réservable", "Week not bookable"),
            detail: (
                "Les règles de réservation de cette activité ne permettent pas de réserver cette semaine.",
                "This activity's booking rules give this week no booking window.",
            ),
        },
        /// Checking out a basket with nothing in it.
        BasketEmpty => {
            status: 422,
            code: "basket_empty",
            meaning: "The basket has no week to check out.",
            title: ("Panier vide", "Empty basket"),
            detail: (
                "Ajoutez au moins une semaine au panier avant de le régler.",
                "Add at least one week to the basket before paying.",
            ),
        },
        /// A paid week's change deadline passed (`deadline` says when): it can no
        /// longer be cancelled or swapped online.
        DeadlinePassed => {
            status: 422,
            code: "deadline_passed",
            meaning: "The change deadline of the paid week passed (`deadline` says when): it can no longer be cancelled or swapped.",
            title: ("Délai de modification dépassé", "Change deadline passed"),
            detail: (
                "Le délai pour modifier ou annuler cette semaine est dépassé.",
                "The deadline to change or cancel this week has passed.",
            ),
        },
        /// The paid week was already cancelled.
        WeekCancelled => {
            status: 409,
            code: "week_cancelled",
            meaning: "The paid week was cancelled already (or changed at the same moment): read it again.",
            title: ("Semaine déjà annulée", "Week already cancelled"),
            detail: (
                "Cette semaine a déjà été annulée ou modifiée.",
                "This week was already cancelled or changed.",
            ),
        },
        /// A swap for a dearer week: cancel (the credit pays the next basket) and book.
        SwapCostsMore => {
            status: 422,
            code: "swap_costs_more",
            meaning: "The week asked for costs more than the paid one: cancel the paid week (its credit pays the next basket) and book the new one in the basket.",
            title: ("Semaine plus chère", "Dearer week"),
            detail: (
                "Cette semaine coûte plus cher que celle payée : annulez la semaine payée (un avoir vous est fait) puis réservez la nouvelle dans le panier, où l'avoir sera déduit.",
                "This week costs more than the paid one: cancel the paid week (you get a credit) then book the new one in the basket, where the credit is used.",
            ),
        },
        /// The basket is being paid, paid, or closed: it no longer changes.
        BasketNotOpen => {
            status: 409,
            code: "basket_not_open",
            meaning: "The basket is no longer open (held for payment, paid or given up).",
            title: ("Panier en cours de paiement", "Basket not open"),
            detail: (
                "Ce panier est en cours de paiement ou clos : il ne peut plus changer.",
                "This basket is being paid or closed: it can no longer change.",
            ),
        },
    }
}

//! How use-case outcomes read over HTTP: one table of statuses, codes and messages.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};

use super::{ApiError, Text};
use crate::usecases::{Refusal, UseCaseError};

impl From<UseCaseError> for ApiError {
    fn from(error: UseCaseError) -> Self {
        match error {
            UseCaseError::Invalid(errors) => ApiError::validation(errors),
            UseCaseError::Refused(refusal) => refusal.into(),
            UseCaseError::Throttled(wait) => throttled(wait),
            UseCaseError::Db(db) => db.into(),
            UseCaseError::Internal(cause) => ApiError::internal(cause),
        }
    }
}

pub fn throttled(wait: chrono::Duration) -> ApiError {
    let seconds = wait.num_seconds().max(1);
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
        Text::new("Trop de tentatives", "Too many attempts"),
        Text::new(
            format!("Trop de tentatives infructueuses. Réessayez dans {seconds} secondes."),
            format!("Too many failed attempts. Try again in {seconds} seconds."),
        ),
    )
    .with_header(header::RETRY_AFTER, HeaderValue::from(seconds))
}

impl From<Refusal> for ApiError {
    #[expect(
        clippy::too_many_lines,
        reason = "a table: one arm per refusal, each read on its own"
    )]
    fn from(refusal: Refusal) -> Self {
        use Refusal as R;
        use StatusCode as S;
        let (status, code, title, detail): (S, &'static str, (&str, &str), (&str, &str)) =
            match refusal {
                R::InvalidCredentials => (
                    S::UNAUTHORIZED,
                    "invalid_credentials",
                    ("Identifiants incorrects", "Invalid credentials"),
                    (
                        "Nom d'utilisateur ou mot de passe incorrect.",
                        "Wrong username or password.",
                    ),
                ),
                R::AccountNotActivated => (
                    S::FORBIDDEN,
                    "account_not_activated",
                    ("Compte non activé", "Account not activated"),
                    (
                        "Votre compte n'est pas encore activé : suivez le lien reçu par e-mail, ou demandez-en un nouveau.",
                        "Your account is not activated yet: follow the emailed link, or ask for a new one.",
                    ),
                ),
                R::AccountDisabled => (
                    S::FORBIDDEN,
                    "account_disabled",
                    ("Compte désactivé", "Account disabled"),
                    (
                        "Ce compte a été désactivé. Contactez le service Enfance.",
                        "This account was disabled. Contact the city's services.",
                    ),
                ),
                R::InvalidRefreshToken => (
                    S::UNAUTHORIZED,
                    "invalid_refresh_token",
                    ("Session expirée", "Session expired"),
                    (
                        "Votre session a expiré : reconnectez-vous.",
                        "Your session expired: sign in again.",
                    ),
                ),
                R::RefreshTokenReused => (
                    S::UNAUTHORIZED,
                    "refresh_token_reused",
                    ("Session révoquée", "Session revoked"),
                    (
                        "Ce jeton a déjà été utilisé : par sécurité, la session a été fermée. Reconnectez-vous.",
                        "This token was already used: the session was closed for safety. Sign in again.",
                    ),
                ),
                R::InvalidToken => (
                    S::BAD_REQUEST,
                    "invalid_token",
                    ("Lien invalide", "Invalid link"),
                    (
                        "Ce lien n'est pas valide ou a déjà été utilisé.",
                        "This link is not valid or was already used.",
                    ),
                ),
                R::ActivationLinkExpired => (
                    S::GONE,
                    "activation_link_expired",
                    ("Lien d'activation expiré", "Activation link expired"),
                    (
                        "Ce lien d'activation a expiré (72 heures) : demandez-en un nouveau.",
                        "This activation link expired (72 hours): ask for a new one.",
                    ),
                ),
                R::ResetLinkExpired => (
                    S::GONE,
                    "reset_link_expired",
                    ("Lien expiré", "Link expired"),
                    (
                        "Ce lien de réinitialisation a expiré (1 heure) : faites une nouvelle demande.",
                        "This reset link expired (1 hour): make a new request.",
                    ),
                ),
                R::EmailChangeLinkExpired => (
                    S::GONE,
                    "email_change_link_expired",
                    ("Lien expiré", "Link expired"),
                    (
                        "Ce lien de confirmation a expiré : recommencez le changement d'adresse.",
                        "This confirmation link expired: change the address again.",
                    ),
                ),
                R::SignupNotFound => (
                    S::NOT_FOUND,
                    "signup_not_found",
                    ("Inscription introuvable", "Sign-up not found"),
                    (
                        "Cette inscription n'existe pas ou a expiré : recommencez votre inscription.",
                        "This sign-up does not exist or expired: start again.",
                    ),
                ),
                R::SignupStepOutOfOrder => (
                    S::CONFLICT,
                    "signup_step_out_of_order",
                    ("Étape non disponible", "Step not available"),
                    (
                        "Complétez d'abord les étapes précédentes.",
                        "Complete the previous steps first.",
                    ),
                ),
                R::SignupIncomplete => (
                    S::CONFLICT,
                    "signup_incomplete",
                    ("Inscription incomplète", "Sign-up incomplete"),
                    (
                        "Toutes les étapes doivent être complétées avant de valider.",
                        "Every step must be completed before confirming.",
                    ),
                ),
                R::DossierReferencesMismatch => (
                    S::UNPROCESSABLE_ENTITY,
                    "dossier_references_mismatch",
                    (
                        "Références du dossier incorrectes",
                        "Dossier references do not match",
                    ),
                    (
                        "Ces références ne correspondent à aucun dossier. Vérifiez le numéro de dossier, le nom et l'adresse e-mail indiqués sur vos factures.",
                        "These references match no dossier. Check the dossier number, name and email shown on your invoices.",
                    ),
                ),
                R::LegalVersionOutdated => (
                    S::CONFLICT,
                    "legal_version_outdated",
                    ("Version dépassée", "Outdated version"),
                    (
                        "Une nouvelle version de ce document a été publiée : lisez-la et acceptez-la.",
                        "A new version of this document was published: read and accept it.",
                    ),
                ),
                R::UsernameTaken => (
                    S::CONFLICT,
                    "username_taken",
                    ("Nom d'utilisateur pris", "Username taken"),
                    (
                        "Ce nom d'utilisateur vient d'être pris : choisissez-en un autre.",
                        "This username was just taken: choose another one.",
                    ),
                ),
                R::EmailTaken => (
                    S::CONFLICT,
                    "email_taken",
                    ("Adresse déjà utilisée", "Email already in use"),
                    (
                        "Cette adresse est déjà celle d'un autre compte.",
                        "This address already belongs to another account.",
                    ),
                ),
                R::WrongCurrentPassword => (
                    S::UNPROCESSABLE_ENTITY,
                    "wrong_current_password",
                    ("Mot de passe actuel incorrect", "Wrong current password"),
                    (
                        "Le mot de passe actuel est incorrect.",
                        "The current password is wrong.",
                    ),
                ),
                R::AccountNotFound => (
                    S::NOT_FOUND,
                    "not_found",
                    ("Ressource introuvable", "Not found"),
                    ("Ce compte n'existe pas.", "This account does not exist."),
                ),
                R::AccountNotPending => (
                    S::CONFLICT,
                    "account_not_pending",
                    ("Compte déjà activé", "Account already activated"),
                    (
                        "Ce compte n'attend pas d'activation.",
                        "This account is not waiting for activation.",
                    ),
                ),
                R::CannotDisableSelf => (
                    S::CONFLICT,
                    "cannot_disable_self",
                    ("Action impossible", "Not possible"),
                    (
                        "Vous ne pouvez pas désactiver votre propre compte.",
                        "You cannot disable your own account.",
                    ),
                ),
                R::StaffOnlyByAdmin => (
                    S::FORBIDDEN,
                    "forbidden",
                    ("Accès refusé", "Forbidden"),
                    (
                        "Seul un administrateur peut modifier un compte agent.",
                        "Only an admin may change a staff account.",
                    ),
                ),
                R::LegalVersionExists => (
                    S::CONFLICT,
                    "legal_version_exists",
                    ("Version existante", "Version exists"),
                    (
                        "Cette version a déjà été publiée.",
                        "This version was already published.",
                    ),
                ),
                R::NotFound => (
                    S::NOT_FOUND,
                    "not_found",
                    ("Ressource introuvable", "Not found"),
                    (
                        "Cette ressource n'existe pas ou ne vous est pas accessible.",
                        "This resource does not exist or is not yours to see.",
                    ),
                ),
                R::DossierNumberTaken => (
                    S::CONFLICT,
                    "dossier_number_taken",
                    ("Numéro de dossier déjà utilisé", "Dossier number taken"),
                    (
                        "Un autre dossier porte déjà ce numéro.",
                        "Another dossier already has this number.",
                    ),
                ),
                R::VersionMismatch => (
                    S::PRECONDITION_FAILED,
                    "precondition_failed",
                    ("Modifié entre-temps", "Changed meanwhile"),
                    (
                        "Cette fiche a été modifiée depuis que vous l'avez ouverte : rechargez-la et refaites vos changements.",
                        "This record changed since you opened it: reload it and make your changes again.",
                    ),
                ),
                R::RequestAlreadyDecided => (
                    S::CONFLICT,
                    "request_already_decided",
                    ("Démarche déjà traitée", "Request already decided"),
                    (
                        "Cette démarche a déjà reçu une réponse.",
                        "This request was already decided.",
                    ),
                ),
                R::UnsupportedFileType => (
                    S::UNPROCESSABLE_ENTITY,
                    "unsupported_file_type",
                    ("Type de fichier refusé", "File type refused"),
                    (
                        "Seuls les fichiers PDF, JPEG et PNG sont acceptés (le contenu du fichier est vérifié, pas seulement son nom).",
                        "Only PDF, JPEG and PNG files are accepted (the content is checked, not only the name).",
                    ),
                ),
                R::DocumentKindReserved => (
                    S::UNPROCESSABLE_ENTITY,
                    "document_kind_reserved",
                    ("Type de document réservé", "Document kind reserved"),
                    (
                        "Les factures et attestations sont émises par la ville.",
                        "Invoices and certificates are issued by the city.",
                    ),
                ),
                R::ImportAlreadyConfirmed => (
                    S::CONFLICT,
                    "import_already_confirmed",
                    ("Import déjà effectué", "Import already confirmed"),
                    (
                        "Cet import a déjà été confirmé.",
                        "This import was already confirmed.",
                    ),
                ),
                R::ImportOutdated => (
                    S::CONFLICT,
                    "import_outdated",
                    ("Vérification à refaire", "Check outdated"),
                    (
                        "Des dossiers ont changé depuis la vérification : déposez à nouveau le fichier pour le vérifier.",
                        "Dossiers changed since the check: upload the file again to check it.",
                    ),
                ),
                R::StorageQuotaExceeded => (
                    S::UNPROCESSABLE_ENTITY,
                    "storage_quota_exceeded",
                    ("Espace de stockage plein", "Storage quota exceeded"),
                    (
                        "Les documents de votre dossier occupent déjà tout l'espace permis : contactez le service Enfance.",
                        "The dossier's documents already take all the space allowed: contact the city's services.",
                    ),
                ),
                R::NotEligible => (
                    S::UNPROCESSABLE_ENTITY,
                    "not_eligible",
                    ("Activité non proposée", "Not eligible"),
                    (
                        "Cette activité n'est pas proposée à cet enfant (âge, niveau scolaire, ou activité terminée).",
                        "This activity is not offered to this child (age, school level, or the activity ended).",
                    ),
                ),
                R::AlreadyRegistered => (
                    S::CONFLICT,
                    "already_registered",
                    ("Déjà inscrit", "Already registered"),
                    (
                        "Cet enfant est déjà inscrit (ou en attente) à cette activité.",
                        "This child is already registered (or waiting) for this activity.",
                    ),
                ),
                R::ActivityFull => (
                    S::UNPROCESSABLE_ENTITY,
                    "activity_full",
                    ("Complet", "Full"),
                    (
                        "Il ne reste plus de place dans ce groupe : mettez la demande en liste d'attente.",
                        "No place is left in this group: put the request on the waiting list.",
                    ),
                ),
                R::RegistrationAlreadyDecided => (
                    S::CONFLICT,
                    "registration_already_decided",
                    ("Inscription déjà traitée", "Registration already decided"),
                    (
                        "Cette inscription n'est plus dans un état qui permet cette action.",
                        "This registration is no longer in a state that allows this action.",
                    ),
                ),
                R::NotCancellable => (
                    S::UNPROCESSABLE_ENTITY,
                    "not_cancellable",
                    ("Annulation impossible", "Cannot cancel"),
                    (
                        "Cette activité ne peut pas être annulée en ligne : contactez le service Enfance.",
                        "This activity cannot be cancelled online: contact the city's services.",
                    ),
                ),
                R::PrepaidActivity => (
                    S::UNPROCESSABLE_ENTITY,
                    "prepaid_activity",
                    ("Inscription avec paiement", "Prepaid activity"),
                    (
                        "Cette activité se réserve et se paie dans le panier des inscriptions en paiement immédiat.",
                        "This activity is booked and paid through the prepaid basket.",
                    ),
                ),
                R::ActivityKindTaken => (
                    S::CONFLICT,
                    "activity_kind_taken",
                    ("Type d'activité existant", "Activity kind exists"),
                    (
                        "Un type d'activité porte déjà ce code.",
                        "An activity kind already has this code.",
                    ),
                ),
                R::BasketEmpty => (
                    S::UNPROCESSABLE_ENTITY,
                    "basket_empty",
                    ("Panier vide", "Empty basket"),
                    (
                        "Ajoutez au moins une semaine au panier avant de le régler.",
                        "Add at least one week to the basket before paying.",
                    ),
                ),
                R::BasketNotOpen => (
                    S::CONFLICT,
                    "basket_not_open",
                    ("Panier en cours de paiement", "Basket not open"),
                    (
                        "Ce panier est en cours de paiement ou clos : il ne peut plus changer.",
                        "This basket is being paid or closed: it can no longer change.",
                    ),
                ),
                R::IdempotencyKeyReused => (
                    S::UNPROCESSABLE_ENTITY,
                    "idempotency_key_reused",
                    ("Clé d'idempotence déjà utilisée", "Idempotency key reused"),
                    (
                        "Cette clé Idempotency-Key a déjà servi pour une autre opération : générez-en une nouvelle.",
                        "This Idempotency-Key was used for another operation: generate a new one.",
                    ),
                ),
                R::PlacesLeft => (
                    S::CONFLICT,
                    "places_left",
                    ("Places disponibles", "Places left"),
                    (
                        "Il reste des places cette semaine : ajoutez-la au panier.",
                        "This week has places left: add it to the basket.",
                    ),
                ),
                R::PaymentsUnavailable => (
                    S::UNPROCESSABLE_ENTITY,
                    "payments_unavailable",
                    ("Paiement indisponible", "Payments unavailable"),
                    (
                        "Le paiement en ligne n'est pas disponible : contactez le service Enfance.",
                        "Online payment is not available: contact the city's services.",
                    ),
                ),
                R::BillingRunInProgress => (
                    S::CONFLICT,
                    "billing_run_in_progress",
                    ("Facturation en cours", "Billing run in progress"),
                    (
                        "La facturation de ce mois est déjà en cours.",
                        "This month is already being billed.",
                    ),
                ),
                R::AmountExceedsBalance => (
                    S::UNPROCESSABLE_ENTITY,
                    "amount_exceeds_balance",
                    ("Montant trop élevé", "Amount too high"),
                    (
                        "Le montant dépasse ce qui reste à payer sur la facture.",
                        "The amount is more than is left to pay on the invoice.",
                    ),
                ),
                R::NothingToPay => (
                    S::CONFLICT,
                    "nothing_to_pay",
                    ("Rien à payer", "Nothing to pay"),
                    (
                        "Cette facture est déjà réglée.",
                        "This invoice has nothing left to pay.",
                    ),
                ),
                R::PaymentServiceUnavailable => (
                    S::SERVICE_UNAVAILABLE,
                    "payment_service_unavailable",
                    ("Paiement indisponible", "Payment service unavailable"),
                    (
                        "Le service de paiement ne répond pas : réessayez dans quelques minutes.",
                        "The payment service does not answer: try again in a few minutes.",
                    ),
                ),
                R::PaymentRefusedByService => (
                    S::UNPROCESSABLE_ENTITY,
                    "payment_refused_by_service",
                    ("Paiement refusé", "Payment refused"),
                    (
                        "Le service de paiement a refusé de créer ce paiement : vérifiez votre adresse électronique ou contactez le service Enfance.",
                        "The payment service refused to create this payment: check your email address or contact the city's services.",
                    ),
                ),
                R::CreditExceedsInvoice => (
                    S::UNPROCESSABLE_ENTITY,
                    "credit_exceeds_invoice",
                    ("Avoir trop élevé", "Credit note too high"),
                    (
                        "Les avoirs d'une facture ne peuvent pas dépasser son montant.",
                        "The credit notes of an invoice cannot exceed its amount.",
                    ),
                ),
                R::ImportUnreadable => (
                    S::UNPROCESSABLE_ENTITY,
                    "import_unreadable",
                    ("Fichier illisible", "Unreadable file"),
                    (
                        "Le fichier doit être un CSV encodé en UTF-8 (séparateur « ; » ou « , ») dont la première ligne nomme les colonnes.",
                        "The file must be a UTF-8 CSV (separator ';' or ',') whose first line names the columns.",
                    ),
                ),
            };
        ApiError::new(
            status,
            code,
            Text::new(title.0, title.1),
            Text::new(detail.0, detail.1),
        )
    }
}

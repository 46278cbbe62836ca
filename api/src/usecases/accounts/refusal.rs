//! The accounts area's refusals, each with its status, code and words.

use crate::usecases::refusal::refusals;

refusals! {
    /// What the accounts use cases refuse: signing in, sessions, emailed links, sign-up,
    /// staff accounts, legal documents.
    pub enum AccountRefusal in Account {
        InvalidCredentials => {
            status: 401,
            code: "invalid_credentials",
            meaning: "Wrong username or password.",
            title: ("Identifiants incorrects", "Invalid credentials"),
            detail: (
                "Nom d'utilisateur ou mot de passe incorrect.",
                "Wrong username or password.",
            ),
        },
        AccountNotActivated => {
            status: 403,
            code: "account_not_activated",
            meaning: "The account is not activated yet: follow the emailed link or ask for a new one.",
            title: ("Compte non activé", "Account not activated"),
            detail: (
                "Votre compte n'est pas encore activé : suivez le lien reçu par e-mail, ou demandez-en un nouveau.",
                "Your account is not activated yet: follow the emailed link, or ask for a new one.",
            ),
        },
        AccountDisabled => {
            status: 403,
            code: "account_disabled",
            meaning: "The account was disabled by the city.",
            title: ("Compte désactivé", "Account disabled"),
            detail: (
                "Ce compte a été désactivé. Contactez le service Enfance.",
                "This account was disabled. Contact the city's services.",
            ),
        },
        InvalidRefreshToken => {
            status: 401,
            code: "invalid_refresh_token",
            meaning: "The refresh token is unknown or expired: sign in again.",
            title: ("Session expirée", "Session expired"),
            detail: (
                "Votre session a expiré : reconnectez-vous.",
                "Your session expired: sign in again.",
            ),
        },
        RefreshTokenReused => {
            status: 401,
            code: "refresh_token_reused",
            meaning: "A refresh token was used twice: the whole session was ended for safety.",
            title: ("Session révoquée", "Session revoked"),
            detail: (
                "Ce jeton a déjà été utilisé : par sécurité, la session a été fermée. Reconnectez-vous.",
                "This token was already used: the session was closed for safety. Sign in again.",
            ),
        },
        InvalidToken => {
            status: 400,
            code: "invalid_token",
            meaning: "The link's token is not valid or was already used.",
            title: ("Lien invalide", "Invalid link"),
            detail: (
                "Ce lien n'est pas valide ou a déjà été utilisé.",
                "This link is not valid or was already used.",
            ),
        },
        ActivationLinkExpired => {
            status: 410,
            code: "activation_link_expired",
            meaning: "The activation link expired (72 hours): ask for a new one.",
            title: ("Lien d'activation expiré", "Activation link expired"),
            detail: (
                "Ce lien d'activation a expiré (72 heures) : demandez-en un nouveau.",
                "This activation link expired (72 hours): ask for a new one.",
            ),
        },
        ResetLinkExpired => {
            status: 410,
            code: "reset_link_expired",
            meaning: "The password reset link expired (1 hour): ask again.",
            title: ("Lien expiré", "Link expired"),
            detail: (
                "Ce lien de réinitialisation a expiré (1 heure) : faites une nouvelle demande.",
                "This reset link expired (1 hour): make a new request.",
            ),
        },
        EmailChangeLinkExpired => {
            status: 410,
            code: "email_change_link_expired",
            meaning: "The email change link expired: change the address again.",
            title: ("Lien expiré", "Link expired"),
            detail: (
                "Ce lien de confirmation a expiré : recommencez le changement d'adresse.",
                "This confirmation link expired: change the address again.",
            ),
        },
        SignupNotFound => {
            status: 404,
            code: "signup_not_found",
            meaning: "The sign-up does not exist or expired: start again.",
            title: ("Inscription introuvable", "Sign-up not found"),
            detail: (
                "Cette inscription n'existe pas ou a expiré : recommencez votre inscription.",
                "This sign-up does not exist or expired: start again.",
            ),
        },
        SignupStepOutOfOrder => {
            status: 409,
            code: "signup_step_out_of_order",
            meaning: "A previous step of the sign-up is not done.",
            title: ("Étape non disponible", "Step not available"),
            detail: (
                "Complétez d'abord les étapes précédentes.",
                "Complete the previous steps first.",
            ),
        },
        SignupIncomplete => {
            status: 409,
            code: "signup_incomplete",
            meaning: "Some steps of the sign-up are not done yet.",
            title: ("Inscription incomplète", "Sign-up incomplete"),
            detail: (
                "Toutes les étapes doivent être complétées avant de valider.",
                "Every step must be completed before confirming.",
            ),
        },
        DossierReferencesMismatch => {
            status: 422,
            code: "dossier_references_mismatch",
            meaning: "The dossier references do not match a family file of the city.",
            title: ("Références du dossier incorrectes", "Dossier references do not match"),
            detail: (
                "Ces références ne correspondent à aucun dossier. Vérifiez le numéro de dossier, le nom et l'adresse e-mail indiqués sur vos factures.",
                "These references match no dossier. Check the dossier number, name and email shown on your invoices.",
            ),
        },
        LegalVersionOutdated => {
            status: 409,
            code: "legal_version_outdated",
            meaning: "A newer version of the document was published: accept that one.",
            title: ("Version dépassée", "Outdated version"),
            detail: (
                "Une nouvelle version de ce document a été publiée : lisez-la et acceptez-la.",
                "A new version of this document was published: read and accept it.",
            ),
        },
        UsernameTaken => {
            status: 409,
            code: "username_taken",
            meaning: "Another account has this username.",
            title: ("Nom d'utilisateur pris", "Username taken"),
            detail: (
                "Ce nom d'utilisateur vient d'être pris : choisissez-en un autre.",
                "This username was just taken: choose another one.",
            ),
        },
        EmailTaken => {
            status: 409,
            code: "email_taken",
            meaning: "Another account uses this email address.",
            title: ("Adresse déjà utilisée", "Email already in use"),
            detail: (
                "Cette adresse est déjà celle d'un autre compte.",
                "This address already belongs to another account.",
            ),
        },
        WrongCurrentPassword => {
            status: 422,
            code: "wrong_current_password",
            meaning: "The current password given is not the account's.",
            title: ("Mot de passe actuel incorrect", "Wrong current password"),
            detail: (
                "Le mot de passe actuel est incorrect.",
                "The current password is wrong.",
            ),
        },
        AccountNotFound => {
            status: 404,
            code: "not_found",
            title: ("Ressource introuvable", "Not found"),
            detail: (
                "Ce compte n'existe pas.",
                "This account does not exist.",
            ),
        },
        AccountNotPending => {
            status: 409,
            code: "account_not_pending",
            meaning: "The account is already activated.",
            title: ("Compte déjà activé", "Account already activated"),
            detail: (
                "Ce compte n'attend pas d'activation.",
                "This account is not waiting for activation.",
            ),
        },
        CannotDisableSelf => {
            status: 409,
            code: "cannot_disable_self",
            meaning: "An admin cannot disable their own account.",
            title: ("Action impossible", "Not possible"),
            detail: (
                "Vous ne pouvez pas désactiver votre propre compte.",
                "You cannot disable your own account.",
            ),
        },
        StaffOnlyByAdmin => {
            status: 403,
            code: "forbidden",
            title: ("Accès refusé", "Forbidden"),
            detail: (
                "Seul un administrateur peut modifier un compte agent.",
                "Only an admin may change a staff account.",
            ),
        },
        LegalVersionExists => {
            status: 409,
            code: "legal_version_exists",
            meaning: "This version of the document is already published.",
            title: ("Version existante", "Version exists"),
            detail: (
                "Cette version a déjà été publiée.",
                "This version was already published.",
            ),
        },
        ProviderNotConfigured => {
            status: 404,
            code: "provider_not_configured",
            meaning: "This identity provider is not offered by the city (see `GET /auth/providers`).",
            title: ("Connexion indisponible", "Sign-in unavailable"),
            detail: (
                "Ce mode de connexion n'est pas proposé par la ville.",
                "The city does not offer this way of signing in.",
            ),
        },
        InvalidSignInFlow => {
            status: 400,
            code: "invalid_sign_in_flow",
            meaning: "The sign-in flow is unknown, expired (10 minutes), already finished, or its `state` differs: start again.",
            title: ("Connexion à recommencer", "Sign-in to start again"),
            detail: (
                "Cette tentative de connexion n'est plus valable : recommencez.",
                "This sign-in attempt is no longer valid: start again.",
            ),
        },
        ProviderRefusedCode => {
            status: 401,
            code: "provider_refused_code",
            meaning: "The identity provider refused the code (expired, already used, or issued to another client): start again.",
            title: ("Connexion refusée", "Sign-in refused"),
            detail: (
                "Le fournisseur d'identité a refusé la connexion : recommencez.",
                "The identity provider refused the sign-in: start again.",
            ),
        },
        IdentityTokenRejected => {
            status: 401,
            code: "identity_token_rejected",
            meaning: "The identity provider's ID token failed a check (signature, issuer, audience, expiry, nonce, level): nothing of it was trusted.",
            title: ("Identité non vérifiée", "Identity not verified"),
            detail: (
                "L'identité transmise par le fournisseur n'a pas pu être vérifiée.",
                "The identity sent by the provider could not be verified.",
            ),
        },
        ProviderUnavailable => {
            status: 503,
            code: "provider_unavailable",
            meaning: "The identity provider cannot be reached or answered nonsense: try again later.",
            title: ("Fournisseur d'identité indisponible", "Identity provider unavailable"),
            detail: (
                "Le fournisseur d'identité ne répond pas. Réessayez dans quelques minutes.",
                "The identity provider does not answer. Try again in a few minutes.",
            ),
        },
        IdentityNotLinked => {
            status: 404,
            code: "identity_not_linked",
            meaning: "No account is linked to this FranceConnect identity: sign in with a password and link it, or sign up.",
            title: ("Identité non reliée", "Identity not linked"),
            detail: (
                "Aucun compte n'est relié à cette identité FranceConnect. Connectez-vous avec votre mot de passe pour la relier, ou créez un compte.",
                "No account is linked to this FranceConnect identity. Sign in with your password to link it, or sign up.",
            ),
        },
        IdentityAlreadyLinked => {
            status: 409,
            code: "identity_already_linked",
            meaning: "The identity is already linked to an account, or this account already has one of this provider.",
            title: ("Identité déjà reliée", "Identity already linked"),
            detail: (
                "Cette identité FranceConnect est déjà reliée à un compte, ou votre compte en a déjà une.",
                "This FranceConnect identity is already linked to an account, or your account already has one.",
            ),
        },
        NotInStaffGroup => {
            status: 403,
            code: "not_in_staff_group",
            meaning: "The city's identity provider puts the person in no group that gives an agent or admin role.",
            title: ("Accès refusé", "Access refused"),
            detail: (
                "Votre compte de la ville ne donne pas accès au back-office de l'Espace Familles.",
                "Your city account gives no access to the back office.",
            ),
        },
        PasswordLoginDisabled => {
            status: 403,
            code: "password_login_disabled",
            meaning: "This staff account signs in through the city's identity provider (staff passwords are turned off, or the account is the provider's).",
            title: ("Connexion par mot de passe désactivée", "Password sign-in turned off"),
            detail: (
                "Les agents se connectent avec leur compte de la ville.",
                "Agents sign in with their city account.",
            ),
        },
        InsufficientScope => {
            status: 403,
            code: "insufficient_scope",
            meaning: "The app's token lacks the scope this operation needs (its `oauth2` security in the contract); `WWW-Authenticate` names it.",
            title: ("Permission insuffisante", "Insufficient scope"),
            detail: (
                "Vous n'avez pas autorisé cette application à faire cela.",
                "You did not allow this app to do this.",
            ),
        },
        AppNotFound => {
            status: 404,
            code: "not_found",
            title: ("Ressource introuvable", "Not found"),
            detail: (
                "Cette application n'existe pas.",
                "This app does not exist.",
            ),
        },
        /// The city has no keys for the push channel a device asked for.
        PushChannelUnavailable => {
            status: 422,
            code: "push_channel_unavailable",
            meaning: "The city does not push through this channel (`GET /push/channels` lists those it offers).",
            title: ("Canal de notification indisponible", "Push channel unavailable"),
            detail: (
                "La commune n'envoie pas de notifications par ce canal.",
                "The city does not send notifications through this channel.",
            ),
        },
    }
}

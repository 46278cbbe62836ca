//! Why a use case refuses, area by area. Each area declares its refusals with
//! [`refusals!`]: one row per refusal with its HTTP status, stable code, meaning and
//! words, so the problem+json answer (`problem::refusals`) and the list of codes an
//! operation may document (`problem::problem_codes`) are both read from these types and
//! cannot disagree with them.

/// How one refusal reads to a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefusalText {
    pub status: u16,
    /// The stable `code` clients switch on; several refusals may share one
    /// (`not_found`), each then with its own message.
    pub code: &'static str,
    /// What the code means, as the README's table of codes says it (a test compares
    /// them); `None` for a code the HTTP layer lists with its own meaning (`not_found`,
    /// `forbidden`, `precondition_failed`).
    pub meaning: Option<&'static str>,
    /// French, then English.
    pub title: (&'static str, &'static str),
    pub detail: (&'static str, &'static str),
}

/// Declares an area's refusal enum, its table of [`RefusalText`]s, and its place in
/// [`Refusal`] (`in Variant`), so `?` lifts it into a `UseCaseError`.
macro_rules! refusals {
    (
        $(#[$meta:meta])*
        pub enum $name:ident in $union:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident => {
                    status: $status:literal,
                    code: $code:literal,
                    $(meaning: $meaning:literal,)?
                    title: ($title_fr:literal, $title_en:literal $(,)?),
                    detail: ($detail_fr:literal, $detail_en:literal $(,)?) $(,)?
                }
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($(#[$variant_meta])* $variant,)*
        }

        impl $name {
            /// Every refusal of the area, in the order declared.
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];

            pub fn text(self) -> $crate::usecases::refusal::RefusalText {
                match self {
                    $(Self::$variant => $crate::usecases::refusal::RefusalText {
                        status: $status,
                        code: $code,
                        meaning: $crate::usecases::refusal::refusals!(@meaning $($meaning)?),
                        title: ($title_fr, $title_en),
                        detail: ($detail_fr, $detail_en),
                    },)*
                }
            }
        }

        impl From<$name> for $crate::usecases::refusal::Refusal {
            fn from(refusal: $name) -> Self {
                Self::$union(refusal)
            }
        }

        impl From<$name> for $crate::usecases::UseCaseError {
            fn from(refusal: $name) -> Self {
                Self::Refused(refusal.into())
            }
        }
    };
    (@meaning) => { None };
    (@meaning $meaning:literal) => { Some($meaning) };
}
pub(crate) use refusals;

pub use super::accounts::AccountRefusal;
pub use super::activities::ActivityRefusal;
pub use super::billing::BillingRefusal;
pub use super::dossiers::DossierRefusal;

/// Declares [`Refusal`] from one list of areas, so its `text` and `all` cannot leave
/// an area out.
macro_rules! refusal_areas {
    ($($area:ident($refusal:ident)),+ $(,)?) => {
        /// A refusal of any area: what `UseCaseError::Refused` carries.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Refusal {
            $($area($refusal),)+
        }

        impl Refusal {
            pub fn text(self) -> RefusalText {
                match self {
                    $(Self::$area(refusal) => refusal.text(),)+
                }
            }

            /// Every refusal the use cases can answer, area by area.
            pub fn all() -> impl Iterator<Item = Self> {
                std::iter::empty()$(.chain($refusal::ALL.iter().map(|r| Self::$area(*r))))+
            }
        }
    };
}

refusal_areas! {
    Common(CommonRefusal),
    Account(AccountRefusal),
    Dossier(DossierRefusal),
    Activity(ActivityRefusal),
    Billing(BillingRefusal),
}

refusals! {
    /// Refusals any area's use cases answer: what is not there or not the caller's, a stale
    /// version, a reused idempotency key, a file of a type no operation takes.
    pub enum CommonRefusal in Common {
        /// A dossier, child, document, request or import that does not exist, or not
        /// for this caller.
        NotFound => {
            status: 404,
            code: "not_found",
            title: ("Ressource introuvable", "Not found"),
            detail: (
                "Cette ressource n'existe pas ou ne vous est pas accessible.",
                "This resource does not exist or is not yours to see.",
            ),
        },
        /// An information page already has this slug.
        PageSlugTaken => {
            status: 409,
            code: "page_slug_taken",
            meaning: "An information page already has this slug: update it, or choose another.",
            title: ("Adresse de page déjà prise", "Page slug taken"),
            detail: (
                "Une page d'information porte déjà cette adresse : modifiez-la ou choisissez-en une autre.",
                "An information page already has this slug: update it or choose another one.",
            ),
        },
        /// `If-Match` names a version someone else already changed.
        VersionMismatch => {
            status: 412,
            code: "precondition_failed",
            title: ("Modifié entre-temps", "Changed meanwhile"),
            detail: (
                "Cette fiche a été modifiée depuis que vous l'avez ouverte : rechargez-la et refaites vos changements.",
                "This record changed since you opened it: reload it and make your changes again.",
            ),
        },
        /// An `Idempotency-Key` already used for another checkout.
        IdempotencyKeyReused => {
            status: 422,
            code: "idempotency_key_reused",
            meaning: "This `Idempotency-Key` was used with another body.",
            title: ("Clé d'idempotence déjà utilisée", "Idempotency key reused"),
            detail: (
                "Cette clé Idempotency-Key a déjà servi pour une autre opération : générez-en une nouvelle.",
                "This Idempotency-Key was used for another operation: generate a new one.",
            ),
        },
        /// A request with this `Idempotency-Key` is still being answered (its payment
        /// being created at the provider): try again after `Retry-After`.
        IdempotencyKeyInUse => {
            status: 409,
            code: "idempotency_key_in_use",
            meaning: "A request with this `Idempotency-Key` is still in progress: repeat it after `Retry-After` seconds to get its answer.",
            title: ("Demande en cours", "Request in progress"),
            detail: (
                "Une demande avec la même clé Idempotency-Key est en cours de traitement : renvoyez-la dans un instant pour obtenir sa réponse.",
                "A request with the same Idempotency-Key is being processed: send it again in a moment to get its answer.",
            ),
        },
        /// An upload that is not a PDF, JPEG or PNG by its content.
        UnsupportedFileType => {
            status: 422,
            code: "unsupported_file_type",
            meaning: "The file is not a PDF, JPEG or PNG (by its content).",
            title: ("Type de fichier refusé", "File type refused"),
            detail: (
                "Seuls les fichiers PDF, JPEG et PNG sont acceptés (le contenu du fichier est vérifié, pas seulement son nom).",
                "Only PDF, JPEG and PNG files are accepted (the content is checked, not only the name).",
            ),
        },
    }
}

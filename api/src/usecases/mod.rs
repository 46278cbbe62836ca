//! One function per use case: a transaction that loads what the decision needs, asks
//! `domain`, and writes the result. No actix or DTO types, so jobs and tests can call
//! them too. Refusals are [`Refusal`]s; the HTTP layer maps them to problems.

pub mod accounts;
pub mod activities;
pub mod audit;
pub mod billing;
pub mod city;
pub mod dossiers;
pub mod news;
pub mod notifications;
pub mod planning;

use persistence::DbError;
pub use persistence::utc;

use crate::problem::FieldError;

/// Why a use case did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum UseCaseError {
    /// Fields that break their rules, each with its message.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// A valid request that the rules refuse.
    #[error("refused: {0:?}")]
    Refused(Refusal),
    /// Too many failed attempts: try again after this long.
    #[error("throttled for {0}")]
    Throttled(chrono::Duration),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<diesel::result::Error> for UseCaseError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Db(error.into())
    }
}

impl From<Refusal> for UseCaseError {
    fn from(refusal: Refusal) -> Self {
        Self::Refused(refusal)
    }
}

/// Business refusals, each with a stable code (see `problem::refusals`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    InvalidCredentials,
    AccountNotActivated,
    AccountDisabled,
    InvalidRefreshToken,
    RefreshTokenReused,
    InvalidToken,
    ActivationLinkExpired,
    ResetLinkExpired,
    EmailChangeLinkExpired,
    SignupNotFound,
    SignupStepOutOfOrder,
    SignupIncomplete,
    DossierReferencesMismatch,
    LegalVersionOutdated,
    UsernameTaken,
    EmailTaken,
    WrongCurrentPassword,
    AccountNotFound,
    AccountNotPending,
    CannotDisableSelf,
    StaffOnlyByAdmin,
    LegalVersionExists,
    /// A dossier, child, document, request or import that does not exist, or not
    /// for this caller.
    NotFound,
    DossierNumberTaken,
    /// `If-Match` names a version someone else already changed.
    VersionMismatch,
    RequestAlreadyDecided,
    /// An upload that is not a PDF, JPEG or PNG by its content.
    UnsupportedFileType,
    /// A family may not upload this kind of document (the city issues it).
    DocumentKindReserved,
    ImportAlreadyConfirmed,
    /// The dossiers changed since the dry run: the plan would differ.
    ImportOutdated,
    /// The CSV cannot be read (encoding, quoting, header).
    ImportUnreadable,
    /// The dossier's documents would take more than the city allows.
    StorageQuotaExceeded,
    /// The child does not match the activity's age band or school levels, or the
    /// activity ended.
    NotEligible,
    /// The child already holds a live registration to the activity.
    AlreadyRegistered,
    /// No place is left in the group.
    ActivityFull,
    RegistrationAlreadyDecided,
    /// The activity does not let families cancel.
    NotCancellable,
    /// Prepaid holiday weeks are booked and paid through a basket.
    PrepaidActivity,
    ActivityKindTaken,
    /// Checking out a basket with nothing in it.
    BasketEmpty,
    /// The basket is being paid, paid, or closed: it no longer changes.
    BasketNotOpen,
    /// An `Idempotency-Key` already used for another checkout.
    IdempotencyKeyReused,
    /// A week with places left is booked, not waited for.
    PlacesLeft,
    /// No payment service is configured.
    PaymentsUnavailable,
    /// Another run bills the month now.
    BillingRunInProgress,
    /// A payment larger than what is left to pay on the invoice.
    AmountExceedsBalance,
    /// Credit notes adding up to more than the invoice.
    CreditExceedsInvoice,
    /// An invoice with nothing left to pay.
    NothingToPay,
    /// PayFiP cannot be reached or failed: try again later.
    PaymentServiceUnavailable,
    /// PayFiP refused to create the payment (an email or reference it rejects).
    PaymentRefusedByService,
}

pub type Outcome<T> = Result<T, UseCaseError>;

/// Maps a database error to `refusal` when a unique index refused the write (the
/// index decides races between concurrent requests), and to itself otherwise.
pub(crate) fn unique_as(refusal: Refusal) -> impl Fn(DbError) -> UseCaseError {
    move |error| match error {
        DbError::Query(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => refusal.into(),
        other => other.into(),
    }
}

/// The city's rules the account use cases apply, from configuration.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    pub throttle: &'a domain::accounts::throttle::ThrottlePolicy,
    pub passwords: &'a domain::accounts::password::PasswordPolicy,
    pub lifetimes: &'a domain::accounts::Lifetimes,
    /// Where emailed links lead (`FRONTEND_URL`).
    pub frontend_url: &'a str,
}

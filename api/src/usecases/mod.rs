//! One function per use case: a transaction that loads what the decision needs, asks
//! `domain`, and writes the result. No actix or DTO types, so jobs and tests can call
//! them too. Each area refuses with its own enum (`AccountRefusal`…, declared with
//! `refusal::refusals!` beside its use cases); the HTTP layer maps them to problems.

pub mod accounts;
pub mod activities;
pub mod audit;
pub mod billing;
pub mod city;
pub mod dossiers;
pub mod idempotency;
pub mod news;
pub mod notifications;
pub mod pages;
pub mod planning;
pub mod refusal;

use persistence::DbError;
pub use persistence::utc;
pub use refusal::{
    AccountRefusal, ActivityRefusal, BillingRefusal, CommonRefusal, DossierRefusal, Refusal,
};

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
    /// A request outside the window in which it may be made: the problem names the
    /// window's instants (`opensAt`, `closesAt`).
    #[error("refused: {0:?} outside {1:?}")]
    OutsideWindow(Refusal, domain::planning::ChangeWindow),
    /// A change after its deadline: the problem names the deadline (`deadline`).
    #[error("refused: {0:?} after {1}")]
    PastDeadline(Refusal, chrono::DateTime<chrono::Utc>),
    /// A refusal with the items that caused it, each named (the problem's `errors`).
    #[error("refused: {0:?} for {1:?}")]
    RefusedFor(Refusal, Vec<FieldError>),
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

pub type Outcome<T> = Result<T, UseCaseError>;

/// Maps a database error to `refusal` when a unique index refused the write (the
/// index decides races between concurrent requests), and to itself otherwise.
pub(crate) fn unique_as(refusal: impl Into<Refusal>) -> impl Fn(DbError) -> UseCaseError {
    let refusal = refusal.into();
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

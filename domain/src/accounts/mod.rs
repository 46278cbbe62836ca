//! Accounts: who signs in, with which role, and the values that identify them.

pub mod apps;
pub mod password;
pub mod scopes;
pub mod throttle;

mod administration;
mod identity;
mod legal;
mod lifetimes;
mod references;
mod signup;

pub use administration::{
    AdministrationRefusal, Party, may_disable, may_enable, status_when_enabled,
};
pub use identity::{Email, IdentityError, PersonName, Username};
pub use legal::LegalDocumentKind;
pub use lifetimes::{Lifetimes, TokenPurpose};
pub use references::{GivenReferences, HeldReferences, normalise_number, references_match};
pub use signup::{SignupProgress, SignupStep};

use std::fmt;
use std::str::FromStr;

/// What an account may do. A family account belongs to one dossier; a dossier may
/// have several (one per guardian).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Family,
    Agent,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Family => "family",
            Self::Agent => "agent",
            Self::Admin => "admin",
        }
    }

    /// Agents and admins work the back office.
    pub fn is_staff(self) -> bool {
        matches!(self, Self::Agent | Self::Admin)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountStatus {
    /// Created, waiting for the emailed activation link.
    Pending,
    Active,
    /// Disabled by an agent: cannot sign in, existing tokens stop working.
    Disabled,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Disabled => "disabled",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown value {0:?}")]
pub struct UnknownValue(pub String);

/// A stored value outside the list is an error naming it, never a default.
impl TryFrom<String> for Role {
    type Error = UnknownValue;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl TryFrom<String> for AccountStatus {
    type Error = UnknownValue;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl FromStr for Role {
    type Err = UnknownValue;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "family" => Ok(Self::Family),
            "agent" => Ok(Self::Agent),
            "admin" => Ok(Self::Admin),
            other => Err(UnknownValue(other.to_owned())),
        }
    }
}

impl FromStr for AccountStatus {
    type Err = UnknownValue;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "pending" => Ok(Self::Pending),
            "active" => Ok(Self::Active),
            "disabled" => Ok(Self::Disabled),
            other => Err(UnknownValue(other.to_owned())),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

//! Who is calling: password hashing, emailed secrets, access tokens, and the
//! extractors handlers use to require a signed-in caller of some role.

mod caller;
mod client_ip;
mod jwt;
pub mod passwords;
pub mod scopes;
pub mod secrets;

pub(crate) use caller::bearer;
pub use caller::{
    Admin, Caller, Consented, Family, FamilyToken, Staff, forbidden, staff_gate, unauthorized,
};
pub use client_ip::ClientIp;
pub use jwt::{AccessClaims, JwtKeys};

//! The city's profile and the public holidays it closes on: what every screen needs
//! before anyone signs in.

pub mod profile;
pub mod public_holidays;

super::operations! {
    profile::get_city,
    public_holidays::list_public_holidays,
}

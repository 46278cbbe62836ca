//! The city's profile, its information pages and the public holidays it closes on:
//! what every screen needs before anyone signs in.

pub mod pages;
pub mod profile;
pub mod public_holidays;

super::operations! {
    profile::get_city,
    profile::update_city_contacts,
    public_holidays::list_public_holidays,
    pages::list_info_pages,
    pages::get_info_page,
    pages::create_info_page,
    pages::update_info_page,
    pages::delete_info_page,
}

//! The city's profile and quotient rules, its information pages and the public holidays it closes on:
//! what every screen needs before anyone signs in.

pub mod pages;
pub mod profile;
pub mod public_holidays;
pub mod quotient_rules;

super::operations! {
    profile::get_city,
    profile::update_city_contacts,
    quotient_rules::update_quotient_rules,
    public_holidays::list_public_holidays,
    pages::list_info_pages,
    pages::get_info_page,
    pages::create_info_page,
    pages::update_info_page,
    pages::delete_info_page,
}

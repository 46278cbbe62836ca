//! Activities and the places in them: the catalogue agents keep, what a child is
//! offered, registrations and their decisions, and holiday weeks booked and paid at once.

pub mod baskets;
pub mod catalogue;
pub mod paid_weeks;
pub mod registrations;
pub mod views;

super::operations! {
    catalogue::list_child_offers,
    registrations::register_child,
    registrations::list_child_registrations,
    registrations::list_my_registrations,
    registrations::get_my_registration,
    registrations::cancel_registration,
    catalogue::list_activity_kinds,
    catalogue::create_activity_kind,
    catalogue::list_activities,
    catalogue::create_activity,
    catalogue::get_activity,
    catalogue::update_activity,
    catalogue::add_activity_group,
    catalogue::update_activity_group,
    catalogue::get_activity_fill,
    catalogue::set_group_day_capacity,
    registrations::list_registrations,
    registrations::decide_registration,
    baskets::list_holiday_weeks,
    baskets::get_my_basket,
    baskets::add_basket_item,
    baskets::remove_basket_item,
    baskets::checkout_basket,
    baskets::start_basket_payment,
    baskets::get_basket,
    paid_weeks::list_my_holiday_weeks,
    paid_weeks::cancel_holiday_week,
    paid_weeks::swap_holiday_week,
    baskets::join_holiday_week_waitlist,
    baskets::list_my_holiday_week_waitlist,
}

//! The planning: a family's booked days and their draft, agents' direct changes, the
//! calendar feed, and what decides which days can be booked (the school calendar,
//! closure days, deadline rules) and which were attended.

pub mod calendar_feeds;
pub mod deadline_table;
pub mod plannings;
pub mod school_calendar;
pub mod staff;
pub mod views;

super::operations! {
    plannings::get_my_planning,
    plannings::get_my_child_planning,
    plannings::get_my_planning_draft,
    plannings::add_planning_draft_changes,
    plannings::discard_my_planning_draft,
    plannings::validate_my_planning_draft,
    plannings::get_child_planning,
    plannings::change_child_planning,
    calendar_feeds::create_calendar_feed,
    calendar_feeds::revoke_calendar_feed,
    calendar_feeds::get_calendar_feed,
    school_calendar::list_school_holidays,
    school_calendar::get_school_year,
    school_calendar::import_school_calendar,
    school_calendar::create_closure_day,
    school_calendar::list_closure_days,
    deadline_table::get_deadline_table,
    staff::set_activity_kind_deadline_rules,
    staff::get_activity_deadline_rules,
    staff::set_activity_deadline_rules,
    staff::record_attendance,
    staff::get_roll_call,
}

//! The planning's rules: when a unit's day may be booked or changed (deadlines read
//! against the city's calendar) and whether a unit runs on a day at all.
//!
//! Everything is computed from what the caller passes in (rules, calendar, the current
//! instant); local times are Europe/Paris and instants are UTC.

mod attendance;
mod days;
mod deadline;
mod defaults;
#[cfg(test)]
mod properties;
mod rules;
mod sentences;

pub use attendance::{Action, AttendanceStatus, BookingStatus, attended};
pub use days::{ClosedReason, DaySetting, RunsOn, UnknownRunsOn, day_state};
pub use deadline::{
    ChangeDecision, ChangeWindow, booking_windows, change_window, decide, judge, paris_instant,
};
pub use defaults::{EffectiveRules, WrittenRules, default_rules, default_runs_on, effective_rules};
pub use rules::{Calendar, DeadlineRule, TimeUnit};
pub use sentences::rule_sentence;

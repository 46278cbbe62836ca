//! A registration's life. One per child and activity (the database enforces it).
//! Places are counted per group; when a group is full, children wait in line.

use chrono::NaiveDate;

use crate::stored::stored_enum;

stored_enum! {
    /// How a registration is decided: an agent decides each request, or the
    /// system accepts while places last, or the family pays at once (holiday weeks).
    RegistrationMode { Request => "request", Automatic => "automatic", Prepaid => "prepaid" }
}

stored_enum! {
    /// When a registration starts: at the activity's start ("Non modifiable pour
    /// cette activité"), or on a day the family chooses within the activity.
    EntryDateRule { Fixed => "fixed", Chosen => "chosen" }
}

stored_enum! {
    RegistrationStatus {
        Requested => "requested", Accepted => "accepted", Waitlisted => "waitlisted",
        Refused => "refused", Cancelled => "cancelled",
    }
}

impl RegistrationStatus {
    /// The statuses of a registration that still counts: it blocks another one of the
    /// child, and makes a brother or sister pay the sibling rate.
    pub const LIVE: [Self; 3] = [Self::Requested, Self::Accepted, Self::Waitlisted];

    /// Whether the registration holds a place in its group.
    pub fn holds_place(self) -> bool {
        self == Self::Accepted
    }

    /// Whether the registration still counts (blocks another one of the child).
    pub fn is_live(self) -> bool {
        Self::LIVE.contains(&self)
    }
}

/// The status a new registration gets, given the mode and whether its group still
/// had a place (`place_taken`: the atomic decrement succeeded).
pub fn on_request(mode: RegistrationMode, place_taken: bool) -> RegistrationStatus {
    match (mode, place_taken) {
        (RegistrationMode::Request, _) => RegistrationStatus::Requested,
        (_, true) => RegistrationStatus::Accepted,
        (_, false) => RegistrationStatus::Waitlisted,
    }
}

/// What an agent or a family does to a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// An agent accepts (a place is taken; a full group waitlists instead).
    Accept,
    Refuse,
    /// An agent puts it on the waiting list.
    Waitlist,
    /// The family (or an agent) cancels.
    Cancel,
    /// A freed place goes to the first child waiting.
    Promote,
}

/// The status a transition leads to, or `None` when it does not apply.
pub fn transition(current: RegistrationStatus, action: Transition) -> Option<RegistrationStatus> {
    use RegistrationStatus as S;
    match (current, action) {
        (S::Requested | S::Waitlisted, Transition::Accept) => Some(S::Accepted),
        (S::Requested | S::Waitlisted, Transition::Refuse) => Some(S::Refused),
        (S::Requested, Transition::Waitlist) => Some(S::Waitlisted),
        (S::Requested | S::Accepted | S::Waitlisted, Transition::Cancel) => Some(S::Cancelled),
        (S::Waitlisted, Transition::Promote) => Some(S::Accepted),
        _ => None,
    }
}

/// The day a registration starts: the activity's start when fixed; else the day
/// the family chose, if within the activity (today at the earliest).
pub fn entry_date(
    rule: EntryDateRule,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    chosen: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<NaiveDate> {
    match (rule, chosen) {
        (EntryDateRule::Fixed, None) => Some(starts_on),
        (EntryDateRule::Fixed, Some(day)) => (day == starts_on).then_some(day),
        (EntryDateRule::Chosen, None) => Some(starts_on.max(today)),
        (EntryDateRule::Chosen, Some(day)) => {
            (day >= starts_on && day <= ends_on && day >= today).then_some(day)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RegistrationStatus as S;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn a_new_registration_is_requested_accepted_or_waitlisted() {
        assert_eq!(on_request(RegistrationMode::Request, true), S::Requested);
        assert_eq!(on_request(RegistrationMode::Automatic, true), S::Accepted);
        assert_eq!(
            on_request(RegistrationMode::Automatic, false),
            S::Waitlisted
        );
    }

    #[test]
    fn decided_and_cancelled_registrations_stay_so() {
        for action in [
            Transition::Accept,
            Transition::Refuse,
            Transition::Waitlist,
            Transition::Promote,
        ] {
            assert_eq!(transition(S::Refused, action), None);
            assert_eq!(transition(S::Cancelled, action), None);
        }
        assert_eq!(transition(S::Cancelled, Transition::Cancel), None);
        assert_eq!(transition(S::Accepted, Transition::Waitlist), None);
        assert_eq!(
            transition(S::Waitlisted, Transition::Promote),
            Some(S::Accepted)
        );
        assert_eq!(transition(S::Requested, Transition::Promote), None);
        assert!(S::Accepted.holds_place() && !S::Waitlisted.holds_place());
        assert!(!S::Refused.is_live() && S::Waitlisted.is_live());
    }

    #[test]
    fn a_fixed_entry_date_is_the_start_and_a_chosen_one_falls_within_the_activity() {
        let (start, end, today) = (date(2026, 9, 1), date(2027, 7, 2), date(2026, 11, 26));
        assert_eq!(
            entry_date(EntryDateRule::Fixed, start, end, None, today),
            Some(start)
        );
        assert_eq!(
            entry_date(
                EntryDateRule::Fixed,
                start,
                end,
                Some(date(2026, 12, 1)),
                today
            ),
            None
        );
        assert_eq!(
            entry_date(EntryDateRule::Chosen, start, end, None, today),
            Some(today)
        );
        assert_eq!(
            entry_date(
                EntryDateRule::Chosen,
                start,
                end,
                Some(date(2027, 1, 4)),
                today
            ),
            Some(date(2027, 1, 4))
        );
        assert_eq!(
            entry_date(
                EntryDateRule::Chosen,
                start,
                end,
                Some(date(2026, 11, 1)),
                today
            ),
            None
        );
        assert_eq!(
            entry_date(
                EntryDateRule::Chosen,
                start,
                end,
                Some(date(2027, 7, 3)),
                today
            ),
            None
        );
    }
}

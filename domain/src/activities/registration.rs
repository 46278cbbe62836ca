//! A registration's life. One per child and activity (the database enforces it).
//! Places are counted per group; when a group is full, children wait in line.

use chrono::NaiveDate;

use super::eligibility::{Eligibility, Ineligible, check_eligibility};
use crate::dossiers::SchoolLevel;
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

/// A family's request to register a child, with what the rules read of the activity
/// and of the child.
#[derive(Debug, Clone)]
pub struct RegistrationAsk<'a> {
    pub mode: RegistrationMode,
    pub eligibility: &'a Eligibility,
    pub entry_rule: EntryDateRule,
    pub family_chooses_group: bool,
    pub needs_health_form: bool,
    /// The activity's groups, in the order places are tried.
    pub groups: &'a [i64],
    pub birth_date: NaiveDate,
    pub level: Option<SchoolLevel>,
    /// The entry date asked, if any.
    pub entry_date: Option<NaiveDate>,
    /// The group asked, if any.
    pub group_id: Option<i64>,
    /// The health form given, if one is: whether it is a health form of this child.
    pub health_form: Option<bool>,
}

/// Why a request breaks the activity's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationProblem {
    /// Holiday weeks paid at once are booked through a basket.
    Prepaid,
    NotEligible(Ineligible),
    /// The activity fixes the entry date at its start; another was asked.
    EntryDateFixed,
    /// The entry date asked is outside the activity, or in the past.
    EntryDateOutOfRange,
    /// The group asked is not one of the activity's.
    UnknownGroup,
    /// The family must choose a group and did not.
    GroupRequired,
    /// The activity has no group to take the child.
    NoGroup,
    /// The document given is not a health form of this child.
    NotTheChildsHealthForm,
    /// The activity needs the child's health form and none was given.
    HealthFormRequired,
}

/// Checks a request against the activity's rules, in the order a family reads them:
/// the mode, who is admitted, the entry date, the group, the health form. Returns the
/// entry date and the groups to try for a place, in order.
pub fn check_request(
    ask: &RegistrationAsk<'_>,
    today: NaiveDate,
) -> Result<(NaiveDate, Vec<i64>), RegistrationProblem> {
    use RegistrationProblem as P;
    if ask.mode == RegistrationMode::Prepaid {
        return Err(P::Prepaid);
    }
    check_eligibility(ask.eligibility, ask.birth_date, ask.level, today).map_err(P::NotEligible)?;
    let rule = ask.eligibility;
    let entry = entry_date(
        ask.entry_rule,
        rule.starts_on,
        rule.ends_on,
        ask.entry_date,
        today,
    )
    .ok_or(match ask.entry_rule {
        EntryDateRule::Fixed => P::EntryDateFixed,
        EntryDateRule::Chosen => P::EntryDateOutOfRange,
    })?;
    let groups = match ask.group_id {
        Some(group) if ask.groups.contains(&group) => vec![group],
        Some(_) => return Err(P::UnknownGroup),
        None if ask.family_chooses_group => return Err(P::GroupRequired),
        None => ask.groups.to_vec(),
    };
    if groups.is_empty() {
        return Err(P::NoGroup);
    }
    match ask.health_form {
        Some(false) => return Err(P::NotTheChildsHealthForm),
        None if ask.needs_health_form => return Err(P::HealthFormRequired),
        _ => {}
    }
    Ok((entry, groups))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activities::Admission;
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

    fn nursery_canteen() -> Eligibility {
        Eligibility {
            starts_on: date(2026, 9, 1),
            ends_on: date(2027, 7, 2),
            admission: Admission {
                levels: vec![SchoolLevel::Ps, SchoolLevel::Ms, SchoolLevel::Gs],
                ..Admission::default()
            },
        }
    }

    fn ask(rule: &Eligibility) -> RegistrationAsk<'_> {
        RegistrationAsk {
            mode: RegistrationMode::Automatic,
            eligibility: rule,
            entry_rule: EntryDateRule::Chosen,
            family_chooses_group: false,
            needs_health_form: false,
            groups: &[7, 8],
            birth_date: date(2023, 3, 14),
            level: Some(SchoolLevel::Ps),
            entry_date: None,
            group_id: None,
            health_form: None,
        }
    }

    #[test]
    fn a_request_that_keeps_the_rules_gets_its_entry_date_and_groups_in_order() {
        let rule = nursery_canteen();
        let today = date(2026, 11, 26);
        assert_eq!(check_request(&ask(&rule), today), Ok((today, vec![7, 8])));
        let chosen = RegistrationAsk {
            group_id: Some(8),
            entry_date: Some(date(2026, 12, 1)),
            ..ask(&rule)
        };
        assert_eq!(
            check_request(&chosen, today),
            Ok((date(2026, 12, 1), vec![8]))
        );
    }

    #[test]
    fn each_broken_rule_is_named_in_the_order_a_family_reads_them() {
        use RegistrationProblem as P;
        let rule = nursery_canteen();
        let today = date(2026, 11, 26);
        let cases = [
            (
                RegistrationAsk {
                    mode: RegistrationMode::Prepaid,
                    level: None,
                    ..ask(&rule)
                },
                P::Prepaid,
            ),
            (
                RegistrationAsk {
                    level: Some(SchoolLevel::Cm1),
                    ..ask(&rule)
                },
                P::NotEligible(Ineligible::WrongLevel),
            ),
            (
                RegistrationAsk {
                    entry_rule: EntryDateRule::Fixed,
                    entry_date: Some(date(2026, 12, 1)),
                    ..ask(&rule)
                },
                P::EntryDateFixed,
            ),
            (
                RegistrationAsk {
                    entry_date: Some(date(2026, 11, 1)),
                    group_id: Some(99),
                    ..ask(&rule)
                },
                P::EntryDateOutOfRange,
            ),
            (
                RegistrationAsk {
                    group_id: Some(99),
                    ..ask(&rule)
                },
                P::UnknownGroup,
            ),
            (
                RegistrationAsk {
                    family_chooses_group: true,
                    ..ask(&rule)
                },
                P::GroupRequired,
            ),
            (
                RegistrationAsk {
                    groups: &[],
                    needs_health_form: true,
                    ..ask(&rule)
                },
                P::NoGroup,
            ),
            (
                RegistrationAsk {
                    health_form: Some(false),
                    ..ask(&rule)
                },
                P::NotTheChildsHealthForm,
            ),
            (
                RegistrationAsk {
                    needs_health_form: true,
                    ..ask(&rule)
                },
                P::HealthFormRequired,
            ),
        ];
        for (request, problem) in cases {
            assert_eq!(check_request(&request, today), Err(problem), "{request:?}");
        }
        let given = RegistrationAsk {
            needs_health_form: true,
            health_form: Some(true),
            ..ask(&rule)
        };
        assert!(check_request(&given, today).is_ok());
    }
}

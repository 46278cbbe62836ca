//! A family's request (démarche): filed, then accepted or refused once by an agent.

use crate::stored::stored_enum;

stored_enum! {
    /// What a request asks for.
    RequestKind {
        SituationChange => "situation_change", FamilyQuotient => "family_quotient",
        ContactChange => "contact_change", Other => "other",
        /// Linking a child to a second household (separated parents), with proof.
        SecondHousehold => "second_household",
    }
}

stored_enum! {
    RequestStatus { Pending => "pending", Accepted => "accepted", Refused => "refused" }
}

/// An agent's answer to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestDecision {
    Accept,
    Refuse,
}

/// The status a decision leads to: only a pending request can be decided, once.
pub fn decide(current: RequestStatus, decision: RequestDecision) -> Option<RequestStatus> {
    match (current, decision) {
        (RequestStatus::Pending, RequestDecision::Accept) => Some(RequestStatus::Accepted),
        (RequestStatus::Pending, RequestDecision::Refuse) => Some(RequestStatus::Refused),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_decided_once() {
        assert_eq!(
            decide(RequestStatus::Pending, RequestDecision::Accept),
            Some(RequestStatus::Accepted)
        );
        assert_eq!(
            decide(RequestStatus::Pending, RequestDecision::Refuse),
            Some(RequestStatus::Refused)
        );
        for decided in [RequestStatus::Accepted, RequestStatus::Refused] {
            assert_eq!(decide(decided, RequestDecision::Accept), None);
            assert_eq!(decide(decided, RequestDecision::Refuse), None);
        }
    }
}

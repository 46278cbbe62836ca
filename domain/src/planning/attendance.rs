//! What agents record of a booked (or unbooked) day, which decides its billing.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use crate::stored::stored_enum;

stored_enum! {
    /// Who came: booked and present or absent without justification are billed; a
    /// justified absence is not; a child present without booking is billed with the
    /// activity's surcharge.
    AttendanceStatus {
        Present => "present",
        AbsentJustified => "absent_justified",
        AbsentUnjustified => "absent_unjustified",
        PresentUnbooked => "present_unbooked",
    }
}

impl AttendanceStatus {
    /// Whether the status is for a child who was booked that day.
    pub fn expects_booking(self) -> bool {
        self != Self::PresentUnbooked
    }
}

/// The days a child attended, as an attendance certificate counts them: each booked
/// day the agents did not record absent, and each day recorded present without a
/// booking. (unit, day) pairs, in order.
pub fn attended(
    booked: &[(i64, NaiveDate)],
    recorded: &HashMap<(i64, NaiveDate), AttendanceStatus>,
) -> BTreeSet<(i64, NaiveDate)> {
    let absent = |key: &(i64, NaiveDate)| {
        matches!(
            recorded.get(key),
            Some(AttendanceStatus::AbsentJustified | AttendanceStatus::AbsentUnjustified)
        )
    };
    booked
        .iter()
        .filter(|key| !absent(key))
        .copied()
        .chain(
            recorded
                .iter()
                .filter(|(_, status)| **status == AttendanceStatus::PresentUnbooked)
                .map(|(key, _)| *key),
        )
        .collect()
}

stored_enum! {
    /// A booked day: booked by the family or an agent, or closed (the city closed the
    /// day: the booking stays, unbilled).
    BookingStatus {
        Booked => "booked",
        Closed => "closed",
    }
}

stored_enum! {
    /// What a family's draft (or an agent's change) does to one unit of one day.
    Action {
        Book => "book",
        Cancel => "cancel",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booked_days_count_unless_absent_and_unbooked_presence_counts() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 10, d).unwrap_or_default();
        let booked = [(1, day(1)), (1, day(2)), (1, day(5)), (2, day(1))];
        let recorded = HashMap::from([
            ((1, day(2)), AttendanceStatus::AbsentJustified),
            ((1, day(5)), AttendanceStatus::AbsentUnjustified),
            ((2, day(1)), AttendanceStatus::Present),
            ((2, day(6)), AttendanceStatus::PresentUnbooked),
        ]);
        let days: Vec<_> = attended(&booked, &recorded).into_iter().collect();
        assert_eq!(days, [(1, day(1)), (2, day(1)), (2, day(6))]);
    }
}

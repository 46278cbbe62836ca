//! What agents record of a booked (or unbooked) day, which decides its billing.

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

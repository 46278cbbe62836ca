//! Activities and registrations: who may join an activity, at what price, and what
//! becomes of a registration (requested, accepted, waitlisted, refused, cancelled).

mod baskets;
mod eligibility;
mod places;
mod pricing;
mod registration;
mod weeks;

pub use baskets::{BasketStatus, PaymentResult, WeekWaitlistStatus};
pub use eligibility::{Admission, Eligibility, Ineligible, age_on, check_eligibility};
pub use places::places_left;
pub use pricing::{PriceBracket, unit_price};
pub use registration::{
    EntryDateRule, RegistrationAsk, RegistrationMode, RegistrationProblem, RegistrationStatus,
    Transition, check_request, entry_date, on_request, transition,
};
pub use weeks::{HolidayWeek, holiday_weeks, week_booking_window, week_start};

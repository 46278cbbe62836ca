//! The calendar the city runs on: public holidays today; school holidays and closure
//! days come with the planning.

mod easter;
mod public_holidays;

pub use easter::easter_sunday;
pub use public_holidays::{
    HolidayRegion, PublicHoliday, PublicHolidayKind, SUPPORTED_YEARS, YearOutOfRange,
    public_holidays,
};

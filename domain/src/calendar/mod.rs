//! The calendar the city runs on: public holidays today; school holidays and closure
//! days come with the planning.

mod easter;
mod public_holidays;
mod school_holidays;

pub use easter::easter_sunday;
pub use public_holidays::{
    HolidayRegion, PublicHoliday, PublicHolidayKind, SUPPORTED_YEARS, YearOutOfRange,
    public_holidays,
};
pub use school_holidays::{
    CalendarProblem, CalendarProblemCode, HEADERS, SchoolCalendarRow, SchoolHolidayPeriod,
    column_for, columns_for, is_school_holiday, paris_date, school_years, zone_holiday_periods,
};

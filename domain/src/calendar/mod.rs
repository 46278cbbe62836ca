//! The calendar the city runs on: public holidays, computed; school holidays, read from
//! the national dataset, and the school year they frame.

mod easter;
mod french;
mod public_holidays;
mod school_holidays;
mod school_year;

pub use easter::easter_sunday;
pub use french::{french_date, french_instant};
pub use public_holidays::{
    HolidayRegion, PublicHoliday, PublicHolidayKind, SUPPORTED_YEARS, YearOutOfRange,
    public_holidays,
};
pub use school_holidays::{
    CalendarProblem, CalendarProblemCode, HEADERS, SchoolCalendarRow, SchoolHolidayPeriod,
    column_for, columns_for, is_school_holiday, paris_date, school_years, zone_holiday_periods,
};
pub use school_year::school_year_span;

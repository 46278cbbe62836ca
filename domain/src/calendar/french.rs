//! Dates and instants as French readers write them ("06/09/2026 à 07:30"), in messages,
//! emails and documents. Written out field by field: a planning month renders dozens
//! of them, and chrono's `format` parses its pattern again at every call.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Europe::Paris;

/// `dd/mm/yyyy`.
pub fn french_date(day: NaiveDate) -> String {
    format!("{:02}/{:02}/{}", day.day(), day.month(), day.year())
}

/// `dd/mm/yyyy à hh:mm`, in Paris time.
pub fn french_instant(instant: DateTime<Utc>) -> String {
    let local = instant.with_timezone(&Paris);
    format!(
        "{} à {:02}:{:02}",
        french_date(local.date_naive()),
        local.hour(),
        local.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_are_zero_padded_day_first() {
        let day = NaiveDate::from_ymd_opt(2026, 9, 6).expect("a date");
        assert_eq!(french_date(day), "06/09/2026");
        assert_eq!(french_date(day), day.format("%d/%m/%Y").to_string());
    }

    #[test]
    fn instants_are_read_in_paris_time_across_daylight_saving() {
        let summer = Utc.with_ymd_and_hms(2026, 9, 6, 5, 30, 0).unwrap();
        assert_eq!(french_instant(summer), "06/09/2026 à 07:30");
        let winter = Utc.with_ymd_and_hms(2026, 12, 31, 23, 5, 0).unwrap();
        assert_eq!(french_instant(winter), "01/01/2027 à 00:05");
    }
}

//! The family quotient: a value valid over a period; the latest recorded one that
//! covers a day is the one that applies on it.

use chrono::NaiveDate;

/// One recorded quotient and its period (both ends included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotientPeriod {
    pub id: i64,
    pub quotient: i64,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
}

impl QuotientPeriod {
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.valid_from <= day && day <= self.valid_until
    }
}

/// The quotient in force on `day`: among the periods covering it, the one recorded
/// last (the highest id), since a correction is recorded after what it corrects.
pub fn current_quotient(periods: &[QuotientPeriod], day: NaiveDate) -> Option<QuotientPeriod> {
    periods
        .iter()
        .filter(|p| p.covers(day))
        .max_by_key(|p| p.id)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn period(id: i64, quotient: i64, from: NaiveDate, until: NaiveDate) -> QuotientPeriod {
        QuotientPeriod {
            id,
            quotient,
            valid_from: from,
            valid_until: until,
        }
    }

    #[test]
    fn the_latest_period_covering_the_day_applies() {
        let year = period(1, 850, date(2026, 1, 1), date(2026, 12, 31));
        let correction = period(2, 620, date(2026, 9, 1), date(2026, 12, 31));
        let periods = [year, correction];
        assert_eq!(current_quotient(&periods, date(2026, 3, 1)), Some(year));
        assert_eq!(
            current_quotient(&periods, date(2026, 11, 26)),
            Some(correction)
        );
        assert_eq!(current_quotient(&periods, date(2027, 1, 1)), None);
        assert!(year.covers(date(2026, 12, 31)));
    }
}

//! A school year's first and last days of class, read from the zone's holidays: classes
//! start the day after the previous summer holidays and end the day before the next.

use chrono::NaiveDate;

use super::SchoolHolidayPeriod;

/// The label of the school year before `year` ("2026-2027" → "2025-2026").
fn previous(year: &str) -> Option<String> {
    let (first, second) = year.split_once('-')?;
    let (first, second): (i32, i32) = (first.parse().ok()?, second.parse().ok()?);
    Some(format!("{}-{}", first - 1, second - 1))
}

/// The summer holidays the dataset files under `year` (they close it).
fn summer<'a>(periods: &'a [SchoolHolidayPeriod], year: &str) -> Option<&'a SchoolHolidayPeriod> {
    periods
        .iter()
        .filter(|p| p.school_year == year)
        .filter(|p| p.description.to_lowercase().contains("vacances d'été"))
        .min_by_key(|p| p.first_day)
}

/// The first and last days of class of `year` ("2026-2027"), where the imported periods
/// tell them: the first needs the previous year's summer, the last this year's.
pub fn school_year_span(
    periods: &[SchoolHolidayPeriod],
    year: &str,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let first = previous(year)
        .and_then(|before| summer(periods, &before).map(|s| s.last_day))
        .and_then(|day| day.succ_opt());
    let last = summer(periods, year).and_then(|s| s.first_day.pred_opt());
    (first, last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(
        year: &str,
        description: &str,
        first: (i32, u32, u32),
        last: (i32, u32, u32),
    ) -> SchoolHolidayPeriod {
        let day = |(y, m, d): (i32, u32, u32)| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        SchoolHolidayPeriod {
            school_year: year.to_owned(),
            description: description.to_owned(),
            first_day: day(first),
            last_day: day(last),
        }
    }

    #[test]
    fn the_2026_2027_year_runs_from_tuesday_1_september_to_friday_2_july() {
        let periods = [
            period("2025-2026", "Vacances d'Été", (2026, 7, 4), (2026, 8, 31)),
            period(
                "2026-2027",
                "Vacances de la Toussaint",
                (2026, 10, 17),
                (2026, 11, 1),
            ),
            period(
                "2026-2027",
                "Début des Vacances d'Été",
                (2027, 7, 3),
                (2027, 8, 31),
            ),
        ];
        assert_eq!(
            school_year_span(&periods, "2026-2027"),
            (
                NaiveDate::from_ymd_opt(2026, 9, 1),
                NaiveDate::from_ymd_opt(2027, 7, 2)
            )
        );
        assert_eq!(
            school_year_span(&periods, "2025-2026"),
            (None, NaiveDate::from_ymd_opt(2026, 7, 3))
        );
        assert_eq!(school_year_span(&periods, "nonsense"), (None, None));
    }
}

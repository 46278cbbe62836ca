use chrono::NaiveDate;

/// Easter Sunday of a Gregorian year (anonymous Gregorian computus, Meeus/Jones/Butcher).
///
/// Returns `None` only for years chrono cannot represent.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn known_easter_sundays() {
        // Extremes of the Gregorian range of Easter dates and a few recent years.
        assert_eq!(easter_sunday(1913), Some(date(1913, 3, 23)));
        assert_eq!(easter_sunday(2008), Some(date(2008, 3, 23)));
        assert_eq!(easter_sunday(1943), Some(date(1943, 4, 25)));
        assert_eq!(easter_sunday(2038), Some(date(2038, 4, 25)));
        assert_eq!(easter_sunday(2027), Some(date(2027, 3, 28)));
        assert_eq!(easter_sunday(1900), Some(date(1900, 4, 15)));
        assert_eq!(easter_sunday(2100), Some(date(2100, 3, 28)));
    }

    /// Easter Sunday 1900-2100 copied from published tables (sources in the CSV's header),
    /// so this is an independent check of the computus above.
    const PUBLISHED_TABLE: &str = include_str!("easter-1900-2100.csv");

    #[test]
    fn matches_the_published_table_1900_2100() {
        let mut lines = PUBLISHED_TABLE
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'));
        assert_eq!(
            lines.next(),
            Some("year,easter_sunday"),
            "missing CSV header"
        );

        let mut years = Vec::new();
        for line in lines {
            let Some((year, easter)) = line.split_once(',') else {
                panic!("malformed row {line:?}: expected `year,easter_sunday`");
            };
            let Ok(year) = year.parse::<i32>() else {
                panic!("malformed year in row {line:?}");
            };
            let Ok(easter) = NaiveDate::parse_from_str(easter, "%Y-%m-%d") else {
                panic!("malformed date in row {line:?}");
            };
            assert_eq!(
                easter_sunday(year),
                Some(easter),
                "Easter Sunday {year} differs from the published table"
            );
            years.push(year);
        }
        assert_eq!(
            years,
            (1900..=2100).collect::<Vec<_>>(),
            "the table must list every year 1900..=2100 exactly once, in order"
        );
    }
}

//! The computed calendar checked against the government's published lists
//! (fixtures copied from the "Jours fériés en France" open dataset).
#![allow(clippy::expect_used)]

use chrono::NaiveDate;
use domain::calendar::{HolidayRegion, easter_sunday, public_holidays};

fn rows(csv: &str) -> impl Iterator<Item = Vec<&str>> {
    csv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').collect())
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("fixture date")
}

#[test]
fn easter_matches_the_published_table() {
    let table = include_str!("fixtures/easter-2000-2030.csv");
    let mut checked = 0;
    for row in rows(table) {
        let year: i32 = row[0].parse().expect("fixture year");
        assert_eq!(easter_sunday(year), Some(date(row[1])), "Easter {year}");
        checked += 1;
    }
    assert_eq!(checked, 31);
}

#[test]
fn metropolitan_holidays_match_the_official_list_2002_to_2027() {
    let table = include_str!("fixtures/jours-feries-metropole.csv");
    for year in 2002..=2027 {
        let mut expected: Vec<NaiveDate> = rows(table)
            .filter(|row| row[1] == year.to_string())
            .map(|row| date(row[0]))
            .collect();
        expected.sort();
        let computed: Vec<NaiveDate> = public_holidays(year, HolidayRegion::Metropole)
            .expect("supported year")
            .into_iter()
            .map(|h| h.date)
            .collect();
        assert_eq!(computed, expected, "public holidays of {year}");
    }
}

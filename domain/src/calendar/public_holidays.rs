use chrono::{Days, NaiveDate};

use super::easter_sunday;

/// Years for which holidays are computed: the Gregorian rules and today's list of
/// French public holidays make no sense far outside this range.
pub const SUPPORTED_YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// Where the city is: Alsace-Moselle keeps two more public holidays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HolidayRegion {
    #[default]
    Metropole,
    AlsaceMoselle,
}

/// Each French public holiday, named so that two on one date stay two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PublicHolidayKind {
    NewYearsDay,
    GoodFriday,
    EasterMonday,
    LabourDay,
    VictoryInEuropeDay,
    AscensionDay,
    WhitMonday,
    BastilleDay,
    AssumptionDay,
    AllSaintsDay,
    ArmisticeDay,
    ChristmasDay,
    SaintStephensDay,
}

impl PublicHolidayKind {
    /// The name families read on the portal.
    pub fn french_name(self) -> &'static str {
        match self {
            Self::NewYearsDay => "Jour de l'an",
            Self::GoodFriday => "Vendredi saint",
            Self::EasterMonday => "Lundi de Pâques",
            Self::LabourDay => "Fête du Travail",
            Self::VictoryInEuropeDay => "Victoire 1945",
            Self::AscensionDay => "Ascension",
            Self::WhitMonday => "Lundi de Pentecôte",
            Self::BastilleDay => "Fête nationale",
            Self::AssumptionDay => "Assomption",
            Self::AllSaintsDay => "Toussaint",
            Self::ArmisticeDay => "Armistice 1918",
            Self::ChristmasDay => "Noël",
            Self::SaintStephensDay => "Saint-Étienne",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicHoliday {
    pub date: NaiveDate,
    pub kind: PublicHolidayKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("public holidays are computed for the years 1900 to 2100, not {0}")]
pub struct YearOutOfRange(pub i32);

/// The public holidays of a year, in date order (fixed dates and Easter-based ones).
pub fn public_holidays(
    year: i32,
    region: HolidayRegion,
) -> Result<Vec<PublicHoliday>, YearOutOfRange> {
    if !SUPPORTED_YEARS.contains(&year) {
        return Err(YearOutOfRange(year));
    }
    let easter = easter_sunday(year).ok_or(YearOutOfRange(year))?;
    let fixed = |month, day| NaiveDate::from_ymd_opt(year, month, day);
    let after_easter = |days| easter.checked_add_days(Days::new(days));
    let before_easter = |days| easter.checked_sub_days(Days::new(days));

    use PublicHolidayKind as K;
    let mut rules = vec![
        (K::NewYearsDay, fixed(1, 1)),
        (K::EasterMonday, after_easter(1)),
        (K::LabourDay, fixed(5, 1)),
        (K::VictoryInEuropeDay, fixed(5, 8)),
        (K::AscensionDay, after_easter(39)),
        (K::WhitMonday, after_easter(50)),
        (K::BastilleDay, fixed(7, 14)),
        (K::AssumptionDay, fixed(8, 15)),
        (K::AllSaintsDay, fixed(11, 1)),
        (K::ArmisticeDay, fixed(11, 11)),
        (K::ChristmasDay, fixed(12, 25)),
    ];
    if region == HolidayRegion::AlsaceMoselle {
        rules.push((K::GoodFriday, before_easter(2)));
        rules.push((K::SaintStephensDay, fixed(12, 26)));
    }
    let mut holidays = rules
        .into_iter()
        .map(|(kind, date)| {
            date.map(|date| PublicHoliday { date, kind })
                .ok_or(YearOutOfRange(year))
        })
        .collect::<Result<Vec<_>, _>>()?;
    holidays.sort_by_key(|h| (h.date, h.kind));
    Ok(holidays)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascension_and_labour_day_on_one_date_stay_two_holidays() {
        let holidays = public_holidays(2008, HolidayRegion::Metropole).unwrap_or_default();
        let first_of_may: Vec<_> = holidays
            .iter()
            .filter(|h| h.date == NaiveDate::from_ymd_opt(2008, 5, 1).unwrap_or_default())
            .map(|h| h.kind)
            .collect();
        assert_eq!(
            first_of_may,
            vec![
                PublicHolidayKind::LabourDay,
                PublicHolidayKind::AscensionDay
            ]
        );
    }

    #[test]
    fn alsace_moselle_adds_good_friday_and_saint_stephen() {
        let metropole = public_holidays(2027, HolidayRegion::Metropole).unwrap_or_default();
        let alsace = public_holidays(2027, HolidayRegion::AlsaceMoselle).unwrap_or_default();
        assert_eq!(metropole.len(), 11);
        assert_eq!(alsace.len(), 13);
        assert!(
            alsace
                .iter()
                .any(|h| h.kind == PublicHolidayKind::GoodFriday
                    && h.date == NaiveDate::from_ymd_opt(2027, 3, 26).unwrap_or_default())
        );
    }

    #[test]
    fn years_outside_the_supported_range_are_refused() {
        assert_eq!(
            public_holidays(1899, HolidayRegion::Metropole),
            Err(YearOutOfRange(1899))
        );
        assert_eq!(
            public_holidays(2101, HolidayRegion::Metropole),
            Err(YearOutOfRange(2101))
        );
    }
}

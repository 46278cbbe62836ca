//! The city running the portal.

use std::fmt;

use chrono::NaiveTime;
use std::str::FromStr;

/// The national school-holiday zone the city belongs to (the ministry's calendar
/// publishes one set of holidays per zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchoolZone {
    A,
    B,
    C,
    Corse,
}

impl SchoolZone {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::A => "A",
            Self::B => "B",
            Self::C => "C",
            Self::Corse => "Corse",
        }
    }
}

impl fmt::Display for SchoolZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown school zone {0:?} (expected A, B, C or Corse)")]
pub struct UnknownSchoolZone(pub String);

impl FromStr for SchoolZone {
    type Err = UnknownSchoolZone;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().trim_start_matches("Zone ").trim() {
            "A" => Ok(Self::A),
            "B" => Ok(Self::B),
            "C" => Ok(Self::C),
            "Corse" => Ok(Self::Corse),
            _ => Err(UnknownSchoolZone(text.to_owned())),
        }
    }
}

/// A time the city's family services are open: an ISO weekday (1 = Monday) from
/// `opens` to `closes`, local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpeningSlot {
    pub weekday: u32,
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

/// What is wrong with opening hours: the slot at `index`, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpeningHoursError {
    /// Its weekday is not 1 to 7.
    Weekday(usize),
    /// It does not close after it opens.
    Empty(usize),
    /// It overlaps an earlier slot of the same day.
    Overlap(usize),
}

/// Opening hours as a family reads them: day by day, morning first. Refused when a
/// slot has no weekday, closes before it opens, or overlaps another of its day.
pub fn opening_hours(slots: &[OpeningSlot]) -> Result<Vec<OpeningSlot>, OpeningHoursError> {
    for (index, slot) in slots.iter().enumerate() {
        if !(1..=7).contains(&slot.weekday) {
            return Err(OpeningHoursError::Weekday(index));
        }
        if slot.closes <= slot.opens {
            return Err(OpeningHoursError::Empty(index));
        }
        let overlaps = slots[..index].iter().any(|other| {
            other.weekday == slot.weekday && other.opens < slot.closes && slot.opens < other.closes
        });
        if overlaps {
            return Err(OpeningHoursError::Overlap(index));
        }
    }
    let mut sorted = slots.to_vec();
    sorted.sort_by_key(|s| (s.weekday, s.opens));
    Ok(sorted)
}

/// Whether `slug` may name an information page in a link: 1 to 60 lowercase ASCII
/// letters, digits and inner hyphens (`aide`, `reglement-restauration`).
pub fn is_page_slug(slug: &str) -> bool {
    (1..=60).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_parse_from_the_ministry_spelling() {
        assert_eq!("Zone C".parse(), Ok(SchoolZone::C));
        assert_eq!("A".parse(), Ok(SchoolZone::A));
        assert_eq!("Corse".parse(), Ok(SchoolZone::Corse));
        assert!("D".parse::<SchoolZone>().is_err());
    }

    fn slot(weekday: u32, opens: &str, closes: &str) -> OpeningSlot {
        let time = |t: &str| NaiveTime::parse_from_str(t, "%H:%M").unwrap_or_default();
        OpeningSlot {
            weekday,
            opens: time(opens),
            closes: time(closes),
        }
    }

    #[test]
    fn opening_hours_read_day_by_day_and_refuse_what_cannot_be() {
        let week = [
            slot(2, "13:30", "17:30"),
            slot(1, "08:30", "12:00"),
            slot(2, "08:30", "12:00"),
        ];
        assert_eq!(opening_hours(&week), Ok(vec![week[1], week[2], week[0]]));
        assert_eq!(
            opening_hours(&[slot(8, "08:30", "12:00")]),
            Err(OpeningHoursError::Weekday(0))
        );
        assert_eq!(
            opening_hours(&[slot(1, "12:00", "12:00")]),
            Err(OpeningHoursError::Empty(0))
        );
        assert_eq!(
            opening_hours(&[slot(1, "08:30", "12:00"), slot(1, "11:00", "13:00")]),
            Err(OpeningHoursError::Overlap(1))
        );
        // Back to back is not an overlap.
        assert!(opening_hours(&[slot(1, "08:30", "12:00"), slot(1, "12:00", "13:00")]).is_ok());
    }

    #[test]
    fn a_page_slug_is_a_plain_lowercase_word_list() {
        for good in ["aide", "accessibilite", "reglement-restauration-2026"] {
            assert!(is_page_slug(good), "{good}");
        }
        for bad in [
            "",
            "Aide",
            "aide/x",
            "-aide",
            "aide-",
            "a--b",
            "accessibilité",
            &"a".repeat(61),
        ] {
            assert!(!is_page_slug(bad), "{bad}");
        }
    }
}

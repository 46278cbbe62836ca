//! The city running the portal.

use std::fmt;
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
}

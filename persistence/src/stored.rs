//! Stored values read into their types. A column that holds one of a closed list is
//! read as text, then decoded; a value outside the list is an error naming it (the
//! database's CHECK constraints keep them out), never a default.
//!
//! Rows use `#[diesel(deserialize_as = String)]` for a non-null column (the type
//! implements `TryFrom<String>`), `deserialize_as = NullableText` for a nullable one,
//! and `deserialize_as = StoredText<T>` (`NullableStored<T>`) for a value kept in its own format ([`Stored`]:
//! JSON documents, comma lists). Writes encode through [`Stored::encode`].

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::sql_types::{Nullable, Text};
use domain::activities::{Admission, PriceBracket};
use domain::dossiers::{
    CustodySchedule, DatedPeriod, DocumentKind, Half, HolidaySplit, Household, QuotientProvider,
    RenewalSection, Rhythm, SchoolLevel, Vaccination,
};
use domain::notifications::NoticeKind;
use domain::planning::{DeadlineRule, TimeUnit};
use serde::{Deserialize, Serialize};

use crate::DbError;

/// A value kept in one text column in a format of its own.
pub trait Stored: Sized {
    /// Reads the stored text; an error says what does not read.
    fn decode(text: &str) -> Result<Self, String>;
    /// The text to store.
    fn encode(&self) -> Result<String, DbError>;

    /// Reads a value selected as plain text (outside a row type).
    fn read(text: &str) -> Result<Self, DbError> {
        Self::decode(text).map_err(DbError::Stored)
    }
}

/// A text column read through its [`Stored`] format.
#[derive(Debug)]
pub struct StoredText<T>(T);

impl<T, DB> Queryable<Text, DB> for StoredText<T>
where
    T: Stored,
    DB: diesel::backend::Backend,
    String: FromSql<Text, DB>,
{
    type Row = String;

    fn build(row: Self::Row) -> deserialize::Result<Self> {
        Ok(Self(T::decode(&row)?))
    }
}

impl<T> StoredText<T> {
    /// What diesel's `deserialize_as` calls to hand the decoded value to the row.
    pub fn try_into(self) -> Result<T, std::convert::Infallible> {
        Ok(self.0)
    }
}

/// A nullable text column read through its [`Stored`] format.
#[derive(Debug)]
pub struct NullableStored<T>(Option<T>);

impl<T, DB> Queryable<Nullable<Text>, DB> for NullableStored<T>
where
    T: Stored,
    DB: diesel::backend::Backend,
    Option<String>: FromSql<Nullable<Text>, DB>,
{
    type Row = Option<String>;

    fn build(row: Self::Row) -> deserialize::Result<Self> {
        Ok(Self(row.as_deref().map(T::decode).transpose()?))
    }
}

impl<T> NullableStored<T> {
    /// What diesel's `deserialize_as` calls to hand the decoded value to the row.
    pub fn try_into(self) -> Result<Option<T>, std::convert::Infallible> {
        Ok(self.0)
    }
}

/// Encodes an optional value for a nullable column.
pub fn encode_optional<T: Stored>(value: Option<&T>) -> Result<Option<String>, DbError> {
    value.map(T::encode).transpose()
}

fn to_json(value: &impl Serialize) -> Result<String, DbError> {
    serde_json::to_string(value).map_err(|e| DbError::Stored(e.to_string()))
}

fn from_json<'a, T: Deserialize<'a>>(text: &'a str, what: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| format!("{what} {text:?}: {e}"))
}

/// A comma list of stored words: `"health_form,insurance"`, `"1,2,4,5"`.
fn comma_list<T: std::str::FromStr>(text: &str, what: &str) -> Result<Vec<T>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse()
                .map_err(|_| format!("{what} {text:?}: {item:?}"))
        })
        .collect()
}

/// One price bracket as stored in a unit's `prices` (JSON).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StoredBracket {
    max_quotient: Option<i64>,
    price_cents: i64,
}

impl Stored for Vec<PriceBracket> {
    fn decode(text: &str) -> Result<Self, String> {
        let stored: Vec<StoredBracket> = from_json(text, "prices")?;
        Ok(stored
            .into_iter()
            .map(|b| PriceBracket {
                max_quotient: b.max_quotient,
                price_cents: b.price_cents,
            })
            .collect())
    }

    fn encode(&self) -> Result<String, DbError> {
        let stored: Vec<StoredBracket> = self
            .iter()
            .map(|b| StoredBracket {
                max_quotient: b.max_quotient,
                price_cents: b.price_cents,
            })
            .collect();
        to_json(&stored)
    }
}

/// An activity's admission as stored in its `eligibility` (JSON).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StoredAdmission {
    min_age: Option<u32>,
    max_age: Option<u32>,
    age_reference: Option<NaiveDate>,
    levels: Vec<String>,
}

/// A looked-up quotient's provider, kept as its name (nullable: agents' quotients
/// have none).
impl Stored for QuotientProvider {
    fn decode(text: &str) -> Result<Self, String> {
        text.parse()
    }

    fn encode(&self) -> Result<String, DbError> {
        Ok(self.as_str().to_owned())
    }
}

impl Stored for Admission {
    fn decode(text: &str) -> Result<Self, String> {
        let stored: StoredAdmission = from_json(text, "eligibility")?;
        Ok(Self {
            min_age: stored.min_age,
            max_age: stored.max_age,
            age_reference: stored.age_reference,
            levels: stored
                .levels
                .iter()
                .map(|l| l.parse::<SchoolLevel>())
                .collect::<Result<_, _>>()?,
        })
    }

    fn encode(&self) -> Result<String, DbError> {
        to_json(&StoredAdmission {
            min_age: self.min_age,
            max_age: self.max_age,
            age_reference: self.age_reference,
            levels: self.levels.iter().map(|l| l.as_str().to_owned()).collect(),
        })
    }
}

/// A vaccination as stored in a child's health record (JSON).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredVaccination {
    vaccine: String,
    date: NaiveDate,
}

impl Stored for Vec<Vaccination> {
    fn decode(text: &str) -> Result<Self, String> {
        let stored: Vec<StoredVaccination> = from_json(text, "vaccinations")?;
        Ok(stored
            .into_iter()
            .map(|v| Vaccination {
                vaccine: v.vaccine,
                date: v.date,
            })
            .collect())
    }

    fn encode(&self) -> Result<String, DbError> {
        let stored: Vec<StoredVaccination> = self
            .iter()
            .map(|v| StoredVaccination {
                vaccine: v.vaccine.clone(),
                date: v.date,
            })
            .collect();
        to_json(&stored)
    }
}

/// A deadline rule as the city wrote it (JSON, in the shape the API takes it:
/// `{"kind": "before", "amount": 2, "unit": "days", ...}`).
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
enum StoredRule {
    UntilStart {},
    #[serde(rename_all = "camelCase")]
    Before {
        amount: u32,
        unit: String,
        cutoff: Option<NaiveTime>,
        #[serde(default)]
        working_days_only: bool,
    },
    PreviousMonth {
        day: u32,
        cutoff: Option<NaiveTime>,
    },
    Window {
        opens: NaiveDateTime,
        closes: NaiveDateTime,
    },
    AfterReturn {
        days: u32,
    },
    CityPeriod {},
}

impl Stored for DeadlineRule {
    fn decode(text: &str) -> Result<Self, String> {
        Ok(match from_json(text, "deadline rule")? {
            StoredRule::UntilStart {} => Self::UntilStart,
            StoredRule::Before {
                amount,
                unit,
                cutoff,
                working_days_only,
            } => Self::Before {
                amount,
                unit: unit
                    .parse::<TimeUnit>()
                    .map_err(|e| format!("deadline rule {text:?}: {e}"))?,
                cutoff,
                working_days_only,
            },
            StoredRule::PreviousMonth { day, cutoff } => Self::PreviousMonth { day, cutoff },
            StoredRule::Window { opens, closes } => Self::Window { opens, closes },
            StoredRule::AfterReturn { days } => Self::AfterReturn { days },
            StoredRule::CityPeriod {} => Self::CityPeriod,
        })
    }

    fn encode(&self) -> Result<String, DbError> {
        to_json(&match *self {
            Self::UntilStart => StoredRule::UntilStart {},
            Self::Before {
                amount,
                unit,
                cutoff,
                working_days_only,
            } => StoredRule::Before {
                amount,
                unit: unit.as_str().to_owned(),
                cutoff,
                working_days_only,
            },
            Self::PreviousMonth { day, cutoff } => StoredRule::PreviousMonth { day, cutoff },
            Self::Window { opens, closes } => StoredRule::Window { opens, closes },
            Self::AfterReturn { days } => StoredRule::AfterReturn { days },
            Self::CityPeriod => StoredRule::CityPeriod {},
        })
    }
}

/// A unit's days of the week, 1 (Monday) to 7, stored as `"1,2,4,5"`.
impl Stored for Vec<u32> {
    fn decode(text: &str) -> Result<Self, String> {
        let days: Vec<u32> = comma_list(text, "weekdays")?;
        match days.iter().find(|d| !(1..=7).contains(*d)) {
            Some(day) => Err(format!("weekdays {text:?}: {day} is not a day of the week")),
            None => Ok(days),
        }
    }

    fn encode(&self) -> Result<String, DbError> {
        Ok(self
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(","))
    }
}

/// Lists of stored words kept as a comma list: the documents an activity requires
/// (`"health_form,insurance"`), the event kinds a webhook endpoint takes.
macro_rules! comma_listed {
    ($($word:ty => $what:literal),+ $(,)?) => {$(
        impl Stored for Vec<$word> {
            fn decode(text: &str) -> Result<Self, String> {
                comma_list(text, $what)
            }

            fn encode(&self) -> Result<String, DbError> {
                Ok(self.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(","))
            }
        }
    )+};
}

comma_listed! {
    DocumentKind => "required documents",
    NoticeKind => "event kinds",
    RenewalSection => "renewal sections",
}

/// A nullable text column as stored, before it is decoded into `Option<T>`.
#[derive(Debug)]
pub struct NullableText(Option<String>);

impl<DB> Queryable<Nullable<Text>, DB> for NullableText
where
    DB: diesel::backend::Backend,
    Option<String>: FromSql<Nullable<Text>, DB>,
{
    type Row = Option<String>;

    fn build(row: Self::Row) -> deserialize::Result<Self> {
        Ok(Self(row))
    }
}

impl<T: TryFrom<String, Error = String>> TryFrom<NullableText> for Option<T> {
    type Error = String;

    fn try_from(stored: NullableText) -> Result<Self, Self::Error> {
        stored.0.map(T::try_from).transpose()
    }
}

/// A custody schedule as stored (JSON): households and halves by their words,
/// weekdays 1 (Monday) to 7.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StoredSchedule {
    rhythm: StoredRhythm,
    holidays: Option<StoredSplit>,
    exceptions: Vec<(NaiveDate, String)>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
enum StoredRhythm {
    #[serde(rename_all = "camelCase")]
    AlternatingWeeks {
        reference_week: NaiveDate,
        reference: String,
        handover: u32,
    },
    FixedWeekdays {
        second: Vec<u32>,
    },
    DatedPeriods {
        periods: Vec<(NaiveDate, NaiveDate, String)>,
        otherwise: String,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StoredSplit {
    first_half_in_even_years: String,
    longer_half: String,
}

fn weekday_of(number: u32) -> Result<chrono::Weekday, String> {
    number
        .checked_sub(1)
        .and_then(|n| u8::try_from(n).ok())
        .and_then(|n| chrono::Weekday::try_from(n).ok())
        .ok_or_else(|| format!("custody schedule: {number} is not a day of the week"))
}

fn household_of(word: &str) -> Result<Household, String> {
    word.parse()
        .map_err(|_| format!("custody schedule: {word:?} is not a household"))
}

impl Stored for CustodySchedule {
    fn decode(text: &str) -> Result<Self, String> {
        let stored: StoredSchedule = from_json(text, "custody schedule")?;
        let rhythm = match stored.rhythm {
            StoredRhythm::AlternatingWeeks {
                reference_week,
                reference,
                handover,
            } => Rhythm::AlternatingWeeks {
                reference_week,
                reference: household_of(&reference)?,
                handover: weekday_of(handover)?,
            },
            StoredRhythm::FixedWeekdays { second } => Rhythm::FixedWeekdays {
                second: second
                    .into_iter()
                    .map(weekday_of)
                    .collect::<Result<_, _>>()?,
            },
            StoredRhythm::DatedPeriods { periods, otherwise } => Rhythm::DatedPeriods {
                periods: periods
                    .into_iter()
                    .map(|(first, last, household)| {
                        Ok(DatedPeriod {
                            first,
                            last,
                            household: household_of(&household)?,
                        })
                    })
                    .collect::<Result<_, String>>()?,
                otherwise: household_of(&otherwise)?,
            },
        };
        let holidays = match stored.holidays {
            Some(split) => Some(HolidaySplit {
                first_half_in_even_years: household_of(&split.first_half_in_even_years)?,
                longer_half: split.longer_half.parse::<Half>().map_err(|_| {
                    format!("custody schedule: {:?} is not a half", split.longer_half)
                })?,
            }),
            None => None,
        };
        let exceptions = stored
            .exceptions
            .into_iter()
            .map(|(day, household)| Ok((day, household_of(&household)?)))
            .collect::<Result<_, String>>()?;
        Ok(Self {
            rhythm,
            holidays,
            exceptions,
        })
    }

    fn encode(&self) -> Result<String, DbError> {
        let word = |h: Household| h.as_str().to_owned();
        let rhythm = match &self.rhythm {
            Rhythm::AlternatingWeeks {
                reference_week,
                reference,
                handover,
            } => StoredRhythm::AlternatingWeeks {
                reference_week: *reference_week,
                reference: word(*reference),
                handover: handover.number_from_monday(),
            },
            Rhythm::FixedWeekdays { second } => StoredRhythm::FixedWeekdays {
                second: second
                    .iter()
                    .map(chrono::Weekday::number_from_monday)
                    .collect(),
            },
            Rhythm::DatedPeriods { periods, otherwise } => StoredRhythm::DatedPeriods {
                periods: periods
                    .iter()
                    .map(|p| (p.first, p.last, word(p.household)))
                    .collect(),
                otherwise: word(*otherwise),
            },
        };
        to_json(&StoredSchedule {
            rhythm,
            holidays: self.holidays.map(|split| StoredSplit {
                first_half_in_even_years: word(split.first_half_in_even_years),
                longer_half: split.longer_half.as_str().to_owned(),
            }),
            exceptions: self
                .exceptions
                .iter()
                .map(|(day, household)| (*day, word(*household)))
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rules as the API has always written them, one of each kind.
    const RULES: [&str; 5] = [
        r#"{"kind":"untilStart"}"#,
        r#"{"kind":"before","amount":2,"unit":"days","cutoff":"10:00:00","workingDaysOnly":true}"#,
        r#"{"kind":"previousMonth","day":20,"cutoff":null}"#,
        r#"{"kind":"window","opens":"2027-05-03T08:00:00","closes":"2027-05-24T00:00:00"}"#,
        r#"{"kind":"afterReturn","days":21}"#,
    ];

    #[test]
    fn stored_deadline_rules_read_and_write_back_the_same() {
        for stored in RULES {
            let rule = DeadlineRule::read(stored).unwrap();
            assert_eq!(rule.encode().unwrap(), stored);
        }
        assert_eq!(
            DeadlineRule::read(r#"{"kind":"before","amount":48,"unit":"hours","cutoff":null}"#)
                .unwrap(),
            DeadlineRule::Before {
                amount: 48,
                unit: TimeUnit::Hours,
                cutoff: None,
                working_days_only: false,
            }
        );
    }

    #[test]
    fn a_stored_rule_that_does_not_read_is_an_error_naming_it() {
        for stored in [
            r#"{"kind":"before","amount":2,"unit":"fortnights","cutoff":null}"#,
            r#"{"kind":"sometimes"}"#,
            r#"{"kind":"afterReturn","days":21,"extra":1}"#,
            "not json",
        ] {
            let Err(DbError::Stored(message)) = DeadlineRule::read(stored) else {
                panic!("{stored} read");
            };
            assert!(message.contains("deadline rule"), "{message}");
        }
    }
}

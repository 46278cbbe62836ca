//! Stored values read into their types. A column that holds one of a closed list is
//! read as text, then decoded; a value outside the list is an error naming it (the
//! database's CHECK constraints keep them out), never a default.
//!
//! Rows use `#[diesel(deserialize_as = String)]` for a non-null column (the type
//! implements `TryFrom<String>`), `deserialize_as = NullableText` for a nullable one,
//! and `deserialize_as = StoredText<T>` for a value kept in its own format ([`Stored`]:
//! JSON documents, comma lists). Writes encode through [`Stored::encode`].

use chrono::NaiveDate;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::sql_types::{Nullable, Text};
use domain::activities::{Admission, PriceBracket};
use domain::dossiers::{DocumentKind, SchoolLevel, Vaccination};
use domain::notifications::NoticeKind;
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

pub use domain::city::OpeningSlot;
pub use persistence::city::{CityContacts, CitySettings, QuotientRules};

use chrono::{DateTime, Utc};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use persistence::city::{self, NewCitySettings};
use persistence::write_transaction;
use persistence::{AnyConnection, DbError};

use super::{Outcome, UseCaseError};
use crate::config::CityDefaults;
use crate::problem::ApiError;
use crate::seed::demo;

#[derive(Debug, thiserror::Error)]
pub enum CityError {
    /// Start-up creates the city; its absence is a broken invariant.
    #[error("the city settings row is missing")]
    NotConfigured,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<CityError> for ApiError {
    fn from(error: CityError) -> Self {
        match error {
            CityError::Db(db) => db.into(),
            not_configured @ CityError::NotConfigured => ApiError::internal(not_configured),
        }
    }
}

pub fn current(conn: &mut AnyConnection) -> Result<CitySettings, CityError> {
    city::find(conn)?.ok_or(CityError::NotConfigured)
}

/// What start-up found or did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bootstrap {
    AlreadyConfigured,
    DemoSeeded,
    CityCreated,
}

/// Creates the city in an empty database: the demo city (and its families and
/// accounts) when `seed_demo` is on, otherwise the one named in the configuration.
/// An instance that loses the race with another one starting on the same database
/// finds the city already there.
pub fn ensure_city(
    conn: &mut AnyConnection,
    defaults: &CityDefaults,
    seed_demo: bool,
    now: DateTime<Utc>,
) -> Outcome<Bootstrap> {
    let outcome = write_transaction::<_, UseCaseError, _>(conn, |conn| {
        if city::find(conn)?.is_some() {
            return Ok(Bootstrap::AlreadyConfigured);
        }
        if seed_demo {
            demo::seed(conn, now)?;
            return Ok(Bootstrap::DemoSeeded);
        }
        city::insert(
            conn,
            &NewCitySettings {
                name: defaults.name.clone(),
                time_zone: defaults.time_zone.name().to_owned(),
                school_zone: defaults.school_zone.as_str().to_owned(),
                contacts: CityContacts::default(),
            },
            now,
        )?;
        Ok(Bootstrap::CityCreated)
    });
    match outcome {
        Err(UseCaseError::Db(DbError::Query(DieselError::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            _,
        )))) => Ok(Bootstrap::AlreadyConfigured),
        other => other,
    }
}

/// Opening hours as stored: one JSON object per slot, times as `HH:MM`.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct StoredSlot {
    weekday: u32,
    opens: String,
    closes: String,
}

/// The city's opening hours, day by day (none when unset or unreadable: logged).
pub fn opening_hours(settings: &CitySettings) -> Vec<OpeningSlot> {
    let Some(text) = &settings.opening_hours else {
        return Vec::new();
    };
    let time = |t: &str| chrono::NaiveTime::parse_from_str(t, "%H:%M").ok();
    match serde_json::from_str::<Vec<StoredSlot>>(text) {
        Ok(stored) => stored
            .iter()
            .filter_map(|s| {
                Some(OpeningSlot {
                    weekday: s.weekday,
                    opens: time(&s.opens)?,
                    closes: time(&s.closes)?,
                })
            })
            .collect(),
        Err(error) => {
            tracing::error!(?error, "the city's stored opening hours cannot be read");
            Vec::new()
        }
    }
}

/// Opening hours as stored; None when there are none.
pub fn stored_opening_hours(slots: &[OpeningSlot]) -> Option<String> {
    let stored: Vec<StoredSlot> = slots
        .iter()
        .map(|s| StoredSlot {
            weekday: s.weekday,
            opens: s.opens.format("%H:%M").to_string(),
            closes: s.closes.format("%H:%M").to_string(),
        })
        .collect();
    (!stored.is_empty()).then(|| serde_json::to_string(&stored).unwrap_or_default())
}

/// What an admin writes: the contacts, and the opening hours as slots.
#[derive(Debug, Clone)]
pub struct ContactsInput {
    pub academy: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub website_url: Option<String>,
    pub opening_hours: Vec<OpeningSlot>,
    pub opening_note: Option<String>,
}

/// The contacts as stored, once checked: a phone in dialable characters, slots that
/// do not overlap or close before they open; blanks are none.
pub fn contacts(input: ContactsInput) -> Outcome<CityContacts> {
    use domain::city::OpeningHoursError as E;
    let slots = domain::city::opening_hours(&input.opening_hours).map_err(|error| {
        let (index, code, fr, en) = match error {
            E::Weekday(i) => (
                i,
                "weekday",
                "Le jour doit aller de 1 (lundi) à 7 (dimanche).",
                "The weekday must be 1 (Monday) to 7 (Sunday).",
            ),
            E::Empty(i) => (
                i,
                "closes_before_opening",
                "L'heure de fermeture doit suivre celle d'ouverture.",
                "Closing must come after opening.",
            ),
            E::Overlap(i) => (
                i,
                "overlap",
                "Ce créneau chevauche un autre créneau du même jour.",
                "This slot overlaps another one of the same day.",
            ),
        };
        UseCaseError::Invalid(vec![crate::problem::FieldError::new(
            &format!("openingHours[{index}]"),
            code,
            fr,
            en,
        )])
    })?;
    let blank_as_none =
        |v: Option<String>| v.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    let dialable = |phone: &str| {
        phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +.()-".contains(c))
    };
    if input.contact_phone.as_deref().is_some_and(|p| !dialable(p)) {
        return Err(UseCaseError::Invalid(vec![
            crate::problem::FieldError::new(
                "contactPhone",
                "invalid_phone",
                "Le numéro ne peut contenir que des chiffres, des espaces et + . ( ) -.",
                "The number may only hold digits, spaces and + . ( ) -.",
            ),
        ]));
    }
    let contacts = CityContacts {
        academy: blank_as_none(input.academy),
        contact_email: blank_as_none(input.contact_email),
        contact_phone: blank_as_none(input.contact_phone),
        website_url: blank_as_none(input.website_url),
        opening_hours: stored_opening_hours(&slots),
        opening_note: blank_as_none(input.opening_note),
    };
    Ok(contacts)
}

/// Rewrites the city's contacts and opening hours if the settings are still at
/// `version` (412 otherwise).
pub fn update_contacts(
    conn: &mut AnyConnection,
    version: i64,
    contacts: &CityContacts,
    now: DateTime<Utc>,
) -> Outcome<CitySettings> {
    write_transaction(conn, |conn| {
        if !city::update_contacts(conn, version, contacts, now)? {
            return Err(super::CommonRefusal::VersionMismatch.into());
        }
        current(conn).map_err(|e| UseCaseError::Internal(e.into()))
    })
}

/// Rewrites the city's quotient rules if the settings are still at `version` (412
/// otherwise).
pub fn update_quotient_rules(
    conn: &mut AnyConnection,
    version: i64,
    rules: &city::QuotientRules,
    now: DateTime<Utc>,
) -> Outcome<CitySettings> {
    write_transaction(conn, |conn| {
        if !city::update_quotient_rules(conn, version, rules, now)? {
            return Err(super::CommonRefusal::VersionMismatch.into());
        }
        current(conn).map_err(|e| UseCaseError::Internal(e.into()))
    })
}

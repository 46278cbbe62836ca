//! The city's settings: a single row, created at first start.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::dossiers::{LookupAppliesFrom, MonthDay};

use crate::schema::city_settings;
use crate::{AnyConnection, DbError, db_time};

/// The only id the table accepts (a CHECK constraint enforces it).
const SETTINGS_ID: i64 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = city_settings)]
pub struct CitySettings {
    pub id: i64,
    pub name: String,
    pub time_zone: String,
    pub school_zone: String,
    pub academy: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub website_url: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// JSON: `[{"weekday": 1, "opens": "08:30", "closes": "12:00"}, ...]`.
    pub opening_hours: Option<String>,
    pub opening_note: Option<String>,
    /// The ETag of an admin's update; every change bumps it.
    pub version: i64,
    /// `MM-DD`: from this day of each school year, a family without a quotient pays
    /// the top bracket; `None`: whenever it has none.
    pub top_bracket_from: Option<String>,
    /// From when a looked-up quotient applies.
    #[diesel(deserialize_as = String)]
    pub lookup_applies_from: LookupAppliesFrom,
}

#[derive(Debug, Clone)]
pub struct NewCitySettings {
    pub name: String,
    pub time_zone: String,
    pub school_zone: String,
    pub contacts: CityContacts,
}

/// What an admin edits: how families reach the city's family services.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = city_settings, treat_none_as_null = true)]
pub struct CityContacts {
    pub academy: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub website_url: Option<String>,
    pub opening_hours: Option<String>,
    pub opening_note: Option<String>,
}

/// The rules that read families' quotients (see `CitySettings`).
#[derive(Debug, Clone, PartialEq, Eq, AsChangeset)]
#[diesel(table_name = city_settings, treat_none_as_null = true)]
pub struct QuotientRules {
    pub top_bracket_from: Option<String>,
    pub lookup_applies_from: String,
}

impl QuotientRules {
    pub fn new(top_bracket_from: Option<MonthDay>, lookup_applies_from: LookupAppliesFrom) -> Self {
        Self {
            top_bracket_from: top_bracket_from.map(|day| day.to_string()),
            lookup_applies_from: lookup_applies_from.to_string(),
        }
    }
}

pub fn find(conn: &mut AnyConnection) -> Result<Option<CitySettings>, DbError> {
    city_settings::table
        .find(SETTINGS_ID)
        .select(CitySettings::as_select())
        .first(conn)
        .optional()
        .map_err(DbError::from)
}

pub fn insert(
    conn: &mut AnyConnection,
    new: &NewCitySettings,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let now = db_time(now);
    diesel::insert_into(city_settings::table)
        .values((
            city_settings::id.eq(SETTINGS_ID),
            city_settings::name.eq(&new.name),
            city_settings::time_zone.eq(&new.time_zone),
            city_settings::school_zone.eq(&new.school_zone),
            city_settings::academy.eq(&new.contacts.academy),
            city_settings::contact_email.eq(&new.contacts.contact_email),
            city_settings::contact_phone.eq(&new.contacts.contact_phone),
            city_settings::website_url.eq(&new.contacts.website_url),
            city_settings::opening_hours.eq(&new.contacts.opening_hours),
            city_settings::opening_note.eq(&new.contacts.opening_note),
            city_settings::created_at.eq(now),
            city_settings::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Writes the contacts if the settings are still at `version`; false if they moved on.
pub fn update_contacts(
    conn: &mut AnyConnection,
    version: i64,
    contacts: &CityContacts,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        city_settings::table
            .find(SETTINGS_ID)
            .filter(city_settings::version.eq(version)),
    )
    .set((
        contacts,
        city_settings::version.eq(city_settings::version + 1),
        city_settings::updated_at.eq(db_time(now)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Writes the quotient rules if the settings are still at `version`; false if they
/// moved on.
pub fn update_quotient_rules(
    conn: &mut AnyConnection,
    version: i64,
    rules: &QuotientRules,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        city_settings::table
            .find(SETTINGS_ID)
            .filter(city_settings::version.eq(version)),
    )
    .set((
        rules,
        city_settings::version.eq(city_settings::version + 1),
        city_settings::updated_at.eq(db_time(now)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// The day from which families without a quotient pay the top bracket (`MM-DD`).
pub fn top_bracket_from(conn: &mut AnyConnection) -> Result<Option<String>, DbError> {
    Ok(city_settings::table
        .find(SETTINGS_ID)
        .select(city_settings::top_bracket_from)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten())
}

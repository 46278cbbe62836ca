pub use persistence::city::CitySettings;

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
                academy: None,
                contact_email: None,
                contact_phone: None,
                website_url: None,
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

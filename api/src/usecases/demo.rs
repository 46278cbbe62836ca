//! The demo city seeded in an empty database by the local default run (domain.md,
//! "Demo data"). It grows as the portal does: families, activities, invoices, news.

use chrono::{DateTime, Utc};
use persistence::city::{self, NewCitySettings};
use persistence::{AnyConnection, DbError};

pub fn seed(conn: &mut AnyConnection, now: DateTime<Utc>) -> Result<(), DbError> {
    city::insert(
        conn,
        &NewCitySettings {
            name: "Villejuif".to_owned(),
            time_zone: "Europe/Paris".to_owned(),
            school_zone: "C".to_owned(),
            academy: Some("Créteil".to_owned()),
            contact_email: Some("espace.familles@villejuif.example".to_owned()),
            contact_phone: None,
            website_url: Some("https://www.villejuif.fr".to_owned()),
        },
        now,
    )
}

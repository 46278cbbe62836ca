//! The demo city seeded in an empty database by the local default run (domain.md,
//! "Demo data"; the credentials are in the README). It grows as the portal does.

use chrono::{DateTime, Utc};
use persistence::accounts::{self, NewAccount};
use persistence::city::{self, NewCitySettings};
use persistence::{AnyConnection, dossiers, legal};

use super::Outcome;
use crate::auth::passwords;

/// A demo account: username, email, password, first and last name.
#[derive(Debug)]
pub struct DemoAccount {
    pub username: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
}

/// The family "T I" of the guide, linked to dossier 18.
pub const FAMILY: DemoAccount = DemoAccount {
    username: "famille.ti",
    email: "famille.ti@exemple.fr",
    password: "Famille-TI-2026!",
    first_name: "Camille",
    last_name: "TI",
};

pub const AGENT: DemoAccount = DemoAccount {
    username: "agent.demo",
    email: "agent.demo@villejuif.example",
    password: "Agent-Villejuif-2026!",
    first_name: "Alex",
    last_name: "Martin",
};

pub const ADMIN: DemoAccount = DemoAccount {
    username: "admin.demo",
    email: "admin.demo@villejuif.example",
    password: "Admin-Villejuif-2026!",
    first_name: "Dominique",
    last_name: "Bernard",
};

/// The demo dossiers: 18 "T I" (the guide's), and 19 for a second family.
pub const DOSSIERS: [(&str, &str, &str); 2] = [
    ("18", "T I", "famille.ti@exemple.fr"),
    ("19", "DURAND", "famille.durand@exemple.fr"),
];

pub fn seed(conn: &mut AnyConnection, now: DateTime<Utc>) -> Outcome<()> {
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
    )?;
    let mut dossier_18 = None;
    for (number, name, email) in DOSSIERS {
        let id = dossiers::insert(conn, number, name, Some(email), now)?;
        dossier_18.get_or_insert(id);
    }
    let documents: Vec<i64> = ["terms", "privacy"]
        .into_iter()
        .map(|kind| legal::current(conn, kind).map(|d| d.map(|d| d.id)))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect();
    for (account, role, dossier) in [
        (&FAMILY, "family", dossier_18),
        (&AGENT, "agent", None),
        (&ADMIN, "admin", None),
    ] {
        let hash = passwords::hash(account.password)?;
        let id = accounts::insert(
            conn,
            &NewAccount {
                role,
                status: "active",
                username: account.username,
                email: account.email,
                first_name: account.first_name,
                last_name: account.last_name,
                password_hash: Some(&hash),
                dossier_id: dossier,
            },
            now,
        )?;
        for document in &documents {
            legal::accept(conn, id, *document, now)?;
        }
    }
    Ok(())
}

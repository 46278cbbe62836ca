//! The demo city seeded in an empty database by the local default run (domain.md,
//! "Demo data"; the credentials are in the README). It grows as the portal does.

use chrono::{DateTime, NaiveDate, Utc};
use domain::accounts::{AccountStatus, Role};
use persistence::accounts::{self, NewAccount};
use persistence::city::{self, CityContacts, NewCitySettings};
use persistence::dossiers::children::ChildFields;
use persistence::dossiers::{ContactDetails, DossierFields, NewGuardian};
use persistence::{AnyConnection, accounts::legal, dossiers};

use crate::auth::passwords;
use crate::usecases::Outcome;
use crate::usecases::city::{OpeningSlot, stored_opening_hours};

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

/// A demo child: first name, birth date, school level, school.
type DemoChild = (&'static str, (i32, u32, u32), &'static str, &'static str);

/// A demo dossier: number, name, email, address line, guardian's first name,
/// children.
type DemoDossier = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [DemoChild],
);

/// The demo dossiers: 18 "T I" (the guide's, with Luc and Eliot at nursery school
/// and Thomas at primary school), and 19 for a second family.
pub const DOSSIERS: [DemoDossier; 2] = [
    (
        "18",
        "T I",
        "famille.ti@exemple.fr",
        "12 rue Jean Jaurès",
        "Camille",
        &[
            ("Luc", (2023, 3, 14), "PS", "École maternelle Robespierre"),
            ("Eliot", (2021, 6, 1), "GS", "École maternelle Robespierre"),
            (
                "Thomas",
                (2017, 9, 2),
                "CM1",
                "École élémentaire Robespierre",
            ),
        ],
    ),
    (
        "19",
        "DURAND",
        "famille.durand@exemple.fr",
        "4 avenue de Paris",
        "Sophie",
        &[(
            "Léa",
            (2019, 11, 20),
            "CP",
            "École élémentaire Paul Vaillant-Couturier",
        )],
    ),
];

/// The family services' desk: weekday mornings and afternoons (Thursday morning
/// closed), Saturday morning.
fn demo_opening_hours() -> Vec<OpeningSlot> {
    let at = |h: u32, m: u32| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
    let mut slots = Vec::new();
    for weekday in 1..=5 {
        if weekday != 4 {
            slots.push(OpeningSlot {
                weekday,
                opens: at(8, 30),
                closes: at(12, 0),
            });
        }
        slots.push(OpeningSlot {
            weekday,
            opens: at(13, 30),
            closes: at(17, 30),
        });
    }
    slots.push(OpeningSlot {
        weekday: 6,
        opens: at(9, 0),
        closes: at(12, 0),
    });
    slots
}

/// The guide's header links ("Aide", "Accessibilité") and a service's rules.
fn seed_pages(conn: &mut AnyConnection, now: DateTime<Utc>) -> Outcome<()> {
    let pages = [
        (
            "aide",
            "Aide",
            1,
            "## Besoin d'aide ?\n\nLe guide de l'Espace Familles explique chaque écran : création du compte, inscriptions, réservations, paiement.\n\n- **Mot de passe oublié** : « Mot de passe oublié ? » sur la page de connexion.\n- **Une question sur une facture** : écrivez au service Enfance depuis « Mes démarches ».\n\nLe service Enfance vous répond aux horaires d'ouverture indiqués en bas de page.",
        ),
        (
            "accessibilite",
            "Accessibilité",
            2,
            "## Déclaration d'accessibilité\n\nLa Ville s'engage à rendre l'Espace Familles accessible conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005.\n\n**État de conformité** : partiellement conforme au RGAA 4.1.\n\nSi vous n'arrivez pas à accéder à un contenu ou à un service, contactez le service Enfance : il vous aidera par un autre moyen.",
        ),
        (
            "reglement-restauration",
            "Règlement de la restauration scolaire",
            3,
            "## Restauration scolaire\n\n| Délai | Règle |\n|---|---|\n| Réservation | 1 mois avant |\n| Modification | 15 jours avant |\n\nUn repas pris sans réservation est facturé avec une majoration.",
        ),
    ];
    for (slug, title, position, markdown) in pages {
        persistence::info_pages::insert(
            conn,
            slug,
            &persistence::info_pages::PageFields {
                title: title.to_owned(),
                body_markdown: markdown.to_owned(),
                body_html: crate::usecases::news::render(markdown),
                position,
            },
            now,
        )?;
    }
    Ok(())
}

pub fn seed(conn: &mut AnyConnection, now: DateTime<Utc>) -> Outcome<()> {
    city::insert(
        conn,
        &NewCitySettings {
            name: "Villejuif".to_owned(),
            time_zone: "Europe/Paris".to_owned(),
            school_zone: "C".to_owned(),
            contacts: CityContacts {
                academy: Some("Créteil".to_owned()),
                contact_email: Some("espace.familles@villejuif.example".to_owned()),
                // A number of the range ARCEP keeps for fiction and examples.
                contact_phone: Some("01 99 00 12 34".to_owned()),
                website_url: Some("https://www.villejuif.fr".to_owned()),
                opening_hours: stored_opening_hours(&demo_opening_hours()),
                opening_note: Some("Fermé le samedi en juillet et en août.".to_owned()),
            },
        },
        now,
    )?;
    seed_pages(conn, now)?;
    seed_requirements(conn, now)?;
    seed_direct_debit(conn, now)?;
    let dossier_18 = seed_dossiers(conn, now)?;
    if let Some(dossier_18) = dossier_18 {
        seed_dossier_18_extras(conn, dossier_18, now)?;
    }
    seed_activities(conn, now)?;
    // The académie de Créteil's holidays (Zone C), imported as an agent would.
    let rows = crate::usecases::planning::school_calendar::rows_from_csv(include_str!(
        "../../../domain/src/calendar/fixtures/creteil-zone-c-2024-2027.csv"
    ))?;
    crate::usecases::planning::school_calendar::import(conn, &rows, None, now)?;
    let documents: Vec<i64> = domain::accounts::LegalDocumentKind::ALL
        .iter()
        .map(|&kind| legal::current(conn, kind).map(|d| d.map(|d| d.id)))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect();
    for (account, role, dossier) in [
        (&FAMILY, Role::Family, dossier_18),
        (&AGENT, Role::Agent, None),
        (&ADMIN, Role::Admin, None),
    ] {
        let hash = passwords::hash(account.password)?;
        let is_agent = role == Role::Agent;
        let id = accounts::insert(
            conn,
            &NewAccount {
                role,
                status: AccountStatus::Active,
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
        if is_agent {
            seed_news(conn, id, now)?;
            seed_campaign(conn, id, now)?;
        }
    }
    Ok(())
}

/// A few news items, as the city's agent would write them: one pinned, one
/// plain, one scheduled for next week.
fn seed_news(conn: &mut AnyConnection, agent_id: i64, now: DateTime<Utc>) -> Outcome<()> {
    let items = [
        (
            "Inscriptions aux centres de loisirs des vacances d'hiver",
            "Les inscriptions aux centres de loisirs des **vacances d'hiver** se font dans \
             l'Espace Familles, rubrique *Inscriptions*, pendant les 15 jours qui suivent \
             la rentrée de janvier.\n\nLes places sont attribuées dans l'ordre des paiements.",
            now - chrono::Duration::days(3),
            true,
        ),
        (
            "Nouveaux menus de la restauration scolaire",
            "Les menus de la période sont en ligne. Un repas végétarien est servi chaque \
             semaine ; les menus sans viande restent proposés chaque jour.",
            now - chrono::Duration::days(10),
            false,
        ),
        (
            "Fermeture exceptionnelle des accueils",
            "Les accueils du soir fermeront à 18 h le dernier jour avant les vacances.",
            now + chrono::Duration::days(7),
            false,
        ),
    ];
    for (title, body, from, pinned) in items {
        crate::usecases::news::create(
            conn,
            agent_id,
            &crate::usecases::news::NewsInput {
                title: title.to_owned(),
                body_markdown: body.to_owned(),
                published_from: Some(from),
                published_until: None,
                pinned,
            },
            now,
        )?;
    }
    Ok(())
}

/// Dossier 18's family quotient for the current school year and its grandmother as
/// an authorised pick-up person.
fn seed_dossier_18_extras(conn: &mut AnyConnection, id: i64, now: DateTime<Utc>) -> Outcome<()> {
    let start_year = school_year_start(now);
    let (Some(valid_from), Some(valid_until)) = (
        NaiveDate::from_ymd_opt(start_year, 9, 1),
        NaiveDate::from_ymd_opt(start_year + 1, 8, 31),
    ) else {
        return Err(anyhow::anyhow!("no school year starting in {start_year}").into());
    };
    persistence::dossiers::quotients::insert(
        conn,
        &persistence::dossiers::quotients::NewFamilyQuotient {
            dossier_id: id,
            quotient: 850,
            valid_from,
            valid_until,
            proof_document_id: None,
            recorded_by: None,
            source: domain::dossiers::QuotientSource::Agent.to_string(),
            provider: None,
            reference_month: None,
        },
        now,
    )?;
    dossiers::replace_contacts(
        conn,
        id,
        &[persistence::dossiers::NewContact {
            kind: domain::dossiers::ContactKind::Pickup,
            first_name: "Rose".to_owned(),
            last_name: "TI".to_owned(),
            relationship: "grand-mère".to_owned(),
            phone: "0698765432".to_owned(),
        }],
    )?;
    Ok(())
}

/// The current school year (its first calendar year).
fn school_year_start(now: DateTime<Utc>) -> i32 {
    domain::dossiers::school_year_of(now.date_naive())
}

/// The demo dossiers, their guardian and children; returns the first one's id (dossier 18).
fn seed_dossiers(conn: &mut AnyConnection, now: DateTime<Utc>) -> Outcome<Option<i64>> {
    let mut dossier_18 = None;
    for (number, name, email, street, guardian, children) in DOSSIERS {
        let id = dossiers::create(
            conn,
            &DossierFields {
                number: number.to_owned(),
                name: name.to_owned(),
                details: ContactDetails {
                    email: Some(email.to_owned()),
                    address_line1: street.to_owned(),
                    postcode: "94800".to_owned(),
                    city: "Villejuif".to_owned(),
                    mobile_phone: Some("0612345678".to_owned()),
                    ..ContactDetails::default()
                },
            },
            now,
        )?;
        dossier_18.get_or_insert(id);
        dossiers::replace_guardians(
            conn,
            id,
            &[NewGuardian {
                relationship: domain::dossiers::Relationship::Mother,
                first_name: guardian.to_owned(),
                last_name: name.to_owned(),
                email: Some(email.to_owned()),
                mobile_phone: Some("0612345678".to_owned()),
                work_phone: None,
            }],
        )?;
        for (first_name, (y, m, d), level, school) in children {
            let birth_date = NaiveDate::from_ymd_opt(*y, *m, *d)
                .ok_or_else(|| anyhow::anyhow!("a demo birth date is not a date"))?;
            persistence::dossiers::children::insert(
                conn,
                id,
                &ChildFields {
                    first_name: (*first_name).to_owned(),
                    last_name: name.to_owned(),
                    birth_date,
                    school: Some((*school).to_owned()),
                    school_level: Some(level.parse().map_err(anyhow::Error::msg)?),
                    diet: domain::dossiers::Diet::Standard,
                },
                now,
            )?;
        }
    }
    Ok(dossier_18)
}

/// The guide's activities, one per column of its deadline table, in the current school
/// year: morning and evening care for nursery children (3.50 and 2.80 EUR, entry date
/// fixed), the nursery canteen (2.85 EUR a meal at quotient 850), the Wednesday centre
/// for primary children, and, paid at once by the week, their winter holiday centre
/// (the 15 days after the return from Christmas), snow stay and summer centre (the
/// stay and the summer centre in the periods the city opened).
fn seed_activities(conn: &mut AnyConnection, now: DateTime<Utc>) -> Outcome<()> {
    let year = school_year_start(now);
    let kinds = persistence::activities::kinds(conn)?;
    let kind = |code: &str| kind_id(&kinds, code);
    // Stays and summer centres are booked in the period the city opens on each: the
    // demo's opens the day the demo is made and lasts until the activity starts, so
    // their weeks can be tried from the start.
    let opened_today = now.date_naive().and_time(chrono::NaiveTime::MIN);
    let city_periods = [kind("stay")?, kind("summer_centre")?];
    for activity in demo_activities(&kinds, year)? {
        let id = insert_activity(conn, &activity, now)?;
        if city_periods.contains(&activity.kind_id) {
            let closes = activity.dates.0.and_time(chrono::NaiveTime::MIN);
            open_period(conn, id, opened_today, closes, now)?;
        }
    }
    Ok(())
}

fn demo_day(y: i32, m: u32, d: u32) -> Outcome<NaiveDate> {
    Ok(NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| anyhow::anyhow!("no such demo date"))?)
}

fn kind_id(kinds: &[persistence::activities::ActivityKind], code: &str) -> Outcome<i64> {
    Ok(kinds
        .iter()
        .find(|k| k.code == code)
        .ok_or_else(|| anyhow::anyhow!("no activity kind {code}"))?
        .id)
}

/// The demo's activities of the school year starting in September of `year`.
fn demo_activities(
    kinds: &[persistence::activities::ActivityKind],
    year: i32,
) -> Outcome<[DemoActivity; 7]> {
    let kind = |code: &str| kind_id(kinds, code);
    let day = demo_day;
    use domain::activities::{EntryDateRule as Entry, RegistrationMode as Mode};
    use domain::dossiers::SchoolLevel as L;
    let nursery = &[L::Ps, L::Ms, L::Gs];
    let primary = &[L::Cp, L::Ce1, L::Ce2, L::Cm1, L::Cm2];
    let demo = [
        DemoActivity {
            kind_id: kind("morning_care")?,
            name: "Accueil matin maternelle",
            dates: (day(year, 9, 1)?, day(year + 1, 7, 2)?),
            levels: nursery,
            rules: (Mode::Automatic, Entry::Fixed),
            unit: ("Matin", "07:30", "08:30"),
            weekdays: &[1, 2, 4, 5],
            prices: &[(None, 350)],
            group: ("Maternelle Robespierre", 60),
        },
        DemoActivity {
            kind_id: kind("school_catering")?,
            name: "Restauration scolaire maternelle",
            dates: (day(year, 9, 1)?, day(year + 1, 7, 2)?),
            levels: nursery,
            rules: (Mode::Automatic, Entry::Chosen),
            unit: ("Repas", "11:30", "13:30"),
            weekdays: &[1, 2, 4, 5],
            prices: &[(Some(500), 150), (Some(1000), 285), (None, 420)],
            group: ("Restaurant Robespierre", 120),
        },
        DemoActivity {
            kind_id: kind("summer_centre")?,
            name: "Accueil Vacances élémentaire — été",
            dates: (day(year + 1, 7, 5)?, day(year + 1, 8, 27)?),
            levels: primary,
            rules: (Mode::Prepaid, Entry::Chosen),
            unit: ("Journée", "08:30", "17:30"),
            weekdays: &[1, 2, 3, 4, 5],
            prices: &[(None, 1522)],
            group: ("Centre de loisirs Pasteur", 24),
        },
        DemoActivity {
            kind_id: kind("evening_care")?,
            name: "Accueil soir maternelle",
            dates: (day(year, 9, 1)?, day(year + 1, 7, 2)?),
            levels: nursery,
            rules: (Mode::Automatic, Entry::Fixed),
            unit: ("Soir", "16:30", "18:30"),
            weekdays: &[1, 2, 4, 5],
            prices: &[(None, 280)],
            group: ("Maternelle Robespierre", 60),
        },
        DemoActivity {
            kind_id: kind("wednesday_care")?,
            name: "Accueil de loisirs du mercredi élémentaire",
            dates: (day(year, 9, 2)?, day(year + 1, 7, 2)?),
            levels: primary,
            rules: (Mode::Automatic, Entry::Chosen),
            unit: ("Journée", "08:30", "17:30"),
            weekdays: &[3],
            prices: &[(Some(1000), 800), (None, 1200)],
            group: ("Centre de loisirs Pasteur", 48),
        },
        DemoActivity {
            kind_id: kind("short_holiday_centre")?,
            name: "Accueil Vacances élémentaire — hiver",
            dates: (day(year + 1, 2, 8)?, day(year + 1, 2, 19)?),
            levels: primary,
            rules: (Mode::Prepaid, Entry::Chosen),
            unit: ("Journée", "08:30", "17:30"),
            weekdays: &[1, 2, 3, 4, 5],
            prices: &[(None, 1522)],
            group: ("Centre de loisirs Pasteur", 24),
        },
        DemoActivity {
            kind_id: kind("stay")?,
            name: "Séjour neige élémentaire",
            dates: (day(year + 1, 2, 15)?, day(year + 1, 2, 19)?),
            levels: primary,
            rules: (Mode::Prepaid, Entry::Chosen),
            unit: ("Séjour", "08:00", "18:00"),
            weekdays: &[1, 2, 3, 4, 5],
            prices: &[(Some(1000), 3500), (None, 5000)],
            group: ("Chalet des Contamines", 20),
        },
    ];
    Ok(demo)
}

/// Sets the activity's booking period (local Paris times), as an agent would.
fn open_period(
    conn: &mut AnyConnection,
    activity_id: i64,
    opens: chrono::NaiveDateTime,
    closes: chrono::NaiveDateTime,
    now: DateTime<Utc>,
) -> Outcome<()> {
    use persistence::planning::deadline_rules::{self, ActivityRules};
    let rules = ActivityRules {
        runs_on: None,
        booking_rule: Some(domain::planning::DeadlineRule::Window { opens, closes }),
        change_rule: None,
    };
    Ok(deadline_rules::set_activity(
        conn,
        activity_id,
        &rules,
        now,
    )?)
}

/// A demo activity, for the school levels `levels`, with its one unit (name, hours,
/// weekdays, price brackets as (ceiling, price)) and its one group (name, capacity).
struct DemoActivity {
    kind_id: i64,
    name: &'static str,
    dates: (NaiveDate, NaiveDate),
    levels: &'static [domain::dossiers::SchoolLevel],
    rules: (
        domain::activities::RegistrationMode,
        domain::activities::EntryDateRule,
    ),
    unit: (&'static str, &'static str, &'static str),
    weekdays: &'static [u32],
    prices: &'static [(Option<i64>, i64)],
    group: (&'static str, i32),
}

fn insert_activity(
    conn: &mut AnyConnection,
    demo: &DemoActivity,
    now: DateTime<Utc>,
) -> Outcome<i64> {
    use domain::activities::{Admission, PriceBracket};
    use persistence::activities::{self, ActivityFields, NewUnit};
    let id = activities::insert(
        conn,
        &ActivityFields {
            kind_id: demo.kind_id,
            name: demo.name.to_owned(),
            description: String::new(),
            starts_on: demo.dates.0,
            ends_on: demo.dates.1,
            eligibility: Admission {
                levels: demo.levels.to_vec(),
                ..Admission::default()
            },
            mode: demo.rules.0,
            entry_rule: demo.rules.1,
            family_chooses_group: false,
            sibling_rate_percent: None,
            required_documents: Vec::new(),
            cancellable: true,
            // The canteen charges a meal taken without a booking 20 % more.
            unbooked_surcharge_percent: if demo.name.starts_with("Restauration") {
                20
            } else {
                0
            },
        },
        now,
    )?;
    let (unit_name, starts_at, ends_at) = demo.unit;
    activities::replace_units(
        conn,
        id,
        &[NewUnit {
            name: unit_name.to_owned(),
            starts_at: starts_at.to_owned(),
            ends_at: ends_at.to_owned(),
            weekdays: demo.weekdays.to_vec(),
            prices: demo
                .prices
                .iter()
                .map(|&(max_quotient, price_cents)| PriceBracket {
                    max_quotient,
                    price_cents,
                })
                .collect(),
        }],
    )?;
    activities::insert_group(conn, id, demo.group.0, demo.group.1)?;
    Ok(id)
}

/// Dossier 18's invoice of June of the previous school year, as the city's former
/// system issued it and left unpaid (so the demo family has an invoice to pay in the
/// sandbox): Eliot's 12 meals and Luc's 8 mornings, 62.20 EUR.
pub fn seed_invoice(
    conn: &mut AnyConnection,
    files: &crate::adapters::storage::FileStore,
    now: DateTime<Utc>,
) -> Outcome<()> {
    use diesel::Connection;
    use persistence::billing::{self as bills, InvoiceLine, NewInvoice};
    use persistence::{activities, dossiers::children};
    let year = school_year_start(now);
    let day = |m: u32, d: u32| {
        NaiveDate::from_ymd_opt(year, m, d).ok_or_else(|| anyhow::anyhow!("no {year}-{m}-{d}"))
    };
    let dossier = dossiers::find_by_number(conn, "18")?
        .ok_or_else(|| anyhow::anyhow!("the demo has no dossier 18"))?;
    let kids = children::of_dossier(conn, dossier.id)?;
    let child = |name: &str| {
        kids.iter()
            .find(|c| c.first_name == name)
            .map(|c| c.id)
            .ok_or_else(|| anyhow::anyhow!("the demo has no {name}"))
    };
    let mut line =
        |position, child_name: &str, activity_name: &str, days: (u32, u32), quantity, price| {
            let activity = activities::list(conn, None, 0, 100)?
                .0
                .into_iter()
                .find(|a| a.name == activity_name)
                .ok_or_else(|| anyhow::anyhow!("the demo has no {activity_name}"))?;
            let unit = activities::units_of(conn, activity.id)?
                .into_iter()
                .next()
                .ok_or_else(|| anyhow::anyhow!("{activity_name} has no unit"))?;
            Ok::<_, crate::usecases::UseCaseError>(InvoiceLine {
                invoice_id: 0,
                position,
                child_id: Some(child(child_name)?),
                child_name: child_name.to_owned(),
                activity_id: Some(activity.id),
                activity_name: activity.name,
                unit_id: Some(unit.id),
                unit_name: unit.name,
                kind: domain::billing::BillableKind::Booked,
                first_day: day(6, days.0)?,
                last_day: day(6, days.1)?,
                quantity,
                unit_price_cents: price,
                amount_cents: i64::from(quantity) * price,
            })
        };
    let mut lines = vec![
        line(
            1,
            "Eliot",
            "Restauration scolaire maternelle",
            (1, 30),
            12,
            285,
        )?,
        line(2, "Luc", "Accueil matin maternelle", (2, 26), 8, 350)?,
    ];
    let issued_on = day(7, 1)?;
    bills::ensure_counter(conn, "invoice", year)?;
    conn.transaction(|conn| {
        let n = bills::take_numbers(conn, "invoice", year, 1)?;
        let ids = bills::insert_invoices(
            conn,
            &[NewInvoice {
                number: domain::billing::invoice_number(year, n),
                dossier_id: dossier.id,
                month: day(6, 1)?,
                run_id: None,
                issued_on,
                due_on: domain::billing::due_on(issued_on),
                total_cents: lines.iter().map(|l| l.amount_cents).sum(),
                created_at: persistence::db_time(now),
            }],
        )?;
        let id = ids.first().map(|(_, id)| *id).unwrap_or_default();
        for l in &mut lines {
            l.invoice_id = id;
        }
        bills::insert_lines(conn, &lines)?;
        let detail = crate::usecases::billing::invoices::detail(conn, id, None)?;
        crate::usecases::billing::invoices::file_pdf(
            conn,
            files,
            "Villejuif",
            &dossier.number,
            &detail,
            now,
        )
    })
}

/// The city offers direct debit: a creditor identifier of the form the Banque de
/// France gives (an example's, not a real one) and the treasury's account.
fn seed_direct_debit(conn: &mut AnyConnection, now: DateTime<Utc>) -> Outcome<()> {
    persistence::billing::direct_debits::save_settings(
        conn,
        &persistence::billing::direct_debits::Settings {
            creditor_id: "FR72ZZZ123456".to_owned(),
            creditor_name: "Ville de Villejuif - Régie Enfance".to_owned(),
            iban: "FR8910071940000000100000123".to_owned(),
            bic: Some("TRPUFRP1".to_owned()),
            pain_version: domain::billing::sepa::PainVersion::V02,
            updated_at: persistence::db_time(now),
        },
    )?;
    Ok(())
}

/// What the demo city requires: a recent proof of address, each child's school
/// insurance for the school year and vaccination pages, a care plan for a declared
/// allergy.
fn seed_requirements(conn: &mut AnyConnection, now: DateTime<Utc>) -> Outcome<()> {
    use domain::dossiers::{DocumentKind as K, RequirementScope as S, ValidityRule as V};
    use persistence::dossiers::requirements::{self, RequirementFields};
    for (kind, label, scope, validity, months) in [
        (
            K::AddressProof,
            "Justificatif de domicile de moins de 3 mois",
            S::Dossier,
            V::Months,
            Some(3),
        ),
        (
            K::SchoolInsurance,
            "Attestation d'assurance scolaire et extrascolaire",
            S::Child,
            V::SchoolYear,
            None,
        ),
        (
            K::VaccinationRecord,
            "Pages vaccinations du carnet de santé",
            S::Child,
            V::Permanent,
            None,
        ),
        (
            K::CarePlan,
            "Projet d'accueil individualisé (PAI)",
            S::ChildWithAllergy,
            V::SchoolYear,
            None,
        ),
    ] {
        let fields = RequirementFields {
            label: label.to_owned(),
            scope,
            validity,
            validity_months: months,
        };
        requirements::put(conn, kind, &fields, now)?;
    }
    Ok(())
}

/// Dossier 18's proof of address, issued 80 days ago and accepted: it expires within
/// two weeks, so the demo shows a document to renew (and its reminder).
pub fn seed_documents(
    conn: &mut AnyConnection,
    files: &crate::adapters::storage::FileStore,
    portal: &str,
    now: DateTime<Utc>,
) -> Outcome<()> {
    use crate::adapters::pdf_pages::{Row, pdf};
    use crate::usecases::dossiers::documents::{self, ReviewInput, Upload};
    let dossier = dossiers::find_by_number(conn, "18")?
        .ok_or_else(|| anyhow::anyhow!("the demo has no dossier 18"))?;
    let today = now.date_naive();
    let issued_on = today - chrono::Days::new(80);
    let bill = pdf(&[
        Row::Title("Facture d'électricité".to_owned()),
        Row::Gap,
        Row::Text("Famille T I, 12 rue Jean Jaurès, 94800 Villejuif".to_owned()),
        Row::Text(format!(
            "Date de facture : {}",
            domain::calendar::french_date(issued_on)
        )),
    ]);
    let account = |conn: &mut AnyConnection, login: &str| {
        accounts::find_by_login(conn, login)?
            .ok_or_else(|| anyhow::anyhow!("the demo has no account {login}"))
    };
    let family = account(conn, FAMILY.username)?;
    let agent = account(conn, AGENT.username)?;
    let document = documents::upload(
        conn,
        files,
        i64::MAX,
        &Upload {
            dossier_id: dossier.id,
            child_id: None,
            kind: domain::dossiers::DocumentKind::AddressProof,
            origin: domain::dossiers::DocumentOrigin::Family,
            file_name: Some("facture-electricite.pdf"),
            content: &bill,
            uploaded_by: family.id,
            issued_on: Some(issued_on),
        },
        (today, now),
    )?;
    let accepted = ReviewInput {
        accept: true,
        reason: None,
        valid_until: None,
    };
    documents::review(conn, portal, agent.id, document.id, &accepted, now)?;
    Ok(())
}

/// The renewal campaign for next school year, open from the demo's first day for three
/// months: every section asked. Its opening counts as announced (on the city's site),
/// so the demo's mailbox starts empty; the closing reminder comes in its last week.
fn seed_campaign(conn: &mut AnyConnection, agent_id: i64, now: DateTime<Utc>) -> Outcome<()> {
    use persistence::dossiers::renewals::{self, CampaignFields};
    let today = now.date_naive();
    let year = school_year_start(now) + 1;
    let fields = CampaignFields {
        opens_on: today,
        closes_on: today + chrono::Days::new(90),
        sections: domain::dossiers::RenewalSection::ALL.to_vec(),
        message: format!(
            "Renouvelez votre dossier famille avant les inscriptions de la rentrée {year}."
        ),
    };
    let id = renewals::insert_campaign(conn, year, &fields, agent_id, now)?;
    renewals::mark_told(conn, id, false, now)?;
    Ok(())
}

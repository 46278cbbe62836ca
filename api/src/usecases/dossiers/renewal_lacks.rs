//! What a family file lacks, section by section, for the school year a renewal
//! campaign is for: each lack a `FieldError` whose field is the section, with a stable
//! code and a French message saying what to do.

use chrono::NaiveDate;
use domain::dossiers::{ContactKind, RenewalSection, current_quotient, missing_vaccinations};
use persistence::dossiers::renewals::Campaign;
use persistence::dossiers::{children, quotients};
use persistence::{AnyConnection, dossiers};

use super::{gone, periods, requirements};
use crate::problem::FieldError;
use crate::usecases::Outcome;

/// The first day of the campaign's school year: what the file must be right for.
fn first_day(campaign: &Campaign) -> NaiveDate {
    NaiveDate::from_ymd_opt(campaign.school_year, 9, 1).unwrap_or(campaign.closes_on)
}

pub fn lack(section: RenewalSection, code: &str, fr: String, en: String) -> FieldError {
    FieldError::new(section.as_str(), code, &fr, &en)
}

/// What the dossier lacks for `section` in the campaign's school year.
pub fn lacks(
    conn: &mut AnyConnection,
    dossier_id: i64,
    section: RenewalSection,
    campaign: &Campaign,
    vaccines: &[String],
) -> Outcome<Vec<FieldError>> {
    use RenewalSection as S;
    match section {
        S::ContactDetails => contact_details(conn, dossier_id),
        S::Guardians => guardians(conn, dossier_id),
        S::Contacts => contacts(conn, dossier_id),
        S::Health => health(conn, dossier_id, vaccines),
        S::Schools => schools(conn, dossier_id),
        S::Quotient => quotient(conn, dossier_id, campaign),
        S::Documents => documents(conn, dossier_id, campaign),
    }
}

/// An email, a phone, a whole postal address.
fn contact_details(conn: &mut AnyConnection, dossier_id: i64) -> Outcome<Vec<FieldError>> {
    let section = RenewalSection::ContactDetails;
    let dossier = dossiers::find(conn, dossier_id)?.ok_or_else(|| gone("dossier"))?;
    let mut found = Vec::new();
    if dossier.email.is_none() {
        found.push(lack(
            section,
            "email",
            "Adresse e-mail du dossier manquante.".into(),
            "The dossier's email address is missing.".into(),
        ));
    }
    if dossier.home_phone.is_none() && dossier.mobile_phone.is_none() {
        found.push(lack(
            section,
            "phone",
            "Aucun numéro de téléphone (domicile ou portable).".into(),
            "No phone number (home or mobile).".into(),
        ));
    }
    if [&dossier.address_line1, &dossier.postcode, &dossier.city]
        .iter()
        .any(|f| f.trim().is_empty())
    {
        found.push(lack(
            section,
            "address",
            "Adresse postale incomplète.".into(),
            "The postal address is incomplete.".into(),
        ));
    }
    Ok(found)
}

/// A guardian at least, each reachable by email or mobile phone.
fn guardians(conn: &mut AnyConnection, dossier_id: i64) -> Outcome<Vec<FieldError>> {
    let section = RenewalSection::Guardians;
    let guardians = dossiers::guardians_of(conn, dossier_id)?;
    let mut found = Vec::new();
    if guardians.is_empty() {
        found.push(lack(
            section,
            "guardian",
            "Aucun responsable légal.".into(),
            "No guardian.".into(),
        ));
    }
    for g in guardians
        .iter()
        .filter(|g| g.email.is_none() && g.mobile_phone.is_none())
    {
        found.push(lack(
            section,
            "guardian_contact",
            format!("{} {} : ni e-mail ni portable.", g.first_name, g.last_name),
            format!(
                "{} {}: no email or mobile phone.",
                g.first_name, g.last_name
            ),
        ));
    }
    Ok(found)
}

/// Someone to call in an emergency.
fn contacts(conn: &mut AnyConnection, dossier_id: i64) -> Outcome<Vec<FieldError>> {
    let contacts = dossiers::contacts_of(conn, dossier_id)?;
    if contacts.iter().any(|c| c.kind == ContactKind::Emergency) {
        return Ok(Vec::new());
    }
    Ok(vec![lack(
        RenewalSection::Contacts,
        "emergency_contact",
        "Aucune personne à prévenir en cas d'urgence.".into(),
        "No one to call in an emergency.".into(),
    )])
}

/// Each child's required vaccinations and family doctor.
fn health(
    conn: &mut AnyConnection,
    dossier_id: i64,
    vaccines: &[String],
) -> Outcome<Vec<FieldError>> {
    let section = RenewalSection::Health;
    let mut found = Vec::new();
    for child in children::of_dossier(conn, dossier_id)? {
        let health = children::health(conn, child.id)?;
        let recorded: Vec<&str> = health
            .vaccinations
            .iter()
            .map(|v| v.vaccine.as_str())
            .collect();
        let missing = missing_vaccinations(vaccines, &recorded);
        if !missing.is_empty() {
            found.push(lack(
                section,
                "vaccinations",
                format!(
                    "{} : vaccinations à renseigner ({}).",
                    child.first_name,
                    missing.join(", ")
                ),
                format!(
                    "{}: vaccinations to record ({}).",
                    child.first_name,
                    missing.join(", ")
                ),
            ));
        }
        if health.doctor_name.trim().is_empty() {
            found.push(lack(
                section,
                "doctor",
                format!("{} : médecin traitant à renseigner.", child.first_name),
                format!("{}: family doctor to record.", child.first_name),
            ));
        }
    }
    Ok(found)
}

/// Each child's school and level.
fn schools(conn: &mut AnyConnection, dossier_id: i64) -> Outcome<Vec<FieldError>> {
    Ok(children::of_dossier(conn, dossier_id)?
        .into_iter()
        .filter(|c| {
            c.school.as_deref().is_none_or(|s| s.trim().is_empty()) || c.school_level.is_none()
        })
        .map(|c| {
            lack(
                RenewalSection::Schools,
                "school",
                format!(
                    "{} : école et niveau de la rentrée à renseigner.",
                    c.first_name
                ),
                format!("{}: school and level to record.", c.first_name),
            )
        })
        .collect())
}

/// A quotient covering the school year's first day.
fn quotient(
    conn: &mut AnyConnection,
    dossier_id: i64,
    campaign: &Campaign,
) -> Outcome<Vec<FieldError>> {
    let quotients = quotients::of_dossier(conn, dossier_id)?;
    if current_quotient(&periods(&quotients), first_day(campaign)).is_some() {
        return Ok(Vec::new());
    }
    Ok(vec![lack(
        RenewalSection::Quotient,
        "quotient",
        format!(
            "Aucun quotient familial pour l'année {}-{} : sans lui, le tarif maximal s'appliquera.",
            campaign.school_year,
            campaign.school_year + 1
        ),
        "No family quotient for the school year: without one, the top bracket applies.".into(),
    )])
}

/// The documents the city requires, valid on the school year's first day.
fn documents(
    conn: &mut AnyConnection,
    dossier_id: i64,
    campaign: &Campaign,
) -> Outcome<Vec<FieldError>> {
    let mut found = Vec::new();
    for check in requirements::of_dossier(conn, dossier_id, first_day(campaign))? {
        if check.status.is_met() {
            continue;
        }
        let whose = check
            .child
            .as_ref()
            .map_or(String::new(), |c| format!("{} : ", c.1));
        found.push(lack(
            RenewalSection::Documents,
            check.requirement.kind.as_str(),
            format!(
                "{whose}{} à fournir, valable à la rentrée {}.",
                check.requirement.label, campaign.school_year
            ),
            format!(
                "{whose}{}: to send, valid at the start of the school year.",
                check.requirement.label
            ),
        ));
    }
    Ok(found)
}

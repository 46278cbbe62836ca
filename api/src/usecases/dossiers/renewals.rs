//! The yearly renewal of family files: agents open a campaign for a school year; each
//! family sees what its file lacks for that year, confirms it section by section (kept
//! on the server across sign-ins) and sends it; agents validate it or send it back
//! with a comment; families are told, and reminded before the campaign closes.
//! Registrations for that school year wait for a validated renewal.

pub use persistence::dossiers::renewals::{Campaign, CampaignFields, Renewal, RenewalOfDossier};

use chrono::{DateTime, Days, NaiveDate, Utc};
use domain::calendar::french_date;
use domain::dossiers::{
    RenewalDecision, RenewalSection, RenewalStatus, decide_renewal, school_year_of, unconfirmed,
};
use persistence::dossiers::renewals::{self, StatusChange};
use persistence::{AnyConnection, dossiers, write_transaction};

use super::renewal_lacks::{lack, lacks};
use super::{DossierRefusal, gone};
use crate::problem::FieldError;
use crate::usecases::notifications::notice_data::{
    NoticeData, RenewalDecidedData, RenewalReminderData,
};
use crate::usecases::notifications::{self, Notice};
use crate::usecases::{CommonRefusal, Outcome, UseCaseError, unique_as};

/// Days before a campaign closes when families that have not sent their renewal are
/// reminded.
const CLOSING_NOTICE_DAYS: u64 = 7;

/// One section of a renewal: whether the family confirmed it, and what the dossier
/// lacks for it (each lack a `FieldError` whose field is the section).
#[derive(Debug, Clone)]
pub struct SectionState {
    pub section: RenewalSection,
    pub confirmed: bool,
    pub lacks: Vec<FieldError>,
}

/// A dossier's renewal in a campaign, with each section's state.
#[derive(Debug, Clone)]
pub struct RenewalRecord {
    pub campaign: Campaign,
    pub dossier_id: i64,
    /// `None` until the family (or an agent) starts it.
    pub renewal: Option<Renewal>,
    pub sections: Vec<SectionState>,
}

impl RenewalRecord {
    pub fn status(&self) -> RenewalStatus {
        self.renewal
            .as_ref()
            .map_or(RenewalStatus::Draft, |r| r.status)
    }
}

fn record(
    conn: &mut AnyConnection,
    campaign: Campaign,
    dossier_id: i64,
    vaccines: &[String],
) -> Outcome<RenewalRecord> {
    let renewal = renewals::find(conn, campaign.id, dossier_id)?;
    let confirmed = renewal
        .as_ref()
        .map(|r| r.confirmed.clone())
        .unwrap_or_default();
    let mut sections = Vec::new();
    for section in &campaign.sections {
        sections.push(SectionState {
            section: *section,
            confirmed: confirmed.contains(section),
            lacks: lacks(conn, dossier_id, *section, &campaign, vaccines)?,
        });
    }
    Ok(RenewalRecord {
        campaign,
        dossier_id,
        renewal,
        sections,
    })
}

/// The campaign open on `today` (the earliest school year if two are).
fn open_campaign(conn: &mut AnyConnection, today: NaiveDate) -> Outcome<Campaign> {
    Ok(renewals::open_on(conn, today)?
        .into_iter()
        .next()
        .ok_or(CommonRefusal::NotFound)?)
}

/// The family's renewal in the campaign open today.
pub fn current(
    conn: &mut AnyConnection,
    dossier_id: i64,
    today: NaiveDate,
    vaccines: &[String],
) -> Outcome<RenewalRecord> {
    let campaign = open_campaign(conn, today)?;
    record(conn, campaign, dossier_id, vaccines)
}

/// A dossier's renewal in a campaign, for agents.
pub fn of_dossier(
    conn: &mut AnyConnection,
    campaign_id: i64,
    dossier_id: i64,
    vaccines: &[String],
) -> Outcome<RenewalRecord> {
    let campaign = renewals::find_campaign(conn, campaign_id)?.ok_or(CommonRefusal::NotFound)?;
    dossiers::find(conn, dossier_id)?.ok_or(CommonRefusal::NotFound)?;
    record(conn, campaign, dossier_id, vaccines)
}

/// Confirms (or, `confirm` false, reopens) one section of the family's renewal.
/// Confirming needs the section complete, the quotient aside: a family may go without
/// one and pay the top bracket.
pub fn confirm(
    conn: &mut AnyConnection,
    dossier_id: i64,
    section: RenewalSection,
    confirm: bool,
    (today, now): (NaiveDate, DateTime<Utc>),
    vaccines: &[String],
) -> Outcome<RenewalRecord> {
    let campaign = open_campaign(conn, today)?;
    if !campaign.sections.contains(&section) {
        return Err(CommonRefusal::NotFound.into());
    }
    if confirm && section != RenewalSection::Quotient {
        let missing = lacks(conn, dossier_id, section, &campaign, vaccines)?;
        if !missing.is_empty() {
            return Err(UseCaseError::RefusedFor(
                DossierRefusal::RenewalSectionIncomplete.into(),
                missing,
            ));
        }
    }
    // Written only if unchanged since read; another section confirmed meanwhile (two
    // tabs) is read again and kept.
    for _ in 0..5 {
        let written = write_transaction(conn, |conn| {
            let renewal = renewals::find_or_start(conn, campaign.id, dossier_id, now)?;
            if !renewal.status.open_to_family() {
                return Err(DossierRefusal::RenewalLocked.into());
            }
            let mut confirmed: Vec<RenewalSection> = renewal
                .confirmed
                .iter()
                .copied()
                .filter(|s| *s != section)
                .collect();
            if confirm {
                confirmed.push(section);
            }
            let open = [RenewalStatus::Draft, RenewalStatus::Returned];
            let read = &renewal.confirmed;
            Ok::<_, UseCaseError>(renewals::set_confirmed(
                conn, renewal.id, &open, read, &confirmed, now,
            )?)
        })?;
        if written {
            return current(conn, dossier_id, today, vaccines);
        }
    }
    Err(DossierRefusal::RenewalLocked.into())
}

/// Sends the family's renewal to the city, every section confirmed.
pub fn submit(
    conn: &mut AnyConnection,
    dossier_id: i64,
    (today, now): (NaiveDate, DateTime<Utc>),
    vaccines: &[String],
) -> Outcome<RenewalRecord> {
    let campaign = open_campaign(conn, today)?;
    write_transaction(conn, |conn| {
        let renewal = renewals::find_or_start(conn, campaign.id, dossier_id, now)?;
        if !renewal.status.open_to_family() {
            return Err(DossierRefusal::RenewalLocked.into());
        }
        let left = unconfirmed(&campaign.sections, &renewal.confirmed);
        if !left.is_empty() {
            let errors = left
                .iter()
                .map(|s| {
                    lack(
                        *s,
                        "not_confirmed",
                        format!("Partie « {} » à confirmer.", section_label(*s)),
                        format!("Section {} to confirm.", s.as_str()),
                    )
                })
                .collect();
            return Err(UseCaseError::RefusedFor(
                DossierRefusal::RenewalIncomplete.into(),
                errors,
            ));
        }
        let change = StatusChange {
            from: renewal.status,
            read: &renewal.confirmed,
            to: RenewalStatus::Submitted,
            comment: None,
            decided_by: None,
            confirmed: &renewal.confirmed,
        };
        if !renewals::change_status(conn, renewal.id, &change, now)? {
            return Err(DossierRefusal::RenewalLocked.into());
        }
        Ok::<_, UseCaseError>(())
    })?;
    current(conn, dossier_id, today, vaccines)
}

/// The section's name in French, as the portal shows it.
pub fn section_label(section: RenewalSection) -> &'static str {
    match section {
        RenewalSection::ContactDetails => "Coordonnées",
        RenewalSection::Guardians => "Responsables légaux",
        RenewalSection::Contacts => "Personnes autorisées et à prévenir",
        RenewalSection::Health => "Santé des enfants",
        RenewalSection::Schools => "Scolarité des enfants",
        RenewalSection::Quotient => "Quotient familial",
        RenewalSection::Documents => "Pièces justificatives",
    }
}

/// An agent's decision on a dossier's renewal.
#[derive(Debug, Clone)]
pub struct Decision {
    pub decision: RenewalDecision,
    /// Told to the family (required to send back).
    pub comment: Option<String>,
    /// Sections the family must confirm again when sent back.
    pub reopen: Vec<RenewalSection>,
    pub agent_id: i64,
}

/// Validates a renewal (whatever its state: an agent may validate a family that
/// cannot do it online) or sends a submitted one back; the family is told.
pub fn decide(
    conn: &mut AnyConnection,
    portal: &str,
    campaign_id: i64,
    dossier_id: i64,
    decision: &Decision,
    now: DateTime<Utc>,
    vaccines: &[String],
) -> Outcome<RenewalRecord> {
    let campaign = renewals::find_campaign(conn, campaign_id)?.ok_or(CommonRefusal::NotFound)?;
    dossiers::find(conn, dossier_id)?.ok_or(CommonRefusal::NotFound)?;
    write_transaction(conn, |conn| {
        let renewal = renewals::find_or_start(conn, campaign.id, dossier_id, now)?;
        let next = decide_renewal(renewal.status, decision.decision)
            .ok_or(DossierRefusal::RenewalAlreadyDecided)?;
        let confirmed: Vec<RenewalSection> = renewal
            .confirmed
            .iter()
            .copied()
            .filter(|s| !decision.reopen.contains(s))
            .collect();
        let change = StatusChange {
            from: renewal.status,
            read: &renewal.confirmed,
            to: next,
            comment: Some(decision.comment.as_deref()),
            decided_by: Some(decision.agent_id),
            confirmed: &confirmed,
        };
        if !renewals::change_status(conn, renewal.id, &change, now)? {
            return Err(DossierRefusal::RenewalAlreadyDecided.into());
        }
        let years = format!("{}-{}", campaign.school_year, campaign.school_year + 1);
        let (title, mut paragraphs) = if next == RenewalStatus::Validated {
            (
                format!("Votre dossier famille {years} est validé"),
                vec![format!(
                    "Le service Enfance a validé le renouvellement de votre dossier pour l'année {years} : les inscriptions de vos enfants sont possibles."
                )],
            )
        } else {
            (
                format!("Votre dossier famille {years} est à compléter"),
                vec![format!(
                    "Le service Enfance vous renvoie le renouvellement de votre dossier pour l'année {years} : complétez-le, puis renvoyez-le."
                )],
            )
        };
        if let Some(comment) = &decision.comment {
            paragraphs.push(format!("Commentaire du service : « {comment} »"));
        }
        let notice = Notice {
            dossier_id,
            title,
            paragraphs,
            link: Some((
                "Mon renouvellement".to_owned(),
                format!("{portal}/renouvellement"),
            )),
            data: NoticeData::RenewalDecided(RenewalDecidedData {
                campaign_id: campaign.id,
                status: next.as_str().to_owned(),
                comment: decision.comment.clone(),
            }),
            dedupe_key: None,
        };
        notifications::notify(conn, &[notice], now)?;
        Ok::<_, UseCaseError>(())
    })?;
    record(conn, campaign, dossier_id, vaccines)
}

/// Opens a campaign for a school year (one per year).
pub fn create_campaign(
    conn: &mut AnyConnection,
    school_year: i32,
    fields: &CampaignFields,
    agent_id: i64,
    now: DateTime<Utc>,
) -> Outcome<Campaign> {
    write_transaction(conn, |conn| {
        let id = renewals::insert_campaign(conn, school_year, fields, agent_id, now)
            .map_err(unique_as(DossierRefusal::RenewalCampaignExists))?;
        renewals::find_campaign(conn, id)?.ok_or_else(|| gone("campaign"))
    })
}

/// Changes a campaign's dates, sections or message; its school year stays.
pub fn update_campaign(
    conn: &mut AnyConnection,
    id: i64,
    school_year: i32,
    fields: &CampaignFields,
    now: DateTime<Utc>,
) -> Outcome<Campaign> {
    write_transaction(conn, |conn| {
        let stored = renewals::find_campaign(conn, id)?.ok_or(CommonRefusal::NotFound)?;
        if stored.school_year != school_year {
            return Err(UseCaseError::Invalid(vec![FieldError::new(
                "schoolYear",
                "fixed",
                "L'année scolaire d'une campagne ne change pas.",
                "A campaign's school year does not change.",
            )]));
        }
        if !renewals::update_campaign(conn, id, fields, now)? {
            return Err(gone("campaign"));
        }
        renewals::find_campaign(conn, id)?.ok_or_else(|| gone("campaign"))
    })
}

/// A campaign with how many renewals stand in each status.
pub fn campaign(conn: &mut AnyConnection, id: i64) -> Outcome<(Campaign, Vec<(String, i64)>)> {
    let campaign = renewals::find_campaign(conn, id)?.ok_or(CommonRefusal::NotFound)?;
    Ok((campaign, renewals::counts(conn, id)?))
}

pub fn campaigns(conn: &mut AnyConnection) -> Outcome<Vec<Campaign>> {
    Ok(renewals::campaigns(conn)?)
}

/// A page of the campaign's renewals.
pub fn renewals_of(
    conn: &mut AnyConnection,
    campaign_id: i64,
    status: Option<RenewalStatus>,
    offset: i64,
    limit: i64,
) -> Outcome<(Vec<RenewalOfDossier>, i64)> {
    renewals::find_campaign(conn, campaign_id)?.ok_or(CommonRefusal::NotFound)?;
    Ok(renewals::of_campaign(
        conn,
        campaign_id,
        status,
        offset,
        limit,
    )?)
}

/// Refuses a registration entering on `entry` (`renewal_required`) while a campaign
/// exists for that school year and the dossier's renewal in it is not validated.
pub fn check_for_registration(
    conn: &mut AnyConnection,
    dossier_id: i64,
    entry: NaiveDate,
    today: NaiveDate,
) -> Outcome<()> {
    let Some(campaign) = renewals::campaign_of_year(conn, school_year_of(entry))? else {
        return Ok(());
    };
    let renewal = renewals::find(conn, campaign.id, dossier_id)?;
    let (status, confirmed) = renewal.map_or((RenewalStatus::Draft, Vec::new()), |r| {
        (r.status, r.confirmed)
    });
    if status == RenewalStatus::Validated {
        return Ok(());
    }
    let years = format!("{}-{}", campaign.school_year, campaign.school_year + 1);
    let mut errors: Vec<FieldError> = unconfirmed(&campaign.sections, &confirmed)
        .into_iter()
        .map(|s| {
            lack(
                s,
                "not_confirmed",
                format!("Partie « {} » à confirmer.", section_label(s)),
                format!("Section {} to confirm.", s.as_str()),
            )
        })
        .collect();
    let (fr, en) = match status {
        RenewalStatus::Submitted => (
            format!("Votre renouvellement {years} attend la validation du service Enfance."),
            "Your renewal waits for the city's validation.".to_owned(),
        ),
        // Once the campaign closed, only the service can validate the file (at the desk).
        _ if today > campaign.closes_on => (
            format!(
                "La campagne de renouvellement {years} est close depuis le {} : adressez-vous au service Enfance, qui peut valider votre dossier.",
                french_date(campaign.closes_on)
            ),
            "The renewal campaign is closed: contact the city, which can validate your file."
                .to_owned(),
        ),
        RenewalStatus::Returned => (
            format!(
                "Votre renouvellement {years} vous a été renvoyé : complétez-le et renvoyez-le."
            ),
            "Your renewal was sent back: complete it and send it again.".to_owned(),
        ),
        _ => (
            format!(
                "Renouvelez votre dossier {years} (du {} au {}), puis envoyez-le.",
                french_date(campaign.opens_on),
                french_date(campaign.closes_on)
            ),
            "Renew your file for the school year, then send it.".to_owned(),
        ),
    };
    errors.push(FieldError::new("renewal", status.as_str(), &fr, &en));
    Err(UseCaseError::RefusedFor(
        DossierRefusal::RenewalRequired.into(),
        errors,
    ))
}

/// Tells the families that have not sent their renewal, once when a campaign opens
/// and once more 7 days before it closes; returns how many were told. Each telling is
/// marked on the campaign, so later rounds cost one read.
pub fn remind(
    conn: &mut AnyConnection,
    portal: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Outcome<usize> {
    let mut told = 0;
    for campaign in renewals::open_on(conn, today)? {
        let years = format!("{}-{}", campaign.school_year, campaign.school_year + 1);
        let closing_from = campaign
            .closes_on
            .checked_sub_days(Days::new(CLOSING_NOTICE_DAYS))
            .unwrap_or(campaign.closes_on);
        let closing = today >= closing_from;
        let already = if closing {
            campaign.closing_told_at
        } else {
            campaign.opening_told_at
        };
        if already.is_some() {
            continue;
        }
        let (key, title, paragraph) = if closing {
            (
                "renewal_closing",
                format!("Plus que quelques jours pour renouveler votre dossier {years}"),
                format!(
                    "La campagne de renouvellement ferme le {} : confirmez chaque partie de votre dossier et envoyez-le, sans quoi les inscriptions {years} ne seront pas possibles.",
                    french_date(campaign.closes_on)
                ),
            )
        } else {
            (
                "renewal_open",
                format!("Renouvelez votre dossier famille pour {years}"),
                format!(
                    "La campagne de renouvellement est ouverte jusqu'au {} : vérifiez et confirmez votre dossier pour l'année {years}. {}",
                    french_date(campaign.closes_on),
                    campaign.message
                )
                .trim_end()
                .to_owned(),
            )
        };
        told += write_transaction(conn, |conn| {
            let notices: Vec<Notice> = renewals::dossiers_not_sent(conn, campaign.id)?
                .into_iter()
                .map(|dossier_id| Notice {
                    dossier_id,
                    title: title.clone(),
                    paragraphs: vec![paragraph.clone()],
                    link: Some((
                        "Renouveler mon dossier".to_owned(),
                        format!("{portal}/renouvellement"),
                    )),
                    data: NoticeData::RenewalReminder(RenewalReminderData {
                        campaign_id: campaign.id,
                        school_year: campaign.school_year,
                        closes_on: campaign.closes_on,
                    }),
                    dedupe_key: Some(format!("{key}:{}:{dossier_id}", campaign.id)),
                })
                .collect();
            let sent = notifications::notify(conn, &notices, now)?;
            renewals::mark_told(conn, campaign.id, closing, now)?;
            Ok::<_, UseCaseError>(sent)
        })?;
    }
    Ok(told)
}

//! RGPD: everything the city holds about the caller, as one document.

use chrono::NaiveDateTime;
use domain::notifications::NoticeKind;
use persistence::accounts::Account;
use persistence::accounts::legal::LegalDocument;
use persistence::dossiers::children::{Child, HealthFields};
use persistence::dossiers::documents::Document;
use persistence::notifications::Notification;
use persistence::{
    AnyConnection, accounts, accounts::legal, dossiers::children, dossiers::documents,
};

use crate::adapters::storage::FileStore;
use crate::usecases::Outcome;
use crate::usecases::dossiers::requests::{self, RequestRecord};
use crate::usecases::dossiers::{self, DossierRecord, gone};
use crate::usecases::notifications::Channels;

#[derive(Debug, Clone)]
pub struct Export {
    pub account: Account,
    pub consents: Vec<(LegalDocument, NaiveDateTime)>,
    /// Every notification of the account, newest first.
    pub notifications: Vec<Notification>,
    pub notification_preferences: Vec<(NoticeKind, Channels)>,
    /// The devices and browsers registered for pushes.
    pub push_subscriptions: Vec<(persistence::notifications::push::Subscription, bool)>,
    pub dossier: Option<DossierRecord>,
    pub health: Vec<(Child, HealthFields)>,
    pub requests: Vec<RequestRecord>,
    /// Each document with its file (`None` if the file is missing from storage:
    /// the rest of the export must not be withheld for it).
    pub documents: Vec<(Document, Option<Vec<u8>>)>,
    /// The quotient lookups the family consented to, latest first.
    pub quotient_lookups: Vec<persistence::dossiers::quotients::QuotientLookup>,
    /// The direct debit mandates, newest first, and the debits under them.
    pub mandates: Vec<persistence::billing::direct_debits::Mandate>,
    pub direct_debits: Vec<persistence::billing::direct_debits::DirectDebit>,
    /// The yearly renewals of the file, each with its school year, latest first.
    pub renewals: Vec<(persistence::dossiers::renewals::Renewal, i32)>,
    /// The custody of the children shared with another household (nothing of that
    /// household itself).
    pub custody: Vec<crate::usecases::dossiers::households::FamilyCustody>,
    /// The identities of outside providers linked to the account (FranceConnect's
    /// names and birth date, the city's provider for staff).
    pub identities: Vec<persistence::accounts::identities::LinkedIdentity>,
    /// The third-party apps the account allowed, still with access.
    pub apps: Vec<crate::usecases::accounts::apps::GrantedApp>,
}

/// Gathers the caller's data: its account, consents, notifications and email choices
/// and, for a family, its dossier, children with their health, requests, documents
/// with their files, quotient lookups, direct debit mandates and debits, renewals,
/// the custody of the children shared with another household; and the identities
/// linked to the account and the apps it allowed.
/// Only ids from the caller's own account and dossier are ever read.
pub fn gather(
    conn: &mut AnyConnection,
    store: &FileStore,
    account_id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Outcome<Export> {
    let account = accounts::find(conn, account_id)?.ok_or_else(|| gone("account"))?;
    let identities = persistence::accounts::identities::all_of_account(conn, account_id)?;
    let apps = crate::usecases::accounts::apps::grants(conn, account_id, now)?;
    let consents = legal::consents_of(conn, account_id)?;
    let (notifications, _) =
        crate::usecases::notifications::list(conn, account_id, false, (0, i64::MAX))?;
    let notification_preferences = crate::usecases::notifications::preferences(conn, account_id)?;
    let push_subscriptions = crate::usecases::notifications::push::list(conn, account_id, now)?;
    let Some(dossier_id) = account.dossier_id else {
        return Ok(Export {
            account,
            consents,
            notifications,
            notification_preferences,
            push_subscriptions,
            dossier: None,
            health: Vec::new(),
            requests: Vec::new(),
            documents: Vec::new(),
            quotient_lookups: Vec::new(),
            mandates: Vec::new(),
            direct_debits: Vec::new(),
            renewals: Vec::new(),
            custody: Vec::new(),
            identities,
            apps,
        });
    };
    let record = dossiers::load(conn, dossier_id)?;
    let mut health = Vec::new();
    for child in &record.children {
        health.push((child.clone(), children::health(conn, child.id)?));
    }
    let (requests, _) = requests::list(conn, Some(dossier_id), None, 0, i64::MAX)?;
    let mut files = Vec::new();
    for document in documents::all_of_dossier(conn, dossier_id)? {
        let bytes = match store.read(conn, &document.storage_key) {
            Ok(bytes) => Some(bytes),
            Err(error) => {
                tracing::error!(document = document.id, error = %error, "a document's file is missing from storage");
                None
            }
        };
        files.push((document, bytes));
    }
    let mut custody = Vec::new();
    for shared in persistence::dossiers::households::of_dossier(conn, dossier_id)? {
        custody.push(crate::usecases::dossiers::households::of_family(
            conn,
            dossier_id,
            shared.child_id,
        )?);
    }
    Ok(Export {
        account,
        consents,
        notifications,
        notification_preferences,
        push_subscriptions,
        dossier: Some(record),
        health,
        requests,
        documents: files,
        quotient_lookups: persistence::dossiers::quotients::lookups_of_dossier(conn, dossier_id)?,
        mandates: persistence::billing::direct_debits::mandates_of(conn, dossier_id)?,
        direct_debits: persistence::billing::direct_debits::of_dossier(conn, dossier_id)?,
        renewals: persistence::dossiers::renewals::of_dossier(conn, dossier_id)?,
        custody,
        identities,
        apps,
    })
}

//! RGPD self-service: the caller downloads everything the city holds about it.

use crate::usecases::utc;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpResponse, get, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use domain::dossiers::LookupOutcome;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::db;
use crate::openapi::enums::mirror_enum;
use crate::problem::ApiError;
use crate::routes::accounts::me::AccountView;
use crate::routes::accounts::providers::{LinkedIdentityView, ProviderView};
use crate::routes::apps::registry::GrantedAppView;
use crate::routes::billing::direct_debit_views::{DirectDebitView, MandateView};
use crate::routes::dossiers::documents::DocumentView;
use crate::routes::dossiers::households::MyChildCustodyView;
use crate::routes::dossiers::renewals::{RenewalSectionView, RenewalStatusView};
use crate::routes::dossiers::requests::FamilyRequestView;
use crate::routes::dossiers::views::{ChildHealthView, DossierView};
use crate::routes::notifications::inbox::{
    NotificationPreference, NotificationView, preference_views,
};
use crate::state::AppState;
use crate::usecases::accounts::export;
use crate::usecases::accounts::providers::Provider;

/// A version of the terms of use or of the privacy policy the account accepted.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsentView {
    /// Which text: `terms` (terms of use) or `privacy` (privacy policy).
    #[schema(example = "terms")]
    pub kind: String,
    /// The version accepted, as published.
    #[schema(example = "1.0")]
    pub version: String,
    /// When the account accepted it (RFC 3339, UTC).
    pub accepted_at: DateTime<Utc>,
}

/// A document of the dossier, with its file.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExportedDocument {
    /// The document's description, as listed.
    #[serde(flatten)]
    pub document: DocumentView,
    /// The file itself, base64; null if it could not be read from storage (the
    /// city's services are alerted by the log).
    #[schema(example = "JVBERi0xLjcKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoK")]
    pub content_base64: Option<String>,
}

/// Everything the city holds about an account and, for a family, its dossier.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DataExport {
    /// When the export was made (RFC 3339, UTC).
    pub exported_at: DateTime<Utc>,
    /// The account itself.
    pub account: AccountView,
    /// The versions of the terms of use and privacy policy the account accepted.
    pub consents: Vec<ConsentView>,
    /// Every notification of the account, newest first.
    pub notifications: Vec<NotificationView>,
    /// For each kind, whether an email comes too and whether it is pushed.
    pub notification_preferences: Vec<NotificationPreference>,
    /// The devices and browsers registered for pushes (without their keys).
    pub push_subscriptions: Vec<crate::routes::notifications::push::PushSubscriptionView>,
    /// The family's dossier, with its children; null for an account without a
    /// dossier (an agent's or an admin's).
    pub dossier: Option<DossierView>,
    /// Each child's health information.
    pub health: Vec<ChildHealthView>,
    /// Every request (démarche) of the dossier, with its answer.
    pub requests: Vec<FamilyRequestView>,
    /// Every document of the dossier, with its file.
    pub documents: Vec<ExportedDocument>,
    /// Every lookup of the family quotient at the CAF or MSA the family consented to,
    /// latest first (the identity sent is not kept).
    pub quotient_lookups: Vec<ExportedQuotientLookup>,
    /// The direct debit mandates, newest first (IBANs masked, as everywhere).
    pub mandates: Vec<MandateView>,
    /// The debits of the dossier's invoices, newest first.
    pub direct_debits: Vec<DirectDebitView>,
    /// The yearly renewals of the file, latest school year first.
    pub renewals: Vec<ExportedRenewal>,
    /// The custody of each child shared with another household (separated parents);
    /// nothing of the other household itself.
    pub custody: Vec<MyChildCustodyView>,
    /// The identities of outside providers linked to the account: FranceConnect's
    /// names and birth date (the city's provider for staff).
    pub identities: Vec<ExportedIdentity>,
    /// The third-party apps the account allowed that still have access.
    pub apps: Vec<GrantedAppView>,
}

/// An identity of an outside provider linked to the account.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExportedIdentity {
    /// The provider.
    pub provider: ProviderView,
    /// The identity as the provider vouched for it when linked.
    #[serde(flatten)]
    pub identity: LinkedIdentityView,
}

/// A yearly renewal of the family file, as kept.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExportedRenewal {
    /// The school year renewed: its first calendar year (2027 for 2027-2028).
    #[schema(example = 2027)]
    pub school_year: i32,
    /// Where it stands.
    pub status: RenewalStatusView,
    /// The sections the family confirmed.
    pub confirmed_sections: Vec<RenewalSectionView>,
    /// The agent's comment when sent back or validated.
    #[schema(example = "Merci de joindre l'attestation d'assurance de Luc.")]
    pub comment: Option<String>,
    /// When the family sent it (RFC 3339, UTC).
    pub submitted_at: Option<DateTime<Utc>>,
    /// When an agent last decided on it (RFC 3339, UTC).
    pub decided_at: Option<DateTime<Utc>>,
}

mirror_enum! {
    /// What a lookup of the quotient at the CAF or MSA came to.
    LookupOutcomeView => LookupOutcome {
        /// A quotient was found and recorded.
        Found = "found",
        /// No CAF or MSA file matched the identity.
        NotFound = "not_found",
        /// Several files matched the identity.
        SeveralFound = "several_found",
        /// The service did not answer.
        Unavailable = "unavailable",
        /// The file found was not that of one of the dossier's guardians; nothing was
        /// recorded.
        NotAGuardian = "not_a_guardian",
    }
}

/// A lookup of the family quotient at the CAF or MSA, as kept.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExportedQuotientLookup {
    /// When the family consented (the lookup's time; RFC 3339, UTC).
    pub consented_at: DateTime<Utc>,
    /// What the lookup came to.
    pub outcome: LookupOutcomeView,
    /// The quotient it recorded (see the dossier's `familyQuotients`); null when none.
    pub family_quotient_id: Option<i64>,
}

/// Exports all the caller's data (RGPD).
///
/// One JSON document: the account, its consents, notifications and email choices
/// and, for a family, the dossier, the children with their health information, the
/// requests, and every document with its file (base64). Served as an attachment.
/// Open to any signed-in account, even one with terms still to accept: the right of
/// access does not wait.
#[utoipa::path(
    tag = "me",
    operation_id = "exportMyData",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The export.", body = DataExport,
            headers(("Content-Disposition" = String, description = "`attachment`, `espace-familles-export.json`."))),
    ),
)]
#[get("/me/export")]
pub async fn export_my_data(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let (account_id, now) = (caller.account_id, state.clock.now());
    let files = state.files.clone();
    let data = db::run(&state.pool, move |conn| {
        let data = export::gather(conn, &files, account_id, now)?;
        let dossier_number = data.dossier.as_ref().map(|d| d.dossier.number.clone());
        Ok::<_, crate::usecases::UseCaseError>((data, dossier_number))
    })
    .await?;
    let (data, dossier_number) = data;
    let today = state.today();
    let body = DataExport {
        exported_at: state.clock.now(),
        account: AccountView::from((data.account, dossier_number)),
        consents: data
            .consents
            .into_iter()
            .map(|(document, at)| ConsentView {
                kind: document.kind.into(),
                version: document.version,
                accepted_at: utc(at),
            })
            .collect(),
        notifications: data
            .notifications
            .iter()
            .map(NotificationView::try_from)
            .collect::<Result<_, _>>()?,
        notification_preferences: preference_views(&data.notification_preferences),
        push_subscriptions: data.push_subscriptions.iter().map(Into::into).collect(),
        dossier: data.dossier.as_ref().map(|d| DossierView::new(d, today)),
        health: data
            .health
            .iter()
            .map(|(child, health)| {
                ChildHealthView::new(child, health, &state.config.required_vaccinations)
            })
            .collect(),
        requests: data.requests.iter().map(FamilyRequestView::from).collect(),
        documents: data
            .documents
            .iter()
            .map(|(document, bytes)| ExportedDocument {
                document: DocumentView::from(document),
                content_base64: bytes.as_ref().map(|b| STANDARD.encode(b)),
            })
            .collect(),
        quotient_lookups: data
            .quotient_lookups
            .iter()
            .map(|lookup| ExportedQuotientLookup {
                consented_at: utc(lookup.consented_at),
                outcome: lookup.outcome.into(),
                family_quotient_id: lookup.quotient_id,
            })
            .collect(),
        mandates: data.mandates.iter().map(MandateView::from).collect(),
        direct_debits: data
            .direct_debits
            .iter()
            .map(DirectDebitView::from)
            .collect(),
        renewals: data
            .renewals
            .iter()
            .map(|(r, school_year)| ExportedRenewal {
                school_year: *school_year,
                status: r.status.into(),
                confirmed_sections: r.confirmed.iter().map(|s| (*s).into()).collect(),
                comment: r.comment.clone(),
                submitted_at: r.submitted_at.map(utc),
                decided_at: r.decided_at.map(utc),
            })
            .collect(),
        custody: data.custody.iter().map(MyChildCustodyView::from).collect(),
        identities: data
            .identities
            .iter()
            .map(|linked| ExportedIdentity {
                provider: match Provider::from_stored(&linked.provider) {
                    Some(Provider::Agents) => ProviderView::Agents,
                    _ => ProviderView::FranceConnect,
                },
                identity: LinkedIdentityView::from(linked.clone()),
            })
            .collect(),
        apps: data.apps.iter().map(GrantedAppView::from).collect(),
    };
    Ok(HttpResponse::Ok()
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(
                "espace-familles-export.json".into(),
            )],
        })
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body))
}

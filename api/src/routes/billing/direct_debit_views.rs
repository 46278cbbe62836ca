//! What direct debit reads as: the creditor account, mandates (IBAN masked), debits,
//! collection files and what a bank report did.

use chrono::{DateTime, NaiveDate, Utc};
use domain::billing::sepa::{
    DebitStatus, MandateChannel, MandateStatus, PainVersion, SequenceType, mask_iban, reason_text,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::openapi::enums::mirror_enum;
use crate::usecases::billing::direct_debit::outcomes::ImportedLine;
use crate::usecases::billing::direct_debit::{Collection, DirectDebit, Mandate, Settings};
use crate::usecases::billing::invoices::DebitLine;
use crate::usecases::utc;

mirror_enum! {
    /// Where a mandate stands.
    MandateStatusView => MandateStatus {
        /// Usable: the family's invoices are debited.
        Active = "active",
        /// Suspended by the city (two rejections in a row, a final rejection, or an
        /// agent's decision): invoices are not debited until the family signs again.
        Suspended = "suspended",
        /// Revoked by the family or an agent, or replaced by a new mandate.
        Revoked = "revoked",
        /// Unused for 36 months: lapsed, as the SEPA rulebook says.
        Lapsed = "lapsed",
    }
}

mirror_enum! {
    /// How a mandate was signed.
    MandateChannelView => MandateChannel {
        /// Online by the family, its consent recorded.
        Online = "online",
        /// On paper, recorded by an agent.
        Paper = "paper",
    }
}

mirror_enum! {
    /// Where a debit stands.
    DebitStatusView => DebitStatus {
        /// Announced to the family; the invoice can still be paid otherwise until the
        /// collection file is built.
        Scheduled = "scheduled",
        /// In a collection file sent to the bank: other payments wait for its answer.
        Collecting = "collecting",
        /// Paid by the bank.
        Paid = "paid",
        /// Rejected, or returned after payment, by the bank (`reasonCode`): the invoice
        /// is to pay again.
        Rejected = "rejected",
        /// Not collected: the invoice was paid otherwise (or was being paid by card when
        /// the file was built), the mandate ended, or the date passed with no file.
        Cancelled = "cancelled",
    }
}

mirror_enum! {
    /// A debit's place in its mandate's life.
    SequenceTypeView => SequenceType {
        /// The first debit of a mandate.
        First = "FRST",
        /// A later one.
        Recurring = "RCUR",
    }
}

mirror_enum! {
    /// The ISO 20022 message version of a collection file.
    PainVersionView => PainVersion {
        /// `pain.008.001.02`, which every French bank takes.
        V02 = "pain.008.001.02",
        /// `pain.008.001.08`, for a bank that asks for it.
        V08 = "pain.008.001.08",
    }
}

/// The city's creditor account for direct debit.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DirectDebitSettingsView {
    /// The SEPA creditor identifier (ICS) the Banque de France gave the city.
    #[schema(example = "FR72ZZZ123456")]
    pub creditor_id: String,
    /// The creditor's name, as families' bank statements show it.
    #[schema(example = "Ville de Villejuif - Régie Enfance")]
    pub creditor_name: String,
    /// The account the debits are paid into.
    #[schema(example = "FR8910071940000000100000123")]
    pub iban: String,
    /// Its bank's BIC.
    #[schema(example = "TRPUFRP1")]
    pub bic: Option<String>,
    /// The file version the city's bank takes.
    pub pain_version: PainVersionView,
    /// When it was last set (RFC 3339, UTC).
    pub updated_at: DateTime<Utc>,
}

impl From<&Settings> for DirectDebitSettingsView {
    fn from(s: &Settings) -> Self {
        Self {
            creditor_id: s.creditor_id.clone(),
            creditor_name: s.creditor_name.clone(),
            iban: s.iban.clone(),
            bic: s.bic.clone(),
            pain_version: s.pain_version.into(),
            updated_at: utc(s.updated_at),
        }
    }
}

/// A SEPA direct debit mandate; its IBAN masked.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MandateView {
    /// The mandate's id.
    #[schema(example = 1)]
    pub id: i64,
    /// The dossier it debits.
    #[schema(example = 18)]
    pub dossier_id: i64,
    /// Its unique mandate reference (RUM), given by the server.
    #[schema(example = "EF-18-000001")]
    pub reference: String,
    /// The city's SEPA creditor identifier (ICS).
    #[schema(example = "FR72ZZZ123456")]
    pub creditor_id: String,
    /// Where it stands.
    pub status: MandateStatusView,
    /// How it was signed.
    pub channel: MandateChannelView,
    /// The account holder.
    #[schema(example = "Camille T I")]
    pub holder_name: String,
    /// The account, masked: its country, check digits and last four characters.
    #[schema(example = "FR76 **** 0189")]
    pub iban: String,
    /// Its bank's BIC, when given.
    #[schema(example = "BNPAFRPP")]
    pub bic: Option<String>,
    /// The day it was signed.
    pub signed_on: NaiveDate,
    /// Where it was signed.
    #[schema(example = "Villejuif")]
    pub signed_at_place: String,
    /// When the family consented online (RFC 3339, UTC); null for a paper mandate.
    pub consent_at: Option<DateTime<Utc>>,
    /// The signed form, a PDF among the dossier's documents
    /// (`GET /documents/{documentId}/content`).
    #[schema(example = 31)]
    pub document_id: Option<i64>,
    /// The collection date of the last debit presented under it.
    pub last_collected_on: Option<NaiveDate>,
    /// Rejections in a row (two suspend it).
    #[schema(example = 0)]
    pub consecutive_rejections: i32,
    /// The day it was revoked, suspended or lapsed.
    pub ended_on: Option<NaiveDate>,
    /// Why, in French.
    #[schema(example = "révoqué par la famille")]
    pub end_reason: Option<String>,
}

impl From<&Mandate> for MandateView {
    fn from(m: &Mandate) -> Self {
        Self {
            id: m.id,
            dossier_id: m.dossier_id,
            reference: m.rum().to_owned(),
            creditor_id: m.creditor_id.clone(),
            status: m.status.into(),
            channel: m.channel.into(),
            holder_name: m.holder_name.clone(),
            iban: mask_iban(&m.iban),
            bic: m.bic.clone(),
            signed_on: m.signed_on,
            signed_at_place: m.signed_at_place.clone(),
            consent_at: m.consent_at.map(utc),
            document_id: m.document_id,
            last_collected_on: m.last_collected_on,
            consecutive_rejections: m.consecutive_rejections,
            ended_on: m.ended_on,
            end_reason: m.end_reason.clone(),
        }
    }
}

/// A mandate's full bank account, for the agent who needs it (the read is audited).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BankAccountView {
    /// The mandate.
    #[schema(example = 1)]
    pub mandate_id: i64,
    /// Its reference (RUM).
    #[schema(example = "EF-18-000001")]
    pub reference: String,
    /// The account holder.
    #[schema(example = "Camille T I")]
    pub holder_name: String,
    /// The full IBAN.
    #[schema(example = "FR7630006000011234567890189")]
    pub iban: String,
    /// Its bank's BIC, when given.
    #[schema(example = "AGRIFRPP")]
    pub bic: Option<String>,
}

impl From<&Mandate> for BankAccountView {
    fn from(m: &Mandate) -> Self {
        Self {
            mandate_id: m.id,
            reference: m.rum().to_owned(),
            holder_name: m.holder_name.clone(),
            iban: m.iban.clone(),
            bic: m.bic.clone(),
        }
    }
}

/// An invoice's direct debit, as the invoice shows it instead of a pay button.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceDebitView {
    /// Where it stands.
    pub status: DebitStatusView,
    /// The day the account is (or was) debited.
    pub collection_date: NaiveDate,
    /// The amount debited, in cents.
    #[schema(example = 6220)]
    pub amount_cents: i64,
    /// The account, masked.
    #[schema(example = "FR76 **** 0189")]
    pub account: String,
    /// The bank's reason code of a rejection.
    #[schema(example = "AM04")]
    pub reason_code: Option<String>,
    /// What to show, in French ("Prélèvement prévu le 04/02/2027 : 62,20 EUR sur le
    /// compte FR76 **** 0189.").
    #[schema(
        example = "Prélèvement prévu le 04/02/2027 : 62,20 EUR sur le compte FR76 **** 0189."
    )]
    pub label: String,
    /// Whether the family may pay the invoice otherwise now (not while the bank
    /// collects it).
    pub payable_otherwise: bool,
}

impl From<&DebitLine> for InvoiceDebitView {
    fn from(d: &DebitLine) -> Self {
        Self {
            status: d.status.into(),
            collection_date: d.collection_date,
            amount_cents: d.amount_cents,
            account: d.account.clone(),
            reason_code: d.reason_code.clone(),
            label: d.sentence(),
            payable_otherwise: d.status != DebitStatus::Collecting,
        }
    }
}

/// A debit, as agents follow it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DirectDebitView {
    /// The debit's id.
    #[schema(example = 4)]
    pub id: i64,
    /// The invoice it collects.
    #[schema(example = 12)]
    pub invoice_id: i64,
    /// The dossier debited.
    #[schema(example = 18)]
    pub dossier_id: i64,
    /// The mandate it is taken under.
    #[schema(example = 1)]
    pub mandate_id: i64,
    /// Its end-to-end id in the bank's files: the invoice's number.
    #[schema(example = "F2027-000012")]
    pub end_to_end_id: String,
    /// The amount, in cents.
    #[schema(example = 6220)]
    pub amount_cents: i64,
    /// The day the account is debited.
    pub collection_date: NaiveDate,
    /// The day the family was told (14 days before at least).
    pub told_on: NaiveDate,
    /// Where it stands.
    pub status: DebitStatusView,
    /// `FRST` or `RCUR`, once in a file.
    pub sequence_type: Option<SequenceTypeView>,
    /// The collection file holding it.
    #[schema(example = 2)]
    pub collection_id: Option<i64>,
    /// The bank's reason code of a rejection or return.
    #[schema(example = "AM04")]
    pub reason_code: Option<String>,
    /// That reason, in French.
    #[schema(example = "provision insuffisante")]
    pub reason: Option<String>,
    /// The day it was paid, rejected or cancelled.
    pub settled_on: Option<NaiveDate>,
    /// The payment it recorded, once paid.
    #[schema(example = 9)]
    pub payment_id: Option<i64>,
}

impl From<&DirectDebit> for DirectDebitView {
    fn from(d: &DirectDebit) -> Self {
        Self {
            id: d.id,
            invoice_id: d.invoice_id,
            dossier_id: d.dossier_id,
            mandate_id: d.mandate_id,
            end_to_end_id: d.end_to_end_id.clone(),
            amount_cents: d.amount_cents,
            collection_date: d.collection_date,
            told_on: d.told_on,
            status: d.status.into(),
            sequence_type: d.sequence_type.map(Into::into),
            collection_id: d.collection_id,
            reason_code: d.reason_code.clone(),
            reason: d.reason_code.as_deref().map(reason_text),
            settled_on: d.settled_on,
            payment_id: d.payment_id,
        }
    }
}

/// A collection file sent to the bank.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DebitCollectionView {
    /// The file's id.
    #[schema(example = 2)]
    pub id: i64,
    /// The day its debits are collected.
    pub collection_date: NaiveDate,
    /// Its ISO 20022 message id.
    #[schema(example = "EF-20270204")]
    pub message_id: String,
    /// Its version.
    pub pain_version: PainVersionView,
    /// How many debits it holds.
    #[schema(example = 412)]
    pub debit_count: i32,
    /// Their total, in cents (the file's control sum).
    #[schema(example = 2563140)]
    pub total_cents: i64,
    /// The SHA-256 of the file's bytes, hexadecimal.
    #[schema(example = "9f2c0d7e5b8a4c1f3e6d2b9a7c5e1f0d3b8a6c4e2f1d0b9a8c7e6f5d4c3b2a1f")]
    pub sha256: String,
    /// When it was built (RFC 3339, UTC).
    pub built_at: DateTime<Utc>,
    /// Where to download it.
    #[schema(example = "/api/v1/admin/direct-debit-collections/2/file")]
    pub file_url: String,
}

impl From<&Collection> for DebitCollectionView {
    fn from(c: &Collection) -> Self {
        Self {
            id: c.id,
            collection_date: c.collection_date,
            message_id: c.message_id.clone(),
            pain_version: c.pain_version.into(),
            debit_count: c.debit_count,
            total_cents: c.total_cents,
            sha256: c.sha256.clone(),
            built_at: utc(c.built_at),
            file_url: format!("/api/v1/admin/direct-debit-collections/{}/file", c.id),
        }
    }
}

/// What importing one line of a bank report did.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReportLineView {
    /// The end-to-end id the line names (an invoice's number).
    #[schema(example = "F2027-000012")]
    pub end_to_end_id: String,
    /// `paid` or `rejected` as recorded now; `unchanged` (said before); `unknown` (no
    /// such debit); `refused` (the debit is not being collected); `amount_mismatch`
    /// (the bank's amount is not the debit's: nothing recorded).
    #[schema(example = "rejected")]
    pub result: String,
    /// The reason code the bank gave.
    #[schema(example = "AM04")]
    pub reason_code: Option<String>,
    /// The debit, as it stands after the import.
    pub debit: Option<DirectDebitView>,
}

impl From<&ImportedLine> for ReportLineView {
    fn from(l: &ImportedLine) -> Self {
        Self {
            end_to_end_id: l.line.end_to_end_id.clone(),
            result: l.result.to_owned(),
            reason_code: l.line.rejected.clone(),
            debit: l.debit.as_ref().map(DirectDebitView::from),
        }
    }
}

/// What a bank report did, line by line.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReportImportView {
    /// Debits recorded paid now.
    #[schema(example = 410)]
    pub paid: usize,
    /// Debits recorded rejected now.
    #[schema(example = 2)]
    pub rejected: usize,
    /// Lines that changed nothing (said before, unknown, refused or mismatched).
    #[schema(example = 0)]
    pub other: usize,
    /// Each line, in the report's order.
    pub lines: Vec<ReportLineView>,
}

impl ReportImportView {
    pub fn new(lines: &[ImportedLine]) -> Self {
        let count = |result: &str| lines.iter().filter(|l| l.result == result).count();
        let (paid, rejected) = (count("paid"), count("rejected"));
        Self {
            paid,
            rejected,
            other: lines.len() - paid - rejected,
            lines: lines.iter().map(ReportLineView::from).collect(),
        }
    }
}

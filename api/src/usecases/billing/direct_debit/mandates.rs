//! Mandates: a family signs one online (consent recorded, the form filed as a PDF
//! among its documents), an agent records a paper one; a new signature replaces the
//! active mandate and carries its scheduled debits. A family revokes; an agent revokes
//! or suspends; a mandate unused for 36 months lapses. An ended mandate's scheduled
//! debits are cancelled: the family pays those invoices otherwise.

use chrono::{DateTime, NaiveDate, Utc};
use domain::audit::AuditAction;
use domain::billing::sepa::{
    AccountError, BankAccount, MandateChannel, MandateStatus, lapses_on, mandate_reference,
    sepa_text,
};
use domain::dossiers::{DocumentKind, DocumentOrigin, DocumentStatus};
use persistence::billing::direct_debits::{self as store, Mandate, NewMandate};
use persistence::{AnyConnection, db_time, write_transaction};

use super::settings;
use crate::adapters::mandate_pdf::{self, MandateForm};
use crate::adapters::storage::FileStore;
use crate::problem::FieldError;
use crate::usecases::{BillingRefusal, CommonRefusal, Outcome, UseCaseError};

/// A mandate as a family signs it or an agent records it.
#[derive(Debug, Clone)]
pub struct MandateInput {
    pub holder_name: String,
    pub iban: String,
    pub bic: Option<String>,
    /// Where it was signed (the rulebook asks place and date).
    pub signed_at_place: String,
    /// A paper mandate's date; an online one is signed today.
    pub signed_on: Option<NaiveDate>,
    /// The family's consent to the mandate's text (online).
    pub consent: bool,
}

/// Who signs: the family online, or an agent recording a paper mandate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signer {
    Family(i64),
    Agent(i64),
}

impl Signer {
    fn account_id(self) -> i64 {
        match self {
            Self::Family(id) | Self::Agent(id) => id,
        }
    }
}

/// A bank account's problem as a field error.
pub(crate) fn account_error(error: AccountError) -> FieldError {
    let (field, code, fr, en) = match error {
        AccountError::IbanFormat => (
            "iban",
            "invalid_iban",
            "Ce n'est pas un IBAN : il commence par deux lettres (FR) et deux chiffres.",
            "This is not an IBAN: it starts with two letters (FR) and two digits.",
        ),
        AccountError::IbanCheckDigits => (
            "iban",
            "iban_check_digits",
            "La clé de contrôle de l'IBAN est fausse : vérifiez-le sur votre RIB.",
            "The IBAN's check digits are wrong: check it against your bank details.",
        ),
        AccountError::IbanCountryFormat => (
            "iban",
            "iban_country_format",
            "Cet IBAN n'a pas le format de son pays : vérifiez-le sur votre RIB.",
            "This IBAN does not have its country's format: check it against your bank details.",
        ),
        AccountError::NotSepa => (
            "iban",
            "iban_not_sepa",
            "Ce compte n'est pas dans la zone SEPA : il ne peut pas être prélevé.",
            "This account is outside the SEPA area: it cannot be debited.",
        ),
        AccountError::BicRequired => (
            "bic",
            "bic_required",
            "Indiquez le BIC de la banque : il est demandé pour un compte hors de l'Espace économique européen.",
            "Give the bank's BIC: it is needed for an account outside the European Economic Area.",
        ),
        AccountError::BicFormat => (
            "bic",
            "invalid_bic",
            "Le BIC a 8 ou 11 caractères (par exemple BNPAFRPP).",
            "A BIC has 8 or 11 characters (for example BNPAFRPP).",
        ),
    };
    FieldError::new(field, code, fr, en)
}

/// Checks what was typed: the account, the consent online, a paper date not ahead.
fn checked(input: &MandateInput, signer: Signer, today: NaiveDate) -> Outcome<BankAccount> {
    let mut errors = Vec::new();
    for (field, value, fr, en) in [
        (
            "holderName",
            &input.holder_name,
            "Indiquez le titulaire du compte.",
            "Give the account holder.",
        ),
        (
            "signedAtPlace",
            &input.signed_at_place,
            "Indiquez le lieu de signature.",
            "Give the place of signature.",
        ),
    ] {
        if value.trim().is_empty() {
            errors.push(FieldError::new(field, "required", fr, en));
        }
    }
    // The bank's files carry the holder's name in Latin letters: one must remain.
    if !input.holder_name.trim().is_empty() && sepa_text(&input.holder_name, 70).is_empty() {
        errors.push(FieldError::new(
            "holderName",
            "invalid_name",
            "Écrivez le nom du titulaire en lettres latines, comme sur le RIB.",
            "Write the holder's name in Latin letters, as on the bank details.",
        ));
    }
    let account = BankAccount::parse(&input.iban, input.bic.as_deref());
    if let Err(e) = &account {
        errors.push(account_error(*e));
    }
    match signer {
        Signer::Family(_) if !input.consent => errors.push(FieldError::new(
            "consent",
            "consent_missing",
            "Cochez la case pour accepter le mandat de prélèvement.",
            "Tick the box to accept the direct debit mandate.",
        )),
        Signer::Agent(_) if input.signed_on.is_none_or(|d| d > today) => {
            errors.push(FieldError::new(
                "signedOn",
                "invalid_signature_date",
                "Indiquez la date de signature du mandat papier (pas dans le futur).",
                "Give the paper mandate's signature date (not in the future).",
            ));
        }
        _ => {}
    }
    match account {
        Ok(account) if errors.is_empty() => Ok(account),
        _ => Err(UseCaseError::Invalid(errors)),
    }
}

/// Signs (or records) a mandate for the dossier: the active one, if any, is revoked
/// from today and its scheduled debits move to the new one.
pub fn sign(
    conn: &mut AnyConnection,
    files: &FileStore,
    dossier_id: i64,
    input: &MandateInput,
    signer: Signer,
    (today, now): (NaiveDate, DateTime<Utc>),
) -> Outcome<Mandate> {
    let dossier = persistence::dossiers::find(conn, dossier_id)?.ok_or(CommonRefusal::NotFound)?;
    let creditor = settings::required(conn)?;
    let account = checked(input, signer, today)?;
    let (channel, signed_on, consent_at) = match signer {
        Signer::Family(_) => (MandateChannel::Online, today, Some(db_time(now))),
        Signer::Agent(_) => (
            MandateChannel::Paper,
            input.signed_on.unwrap_or(today),
            None,
        ),
    };
    let holder_name = input.holder_name.trim().to_owned();
    let place = input.signed_at_place.trim().to_owned();
    write_transaction(conn, |conn| {
        // The old mandate's scheduled debits are not cancelled: they move to the new one.
        for old in store::mandates_of(conn, dossier_id)? {
            store::end_mandate(
                conn,
                old.id,
                &[MandateStatus::Active, MandateStatus::Suspended],
                MandateStatus::Revoked,
                (today, "remplacé par un nouveau mandat"),
                now,
            )?;
        }
        let id = store::insert_mandate(
            conn,
            &NewMandate {
                dossier_id,
                creditor_id: creditor.creditor_id.clone(),
                status: MandateStatus::Active,
                channel,
                holder_name: holder_name.clone(),
                iban: account.iban.clone(),
                bic: account.bic.clone(),
                signed_on,
                signed_at_place: place.clone(),
                signed_by: Some(signer.account_id()),
                consent_at,
                consecutive_rejections: 0,
                created_at: db_time(now),
                updated_at: db_time(now),
            },
        )?;
        let reference = mandate_reference(&dossier.number, id);
        let pdf = mandate_pdf::render(&MandateForm {
            creditor_name: &creditor.creditor_name,
            creditor_id: &creditor.creditor_id,
            reference: &reference,
            holder_name: &holder_name,
            iban: &account.iban,
            bic: account.bic.as_deref(),
            signed_on,
            signed_at_place: &place,
            channel,
            consent_at: consent_at.map(persistence::utc),
            dossier_number: &dossier.number,
        });
        let document_id = file(conn, files, dossier_id, &reference, &pdf, (signed_on, now))?;
        store::complete_mandate(conn, id, &reference, Some(document_id))?;
        store::move_scheduled(conn, dossier_id, id, now)?;
        audit(
            conn,
            signer.account_id(),
            AuditAction::SignMandate,
            dossier_id,
            &format!("mandate {id} {reference} ({})", channel.as_str()),
            now,
        )?;
        Ok(store::find_mandate(conn, id, None)?.ok_or(CommonRefusal::NotFound)?)
    })
}

/// Files the mandate's PDF among the dossier's documents (written before its row, as
/// invoices' are).
fn file(
    conn: &mut AnyConnection,
    files: &FileStore,
    dossier_id: i64,
    reference: &str,
    pdf: &[u8],
    (signed_on, now): (NaiveDate, DateTime<Utc>),
) -> Outcome<i64> {
    let stored = files
        .save(conn, pdf)
        .map_err(|e| UseCaseError::Internal(e.into()))?;
    Ok(persistence::dossiers::documents::insert(
        conn,
        &persistence::dossiers::documents::NewDocument {
            dossier_id,
            child_id: None,
            kind: DocumentKind::DirectDebitMandate,
            origin: DocumentOrigin::City,
            file_name: format!("mandat-sepa-{reference}.pdf"),
            content_type: "application/pdf".to_owned(),
            size_bytes: i64::try_from(pdf.len()).unwrap_or(i64::MAX),
            sha256: stored.sha256,
            storage_key: stored.key,
            uploaded_by: None,
            status: DocumentStatus::Accepted,
            issued_on: Some(signed_on),
            valid_until: None,
        },
        now,
    )?)
}

/// Ends a mandate that is active (or suspended, unless suspending it), and cancels
/// its scheduled debits; false when it had ended already.
pub(crate) fn end(
    conn: &mut AnyConnection,
    mandate: &Mandate,
    to: MandateStatus,
    reason: &str,
    (today, now): (NaiveDate, DateTime<Utc>),
) -> Outcome<bool> {
    let from: &[MandateStatus] = match to {
        MandateStatus::Suspended => &[MandateStatus::Active],
        _ => &[MandateStatus::Active, MandateStatus::Suspended],
    };
    if !store::end_mandate(conn, mandate.id, from, to, (today, reason), now)? {
        return Ok(false);
    }
    store::cancel_scheduled(conn, store::Scheduled::OfMandate(mandate.id), today, now)?;
    Ok(true)
}

fn audit(
    conn: &mut AnyConnection,
    actor_id: i64,
    action: AuditAction,
    dossier_id: i64,
    detail: &str,
    now: DateTime<Utc>,
) -> Outcome<()> {
    persistence::audit::record(
        conn,
        &persistence::audit::NewAuditEntry {
            actor_id,
            action,
            dossier_id: Some(dossier_id),
            child_id: None,
            detail,
        },
        now,
    )?;
    Ok(())
}

/// A dossier's mandates, newest first; `NotFound` for a dossier that does not exist.
pub fn of_dossier(conn: &mut AnyConnection, dossier_id: i64) -> Outcome<Vec<Mandate>> {
    persistence::dossiers::find(conn, dossier_id)?.ok_or(CommonRefusal::NotFound)?;
    Ok(store::mandates_of(conn, dossier_id)?)
}

/// A mandate; another dossier's is `NotFound` when `dossier_id` is given.
pub fn find(conn: &mut AnyConnection, id: i64, dossier_id: Option<i64>) -> Outcome<Mandate> {
    Ok(store::find_mandate(conn, id, dossier_id)?.ok_or(CommonRefusal::NotFound)?)
}

/// The mandates in a status, newest first (agents: the suspended ones to follow up).
pub fn list(
    conn: &mut AnyConnection,
    status: Option<MandateStatus>,
    offset: i64,
    limit: i64,
) -> Outcome<(Vec<Mandate>, i64)> {
    Ok(store::list_mandates(conn, status, offset, limit)?)
}

/// How a mandate ends at someone's request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending<'a> {
    /// The family revokes its own (`dossier_id`).
    RevokedByFamily { dossier_id: i64, account_id: i64 },
    /// An agent revokes one (the family asked on paper).
    RevokedByAgent { agent_id: i64, reason: &'a str },
    /// An agent suspends one.
    SuspendedByAgent { agent_id: i64, reason: &'a str },
}

/// Revokes or suspends a mandate from today; its scheduled debits are cancelled.
pub fn end_by(
    conn: &mut AnyConnection,
    id: i64,
    ending: Ending<'_>,
    (today, now): (NaiveDate, DateTime<Utc>),
) -> Outcome<Mandate> {
    let (dossier, actor, to, reason) = match ending {
        Ending::RevokedByFamily {
            dossier_id,
            account_id,
        } => (
            Some(dossier_id),
            account_id,
            MandateStatus::Revoked,
            "révoqué par la famille",
        ),
        Ending::RevokedByAgent { agent_id, reason } => {
            (None, agent_id, MandateStatus::Revoked, reason)
        }
        Ending::SuspendedByAgent { agent_id, reason } => {
            (None, agent_id, MandateStatus::Suspended, reason)
        }
    };
    write_transaction(conn, |conn| {
        let mandate = find(conn, id, dossier)?;
        if !end(conn, &mandate, to, reason, (today, now))? {
            return Err(BillingRefusal::MandateNotActive.into());
        }
        audit(
            conn,
            actor,
            AuditAction::EndMandate,
            mandate.dossier_id,
            &format!("mandate {id} {}: {} ({reason})", mandate.rum(), to.as_str()),
            now,
        )?;
        find(conn, id, None)
    })
}

/// A mandate with its full account, for the agent who needs it: the read is audited.
pub fn bank_account(
    conn: &mut AnyConnection,
    id: i64,
    agent_id: i64,
    now: DateTime<Utc>,
) -> Outcome<Mandate> {
    write_transaction(conn, |conn| {
        let mandate = find(conn, id, None)?;
        audit(
            conn,
            agent_id,
            AuditAction::ReadBankAccount,
            mandate.dossier_id,
            &format!("mandate {id} {}", mandate.rum()),
            now,
        )?;
        Ok(mandate)
    })
}

/// Lapses the active mandates unused for 36 months; answers how many.
pub fn lapse(conn: &mut AnyConnection, today: NaiveDate, now: DateTime<Utc>) -> Outcome<usize> {
    let mut lapsed = 0;
    for mandate in store::active_mandates(conn)? {
        if lapses_on(mandate.signed_on, mandate.last_collected_on) < today {
            let ended = write_transaction(conn, |conn| {
                end(
                    conn,
                    &mandate,
                    MandateStatus::Lapsed,
                    "inutilisé depuis 36 mois",
                    (today, now),
                )
            })?;
            lapsed += usize::from(ended);
        }
    }
    Ok(lapsed)
}

//! The collection file of a date: the debits scheduled for it, each taking no more
//! than its invoice still owes (a debit whose invoice was paid otherwise, or whose
//! mandate ended, is cancelled), `FRST` for a mandate's first presented debit and
//! `RCUR` after. Built once per date: asking again answers the same file, byte for
//! byte. Its debits are then with the bank: other payments of their invoices wait.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use domain::audit::AuditAction;
use domain::billing::sepa::{
    DebitStatus, MandateStatus, PainVersion, SequenceType, is_target_business_day, sequence_type,
};
use persistence::billing::direct_debits::{
    self as store, Collection, DueDebit, NewCollection, Settlement,
};
use persistence::billing::online_payments;
use persistence::{AnyConnection, db_time, write_transaction};
use sha2::{Digest, Sha256};

use super::settings;
use crate::adapters::sepa::pain008::{self, Creditor, Debit};
use crate::problem::FieldError;
use crate::usecases::billing::online_payments::idop_lifetime;
use crate::usecases::{BillingRefusal, CommonRefusal, Outcome, UseCaseError};

/// Builds the file of `date` in the city's version (or `version`), or answers the one
/// built before (`false`).
pub fn build(
    conn: &mut AnyConnection,
    date: NaiveDate,
    version: Option<PainVersion>,
    agent_id: i64,
    (today, zone, now): (NaiveDate, Tz, DateTime<Utc>),
) -> Outcome<(Collection, bool)> {
    if let Some(built) = store::collection_of_date(conn, date)? {
        return Ok((built, false));
    }
    let creditor = settings::required(conn)?;
    if date <= today || !is_target_business_day(date) {
        return Err(UseCaseError::Invalid(vec![FieldError::new(
            "collectionDate",
            "invalid_collection_date",
            "La date de prélèvement doit être un jour ouvré bancaire (TARGET2) à venir.",
            "The collection date must be a bank business day (TARGET2) to come.",
        )]));
    }
    let version = version.unwrap_or(creditor.pain_version);
    // What cannot be collected is cancelled whatever comes of the file.
    write_transaction(conn, |conn| sort_out(conn, date, (today, now)).map(drop))?;
    let built = write_transaction(conn, |conn| {
        let due = sort_out(conn, date, (today, now))?;
        // Under the invoices' locks: another agent's file of the date is seen here.
        if let Some(built) = store::collection_of_date(conn, date)? {
            return Ok((built, false));
        }
        if due.is_empty() {
            return Err(UseCaseError::from(BillingRefusal::NothingToCollect));
        }
        let (debits, kept) = file_lines(conn, &due, &creditor.creditor_name)?;
        let total: i64 = debits.iter().map(|d| d.amount_cents).sum();
        let message_id = format!("EF-{}", date.format("%Y%m%d"));
        let content = pain008::write(&pain008::Collection {
            message_id: &message_id,
            created_at: now.with_timezone(&zone).naive_local(),
            collection_date: date,
            version,
            creditor: Creditor {
                name: &creditor.creditor_name,
                id: &creditor.creditor_id,
                iban: &creditor.iban,
                bic: creditor.bic.as_deref(),
            },
            debits: &debits,
        });
        let sha256 = format!("{:x}", Sha256::digest(content.as_bytes()));
        let id = store::insert_collection(
            conn,
            &NewCollection {
                collection_date: date,
                message_id,
                pain_version: version,
                debit_count: i32::try_from(debits.len()).unwrap_or(i32::MAX),
                total_cents: total,
                sha256,
                content,
                built_by: Some(agent_id),
                built_at: db_time(now),
            },
        )?;
        for k in &kept {
            if !store::mark_collecting(conn, k.debit_id, (id, k.sequence, k.amount_cents), now)? {
                // Its mandate ended meanwhile: the file would collect a debit the
                // portal no longer holds. Nothing is written; the agent builds again.
                return Err(UseCaseError::Internal(anyhow::anyhow!(
                    "debit {} changed while the file of {date} was built",
                    k.debit_id
                )));
            }
        }
        let used: Vec<i64> = kept.iter().map(|k| k.mandate_id).collect();
        store::mark_used(conn, &used, date)?;
        persistence::audit::record(
            conn,
            &persistence::audit::NewAuditEntry {
                actor_id: agent_id,
                action: AuditAction::BuildDebitCollection,
                dossier_id: None,
                child_id: None,
                detail: &format!(
                    "collection {id} of {date}: {} debits, {total} cents",
                    kept.len()
                ),
            },
            now,
        )?;
        Ok((
            store::find_collection(conn, id)?.ok_or(CommonRefusal::NotFound)?,
            true,
        ))
    });
    match built {
        Ok(built) => Ok(built),
        // Another agent built the date's file meanwhile: it is the file.
        Err(UseCaseError::Db(persistence::DbError::Query(
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ),
        ))) => Ok((
            store::collection_of_date(conn, date)?.ok_or(CommonRefusal::NotFound)?,
            false,
        )),
        Err(other) => Err(other),
    }
}

/// A debit going into the file, as stored.
struct Kept {
    debit_id: i64,
    mandate_id: i64,
    sequence: SequenceType,
    amount_cents: i64,
}

/// The debits of `date` that can be collected, each with what it takes (no more than
/// its invoice still owes); the others, whose invoice was paid otherwise or is being
/// paid by card now, or whose mandate ended, are cancelled: the family pays those
/// otherwise.
fn sort_out(
    conn: &mut AnyConnection,
    date: NaiveDate,
    (today, now): (NaiveDate, DateTime<Utc>),
) -> Outcome<Vec<(DueDebit, i64)>> {
    // Payments of these invoices wait for the file, and the file for them.
    store::lock_invoices_of(conn, date)?;
    let paying: HashSet<i64> = online_payments::invoices_paying_since(conn, now - idop_lifetime())?
        .into_iter()
        .collect();
    let mut collectable = Vec::new();
    for d in store::scheduled_for(conn, date)? {
        let amount = d.debit.amount_cents.min(d.balance_cents);
        if amount <= 0
            || d.mandate.status != MandateStatus::Active
            || paying.contains(&d.debit.invoice_id)
        {
            let cancelled = Settlement {
                to: DebitStatus::Cancelled,
                on: today,
                reason_code: None,
                payment_id: None,
            };
            store::settle(conn, d.debit.id, DebitStatus::Scheduled, cancelled, now)?;
            continue;
        }
        collectable.push((d, amount));
    }
    Ok(collectable)
}

/// The debits as the file writes them and as they are stored: `FRST` for a mandate
/// none of whose debits was presented yet, `RCUR` after.
fn file_lines(
    conn: &mut AnyConnection,
    due: &[(DueDebit, i64)],
    creditor_name: &str,
) -> Outcome<(Vec<Debit>, Vec<Kept>)> {
    let mandate_ids: Vec<i64> = due.iter().map(|(d, _)| d.mandate.id).collect();
    let presented: HashSet<i64> = store::mandates_presented(conn, &mandate_ids)?
        .into_iter()
        .collect();
    let mut debits = Vec::with_capacity(due.len());
    let mut kept = Vec::with_capacity(due.len());
    for (d, amount) in due {
        let sequence = sequence_type(presented.contains(&d.mandate.id));
        debits.push(Debit {
            end_to_end_id: d.debit.end_to_end_id.clone(),
            amount_cents: *amount,
            sequence,
            mandate_reference: d.mandate.rum().to_owned(),
            signed_on: d.mandate.signed_on,
            debtor_name: d.mandate.holder_name.clone(),
            iban: d.mandate.iban.clone(),
            bic: d.mandate.bic.clone(),
            remittance: format!("{creditor_name} facture {}", d.invoice_number),
        });
        kept.push(Kept {
            debit_id: d.debit.id,
            mandate_id: d.mandate.id,
            sequence,
            amount_cents: *amount,
        });
    }
    Ok((debits, kept))
}

pub fn find(conn: &mut AnyConnection, id: i64) -> Outcome<Collection> {
    Ok(store::find_collection(conn, id)?.ok_or(CommonRefusal::NotFound)?)
}

/// The file as built, and its description.
pub fn content(conn: &mut AnyConnection, id: i64) -> Outcome<(Collection, String)> {
    let collection = find(conn, id)?;
    let content = store::collection_content(conn, id)?.ok_or(CommonRefusal::NotFound)?;
    Ok((collection, content))
}

pub fn list(conn: &mut AnyConnection, offset: i64, limit: i64) -> Outcome<(Vec<Collection>, i64)> {
    Ok(store::list_collections(conn, offset, limit)?)
}

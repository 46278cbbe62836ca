//! What the bank says of a debit it was sent: paid (the payment is recorded like any
//! other), or rejected or returned with its reason (the invoice is to pay again, the
//! family told in plain French; two rejections in a row, or a final one, suspend the
//! mandate and the city's office is told). By hand, one debit at a time, or from the
//! bank's report; a report read twice changes nothing the second time.

use chrono::{DateTime, NaiveDate, Utc};
use domain::audit::AuditAction;
use domain::billing::PaymentMethod;
use domain::billing::sepa::{DebitStatus, MandateStatus, is_reason_code, reason_text, suspends};
use persistence::billing::direct_debits::{self as store, DirectDebit, Settlement};
use persistence::billing::{self as bills, NewPayment};
use persistence::{AnyConnection, db_time, write_transaction};

use super::mandates::end;
use crate::adapters::email::templates;
use crate::adapters::sepa::report::{self, ReportLine};
use crate::problem::FieldError;
use crate::usecases::billing::invoices::{euros, payment_received};
use crate::usecases::notifications::notice_data::{DirectDebitRejectedData, NoticeData};
use crate::usecases::notifications::{self, Notice};
use crate::usecases::{BillingRefusal, CommonRefusal, Outcome, UseCaseError};

/// What the bank says of a debit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BankAnswer {
    Paid,
    /// Rejected before, or returned after, settlement, with the ISO reason code.
    Rejected(String),
}

/// How one debit was settled: changed now, or as it stood already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    pub debit: DirectDebit,
    pub changed: bool,
}

/// Records the bank's answer on a debit. Paid: from collecting. Rejected: from
/// collecting, or returned after it was paid (the payment is marked returned). The
/// same answer again is not a change; another one is `debit_not_collecting`.
pub fn record(
    conn: &mut AnyConnection,
    debit_id: i64,
    answer: &BankAnswer,
    on: NaiveDate,
    (agent_id, portal): (i64, &str),
    now: DateTime<Utc>,
) -> Outcome<Settled> {
    if let BankAnswer::Rejected(code) = answer
        && !is_reason_code(code)
    {
        return Err(UseCaseError::Invalid(vec![FieldError::new(
            "reasonCode",
            "invalid_reason_code",
            "Le motif de rejet est un code ISO 20022 de 4 caractères (AM04, MD06...).",
            "The rejection reason is a 4-character ISO 20022 code (AM04, MD06...).",
        )]));
    }
    write_transaction(conn, |conn| {
        let debit = store::find_debit(conn, debit_id)?.ok_or(CommonRefusal::NotFound)?;
        let changed = match (answer, debit.status) {
            (BankAnswer::Paid, DebitStatus::Collecting) => {
                paid(conn, &debit, on, (agent_id, portal), now)?
            }
            (BankAnswer::Rejected(code), DebitStatus::Collecting | DebitStatus::Paid) => {
                rejected(conn, &debit, code, on, portal, now)?
            }
            (BankAnswer::Paid, DebitStatus::Paid) => false,
            (BankAnswer::Rejected(code), DebitStatus::Rejected)
                if debit.reason_code.as_deref() == Some(code.as_str()) =>
            {
                false
            }
            _ => return Err(BillingRefusal::DebitNotCollecting.into()),
        };
        if changed {
            let what = match answer {
                BankAnswer::Paid => "paid".to_owned(),
                BankAnswer::Rejected(code) => format!("rejected {code}"),
            };
            persistence::audit::record(
                conn,
                &persistence::audit::NewAuditEntry {
                    actor_id: agent_id,
                    action: AuditAction::RecordDebitOutcome,
                    dossier_id: Some(debit.dossier_id),
                    child_id: None,
                    detail: &format!(
                        "debit {} ({}): {what} on {on}",
                        debit.id, debit.end_to_end_id
                    ),
                },
                now,
            )?;
        }
        let debit = store::find_debit(conn, debit_id)?.ok_or(CommonRefusal::NotFound)?;
        Ok(Settled { debit, changed })
    })
}

/// The bank paid: a payment of the debit's amount, the rejections' count reset.
fn paid(
    conn: &mut AnyConnection,
    debit: &DirectDebit,
    on: NaiveDate,
    (agent_id, portal): (i64, &str),
    now: DateTime<Utc>,
) -> Outcome<bool> {
    let payment_id = bills::insert_payment(
        conn,
        &NewPayment {
            dossier_id: debit.dossier_id,
            invoice_id: debit.invoice_id,
            method: PaymentMethod::DirectDebit,
            amount_cents: debit.amount_cents,
            reference: Some(debit.end_to_end_id.clone()),
            received_on: on,
            recorded_by: Some(agent_id),
            idempotency_key: None,
            online_payment_id: None,
            created_at: db_time(now),
        },
    )?;
    let settled = store::settle(
        conn,
        debit.id,
        DebitStatus::Collecting,
        Settlement {
            to: DebitStatus::Paid,
            on,
            reason_code: None,
            payment_id: Some(payment_id),
        },
        now,
    )?;
    if !settled {
        return Err(BillingRefusal::DebitNotCollecting.into());
    }
    bills::add_paid(conn, debit.invoice_id, debit.amount_cents)?;
    store::reset_rejections(conn, debit.mandate_id)?;
    let invoice =
        bills::find_invoice(conn, debit.invoice_id, None)?.ok_or(CommonRefusal::NotFound)?;
    let notice = payment_received(
        &invoice,
        debit.amount_cents,
        PaymentMethod::DirectDebit,
        portal,
    );
    notifications::notify(conn, &[notice], now)?;
    Ok(true)
}

/// The bank rejected (or returned) the debit.
fn rejected(
    conn: &mut AnyConnection,
    debit: &DirectDebit,
    code: &str,
    on: NaiveDate,
    portal: &str,
    now: DateTime<Utc>,
) -> Outcome<bool> {
    let reason = reason_text(code);
    if debit.status == DebitStatus::Paid
        && let Some(payment_id) = debit.payment_id
        && let Some(payment) = bills::find_payment(conn, payment_id)?
    {
        bills::reverse_payment(
            conn,
            &payment,
            on,
            &format!("prélèvement retourné : {reason}"),
        )?;
    }
    let settled = store::settle(
        conn,
        debit.id,
        debit.status,
        Settlement {
            to: DebitStatus::Rejected,
            on,
            reason_code: Some(code),
            payment_id: debit.payment_id,
        },
        now,
    )?;
    if !settled {
        return Err(BillingRefusal::DebitNotCollecting.into());
    }
    let in_a_row = store::count_rejection(conn, debit.mandate_id)?;
    let mandate =
        store::find_mandate(conn, debit.mandate_id, None)?.ok_or(CommonRefusal::NotFound)?;
    let suspended = mandate.status == MandateStatus::Active
        && suspends(in_a_row, code)
        && end(
            conn,
            &mandate,
            MandateStatus::Suspended,
            &format!("{in_a_row} rejet(s) : {reason}"),
            (on, now),
        )?;
    let invoice =
        bills::find_invoice(conn, debit.invoice_id, None)?.ok_or(CommonRefusal::NotFound)?;
    let mut paragraphs = vec![format!(
        "Votre banque n'a pas payé le prélèvement de {} EUR de la facture n° {} (motif : {reason}). La facture est de nouveau à régler, en ligne ou auprès du service Enfance :",
        euros(debit.amount_cents),
        invoice.number
    )];
    if suspended {
        paragraphs.push(
            "Après ce rejet, votre mandat de prélèvement est suspendu : vos prochaines factures ne seront pas prélevées. Signez un nouveau mandat dans votre espace pour reprendre le prélèvement.".to_owned(),
        );
    }
    let notice = Notice {
        dossier_id: debit.dossier_id,
        title: format!("Prélèvement rejeté : facture n° {}", invoice.number),
        paragraphs,
        link: Some((
            "Régler la facture".to_owned(),
            format!("{portal}/factures/{}", invoice.id),
        )),
        data: NoticeData::DirectDebitRejected(DirectDebitRejectedData {
            invoice_id: invoice.id,
            number: invoice.number.clone(),
            amount_cents: debit.amount_cents,
            reason_code: code.to_owned(),
            reason: reason.clone(),
            mandate_suspended: suspended,
        }),
        dedupe_key: Some(format!("direct_debit_rejected:{}", debit.id)),
    };
    notifications::notify(conn, &[notice], now)?;
    if suspended && let Some(office) = persistence::city::find(conn)?.and_then(|c| c.contact_email)
    {
        let number = persistence::dossiers::find(conn, debit.dossier_id)?
            .map(|d| d.number)
            .unwrap_or_default();
        templates::mandate_suspended(&office, &number, mandate.rum(), &reason).queue(conn, now)?;
    }
    Ok(true)
}

/// What importing a report did, line by line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedLine {
    pub line: ReportLine,
    /// The debit it names, as it stands after the import.
    pub debit: Option<DirectDebit>,
    /// `paid`, `rejected`, `unchanged` (said before), `unknown` (no such debit),
    /// `refused` (not being collected) or `amount_mismatch`.
    pub result: &'static str,
}

/// Applies a bank report (camt.054 or the city's CSV), each line on its own.
pub fn import(
    conn: &mut AnyConnection,
    bytes: &[u8],
    (agent_id, portal): (i64, &str),
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Outcome<Vec<ImportedLine>> {
    let lines = report::read(bytes).map_err(|e| {
        UseCaseError::RefusedFor(
            BillingRefusal::ReportUnreadable.into(),
            vec![FieldError::new(
                "body",
                "unreadable",
                &e.to_string(),
                &e.to_string(),
            )],
        )
    })?;
    let mut imported = Vec::with_capacity(lines.len());
    for line in lines {
        let Some(debit) = store::find_by_end_to_end(conn, &line.end_to_end_id)? else {
            imported.push(ImportedLine {
                line,
                debit: None,
                result: "unknown",
            });
            continue;
        };
        if line.amount_cents.is_some_and(|a| a != debit.amount_cents) {
            imported.push(ImportedLine {
                line,
                debit: Some(debit),
                result: "amount_mismatch",
            });
            continue;
        }
        let answer = match &line.rejected {
            Some(code) => BankAnswer::Rejected(code.clone()),
            None => BankAnswer::Paid,
        };
        let on = line.on.unwrap_or(today);
        let (debit, result) = match record(conn, debit.id, &answer, on, (agent_id, portal), now) {
            Ok(Settled {
                debit,
                changed: false,
            }) => (debit, "unchanged"),
            Ok(Settled { debit, .. }) if line.rejected.is_some() => (debit, "rejected"),
            Ok(Settled { debit, .. }) => (debit, "paid"),
            Err(UseCaseError::Refused(_) | UseCaseError::Invalid(_)) => (debit, "refused"),
            Err(other) => return Err(other),
        };
        imported.push(ImportedLine {
            line,
            debit: Some(debit),
            result,
        });
    }
    Ok(imported)
}

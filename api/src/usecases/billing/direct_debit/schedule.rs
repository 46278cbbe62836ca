//! Debits of invoices: scheduled when a billing run issues an invoice to a dossier
//! with an active mandate, on the invoice's due date moved to a bank business day and
//! 14 days after the family is told at least; lowered or cancelled when the invoice
//! is paid otherwise before the file is built; refusing other payments once it is.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::billing::sepa::{DebitStatus, collection_date, mask_iban, next_business_day};
use domain::calendar::french_date;
use persistence::billing::direct_debits::{
    self as store, DebitFilter, DirectDebit, NewDirectDebit, Settlement,
};
use persistence::billing::{self as bills, NewInvoice};
use persistence::{AnyConnection, db_time};

use crate::usecases::billing::invoices::{DebitLine, balance_of, euros, month_label};
use crate::usecases::notifications::notice_data::{DirectDebitScheduledData, NoticeData};
use crate::usecases::notifications::{self, Notice};
use crate::usecases::{BillingRefusal, Outcome};

/// Schedules the debits of invoices a billing run just issued (with their ids and
/// what account credits settled of them, by dossier) and tells each family; answers
/// them by invoice, as the invoices show them.
pub fn schedule_issued(
    conn: &mut AnyConnection,
    (new, ids, credited): (&[NewInvoice], &HashMap<i64, i64>, &HashMap<i64, i64>),
    (today, portal): (NaiveDate, &str),
    now: DateTime<Utc>,
) -> Outcome<HashMap<i64, DebitLine>> {
    let Some(creditor) = store::settings(conn)? else {
        return Ok(HashMap::new());
    };
    let issued: Vec<(i64, &NewInvoice, i64)> = new
        .iter()
        .filter_map(|invoice| {
            let credited = credited.get(&invoice.dossier_id).copied().unwrap_or(0);
            ids.get(&invoice.dossier_id)
                .map(|id| (*id, invoice, credited))
        })
        .collect();
    let dossiers: Vec<i64> = issued.iter().map(|(_, i, _)| i.dossier_id).collect();
    let mandates: HashMap<i64, store::Mandate> = store::active_of_dossiers(conn, &dossiers)?
        .into_iter()
        .map(|m| (m.dossier_id, m))
        .collect();
    let mut debits = Vec::new();
    let mut notices = Vec::new();
    let mut planned = HashMap::new();
    // A date whose file is built takes no more debits: the next business day does.
    let mut open_dates: HashMap<NaiveDate, NaiveDate> = HashMap::new();
    for (invoice_id, invoice, credited) in &issued {
        let amount = invoice.total_cents - credited;
        let Some(mandate) = mandates.get(&invoice.dossier_id) else {
            continue;
        };
        if amount <= 0 {
            continue;
        }
        let on = open_date(
            conn,
            &mut open_dates,
            collection_date(invoice.due_on, today),
        )?;
        let account = mask_iban(&mandate.iban);
        debits.push(NewDirectDebit {
            invoice_id: *invoice_id,
            dossier_id: invoice.dossier_id,
            mandate_id: mandate.id,
            end_to_end_id: invoice.number.clone(),
            amount_cents: amount,
            collection_date: on,
            told_on: today,
            status: DebitStatus::Scheduled,
            created_at: db_time(now),
            updated_at: db_time(now),
        });
        notices.push(Notice {
            dossier_id: invoice.dossier_id,
            title: format!("Prélèvement de votre facture de {}", month_label(invoice.month)),
            paragraphs: vec![
                format!(
                    "Votre facture n° {} de {}, d'un montant de {} EUR, sera prélevée le {} sur le compte {} :",
                    invoice.number,
                    month_label(invoice.month),
                    euros(amount),
                    french_date(on),
                    account
                ),
                format!(
                    "Mandat n° {} — créancier {} (identifiant SEPA {}). Vous n'avez rien à faire ; si la facture est réglée autrement avant cette date, le prélèvement est ajusté.",
                    mandate.rum(),
                    creditor.creditor_name,
                    creditor.creditor_id
                ),
            ],
            link: Some((
                "Voir la facture".to_owned(),
                format!("{portal}/factures/{invoice_id}"),
            )),
            data: NoticeData::DirectDebitScheduled(DirectDebitScheduledData {
                invoice_id: *invoice_id,
                number: invoice.number.clone(),
                amount_cents: amount,
                collection_date: on,
                mandate_reference: mandate.rum().to_owned(),
                creditor_id: creditor.creditor_id.clone(),
                account: account.clone(),
            }),
            dedupe_key: Some(format!("direct_debit_scheduled:{invoice_id}")),
        });
        planned.insert(
            *invoice_id,
            DebitLine {
                status: DebitStatus::Scheduled,
                collection_date: on,
                amount_cents: amount,
                account,
                reason_code: None,
            },
        );
    }
    store::insert_debits(conn, &debits)?;
    notifications::notify(conn, &notices, now)?;
    Ok(planned)
}

/// `day`, or the first business day after it whose collection file is not built yet.
fn open_date(
    conn: &mut AnyConnection,
    known: &mut HashMap<NaiveDate, NaiveDate>,
    day: NaiveDate,
) -> Outcome<NaiveDate> {
    if let Some(open) = known.get(&day) {
        return Ok(*open);
    }
    let mut open = day;
    while store::collection_of_date(conn, open)?.is_some() {
        open = next_business_day(open.succ_opt().unwrap_or(open));
    }
    known.insert(day, open);
    Ok(open)
}

/// Cancels the debits whose date passed with no file built (the daily job): their
/// invoices are paid otherwise.
pub fn cancel_missed(
    conn: &mut AnyConnection,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Outcome<usize> {
    Ok(store::cancel_scheduled(
        conn,
        store::Scheduled::DueBy(today),
        today,
        now,
    )?)
}

/// The debits of these invoices as each invoice shows its own, by invoice.
pub fn of_invoices(
    conn: &mut AnyConnection,
    invoice_ids: &[i64],
) -> Outcome<HashMap<i64, DebitLine>> {
    Ok(store::of_invoices_with_iban(conn, invoice_ids)?
        .into_iter()
        .map(|(debit, iban)| {
            let line = DebitLine {
                status: debit.status,
                collection_date: debit.collection_date,
                amount_cents: debit.amount_cents,
                account: mask_iban(&iban),
                reason_code: debit.reason_code,
            };
            (debit.invoice_id, line)
        })
        .collect())
}

/// Refuses another payment of an invoice whose debit is with the bank.
pub fn refuse_if_collecting(conn: &mut AnyConnection, invoice_id: i64) -> Outcome<()> {
    let collecting = store::of_invoices(conn, &[invoice_id])?
        .iter()
        .any(|d| d.status == DebitStatus::Collecting);
    if collecting {
        return Err(BillingRefusal::DirectDebitInProgress.into());
    }
    Ok(())
}

/// After a payment or a credit note, a scheduled debit takes no more than what is
/// left to pay, and is cancelled when nothing is.
pub fn fit_to_balance(
    conn: &mut AnyConnection,
    invoice_id: i64,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let Some(debit) = store::of_invoices(conn, &[invoice_id])?
        .into_iter()
        .find(|d| d.status == DebitStatus::Scheduled)
    else {
        return Ok(());
    };
    let Some(invoice) = bills::find_invoice(conn, invoice_id, None)? else {
        return Ok(());
    };
    let left = balance_of(&invoice);
    if left <= 0 {
        store::settle(
            conn,
            debit.id,
            DebitStatus::Scheduled,
            Settlement {
                to: DebitStatus::Cancelled,
                on: today,
                reason_code: None,
                payment_id: None,
            },
            now,
        )?;
    } else {
        store::lower_scheduled(conn, debit.id, left, now)?;
    }
    Ok(())
}

/// Debits as agents list them.
pub fn list(
    conn: &mut AnyConnection,
    filter: DebitFilter,
    offset: i64,
    limit: i64,
) -> Outcome<(Vec<DirectDebit>, i64)> {
    Ok(store::list_debits(conn, filter, offset, limit)?)
}

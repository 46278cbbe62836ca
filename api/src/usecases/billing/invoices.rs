//! Invoices after they are issued: what a family and the agents read of them, the
//! account statement, payments recorded at the counter, credit notes, and the month's
//! exports for the treasury.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
pub use domain::billing::PaymentMethod;
use domain::billing::sepa::{DebitStatus, reason_text};
use domain::billing::{self, InvoiceStatus};
use domain::calendar::french_date;
use persistence::billing::{
    self as store, CreditNote, Invoice, InvoiceFilter, InvoiceLine, NewPayment, Payment,
};
use persistence::write_transaction;
use persistence::{AnyConnection, db_time, utc};

use crate::usecases::billing::credits;
use crate::usecases::notifications::notice_data::{NoticeData, PaymentReceivedData};
use crate::usecases::notifications::{self, Notice};
use crate::usecases::{BillingRefusal, CommonRefusal, Outcome, UseCaseError, unique_as};

/// An invoice with what happened to it since.
#[derive(Debug, Clone)]
pub struct InvoiceDetail {
    pub invoice: Invoice,
    pub lines: Vec<InvoiceLine>,
    pub payments: Vec<Payment>,
    pub credit_notes: Vec<CreditNote>,
    /// The account credits it used, each with its credit's number.
    pub credits_used: Vec<(crate::usecases::billing::credits::CreditUse, String)>,
    /// Its direct debit, when the dossier pays so.
    pub debit: Option<DebitLine>,
}

/// An invoice's direct debit, as the invoice shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebitLine {
    pub status: DebitStatus,
    pub collection_date: NaiveDate,
    pub amount_cents: i64,
    /// The account debited, masked.
    pub account: String,
    /// The bank's reason, when it rejected the debit.
    pub reason_code: Option<String>,
}

impl DebitLine {
    /// What the invoice says of it, in French ("prélèvement prévu le …").
    pub fn sentence(&self) -> String {
        let (on, amount, account) = (
            french_date(self.collection_date),
            euros(self.amount_cents),
            &self.account,
        );
        match self.status {
            DebitStatus::Scheduled => {
                format!("Prélèvement prévu le {on} : {amount} EUR sur le compte {account}.")
            }
            DebitStatus::Collecting => {
                format!("Prélèvement en cours le {on} : {amount} EUR sur le compte {account}.")
            }
            DebitStatus::Paid => format!("Payée par prélèvement le {on} ({amount} EUR)."),
            DebitStatus::Rejected => format!(
                "Prélèvement du {on} rejeté par la banque (motif : {}) : facture à régler en ligne ou au guichet.",
                reason_text(self.reason_code.as_deref().unwrap_or_default())
            ),
            DebitStatus::Cancelled => {
                "Paiement en ligne par carte (PayFiP) sur l'Espace Familles, ou au guichet."
                    .to_owned()
            }
        }
    }
}

/// Where the invoice stands on `today`.
pub fn status_of(invoice: &Invoice, today: NaiveDate) -> InvoiceStatus {
    billing::status(
        invoice.total_cents,
        invoice.paid_cents,
        invoice.credited_cents,
        invoice.due_on,
        today,
    )
}

/// What is left to pay (negative: the city owes the family).
pub fn balance_of(invoice: &Invoice) -> i64 {
    billing::balance(
        invoice.total_cents,
        invoice.paid_cents,
        invoice.credited_cents,
    )
}

/// An invoice with its lines, payments and credit notes; another dossier's is
/// `NotFound` when `dossier_id` is given.
pub fn detail(
    conn: &mut AnyConnection,
    id: i64,
    dossier_id: Option<i64>,
) -> Outcome<InvoiceDetail> {
    let invoice = store::find_invoice(conn, id, dossier_id)?.ok_or(CommonRefusal::NotFound)?;
    let debit =
        crate::usecases::billing::direct_debit::schedule::of_invoices(conn, &[id])?.remove(&id);
    Ok(InvoiceDetail {
        debit,
        lines: store::lines_of(conn, id)?,
        payments: store::payments_of(conn, store::Of::Invoice(id))?,
        credit_notes: store::credit_notes_of(conn, store::Of::Invoice(id))?,
        credits_used: crate::usecases::billing::credits::uses_by(
            conn,
            persistence::billing::account_credits::UsedBy::Invoice(id),
        )?,
        invoice,
    })
}

pub fn list(
    conn: &mut AnyConnection,
    filter: InvoiceFilter,
    offset: i64,
    limit: i64,
) -> Outcome<(Vec<Invoice>, i64)> {
    Ok(store::list_invoices(conn, filter, offset, limit)?)
}

/// What an invoice's PDF shows: the invoice, its dossier's number and the city.
pub fn printable(
    conn: &mut AnyConnection,
    id: i64,
    dossier_id: Option<i64>,
) -> Outcome<(InvoiceDetail, String, Option<String>)> {
    let detail = detail(conn, id, dossier_id)?;
    let number = persistence::dossiers::find(conn, detail.invoice.dossier_id)?
        .map(|d| d.number)
        .unwrap_or_default();
    let city = persistence::city::find(conn)?.map(|c| c.name);
    Ok((detail, number, city))
}

/// Files an issued invoice's PDF among its dossier's documents (kind `invoice`, from
/// the city). The file is written before its row, so a row never points at a missing
/// file (a rolled-back transaction leaves an unreferenced file at worst).
pub fn file_pdf(
    conn: &mut AnyConnection,
    files: &crate::adapters::storage::FileStore,
    city: &str,
    dossier_number: &str,
    detail: &InvoiceDetail,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let bytes = crate::adapters::invoice_pdf::render(city, dossier_number, detail);
    let stored = files
        .save(conn, &bytes)
        .map_err(|e| UseCaseError::Internal(e.into()))?;
    persistence::dossiers::documents::insert(
        conn,
        &persistence::dossiers::documents::NewDocument {
            dossier_id: detail.invoice.dossier_id,
            child_id: None,
            kind: domain::dossiers::DocumentKind::Invoice,
            origin: domain::dossiers::DocumentOrigin::City,
            file_name: format!("facture-{}.pdf", detail.invoice.number),
            content_type: "application/pdf".to_owned(),
            size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
            sha256: stored.sha256,
            storage_key: stored.key,
            uploaded_by: None,
            status: domain::dossiers::DocumentStatus::Accepted,
            issued_on: None,
            valid_until: None,
        },
        now,
    )?;
    Ok(())
}

/// One movement of a family's account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    pub kind: MovementKind,
    pub id: i64,
    pub date: NaiveDate,
    /// The invoice's or credit note's number, the payment's invoice number.
    pub reference: String,
    /// What it adds to the balance: an invoice adds, a payment or a credit note takes.
    pub amount_cents: i64,
    /// The invoice it concerns; none for an account credit or a credit use.
    pub invoice_id: Option<i64>,
    /// The basket a credit use paid.
    pub basket_id: Option<i64>,
    /// For a payment: how it was paid.
    pub method: Option<PaymentMethod>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MovementKind {
    Invoice,
    Payment,
    CreditNote,
    /// A credit given back to the account (a cancelled holiday week).
    AccountCredit,
    /// A basket's use of an account credit (an invoice's is in what it leaves to pay).
    CreditUse,
    /// A direct debit's payment the bank returned.
    PaymentReturned,
}

/// A family's account: every movement, latest first, and what is left to pay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub balance_cents: i64,
    pub movements: Vec<Movement>,
}

pub fn statement(conn: &mut AnyConnection, dossier_id: i64, zone: Tz) -> Outcome<Statement> {
    let invoices = store::invoices_of_dossier(conn, dossier_id)?;
    let number = |id: i64| {
        invoices
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.number.clone())
            .unwrap_or_default()
    };
    let mut movements: Vec<Movement> = invoices
        .iter()
        .map(|i| Movement {
            kind: MovementKind::Invoice,
            id: i.id,
            date: i.issued_on,
            reference: i.number.clone(),
            amount_cents: i.total_cents,
            invoice_id: Some(i.id),
            basket_id: None,
            method: None,
        })
        .collect();
    for p in store::payments_of(conn, store::Of::Dossier(dossier_id))? {
        if let Some(returned_on) = p.reversed_on {
            movements.push(Movement {
                kind: MovementKind::PaymentReturned,
                id: p.id,
                date: returned_on,
                reference: number(p.invoice_id),
                amount_cents: p.amount_cents,
                invoice_id: Some(p.invoice_id),
                basket_id: None,
                method: Some(p.method),
            });
        }
        movements.push(Movement {
            kind: MovementKind::Payment,
            id: p.id,
            date: p.received_on,
            reference: number(p.invoice_id),
            amount_cents: -p.amount_cents,
            invoice_id: Some(p.invoice_id),
            basket_id: None,
            method: Some(p.method),
        });
    }
    let local = |at| utc(at).with_timezone(&zone).date_naive();
    for c in store::credit_notes_of(conn, store::Of::Dossier(dossier_id))? {
        movements.push(Movement {
            kind: MovementKind::CreditNote,
            id: c.id,
            date: local(c.issued_at),
            reference: c.number,
            amount_cents: -c.amount_cents,
            invoice_id: Some(c.invoice_id),
            basket_id: None,
            method: None,
        });
    }
    for c in credits::of_dossier(conn, dossier_id)? {
        movements.push(Movement {
            kind: MovementKind::AccountCredit,
            id: c.id,
            date: local(c.issued_at),
            reference: c.number,
            amount_cents: -c.amount_cents,
            invoice_id: None,
            basket_id: None,
            method: None,
        });
    }
    for (used, number) in persistence::billing::account_credits::basket_uses_of(conn, dossier_id)? {
        movements.push(Movement {
            kind: MovementKind::CreditUse,
            id: used.id,
            date: local(used.used_at),
            reference: number,
            amount_cents: used.amount_cents,
            invoice_id: None,
            basket_id: used.basket_id,
            method: None,
        });
    }
    let balance_cents = movements.iter().map(|m| m.amount_cents).sum();
    movements.sort_by_key(|m| std::cmp::Reverse((m.date, m.kind as u8, m.id)));
    Ok(Statement {
        balance_cents,
        movements,
    })
}

/// A payment received at the counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterPayment {
    /// Cheque, cash or CESU.
    pub method: PaymentMethod,
    pub amount_cents: i64,
    pub reference: Option<String>,
    pub received_on: NaiveDate,
    pub idempotency_key: Option<String>,
}

/// Records a counter payment on an invoice: no more than is left to pay. With an
/// `Idempotency-Key`, the same key again answers the payment already recorded
/// (`false`), and the same key for another payment is refused.
pub fn record_payment(
    conn: &mut AnyConnection,
    agent_id: i64,
    invoice_id: i64,
    payment: CounterPayment,
    portal: &str,
    now: DateTime<Utc>,
) -> Outcome<(Payment, bool)> {
    write_transaction(conn, |conn| {
        let invoice =
            store::find_invoice(conn, invoice_id, None)?.ok_or(CommonRefusal::NotFound)?;
        if let Some(key) = &payment.idempotency_key
            && let Some(earlier) = store::find_payment_by_key(conn, invoice_id, key)?
        {
            let same = earlier.method == payment.method
                && earlier.amount_cents == payment.amount_cents
                && earlier.reference == payment.reference
                && earlier.received_on == payment.received_on;
            return if same {
                Ok((earlier, false))
            } else {
                Err(CommonRefusal::IdempotencyKeyReused.into())
            };
        }
        // The invoice's lock first: a collection file built meanwhile is seen.
        persistence::billing::online_payments::lock_target(
            conn,
            persistence::billing::online_payments::Target::Invoice(invoice_id),
        )?;
        crate::usecases::billing::direct_debit::schedule::refuse_if_collecting(conn, invoice_id)?;
        if !store::pay_invoice(conn, invoice_id, payment.amount_cents)? {
            return Err(BillingRefusal::AmountExceedsBalance.into());
        }
        crate::usecases::billing::direct_debit::schedule::fit_to_balance(
            conn,
            invoice_id,
            payment.received_on,
            now,
        )?;
        let id = store::insert_payment(
            conn,
            &NewPayment {
                dossier_id: invoice.dossier_id,
                invoice_id,
                method: payment.method,
                amount_cents: payment.amount_cents,
                reference: payment.reference.clone(),
                received_on: payment.received_on,
                recorded_by: Some(agent_id),
                idempotency_key: payment.idempotency_key.clone(),
                online_payment_id: None,
                created_at: db_time(now),
            },
        )
        .map_err(unique_as(CommonRefusal::IdempotencyKeyReused))?;
        persistence::audit::record(
            conn,
            &persistence::audit::NewAuditEntry {
                actor_id: agent_id,
                action: domain::audit::AuditAction::RecordPayment,
                dossier_id: Some(invoice.dossier_id),
                child_id: None,
                detail: &format!(
                    "{} {} cents on {} (payment {id})",
                    payment.method, payment.amount_cents, invoice.number
                ),
            },
            now,
        )?;
        let recorded = store::payments_of(conn, store::Of::Invoice(invoice_id))?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or(CommonRefusal::NotFound)?;
        let notice = payment_received(&invoice, payment.amount_cents, payment.method, portal);
        notifications::notify(conn, &[notice], now)?;
        Ok((recorded, true))
    })
}

/// Issues a credit note on an invoice: the invoice stays as issued, what the family
/// owes goes down. Credit notes never add up to more than the invoice.
pub fn issue_credit_note(
    conn: &mut AnyConnection,
    agent_id: i64,
    invoice_id: i64,
    amount_cents: i64,
    reason: &str,
    now: DateTime<Utc>,
    zone: Tz,
) -> Outcome<CreditNote> {
    let year = now.with_timezone(&zone).year();
    store::ensure_counter(conn, "credit_note", year)?;
    write_transaction(conn, |conn| {
        // First: the counter's update takes the write lock (SQLite) and the row lock.
        let n = store::take_numbers(conn, "credit_note", year, 1)?;
        let invoice =
            store::find_invoice(conn, invoice_id, None)?.ok_or(CommonRefusal::NotFound)?;
        // The bank collects the amount sent: a credit note waits for its answer.
        crate::usecases::billing::direct_debit::schedule::refuse_if_collecting(conn, invoice_id)?;
        if !store::credit_invoice(conn, invoice_id, amount_cents)? {
            return Err(BillingRefusal::CreditExceedsInvoice.into());
        }
        let number = billing::credit_note_number(year, n);
        let id = store::insert_credit_note(
            conn,
            &number,
            &invoice,
            amount_cents,
            reason,
            agent_id,
            now,
        )?;
        persistence::audit::record(
            conn,
            &persistence::audit::NewAuditEntry {
                actor_id: agent_id,
                action: domain::audit::AuditAction::IssueCreditNote,
                dossier_id: Some(invoice.dossier_id),
                child_id: None,
                detail: &format!("{number}: {amount_cents} cents on {}", invoice.number),
            },
            now,
        )?;
        let today = now.with_timezone(&zone).date_naive();
        crate::usecases::billing::direct_debit::schedule::fit_to_balance(
            conn, invoice_id, today, now,
        )?;
        Ok(store::find_credit_note(conn, id)?.ok_or(CommonRefusal::NotFound)?)
    })
}

/// The month's invoices as CSV (`;`-separated, amounts in euros with a decimal
/// comma, as French spreadsheets read them), with each one's direct debit.
pub fn invoices_csv(
    conn: &mut AnyConnection,
    month: NaiveDate,
    today: NaiveDate,
) -> Outcome<String> {
    let rows = store::invoices_of_month(conn, month)?;
    let ids: Vec<i64> = rows.iter().map(|(i, _)| i.id).collect();
    let debits = crate::usecases::billing::direct_debit::schedule::of_invoices(conn, &ids)?;
    let mut csv = writer();
    csv.write_record([
        "numero",
        "dossier",
        "mois",
        "emise_le",
        "echeance",
        "montant",
        "paye",
        "avoirs",
        "reste_a_payer",
        "statut",
        "prelevement",
        "prelevement_le",
    ])
    .map_err(internal)?;
    for (invoice, dossier_number) in rows {
        let debit = debits.get(&invoice.id);
        csv.write_record([
            invoice.number.clone(),
            defused(&dossier_number),
            invoice.month.format("%Y-%m").to_string(),
            invoice.issued_on.to_string(),
            invoice.due_on.to_string(),
            euros(invoice.total_cents),
            euros(invoice.paid_cents),
            euros(invoice.credited_cents),
            euros(balance_of(&invoice)),
            status_of(&invoice, today).as_str().to_owned(),
            debit
                .map(|d| d.status.as_str().to_owned())
                .unwrap_or_default(),
            debit
                .map(|d| d.collection_date.to_string())
                .unwrap_or_default(),
        ])
        .map_err(internal)?;
    }
    finish(csv)
}

/// The payments received in the month as CSV.
pub fn payments_csv(conn: &mut AnyConnection, month: NaiveDate) -> Outcome<String> {
    let (first, last) = billing::month_span(month).ok_or(CommonRefusal::NotFound)?;
    let rows = store::payments_between(conn, first, last)?;
    let mut csv = writer();
    csv.write_record([
        "id",
        "facture",
        "recu_le",
        "moyen",
        "montant",
        "reference",
        "retourne_le",
    ])
    .map_err(internal)?;
    for (payment, number) in rows {
        csv.write_record([
            payment.id.to_string(),
            number,
            payment.received_on.to_string(),
            payment.method.as_str().to_owned(),
            euros(payment.amount_cents),
            defused(payment.reference.as_deref().unwrap_or("")),
            payment
                .reversed_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ])
        .map_err(internal)?;
    }
    finish(csv)
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

fn finish(csv: csv::Writer<Vec<u8>>) -> Outcome<String> {
    let bytes = csv.into_inner().map_err(|e| internal(e.into_error()))?;
    String::from_utf8(bytes).map_err(internal)
}

fn internal(error: impl std::error::Error + Send + Sync + 'static) -> UseCaseError {
    UseCaseError::Internal(anyhow::Error::new(error))
}

/// Cents as euros with a decimal comma: `-12,05`.
/// The family is told a payment of its invoice arrived (at the counter or online).
pub fn payment_received(
    invoice: &Invoice,
    amount_cents: i64,
    method: PaymentMethod,
    portal: &str,
) -> Notice {
    Notice {
        dossier_id: invoice.dossier_id,
        title: format!("Paiement reçu : facture n° {}", invoice.number),
        paragraphs: vec![format!(
            "Votre paiement de {} EUR pour la facture n° {} est enregistré. Le détail est dans votre espace :",
            euros(amount_cents),
            invoice.number
        )],
        link: Some((
            "Voir la facture".to_owned(),
            format!("{portal}/factures/{}", invoice.id),
        )),
        data: NoticeData::PaymentReceived(PaymentReceivedData {
            invoice_id: Some(invoice.id),
            number: Some(invoice.number.clone()),
            basket_id: None,
            amount_cents,
            method: method.as_str().to_owned(),
        }),
        dedupe_key: None,
    }
}

/// "septembre 2026".
pub fn month_label(month: NaiveDate) -> String {
    const NAMES: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    let name = NAMES
        .get(month.month0() as usize)
        .copied()
        .unwrap_or_default();
    format!("{name} {}", month.year())
}

pub fn euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{},{:02}", cents.abs() / 100, cents.abs() % 100)
}

/// A text a spreadsheet would run as a formula, made inert.
fn defused(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euros_use_a_decimal_comma() {
        assert_eq!(euros(570), "5,70");
        assert_eq!(euros(-1205), "-12,05");
        assert_eq!(euros(0), "0,00");
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(defused("CHQ 123"), "CHQ 123");
        assert_eq!(defused("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(defused("-2"), "'-2");
    }
}

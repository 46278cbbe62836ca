//! Billing runs: a month of bookings and attendance turned into one invoice per
//! dossier, under the city's rules (see `domain::billing`), at the price of the family
//! quotient of each day.
//!
//! A run computes the bills of the dossiers that have no invoice for the month yet,
//! then writes them in chunks of dossiers, in dossier order, each chunk in one
//! transaction with its invoice numbers and the run's progress. A crash leaves whole
//! chunks; the next run bills the remaining dossiers with the next numbers, so a crash
//! and a rerun end with the invoices of a clean run, and a rerun with nothing left to
//! bill creates nothing.

pub mod certificates;
pub mod credits;
pub mod direct_debit;
pub mod invoices;
pub mod online_payments;
pub mod payments;
mod refusal;
pub mod sandbox;

pub use refusal::BillingRefusal;

pub use persistence::billing::{
    BillingRun, CreditNote, Invoice, InvoiceFilter, InvoiceLine, Payment,
};

use persistence::write_transaction;
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use domain::activities::{PriceBracket, RegistrationMode, unit_price};
use domain::billing::{self, BillableKind, BillingRunStatus, Entry, Line};
use domain::calendar::french_date;
use domain::dossiers::QuotientPeriod;
use domain::planning::AttendanceStatus;
use persistence::billing::{self as store, NewInvoice, PricedActivity};
use persistence::{AnyConnection, db_time};

use crate::usecases::dossiers::households::{CityCustody, Custodies};
use crate::usecases::notifications::notice_data::{InvoiceIssuedData, NoticeData};
use crate::usecases::notifications::{self, Notice};
use crate::usecases::{CommonRefusal, Outcome, unique_as};

/// A line with the names it is printed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedLine {
    pub line: Line,
    pub child_name: String,
    pub activity_name: String,
    pub unit_name: String,
}

/// What a dossier is billed for a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierBill {
    pub dossier_id: i64,
    pub dossier_number: String,
    pub lines: Vec<NamedLine>,
    pub total_cents: i64,
}

/// The bills of a month, and how many dossiers already had their invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthBills {
    pub month: NaiveDate,
    pub bills: Vec<DossierBill>,
    pub already_invoiced: usize,
}

struct Unit {
    activity_id: i64,
    name: String,
    brackets: Vec<PriceBracket>,
}

/// What pricing a day needs, read once for the whole month.
struct Prices {
    activities: HashMap<i64, PricedActivity>,
    units: HashMap<i64, Unit>,
    /// (dossier, activity) → children holding a live registration to it.
    registered: HashMap<(i64, i64), HashSet<i64>>,
    quotients: HashMap<i64, Vec<QuotientPeriod>>,
    /// The city's day from which families without a quotient pay the top bracket.
    top_bracket_from: Option<domain::dossiers::MonthDay>,
}

impl Prices {
    /// `custodies`: a shared child's registrations count as siblings in both its
    /// households.
    fn load(conn: &mut AnyConnection, custodies: &Custodies) -> Outcome<Self> {
        let activities = store::priced_activities(conn)?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let units = store::units(conn)?
            .into_iter()
            .map(|(id, activity_id, name, prices)| {
                let unit = Unit {
                    activity_id,
                    name,
                    brackets: prices,
                };
                (id, unit)
            })
            .collect();
        let mut registered: HashMap<(i64, i64), HashSet<i64>> = HashMap::new();
        let second_of: HashMap<i64, i64> = custodies
            .children()
            .map(|c| (c.child_id, c.second))
            .collect();
        for (dossier_id, child_id, activity_id) in store::live_registrations(conn)? {
            registered
                .entry((dossier_id, activity_id))
                .or_default()
                .insert(child_id);
            if let Some(second) = second_of.get(&child_id) {
                registered
                    .entry((*second, activity_id))
                    .or_default()
                    .insert(child_id);
            }
        }
        let mut quotients: HashMap<i64, Vec<QuotientPeriod>> = HashMap::new();
        for (dossier_id, id, quotient, valid_from, valid_until) in store::quotients(conn)? {
            quotients
                .entry(dossier_id)
                .or_default()
                .push(QuotientPeriod {
                    id,
                    quotient,
                    valid_from,
                    valid_until,
                });
        }
        Ok(Self {
            activities,
            units,
            registered,
            quotients,
            top_bracket_from: crate::usecases::dossiers::top_bracket_from(conn)?,
        })
    }

    /// The entry for a billed day, or `None` for a unit of a prepaid activity (paid
    /// with its basket) or a unit without a price.
    fn entry(
        &self,
        dossier_id: i64,
        child_id: i64,
        unit_id: i64,
        day: NaiveDate,
        kind: BillableKind,
    ) -> Option<Entry> {
        let unit = self.units.get(&unit_id)?;
        let activity = self.activities.get(&unit.activity_id)?;
        if activity.mode == RegistrationMode::Prepaid {
            return None;
        }
        let periods = self
            .quotients
            .get(&dossier_id)
            .map_or(&[][..], Vec::as_slice);
        let quotient =
            domain::dossiers::price_basis(periods, day, self.top_bracket_from).quotient();
        let sibling = self
            .registered
            .get(&(dossier_id, unit.activity_id))
            .is_some_and(|children| children.iter().any(|c| *c != child_id));
        let Some(price) = unit_price(
            &unit.brackets,
            quotient,
            activity.sibling_rate_percent.map(i64::from),
            sibling,
        ) else {
            tracing::warn!(unit = unit_id, %day, child = child_id, "a billable day of a unit without a price is not billed");
            return None;
        };
        let unit_price_cents = match kind {
            BillableKind::Booked => price,
            BillableKind::Unbooked => {
                billing::surcharged(price, i64::from(activity.unbooked_surcharge_percent))
            }
        };
        Some(Entry {
            child_id,
            activity_id: unit.activity_id,
            unit_id,
            day,
            kind,
            unit_price_cents,
        })
    }
}

/// The bills of the month starting on `month` for the dossiers not invoiced for it
/// yet, by dossier id. Reads the whole month in a fixed handful of queries.
pub fn compute(conn: &mut AnyConnection, month: NaiveDate) -> Outcome<MonthBills> {
    let (first, last) = billing::month_span(month).ok_or(CommonRefusal::NotFound)?;
    // A child of two households is billed day by day to the household that has it.
    let custody = CityCustody::read(conn)?;
    let payer = |dossier_id: i64, child_id: i64, day: NaiveDate| {
        custody.household_on(child_id, dossier_id, day)
    };
    let prices = Prices::load(conn, custody.custodies())?;
    let invoiced: HashSet<i64> = store::invoiced_dossiers(conn, first)?.into_iter().collect();
    let mut attendance: HashMap<(i64, i64, NaiveDate), (i64, AttendanceStatus)> = HashMap::new();
    for (dossier_id, child_id, unit_id, day, status) in
        store::attendance_between(conn, first, last)?
    {
        if let Ok(status) = status.parse::<AttendanceStatus>() {
            attendance.insert((child_id, unit_id, day), (dossier_id, status));
        }
    }
    let mut entries: BTreeMap<i64, Vec<Entry>> = BTreeMap::new();
    for (dossier_id, child_id, unit_id, day) in store::booked_between(conn, first, last)? {
        let dossier_id = payer(dossier_id, child_id, day);
        if invoiced.contains(&dossier_id) {
            continue;
        }
        let recorded = attendance.remove(&(child_id, unit_id, day)).map(|(_, s)| s);
        if let Some(kind) = billing::billable(true, recorded)
            && let Some(entry) = prices.entry(dossier_id, child_id, unit_id, day, kind)
        {
            entries.entry(dossier_id).or_default().push(entry);
        }
    }
    // What is left of the attendance had no live booking.
    for ((child_id, unit_id, day), (dossier_id, status)) in attendance {
        let dossier_id = payer(dossier_id, child_id, day);
        if invoiced.contains(&dossier_id) {
            continue;
        }
        if let Some(kind) = billing::billable(false, Some(status))
            && let Some(entry) = prices.entry(dossier_id, child_id, unit_id, day, kind)
        {
            entries.entry(dossier_id).or_default().push(entry);
        }
    }
    let names: HashMap<i64, String> = store::child_names(conn)?.into_iter().collect();
    let numbers: HashMap<i64, String> = store::dossier_numbers(conn)?.into_iter().collect();
    let bills = entries
        .into_iter()
        .map(|(dossier_id, entries)| {
            let lines: Vec<NamedLine> = billing::lines(&entries)
                .into_iter()
                .map(|line| NamedLine {
                    child_name: names.get(&line.child_id).cloned().unwrap_or_default(),
                    activity_name: prices
                        .activities
                        .get(&line.activity_id)
                        .map(|a| a.name.clone())
                        .unwrap_or_default(),
                    unit_name: prices
                        .units
                        .get(&line.unit_id)
                        .map(|u| u.name.clone())
                        .unwrap_or_default(),
                    line,
                })
                .collect();
            DossierBill {
                dossier_id,
                dossier_number: numbers.get(&dossier_id).cloned().unwrap_or_default(),
                total_cents: lines.iter().map(|l| l.line.amount_cents).sum(),
                lines,
            }
        })
        .collect();
    Ok(MonthBills {
        month: first,
        bills,
        already_invoiced: invoiced.len(),
    })
}

/// How a run writes: dossiers per transaction, and how long it holds its month
/// without reporting progress before another run may take over (its server stopped).
#[derive(Debug, Clone, Copy)]
pub struct RunSettings {
    pub chunk: usize,
    pub lease: Duration,
}

/// Starts a run of the month, or answers the one already running (`false`). A run
/// whose lease ran out is marked interrupted and a new one takes over.
pub fn start(
    conn: &mut AnyConnection,
    agent_id: i64,
    month: NaiveDate,
    lease: Duration,
    now: DateTime<Utc>,
) -> Outcome<(BillingRun, bool)> {
    write_transaction(conn, |conn| {
        if let Some(running) = store::running_of(conn, month)? {
            if running.lease_until > db_time(now) {
                return Ok((running, false));
            }
            store::end_run(conn, running.id, BillingRunStatus::Interrupted, now)?;
        }
        let id = store::start_run(conn, month, agent_id, now, now + lease)
            .map_err(unique_as(BillingRefusal::BillingRunInProgress))?;
        persistence::audit::record(
            conn,
            &persistence::audit::NewAuditEntry {
                actor_id: agent_id,
                action: domain::audit::AuditAction::StartBillingRun,
                dossier_id: None,
                child_id: None,
                detail: &format!("run {id} of {}", month.format("%Y-%m")),
            },
            now,
        )?;
        let run = store::find_run(conn, id)?.ok_or(CommonRefusal::NotFound)?;
        Ok((run, true))
    })
}

/// Bills the run's month. `now` gives the issue date (in the city's time zone) and
/// the leases; a failure marks the run failed and is returned for the log.
pub fn execute(
    conn: &mut AnyConnection,
    run: &BillingRun,
    issuing: &Issuing<'_>,
    settings: RunSettings,
    now: impl Fn() -> DateTime<Utc>,
) -> Outcome<()> {
    let outcome = bill(conn, run, issuing, settings, &now);
    let status = if outcome.is_ok() {
        BillingRunStatus::Completed
    } else {
        BillingRunStatus::Failed
    };
    store::end_run(conn, run.id, status, now())?;
    outcome
}

/// How a run issues its invoices: on which day, under which city's name, where
/// their PDFs are filed and where families are sent to read them.
#[derive(Debug)]
pub struct Issuing<'a> {
    pub on: NaiveDate,
    pub city: String,
    pub files: &'a crate::adapters::storage::FileStore,
    /// The web portal's address, for the families' notices.
    pub portal: &'a str,
}

fn bill(
    conn: &mut AnyConnection,
    run: &BillingRun,
    issuing: &Issuing<'_>,
    settings: RunSettings,
    now: &impl Fn() -> DateTime<Utc>,
) -> Outcome<()> {
    let issued_on = issuing.on;
    let city = persistence::city::find(conn)?
        .map(|c| c.name)
        .unwrap_or_else(|| issuing.city.clone());
    let month = compute(conn, run.month)?;
    let total = i32::try_from(month.bills.len()).unwrap_or(i32::MAX);
    store::set_run_total(conn, run.id, total, now() + settings.lease)?;
    let year = issued_on.year();
    store::ensure_counter(conn, "invoice", year)?;
    for chunk in month.bills.chunks(settings.chunk.max(1)) {
        write_chunk(conn, run, chunk, (issuing, &city), now(), settings.lease)?;
    }
    Ok(())
}

/// One chunk of invoices in one transaction: numbers, invoices, lines, progress.
fn write_chunk(
    conn: &mut AnyConnection,
    run: &BillingRun,
    chunk: &[DossierBill],
    (issuing, city): (&Issuing<'_>, &str),
    now: DateTime<Utc>,
    lease: Duration,
) -> Outcome<()> {
    let issued_on = issuing.on;
    let year = issued_on.year();
    write_transaction(conn, |conn| {
        let count = i64::try_from(chunk.len()).unwrap_or(i64::MAX);
        let first = store::take_numbers(conn, "invoice", year, count)?;
        let created_at = db_time(now);
        let new: Vec<NewInvoice> = chunk
            .iter()
            .zip(first..)
            .map(|(bill, n)| NewInvoice {
                number: billing::invoice_number(year, n),
                dossier_id: bill.dossier_id,
                month: run.month,
                run_id: Some(run.id),
                issued_on,
                due_on: billing::due_on(issued_on),
                total_cents: bill.total_cents,
                created_at,
            })
            .collect();
        let ids: HashMap<i64, i64> = store::insert_invoices(conn, &new)?.into_iter().collect();
        // Account credits (cancelled holiday weeks) settle what they can of each new
        // invoice before it is printed; one query finds the dossiers that have some.
        let dossiers: Vec<i64> = ids.keys().copied().collect();
        let mut credited: HashMap<i64, i64> = HashMap::new();
        for dossier_id in
            persistence::billing::account_credits::dossiers_with_credit(conn, &dossiers)?
        {
            if let (Some(invoice_id), Some(invoice)) = (
                ids.get(&dossier_id),
                new.iter().find(|i| i.dossier_id == dossier_id),
            ) {
                let used = credits::settle_invoice(
                    conn,
                    dossier_id,
                    *invoice_id,
                    invoice.total_cents,
                    now,
                )?;
                credited.insert(dossier_id, used);
            }
        }
        // Dossiers with an active mandate are debited: scheduled and told now.
        let debits = direct_debit::schedule::schedule_issued(
            conn,
            (&new, &ids, &credited),
            (issuing.on, issuing.portal),
            now,
        )?;
        let mut lines = Vec::new();
        let mut printed = Vec::with_capacity(chunk.len());
        for (bill, new) in chunk.iter().zip(&new) {
            let Some(invoice_id) = ids.get(&bill.dossier_id) else {
                continue;
            };
            let own: Vec<InvoiceLine> = (1..)
                .zip(&bill.lines)
                .map(|(position, named)| invoice_line(*invoice_id, position, named))
                .collect();
            lines.extend(own.iter().cloned());
            let mut invoice = issued(*invoice_id, new);
            invoice.credited_cents = credited.get(&bill.dossier_id).copied().unwrap_or(0);
            printed.push((bill, invoice, own));
        }
        store::insert_lines(conn, &lines)?;
        for (bill, invoice, lines) in printed {
            let debit = debits.get(&invoice.id).cloned();
            let detail = crate::usecases::billing::invoices::InvoiceDetail {
                invoice,
                lines,
                payments: Vec::new(),
                credit_notes: Vec::new(),
                credits_used: Vec::new(),
                debit,
            };
            crate::usecases::billing::invoices::file_pdf(
                conn,
                issuing.files,
                city,
                &bill.dossier_number,
                &detail,
                now,
            )?;
        }
        let notices: Vec<Notice> = new
            .iter()
            .filter_map(|invoice| {
                ids.get(&invoice.dossier_id).map(|id| {
                    let credited = credited.get(&invoice.dossier_id).copied().unwrap_or(0);
                    let debited = debits.get(id).map(|p| p.collection_date);
                    issued_notice(*id, invoice, (credited, debited), issuing.portal)
                })
            })
            .collect();
        notifications::notify(conn, &notices, now)?;
        let total: i64 = chunk.iter().map(|b| b.total_cents).sum();
        let count = i32::try_from(chunk.len()).unwrap_or(i32::MAX);
        if !store::advance_run(conn, run.id, count, count, total, now + lease)? {
            return Err(BillingRefusal::BillingRunInProgress.into());
        }
        Ok(())
    })
}

/// The family is told its invoice of the month is out.
fn issued_notice(
    id: i64,
    invoice: &NewInvoice,
    (credited, debited_on): (i64, Option<NaiveDate>),
    portal: &str,
) -> Notice {
    use crate::usecases::billing::invoices::euros;
    let month = crate::usecases::billing::invoices::month_label(invoice.month);
    let issued = format!(
        "La facture n° {} de {month}, d'un montant de {} EUR, est disponible dans votre espace.",
        invoice.number,
        euros(invoice.total_cents)
    );
    let left = invoice.total_cents - credited;
    let paragraphs = match (credited, left) {
        (_, 1..) if let Some(on) = debited_on => vec![format!(
            "{issued} Elle sera prélevée le {} ({} EUR) : vous n'avez rien à faire.",
            french_date(on),
            euros(left)
        )],
        (0, _) => vec![
            format!("{issued} Vous pouvez la régler en ligne :"),
            format!("Date limite de paiement : {}.", french_date(invoice.due_on)),
        ],
        (_, 0) => vec![format!(
            "{issued} Votre avoir de {} EUR la règle : rien à payer.",
            euros(credited)
        )],
        _ => vec![
            format!(
                "{issued} Votre avoir en déduit {} EUR : reste {} EUR à régler, en ligne :",
                euros(credited),
                euros(left)
            ),
            format!("Date limite de paiement : {}.", french_date(invoice.due_on)),
        ],
    };
    Notice {
        dossier_id: invoice.dossier_id,
        title: format!("Votre facture de {month} est disponible"),
        paragraphs,
        link: Some((
            "Voir la facture".to_owned(),
            format!("{portal}/factures/{id}"),
        )),
        data: NoticeData::InvoiceIssued(InvoiceIssuedData {
            invoice_id: id,
            number: invoice.number.clone(),
            month: invoice.month.format("%Y-%m").to_string(),
            total_cents: invoice.total_cents,
            due_on: invoice.due_on,
        }),
        dedupe_key: None,
    }
}

/// The invoice just inserted, as read back.
fn issued(id: i64, new: &NewInvoice) -> persistence::billing::Invoice {
    persistence::billing::Invoice {
        id,
        number: new.number.clone(),
        dossier_id: new.dossier_id,
        month: new.month,
        run_id: new.run_id,
        issued_on: new.issued_on,
        due_on: new.due_on,
        total_cents: new.total_cents,
        paid_cents: 0,
        credited_cents: 0,
        created_at: new.created_at,
    }
}

/// The stored line of a computed one.
pub fn invoice_line(invoice_id: i64, position: i32, named: &NamedLine) -> InvoiceLine {
    let line = &named.line;
    InvoiceLine {
        invoice_id,
        position,
        child_id: Some(line.child_id),
        child_name: named.child_name.clone(),
        activity_id: Some(line.activity_id),
        activity_name: named.activity_name.clone(),
        unit_id: Some(line.unit_id),
        unit_name: named.unit_name.clone(),
        kind: line.kind,
        first_day: line.first_day,
        last_day: line.last_day,
        quantity: line.quantity,
        unit_price_cents: line.unit_price_cents,
        amount_cents: line.amount_cents,
    }
}

/// The billing runs, newest first, and their total.
pub fn runs(conn: &mut AnyConnection, offset: i64, limit: i64) -> Outcome<(Vec<BillingRun>, i64)> {
    Ok(store::list_runs(conn, offset, limit)?)
}

/// One billing run and its progress.
pub fn run(conn: &mut AnyConnection, id: i64) -> Outcome<BillingRun> {
    Ok(store::find_run(conn, id)?.ok_or(CommonRefusal::NotFound)?)
}

//! Billing's rows: what a month's run reads (bookings, attendance, prices, quotients),
//! the invoices it writes with their lines and numbers, the runs themselves, credit
//! notes and payments. An invoice is never edited once issued but for what has been
//! paid or credited on it, and those move only by conditional updates.

pub mod account_credits;
pub mod certificates;
pub mod direct_debits;
pub mod online_payments;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::billing::{BillableKind, BillingRunStatus, PaymentMethod};
use domain::planning::BookingStatus;

use crate::schema::{
    activities, activity_units, attendances, billing_runs, bookings, children, credit_notes,
    document_numbers, dossiers, family_quotients, invoice_lines, invoices, payments, registrations,
};
use crate::stored::Stored;
use crate::{AnyConnection, DbError, db_time};
use domain::activities::PriceBracket;

// --- what a run reads ---

/// A live booking of the month: (dossier, child, unit, day).
pub type BookedUnit = (i64, i64, i64, NaiveDate);

/// The live bookings of `first..=last` (closed days are not billed).
pub fn booked_between(
    conn: &mut AnyConnection,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<BookedUnit>, DbError> {
    Ok(bookings::table
        .filter(bookings::day.between(first, last))
        .filter(bookings::status.eq(BookingStatus::Booked.as_str()))
        .select((
            bookings::dossier_id,
            bookings::child_id,
            bookings::unit_id,
            bookings::day,
        ))
        .load(conn)?)
}

/// What agents recorded over `first..=last`: (dossier, child, unit, day, status).
pub type Recorded = (i64, i64, i64, NaiveDate, String);

pub fn attendance_between(
    conn: &mut AnyConnection,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<Recorded>, DbError> {
    Ok(attendances::table
        .filter(attendances::day.between(first, last))
        .select((
            attendances::dossier_id,
            attendances::child_id,
            attendances::unit_id,
            attendances::day,
            attendances::status,
        ))
        .load(conn)?)
}

/// An activity as billing prices it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = activities)]
pub struct PricedActivity {
    pub id: i64,
    pub name: String,
    #[diesel(deserialize_as = String)]
    pub mode: domain::activities::RegistrationMode,
    pub sibling_rate_percent: Option<i32>,
    pub unbooked_surcharge_percent: i32,
}

pub fn priced_activities(conn: &mut AnyConnection) -> Result<Vec<PricedActivity>, DbError> {
    Ok(activities::table
        .select(PricedActivity::as_select())
        .load(conn)?)
}

/// A unit of an activity and its price brackets.
pub type PricedUnit = (i64, i64, String, Vec<PriceBracket>);

/// Every unit: (id, activity, name, prices).
pub fn units(conn: &mut AnyConnection) -> Result<Vec<PricedUnit>, DbError> {
    let rows: Vec<(i64, i64, String, String)> = activity_units::table
        .select((
            activity_units::id,
            activity_units::activity_id,
            activity_units::name,
            activity_units::prices,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, activity, name, prices)| Ok((id, activity, name, Stored::read(&prices)?)))
        .collect()
}

/// The registrations that make a sibling (requested, accepted or waitlisted):
/// (dossier, child, activity).
pub fn live_registrations(conn: &mut AnyConnection) -> Result<Vec<(i64, i64, i64)>, DbError> {
    Ok(registrations::table
        .filter(crate::activities::registrations::is_live(
            registrations::status,
        ))
        .select((
            registrations::dossier_id,
            registrations::child_id,
            registrations::activity_id,
        ))
        .load(conn)?)
}

/// Every child's first name.
pub fn child_names(conn: &mut AnyConnection) -> Result<Vec<(i64, String)>, DbError> {
    Ok(children::table
        .select((children::id, children::first_name))
        .load(conn)?)
}

/// A recorded quotient: (dossier, id, quotient, valid from, valid until).
pub type RecordedQuotient = (i64, i64, i64, NaiveDate, NaiveDate);

/// Every recorded quotient.
pub fn quotients(conn: &mut AnyConnection) -> Result<Vec<RecordedQuotient>, DbError> {
    Ok(family_quotients::table
        .select((
            family_quotients::dossier_id,
            family_quotients::id,
            family_quotients::quotient,
            family_quotients::valid_from,
            family_quotients::valid_until,
        ))
        .load(conn)?)
}

/// Every dossier's number.
pub fn dossier_numbers(conn: &mut AnyConnection) -> Result<Vec<(i64, String)>, DbError> {
    Ok(dossiers::table
        .select((dossiers::id, dossiers::number))
        .load(conn)?)
}

/// The dossiers already invoiced for the month starting on `month`.
/// Whether one of the dossiers has an invoice for `month` or a later month.
pub fn invoiced_from(
    conn: &mut AnyConnection,
    dossiers: &[i64],
    month: NaiveDate,
) -> Result<bool, DbError> {
    Ok(diesel::select(diesel::dsl::exists(
        invoices::table
            .filter(invoices::dossier_id.eq_any(dossiers))
            .filter(invoices::month.ge(month)),
    ))
    .get_result(conn)?)
}

pub fn invoiced_dossiers(conn: &mut AnyConnection, month: NaiveDate) -> Result<Vec<i64>, DbError> {
    Ok(invoices::table
        .filter(invoices::month.eq(month))
        .select(invoices::dossier_id)
        .load(conn)?)
}

// --- numbers ---

/// Makes sure the counter of `kind` for `year` exists, in its own statement: two
/// first documents of a year at once both try, and the loser's unique violation is
/// harmless.
pub fn ensure_counter(conn: &mut AnyConnection, kind: &str, year: i32) -> Result<(), DbError> {
    let exists: i64 = document_numbers::table
        .filter(document_numbers::kind.eq(kind))
        .filter(document_numbers::year.eq(year))
        .count()
        .get_result(conn)?;
    if exists == 0 {
        let inserted = diesel::insert_into(document_numbers::table)
            .values((
                document_numbers::kind.eq(kind),
                document_numbers::year.eq(year),
                document_numbers::last_number.eq(0),
            ))
            .execute(conn);
        match inserted {
            Ok(_)
            | Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => {}
            Err(other) => return Err(other.into()),
        }
    }
    Ok(())
}

/// Takes the next `count` numbers of `kind` for `year` and returns the first. Must run
/// first in its transaction (the update takes SQLite's write lock and PostgreSQL's row
/// lock, so numbers are handed out in commit order) after [`ensure_counter`].
pub fn take_numbers(
    conn: &mut AnyConnection,
    kind: &str,
    year: i32,
    count: i64,
) -> Result<i64, DbError> {
    let counter = document_numbers::table
        .filter(document_numbers::kind.eq(kind))
        .filter(document_numbers::year.eq(year));
    let updated = diesel::update(counter)
        .set(document_numbers::last_number.eq(document_numbers::last_number + count))
        .execute(conn)?;
    if updated != 1 {
        return Err(DbError::Query(diesel::result::Error::NotFound));
    }
    let last: i64 = counter
        .select(document_numbers::last_number)
        .get_result(conn)?;
    Ok(last - count + 1)
}

// --- runs ---

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = billing_runs)]
pub struct BillingRun {
    pub id: i64,
    pub month: NaiveDate,
    #[diesel(deserialize_as = String)]
    pub status: BillingRunStatus,
    pub dossiers_total: i32,
    pub dossiers_done: i32,
    pub invoices_created: i32,
    pub total_cents: i64,
    pub started_by: Option<i64>,
    pub started_at: NaiveDateTime,
    pub lease_until: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

/// The month's running pass, if any.
pub fn running_of(
    conn: &mut AnyConnection,
    month: NaiveDate,
) -> Result<Option<BillingRun>, DbError> {
    Ok(billing_runs::table
        .filter(billing_runs::month.eq(month))
        .filter(billing_runs::status.eq(BillingRunStatus::Running.as_str()))
        .select(BillingRun::as_select())
        .get_result(conn)
        .optional()?)
}

/// Starts a pass; a second running pass of the month is a `UniqueViolation`.
pub fn start_run(
    conn: &mut AnyConnection,
    month: NaiveDate,
    started_by: i64,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<i64, DbError> {
    Ok(diesel::insert_into(billing_runs::table)
        .values((
            billing_runs::month.eq(month),
            billing_runs::status.eq(BillingRunStatus::Running.as_str()),
            billing_runs::started_by.eq(started_by),
            billing_runs::started_at.eq(db_time(now)),
            billing_runs::lease_until.eq(db_time(lease_until)),
        ))
        .returning(billing_runs::id)
        .get_result(conn)?)
}

/// Marks a running pass `status` (interrupted, completed, failed) and dates its end.
pub fn end_run(
    conn: &mut AnyConnection,
    id: i64,
    status: BillingRunStatus,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::update(
        billing_runs::table
            .find(id)
            .filter(billing_runs::status.eq(BillingRunStatus::Running.as_str())),
    )
    .set((
        billing_runs::status.eq(status.as_str()),
        billing_runs::finished_at.eq(db_time(now)),
    ))
    .execute(conn)?;
    Ok(())
}

/// Sets how many dossiers the pass has to bill and extends its lease.
pub fn set_run_total(
    conn: &mut AnyConnection,
    id: i64,
    total: i32,
    lease_until: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::update(billing_runs::table.find(id))
        .set((
            billing_runs::dossiers_total.eq(total),
            billing_runs::lease_until.eq(db_time(lease_until)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Adds a chunk to the pass's progress and extends its lease, while the pass is
/// still running; false when another pass took its month over (the chunk must then
/// be rolled back).
pub fn advance_run(
    conn: &mut AnyConnection,
    id: i64,
    dossiers: i32,
    invoices_created: i32,
    total_cents: i64,
    lease_until: DateTime<Utc>,
) -> Result<bool, DbError> {
    let updated = diesel::update(
        billing_runs::table
            .find(id)
            .filter(billing_runs::status.eq(BillingRunStatus::Running.as_str())),
    )
    .set((
        billing_runs::dossiers_done.eq(billing_runs::dossiers_done + dossiers),
        billing_runs::invoices_created.eq(billing_runs::invoices_created + invoices_created),
        billing_runs::total_cents.eq(billing_runs::total_cents + total_cents),
        billing_runs::lease_until.eq(db_time(lease_until)),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

pub fn find_run(conn: &mut AnyConnection, id: i64) -> Result<Option<BillingRun>, DbError> {
    Ok(billing_runs::table
        .find(id)
        .select(BillingRun::as_select())
        .get_result(conn)
        .optional()?)
}

/// Passes, latest first.
pub fn list_runs(
    conn: &mut AnyConnection,
    offset: i64,
    limit: i64,
) -> Result<(Vec<BillingRun>, i64), DbError> {
    let total = billing_runs::table.count().get_result(conn)?;
    let rows = billing_runs::table
        .order(billing_runs::id.desc())
        .offset(offset)
        .limit(limit)
        .select(BillingRun::as_select())
        .load(conn)?;
    Ok((rows, total))
}

// --- invoices ---

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = invoices)]
pub struct Invoice {
    pub id: i64,
    pub number: String,
    pub dossier_id: i64,
    pub month: NaiveDate,
    pub run_id: Option<i64>,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    pub total_cents: i64,
    pub paid_cents: i64,
    pub credited_cents: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = invoices, treat_none_as_default_value = false)]
pub struct NewInvoice {
    pub number: String,
    pub dossier_id: i64,
    pub month: NaiveDate,
    pub run_id: Option<i64>,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    pub total_cents: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = invoice_lines, treat_none_as_default_value = false)]
pub struct InvoiceLine {
    pub invoice_id: i64,
    pub position: i32,
    pub child_id: Option<i64>,
    pub child_name: String,
    pub activity_id: Option<i64>,
    pub activity_name: String,
    pub unit_id: Option<i64>,
    pub unit_name: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: BillableKind,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub quantity: i32,
    pub unit_price_cents: i64,
    pub amount_cents: i64,
}

/// Rows per multi-row insert: under SQLite's 32,766 bound values.
const ROWS_PER_INSERT: usize = 1000;

/// Inserts invoices and returns their ids by dossier. Two invoices of one dossier and
/// month are a `UniqueViolation`. (Multi-row inserts go through each backend's own
/// connection: the `MultiConnection` has none.)
pub fn insert_invoices(
    conn: &mut AnyConnection,
    new: &[NewInvoice],
) -> Result<Vec<(i64, i64)>, DbError> {
    let mut ids = Vec::with_capacity(new.len());
    for chunk in new.chunks(ROWS_PER_INSERT) {
        let query = diesel::insert_into(invoices::table)
            .values(chunk)
            .returning((invoices::dossier_id, invoices::id));
        let rows: Vec<(i64, i64)> = match conn {
            AnyConnection::Postgresql(c) => query.get_results(c)?,
            AnyConnection::Sqlite(c) => query.get_results(c)?,
        };
        ids.extend(rows);
    }
    Ok(ids)
}

pub fn insert_lines(conn: &mut AnyConnection, lines: &[InvoiceLine]) -> Result<(), DbError> {
    for chunk in lines.chunks(ROWS_PER_INSERT) {
        let query = diesel::insert_into(invoice_lines::table).values(chunk.to_vec());
        match conn {
            AnyConnection::Postgresql(c) => query.execute(c)?,
            AnyConnection::Sqlite(c) => query.execute(c)?,
        };
    }
    Ok(())
}

/// An invoice, the caller's dossier's only when `dossier_id` is given.
pub fn find_invoice(
    conn: &mut AnyConnection,
    id: i64,
    dossier_id: Option<i64>,
) -> Result<Option<Invoice>, DbError> {
    let mut query = invoices::table
        .find(id)
        .select(Invoice::as_select())
        .into_boxed();
    if let Some(dossier_id) = dossier_id {
        query = query.filter(invoices::dossier_id.eq(dossier_id));
    }
    Ok(query.get_result(conn).optional()?)
}

pub fn lines_of(conn: &mut AnyConnection, invoice_id: i64) -> Result<Vec<InvoiceLine>, DbError> {
    Ok(invoice_lines::table
        .filter(invoice_lines::invoice_id.eq(invoice_id))
        .order(invoice_lines::position)
        .select(InvoiceLine::as_select())
        .load(conn)?)
}

/// Which invoices a list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InvoiceFilter {
    pub dossier_id: Option<i64>,
    pub month: Option<NaiveDate>,
    /// Only those with something left to pay.
    pub unpaid: bool,
}

/// Invoices, latest month first, then by number; with how many match.
pub fn list_invoices(
    conn: &mut AnyConnection,
    filter: InvoiceFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Invoice>, i64), DbError> {
    let query = || {
        let mut query = invoices::table.into_boxed();
        if let Some(dossier_id) = filter.dossier_id {
            query = query.filter(invoices::dossier_id.eq(dossier_id));
        }
        if let Some(month) = filter.month {
            query = query.filter(invoices::month.eq(month));
        }
        if filter.unpaid {
            query = query.filter(
                (invoices::paid_cents + invoices::credited_cents).lt(invoices::total_cents),
            );
        }
        query
    };
    let total = query().count().get_result(conn)?;
    let rows = query()
        .order((invoices::month.desc(), invoices::number))
        .offset(offset)
        .limit(limit)
        .select(Invoice::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// The month's invoices (for an export), by number.
pub fn invoices_of_month(
    conn: &mut AnyConnection,
    month: NaiveDate,
) -> Result<Vec<(Invoice, String)>, DbError> {
    Ok(invoices::table
        .inner_join(dossiers::table)
        .filter(invoices::month.eq(month))
        .order(invoices::number)
        .select((Invoice::as_select(), dossiers::number))
        .load(conn)?)
}

/// Every invoice of a dossier (its account history), oldest first.
pub fn invoices_of_dossier(
    conn: &mut AnyConnection,
    dossier_id: i64,
) -> Result<Vec<Invoice>, DbError> {
    Ok(invoices::table
        .filter(invoices::dossier_id.eq(dossier_id))
        .order(invoices::id)
        .select(Invoice::as_select())
        .load(conn)?)
}

// --- credit notes ---

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = credit_notes)]
pub struct CreditNote {
    pub id: i64,
    pub number: String,
    pub dossier_id: i64,
    pub invoice_id: i64,
    pub amount_cents: i64,
    pub reason: String,
    pub issued_by: Option<i64>,
    pub issued_at: NaiveDateTime,
}

/// Adds `amount` to what is credited on the invoice, unless that would credit more
/// than it bills; false when it would.
pub fn credit_invoice(
    conn: &mut AnyConnection,
    invoice_id: i64,
    amount: i64,
) -> Result<bool, DbError> {
    let updated = diesel::update(
        invoices::table
            .find(invoice_id)
            .filter((invoices::credited_cents + amount).le(invoices::total_cents)),
    )
    .set(invoices::credited_cents.eq(invoices::credited_cents + amount))
    .execute(conn)?;
    Ok(updated == 1)
}

pub fn insert_credit_note(
    conn: &mut AnyConnection,
    number: &str,
    invoice: &Invoice,
    amount_cents: i64,
    reason: &str,
    issued_by: i64,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    Ok(diesel::insert_into(credit_notes::table)
        .values((
            credit_notes::number.eq(number),
            credit_notes::dossier_id.eq(invoice.dossier_id),
            credit_notes::invoice_id.eq(invoice.id),
            credit_notes::amount_cents.eq(amount_cents),
            credit_notes::reason.eq(reason),
            credit_notes::issued_by.eq(issued_by),
            credit_notes::issued_at.eq(db_time(now)),
        ))
        .returning(credit_notes::id)
        .get_result(conn)?)
}

pub fn find_credit_note(conn: &mut AnyConnection, id: i64) -> Result<Option<CreditNote>, DbError> {
    Ok(credit_notes::table
        .find(id)
        .select(CreditNote::as_select())
        .get_result(conn)
        .optional()?)
}

/// Whose payments or credit notes a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Of {
    Dossier(i64),
    Invoice(i64),
}

/// A dossier's or an invoice's credit notes, oldest first.
pub fn credit_notes_of(conn: &mut AnyConnection, of: Of) -> Result<Vec<CreditNote>, DbError> {
    let query = credit_notes::table.into_boxed();
    let query = match of {
        Of::Dossier(id) => query.filter(credit_notes::dossier_id.eq(id)),
        Of::Invoice(id) => query.filter(credit_notes::invoice_id.eq(id)),
    };
    Ok(query
        .order(credit_notes::id)
        .select(CreditNote::as_select())
        .load(conn)?)
}

// --- payments ---

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = payments)]
pub struct Payment {
    pub id: i64,
    pub dossier_id: i64,
    pub invoice_id: i64,
    #[diesel(deserialize_as = String)]
    pub method: PaymentMethod,
    pub amount_cents: i64,
    pub reference: Option<String>,
    pub received_on: NaiveDate,
    pub recorded_by: Option<i64>,
    pub idempotency_key: Option<String>,
    pub online_payment_id: Option<i64>,
    pub created_at: NaiveDateTime,
    /// A direct debit the bank returned after paying it: the day and the reason.
    pub reversed_on: Option<NaiveDate>,
    pub reversal_reason: Option<String>,
}

/// What a counter payment records.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = payments)]
pub struct NewPayment {
    pub dossier_id: i64,
    pub invoice_id: i64,
    #[diesel(serialize_as = String)]
    pub method: PaymentMethod,
    pub amount_cents: i64,
    pub reference: Option<String>,
    pub received_on: NaiveDate,
    pub recorded_by: Option<i64>,
    pub idempotency_key: Option<String>,
    pub online_payment_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// Adds `amount` to what is paid on the invoice whatever is left to pay: money the
/// treasury collected (the family is owed the excess).
pub fn add_paid(conn: &mut AnyConnection, invoice_id: i64, amount: i64) -> Result<(), DbError> {
    diesel::update(invoices::table.find(invoice_id))
        .set(invoices::paid_cents.eq(invoices::paid_cents + amount))
        .execute(conn)?;
    Ok(())
}

/// Adds `amount` to what is paid on the invoice, unless that is more than is left to
/// pay; false when it is.
pub fn pay_invoice(
    conn: &mut AnyConnection,
    invoice_id: i64,
    amount: i64,
) -> Result<bool, DbError> {
    let updated = diesel::update(invoices::table.find(invoice_id).filter(
        (invoices::paid_cents + invoices::credited_cents + amount).le(invoices::total_cents),
    ))
    .set(invoices::paid_cents.eq(invoices::paid_cents + amount))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Marks a direct debit's payment returned by the bank and takes it off what is paid
/// on the invoice; false when it was returned already.
pub fn reverse_payment(
    conn: &mut AnyConnection,
    payment: &Payment,
    on: NaiveDate,
    reason: &str,
) -> Result<bool, DbError> {
    let updated = diesel::update(
        payments::table
            .find(payment.id)
            .filter(payments::reversed_on.is_null()),
    )
    .set((
        payments::reversed_on.eq(on),
        payments::reversal_reason.eq(reason),
    ))
    .execute(conn)?;
    if updated == 1 {
        diesel::update(invoices::table.find(payment.invoice_id))
            .set(invoices::paid_cents.eq(invoices::paid_cents - payment.amount_cents))
            .execute(conn)?;
    }
    Ok(updated == 1)
}

pub fn find_payment(conn: &mut AnyConnection, id: i64) -> Result<Option<Payment>, DbError> {
    Ok(payments::table
        .find(id)
        .select(Payment::as_select())
        .get_result(conn)
        .optional()?)
}

/// Records a payment; the same invoice and `Idempotency-Key` twice is a
/// `UniqueViolation`.
pub fn insert_payment(conn: &mut AnyConnection, new: &NewPayment) -> Result<i64, DbError> {
    Ok(diesel::insert_into(payments::table)
        .values(new.clone())
        .returning(payments::id)
        .get_result(conn)?)
}

pub fn find_payment_by_key(
    conn: &mut AnyConnection,
    invoice_id: i64,
    key: &str,
) -> Result<Option<Payment>, DbError> {
    Ok(payments::table
        .filter(payments::invoice_id.eq(invoice_id))
        .filter(payments::idempotency_key.eq(key))
        .select(Payment::as_select())
        .get_result(conn)
        .optional()?)
}

/// A dossier's or an invoice's payments, oldest first.
pub fn payments_of(conn: &mut AnyConnection, of: Of) -> Result<Vec<Payment>, DbError> {
    let query = payments::table.into_boxed();
    let query = match of {
        Of::Dossier(id) => query.filter(payments::dossier_id.eq(id)),
        Of::Invoice(id) => query.filter(payments::invoice_id.eq(id)),
    };
    Ok(query
        .order(payments::id)
        .select(Payment::as_select())
        .load(conn)?)
}

/// Payments received over `first..=last` (for an export), with the invoice's number.
pub fn payments_between(
    conn: &mut AnyConnection,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<(Payment, String)>, DbError> {
    Ok(payments::table
        .inner_join(invoices::table)
        .filter(payments::received_on.between(first, last))
        .order(payments::id)
        .select((Payment::as_select(), invoices::number))
        .load(conn)?)
}

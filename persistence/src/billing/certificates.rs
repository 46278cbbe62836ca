//! What certificates read and write: the bills a family paid during a calendar year (invoices
//! and holiday baskets) with each child's care on them, whole-city or for one dossier,
//! in a few statements whatever the number of dossiers.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use domain::billing::{BillingRunStatus, OnlinePaymentStatus};
use domain::planning::BookingStatus;

use crate::schema::{
    activities, activity_kinds, activity_units, attendances, basket_items, baskets, bookings,
    certificate_runs, invoice_lines, invoices, issued_certificates, online_payments, payments,
};
use crate::{AnyConnection, DbError};

/// The dossier ids a read covers, as a range: one dossier, or all of them.
fn dossiers(dossier: Option<i64>) -> (i64, i64) {
    dossier.map_or((i64::MIN, i64::MAX), |id| (id, id))
}

/// A bill paid (at least partly) during the year: its dossier, its total, and what was
/// paid of it during the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidBillRow {
    pub dossier_id: i64,
    pub total_cents: i64,
    pub paid_in_year_cents: i64,
}

/// One child's care on a bill of one activity kind, in cents.
pub type CareRow = (i64, i64, String, i64);

/// The invoices paid during `first..=last` (payments received then), keyed by invoice:
/// (invoice, bill). `dossier` narrows them to one dossier.
pub fn invoices_paid_between(
    conn: &mut AnyConnection,
    first: NaiveDate,
    last: NaiveDate,
    dossier: Option<i64>,
) -> Result<Vec<(i64, PaidBillRow)>, DbError> {
    let (low, high) = dossiers(dossier);
    let rows: Vec<(i64, i64, i64, i64)> = payments::table
        .inner_join(invoices::table)
        .filter(payments::received_on.between(first, last))
        // A direct debit the bank returned was not paid.
        .filter(payments::reversed_on.is_null())
        .filter(invoices::dossier_id.between(low, high))
        .order(invoices::id)
        .select((
            invoices::id,
            invoices::dossier_id,
            invoices::total_cents,
            payments::amount_cents,
        ))
        .load(conn)?;
    // One row per payment, in invoice order: summed per invoice here.
    let mut bills: Vec<(i64, PaidBillRow)> = Vec::new();
    for (invoice, dossier_id, total, amount) in rows {
        match bills.last_mut() {
            Some((last, bill)) if *last == invoice => bill.paid_in_year_cents += amount,
            _ => bills.push((
                invoice,
                PaidBillRow {
                    dossier_id,
                    total_cents: total,
                    paid_in_year_cents: amount,
                },
            )),
        }
    }
    Ok(bills)
}

/// Each child's lines on the invoices paid during `first..=last`, by activity kind:
/// (invoice, child, kind code, cents).
pub fn invoice_care_between(
    conn: &mut AnyConnection,
    first: NaiveDate,
    last: NaiveDate,
    dossier: Option<i64>,
) -> Result<Vec<CareRow>, DbError> {
    let paid = payments::table
        .filter(payments::received_on.between(first, last))
        // A direct debit the bank returned was not paid.
        .filter(payments::reversed_on.is_null())
        .select(payments::invoice_id);
    let (low, high) = dossiers(dossier);
    let query = invoice_lines::table
        .inner_join(invoices::table)
        .inner_join(activities::table.on(invoice_lines::activity_id.eq(activities::id.nullable())))
        .inner_join(activity_kinds::table.on(activities::kind_id.eq(activity_kinds::id)))
        .filter(invoice_lines::invoice_id.eq_any(paid))
        .filter(invoice_lines::child_id.is_not_null())
        .filter(invoices::dossier_id.between(low, high))
        .select((
            invoice_lines::invoice_id,
            invoice_lines::child_id.assume_not_null(),
            activity_kinds::code,
            invoice_lines::amount_cents,
        ));
    Ok(query.load(conn)?)
}

/// The holiday baskets paid online during `from..to` (instants, UTC): (basket, bill).
pub fn baskets_paid_between(
    conn: &mut AnyConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
    dossier: Option<i64>,
) -> Result<Vec<(i64, PaidBillRow)>, DbError> {
    let (low, high) = dossiers(dossier);
    let query = online_payments::table
        .inner_join(baskets::table.on(online_payments::basket_id.eq(baskets::id.nullable())))
        .filter(baskets::dossier_id.between(low, high))
        .filter(online_payments::status.eq(OnlinePaymentStatus::Paid.as_str()))
        .filter(online_payments::updated_at.ge(from))
        .filter(online_payments::updated_at.lt(to))
        .select((
            baskets::id,
            baskets::dossier_id,
            baskets::total_cents,
            online_payments::amount_cents,
        ));
    let rows: Vec<(i64, i64, i64, i64)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(basket, dossier_id, total, paid)| {
            (
                basket,
                PaidBillRow {
                    dossier_id,
                    total_cents: total,
                    paid_in_year_cents: paid,
                },
            )
        })
        .collect())
}

/// Each child's weeks in the baskets paid online during `from..to`, weeks given back
/// left out: (basket, child, kind code, cents).
pub fn basket_care_between(
    conn: &mut AnyConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
    dossier: Option<i64>,
) -> Result<Vec<CareRow>, DbError> {
    let paid = online_payments::table
        .filter(online_payments::status.eq(OnlinePaymentStatus::Paid.as_str()))
        .filter(online_payments::updated_at.ge(from))
        .filter(online_payments::updated_at.lt(to))
        .filter(online_payments::basket_id.is_not_null())
        .select(online_payments::basket_id.assume_not_null());
    let (low, high) = dossiers(dossier);
    let query = basket_items::table
        .inner_join(baskets::table)
        .inner_join(activities::table.on(basket_items::activity_id.eq(activities::id)))
        .inner_join(activity_kinds::table.on(activities::kind_id.eq(activity_kinds::id)))
        .filter(basket_items::basket_id.eq_any(paid))
        .filter(basket_items::cancelled_at.is_null())
        .filter(baskets::dossier_id.between(low, high))
        .select((
            basket_items::basket_id,
            basket_items::child_id,
            activity_kinds::code,
            basket_items::amount_cents,
        ));
    Ok(query.load(conn)?)
}

// --- what certificates write ---

/// A certificate filed among a dossier's documents.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = issued_certificates)]
pub struct NewIssuedCertificate {
    pub dossier_id: i64,
    /// `tax_childcare`, `attendance` or `payment_receipt`.
    pub kind: String,
    pub year: Option<i32>,
    pub document_id: i64,
    pub total_cents: i64,
    pub created_at: NaiveDateTime,
}

pub fn insert_issued(
    conn: &mut AnyConnection,
    new: &[NewIssuedCertificate],
) -> Result<(), DbError> {
    for chunk in new.chunks(500) {
        let query = diesel::insert_into(issued_certificates::table).values(chunk.to_vec());
        crate::native::on_backend!(conn, |c| query.execute(c))?;
    }
    Ok(())
}

/// The dossiers already holding a certificate of `kind` for `year`.
pub fn dossiers_issued(
    conn: &mut AnyConnection,
    kind: &str,
    year: i32,
) -> Result<std::collections::HashSet<i64>, DbError> {
    Ok(issued_certificates::table
        .filter(issued_certificates::kind.eq(kind))
        .filter(issued_certificates::year.eq(year))
        .select(issued_certificates::dossier_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect())
}

/// A run issuing a year's tax certificates.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = certificate_runs)]
pub struct CertificateRun {
    pub id: i64,
    pub year: i32,
    #[diesel(deserialize_as = String)]
    pub status: BillingRunStatus,
    /// Dossiers to look at.
    pub total: i32,
    /// Dossiers looked at so far.
    pub done: i32,
    /// Certificates issued so far.
    pub issued: i32,
    pub started_by: Option<i64>,
    pub started_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
    pub error: Option<String>,
}

/// Starts a run of `year`, unless one started after `stale` is still running: `None`
/// then. An older one died with its server: it is ended `failed` first. Two starts at
/// the same moment meet the unique index of running runs: one fails on it.
pub fn start_run(
    conn: &mut AnyConnection,
    year: i32,
    started_by: i64,
    now: NaiveDateTime,
    stale: NaiveDateTime,
) -> Result<Option<i64>, DbError> {
    let running = certificate_runs::table
        .filter(certificate_runs::year.eq(year))
        .filter(certificate_runs::status.eq(BillingRunStatus::Running.as_str()));
    diesel::update(running.filter(certificate_runs::started_at.le(stale)))
        .set((
            certificate_runs::status.eq(BillingRunStatus::Failed.as_str()),
            certificate_runs::error.eq("its server stopped"),
            certificate_runs::finished_at.eq(now),
        ))
        .execute(conn)?;
    if running.count().get_result::<i64>(conn)? > 0 {
        return Ok(None);
    }
    Ok(Some(
        diesel::insert_into(certificate_runs::table)
            .values((
                certificate_runs::year.eq(year),
                certificate_runs::status.eq(BillingRunStatus::Running.as_str()),
                certificate_runs::started_by.eq(started_by),
                certificate_runs::started_at.eq(now),
            ))
            .returning(certificate_runs::id)
            .get_result(conn)?,
    ))
}

/// Records a run's progress: dossiers looked at, certificates issued.
pub fn progress(
    conn: &mut AnyConnection,
    id: i64,
    total: i32,
    done: i32,
    issued: i32,
) -> Result<(), DbError> {
    diesel::update(certificate_runs::table.find(id))
        .set((
            certificate_runs::total.eq(total),
            certificate_runs::done.eq(done),
            certificate_runs::issued.eq(issued),
        ))
        .execute(conn)?;
    Ok(())
}

/// Ends a run: completed, or failed with what went wrong.
pub fn end_run(
    conn: &mut AnyConnection,
    id: i64,
    status: BillingRunStatus,
    error: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(certificate_runs::table.find(id))
        .set((
            certificate_runs::status.eq(status.as_str()),
            certificate_runs::error.eq(error),
            certificate_runs::finished_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_run(conn: &mut AnyConnection, id: i64) -> Result<Option<CertificateRun>, DbError> {
    Ok(certificate_runs::table
        .find(id)
        .select(CertificateRun::as_select())
        .first(conn)
        .optional()?)
}

// --- what attendance certificates and receipts read ---

/// A child's booked days over `first..=last`: (unit, day).
pub fn child_bookings(
    conn: &mut AnyConnection,
    child_id: i64,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<(i64, NaiveDate)>, DbError> {
    Ok(bookings::table
        .filter(bookings::child_id.eq(child_id))
        .filter(bookings::day.between(first, last))
        .filter(bookings::status.eq(BookingStatus::Booked.as_str()))
        .select((bookings::unit_id, bookings::day))
        .load(conn)?)
}

/// What agents recorded of a child over `first..=last`: (unit, day, status).
pub fn child_attendance(
    conn: &mut AnyConnection,
    child_id: i64,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<(i64, NaiveDate, String)>, DbError> {
    Ok(attendances::table
        .filter(attendances::child_id.eq(child_id))
        .filter(attendances::day.between(first, last))
        .select((attendances::unit_id, attendances::day, attendances::status))
        .load(conn)?)
}

/// Each unit's activity name, for the units given: (unit, activity name).
pub fn unit_activities(
    conn: &mut AnyConnection,
    units: &[i64],
) -> Result<Vec<(i64, String)>, DbError> {
    Ok(activity_units::table
        .inner_join(activities::table)
        .filter(activity_units::id.eq_any(units))
        .select((activity_units::id, activities::name))
        .load(conn)?)
}

//! Certificates the city issues as PDFs, each filed among the family's documents: the
//! yearly certificate of childcare costs for the tax credit (on a family's request,
//! and for every dossier in one background run), a child's attendance over a period,
//! and a payment's receipt.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use domain::billing::BillingRunStatus;
use domain::billing::tax_certificate::{
    PaidBill, certified_amounts, counts_for_tax_credit, under_six_on_new_year,
};
use domain::dossiers::{DocumentKind, DocumentOrigin};
pub use persistence::billing::certificates::CertificateRun;
use persistence::billing::certificates::{
    self as store, CareRow, NewIssuedCertificate, PaidBillRow,
};
use persistence::dossiers::documents::{self, Document, NewDocument};
use persistence::dossiers::{self, Dossier, children};
use persistence::{AnyConnection, db_time, write_transaction};

use crate::adapters::storage::FileStore;
use crate::usecases::dossiers::Child;
use crate::usecases::{CommonRefusal, Outcome, UseCaseError};

use super::BillingRefusal;

/// The kind recorded for a tax certificate, so a run issues one per dossier and year.
const TAX_KIND: &str = "tax_childcare";
/// Dossiers a run files per transaction.
const CHUNK: usize = 500;
/// A run that has not ended after this long is taken to have died with its server.
const RUN_STALE_MINUTES: i64 = 15;

/// One dossier's certificate of childcare costs for a year.
#[derive(Debug, Clone)]
pub struct TaxCertificate {
    pub year: i32,
    pub dossier: Dossier,
    /// Each child under six on 1 January, with the care paid for them, in cents.
    pub children: Vec<(Child, i64)>,
}

impl TaxCertificate {
    pub fn total_cents(&self) -> i64 {
        self.children.iter().map(|(_, cents)| cents).sum()
    }
}

/// Where the city's certificates are made: its time zone and file store.
#[derive(Debug, Clone, Copy)]
pub struct Issuer<'a> {
    pub time_zone: Tz,
    pub files: &'a FileStore,
}

/// The year's paid bills by (basket or not, id), each with its children's counting
/// care: (child, cents).
type Bills = HashMap<(bool, i64), (PaidBillRow, Vec<(i64, i64)>)>;

/// The certificates of `year`: one dossier's, or every dossier's with something to
/// certify. Reads the whole city in a handful of statements.
pub fn tax_certificates(
    conn: &mut AnyConnection,
    year: i32,
    time_zone: Tz,
    dossier: Option<i64>,
) -> Outcome<Vec<TaxCertificate>> {
    let (first, last) = year_span(year)?;
    let (from, to) = (
        midnight(first, time_zone),
        midnight(last, time_zone) + chrono::Duration::days(1),
    );
    let mut bills: Bills = HashMap::new();
    for (id, bill) in store::invoices_paid_between(conn, first, last, dossier)? {
        bills.insert((false, id), (bill, Vec::new()));
    }
    // One row per online payment: a basket paid in two attempts adds them up.
    for (id, bill) in store::baskets_paid_between(conn, from, to, dossier)? {
        match bills.entry((true, id)) {
            Entry::Occupied(mut known) => {
                known.get_mut().0.paid_in_year_cents += bill.paid_in_year_cents;
            }
            Entry::Vacant(new) => {
                new.insert((bill, Vec::new()));
            }
        }
    }
    let kids: HashMap<i64, Child> = match dossier {
        Some(id) => children::of_dossier(conn, id)?,
        None => children::all(conn)?,
    }
    .into_iter()
    .map(|c| (c.id, c))
    .collect();
    let counts = |(_, child, kind, _): &CareRow| {
        counts_for_tax_credit(kind)
            && kids
                .get(child)
                .is_some_and(|c| under_six_on_new_year(c.birth_date, year))
    };
    let care = [
        (
            false,
            store::invoice_care_between(conn, first, last, dossier)?,
        ),
        (true, store::basket_care_between(conn, from, to, dossier)?),
    ];
    for (basket, rows) in care {
        for row in rows.iter().filter(|row| counts(row)) {
            if let Some((_, care)) = bills.get_mut(&(basket, row.0)) {
                care.push((row.1, row.3));
            }
        }
    }
    let mut by_dossier: HashMap<i64, Vec<PaidBill>> = HashMap::new();
    for (bill, care) in bills.into_values() {
        by_dossier
            .entry(bill.dossier_id)
            .or_default()
            .push(PaidBill {
                total_cents: bill.total_cents,
                paid_in_year_cents: bill.paid_in_year_cents,
                care_by_child: care,
            });
    }
    let mut families: HashMap<i64, Dossier> = match dossier {
        Some(id) => dossiers::find(conn, id)?.into_iter().collect(),
        None => dossiers::all(conn)?,
    }
    .into_iter()
    .map(|d| (d.id, d))
    .collect();
    let mut certificates = Vec::new();
    for (dossier_id, bills) in by_dossier {
        let amounts = certified_amounts(&bills);
        let Some(dossier) = families.remove(&dossier_id).filter(|_| !amounts.is_empty()) else {
            continue;
        };
        let mut children: Vec<(Child, i64)> = amounts
            .into_iter()
            .filter_map(|(child, cents)| kids.get(&child).map(|c| (c.clone(), cents)))
            .collect();
        children.sort_by_key(|(c, _)| (c.birth_date, c.id));
        certificates.push(TaxCertificate {
            year,
            dossier,
            children,
        });
    }
    certificates.sort_by_key(|c| c.dossier.id);
    Ok(certificates)
}

/// A family's certificate of `year`, filed among its documents (each request files a
/// new one, with the amounts of the day).
pub fn issue_tax_certificate(
    conn: &mut AnyConnection,
    issuer: Issuer<'_>,
    dossier_id: i64,
    year: i32,
    now: DateTime<Utc>,
) -> Outcome<Document> {
    year_over(year, now.with_timezone(&issuer.time_zone).date_naive())?;
    let certificate = tax_certificates(conn, year, issuer.time_zone, Some(dossier_id))?
        .into_iter()
        .next()
        .ok_or(BillingRefusal::NothingToCertify)?;
    write_transaction(conn, |conn| {
        let id = file_tax_certificates(conn, issuer, std::slice::from_ref(&certificate), now)?;
        let id = id
            .first()
            .copied()
            .ok_or_else(|| crate::usecases::dossiers::gone("certificate"))?;
        documents::find(conn, id, Some(dossier_id))?
            .ok_or_else(|| crate::usecases::dossiers::gone("certificate"))
    })
}

/// Writes the certificates' PDFs, then their document rows: (document ids).
fn file_tax_certificates(
    conn: &mut AnyConnection,
    issuer: Issuer<'_>,
    certificates: &[TaxCertificate],
    now: DateTime<Utc>,
) -> Outcome<Vec<i64>> {
    let city = city_name(conn)?;
    let issued_on = now.with_timezone(&issuer.time_zone).date_naive();
    let mut issued = Vec::with_capacity(certificates.len());
    let mut ids = Vec::with_capacity(certificates.len());
    for certificate in certificates {
        let bytes = crate::adapters::certificate_pdf::tax(&city, certificate, issued_on);
        let id = file(
            conn,
            issuer.files,
            certificate.dossier.id,
            &format!("attestation-frais-de-garde-{}.pdf", certificate.year),
            &bytes,
            now,
        )?;
        ids.push(id);
        issued.push(NewIssuedCertificate {
            dossier_id: certificate.dossier.id,
            kind: TAX_KIND.to_owned(),
            year: Some(certificate.year),
            document_id: id,
            total_cents: certificate.total_cents(),
            created_at: db_time(now),
        });
    }
    store::insert_issued(conn, &issued)?;
    Ok(ids)
}

/// Stores a certificate's file, then its row (a rolled-back transaction leaves an
/// unreferenced file at worst, never a row without its file).
fn file(
    conn: &mut AnyConnection,
    files: &FileStore,
    dossier_id: i64,
    name: &str,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Outcome<i64> {
    let stored = files
        .save(conn, bytes)
        .map_err(|e| UseCaseError::Internal(e.into()))?;
    Ok(documents::insert(
        conn,
        &NewDocument {
            dossier_id,
            child_id: None,
            kind: DocumentKind::Certificate,
            origin: DocumentOrigin::City,
            file_name: name.to_owned(),
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
    )?)
}

/// A child's attendance over a period: each activity with the days attended.
#[derive(Debug, Clone)]
pub struct AttendanceCertificate {
    pub dossier: Dossier,
    pub child: Child,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// (activity name, days attended), by name.
    pub activities: Vec<(String, usize)>,
}

/// Files the certificate of the days `child_id` attended from `from` to `to` (days
/// after today are not counted yet; for a child of two households, the days this one
/// had it); nothing attended is 422 `no_attendance`.
pub fn issue_attendance_certificate(
    conn: &mut AnyConnection,
    dossier_id: i64,
    child_id: i64,
    (from, to): (NaiveDate, NaiveDate),
    today: NaiveDate,
    now: DateTime<Utc>,
    files: &FileStore,
) -> Outcome<Document> {
    let child = children::find(conn, child_id, Some(dossier_id))?.ok_or(CommonRefusal::NotFound)?;
    if to < from || (to - from).num_days() > 366 {
        return Err(UseCaseError::Invalid(vec![
            crate::problem::FieldError::new(
                "to",
                "range_invalid",
                "La période va de « from » à « to », un an au plus.",
                "The period runs from `from` to `to`, a year at most.",
            ),
        ]));
    }
    let last = to.min(today);
    let booked = store::child_bookings(conn, child_id, from, last)?;
    let recorded = store::child_attendance(conn, child_id, from, last)?
        .into_iter()
        .map(|(unit, day, status)| {
            Ok((
                (unit, day),
                status.parse().map_err(persistence::DbError::Stored)?,
            ))
        })
        .collect::<Result<HashMap<_, _>, persistence::DbError>>()?;
    // A child of separated parents: the days this household had the child.
    let custody = crate::usecases::dossiers::households::CityCustody::read(conn)?;
    let days: Vec<_> = domain::planning::attended(&booked, &recorded)
        .into_iter()
        .filter(|(_, day)| custody.household_on(child.id, child.dossier_id, *day) == dossier_id)
        .collect();
    let units: Vec<i64> = days.iter().map(|(unit, _)| *unit).collect();
    let names: HashMap<i64, String> = store::unit_activities(conn, &units)?.into_iter().collect();
    let mut per_activity: std::collections::BTreeMap<String, usize> =
        std::collections::BTreeMap::new();
    for (unit, _) in &days {
        if let Some(name) = names.get(unit) {
            *per_activity.entry(name.clone()).or_insert(0) += 1;
        }
    }
    if per_activity.is_empty() {
        return Err(BillingRefusal::NoAttendance.into());
    }
    let dossier = dossiers::find(conn, dossier_id)?.ok_or(CommonRefusal::NotFound)?;
    let certificate = AttendanceCertificate {
        dossier,
        child,
        from,
        to,
        activities: per_activity.into_iter().collect(),
    };
    let city = city_name(conn)?;
    let bytes = crate::adapters::certificate_pdf::attendance(&city, &certificate, today);
    let name = format!(
        "attestation-presence-{}-{from}-{to}.pdf",
        certificate.child.first_name.to_lowercase()
    );
    write_transaction(conn, |conn| {
        let id = file(conn, files, dossier_id, &safe_name(&name), &bytes, now)?;
        documents::find(conn, id, Some(dossier_id))?
            .ok_or_else(|| crate::usecases::dossiers::gone("certificate"))
    })
}

/// Files the receipt of one of the family's payments (422 for none of its own: 404).
pub fn issue_payment_receipt(
    conn: &mut AnyConnection,
    dossier_id: i64,
    payment_id: i64,
    today: NaiveDate,
    now: DateTime<Utc>,
    files: &FileStore,
) -> Outcome<Document> {
    let payment =
        persistence::billing::payments_of(conn, persistence::billing::Of::Dossier(dossier_id))?
            .into_iter()
            // A direct debit the bank returned has no receipt: it was not paid.
            .find(|p| p.id == payment_id && p.reversed_on.is_none())
            .ok_or(CommonRefusal::NotFound)?;
    let invoice = persistence::billing::find_invoice(conn, payment.invoice_id, Some(dossier_id))?
        .ok_or(CommonRefusal::NotFound)?;
    let dossier = dossiers::find(conn, dossier_id)?.ok_or(CommonRefusal::NotFound)?;
    let city = city_name(conn)?;
    let bytes = crate::adapters::certificate_pdf::receipt(
        &city,
        &dossier,
        &invoice.number,
        &payment,
        today,
    );
    write_transaction(conn, |conn| {
        let id = file(
            conn,
            files,
            dossier_id,
            &format!("recu-paiement-{payment_id}.pdf"),
            &bytes,
            now,
        )?;
        documents::find(conn, id, Some(dossier_id))?
            .ok_or_else(|| crate::usecases::dossiers::gone("receipt"))
    })
}

fn city_name(conn: &mut AnyConnection) -> Outcome<String> {
    Ok(persistence::city::find(conn)?
        .map(|c| c.name)
        .unwrap_or_default())
}

/// A file name of ASCII letters, digits, dashes and dots only.
fn safe_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Starts a run issuing `year`'s certificates; a run of the year still going answers
/// 409 `certificate_run_in_progress`.
pub fn start_run(
    conn: &mut AnyConnection,
    year: i32,
    agent_id: i64,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Outcome<CertificateRun> {
    year_over(year, today)?;
    write_transaction(conn, |conn| {
        let stale = db_time(now - chrono::Duration::minutes(RUN_STALE_MINUTES));
        let id = store::start_run(conn, year, agent_id, db_time(now), stale)
            .map_err(crate::usecases::unique_as(
                BillingRefusal::CertificateRunInProgress,
            ))?
            .ok_or(BillingRefusal::CertificateRunInProgress)?;
        store::find_run(conn, id)?.ok_or_else(|| crate::usecases::dossiers::gone("certificate run"))
    })
}

pub fn find_run(conn: &mut AnyConnection, id: i64) -> Outcome<CertificateRun> {
    Ok(store::find_run(conn, id)?.ok_or(CommonRefusal::NotFound)?)
}

/// Issues the run's certificates to every dossier that has something to certify and
/// no certificate of the year yet, [`CHUNK`] dossiers per transaction, recording its
/// progress; a failure ends the run `failed` with its cause.
pub fn execute(
    conn: &mut AnyConnection,
    run: &CertificateRun,
    issuer: Issuer<'_>,
    now: impl Fn() -> DateTime<Utc>,
) -> Outcome<()> {
    let outcome = issue_all(conn, run, issuer, &now);
    let (status, error) = match &outcome {
        Ok(()) => (BillingRunStatus::Completed, None),
        Err(error) => {
            tracing::error!(run = run.id, ?error, "certificate run failed");
            (
                BillingRunStatus::Failed,
                Some("the run stopped: see the server's log"),
            )
        }
    };
    store::end_run(conn, run.id, status, error, db_time(now()))?;
    outcome
}

fn issue_all(
    conn: &mut AnyConnection,
    run: &CertificateRun,
    issuer: Issuer<'_>,
    now: &impl Fn() -> DateTime<Utc>,
) -> Outcome<()> {
    let done_before = store::dossiers_issued(conn, TAX_KIND, run.year)?;
    let certificates: Vec<TaxCertificate> =
        tax_certificates(conn, run.year, issuer.time_zone, None)?
            .into_iter()
            .filter(|c| !done_before.contains(&c.dossier.id))
            .collect();
    let total = count(certificates.len());
    store::progress(conn, run.id, total, 0, 0)?;
    let mut done = 0;
    for chunk in certificates.chunks(CHUNK) {
        write_transaction(conn, |conn| {
            file_tax_certificates(conn, issuer, chunk, now())
        })?;
        done += count(chunk.len());
        store::progress(conn, run.id, total, done, done)?;
    }
    Ok(())
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// A year's certificate is issued once the year is over: one asked for earlier would
/// miss what is paid later, and the yearly run would then leave the dossier out.
fn year_over(year: i32, today: NaiveDate) -> Outcome<()> {
    year_span(year)?;
    if year >= today.year() {
        return Err(UseCaseError::Invalid(vec![
            crate::problem::FieldError::new(
                "year",
                "year_not_over",
                "L'année n'est pas terminée : son attestation se demande à partir du 1er janvier suivant.",
                "The year is not over: its certificate can be asked for from the next 1 January.",
            ),
        ]));
    }
    Ok(())
}

/// 1 January and 31 December of `year`, a year from 2000 to 2100.
fn year_span(year: i32) -> Outcome<(NaiveDate, NaiveDate)> {
    match (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) {
        (Some(first), Some(last)) if (2000..=2100).contains(&year) => Ok((first, last)),
        _ => Err(UseCaseError::Invalid(vec![
            crate::problem::FieldError::new(
                "year",
                "year_out_of_range",
                "L'année va de 2000 à 2100.",
                "The year runs from 2000 to 2100.",
            ),
        ])),
    }
}

/// The first instant of `day` in the city, as a stored (UTC) time.
fn midnight(day: NaiveDate, time_zone: Tz) -> NaiveDateTime {
    time_zone
        .from_local_datetime(&day.and_time(chrono::NaiveTime::MIN))
        .earliest()
        .map_or_else(
            || day.and_time(chrono::NaiveTime::MIN),
            |t| db_time(t.with_timezone(&Utc)),
        )
}

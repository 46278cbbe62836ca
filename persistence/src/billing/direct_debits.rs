//! SEPA direct debit: the city's creditor account, the families' mandates, one debit
//! per invoice, and the collection files sent to the bank. Statuses move only by
//! conditional updates, so a report imported twice or two agents at once settle a
//! debit once.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::billing::sepa::{
    DebitStatus, MandateChannel, MandateStatus, PainVersion, SequenceType,
};

use crate::schema::{debit_collections, direct_debit_settings, direct_debits, invoices, mandates};
use crate::stored::NullableText;
use crate::{AnyConnection, DbError, db_time};

// --- the creditor ---

/// The city's creditor account.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = direct_debit_settings, treat_none_as_default_value = false)]
pub struct Settings {
    pub creditor_id: String,
    pub creditor_name: String,
    pub iban: String,
    pub bic: Option<String>,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub pain_version: PainVersion,
    pub updated_at: NaiveDateTime,
}

pub fn settings(conn: &mut AnyConnection) -> Result<Option<Settings>, DbError> {
    Ok(direct_debit_settings::table
        .find(1_i64)
        .select(Settings::as_select())
        .get_result(conn)
        .optional()?)
}

/// Sets the creditor account (the one row is replaced).
pub fn save_settings(conn: &mut AnyConnection, new: &Settings) -> Result<(), DbError> {
    diesel::delete(direct_debit_settings::table).execute(conn)?;
    diesel::insert_into(direct_debit_settings::table)
        .values((direct_debit_settings::id.eq(1_i64), new.clone()))
        .execute(conn)?;
    Ok(())
}

// --- mandates ---

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = mandates)]
pub struct Mandate {
    pub id: i64,
    pub dossier_id: i64,
    pub reference: Option<String>,
    pub creditor_id: String,
    #[diesel(deserialize_as = String)]
    pub status: MandateStatus,
    #[diesel(deserialize_as = String)]
    pub channel: MandateChannel,
    pub holder_name: String,
    pub iban: String,
    pub bic: Option<String>,
    pub signed_on: NaiveDate,
    pub signed_at_place: String,
    pub signed_by: Option<i64>,
    pub consent_at: Option<NaiveDateTime>,
    pub document_id: Option<i64>,
    pub last_collected_on: Option<NaiveDate>,
    pub consecutive_rejections: i32,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Mandate {
    /// Its reference (RUM); set in the transaction that inserts it.
    pub fn rum(&self) -> &str {
        self.reference.as_deref().unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = mandates, treat_none_as_default_value = false)]
pub struct NewMandate {
    pub dossier_id: i64,
    pub creditor_id: String,
    #[diesel(serialize_as = String)]
    pub status: MandateStatus,
    #[diesel(serialize_as = String)]
    pub channel: MandateChannel,
    pub holder_name: String,
    pub iban: String,
    pub bic: Option<String>,
    pub signed_on: NaiveDate,
    pub signed_at_place: String,
    pub signed_by: Option<i64>,
    pub consent_at: Option<NaiveDateTime>,
    pub consecutive_rejections: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Inserts a mandate; a second active one of a dossier is a `UniqueViolation`.
pub fn insert_mandate(conn: &mut AnyConnection, new: &NewMandate) -> Result<i64, DbError> {
    Ok(diesel::insert_into(mandates::table)
        .values(new.clone())
        .returning(mandates::id)
        .get_result(conn)?)
}

/// Gives the mandate its reference and the document of its signature.
pub fn complete_mandate(
    conn: &mut AnyConnection,
    id: i64,
    reference: &str,
    document_id: Option<i64>,
) -> Result<(), DbError> {
    diesel::update(mandates::table.find(id))
        .set((
            mandates::reference.eq(reference),
            mandates::document_id.eq(document_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// A mandate, the dossier's only when `dossier_id` is given.
pub fn find_mandate(
    conn: &mut AnyConnection,
    id: i64,
    dossier_id: Option<i64>,
) -> Result<Option<Mandate>, DbError> {
    let mut query = mandates::table
        .find(id)
        .select(Mandate::as_select())
        .into_boxed();
    if let Some(dossier_id) = dossier_id {
        query = query.filter(mandates::dossier_id.eq(dossier_id));
    }
    Ok(query.get_result(conn).optional()?)
}

/// A dossier's mandates, newest first.
pub fn mandates_of(conn: &mut AnyConnection, dossier_id: i64) -> Result<Vec<Mandate>, DbError> {
    Ok(mandates::table
        .filter(mandates::dossier_id.eq(dossier_id))
        .order(mandates::id.desc())
        .select(Mandate::as_select())
        .load(conn)?)
}

/// The mandates in a status (all when none), newest first, and their count.
pub fn list_mandates(
    conn: &mut AnyConnection,
    status: Option<MandateStatus>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Mandate>, i64), DbError> {
    let query = || {
        let mut query = mandates::table.into_boxed();
        if let Some(status) = status {
            query = query.filter(mandates::status.eq(status.as_str()));
        }
        query
    };
    let total = query().count().get_result(conn)?;
    let rows = query()
        .order(mandates::id.desc())
        .offset(offset)
        .limit(limit)
        .select(Mandate::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// The active mandates of these dossiers.
pub fn active_of_dossiers(
    conn: &mut AnyConnection,
    dossier_ids: &[i64],
) -> Result<Vec<Mandate>, DbError> {
    let mut found = Vec::new();
    for chunk in dossier_ids.chunks(1000) {
        found.extend(
            mandates::table
                .filter(mandates::dossier_id.eq_any(chunk))
                .filter(mandates::status.eq(MandateStatus::Active.as_str()))
                .select(Mandate::as_select())
                .load(conn)?,
        );
    }
    Ok(found)
}

/// How many active mandates name another creditor identifier than `creditor_id`.
pub fn active_under_other_creditor(
    conn: &mut AnyConnection,
    creditor_id: &str,
) -> Result<i64, DbError> {
    Ok(mandates::table
        .filter(mandates::status.eq(MandateStatus::Active.as_str()))
        .filter(mandates::creditor_id.ne(creditor_id))
        .count()
        .get_result(conn)?)
}

/// Every active mandate (the lapse check reads them once a day).
pub fn active_mandates(conn: &mut AnyConnection) -> Result<Vec<Mandate>, DbError> {
    Ok(mandates::table
        .filter(mandates::status.eq(MandateStatus::Active.as_str()))
        .order(mandates::id)
        .select(Mandate::as_select())
        .load(conn)?)
}

/// Moves a mandate from one of `from` to `to` on `on`, for `reason`; false when it
/// was in none of them.
pub fn end_mandate(
    conn: &mut AnyConnection,
    id: i64,
    from: &[MandateStatus],
    to: MandateStatus,
    (on, reason): (NaiveDate, &str),
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let from: Vec<&str> = from.iter().map(|s| s.as_str()).collect();
    let updated = diesel::update(
        mandates::table
            .find(id)
            .filter(mandates::status.eq_any(from)),
    )
    .set((
        mandates::status.eq(to.as_str()),
        mandates::ended_on.eq(on),
        mandates::end_reason.eq(reason),
        mandates::updated_at.eq(db_time(now)),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Counts a rejection in a row and answers how many there are now.
pub fn count_rejection(conn: &mut AnyConnection, id: i64) -> Result<i32, DbError> {
    diesel::update(mandates::table.find(id))
        .set(mandates::consecutive_rejections.eq(mandates::consecutive_rejections + 1))
        .execute(conn)?;
    Ok(mandates::table
        .find(id)
        .select(mandates::consecutive_rejections)
        .get_result(conn)?)
}

/// A paid debit ends a run of rejections.
pub fn reset_rejections(conn: &mut AnyConnection, id: i64) -> Result<(), DbError> {
    diesel::update(mandates::table.find(id))
        .set(mandates::consecutive_rejections.eq(0))
        .execute(conn)?;
    Ok(())
}

/// The mandates used by a collection on `on`.
pub fn mark_used(conn: &mut AnyConnection, ids: &[i64], on: NaiveDate) -> Result<(), DbError> {
    for chunk in ids.chunks(1000) {
        diesel::update(mandates::table.filter(mandates::id.eq_any(chunk)))
            .set(mandates::last_collected_on.eq(on))
            .execute(conn)?;
    }
    Ok(())
}

// --- debits ---

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = direct_debits)]
pub struct DirectDebit {
    pub id: i64,
    pub invoice_id: i64,
    pub dossier_id: i64,
    pub mandate_id: i64,
    pub end_to_end_id: String,
    pub amount_cents: i64,
    pub collection_date: NaiveDate,
    pub told_on: NaiveDate,
    #[diesel(deserialize_as = String)]
    pub status: DebitStatus,
    #[diesel(deserialize_as = NullableText)]
    pub sequence_type: Option<SequenceType>,
    pub collection_id: Option<i64>,
    pub reason_code: Option<String>,
    pub settled_on: Option<NaiveDate>,
    pub payment_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = direct_debits)]
pub struct NewDirectDebit {
    pub invoice_id: i64,
    pub dossier_id: i64,
    pub mandate_id: i64,
    pub end_to_end_id: String,
    pub amount_cents: i64,
    pub collection_date: NaiveDate,
    pub told_on: NaiveDate,
    #[diesel(serialize_as = String)]
    pub status: DebitStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Inserts debits (a billing run's chunk at once).
pub fn insert_debits(conn: &mut AnyConnection, new: &[NewDirectDebit]) -> Result<(), DbError> {
    for chunk in new.chunks(1000) {
        let query = diesel::insert_into(direct_debits::table).values(chunk.to_vec());
        match conn {
            AnyConnection::Postgresql(c) => query.execute(c)?,
            AnyConnection::Sqlite(c) => query.execute(c)?,
        };
    }
    Ok(())
}

pub fn find_debit(conn: &mut AnyConnection, id: i64) -> Result<Option<DirectDebit>, DbError> {
    Ok(direct_debits::table
        .find(id)
        .select(DirectDebit::as_select())
        .get_result(conn)
        .optional()?)
}

pub fn find_by_end_to_end(
    conn: &mut AnyConnection,
    end_to_end_id: &str,
) -> Result<Option<DirectDebit>, DbError> {
    Ok(direct_debits::table
        .filter(direct_debits::end_to_end_id.eq(end_to_end_id))
        .select(DirectDebit::as_select())
        .get_result(conn)
        .optional()?)
}

/// The debits of these invoices.
pub fn of_invoices(
    conn: &mut AnyConnection,
    invoice_ids: &[i64],
) -> Result<Vec<DirectDebit>, DbError> {
    let mut found = Vec::new();
    for chunk in invoice_ids.chunks(1000) {
        found.extend(
            direct_debits::table
                .filter(direct_debits::invoice_id.eq_any(chunk))
                .select(DirectDebit::as_select())
                .load(conn)?,
        );
    }
    Ok(found)
}

/// The debits of these invoices, each with the IBAN of its mandate (one query per
/// thousand invoices, for a month's export).
pub fn of_invoices_with_iban(
    conn: &mut AnyConnection,
    invoice_ids: &[i64],
) -> Result<Vec<(DirectDebit, String)>, DbError> {
    let mut found = Vec::new();
    for chunk in invoice_ids.chunks(1000) {
        found.extend(
            direct_debits::table
                .inner_join(mandates::table)
                .filter(direct_debits::invoice_id.eq_any(chunk))
                .select((DirectDebit::as_select(), mandates::iban))
                .load::<(DirectDebit, String)>(conn)?,
        );
    }
    Ok(found)
}

/// A dossier's debits, newest first.
pub fn of_dossier(conn: &mut AnyConnection, dossier_id: i64) -> Result<Vec<DirectDebit>, DbError> {
    Ok(direct_debits::table
        .filter(direct_debits::dossier_id.eq(dossier_id))
        .order(direct_debits::id.desc())
        .select(DirectDebit::as_select())
        .load(conn)?)
}

/// Which debits a list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DebitFilter {
    pub collection_date: Option<NaiveDate>,
    pub status: Option<DebitStatus>,
    pub dossier_id: Option<i64>,
}

pub fn list_debits(
    conn: &mut AnyConnection,
    filter: DebitFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<DirectDebit>, i64), DbError> {
    let query = || {
        let mut query = direct_debits::table.into_boxed();
        if let Some(date) = filter.collection_date {
            query = query.filter(direct_debits::collection_date.eq(date));
        }
        if let Some(status) = filter.status {
            query = query.filter(direct_debits::status.eq(status.as_str()));
        }
        if let Some(dossier_id) = filter.dossier_id {
            query = query.filter(direct_debits::dossier_id.eq(dossier_id));
        }
        query
    };
    let total = query().count().get_result(conn)?;
    let rows = query()
        .order((direct_debits::collection_date.desc(), direct_debits::id))
        .offset(offset)
        .limit(limit)
        .select(DirectDebit::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// A scheduled debit with its mandate and what its invoice still owes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDebit {
    pub debit: DirectDebit,
    pub mandate: Mandate,
    pub invoice_number: String,
    pub balance_cents: i64,
}

/// Takes the write lock on the invoices with a debit scheduled for `date` (a no-op
/// update, as `online_payments::lock_target` does), so a payment of one of them and
/// the date's file are made one after the other.
pub fn lock_invoices_of(conn: &mut AnyConnection, date: NaiveDate) -> Result<(), DbError> {
    let scheduled = direct_debits::table
        .filter(direct_debits::collection_date.eq(date))
        .filter(direct_debits::status.eq(DebitStatus::Scheduled.as_str()))
        .select(direct_debits::invoice_id);
    diesel::update(invoices::table.filter(invoices::id.eq_any(scheduled)))
        .set(invoices::paid_cents.eq(invoices::paid_cents))
        .execute(conn)?;
    Ok(())
}

/// An invoice's number, total, paid and credited cents.
type InvoiceFigures = (String, i64, i64, i64);

/// The debits scheduled for `date`, in id order.
pub fn scheduled_for(conn: &mut AnyConnection, date: NaiveDate) -> Result<Vec<DueDebit>, DbError> {
    let rows: Vec<(DirectDebit, Mandate, InvoiceFigures)> = direct_debits::table
        .inner_join(mandates::table)
        .inner_join(invoices::table)
        .filter(direct_debits::collection_date.eq(date))
        .filter(direct_debits::status.eq(DebitStatus::Scheduled.as_str()))
        .order(direct_debits::id)
        .select((
            DirectDebit::as_select(),
            Mandate::as_select(),
            (
                invoices::number,
                invoices::total_cents,
                invoices::paid_cents,
                invoices::credited_cents,
            ),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(debit, mandate, (number, total, paid, credited))| DueDebit {
                debit,
                mandate,
                invoice_number: number,
                balance_cents: total - paid - credited,
            },
        )
        .collect())
}

/// The mandates among `ids` that a debit was presented under (collecting or paid).
pub fn mandates_presented(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<i64>, DbError> {
    let presented = [DebitStatus::Collecting.as_str(), DebitStatus::Paid.as_str()];
    let mut found = Vec::new();
    for chunk in ids.chunks(1000) {
        found.extend(
            direct_debits::table
                .filter(direct_debits::mandate_id.eq_any(chunk))
                .filter(direct_debits::status.eq_any(presented))
                .select(direct_debits::mandate_id)
                .distinct()
                .load::<i64>(conn)?,
        );
    }
    Ok(found)
}

/// Puts a scheduled debit in a collection file, with its sequence type and the
/// amount collected.
pub fn mark_collecting(
    conn: &mut AnyConnection,
    id: i64,
    (collection_id, sequence, amount): (i64, SequenceType, i64),
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let updated = diesel::update(
        direct_debits::table
            .find(id)
            .filter(direct_debits::status.eq(DebitStatus::Scheduled.as_str())),
    )
    .set((
        direct_debits::status.eq(DebitStatus::Collecting.as_str()),
        direct_debits::collection_id.eq(collection_id),
        direct_debits::sequence_type.eq(sequence.as_str()),
        direct_debits::amount_cents.eq(amount),
        direct_debits::updated_at.eq(db_time(now)),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// What settles a debit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settlement<'a> {
    pub to: DebitStatus,
    pub on: NaiveDate,
    pub reason_code: Option<&'a str>,
    pub payment_id: Option<i64>,
}

/// Moves a debit from `from` to the settlement's status; false when it was not in
/// `from` (settled already, or never sent).
pub fn settle(
    conn: &mut AnyConnection,
    id: i64,
    from: DebitStatus,
    settlement: Settlement<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let changes = (
        direct_debits::status.eq(settlement.to.as_str()),
        direct_debits::settled_on.eq(Some(settlement.on)),
        direct_debits::reason_code.eq(settlement.reason_code),
        direct_debits::updated_at.eq(db_time(now)),
    );
    let target = direct_debits::table
        .find(id)
        .filter(direct_debits::status.eq(from.as_str()));
    let updated = match settlement.payment_id {
        Some(payment_id) => diesel::update(target)
            .set((changes, direct_debits::payment_id.eq(payment_id)))
            .execute(conn)?,
        None => diesel::update(target).set(changes).execute(conn)?,
    };
    Ok(updated == 1)
}

/// Which scheduled debits to cancel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheduled {
    /// Those of a mandate that ended.
    OfMandate(i64),
    /// Those due on or before a day: no file was built in time for them (a debit is
    /// never collected on a date the family was not told).
    DueBy(NaiveDate),
}

/// Cancels scheduled debits on `on`; answers how many.
pub fn cancel_scheduled(
    conn: &mut AnyConnection,
    which: Scheduled,
    on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, DbError> {
    let changes = (
        direct_debits::status.eq(DebitStatus::Cancelled.as_str()),
        direct_debits::settled_on.eq(on),
        direct_debits::updated_at.eq(db_time(now)),
    );
    let scheduled =
        direct_debits::table.filter(direct_debits::status.eq(DebitStatus::Scheduled.as_str()));
    Ok(match which {
        Scheduled::OfMandate(id) => {
            diesel::update(scheduled.filter(direct_debits::mandate_id.eq(id)))
                .set(changes)
                .execute(conn)?
        }
        Scheduled::DueBy(day) => {
            diesel::update(scheduled.filter(direct_debits::collection_date.le(day)))
                .set(changes)
                .execute(conn)?
        }
    })
}

/// Moves the scheduled debits of a dossier to its new mandate (a change of account).
pub fn move_scheduled(
    conn: &mut AnyConnection,
    dossier_id: i64,
    mandate_id: i64,
    now: DateTime<Utc>,
) -> Result<usize, DbError> {
    Ok(diesel::update(
        direct_debits::table
            .filter(direct_debits::dossier_id.eq(dossier_id))
            .filter(direct_debits::status.eq(DebitStatus::Scheduled.as_str())),
    )
    .set((
        direct_debits::mandate_id.eq(mandate_id),
        direct_debits::updated_at.eq(db_time(now)),
    ))
    .execute(conn)?)
}

/// Lowers a scheduled debit to what its invoice still owes after another payment.
pub fn lower_scheduled(
    conn: &mut AnyConnection,
    id: i64,
    amount: i64,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::update(
        direct_debits::table
            .find(id)
            .filter(direct_debits::status.eq(DebitStatus::Scheduled.as_str()))
            .filter(direct_debits::amount_cents.gt(amount)),
    )
    .set((
        direct_debits::amount_cents.eq(amount),
        direct_debits::updated_at.eq(db_time(now)),
    ))
    .execute(conn)?;
    Ok(())
}

// --- collection files ---

/// A collection file, without its content.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = debit_collections)]
pub struct Collection {
    pub id: i64,
    pub collection_date: NaiveDate,
    pub message_id: String,
    #[diesel(deserialize_as = String)]
    pub pain_version: PainVersion,
    pub debit_count: i32,
    pub total_cents: i64,
    pub sha256: String,
    pub built_by: Option<i64>,
    pub built_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = debit_collections)]
pub struct NewCollection {
    pub collection_date: NaiveDate,
    pub message_id: String,
    #[diesel(serialize_as = String)]
    pub pain_version: PainVersion,
    pub debit_count: i32,
    pub total_cents: i64,
    pub sha256: String,
    pub content: String,
    pub built_by: Option<i64>,
    pub built_at: NaiveDateTime,
}

/// Files a collection; a second one of the same date is a `UniqueViolation`.
pub fn insert_collection(conn: &mut AnyConnection, new: &NewCollection) -> Result<i64, DbError> {
    Ok(diesel::insert_into(debit_collections::table)
        .values(new.clone())
        .returning(debit_collections::id)
        .get_result(conn)?)
}

pub fn find_collection(conn: &mut AnyConnection, id: i64) -> Result<Option<Collection>, DbError> {
    Ok(debit_collections::table
        .find(id)
        .select(Collection::as_select())
        .get_result(conn)
        .optional()?)
}

pub fn collection_of_date(
    conn: &mut AnyConnection,
    date: NaiveDate,
) -> Result<Option<Collection>, DbError> {
    Ok(debit_collections::table
        .filter(debit_collections::collection_date.eq(date))
        .select(Collection::as_select())
        .get_result(conn)
        .optional()?)
}

/// The file's bytes, as built.
pub fn collection_content(conn: &mut AnyConnection, id: i64) -> Result<Option<String>, DbError> {
    Ok(debit_collections::table
        .find(id)
        .select(debit_collections::content)
        .get_result(conn)
        .optional()?)
}

/// The collection files, newest date first, and their count.
pub fn list_collections(
    conn: &mut AnyConnection,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Collection>, i64), DbError> {
    let total = debit_collections::table.count().get_result(conn)?;
    let rows = debit_collections::table
        .order(debit_collections::collection_date.desc())
        .offset(offset)
        .limit(limit)
        .select(Collection::as_select())
        .load(conn)?;
    Ok((rows, total))
}

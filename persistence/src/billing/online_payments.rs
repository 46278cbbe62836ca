//! Online payments: one row per attempt at PayFiP or the sandbox. Their status moves
//! only by conditional updates, so a replayed or concurrent notification settles an
//! attempt once.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::billing::{OnlinePaymentStatus, PaymentProvider};

use crate::schema::online_payments;
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = online_payments)]
pub struct OnlinePayment {
    pub id: i64,
    pub dossier_id: i64,
    /// What it pays: an invoice or a basket.
    pub invoice_id: Option<i64>,
    pub basket_id: Option<i64>,
    pub account_id: Option<i64>,
    #[diesel(deserialize_as = String)]
    pub provider: PaymentProvider,
    pub idop: Option<String>,
    pub refdet: String,
    pub amount_cents: i64,
    #[diesel(deserialize_as = String)]
    pub status: OnlinePaymentStatus,
    pub result_code: Option<String>,
    pub sandbox_result: Option<String>,
    pub idempotency_key: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = online_payments, treat_none_as_default_value = false)]
pub struct NewOnlinePayment<'a> {
    pub dossier_id: i64,
    pub invoice_id: Option<i64>,
    pub basket_id: Option<i64>,
    pub account_id: Option<i64>,
    #[diesel(serialize_as = String)]
    pub provider: PaymentProvider,
    pub refdet: &'a str,
    pub amount_cents: i64,
    #[diesel(serialize_as = String)]
    pub status: OnlinePaymentStatus,
    pub idempotency_key: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Inserts an attempt; the dossier's `Idempotency-Key` twice is a `UniqueViolation`.
pub fn insert(conn: &mut AnyConnection, new: NewOnlinePayment<'_>) -> Result<i64, DbError> {
    Ok(diesel::insert_into(online_payments::table)
        .values(new)
        .returning(online_payments::id)
        .get_result(conn)?)
}

pub fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<OnlinePayment>, DbError> {
    Ok(online_payments::table
        .find(id)
        .select(OnlinePayment::as_select())
        .get_result(conn)
        .optional()?)
}

pub fn find_by_idop(
    conn: &mut AnyConnection,
    idop: &str,
) -> Result<Option<OnlinePayment>, DbError> {
    Ok(online_payments::table
        .filter(online_payments::idop.eq(idop))
        .select(OnlinePayment::as_select())
        .get_result(conn)
        .optional()?)
}

pub fn find_by_key(
    conn: &mut AnyConnection,
    dossier_id: i64,
    key: &str,
) -> Result<Option<OnlinePayment>, DbError> {
    Ok(online_payments::table
        .filter(online_payments::dossier_id.eq(dossier_id))
        .filter(online_payments::idempotency_key.eq(key))
        .select(OnlinePayment::as_select())
        .get_result(conn)
        .optional()?)
}

/// What an attempt pays: an invoice or a basket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Invoice(i64),
    Basket(i64),
}

/// Takes the write lock on what the attempt pays (a no-op update: PostgreSQL's row
/// lock, SQLite's write lock), so two attempts for it are opened one after the other.
pub fn lock_target(conn: &mut AnyConnection, target: Target) -> Result<(), DbError> {
    use crate::schema::{baskets, invoices};
    match target {
        Target::Invoice(id) => diesel::update(invoices::table.find(id))
            .set(invoices::paid_cents.eq(invoices::paid_cents))
            .execute(conn)?,
        Target::Basket(id) => diesel::update(baskets::table.find(id))
            .set(baskets::total_cents.eq(baskets::total_cents))
            .execute(conn)?,
    };
    Ok(())
}

/// The latest attempt for the target still waiting for its result and created after
/// `since`.
pub fn pending_for(
    conn: &mut AnyConnection,
    target: Target,
    since: DateTime<Utc>,
) -> Result<Option<OnlinePayment>, DbError> {
    let mut query = online_payments::table
        .filter(online_payments::status.eq(OnlinePaymentStatus::Pending.as_str()))
        .filter(online_payments::created_at.gt(db_time(since)))
        .into_boxed();
    query = match target {
        Target::Invoice(id) => query.filter(online_payments::invoice_id.eq(id)),
        Target::Basket(id) => query.filter(online_payments::basket_id.eq(id)),
    };
    Ok(query
        .order(online_payments::id.desc())
        .limit(1)
        .select(OnlinePayment::as_select())
        .get_result(conn)
        .optional()?)
}

/// The invoices with an attempt being made or waiting for its result, created after
/// `since`.
pub fn invoices_paying_since(
    conn: &mut AnyConnection,
    since: DateTime<Utc>,
) -> Result<Vec<i64>, DbError> {
    let live = [
        OnlinePaymentStatus::Creating.as_str(),
        OnlinePaymentStatus::Pending.as_str(),
    ];
    Ok(online_payments::table
        .filter(online_payments::status.eq_any(live))
        .filter(online_payments::created_at.gt(db_time(since)))
        .filter(online_payments::invoice_id.is_not_null())
        .select(online_payments::invoice_id.assume_not_null())
        .distinct()
        .load(conn)?)
}

/// The basket's latest attempt.
pub fn latest_of_basket(
    conn: &mut AnyConnection,
    basket_id: i64,
) -> Result<Option<OnlinePayment>, DbError> {
    Ok(online_payments::table
        .filter(online_payments::basket_id.eq(basket_id))
        .order(online_payments::id.desc())
        .limit(1)
        .select(OnlinePayment::as_select())
        .get_result(conn)
        .optional()?)
}

/// Gives a created attempt its idop: it is now waiting for its result.
pub fn set_idop(
    conn: &mut AnyConnection,
    id: i64,
    idop: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::update(
        online_payments::table
            .find(id)
            .filter(online_payments::status.eq(OnlinePaymentStatus::Creating.as_str())),
    )
    .set((
        online_payments::idop.eq(idop),
        online_payments::status.eq(OnlinePaymentStatus::Pending.as_str()),
        online_payments::updated_at.eq(db_time(now)),
    ))
    .execute(conn)?;
    Ok(())
}

/// Moves an attempt from `from` to `to`; false when it was no longer `from`.
pub fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    from: OnlinePaymentStatus,
    to: OnlinePaymentStatus,
    result_code: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let updated = diesel::update(
        online_payments::table
            .find(id)
            .filter(online_payments::status.eq(from.as_str())),
    )
    .set((
        online_payments::status.eq(to.as_str()),
        online_payments::result_code.eq(result_code),
        online_payments::updated_at.eq(db_time(now)),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Records what the person chose on the sandbox's page, for a pending attempt.
pub fn set_sandbox_result(
    conn: &mut AnyConnection,
    id: i64,
    result: &str,
) -> Result<bool, DbError> {
    let updated = diesel::update(
        online_payments::table
            .find(id)
            .filter(online_payments::status.eq(OnlinePaymentStatus::Pending.as_str()))
            .filter(online_payments::provider.eq(PaymentProvider::Sandbox.as_str())),
    )
    .set(online_payments::sandbox_result.eq(result))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Attempts still waiting for their result, created before `before`, oldest first.
pub fn pending_before(
    conn: &mut AnyConnection,
    before: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<OnlinePayment>, DbError> {
    Ok(online_payments::table
        .filter(online_payments::status.eq(OnlinePaymentStatus::Pending.as_str()))
        .filter(online_payments::created_at.lt(db_time(before)))
        .order(online_payments::id)
        .limit(limit)
        .select(OnlinePayment::as_select())
        .load(conn)?)
}

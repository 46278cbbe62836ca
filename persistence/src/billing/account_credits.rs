//! Account credits ("avoirs" on the dossier, not on an invoice) and what used them.
//! A credit's remaining amount only moves by conditional updates, so two uses at once
//! never take more than it holds.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::schema::{account_credits, credit_uses};
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = account_credits)]
pub struct AccountCredit {
    pub id: i64,
    pub number: String,
    pub dossier_id: i64,
    /// The paid week whose cancellation or cheaper swap gave it.
    pub basket_item_id: Option<i64>,
    pub amount_cents: i64,
    /// What is left to use.
    pub remaining_cents: i64,
    pub reason: String,
    pub issued_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = account_credits)]
pub struct NewAccountCredit<'a> {
    pub number: &'a str,
    pub dossier_id: i64,
    pub basket_item_id: Option<i64>,
    pub amount_cents: i64,
    pub remaining_cents: i64,
    pub reason: &'a str,
    pub issued_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, new: &NewAccountCredit<'_>) -> Result<i64, DbError> {
    Ok(diesel::insert_into(account_credits::table)
        .values(new)
        .returning(account_credits::id)
        .get_result(conn)?)
}

pub fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<AccountCredit>, DbError> {
    Ok(account_credits::table
        .find(id)
        .select(AccountCredit::as_select())
        .first(conn)
        .optional()?)
}

/// The dossier's credits, oldest first; with `unused_only`, those with something left.
pub fn of_dossier(
    conn: &mut AnyConnection,
    dossier_id: i64,
    unused_only: bool,
) -> Result<Vec<AccountCredit>, DbError> {
    let mut query = account_credits::table
        .filter(account_credits::dossier_id.eq(dossier_id))
        .into_boxed();
    if unused_only {
        query = query.filter(account_credits::remaining_cents.gt(0));
    }
    Ok(query
        .order(account_credits::id)
        .select(AccountCredit::as_select())
        .load(conn)?)
}

/// Of `dossier_ids`, those with a credit left to use (one query for a billing chunk).
pub fn dossiers_with_credit(
    conn: &mut AnyConnection,
    dossier_ids: &[i64],
) -> Result<Vec<i64>, DbError> {
    let mut found = Vec::new();
    for chunk in dossier_ids.chunks(1000) {
        found.extend(
            account_credits::table
                .filter(account_credits::dossier_id.eq_any(chunk))
                .filter(account_credits::remaining_cents.gt(0))
                .select(account_credits::dossier_id)
                .distinct()
                .load::<i64>(conn)?,
        );
    }
    Ok(found)
}

/// Takes `amount` off the credit's remaining amount if it still holds that much.
pub fn take(conn: &mut AnyConnection, credit_id: i64, amount: i64) -> Result<bool, DbError> {
    let changed = diesel::update(
        account_credits::table
            .find(credit_id)
            .filter(account_credits::remaining_cents.ge(amount)),
    )
    .set(account_credits::remaining_cents.eq(account_credits::remaining_cents - amount))
    .execute(conn)?;
    Ok(changed == 1)
}

/// What a credit was used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsedBy {
    Invoice(i64),
    Basket(i64),
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = credit_uses)]
pub struct CreditUse {
    pub id: i64,
    pub credit_id: i64,
    pub invoice_id: Option<i64>,
    pub basket_id: Option<i64>,
    pub amount_cents: i64,
    pub used_at: NaiveDateTime,
}

pub fn record_use(
    conn: &mut AnyConnection,
    credit_id: i64,
    by: UsedBy,
    amount: i64,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let (invoice_id, basket_id) = match by {
        UsedBy::Invoice(id) => (Some(id), None),
        UsedBy::Basket(id) => (None, Some(id)),
    };
    diesel::insert_into(credit_uses::table)
        .values((
            credit_uses::credit_id.eq(credit_id),
            credit_uses::invoice_id.eq(invoice_id),
            credit_uses::basket_id.eq(basket_id),
            credit_uses::amount_cents.eq(amount),
            credit_uses::used_at.eq(db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The uses of an invoice's or a basket's, oldest first, each with its credit's number.
pub fn uses_by(conn: &mut AnyConnection, by: UsedBy) -> Result<Vec<(CreditUse, String)>, DbError> {
    let query = credit_uses::table
        .inner_join(account_credits::table)
        .into_boxed();
    let query = match by {
        UsedBy::Invoice(id) => query.filter(credit_uses::invoice_id.eq(id)),
        UsedBy::Basket(id) => query.filter(credit_uses::basket_id.eq(id)),
    };
    Ok(query
        .order(credit_uses::id)
        .select((CreditUse::as_select(), account_credits::number))
        .load(conn)?)
}

/// The dossier's uses by baskets, with their credit's number (for the statement: an
/// invoice's use is already in what the invoice leaves to pay).
pub fn basket_uses_of(
    conn: &mut AnyConnection,
    dossier_id: i64,
) -> Result<Vec<(CreditUse, String)>, DbError> {
    Ok(credit_uses::table
        .inner_join(account_credits::table)
        .filter(account_credits::dossier_id.eq(dossier_id))
        .filter(credit_uses::basket_id.is_not_null())
        .order(credit_uses::id)
        .select((CreditUse::as_select(), account_credits::number))
        .load(conn)?)
}

/// Gives a basket's uses back to their credits (its places went back unpaid).
pub fn give_back(conn: &mut AnyConnection, basket_id: i64) -> Result<(), DbError> {
    let uses: Vec<CreditUse> = credit_uses::table
        .filter(credit_uses::basket_id.eq(basket_id))
        .select(CreditUse::as_select())
        .load(conn)?;
    for used in uses {
        diesel::update(account_credits::table.find(used.credit_id))
            .set(
                account_credits::remaining_cents
                    .eq(account_credits::remaining_cents + used.amount_cents),
            )
            .execute(conn)?;
        diesel::delete(credit_uses::table.find(used.id)).execute(conn)?;
    }
    Ok(())
}

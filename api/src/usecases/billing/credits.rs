//! Account credits: what a cancelled holiday week (or a cheaper swapped one) gives
//! back to the dossier, numbered with the credit notes, and used by the dossier's
//! next invoices and basket checkouts before any card payment.

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;
use domain::billing;
use persistence::AnyConnection;
use persistence::billing::account_credits::{self as store, NewAccountCredit, UsedBy};
pub use persistence::billing::account_credits::{AccountCredit, CreditUse};
use persistence::{billing as bills, db_time};

use crate::usecases::dossiers::gone;
use crate::usecases::{Outcome, UseCaseError};

/// The credit notes' counter of the year of `now` exists: call before the
/// transaction that issues (its first use inserts a row).
pub fn prepare_numbers(conn: &mut AnyConnection, now: DateTime<Utc>, zone: Tz) -> Outcome<()> {
    bills::ensure_counter(conn, "credit_note", now.with_timezone(&zone).year())?;
    Ok(())
}

/// Issues an account credit of `amount_cents` to the dossier, inside the caller's
/// transaction (after `prepare_numbers`).
pub fn issue(
    conn: &mut AnyConnection,
    dossier_id: i64,
    basket_item_id: Option<i64>,
    amount_cents: i64,
    reason: &str,
    (now, zone): (DateTime<Utc>, Tz),
) -> Outcome<AccountCredit> {
    let year = now.with_timezone(&zone).year();
    let n = bills::take_numbers(conn, "credit_note", year, 1)?;
    let number = billing::credit_note_number(year, n);
    let id = store::insert(
        conn,
        &NewAccountCredit {
            number: &number,
            dossier_id,
            basket_item_id,
            amount_cents,
            remaining_cents: amount_cents,
            reason,
            issued_at: db_time(now),
        },
    )?;
    store::find(conn, id)?.ok_or_else(|| gone("account credit"))
}

/// Uses up to `wanted` cents of the dossier's credits, oldest first, for an invoice or
/// a basket, inside the caller's transaction: what was used.
pub fn use_credits(
    conn: &mut AnyConnection,
    dossier_id: i64,
    by: UsedBy,
    wanted: i64,
    now: DateTime<Utc>,
) -> Outcome<i64> {
    let mut used = 0;
    for credit in store::of_dossier(conn, dossier_id, true)? {
        let mut left = credit.remaining_cents;
        // Another use may take some of it meanwhile: what it left is read again.
        while left > 0 && used < wanted {
            let take = left.min(wanted - used);
            if store::take(conn, credit.id, take)? {
                store::record_use(conn, credit.id, by, take, now)?;
                used += take;
                break;
            }
            left = store::find(conn, credit.id)?.map_or(0, |c| c.remaining_cents);
        }
        if used >= wanted {
            break;
        }
    }
    Ok(used)
}

/// Uses the dossier's credits for a new invoice of `total_cents`: what the invoice
/// counts as credited.
pub fn settle_invoice(
    conn: &mut AnyConnection,
    dossier_id: i64,
    invoice_id: i64,
    total_cents: i64,
    now: DateTime<Utc>,
) -> Outcome<i64> {
    let used = use_credits(
        conn,
        dossier_id,
        UsedBy::Invoice(invoice_id),
        total_cents,
        now,
    )?;
    if used > 0 && !bills::credit_invoice(conn, invoice_id, used)? {
        return Err(UseCaseError::Internal(anyhow::anyhow!(
            "invoice {invoice_id} could not take {used} cents of account credit"
        )));
    }
    Ok(used)
}

/// The dossier's account credits, oldest first.
pub fn of_dossier(conn: &mut AnyConnection, dossier_id: i64) -> Outcome<Vec<AccountCredit>> {
    Ok(store::of_dossier(conn, dossier_id, false)?)
}

/// What used credits on an invoice or basket, with each credit's number.
pub fn uses_by(conn: &mut AnyConnection, by: UsedBy) -> Outcome<Vec<(CreditUse, String)>> {
    Ok(store::uses_by(conn, by)?)
}

//! Baskets of holiday weeks and the places they hold. A week's places are taken by
//! one conditional update against the group's capacity; a basket moves between
//! statuses by conditional updates, so a replayed payment result changes nothing.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date};
use domain::activities::{BasketStatus, WeekWaitlistStatus};

use crate::schema::{basket_items, baskets, week_places};
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = baskets)]
pub struct Basket {
    pub id: i64,
    pub dossier_id: i64,
    pub account_id: Option<i64>,
    #[diesel(deserialize_as = String)]
    pub status: BasketStatus,
    pub total_cents: i64,
    pub hold_until: Option<NaiveDateTime>,
    pub idempotency_key: Option<String>,
    pub payment_reference: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// What of the total the family's account credits paid; the card pays the rest.
    pub credit_cents: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = basket_items)]
pub struct BasketItem {
    #[diesel(skip_insertion)]
    pub id: i64,
    pub basket_id: i64,
    pub child_id: i64,
    pub activity_id: i64,
    pub group_id: i64,
    pub week_start: NaiveDate,
    pub days: i32,
    pub day_price_cents: i64,
    pub amount_cents: i64,
    /// When the family cancelled the paid week (its amount became an account credit).
    pub cancelled_at: Option<NaiveDateTime>,
}

/// The dossier's open basket, if any.
pub fn open_of(conn: &mut AnyConnection, dossier_id: i64) -> Result<Option<Basket>, DbError> {
    Ok(baskets::table
        .filter(baskets::dossier_id.eq(dossier_id))
        .filter(baskets::status.eq(BasketStatus::Open.as_str()))
        .select(Basket::as_select())
        .first(conn)
        .optional()?)
}

/// Opens a basket; a second open one of the dossier is a `UniqueViolation`.
pub fn open(
    conn: &mut AnyConnection,
    dossier_id: i64,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let now = db_time(now);
    Ok(diesel::insert_into(baskets::table)
        .values((
            baskets::dossier_id.eq(dossier_id),
            baskets::account_id.eq(account_id),
            baskets::status.eq(BasketStatus::Open.as_str()),
            baskets::created_at.eq(now),
            baskets::updated_at.eq(now),
        ))
        .returning(baskets::id)
        .get_result(conn)?)
}

/// The basket, within `dossier_id` when one is given.
pub fn find(
    conn: &mut AnyConnection,
    id: i64,
    dossier_id: Option<i64>,
) -> Result<Option<Basket>, DbError> {
    let mut query = baskets::table
        .filter(baskets::id.eq(id))
        .select(Basket::as_select())
        .into_boxed();
    if let Some(dossier_id) = dossier_id {
        query = query.filter(baskets::dossier_id.eq(dossier_id));
    }
    Ok(query.first(conn).optional()?)
}

pub fn find_by_key(
    conn: &mut AnyConnection,
    dossier_id: i64,
    key: &str,
) -> Result<Option<Basket>, DbError> {
    Ok(baskets::table
        .filter(baskets::dossier_id.eq(dossier_id))
        .filter(baskets::idempotency_key.eq(key))
        .select(Basket::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_reference(
    conn: &mut AnyConnection,
    reference: &str,
) -> Result<Option<Basket>, DbError> {
    Ok(baskets::table
        .filter(baskets::payment_reference.eq(reference))
        .select(Basket::as_select())
        .first(conn)
        .optional()?)
}

pub fn items_of(conn: &mut AnyConnection, basket_id: i64) -> Result<Vec<BasketItem>, DbError> {
    Ok(basket_items::table
        .filter(basket_items::basket_id.eq(basket_id))
        .order(basket_items::id)
        .select(BasketItem::as_select())
        .load(conn)?)
}

/// Adds an item; the same child, activity and week twice is a `UniqueViolation`.
pub fn add_item(conn: &mut AnyConnection, item: &BasketItem) -> Result<(), DbError> {
    diesel::insert_into(basket_items::table)
        .values(item)
        .execute(conn)?;
    refresh_total(conn, item.basket_id)
}

/// Removes an item of an open basket; false if there was none.
pub fn remove_item(
    conn: &mut AnyConnection,
    basket_id: i64,
    item_id: i64,
) -> Result<bool, DbError> {
    let removed = diesel::delete(
        basket_items::table
            .filter(basket_items::id.eq(item_id))
            .filter(basket_items::basket_id.eq(basket_id)),
    )
    .execute(conn)?;
    refresh_total(conn, basket_id)?;
    Ok(removed == 1)
}

fn refresh_total(conn: &mut AnyConnection, basket_id: i64) -> Result<(), DbError> {
    let amounts: Vec<i64> = basket_items::table
        .filter(basket_items::basket_id.eq(basket_id))
        .select(basket_items::amount_cents)
        .load(conn)?;
    diesel::update(baskets::table.find(basket_id))
        .set(baskets::total_cents.eq(amounts.iter().sum::<i64>()))
        .execute(conn)?;
    Ok(())
}

/// Whether the child already holds the week (in a basket being paid, or paid).
pub fn week_booked(
    conn: &mut AnyConnection,
    child_id: i64,
    activity_id: i64,
    week_start: NaiveDate,
) -> Result<bool, DbError> {
    Ok(diesel::select(diesel::dsl::exists(
        basket_items::table
            .inner_join(baskets::table)
            .filter(basket_items::child_id.eq(child_id))
            .filter(basket_items::activity_id.eq(activity_id))
            .filter(basket_items::week_start.eq(week_start))
            .filter(basket_items::cancelled_at.is_null())
            .filter(baskets::status.eq_any(BasketStatus::HOLDING.map(BasketStatus::as_str))),
    ))
    .get_result(conn)?)
}

/// Moves a basket from `from` to `to`; false if it was no longer in `from`.
pub fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    from: BasketStatus,
    to: BasketStatus,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        baskets::table
            .filter(baskets::id.eq(id))
            .filter(baskets::status.eq(from.as_str())),
    )
    .set((
        baskets::status.eq(to.as_str()),
        baskets::updated_at.eq(db_time(now)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Checks an open basket out: held until `hold_until`, under the payment's
/// reference and the client's idempotency key; false if it was not open.
pub fn hold(
    conn: &mut AnyConnection,
    id: i64,
    key: &str,
    reference: &str,
    hold_until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        baskets::table
            .filter(baskets::id.eq(id))
            .filter(baskets::status.eq(BasketStatus::Open.as_str())),
    )
    .set((
        baskets::status.eq(BasketStatus::Held.as_str()),
        baskets::idempotency_key.eq(key),
        baskets::payment_reference.eq(reference),
        baskets::hold_until.eq(db_time(hold_until)),
        baskets::updated_at.eq(db_time(now)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Held baskets whose hold ran out before `now`.
pub fn expired_holds(conn: &mut AnyConnection, now: DateTime<Utc>) -> Result<Vec<Basket>, DbError> {
    Ok(baskets::table
        .filter(baskets::status.eq(BasketStatus::Held.as_str()))
        .filter(baskets::hold_until.lt(db_time(now)))
        .select(Basket::as_select())
        .load(conn)?)
}

/// The dossier's paid items (its holiday weeks) not cancelled, latest week first.
pub fn paid_items_of(
    conn: &mut AnyConnection,
    dossier_id: i64,
) -> Result<Vec<BasketItem>, DbError> {
    Ok(basket_items::table
        .inner_join(baskets::table)
        .filter(baskets::dossier_id.eq(dossier_id))
        .filter(baskets::status.eq(BasketStatus::Paid.as_str()))
        .filter(basket_items::cancelled_at.is_null())
        .order(basket_items::week_start.desc())
        .select(BasketItem::as_select())
        .load(conn)?)
}

/// One paid week of the dossier, cancelled or not.
pub fn find_paid_item(
    conn: &mut AnyConnection,
    dossier_id: i64,
    item_id: i64,
) -> Result<Option<BasketItem>, DbError> {
    Ok(basket_items::table
        .inner_join(baskets::table)
        .filter(basket_items::id.eq(item_id))
        .filter(baskets::dossier_id.eq(dossier_id))
        .filter(baskets::status.eq(BasketStatus::Paid.as_str()))
        .select(BasketItem::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a paid week cancelled, once, if it is still the week and group read: false
/// if it was cancelled or moved meanwhile.
pub fn cancel_item(
    conn: &mut AnyConnection,
    item: &BasketItem,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        basket_items::table
            .filter(basket_items::id.eq(item.id))
            .filter(basket_items::week_start.eq(item.week_start))
            .filter(basket_items::group_id.eq(item.group_id))
            .filter(basket_items::cancelled_at.is_null()),
    )
    .set(basket_items::cancelled_at.eq(db_time(now)))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Moves a paid week to another week (and group), at its new days' price, if it is
/// still `from` (its week and group as read): false if it moved or was cancelled
/// meanwhile. The child's week already live in the basket is a `UniqueViolation`.
pub fn move_item(
    conn: &mut AnyConnection,
    item: &BasketItem,
    from: &BasketItem,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        basket_items::table
            .filter(basket_items::id.eq(from.id))
            .filter(basket_items::week_start.eq(from.week_start))
            .filter(basket_items::group_id.eq(from.group_id))
            .filter(basket_items::cancelled_at.is_null()),
    )
    .set((
        basket_items::group_id.eq(item.group_id),
        basket_items::week_start.eq(item.week_start),
        basket_items::days.eq(item.days),
        basket_items::amount_cents.eq(item.amount_cents),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Records what of the basket's total account credits pay.
pub fn set_credit(conn: &mut AnyConnection, basket_id: i64, cents: i64) -> Result<(), DbError> {
    diesel::update(baskets::table.find(basket_id))
        .set(baskets::credit_cents.eq(cents))
        .execute(conn)?;
    Ok(())
}

/// Places held or paid per week of a group.
pub fn week_taken(
    conn: &mut AnyConnection,
    group_id: i64,
) -> Result<Vec<(NaiveDate, i32)>, DbError> {
    Ok(week_places::table
        .filter(week_places::group_id.eq(group_id))
        .select((week_places::week_start, week_places::taken))
        .load(conn)?)
}

/// Takes a place of the group's week if one is left under `capacity`: the row is
/// created if missing (per backend: no upsert on `AnyConnection`), then one
/// conditional update.
pub fn take_week_place(
    conn: &mut AnyConnection,
    group_id: i64,
    week_start: NaiveDate,
    capacity: i32,
) -> Result<bool, DbError> {
    let ensure = match conn {
        AnyConnection::Postgresql(_) => {
            "INSERT INTO week_places (group_id, week_start) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        }
        AnyConnection::Sqlite(_) => {
            "INSERT OR IGNORE INTO week_places (group_id, week_start) VALUES (?, ?)"
        }
    };
    let query = diesel::sql_query(ensure)
        .bind::<BigInt, _>(group_id)
        .bind::<Date, _>(week_start);
    match conn {
        AnyConnection::Postgresql(pg) => query.execute(pg)?,
        AnyConnection::Sqlite(sqlite) => query.execute(sqlite)?,
    };
    let changed = diesel::update(
        week_places::table
            .filter(week_places::group_id.eq(group_id))
            .filter(week_places::week_start.eq(week_start))
            .filter(week_places::taken.lt(capacity)),
    )
    .set(week_places::taken.eq(week_places::taken + 1))
    .execute(conn)?;
    Ok(changed == 1)
}

pub fn release_week_place(
    conn: &mut AnyConnection,
    group_id: i64,
    week_start: NaiveDate,
) -> Result<(), DbError> {
    diesel::update(
        week_places::table
            .filter(week_places::group_id.eq(group_id))
            .filter(week_places::week_start.eq(week_start))
            .filter(week_places::taken.gt(0)),
    )
    .set(week_places::taken.eq(week_places::taken - 1))
    .execute(conn)?;
    Ok(())
}

/// Whether the item's child already holds its week through another basket.
pub fn week_booked_elsewhere(
    conn: &mut AnyConnection,
    item: &BasketItem,
    basket_id: i64,
) -> Result<bool, DbError> {
    Ok(diesel::select(diesel::dsl::exists(
        basket_items::table
            .inner_join(baskets::table)
            .filter(basket_items::child_id.eq(item.child_id))
            .filter(basket_items::activity_id.eq(item.activity_id))
            .filter(basket_items::week_start.eq(item.week_start))
            .filter(baskets::id.ne(basket_id))
            .filter(basket_items::cancelled_at.is_null())
            .filter(baskets::status.eq_any(BasketStatus::HOLDING.map(BasketStatus::as_str))),
    ))
    .get_result(conn)?)
}

// --- waiting for a full holiday week ---

use crate::schema::week_waitlist;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = week_waitlist)]
pub struct WaitingEntry {
    pub id: i64,
    pub dossier_id: i64,
    pub account_id: Option<i64>,
    pub child_id: i64,
    pub activity_id: i64,
    pub group_id: i64,
    pub week_start: NaiveDate,
    #[diesel(deserialize_as = String)]
    pub status: WeekWaitlistStatus,
    pub basket_id: Option<i64>,
    pub offer_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// Puts a child in a week's line; twice is a `UniqueViolation`.
pub fn wait_for_week(
    conn: &mut AnyConnection,
    item: &BasketItem,
    dossier_id: i64,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    Ok(diesel::insert_into(week_waitlist::table)
        .values((
            week_waitlist::dossier_id.eq(dossier_id),
            week_waitlist::account_id.eq(account_id),
            week_waitlist::child_id.eq(item.child_id),
            week_waitlist::activity_id.eq(item.activity_id),
            week_waitlist::group_id.eq(item.group_id),
            week_waitlist::week_start.eq(item.week_start),
            week_waitlist::status.eq(WeekWaitlistStatus::Waiting.as_str()),
            week_waitlist::created_at.eq(db_time(now)),
        ))
        .returning(week_waitlist::id)
        .get_result(conn)?)
}

pub fn waiting_entries_of(
    conn: &mut AnyConnection,
    dossier_id: i64,
) -> Result<Vec<WaitingEntry>, DbError> {
    Ok(week_waitlist::table
        .filter(week_waitlist::dossier_id.eq(dossier_id))
        .order(week_waitlist::id.desc())
        .select(WaitingEntry::as_select())
        .load(conn)?)
}

/// The first child waiting for the group's week.
pub fn first_waiting_for_week(
    conn: &mut AnyConnection,
    group_id: i64,
    week_start: NaiveDate,
) -> Result<Option<WaitingEntry>, DbError> {
    Ok(week_waitlist::table
        .filter(week_waitlist::group_id.eq(group_id))
        .filter(week_waitlist::week_start.eq(week_start))
        .filter(week_waitlist::status.eq(WeekWaitlistStatus::Waiting.as_str()))
        .order(week_waitlist::id)
        .select(WaitingEntry::as_select())
        .first(conn)
        .optional()?)
}

/// A waiting entry's place in its week's line (1 for the first).
pub fn week_position(conn: &mut AnyConnection, entry: &WaitingEntry) -> Result<i64, DbError> {
    Ok(week_waitlist::table
        .filter(week_waitlist::group_id.eq(entry.group_id))
        .filter(week_waitlist::week_start.eq(entry.week_start))
        .filter(week_waitlist::status.eq(WeekWaitlistStatus::Waiting.as_str()))
        .filter(week_waitlist::id.le(entry.id))
        .count()
        .get_result(conn)?)
}

/// Records the offer made to a waiting entry (a held basket until `until`).
pub fn offer_week(
    conn: &mut AnyConnection,
    entry_id: i64,
    basket_id: i64,
    until: DateTime<Utc>,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        week_waitlist::table
            .filter(week_waitlist::id.eq(entry_id))
            .filter(week_waitlist::status.eq(WeekWaitlistStatus::Waiting.as_str())),
    )
    .set((
        week_waitlist::status.eq(WeekWaitlistStatus::Offered.as_str()),
        week_waitlist::basket_id.eq(basket_id),
        week_waitlist::offer_until.eq(db_time(until)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Closes the offer made through `basket_id`: taken (paid) or lapsed.
pub fn close_offer(
    conn: &mut AnyConnection,
    basket_id: i64,
    status: WeekWaitlistStatus,
) -> Result<(), DbError> {
    diesel::update(
        week_waitlist::table
            .filter(week_waitlist::basket_id.eq(basket_id))
            .filter(week_waitlist::status.eq(WeekWaitlistStatus::Offered.as_str())),
    )
    .set(week_waitlist::status.eq(status.as_str()))
    .execute(conn)?;
    Ok(())
}

/// A basket made for an offer: held from the start, with its one item.
pub fn insert_held(
    conn: &mut AnyConnection,
    item: &BasketItem,
    dossier_id: i64,
    account_id: Option<i64>,
    reference: &str,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let stamp = db_time(now);
    let id: i64 = diesel::insert_into(baskets::table)
        .values((
            baskets::dossier_id.eq(dossier_id),
            baskets::account_id.eq(account_id),
            baskets::status.eq(BasketStatus::Held.as_str()),
            baskets::total_cents.eq(item.amount_cents),
            baskets::hold_until.eq(db_time(until)),
            baskets::payment_reference.eq(reference),
            baskets::created_at.eq(stamp),
            baskets::updated_at.eq(stamp),
        ))
        .returning(baskets::id)
        .get_result(conn)?;
    diesel::insert_into(basket_items::table)
        .values(&BasketItem {
            basket_id: id,
            ..item.clone()
        })
        .execute(conn)?;
    Ok(id)
}

/// Claims the dossier's open basket for a change, as the transaction's first write
/// (SQLite then queues writers instead of failing them; PostgreSQL locks the row):
/// its id, or `None` if the dossier has no open basket.
pub fn claim_open(
    conn: &mut AnyConnection,
    dossier_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbError> {
    let changed = diesel::update(
        baskets::table
            .filter(baskets::dossier_id.eq(dossier_id))
            .filter(baskets::status.eq(BasketStatus::Open.as_str())),
    )
    .set(baskets::updated_at.eq(db_time(now)))
    .execute(conn)?;
    if changed == 0 {
        return Ok(None);
    }
    Ok(open_of(conn, dossier_id)?.map(|b| b.id))
}

/// The most places held or paid in any week of the group.
pub fn most_taken_week(conn: &mut AnyConnection, group_id: i64) -> Result<i32, DbError> {
    Ok(week_taken(conn, group_id)?
        .into_iter()
        .map(|(_, taken)| taken)
        .max()
        .unwrap_or(0))
}

/// Takes a child out of a line it can no longer be served from.
pub fn lapse_waiting(conn: &mut AnyConnection, entry_id: i64) -> Result<(), DbError> {
    diesel::update(
        week_waitlist::table
            .filter(week_waitlist::id.eq(entry_id))
            .filter(week_waitlist::status.eq(WeekWaitlistStatus::Waiting.as_str())),
    )
    .set(week_waitlist::status.eq(WeekWaitlistStatus::Lapsed.as_str()))
    .execute(conn)?;
    Ok(())
}

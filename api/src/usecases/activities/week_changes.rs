//! Changing a paid holiday week (the guide: changes "1 mois avant" for summer): until
//! the activity's change deadline a family cancels a week, its amount becoming an
//! account credit, or swaps it for another week with places, the payment kept. The
//! freed place goes to the first child waiting for it.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use domain::calendar::french_date;
use persistence::activities::baskets::{self as store, BasketItem};
use persistence::{AnyConnection, activities, dossiers::children, write_transaction};

use super::baskets::{
    BookableWeek, bookable_weeks, not_offered, offer_next, prepaid_unit, unknown_group, weeks_of,
};
use crate::problem::FieldError;
use crate::usecases::billing::credits::{self, AccountCredit};
use crate::usecases::dossiers::gone;
use crate::usecases::{ActivityRefusal, CommonRefusal, Outcome, UseCaseError, unique_as};

/// A paid week with the moment it stops being changeable.
#[derive(Debug, Clone)]
pub struct PaidWeek {
    pub item: BasketItem,
    /// Its change deadline under the activity's change rule; None once the week has
    /// begun or when the rule gives it none.
    pub changeable_until: Option<DateTime<Utc>>,
}

/// What a change did: the week as it is now, and the credit it gave, if any.
#[derive(Debug, Clone)]
pub struct WeekChange {
    pub week: PaidWeek,
    pub credit: Option<AccountCredit>,
}

/// The week of `item` among its activity's weeks still to come, with its windows;
/// None once it has begun.
fn week_of(
    conn: &mut AnyConnection,
    item: &BasketItem,
    today: NaiveDate,
) -> Outcome<Option<BookableWeek>> {
    let activity = activities::find(conn, item.activity_id)?.ok_or_else(|| gone("activity"))?;
    let unit = prepaid_unit(conn, activity.id)?;
    Ok(bookable_weeks(conn, &activity, &unit, today)?
        .into_iter()
        .find(|w| w.week.start == item.week_start))
}

fn deadline(week: Option<&BookableWeek>) -> Option<DateTime<Utc>> {
    week.and_then(|w| w.change).map(|w| w.closes_at)
}

/// The family's paid weeks not cancelled, latest first, each with its change deadline.
pub fn paid_weeks(
    conn: &mut AnyConnection,
    dossier_id: i64,
    today: NaiveDate,
) -> Outcome<Vec<PaidWeek>> {
    let items = store::paid_items_of(conn, dossier_id)?;
    // One read of an activity's weeks for all its items.
    let mut weeks: HashMap<i64, Vec<BookableWeek>> = HashMap::new();
    let mut paid = Vec::with_capacity(items.len());
    for item in items {
        if let Entry::Vacant(entry) = weeks.entry(item.activity_id) {
            let activity =
                activities::find(conn, item.activity_id)?.ok_or_else(|| gone("activity"))?;
            let unit = prepaid_unit(conn, activity.id)?;
            entry.insert(bookable_weeks(conn, &activity, &unit, today)?);
        }
        let week = weeks
            .get(&item.activity_id)
            .and_then(|all| all.iter().find(|w| w.week.start == item.week_start));
        paid.push(PaidWeek {
            changeable_until: deadline(week),
            item,
        });
    }
    Ok(paid)
}

/// The paid week `item_id` of the dossier, still changeable at `now`.
fn changeable(
    conn: &mut AnyConnection,
    dossier_id: i64,
    item_id: i64,
    (today, now): (NaiveDate, DateTime<Utc>),
) -> Outcome<(BasketItem, Option<DateTime<Utc>>)> {
    let item = store::find_paid_item(conn, dossier_id, item_id)?.ok_or(CommonRefusal::NotFound)?;
    if item.cancelled_at.is_some() {
        return Err(ActivityRefusal::WeekCancelled.into());
    }
    let week = week_of(conn, &item, today)?;
    match &week {
        Some(week) => week.check_changeable(now)?,
        // Begun: its first day's start was the last moment.
        None => return Err(ActivityRefusal::DeadlinePassed.into()),
    }
    Ok((item, deadline(week.as_ref())))
}

fn child_name(conn: &mut AnyConnection, child_id: i64) -> Outcome<String> {
    Ok(children::find(conn, child_id, None)?
        .ok_or_else(|| gone("child"))?
        .first_name)
}

/// Cancels a paid week before its change deadline: its amount becomes an account
/// credit, its place goes to the first child waiting.
pub fn cancel(
    conn: &mut AnyConnection,
    frontend_url: &str,
    dossier_id: i64,
    item_id: i64,
    (today, now, zone): (NaiveDate, DateTime<Utc>, Tz),
) -> Outcome<WeekChange> {
    let (item, _) = changeable(conn, dossier_id, item_id, (today, now))?;
    let reason = format!(
        "Annulation de la semaine du {} ({})",
        french_date(item.week_start),
        child_name(conn, item.child_id)?
    );
    credits::prepare_numbers(conn, now, zone)?;
    write_transaction(conn, |conn| {
        // First: a twin cancel or swap of the same week finds it changed.
        if !store::cancel_item(conn, &item, now)? {
            return Err(ActivityRefusal::WeekCancelled.into());
        }
        let credit = credits::issue(
            conn,
            dossier_id,
            Some(item.id),
            item.amount_cents,
            &reason,
            (now, zone),
        )?;
        store::release_week_place(conn, item.group_id, item.week_start)?;
        offer_next(conn, frontend_url, item.group_id, item.week_start, now)?;
        let item = store::find_paid_item(conn, dossier_id, item.id)?.ok_or_else(|| gone("week"))?;
        Ok(WeekChange {
            week: PaidWeek {
                item,
                changeable_until: None,
            },
            credit: Some(credit),
        })
    })
}

/// Swaps a paid week, before its change deadline, for another week of the activity
/// with places and an open booking window, in `group_id` or the same group: the
/// payment is kept, a cheaper week gives the difference as an account credit, a
/// dearer one is refused (`swap_costs_more`).
pub fn swap(
    conn: &mut AnyConnection,
    frontend_url: &str,
    dossier_id: i64,
    item_id: i64,
    (to, group_id): (NaiveDate, Option<i64>),
    (today, now, zone): (NaiveDate, DateTime<Utc>, Tz),
) -> Outcome<WeekChange> {
    let (item, _) = changeable(conn, dossier_id, item_id, (today, now))?;
    let group_id = group_id.unwrap_or(item.group_id);
    if to == item.week_start && group_id == item.group_id {
        return Err(UseCaseError::Invalid(vec![FieldError::new(
            "weekStart",
            "same_week",
            "C'est déjà la semaine réservée : choisissez-en une autre.",
            "This is the week already booked: choose another one.",
        )]));
    }
    let (_, weeks, _) = weeks_of(conn, dossier_id, item.child_id, item.activity_id, today)?;
    let target = weeks
        .into_iter()
        .find(|w| w.week.start == to)
        .ok_or_else(not_offered)?;
    crate::usecases::dossiers::households::check_custody_of(
        conn,
        dossier_id,
        item.child_id,
        &target.week.days,
    )?;
    target.check_bookable(now)?;
    let group = activities::groups_of(conn, item.activity_id)?
        .into_iter()
        .find(|g| g.id == group_id)
        .ok_or_else(unknown_group)?;
    if to != item.week_start && store::week_booked(conn, item.child_id, item.activity_id, to)? {
        return Err(ActivityRefusal::AlreadyRegistered.into());
    }
    // At the price paid for a day: the family keeps its rate.
    let days =
        i32::try_from(target.week.days.len()).map_err(|e| UseCaseError::Internal(e.into()))?;
    let moved = BasketItem {
        group_id: group.id,
        week_start: to,
        days,
        amount_cents: target.week.price_cents(item.day_price_cents),
        ..item.clone()
    };
    let refund = item.amount_cents - moved.amount_cents;
    if refund < 0 {
        return Err(ActivityRefusal::SwapCostsMore.into());
    }
    let reason = format!(
        "Échange de la semaine du {} contre celle du {} ({})",
        french_date(item.week_start),
        french_date(to),
        child_name(conn, item.child_id)?
    );
    if refund > 0 {
        credits::prepare_numbers(conn, now, zone)?;
    }
    write_transaction(conn, |conn| {
        // First: a twin cancel or swap of the same week finds it moved.
        let moved_now = store::move_item(conn, &moved, &item)
            .map_err(unique_as(ActivityRefusal::AlreadyRegistered))?;
        if !moved_now {
            return Err(ActivityRefusal::WeekCancelled.into());
        }
        // Read again under the write: a basket of the same week paid meanwhile.
        if store::week_booked_elsewhere(conn, &moved, item.basket_id)? {
            return Err(ActivityRefusal::AlreadyRegistered.into());
        }
        if !store::take_week_place(conn, group.id, to, group.capacity)? {
            return Err(ActivityRefusal::ActivityFull.into());
        }
        let credit = if refund > 0 {
            Some(credits::issue(
                conn,
                dossier_id,
                Some(item.id),
                refund,
                &reason,
                (now, zone),
            )?)
        } else {
            None
        };
        store::release_week_place(conn, item.group_id, item.week_start)?;
        offer_next(conn, frontend_url, item.group_id, item.week_start, now)?;
        Ok(WeekChange {
            week: PaidWeek {
                item: moved.clone(),
                changeable_until: deadline(Some(&target)),
            },
            credit,
        })
    })
}

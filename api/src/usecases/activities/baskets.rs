//! Holiday weeks paid at once (the guide's "inscriptions en paiement immédiat"):
//! the weeks a child may take with their places left, a basket priced by the
//! server, a checkout that holds the places while the family pays, and the
//! payment's result that confirms the weeks or gives the places back.

pub use persistence::activities::baskets::{Basket, BasketItem};

use chrono::{DateTime, Duration, NaiveDate, Utc};
pub use domain::activities::{BasketStatus, PaymentResult, WeekWaitlistStatus};
use domain::activities::{
    HolidayWeek, RegistrationMode, holiday_weeks, places_left, unit_price, week_booking_window,
};
use domain::calendar::{HolidayRegion, french_date, french_instant};
use domain::planning::{Calendar, ChangeDecision, ChangeWindow, judge};
use persistence::activities::baskets;
use persistence::activities::{Activity, Group, Unit};
use persistence::write_transaction;
use persistence::{AnyConnection, activities, dossiers::children};

use crate::problem::FieldError;
use crate::usecases::activities as catalogue;
use crate::usecases::billing::{credits, invoices};
use crate::usecases::dossiers::gone;
use crate::usecases::notifications::notice_data::{
    NoticeData, PaymentReceivedData, WaitlistOfferData,
};
use crate::usecases::notifications::{self, Notice};
use crate::usecases::planning::{all_public_holidays, deadline_rules, parse_time, school_calendar};
use crate::usecases::{ActivityRefusal, CommonRefusal, Outcome, Refusal, UseCaseError};
use domain::billing::PaymentMethod;
use persistence::billing::account_credits::{self, UsedBy};

/// A week of a prepaid activity, with when it may be booked.
#[derive(Debug, Clone)]
pub struct BookableWeek {
    pub week: HolidayWeek,
    /// Its booking window, under the activity's booking rule; None when the rule
    /// gives it none.
    pub window: Option<ChangeWindow>,
    /// When a paid week may be cancelled or swapped, under the activity's change rule.
    pub change: Option<ChangeWindow>,
}

impl BookableWeek {
    /// Whether the week may be booked at `now`; refused with the window's instants.
    pub fn check_bookable(&self, now: DateTime<Utc>) -> Outcome<()> {
        match (judge(self.window, now), self.window) {
            (ChangeDecision::Allowed { .. }, _) => Ok(()),
            (ChangeDecision::NotYetOpen { .. }, Some(window)) => Err(UseCaseError::OutsideWindow(
                ActivityRefusal::WindowNotOpen.into(),
                window,
            )),
            (ChangeDecision::DeadlinePassed { .. }, Some(window)) => Err(
                UseCaseError::OutsideWindow(ActivityRefusal::WindowClosed.into(), window),
            ),
            _ => Err(ActivityRefusal::NoBookingWindow.into()),
        }
    }

    /// Whether the paid week may be cancelled or swapped at `now`; past its change
    /// deadline, refused with the deadline.
    pub fn check_changeable(&self, now: DateTime<Utc>) -> Outcome<()> {
        match (judge(self.change, now), self.change) {
            (ChangeDecision::Allowed { .. }, _) => Ok(()),
            (ChangeDecision::NotYetOpen { .. }, Some(window)) => Err(UseCaseError::OutsideWindow(
                ActivityRefusal::WindowNotOpen.into(),
                window,
            )),
            (ChangeDecision::DeadlinePassed { deadline }, _) => Err(UseCaseError::PastDeadline(
                ActivityRefusal::DeadlinePassed.into(),
                deadline,
            )),
            _ => Err(ActivityRefusal::DeadlinePassed.into()),
        }
    }
}

/// A week on offer: its days and booking window, its price for this family, each
/// group's places left.
#[derive(Debug, Clone)]
pub struct WeekOffer {
    pub week: BookableWeek,
    /// Whether the week may be booked now.
    pub bookable_now: bool,
    pub day_price_cents: i64,
    pub groups: Vec<(Group, i32)>,
}

/// The weeks of a prepaid activity (its `unit`) from `today` on, each with its
/// booking window: the activity's booking rule read as the planning reads it.
pub(super) fn bookable_weeks(
    conn: &mut AnyConnection,
    activity: &Activity,
    unit: &Unit,
    today: NaiveDate,
) -> Outcome<Vec<BookableWeek>> {
    use persistence::planning::deadline_rules as rules_store;
    let kind =
        rules_store::of_kind(conn, activity.kind_id)?.ok_or_else(|| gone("activity kind"))?;
    let own = rules_store::of_activity(conn, activity.id)?;
    let rules = deadline_rules::effective(&kind, own.as_ref());
    let school_holidays =
        school_calendar::periods(&persistence::planning::calendar::school_holidays(conn)?);
    let calendar = Calendar {
        public_holidays: all_public_holidays(),
        school_holidays: &school_holidays,
    };
    let starts_at = parse_time(&unit.starts_at);
    Ok(holiday_weeks(
        activity.starts_on,
        activity.ends_on,
        &unit.weekdays,
        HolidayRegion::Metropole,
    )
    .into_iter()
    .filter(|w| w.days.iter().all(|d| *d > today))
    .map(|week| BookableWeek {
        window: week_booking_window(&week, &rules.booking, starts_at, &calendar),
        change: week_booking_window(&week, &rules.change, starts_at, &calendar),
        week,
    })
    .collect())
}

/// The unit of a prepaid activity: it has one, which its weeks follow.
pub(super) fn prepaid_unit(conn: &mut AnyConnection, activity_id: i64) -> Outcome<Unit> {
    activities::units_of(conn, activity_id)?
        .into_iter()
        .next()
        .ok_or_else(|| gone("unit of a prepaid activity"))
}

/// The booked weeks of `items` may still be booked at `now` (a basket filled while
/// a window was open is not paid for once it has closed).
fn check_items_bookable(
    conn: &mut AnyConnection,
    items: &[BasketItem],
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Outcome<()> {
    for item in items {
        let activity = activities::find(conn, item.activity_id)?.ok_or_else(|| gone("activity"))?;
        let unit = prepaid_unit(conn, activity.id)?;
        let weeks = bookable_weeks(conn, &activity, &unit, today)?;
        match weeks.iter().find(|w| w.week.start == item.week_start) {
            Some(week) => week.check_bookable(now)?,
            // The week has begun: too late to book it.
            None => return Err(ActivityRefusal::WindowClosed.into()),
        }
    }
    Ok(())
}

#[derive(Debug, Clone)]
pub struct BasketRecord {
    pub basket: Basket,
    pub items: Vec<BasketItem>,
    /// Its latest online payment attempt.
    pub payment: Option<persistence::billing::online_payments::OnlinePayment>,
}

/// The prepaid activity and its weeks still to come for the child, with its
/// family's day price.
pub(super) fn weeks_of(
    conn: &mut AnyConnection,
    dossier_id: i64,
    child_id: i64,
    activity_id: i64,
    today: NaiveDate,
) -> Outcome<(Activity, Vec<BookableWeek>, i64)> {
    let child = children::find(conn, child_id, Some(dossier_id))?.ok_or(CommonRefusal::NotFound)?;
    let activity = activities::find(conn, activity_id)?.ok_or(CommonRefusal::NotFound)?;
    if activity.mode != RegistrationMode::Prepaid {
        return Err(UseCaseError::Invalid(vec![FieldError::new(
            "activityId",
            "not_prepaid",
            "Cette activité ne se réserve pas par semaine dans le panier.",
            "This activity is not booked by the week in the basket.",
        )]));
    }
    let level = child.school_level;
    if !catalogue::eligible(&activity, child.birth_date, level, today) {
        return Err(ActivityRefusal::NotEligible.into());
    }
    let unit = prepaid_unit(conn, activity_id)?;
    let quotient = catalogue::current_quotient(conn, dossier_id, today)?;
    let price = unit_price(&unit.prices, quotient, None, false)
        .ok_or_else(|| gone("price of a prepaid activity"))?;
    let weeks = bookable_weeks(conn, &activity, &unit, today)?;
    Ok((activity, weeks, price))
}

/// The weeks a child may take, with their places left.
pub fn week_offers(
    conn: &mut AnyConnection,
    frontend_url: &str,
    dossier_id: i64,
    child_id: i64,
    activity_id: i64,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Outcome<Vec<WeekOffer>> {
    release_expired(conn, frontend_url, now)?;
    let (activity, weeks, price) = weeks_of(conn, dossier_id, child_id, activity_id, today)?;
    let groups = activities::groups_of(conn, activity.id)?;
    let mut taken = Vec::new();
    for group in &groups {
        taken.push(baskets::week_taken(conn, group.id)?);
    }
    Ok(weeks
        .into_iter()
        .map(|week| {
            let groups = groups
                .iter()
                .zip(&taken)
                .map(|(group, weeks)| {
                    let used = weeks
                        .iter()
                        .find(|(w, _)| *w == week.week.start)
                        .map_or(0, |(_, t)| *t);
                    (group.clone(), places_left(group.capacity, used))
                })
                .collect();
            WeekOffer {
                bookable_now: week.check_bookable(now).is_ok(),
                week,
                day_price_cents: price,
                groups,
            }
        })
        .collect())
}

/// The dossier's open basket, claimed for a change as the first write of the
/// caller's transaction, or opened (in a savepoint: a second family member opening
/// one at the same moment makes this one claim theirs).
fn open_basket(
    conn: &mut AnyConnection,
    dossier_id: i64,
    account_id: i64,
    now: DateTime<Utc>,
) -> Outcome<Basket> {
    for _ in 0..2 {
        if let Some(id) = baskets::claim_open(conn, dossier_id, now)? {
            return baskets::find(conn, id, None)?.ok_or_else(|| gone("basket"));
        }
        let opened = write_transaction(conn, |conn| {
            baskets::open(conn, dossier_id, account_id, now)
        });
        if let Ok(id) = opened {
            return baskets::find(conn, id, None)?.ok_or_else(|| gone("basket"));
        }
    }
    Err(gone("basket"))
}

fn record(conn: &mut AnyConnection, basket: Basket) -> Outcome<BasketRecord> {
    Ok(BasketRecord {
        items: baskets::items_of(conn, basket.id)?,
        payment: persistence::billing::online_payments::latest_of_basket(conn, basket.id)?,
        basket,
    })
}

/// The family's open basket (empty if none).
pub fn current(
    conn: &mut AnyConnection,
    dossier_id: i64,
    account_id: i64,
    now: DateTime<Utc>,
) -> Outcome<BasketRecord> {
    write_transaction(conn, |conn| {
        let basket = open_basket(conn, dossier_id, account_id, now)?;
        record(conn, basket)
    })
}

pub fn get(
    conn: &mut AnyConnection,
    frontend_url: &str,
    id: i64,
    dossier_id: i64,
    now: DateTime<Utc>,
) -> Outcome<BasketRecord> {
    release_expired(conn, frontend_url, now)?;
    let basket = baskets::find(conn, id, Some(dossier_id))?.ok_or(CommonRefusal::NotFound)?;
    record(conn, basket)
}

/// The group named is not one of the activity's.
pub(super) fn unknown_group() -> UseCaseError {
    UseCaseError::Invalid(vec![FieldError::new(
        "groupId",
        "unknown_group",
        "Ce groupe n'appartient pas à cette activité.",
        "This group does not belong to this activity.",
    )])
}

pub(super) fn not_offered() -> UseCaseError {
    UseCaseError::Invalid(vec![FieldError::new(
        "weekStart",
        "not_offered",
        "Cette semaine n'est pas proposée (un lundi de la période, à venir).",
        "This week is not on offer (a Monday of the period, still to come).",
    )])
}

/// What a family adds: a child, a prepaid activity, a week (its Monday), a group.
#[derive(Debug, Clone, Copy)]
pub struct NewItem {
    pub child_id: i64,
    pub activity_id: i64,
    pub week_start: NaiveDate,
    pub group_id: Option<i64>,
}

/// Adds a week to the basket, priced by the server (the family's day price times
/// the week's open days).
pub fn add_item(
    conn: &mut AnyConnection,
    dossier_id: i64,
    account_id: i64,
    item: &NewItem,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Outcome<BasketRecord> {
    let (activity, weeks, price) =
        weeks_of(conn, dossier_id, item.child_id, item.activity_id, today)?;
    let week = weeks
        .into_iter()
        .find(|w| w.week.start == item.week_start)
        .ok_or_else(not_offered)?;
    week.check_bookable(now)?;
    let week = week.week;
    crate::usecases::dossiers::households::check_custody_of(
        conn,
        dossier_id,
        item.child_id,
        &week.days,
    )?;
    // A week is a registration for its days: the same renewal and documents apply.
    crate::usecases::dossiers::renewals::check_for_registration(
        conn, dossier_id, week.start, today,
    )?;
    crate::usecases::dossiers::requirements::check_for_registration(
        conn,
        dossier_id,
        item.child_id,
        &activity.required_documents,
        week.start,
    )?;
    let groups = activities::groups_of(conn, activity.id)?;
    let group = match item.group_id {
        Some(id) => groups
            .iter()
            .find(|g| g.id == id)
            .ok_or_else(unknown_group)?,
        None => groups.first().ok_or(ActivityRefusal::ActivityFull)?,
    };
    if baskets::week_booked(conn, item.child_id, activity.id, week.start)? {
        return Err(ActivityRefusal::AlreadyRegistered.into());
    }
    let days = i32::try_from(week.days.len()).map_err(|e| UseCaseError::Internal(e.into()))?;
    write_transaction(conn, |conn| {
        let basket = open_basket(conn, dossier_id, account_id, now)?;
        baskets::add_item(
            conn,
            &BasketItem {
                id: 0,
                basket_id: basket.id,
                child_id: item.child_id,
                activity_id: activity.id,
                group_id: group.id,
                week_start: week.start,
                days,
                day_price_cents: price,
                amount_cents: week.price_cents(price),
                cancelled_at: None,
            },
        )
        .map_err(crate::usecases::unique_as(
            ActivityRefusal::AlreadyRegistered,
        ))?;
        let basket = baskets::find(conn, basket.id, None)?.ok_or_else(|| gone("basket"))?;
        record(conn, basket)
    })
}

pub fn remove_item(
    conn: &mut AnyConnection,
    dossier_id: i64,
    item_id: i64,
) -> Outcome<BasketRecord> {
    let basket = baskets::open_of(conn, dossier_id)?.ok_or(CommonRefusal::NotFound)?;
    if !baskets::remove_item(conn, basket.id, item_id)? {
        return Err(CommonRefusal::NotFound.into());
    }
    let basket = baskets::find(conn, basket.id, None)?.ok_or_else(|| gone("basket"))?;
    record(conn, basket)
}

/// Checks the open basket out under the client's `Idempotency-Key`: every week's
/// place is held (all or none: 422 `activity_full`) for `hold_minutes` while the
/// family pays. The same key again answers the same basket.
pub fn checkout(
    conn: &mut AnyConnection,
    frontend_url: &str,
    dossier_id: i64,
    key: &str,
    hold_minutes: i64,
    (today, now): (NaiveDate, DateTime<Utc>),
) -> Outcome<BasketRecord> {
    release_expired(conn, frontend_url, now)?;
    if let Some(done) = baskets::find_by_key(conn, dossier_id, key)? {
        return record(conn, done);
    }
    // The key also names the basket's payment: one another payment (an invoice's,
    // another basket's) already has is refused before any place is held; its own
    // twin, which held the basket since the first look, is answered.
    if persistence::billing::online_payments::find_by_key(conn, dossier_id, key)?.is_some() {
        return match baskets::find_by_key(conn, dossier_id, key)? {
            Some(done) => record(conn, done),
            None => Err(CommonRefusal::IdempotencyKeyReused.into()),
        };
    }
    let Some(basket) = baskets::open_of(conn, dossier_id)? else {
        // No open basket: the same key's twin may have just held it.
        return match baskets::find_by_key(conn, dossier_id, key)? {
            Some(done) => record(conn, done),
            None => Err(ActivityRefusal::BasketEmpty.into()),
        };
    };
    let reference = uuid::Uuid::new_v4().simple().to_string();
    let held = write_transaction(conn, |conn| {
        // The claim comes first: a second checkout of the basket finds it taken.
        if !baskets::hold(
            conn,
            basket.id,
            key,
            &reference,
            now + Duration::minutes(hold_minutes),
            now,
        )
        .map_err(crate::usecases::unique_as(
            CommonRefusal::IdempotencyKeyReused,
        ))? {
            return Err(UseCaseError::from(ActivityRefusal::BasketNotOpen));
        }
        // Read once the basket is held: nothing can be added or removed any more.
        // Places are taken in one order, so two checkouts never wait on each other.
        let mut items = baskets::items_of(conn, basket.id)?;
        if items.is_empty() {
            return Err(ActivityRefusal::BasketEmpty.into());
        }
        check_items_bookable(conn, &items, today, now)?;
        take_places(conn, basket.id, &mut items)?;
        // The family's account credits pay what they can before any card payment.
        let held = baskets::find(conn, basket.id, None)?.ok_or_else(|| gone("basket"))?;
        let credit = credits::use_credits(
            conn,
            dossier_id,
            UsedBy::Basket(basket.id),
            held.total_cents,
            now,
        )?;
        if credit > 0 {
            baskets::set_credit(conn, basket.id, credit)?;
        }
        let basket = baskets::find(conn, basket.id, None)?.ok_or_else(|| gone("basket"))?;
        // Credits paid it all: no card payment, the weeks are booked with the hold.
        if basket.credit_cents >= basket.total_cents {
            confirm_paid(conn, frontend_url, &basket, now)?;
        }
        let basket = baskets::find(conn, basket.id, None)?.ok_or_else(|| gone("basket"))?;
        record(conn, basket)
    });
    match held {
        // The same key sent twice at once: the second answers what the first did.
        Err(UseCaseError::Refused(Refusal::Activity(
            refusal @ (ActivityRefusal::BasketNotOpen | ActivityRefusal::BasketEmpty),
        ))) => match baskets::find_by_key(conn, dossier_id, key)? {
            Some(done) => record(conn, done),
            None => Err(refusal.into()),
        },
        other => other,
    }
}

/// Applies a payment's result to the basket it pays, before anything else expires:
/// paid confirms the weeks and emails the family; refused or abandoned gives the
/// places back. A held basket changes once: a replayed result changes nothing. A
/// payment reported after its hold ran out takes its places again if they are still
/// free; if not, the basket stays expired and the error log asks for a refund.
pub fn settle(
    conn: &mut AnyConnection,
    frontend_url: &str,
    reference: &str,
    result: PaymentResult,
    now: DateTime<Utc>,
) -> Outcome<BasketRecord> {
    let basket = baskets::find_by_reference(conn, reference)?.ok_or(CommonRefusal::NotFound)?;
    // Paid after its places went back (its hold ran out, or an earlier attempt was
    // refused or abandoned): the weeks are taken again if they are still free.
    if basket.status.gave_places_back() && result == PaymentResult::Paid {
        let retaken = write_transaction(conn, |conn| {
            if !baskets::set_status(conn, basket.id, basket.status, BasketStatus::Paid, now)? {
                return Ok::<_, UseCaseError>(false);
            }
            let mut items = baskets::items_of(conn, basket.id)?;
            take_places(conn, basket.id, &mut items)?;
            // The credits it used went back with its places: they are used again.
            let credit = credits::use_credits(
                conn,
                basket.dossier_id,
                UsedBy::Basket(basket.id),
                basket.credit_cents,
                now,
            )?;
            if credit < basket.credit_cents {
                tracing::error!(
                    basket = basket.id,
                    missing_cents = basket.credit_cents - credit,
                    "a late payment's basket could not use its account credits again: collect the difference"
                );
            }
            Ok(true)
        });
        match retaken {
            Err(UseCaseError::Refused(Refusal::Activity(ActivityRefusal::ActivityFull))) => {
                tracing::error!(
                    basket = basket.id,
                    "a payment arrived after its hold expired and its places went to others: refund it"
                )
            }
            other => {
                other?;
            }
        }
    }
    let to = BasketStatus::after_payment(result);
    write_transaction(conn, |conn| {
        if result == PaymentResult::Paid {
            confirm_paid(conn, frontend_url, &basket, now)?;
        } else if baskets::set_status(conn, basket.id, BasketStatus::Held, to, now)? {
            release_items(conn, frontend_url, basket.id, now)?;
        }
        Ok::<_, UseCaseError>(())
    })?;
    release_expired(conn, frontend_url, now)?;
    let basket = baskets::find(conn, basket.id, None)?.ok_or_else(|| gone("basket"))?;
    record(conn, basket)
}

/// A held basket becomes paid, once: its offer (if it was one) is taken and the family
/// is told.
fn confirm_paid(
    conn: &mut AnyConnection,
    frontend_url: &str,
    basket: &Basket,
    now: DateTime<Utc>,
) -> Outcome<()> {
    if baskets::set_status(conn, basket.id, BasketStatus::Held, BasketStatus::Paid, now)? {
        baskets::close_offer(conn, basket.id, WeekWaitlistStatus::Taken)?;
        notifications::notify(conn, &[paid_notice(frontend_url, basket)], now)?;
    }
    Ok(())
}

/// Takes the place of each of the basket's `items`, all or none (422
/// `activity_full`), in one order so two baskets never wait on each other.
fn take_places(conn: &mut AnyConnection, basket_id: i64, items: &mut [BasketItem]) -> Outcome<()> {
    items.sort_by_key(|i| (i.group_id, i.week_start));
    for item in items.iter() {
        let group = activities::find_group(conn, item.group_id)?.ok_or_else(|| gone("group"))?;
        if baskets::week_booked_elsewhere(conn, item, basket_id)?
            || !baskets::take_week_place(conn, item.group_id, item.week_start, group.capacity)?
        {
            return Err(ActivityRefusal::ActivityFull.into());
        }
    }
    Ok(())
}

/// The family is told its basket is paid: by card, by its account credits, or both.
fn paid_notice(frontend_url: &str, basket: &Basket) -> Notice {
    let (card, credit) = (
        basket.total_cents - basket.credit_cents,
        basket.credit_cents,
    );
    let paid = match (card, credit) {
        (0, _) => format!(
            "Votre avoir de {} EUR est déduit :",
            invoices::euros(credit)
        ),
        (_, 0) => format!("Votre paiement de {} EUR est reçu :", invoices::euros(card)),
        _ => format!(
            "Votre paiement de {} EUR est reçu et votre avoir de {} EUR déduit :",
            invoices::euros(card),
            invoices::euros(credit)
        ),
    };
    Notice {
        dossier_id: basket.dossier_id,
        title: format!("Paiement reçu : inscriptions n° {}", basket.id),
        paragraphs: vec![format!(
            "{paid} les semaines de votre panier n° {} sont réservées. Le détail est dans votre espace :",
            basket.id
        )],
        link: Some((
            "Voir mes inscriptions".to_owned(),
            format!("{frontend_url}/inscriptions"),
        )),
        data: NoticeData::PaymentReceived(PaymentReceivedData {
            invoice_id: None,
            number: None,
            basket_id: Some(basket.id),
            amount_cents: if card > 0 { card } else { credit },
            method: if card > 0 {
                PaymentMethod::Card
            } else {
                PaymentMethod::AccountCredit
            }
            .as_str()
            .to_owned(),
        }),
        dedupe_key: None,
    }
}

/// Gives a basket's places back, each to the first child waiting for its week if
/// any (an offer the family is emailed).
fn release_items(
    conn: &mut AnyConnection,
    frontend_url: &str,
    basket_id: i64,
    now: DateTime<Utc>,
) -> Outcome<()> {
    baskets::close_offer(conn, basket_id, WeekWaitlistStatus::Lapsed)?;
    account_credits::give_back(conn, basket_id)?;
    for item in baskets::items_of(conn, basket_id)? {
        baskets::release_week_place(conn, item.group_id, item.week_start)?;
        offer_next(conn, frontend_url, item.group_id, item.week_start, now)?;
    }
    Ok(())
}

/// How long a family offered a freed week has to pay for it.
const OFFER_HOURS: i64 = 24;

/// Offers a freed place of the group's week to the first child waiting: a basket
/// held for them for `OFFER_HOURS`, its place taken, the family emailed the link.
pub(super) fn offer_next(
    conn: &mut AnyConnection,
    frontend_url: &str,
    group_id: i64,
    week_start: NaiveDate,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let today = now.date_naive();
    // The first child still able to take the week: one who cannot any more (no
    // longer eligible, the week begun, the week held elsewhere) leaves the line.
    let (entry, week, price) = loop {
        let Some(entry) = baskets::first_waiting_for_week(conn, group_id, week_start)? else {
            return Ok(());
        };
        let offer = match weeks_of(
            conn,
            entry.dossier_id,
            entry.child_id,
            entry.activity_id,
            today,
        ) {
            Ok((_, weeks, price)) => match weeks.into_iter().find(|w| w.week.start == week_start) {
                // Outside the week's window nobody may take it: the place stays free
                // and the line keeps its order (the city may open the window again).
                Some(week) if week.check_bookable(now).is_err() => return Ok(()),
                found => found.map(|w| (w.week, price)),
            },
            Err(UseCaseError::Refused(_) | UseCaseError::Invalid(_)) => None,
            Err(other) => return Err(other),
        };
        match offer {
            Some((week, price))
                if !baskets::week_booked(conn, entry.child_id, entry.activity_id, week_start)? =>
            {
                break (entry, week, price);
            }
            _ => baskets::lapse_waiting(conn, entry.id)?,
        }
    };
    let group = activities::find_group(conn, group_id)?.ok_or_else(|| gone("group"))?;
    if !baskets::take_week_place(conn, group_id, week_start, group.capacity)? {
        return Ok(());
    }
    let days = i32::try_from(week.days.len()).map_err(|e| UseCaseError::Internal(e.into()))?;
    let item = BasketItem {
        id: 0,
        basket_id: 0,
        child_id: entry.child_id,
        activity_id: entry.activity_id,
        group_id,
        week_start,
        days,
        day_price_cents: price,
        amount_cents: week.price_cents(price),
        cancelled_at: None,
    };
    let until = now + Duration::hours(OFFER_HOURS);
    let reference = uuid::Uuid::new_v4().simple().to_string();
    let basket_id = baskets::insert_held(
        conn,
        &item,
        entry.dossier_id,
        entry.account_id,
        &reference,
        until,
        now,
    )?;
    baskets::offer_week(conn, entry.id, basket_id, until)?;
    let child = children::find(conn, entry.child_id, None)?.ok_or_else(|| gone("child"))?;
    let notice = Notice {
        dossier_id: entry.dossier_id,
        title: format!("Une place s'est libérée pour {}", child.first_name),
        paragraphs: vec![
            format!(
                "Une place s'est libérée pour {}, semaine du {} ({} EUR). Elle vous est réservée : réglez-la pour confirmer l'inscription :",
                child.first_name,
                french_date(week_start),
                invoices::euros(item.amount_cents),
            ),
            format!(
                "Sans paiement avant le {}, la place sera proposée à la famille suivante.",
                french_instant(until)
            ),
        ],
        link: Some((
            "Régler la semaine".to_owned(),
            format!("{frontend_url}/panier/{basket_id}"),
        )),
        data: NoticeData::WaitlistOffer(WaitlistOfferData {
            basket_id,
            child_id: entry.child_id,
            activity_id: entry.activity_id,
            week_start,
            amount_cents: item.amount_cents,
            offer_expires_at: until,
        }),
        dedupe_key: None,
    };
    notifications::notify(conn, &[notice], now)?;
    Ok(())
}

/// Gives back the places of baskets whose hold ran out (each once: the status
/// moves first).
pub fn release_expired(
    conn: &mut AnyConnection,
    frontend_url: &str,
    now: DateTime<Utc>,
) -> Outcome<usize> {
    let mut released = 0;
    for basket in baskets::expired_holds(conn, now)? {
        let done = write_transaction(conn, |conn| {
            if baskets::set_status(
                conn,
                basket.id,
                BasketStatus::Held,
                BasketStatus::Expired,
                now,
            )? {
                release_items(conn, frontend_url, basket.id, now)?;
                return Ok::<_, UseCaseError>(true);
            }
            Ok(false)
        });
        match done {
            Ok(done) => released += usize::from(done),
            // One basket that cannot be released must not block every other one.
            Err(error) => {
                tracing::error!(basket = basket.id, error = ?error, "an expired basket could not be released")
            }
        }
    }
    Ok(released)
}

/// The family's paid holiday weeks.
pub fn paid_weeks(conn: &mut AnyConnection, dossier_id: i64) -> Outcome<Vec<BasketItem>> {
    Ok(baskets::paid_items_of(conn, dossier_id)?)
}

/// A child waiting for a full week, and where it stands.
#[derive(Debug, Clone)]
pub struct WaitingRecord {
    pub entry: baskets::WaitingEntry,
    /// Place in the week's line, while waiting.
    pub position: Option<i64>,
    /// The basket held for the family, once a place was offered.
    pub offer: Option<Basket>,
}

fn waiting_record(
    conn: &mut AnyConnection,
    entry: baskets::WaitingEntry,
) -> Outcome<WaitingRecord> {
    let position = if entry.status == WeekWaitlistStatus::Waiting {
        Some(baskets::week_position(conn, &entry)?)
    } else {
        None
    };
    let offer = match entry.basket_id {
        Some(id) => baskets::find(conn, id, None)?,
        None => None,
    };
    Ok(WaitingRecord {
        entry,
        position,
        offer,
    })
}

/// Puts a child in the line of a full week (one with places left is booked
/// through the basket instead).
pub fn join_waitlist(
    conn: &mut AnyConnection,
    frontend_url: &str,
    dossier_id: i64,
    account_id: i64,
    item: &NewItem,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Outcome<WaitingRecord> {
    let offers = week_offers(
        conn,
        frontend_url,
        dossier_id,
        item.child_id,
        item.activity_id,
        today,
        now,
    )?;
    let offer = offers
        .iter()
        .find(|o| o.week.week.start == item.week_start)
        .ok_or_else(not_offered)?;
    crate::usecases::dossiers::households::check_custody_of(
        conn,
        dossier_id,
        item.child_id,
        &offer.week.week.days,
    )?;
    // A line is for a week that may be booked now: none forms before its window.
    offer.week.check_bookable(now)?;
    let (group, left) = match item.group_id {
        Some(id) => offer.groups.iter().find(|(g, _)| g.id == id),
        None => offer.groups.first(),
    }
    .ok_or_else(unknown_group)?;
    if *left > 0 {
        return Err(ActivityRefusal::PlacesLeft.into());
    }
    if baskets::week_booked(conn, item.child_id, item.activity_id, item.week_start)? {
        return Err(ActivityRefusal::AlreadyRegistered.into());
    }
    let line_item = BasketItem {
        id: 0,
        basket_id: 0,
        child_id: item.child_id,
        activity_id: item.activity_id,
        group_id: group.id,
        week_start: item.week_start,
        days: 1,
        day_price_cents: 0,
        amount_cents: 0,
        cancelled_at: None,
    };
    let id = baskets::wait_for_week(conn, &line_item, dossier_id, account_id, now).map_err(
        crate::usecases::unique_as(ActivityRefusal::AlreadyRegistered),
    )?;
    let entry = baskets::waiting_entries_of(conn, dossier_id)?
        .into_iter()
        .find(|e| e.id == id)
        .ok_or_else(|| gone("waiting entry"))?;
    waiting_record(conn, entry)
}

/// The family's places in the lines of full weeks, and the offers made to it.
pub fn waiting_of(
    conn: &mut AnyConnection,
    frontend_url: &str,
    dossier_id: i64,
    now: DateTime<Utc>,
) -> Outcome<Vec<WaitingRecord>> {
    release_expired(conn, frontend_url, now)?;
    baskets::waiting_entries_of(conn, dossier_id)?
        .into_iter()
        .map(|e| waiting_record(conn, e))
        .collect()
}

//! Holiday weeks paid at once: the weeks on offer, the basket, the checkout.

use crate::routes::Json;
use crate::routes::keyed::Keyed;
use crate::usecases::activities::baskets::{Basket, BasketItem, BasketStatus, WeekWaitlistStatus};
use crate::usecases::utc;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::auth::Family;
use crate::db;
use crate::openapi::enums::mirror_enum;
use crate::problem::{ApiError, validate};
use crate::routes::activities::views::GroupView;
use crate::state::AppState;
use crate::usecases::BillingRefusal;
use crate::usecases::activities::baskets::{self, BasketRecord, NewItem};
use crate::usecases::activities::week_changes::PaidWeek;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct WeeksQuery {
    /// The id of a prepaid activity (`mode: prepaid`), such as a holiday centre.
    #[param(minimum = 1)]
    pub activity_id: i64,
}

/// A group's places left for a week.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WeekGroupView {
    /// The group's id (`groupId` of a basket item).
    #[schema(example = 3)]
    pub group_id: i64,
    /// The group's name (a centre).
    #[schema(example = "Centre de loisirs Pasteur")]
    pub name: String,
    /// Places still free in the group that week (0: full, join the waiting line).
    #[schema(example = 11)]
    pub places_left: i32,
}

/// A week on offer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WeekView {
    /// The week's Monday: what the basket takes.
    pub week_start: NaiveDate,
    /// Its open days (public holidays excluded).
    pub days: Vec<NaiveDate>,
    /// The family's price of one day, in cents.
    #[schema(example = 1522)]
    pub day_price_cents: i64,
    /// The days times the day price, in cents: a week with a public holiday costs
    /// less.
    #[schema(example = 6088)]
    pub price_cents: i64,
    /// The currency of the amounts: always `EUR`.
    #[schema(example = "EUR")]
    pub currency: String,
    /// The activity's groups (centres), each with its places left that week.
    pub groups: Vec<WeekGroupView>,
    /// When the week's booking window opens (RFC 3339, UTC), under the activity's
    /// booking rule (the guide's: summer centres from the return of the previous
    /// holidays, stays when the city opens them); null when it has always been open
    /// or the rule gives the week no window.
    #[schema(example = "2027-05-07T22:00:00Z")]
    pub bookable_from: Option<DateTime<Utc>>,
    /// When it closes, exclusive (RFC 3339, UTC); null when the rule gives the week no
    /// window.
    #[schema(example = "2027-05-22T22:00:00Z")]
    pub bookable_until: Option<DateTime<Utc>>,
    /// Whether the week may be added to a basket, checked out or waited for now;
    /// outside its window those answer 422 `window_not_open`, `window_closed` or
    /// `no_booking_window`.
    #[schema(example = false)]
    pub bookable_now: bool,
}

/// Lists the holiday weeks a child may take.
///
/// For a prepaid activity: each week still to come, its open days, its price for
/// this family, each group's places left, and when it may be booked. Family accounts
/// only, for a child of the family's dossier.
#[utoipa::path(
    tag = "baskets",
    operation_id = "listHolidayWeeks",
    security(("bearerAuth" = [])),
    params(("childId" = i64, Path, minimum = 1, description = "The child's id."), WeeksQuery),
    responses(
        (status = 200, description = "The weeks on offer.", body = Vec<WeekView>),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such child in the family's dossier, or no such activity (`not_found`)."),
        (status = 422, description = "Not offered to this child (`not_eligible`)."),
    ),
)]
#[get("/children/{childId}/holiday-weeks")]
pub async fn list_holiday_weeks(
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
    query: web::Query<WeeksQuery>,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let child_id = id.into_inner();
    let activity_id = query.activity_id;
    let (today, now) = (state.today(), state.clock.now());
    let st = state.clone();
    let offers = db::run(&state.pool, move |conn| {
        baskets::week_offers(
            conn,
            &st.config.frontend_url,
            dossier_id,
            child_id,
            activity_id,
            today,
            now,
        )
    })
    .await?;
    Ok(HttpResponse::Ok().json(
        offers
            .into_iter()
            .map(|offer| WeekView {
                price_cents: offer.week.week.price_cents(offer.day_price_cents),
                bookable_from: offer.week.window.and_then(|w| w.opens_at),
                bookable_until: offer.week.window.map(|w| w.closes_at),
                bookable_now: offer.bookable_now,
                week_start: offer.week.week.start,
                days: offer.week.week.days,
                day_price_cents: offer.day_price_cents,
                currency: "EUR".to_owned(),
                groups: offer
                    .groups
                    .into_iter()
                    .map(|(group, left)| WeekGroupView {
                        group_id: group.id,
                        name: GroupView::from(&group).name,
                        places_left: left,
                    })
                    .collect(),
            })
            .collect::<Vec<_>>(),
    ))
}

mirror_enum! {
    /// Where a basket of holiday weeks stands.
    BasketStatusView => BasketStatus {
        /// Being filled.
        Open = "open",
        /// Checked out: its places are kept until `holdUntil` while the family pays.
        Held = "held",
        /// Paid: its weeks are booked.
        Paid = "paid",
        /// The payment was refused; the places went back.
        Failed = "failed",
        /// The family left the payment without paying; the places went back.
        Abandoned = "abandoned",
        /// Not paid in time; the places went back.
        Expired = "expired",
    }
}

/// A holiday week in a basket, or paid.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BasketItemView {
    /// The item's id.
    #[schema(example = 21)]
    pub id: i64,
    /// The child the week is for.
    #[schema(example = 3)]
    pub child_id: i64,
    /// The prepaid activity (a holiday centre).
    #[schema(example = 3)]
    pub activity_id: i64,
    /// The group (centre) the child goes to that week.
    #[schema(example = 3)]
    pub group_id: i64,
    /// The week's Monday (a date in the city's time zone).
    pub week_start: NaiveDate,
    /// How many open days the week has (public holidays excluded).
    #[schema(example = 4)]
    pub days: i32,
    /// The family's price of one day, in cents.
    #[schema(example = 1522)]
    pub day_price_cents: i64,
    /// The days times the day price, in cents.
    #[schema(example = 6088)]
    pub amount_cents: i64,
    /// When the family cancelled the paid week (its amount became an account credit,
    /// `GET /account-credits`); null while it stands.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Until when the paid week may be cancelled or swapped (RFC 3339, UTC, exclusive),
    /// under the activity's change rule (summer centres: one month before): given by
    /// `GET /holiday-weeks` and the answers of a change; null elsewhere, once the week
    /// has begun, or when the rule gives none.
    #[schema(example = "2027-06-11T22:00:00Z")]
    pub changeable_until: Option<DateTime<Utc>>,
}

impl From<&PaidWeek> for BasketItemView {
    fn from(paid: &PaidWeek) -> Self {
        Self {
            changeable_until: paid.changeable_until,
            ..Self::from(&paid.item)
        }
    }
}

impl From<&BasketItem> for BasketItemView {
    fn from(i: &BasketItem) -> Self {
        Self {
            id: i.id,
            child_id: i.child_id,
            activity_id: i.activity_id,
            group_id: i.group_id,
            week_start: i.week_start,
            days: i.days,
            day_price_cents: i.day_price_cents,
            amount_cents: i.amount_cents,
            cancelled_at: i.cancelled_at.map(utc),
            changeable_until: None,
        }
    }
}

/// Where to pay a checked-out basket.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BasketPaymentView {
    /// The basket's payment reference, given at checkout (the sandbox's page is
    /// named by it).
    #[schema(example = "5f0c3a9e2b7d4c18a6e1f4b9d2c7a803")]
    pub reference: String,
    /// The page to send the family to while a payment is pending: PayFiP's or the
    /// sandbox's, both absolute. Null when no payment is
    /// under way at PayFiP (a basket offered from the waiting line): start one with
    /// `POST /baskets/{basketId}/online-payments`.
    #[schema(
        example = "https://api.familles.example.fr/api/v1/sandbox/payments/c7ab46b124554d8f8b1a016716bcab8a"
    )]
    pub redirect_url: Option<String>,
    /// The payment service's reference of the latest attempt; null before the first.
    #[schema(example = "c7ab46b124554d8f8b1a016716bcab8a")]
    pub idop: Option<String>,
    /// What to pay by card: the basket's total less what account credits paid
    /// (`creditCents`), in cents.
    #[schema(example = 6088)]
    pub amount_cents: i64,
    /// The currency of the amount: always `EUR`.
    #[schema(example = "EUR")]
    pub currency: String,
}

/// A basket of holiday weeks, paid at once.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BasketView {
    /// The basket's id.
    #[schema(example = 7)]
    pub id: i64,
    /// Where the basket stands.
    pub status: BasketStatusView,
    /// Its weeks (left empty in a waiting line's offer).
    pub items: Vec<BasketItemView>,
    /// What the basket costs, in cents: computed by the server from its own prices.
    #[schema(example = 6088)]
    pub total_cents: i64,
    /// What of the total the family's account credits paid at checkout (cancelled
    /// weeks, `GET /account-credits`), in cents; the card pays the rest. A basket its
    /// credits pay in full is paid at checkout, with no card payment.
    #[schema(example = 0)]
    pub credit_cents: i64,
    /// The currency of the amounts: always `EUR`.
    #[schema(example = "EUR")]
    pub currency: String,
    /// Until when its places are held while the family pays (RFC 3339, UTC); null
    /// before checkout.
    pub hold_until: Option<DateTime<Utc>>,
    /// Where to pay it, once checked out; null before.
    pub payment: Option<BasketPaymentView>,
}

fn status(basket: &Basket) -> BasketStatusView {
    basket.status.into()
}

fn view(state: &AppState, record: &BasketRecord) -> BasketView {
    let b = &record.basket;
    let pending = record
        .payment
        .as_ref()
        .and_then(|p| crate::usecases::billing::payments::redirect_url(state, p));
    BasketView {
        id: b.id,
        status: status(b),
        items: record.items.iter().map(BasketItemView::from).collect(),
        total_cents: b.total_cents,
        credit_cents: b.credit_cents,
        currency: "EUR".to_owned(),
        hold_until: b.hold_until.map(utc),
        payment: b
            .payment_reference
            .as_ref()
            .map(|reference| BasketPaymentView {
                reference: reference.clone(),
                redirect_url: pending.clone().or_else(|| {
                    (b.status == BasketStatus::Held && state.config.payments.sandbox())
                        .then(|| crate::usecases::billing::payments::sandbox_page(state, reference))
                }),
                idop: record.payment.as_ref().and_then(|p| p.idop.clone()),
                amount_cents: b.total_cents - b.credit_cents,
                currency: "EUR".to_owned(),
            }),
    }
}

/// Reads the family's basket.
///
/// The open one, being filled (empty if nothing was added yet; made on first use).
/// Family accounts only.
#[utoipa::path(
    tag = "baskets",
    operation_id = "getMyBasket",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The open basket.", body = BasketView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[get("/basket")]
pub async fn get_my_basket(
    state: web::Data<AppState>,
    family: Family,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let account_id = family.0.account_id;
    let now = state.clock.now();
    let record = db::run(&state.pool, move |conn| {
        baskets::current(conn, dossier_id, account_id, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view(&state, &record)))
}

/// A week to add; its price is the server's.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"childId": 3, "activityId": 3, "weekStart": "2027-07-12", "groupId": null}))]
pub struct BasketItemForm {
    /// The child, of the family's dossier.
    #[schema(minimum = 1)]
    pub child_id: i64,
    /// The prepaid activity (a holiday centre).
    #[schema(minimum = 1)]
    pub activity_id: i64,
    /// The week's Monday (a date in the city's time zone).
    pub week_start: NaiveDate,
    /// The group (centre); the activity's first when null.
    #[schema(minimum = 1)]
    pub group_id: Option<i64>,
}

impl BasketItemForm {
    fn item(&self) -> NewItem {
        NewItem {
            child_id: self.child_id,
            activity_id: self.activity_id,
            week_start: self.week_start,
            group_id: self.group_id,
        }
    }
}

/// Adds a week to the basket.
///
/// Priced by the server: the family's day price times the week's open days. A full
/// week cannot be added: join its waiting line instead. Family accounts only.
#[utoipa::path(
    tag = "baskets",
    operation_id = "addBasketItem",
    security(("bearerAuth" = [])),
    request_body = BasketItemForm,
    responses(
        (status = 200, description = "The basket.", body = BasketView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such child in the family's dossier, or no such activity (`not_found`)."),
        (status = 409, description = "The child already has this week (`already_registered`)."),
        (status = 422, description = "Not offered to this child (`not_eligible`), the week's booking window not open yet (`window_not_open`, with `opensAt`), closed (`window_closed`, with `closesAt`), or none under the activity's rule (`no_booking_window`), documents the activity lists missing or expired by the week (`documents_missing`), a school year whose renewal the family has not had validated (`renewal_required`), or a day of the week in the custody of the child's other household (`not_in_custody`)."),
    ),
)]
#[post("/basket/items")]
pub async fn add_basket_item(
    state: web::Data<AppState>,
    family: Family,
    body: Json<BasketItemForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let dossier_id = family.dossier_id()?;
    let account_id = family.0.account_id;
    let item = body.item();
    let (today, now) = (state.today(), state.clock.now());
    let record = db::run(&state.pool, move |conn| {
        baskets::add_item(conn, dossier_id, account_id, &item, today, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view(&state, &record)))
}

/// Removes a week from the open basket.
///
/// Before checkout only; the basket is answered without it. Family accounts only.
#[utoipa::path(
    tag = "baskets",
    operation_id = "removeBasketItem",
    security(("bearerAuth" = [])),
    params(("itemId" = i64, Path, minimum = 1, description = "The item's id.")),
    responses(
        (status = 200, description = "The basket.", body = BasketView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such item in the open basket (`not_found`)."),
    ),
)]
#[delete("/basket/items/{itemId}")]
pub async fn remove_basket_item(
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let item_id = id.into_inner();
    let record = db::run(&state.pool, move |conn| {
        baskets::remove_item(conn, dossier_id, item_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view(&state, &record)))
}

/// Checks the basket out and starts its payment.
///
/// Every week's place is held (all or none) for `BASKET_HOLD_MINUTES` while the
/// family pays at `payment.redirectUrl`; the payment's result confirms the weeks or
/// gives the places back, as does the end of the hold. The family's account credits
/// pay first (`creditCents`): a basket they pay in full is paid at once. Needs an
/// `Idempotency-Key`: every repeat of the key gets the first answer again, byte for
/// byte, for a day (never a second payment); a repeat while the first is still at work
/// waits for it or answers `409 idempotency_key_in_use`. Family accounts only.
#[utoipa::path(
    tag = "baskets",
    operation_id = "checkoutBasket",
    security(("bearerAuth" = [])),
    params(("Idempotency-Key" = String, Header, description = "A key the client generates for this checkout (8 to 100 characters).")),
    responses(
        (status = 200, description = "Held; pay at `payment.redirectUrl` (null when the payment could not start: start another with `POST /baskets/{basketId}/online-payments`).", body = BasketView),
        (status = 400, description = "No usable `Idempotency-Key` (`validation_failed`)."),
        (status = 503, description = "Held, but PayFiP does not answer (`payment_service_unavailable`): start the payment again with `POST /baskets/{basketId}/online-payments`."),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 409, description = "The basket was checked out under another key at the same moment (`basket_not_open`), or the first request with this `Idempotency-Key` is still creating its payment at PayFiP (`idempotency_key_in_use`): repeat it after `Retry-After` seconds."),
        (status = 422, description = "Nothing to pay (`basket_empty`), a week full (`activity_full`), a week outside its booking window (`window_not_open` with `opensAt`, `window_closed` with `closesAt`, `no_booking_window`), a key already used for another payment, of an invoice or a basket (`idempotency_key_reused`), no payment service (`payments_unavailable`), or PayFiP refused the payment (`payment_refused_by_service`: held all the same, start another with `POST /baskets/{basketId}/online-payments`)."),
    ),
)]
#[post("/basket/checkout")]
pub async fn checkout_basket(
    state: web::Data<AppState>,
    family: Family,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let keyed = Keyed::of(&req, dossier_id)?;
    if state.config.payments == crate::config::Payments::Off {
        return Err(BillingRefusal::PaymentsUnavailable.into());
    }
    if let Some(kept) = keyed.replay(&state).await? {
        return Ok(kept);
    }
    let key = keyed.key.clone();
    let hold = state.config.basket_hold_minutes;
    let (today, now) = (state.today(), state.clock.now());
    let st = state.clone();
    let held_key = key.clone();
    let held = db::run(&state.pool, move |conn| {
        baskets::checkout(
            conn,
            &st.config.frontend_url,
            dossier_id,
            &held_key,
            hold,
            (today, now),
        )
    })
    .await?;
    let basket_id = held.basket.id;
    if held.basket.status == BasketStatus::Held {
        let reference = held.basket.payment_reference.clone();
        crate::usecases::billing::payments::start_for_basket(
            &state, dossier_id, basket_id, reference, key,
        )
        .await?;
    }
    let st = state.clone();
    let record = db::run(&state.pool, move |conn| {
        baskets::get(conn, &st.config.frontend_url, basket_id, dossier_id, now)
    })
    .await?;
    keyed
        .answer(&state, StatusCode::OK, &view(&state, &record))
        .await
}

/// Starts paying a held basket online.
///
/// For a basket offered from the waiting line, or to try again after PayFiP could
/// not be reached: its total (any amount sent is ignored), at PayFiP or in the
/// sandbox; send the family to `redirectUrl`. One attempt per `Idempotency-Key`:
/// every repeat of the key gets the first answer again, byte for byte, for a day.
/// Family accounts only, for the family's own baskets.
#[utoipa::path(
    tag = "baskets",
    operation_id = "startBasketPayment",
    security(("bearerAuth" = [])),
    params(
        ("basketId" = i64, Path, minimum = 1, description = "The basket's id."),
        ("Idempotency-Key" = String, Header, description = "A key the client generates for this attempt (8 to 100 characters)."),
    ),
    responses(
        (status = 201, description = "Started: send the family to `redirectUrl`.", body = crate::routes::billing::online_payments::OnlinePaymentView),
        (status = 200, description = "Started by a request under the same `Idempotency-Key` still at work when this one came.", body = crate::routes::billing::online_payments::OnlinePaymentView),
        (status = 400, description = "No usable `Idempotency-Key` (`validation_failed`)."),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such basket of the family (`not_found`)."),
        (status = 409, description = "The basket is not held for payment (`basket_not_open`), or the first request with this `Idempotency-Key` is still creating the attempt at PayFiP (`idempotency_key_in_use`): repeat it after `Retry-After` seconds."),
        (status = 422, description = "A key used for another payment (`idempotency_key_reused`), no online payment here (`payments_unavailable`), or PayFiP refused the payment (`payment_refused_by_service`)."),
        (status = 503, description = "PayFiP does not answer (`payment_service_unavailable`)."),
    ),
)]
#[post("/baskets/{basketId}/online-payments")]
pub async fn start_basket_payment(
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let keyed = Keyed::of(&req, dossier_id)?;
    if let Some(kept) = keyed.replay(&state).await? {
        return Ok(kept);
    }
    let key = keyed.key.clone();
    let basket_id = id.into_inner();
    let now = state.clock.now();
    let st = state.clone();
    let held = db::run(&state.pool, move |conn| {
        baskets::get(conn, &st.config.frontend_url, basket_id, dossier_id, now)
    })
    .await?;
    let reference = held.basket.payment_reference.clone();
    let (payment, new) = crate::usecases::billing::payments::start_for_basket(
        &state, dossier_id, basket_id, reference, key,
    )
    .await?;
    let body = crate::routes::billing::online_payments::view(&state, &payment);
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    keyed.answer(&state, status, &body).await
}

/// Reads one of the family's baskets.
///
/// After a payment: whether it was paid, refused, abandoned or expired. Family
/// accounts only, for the family's own baskets.
#[utoipa::path(
    tag = "baskets",
    operation_id = "getBasket",
    security(("bearerAuth" = [])),
    params(("basketId" = i64, Path, minimum = 1, description = "The basket's id.")),
    responses(
        (status = 200, description = "The basket.", body = BasketView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such basket of the family (`not_found`)."),
    ),
)]
#[get("/baskets/{basketId}")]
pub async fn get_basket(
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let basket_id = id.into_inner();
    let now = state.clock.now();
    let st = state.clone();
    let record = db::run(&state.pool, move |conn| {
        baskets::get(conn, &st.config.frontend_url, basket_id, dossier_id, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view(&state, &record)))
}

mirror_enum! {
    /// Where a child stands in the waiting line of a full holiday week.
    HolidayWaitlistStatusView => WeekWaitlistStatus {
        /// In line, at `position`.
        Waiting = "waiting",
        /// A place was freed and is held for the family until `offerUntil`: pay it
        /// through `offer` (a basket with its payment link).
        Offered = "offered",
        /// Paid: the week is booked.
        Taken = "taken",
        /// Not paid in time: the place went to the next child.
        Lapsed = "lapsed",
    }
}

/// A child's place in the waiting line of a full holiday week.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HolidayWaitlistEntryView {
    /// The entry's id.
    #[schema(example = 6)]
    pub id: i64,
    /// The child waiting.
    #[schema(example = 3)]
    pub child_id: i64,
    /// The prepaid activity (a holiday centre).
    #[schema(example = 3)]
    pub activity_id: i64,
    /// The group (centre) waited for.
    #[schema(example = 3)]
    pub group_id: i64,
    /// The week's Monday (a date in the city's time zone).
    pub week_start: NaiveDate,
    /// Where the child stands in the line.
    pub status: HolidayWaitlistStatusView,
    /// Place in the week's line (1 for the first) while waiting; null otherwise.
    #[schema(example = 2)]
    pub position: Option<i64>,
    /// Until when the freed place is held for the family (RFC 3339, UTC); null until
    /// a place is offered.
    pub offer_until: Option<DateTime<Utc>>,
    /// The basket held for the family once a place was offered, with its payment
    /// link (its `items` left empty here); null before.
    pub offer: Option<BasketView>,
}

fn waiting_view(state: &AppState, record: &baskets::WaitingRecord) -> HolidayWaitlistEntryView {
    let e = &record.entry;
    HolidayWaitlistEntryView {
        id: e.id,
        child_id: e.child_id,
        activity_id: e.activity_id,
        group_id: e.group_id,
        week_start: e.week_start,
        status: e.status.into(),
        position: record.position,
        offer_until: e.offer_until.map(utc),
        offer: record.offer.as_ref().map(|basket| {
            view(
                state,
                &BasketRecord {
                    basket: basket.clone(),
                    items: Vec::new(),
                    payment: None,
                },
            )
        }),
    }
}

/// Joins the waiting line of a full week.
///
/// First come, first served: when a place frees, the first child waiting is offered
/// it for 24 hours (a basket held for the family, with its payment link) and the
/// family is emailed. A week with places left is added to the basket instead.
/// Family accounts only.
#[utoipa::path(
    tag = "baskets",
    operation_id = "joinHolidayWeekWaitlist",
    security(("bearerAuth" = [])),
    request_body = BasketItemForm,
    responses(
        (status = 201, description = "In line.", body = HolidayWaitlistEntryView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such child in the family's dossier, or no such activity (`not_found`)."),
        (status = 409, description = "Places are left (`places_left`), or the child already has or waits for this week (`already_registered`)."),
        (status = 422, description = "Not offered to this child (`not_eligible`), the week's booking window not open yet (`window_not_open`, with `opensAt`), closed (`window_closed`, with `closesAt`), or none under the activity's rule (`no_booking_window`), or a day of the week in the custody of the child's other household (`not_in_custody`)."),
    ),
)]
#[post("/basket/waitlist")]
pub async fn join_holiday_week_waitlist(
    state: web::Data<AppState>,
    family: Family,
    body: Json<BasketItemForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let dossier_id = family.dossier_id()?;
    let account_id = family.0.account_id;
    let item = body.item();
    let (today, now) = (state.today(), state.clock.now());
    let st = state.clone();
    let record = db::run(&state.pool, move |conn| {
        baskets::join_waitlist(
            conn,
            &st.config.frontend_url,
            dossier_id,
            account_id,
            &item,
            today,
            now,
        )
    })
    .await?;
    Ok(HttpResponse::Created().json(waiting_view(&state, &record)))
}

/// Lists the family's places in the lines of full weeks.
///
/// Each child's entries, waiting or not any more, with the offers made to the
/// family. Family accounts only.
#[utoipa::path(
    tag = "baskets",
    operation_id = "listMyHolidayWeekWaitlist",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The family's places in line and offers.", body = Vec<HolidayWaitlistEntryView>),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[get("/holiday-waitlist")]
pub async fn list_my_holiday_week_waitlist(
    state: web::Data<AppState>,
    family: Family,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let now = state.clock.now();
    let st = state.clone();
    let records = db::run(&state.pool, move |conn| {
        baskets::waiting_of(conn, &st.config.frontend_url, dossier_id, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(
        records
            .iter()
            .map(|r| waiting_view(&state, r))
            .collect::<Vec<_>>(),
    ))
}

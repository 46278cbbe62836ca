//! Paid holiday weeks: the family's list, and their changes before the deadline
//! (cancel for an account credit, or swap for another week).

use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Family;
use crate::db;
use crate::problem::ApiError;
use crate::routes::Json;
use crate::routes::activities::baskets::BasketItemView;
use crate::routes::billing::views::AccountCreditView;
use crate::state::AppState;
use crate::usecases::activities::week_changes::{self, WeekChange};

/// Lists the family's paid holiday weeks.
///
/// Every week of the family's paid baskets not cancelled, for all its children,
/// latest week first, each with `changeableUntil`: until then it may be cancelled or
/// swapped. Family accounts only.
#[utoipa::path(
    tag = "baskets",
    operation_id = "listMyHolidayWeeks",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The paid weeks.", body = Vec<BasketItemView>),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[get("/holiday-weeks")]
pub async fn list_my_holiday_weeks(
    state: web::Data<AppState>,
    family: Family,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let today = state.today();
    let weeks = db::run(&state.pool, move |conn| {
        week_changes::paid_weeks(conn, dossier_id, today)
    })
    .await?;
    Ok(HttpResponse::Ok().json(weeks.iter().map(BasketItemView::from).collect::<Vec<_>>()))
}

/// A paid week changed, and the credit it gave.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HolidayWeekChangeView {
    /// The week as it is now: cancelled (`cancelledAt` set), or moved to the new week.
    pub week: BasketItemView,
    /// The account credit the change gave (the cancelled week's amount, or what a
    /// cheaper week costs less); null when a swap cost the same.
    pub credit: Option<AccountCreditView>,
}

fn change_view(change: &WeekChange) -> HolidayWeekChangeView {
    HolidayWeekChangeView {
        week: BasketItemView::from(&change.week),
        credit: change.credit.as_ref().map(AccountCreditView::from),
    }
}

/// Cancels a paid holiday week.
///
/// Until its change deadline (`changeableUntil`; the guide: one month before a summer
/// week): the week's amount becomes an account credit ("avoir") that the family's next
/// invoices and basket checkouts use before any card payment, and its place goes to
/// the first child waiting for it. Family accounts only.
#[utoipa::path(
    tag = "baskets",
    operation_id = "cancelHolidayWeek",
    security(("bearerAuth" = [])),
    params(("itemId" = i64, Path, minimum = 1, description = "The paid week (its basket item's id).")),
    responses(
        (status = 200, description = "Cancelled, with the credit it gave.", body = HolidayWeekChangeView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such paid week of the family (`not_found`)."),
        (status = 409, description = "Already cancelled, or changed at the same moment (`week_cancelled`)."),
        (status = 422, description = "The week's change deadline passed or it has begun (`deadline_passed`, with `deadline` when the rule gives one), or the rule's change window is not open yet (`window_not_open`, with `opensAt`)."),
    ),
)]
#[post("/holiday-weeks/{itemId}/cancellation")]
pub async fn cancel_holiday_week(
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let item_id = id.into_inner();
    let moment = (
        state.today(),
        state.clock.now(),
        state.config.city.time_zone,
    );
    let st = state.clone();
    let change = db::run(&state.pool, move |conn| {
        week_changes::cancel(conn, &st.config.frontend_url, dossier_id, item_id, moment)
    })
    .await?;
    Ok(HttpResponse::Ok().json(change_view(&change)))
}

/// The week a paid one is swapped for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"weekStart": "2027-07-26", "groupId": null}))]
pub struct HolidayWeekSwapForm {
    /// The new week's Monday, a week of the same activity still to come
    /// (`GET /children/{childId}/holiday-weeks`).
    pub week_start: NaiveDate,
    /// The group (centre) that week; the paid week's when null.
    #[schema(minimum = 1)]
    pub group_id: Option<i64>,
}

/// Swaps a paid holiday week for another.
///
/// Until the paid week's change deadline, for another week of the same activity
/// whose booking window is open and which has a place: the payment is kept, at the
/// day price paid. A week with fewer open days gives the difference as an account
/// credit; a dearer one is refused (`swap_costs_more`: cancel, then book it in the
/// basket, where the credit is used). The freed place goes to the first child
/// waiting. Family accounts only.
#[utoipa::path(
    tag = "baskets",
    operation_id = "swapHolidayWeek",
    security(("bearerAuth" = [])),
    params(("itemId" = i64, Path, minimum = 1, description = "The paid week (its basket item's id).")),
    request_body = HolidayWeekSwapForm,
    responses(
        (status = 200, description = "Swapped: the week moved, and the credit it gave.", body = HolidayWeekChangeView),
        (status = 400, description = "The week asked for is the paid one (`validation_failed`, `same_week`), not a week on offer (`not_offered`), or not a group of the activity (`unknown_group`)."),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such paid week of the family (`not_found`)."),
        (status = 409, description = "Already cancelled, or changed at the same moment (`week_cancelled`), or the child already has the new week (`already_registered`)."),
        (status = 422, description = "The paid week's change deadline passed or it has begun (`deadline_passed`, with `deadline`), the new week is full (`activity_full`), outside its booking window (`window_not_open`, `window_closed`, `no_booking_window`), not offered to the child any more (`not_eligible`), dearer (`swap_costs_more`), or with a day in the custody of the child's other household (`not_in_custody`)."),
    ),
)]
#[post("/holiday-weeks/{itemId}/swap")]
pub async fn swap_holiday_week(
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
    body: Json<HolidayWeekSwapForm>,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let item_id = id.into_inner();
    let to = (body.week_start, body.group_id);
    let moment = (
        state.today(),
        state.clock.now(),
        state.config.city.time_zone,
    );
    let st = state.clone();
    let change = db::run(&state.pool, move |conn| {
        week_changes::swap(
            conn,
            &st.config.frontend_url,
            dossier_id,
            item_id,
            to,
            moment,
        )
    })
    .await?;
    Ok(HttpResponse::Ok().json(change_view(&change)))
}

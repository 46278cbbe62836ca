//! The activity catalogue: agents keep it; families see what each child is offered,
//! at their prices.

use crate::routes::Json;
use crate::routes::dossiers::views::PriceBasisView;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::auth::{Family, Staff};
use crate::db;
use crate::problem::{ApiError, validate};
use crate::routes::activities::views::{
    ActivityForm, ActivityKindView, ActivityView, GroupForm, GroupView, UnitForm, unit_form,
};
use crate::routes::etag::{etag, if_match};
use crate::routes::pagination::{Page, PageQuery, offset};
use crate::state::AppState;
use crate::usecases::activities;

/// Lists the activity kinds.
///
/// For agents and admins: the guide's six, and those the city added.
#[utoipa::path(
    tag = "admin-activities",
    operation_id = "listActivityKinds",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The kinds.", body = Vec<ActivityKindView>),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
    ),
)]
#[get("/admin/activity-kinds")]
pub async fn list_activity_kinds(
    state: web::Data<AppState>,
    _staff: Staff,
) -> Result<HttpResponse, ApiError> {
    let kinds = db::run(&state.pool, activities::kinds).await?;
    Ok(HttpResponse::Ok().json(kinds.iter().map(ActivityKindView::from).collect::<Vec<_>>()))
}

/// A new kind of activity.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"code": "study_help", "label": "Aide aux devoirs"}))]
pub struct ActivityKindForm {
    /// A stable code, unique: lowercase letters, digits and `_`.
    #[validate(length(min = 1, max = 50))]
    #[schema(
        min_length = 1,
        max_length = 50,
        pattern = "^[a-z0-9_]+$",
        example = "study_help"
    )]
    pub code: String,
    /// The kind's name, as shown.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "Aide aux devoirs")]
    pub label: String,
}

/// Adds an activity kind.
///
/// For agents and admins. Its code is unique; its activities follow the default
/// deadline rules until the kind gets its own.
#[utoipa::path(
    tag = "admin-activities",
    operation_id = "createActivityKind",
    security(("bearerAuth" = [])),
    request_body = ActivityKindForm,
    responses(
        (status = 201, description = "Added.", body = ActivityKindView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 409, description = "The code is taken (`activity_kind_taken`)."),
    ),
)]
#[post("/admin/activity-kinds")]
pub async fn create_activity_kind(
    state: web::Data<AppState>,
    _staff: Staff,
    body: Json<ActivityKindForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let body = body.into_inner();
    if !body
        .code
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(ApiError::validation(vec![crate::problem::FieldError::new(
            "code",
            "invalid_format",
            "Lettres minuscules, chiffres et « _ » seulement.",
            "Lowercase letters, digits and '_' only.",
        )]));
    }
    let kind = db::run(&state.pool, move |conn| {
        activities::add_kind(conn, &body.code, body.label.trim())
    })
    .await?;
    Ok(HttpResponse::Created().json(ActivityKindView::from(&kind)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ActivityFilter {
    /// Also the activities that ended (by default, only current and future ones).
    pub include_ended: Option<bool>,
}

/// Lists activities, by start date.
///
/// For agents and admins: current and future ones unless `includeEnded`, with each
/// group's places.
#[utoipa::path(
    tag = "admin-activities",
    operation_id = "listActivities",
    security(("bearerAuth" = [])),
    params(PageQuery, ActivityFilter),
    responses(
        (status = 200, description = "A page of activities.", body = Page<ActivityView>),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
    ),
)]
#[get("/admin/activities")]
pub async fn list_activities(
    state: web::Data<AppState>,
    _staff: Staff,
    page: web::Query<PageQuery>,
    filter: web::Query<ActivityFilter>,
) -> Result<HttpResponse, ApiError> {
    let (page, page_size) = page.into_inner().resolve()?;
    let from = (!filter.include_ended.unwrap_or(false)).then(|| state.today());
    let (records, total) = db::run(&state.pool, move |conn| {
        activities::list(conn, from, offset(page, page_size), page_size)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page {
        items: records.iter().map(ActivityView::from).collect(),
        page,
        page_size,
        total,
    }))
}

/// Creates an activity.
///
/// For agents and admins: the activity with its units (prices by family-quotient
/// bracket) and groups (places).
#[utoipa::path(
    tag = "admin-activities",
    operation_id = "createActivity",
    security(("bearerAuth" = [])),
    request_body = ActivityForm,
    responses(
        (status = 201, description = "Created.", body = ActivityView,
            headers(("Location" = String, description = "The activity's address."), ("ETag" = String, description = "Its version."))),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
    ),
)]
#[post("/admin/activities")]
pub async fn create_activity(
    state: web::Data<AppState>,
    _staff: Staff,
    body: Json<ActivityForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let input = body.into_inner().into_input()?;
    let now = state.clock.now();
    let catalog = state.catalog.clone();
    let record = db::run(&state.pool, move |conn| {
        let record = activities::create(conn, &input, now);
        catalog.forget();
        record
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/admin/activities/{}", record.activity.id),
        ))
        .insert_header(etag(record.activity.version))
        .json(ActivityView::from(&record)))
}

/// Reads an activity.
///
/// For agents and admins: its settings, units, and each group's capacity, places
/// taken and left, with its version in `ETag`.
#[utoipa::path(
    tag = "admin-activities",
    operation_id = "getActivity",
    security(("bearerAuth" = [])),
    params(("activityId" = i64, Path, minimum = 1, description = "The activity's id.")),
    responses(
        (status = 200, description = "The activity.", body = ActivityView,
            headers(("ETag" = String, description = "Its version, for `If-Match`."))),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such activity (`not_found`)."),
    ),
)]
#[get("/admin/activities/{activityId}")]
pub async fn get_activity(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let record = db::run(&state.pool, move |conn| activities::load(conn, id)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(record.activity.version))
        .json(ActivityView::from(&record)))
}

/// Updates an activity.
///
/// For agents and admins: its settings and units (groups change through their own
/// operations), if nobody changed it since it was read.
#[utoipa::path(
    tag = "admin-activities",
    operation_id = "updateActivity",
    security(("bearerAuth" = [])),
    params(
        ("activityId" = i64, Path, minimum = 1, description = "The activity's id."),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the version read; without it, 428."),
    ),
    request_body = ActivityForm,
    responses(
        (status = 200, description = "Updated.", body = ActivityView,
            headers(("ETag" = String, description = "The new version."))),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such activity (`not_found`)."),
        (status = 412, description = "Changed since it was read (`precondition_failed`)."),
        (status = 428, description = "`If-Match` missing (`precondition_required`)."),
    ),
)]
#[put("/admin/activities/{activityId}")]
pub async fn update_activity(
    state: web::Data<AppState>,
    _staff: Staff,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<ActivityForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let input = body.into_inner().into_input()?;
    let (id, version) = if_match(&req, id.into_inner())?;
    let now = state.clock.now();
    let catalog = state.catalog.clone();
    let record = db::run(&state.pool, move |conn| {
        let record = activities::update(conn, id, version, &input, now);
        catalog.forget();
        record
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(record.activity.version))
        .json(ActivityView::from(&record)))
}

/// Adds a group (a centre) to an activity.
///
/// For agents and admins: the group with its capacity, all places free.
#[utoipa::path(
    tag = "admin-activities",
    operation_id = "addActivityGroup",
    security(("bearerAuth" = [])),
    params(("activityId" = i64, Path, minimum = 1, description = "The activity's id.")),
    request_body = GroupForm,
    responses(
        (status = 201, description = "Added.", body = GroupView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such activity (`not_found`)."),
    ),
)]
#[post("/admin/activities/{activityId}/groups")]
pub async fn add_activity_group(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
    body: Json<GroupForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let activity_id = id.into_inner();
    let body = body.into_inner();
    let catalog = state.catalog.clone();
    let group = db::run(&state.pool, move |conn| {
        let group = activities::add_group(conn, activity_id, body.name.trim(), body.capacity);
        catalog.forget();
        group
    })
    .await?;
    Ok(HttpResponse::Created().json(GroupView::from(&group)))
}

/// Renames a group or changes its capacity.
///
/// For agents and admins; never below the places already taken. A capacity raised
/// gives the new places to the children waiting, whose families are emailed.
#[utoipa::path(
    tag = "admin-activities",
    operation_id = "updateActivityGroup",
    security(("bearerAuth" = [])),
    params(("groupId" = i64, Path, minimum = 1, description = "The group's id.")),
    request_body = GroupForm,
    responses(
        (status = 200, description = "Updated.", body = GroupView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such group (`not_found`)."),
    ),
)]
#[put("/admin/activity-groups/{groupId}")]
pub async fn update_activity_group(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
    body: Json<GroupForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let group_id = id.into_inner();
    let body = body.into_inner();
    let now = state.clock.now();
    let st = state.clone();
    let group = db::run(&state.pool, move |conn| {
        let group = activities::update_group(
            conn,
            &st.config.frontend_url,
            group_id,
            body.name.trim(),
            body.capacity,
            now,
        );
        st.catalog.forget();
        group
    })
    .await?;
    Ok(HttpResponse::Ok().json(GroupView::from(&group)))
}

/// A unit of an offered activity, at this family's price.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PricedUnitView {
    /// The unit's id.
    pub id: i64,
    /// The unit's settings (their fields, flattened).
    #[serde(flatten)]
    pub unit: UnitForm,
    /// What this family pays for one unit, in cents (its quotient bracket, its sibling
    /// rate); null when the unit has no price.
    pub price_cents: Option<i64>,
    /// The currency of `priceCents`: always `EUR`.
    #[schema(example = "EUR")]
    pub currency: String,
}

/// An activity offered to a child.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfferView {
    /// The activity.
    pub activity: ActivityView,
    /// Its units, at this family's price.
    pub units: Vec<PricedUnitView>,
    /// What this family's prices rest on today (its quotient, last year's while the
    /// city allows, or the top bracket), with a sentence saying so.
    pub price_basis: PriceBasisView,
}

/// Lists the activities a child may join.
///
/// For the child's family. The guide's rule: current or future activities matching the
/// child's age band or school level, not joined yet; each unit at this family's price.
#[utoipa::path(
    tag = "registrations",
    operation_id = "listChildOffers",
    security(("bearerAuth" = [])),
    params(("childId" = i64, Path, minimum = 1, description = "The child's id.")),
    responses(
        (status = 200, description = "The activities offered.", body = Vec<OfferView>),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such child in the family's dossier (`not_found`)."),
    ),
)]
#[get("/children/{childId}/offers")]
pub async fn list_child_offers(
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let child_id = id.into_inner();
    let today = state.today();
    let offers = db::run(&state.pool, move |conn| {
        activities::offers_for_child(conn, dossier_id, child_id, today)
    })
    .await?;
    Ok(HttpResponse::Ok().json(
        offers
            .iter()
            .map(|offer| OfferView {
                activity: ActivityView::from(&offer.record),
                units: offer
                    .prices
                    .iter()
                    .map(|(unit, price)| PricedUnitView {
                        id: unit.id,
                        unit: unit_form(unit),
                        price_cents: *price,
                        currency: "EUR".to_owned(),
                    })
                    .collect(),
                price_basis: PriceBasisView::new(offer.price_basis),
            })
            .collect::<Vec<_>>(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FillPeriod {
    /// First day (included).
    pub from: chrono::NaiveDate,
    /// Last day (included), at most 92 days after `from`.
    pub to: chrono::NaiveDate,
}

/// A group's capacity and fill on one day.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DayFillView {
    /// The day (`YYYY-MM-DD`, in the city's time zone).
    pub day: chrono::NaiveDate,
    /// The day's capacity where the city set one, else the group's.
    pub capacity: i32,
    /// Children registered that day (for a prepaid activity: places held or paid
    /// for the day's week).
    pub registered: i32,
    /// Places still free that day (never below 0).
    pub places_left: i32,
}

/// A group's fill, day by day.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupFillView {
    /// The group, with its places today.
    pub group: GroupView,
    /// The days a unit of the activity runs, within the period.
    pub days: Vec<DayFillView>,
}

/// Reads each group's capacity and fill, day by day.
///
/// For agents and admins, over a period of at most 92 days.
#[utoipa::path(
    tag = "admin-activities",
    operation_id = "getActivityFill",
    security(("bearerAuth" = [])),
    params(("activityId" = i64, Path, minimum = 1, description = "The activity's id."), FillPeriod),
    responses(
        (status = 200, description = "The fill per group and day.", body = Vec<GroupFillView>),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such activity (`not_found`)."),
    ),
)]
#[get("/admin/activities/{activityId}/fill")]
pub async fn get_activity_fill(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
    period: web::Query<FillPeriod>,
) -> Result<HttpResponse, ApiError> {
    let FillPeriod { from, to } = period.into_inner();
    if to < from || (to - from).num_days() > 92 {
        return Err(ApiError::validation(vec![crate::problem::FieldError::new(
            "to",
            "out_of_range",
            "La période va de `from` à `to`, 92 jours au plus.",
            "The period runs from `from` to `to`, 92 days at most.",
        )]));
    }
    let activity_id = id.into_inner();
    let fill = db::run(&state.pool, move |conn| {
        activities::fill(conn, activity_id, from, to)
    })
    .await?;
    Ok(HttpResponse::Ok().json(
        fill.iter()
            .map(|(group, days)| GroupFillView {
                group: GroupView::from(group),
                days: days
                    .iter()
                    .map(|d| DayFillView {
                        day: d.day,
                        capacity: d.capacity,
                        registered: d.registered,
                        places_left: domain::activities::places_left(d.capacity, d.registered),
                    })
                    .collect(),
            })
            .collect::<Vec<_>>(),
    ))
}

/// A group's capacity on one day.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"capacity": 20}))]
pub struct DayCapacityForm {
    /// The group's capacity that day; null returns to the group's capacity.
    #[validate(range(min = 0, max = 100000))]
    #[schema(minimum = 0, maximum = 100000)]
    pub capacity: Option<i32>,
}

/// Sets a group's capacity on one day.
///
/// For agents and admins. Null returns to the group's capacity; the planning respects
/// it when families book.
#[utoipa::path(
    tag = "admin-activities",
    operation_id = "setGroupDayCapacity",
    security(("bearerAuth" = [])),
    params(
        ("groupId" = i64, Path, minimum = 1, description = "The group's id."),
        ("day" = chrono::NaiveDate, Path, description = "The day (`YYYY-MM-DD`, in the city's time zone)."),
    ),
    request_body = DayCapacityForm,
    responses(
        (status = 204, description = "Set."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such group (`not_found`)."),
    ),
)]
#[put("/admin/activity-groups/{groupId}/day-capacities/{day}")]
pub async fn set_group_day_capacity(
    state: web::Data<AppState>,
    _staff: Staff,
    path: web::Path<(i64, chrono::NaiveDate)>,
    body: Json<DayCapacityForm>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let (group_id, day) = path.into_inner();
    let capacity = body.capacity;
    db::run(&state.pool, move |conn| {
        activities::set_day_capacity(conn, group_id, day, capacity)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

//! A child's bookings as an iCalendar feed, behind a secret link the family creates
//! and revokes.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, post, web};
use icalendar::{Calendar, Component, Event, EventLike};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Family;
use crate::db;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::usecases::planning::CityData;
use crate::usecases::planning::calendar_feeds;

/// The feed's address: shown once, keep it secret (anyone holding it sees the
/// child's bookings).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"path": "/api/v1/calendar-feeds/3q2-7wEvr1yZf0Gc5c9yJ6qN0m7z9m3Jx2r0kQd8YtA"}))]
pub struct CalendarFeedView {
    /// The feed's address, relative to the API's origin; a phone subscribes to the
    /// absolute address (`https://` or `webcal://`).
    #[schema(example = "/api/v1/calendar-feeds/3q2-7wEvr1yZf0Gc5c9yJ6qN0m7z9m3Jx2r0kQd8YtA")]
    pub path: String,
}

/// Creates the child's feed link, replacing (and so revoking) the previous one.
///
/// For the child's family. The answer holds the only copy of the secret address; the server
/// keeps its SHA-256.
#[utoipa::path(
    tag = "planning",
    operation_id = "createCalendarFeed",
    security(("bearerAuth" = [])),
    params(("childId" = i64, Path, minimum = 1, description = "The child's id.")),
    responses(
        (status = 201, description = "The feed's secret address, shown once.", body = CalendarFeedView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such child in the family's dossier (`not_found`)."),
    ),
)]
#[post("/children/{childId}/calendar-feed")]
pub async fn create_calendar_feed(
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let child_id = id.into_inner();
    let now = state.clock.now();
    let secret = db::run(&state.pool, move |conn| {
        calendar_feeds::create(conn, dossier_id, child_id, now)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(CalendarFeedView {
            path: format!("/api/v1/calendar-feeds/{secret}"),
        }))
}

/// Revokes the child's feed link.
///
/// For the child's family. A phone subscribed to it stops receiving the bookings.
#[utoipa::path(
    tag = "planning",
    operation_id = "revokeCalendarFeed",
    security(("bearerAuth" = [])),
    params(("childId" = i64, Path, minimum = 1, description = "The child's id.")),
    responses(
        (status = 204, description = "Revoked: the link no longer works."),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such child, or no feed (`not_found`)."),
    ),
)]
#[delete("/children/{childId}/calendar-feed")]
pub async fn revoke_calendar_feed(
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let child_id = id.into_inner();
    db::run(&state.pool, move |conn| {
        calendar_feeds::revoke(conn, dossier_id, child_id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A feed with one booked unit (the contract test checks its calendar lines are the
/// answer's).
const FEED_EXAMPLE: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:ICALENDAR-RS\r\n\
    CALSCALE:GREGORIAN\r\nNAME:Planning d'Eliot\r\nX-WR-CALNAME:Planning d'Eliot\r\n\
    BEGIN:VEVENT\r\nDTSTAMP:20261206T092200Z\r\nDTEND:20261207T123000Z\r\n\
    DTSTART:20261207T103000Z\r\nSUMMARY:Eliot — Restauration scolaire maternelle (Repas)\r\n\
    UID:booking-2-4-2026-12-07@espace-familles\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

/// The child's booked units as an iCalendar feed.
///
/// From 30 days ago to 11 months ahead, times in UTC. No bearer token: the secret in
/// the address is the credential. One event per booked unit, with a stable UID so that
/// phones update rather than duplicate events.
#[utoipa::path(
    tag = "planning",
    operation_id = "getCalendarFeed",
    params(("secret" = String, Path, description = "The feed's secret, the last segment of the address `createCalendarFeed` answered.")),
    responses(
        (status = 200, description = "The feed.", content_type = "text/calendar", body = String,
            example = json!(FEED_EXAMPLE)),
        (status = 404, description = "No such feed, or revoked (`not_found`)."),
    ),
)]
#[get("/calendar-feeds/{secret}")]
pub async fn get_calendar_feed(
    state: web::Data<AppState>,
    secret: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let secret = secret.into_inner();
    let now = state.clock.now();
    let copies = state.copies();
    let (name, events) = db::run(&state.pool, move |conn| {
        let city = CityData::cached(conn, &copies)?;
        calendar_feeds::events(conn, city, &secret, now)
    })
    .await?;
    let mut calendar = Calendar::new();
    // French elides "de" before a vowel: "Planning d'Eliot", "Planning de Thomas".
    let of = if name.starts_with(['A', 'E', 'I', 'O', 'U', 'Y', 'É', 'È', 'Ê', 'Î', 'Ô', 'Â'])
    {
        "d'"
    } else {
        "de "
    };
    calendar.name(&format!("Planning {of}{name}"));
    for event in &events {
        calendar.push(
            Event::new()
                .uid(&event.uid)
                .summary(&event.summary)
                .starts(event.starts)
                .ends(event.ends)
                .timestamp(now)
                .done(),
        );
    }
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "private, max-age=900"))
        .body(calendar.done().to_string()))
}

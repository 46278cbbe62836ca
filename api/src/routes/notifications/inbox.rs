//! The family's notifications in the portal, their unread count, and which kinds
//! also come by email.

use crate::routes::Json;
use crate::usecases::notifications::Notification;
use crate::usecases::utc;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use domain::notifications::NoticeKind;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Family;
use crate::db;
use crate::openapi::enums::mirror_enum;
use crate::problem::{ApiError, FieldError};
use crate::routes::etag::polled;
use crate::routes::pagination::{Page, PageQuery, offset};
use crate::state::AppState;
use crate::usecases::notifications;
use crate::usecases::notifications::notice_data::NoticeData;

mirror_enum! {
    /// What happened: the kind of a notification, of an email choice, and of a
    /// webhook event.
    NoticeKindView => NoticeKind {
        /// A registration accepted, refused, waitlisted or cancelled, or a freed place
        /// given.
        RegistrationDecided = "registration_decided",
        /// A freed holiday week held for the family until a deadline.
        WaitlistOffer = "waitlist_offer",
        /// A request (démarche) accepted or refused.
        RequestDecided = "request_decided",
        /// The invoice of a month is out.
        InvoiceIssued = "invoice_issued",
        /// A payment received, online or at the counter.
        PaymentReceived = "payment_received",
        /// An online payment refused by the bank.
        PaymentRefused = "payment_refused",
        /// The city closed a day: its bookings are cancelled, not billed.
        ClosureDay = "closure_day",
        /// An activity's booking window opened.
        BookingWindowOpening = "booking_window_opening",
        /// An activity's booking window closes in two days.
        BookingWindowClosing = "booking_window_closing",
        /// An agent accepted or refused a document the family uploaded.
        DocumentReviewed = "document_reviewed",
        /// A required document expires within 30 days.
        DocumentExpiring = "document_expiring",
        /// A renewal campaign opened, or closes within 7 days and the family has not
        /// sent its renewal.
        RenewalReminder = "renewal_reminder",
        /// An agent validated the family's renewal or sent it back with a comment.
        RenewalDecided = "renewal_decided",
        /// An invoice will be debited: its amount and date, 14 days ahead at least.
        DirectDebitScheduled = "direct_debit_scheduled",
        /// The bank rejected or returned a debit: the invoice is to pay again.
        DirectDebitRejected = "direct_debit_rejected",
        /// A child of separated parents was linked to a second household, its custody
        /// schedule set, or the link ended.
        CustodyChanged = "custody_changed",
    }
}

/// A notification.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NotificationView {
    /// The notification's id.
    #[schema(example = 31)]
    pub id: i64,
    /// What happened.
    pub kind: NoticeKindView,
    /// French; the email's subject too.
    #[schema(example = "Votre facture de novembre 2026 est disponible")]
    pub title: String,
    /// French plain text, paragraphs separated by a blank line.
    #[schema(
        example = "La facture n° F2026-000012 de novembre 2026, d'un montant de 62,20 EUR, est disponible dans votre espace. Vous pouvez la régler en ligne :\n\nDate limite de paiement : 31 décembre 2026."
    )]
    pub body: String,
    /// The matching page of the web portal; null when there is none.
    #[schema(example = "https://familles.example.fr/factures/12")]
    pub link: Option<String>,
    /// What a client acts on (ids, amounts, dates), typed by `kind`, which it repeats.
    pub data: NoticeData,
    /// When it happened (RFC 3339, UTC).
    pub occurred_at: DateTime<Utc>,
    /// When it was first read (RFC 3339, UTC); null while unread.
    pub read_at: Option<DateTime<Utc>>,
}

impl TryFrom<&Notification> for NotificationView {
    type Error = ApiError;

    /// Fails only on data the event's writer did not type (a bug, logged as a 500).
    fn try_from(n: &Notification) -> Result<Self, ApiError> {
        let event = &n.event;
        let data = NoticeData::read(event.kind, &event.data).map_err(|e| {
            ApiError::internal(anyhow::anyhow!(
                "event {} has unreadable data: {e}",
                event.id
            ))
        })?;
        Ok(Self {
            id: n.id,
            kind: data.kind().into(),
            title: event.title.clone(),
            body: event.body.clone(),
            link: event.link.clone(),
            data,
            occurred_at: utc(event.occurred_at),
            read_at: n.read_at.map(utc),
        })
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct NotificationFilter {
    /// Only the unread ones when `true`; all of them by default.
    #[serde(default)]
    pub unread: bool,
}

/// Lists the account's notifications.
///
/// Newest first, read or not (or only the unread ones with `unread=true`). Family
/// accounts only.
#[utoipa::path(
    tag = "notifications",
    operation_id = "listMyNotifications",
    security(("bearerAuth" = [])),
    params(NotificationFilter, PageQuery),
    responses(
        (status = 200, description = "A page of notifications.", body = Page<NotificationView>),
        (status = 400, description = "A bad filter or page (`validation_failed`)."),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[get("/me/notifications")]
pub async fn list_my_notifications(
    req: HttpRequest,
    state: web::Data<AppState>,
    family: Family,
    filter: web::Query<NotificationFilter>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (page, size) = query.into_inner().resolve()?;
    let (account, unread) = (family.0.account_id, filter.unread);
    let (items, total) = db::run(&state.pool, move |conn| {
        notifications::list(conn, account, unread, (offset(page, size), size))
    })
    .await?;
    polled(
        &req,
        &Page {
            items: items
                .iter()
                .map(NotificationView::try_from)
                .collect::<Result<Vec<_>, _>>()?,
            page,
            page_size: size,
            total,
        },
    )
}

/// How many of the account's notifications are unread.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UnreadCountView {
    /// Notifications not read yet (0: none).
    #[schema(example = 2)]
    pub unread: i64,
}

/// Counts the account's unread notifications.
///
/// The number for the badge on the bell. Family accounts only.
#[utoipa::path(
    tag = "notifications",
    operation_id = "countMyUnreadNotifications",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The count.", body = UnreadCountView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[get("/me/notifications/unread-count")]
pub async fn count_my_unread_notifications(
    req: HttpRequest,
    state: web::Data<AppState>,
    family: Family,
) -> Result<HttpResponse, ApiError> {
    let account = family.0.account_id;
    let unread = db::run(&state.pool, move |conn| {
        notifications::unread_count(conn, account)
    })
    .await?;
    polled(&req, &UnreadCountView { unread })
}

/// Marks a notification read.
///
/// Answers the notification with its `readAt`; reading it again keeps the first
/// time. Family accounts only, for the account's own notifications.
#[utoipa::path(
    tag = "notifications",
    operation_id = "readMyNotification",
    security(("bearerAuth" = [])),
    params(("notificationId" = i64, Path, minimum = 1, description = "The notification's id.")),
    responses(
        (status = 200, description = "Read.", body = NotificationView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such notification of this account (`not_found`)."),
    ),
)]
#[post("/me/notifications/{notificationId}/read")]
pub async fn read_my_notification(
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (account, id, now) = (family.0.account_id, id.into_inner(), state.clock.now());
    let read = db::run(&state.pool, move |conn| {
        notifications::read(conn, account, id, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(NotificationView::try_from(&read)?))
}

/// Marks every notification read.
///
/// Every unread notification of the account gets `readAt` now; the answer is the
/// unread count, 0. Family accounts only.
#[utoipa::path(
    tag = "notifications",
    operation_id = "readAllMyNotifications",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "None is unread now.", body = UnreadCountView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[post("/me/notifications/read")]
pub async fn read_all_my_notifications(
    state: web::Data<AppState>,
    family: Family,
) -> Result<HttpResponse, ApiError> {
    let (account, now) = (family.0.account_id, state.clock.now());
    db::run(&state.pool, move |conn| {
        notifications::read_all(conn, account, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(UnreadCountView { unread: 0 }))
}

/// How the account is told of a kind, besides the notification in the portal
/// (always made).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NotificationPreference {
    /// The kind of notification.
    pub kind: NoticeKindView,
    /// Whether an email comes too.
    #[schema(example = true)]
    pub email: bool,
    /// Whether it is pushed to the account's devices and browsers too
    /// (`/me/push-subscriptions`).
    #[schema(example = true)]
    pub push: bool,
}

/// A change of how a kind comes: a channel left out keeps its choice.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NotificationPreferenceInput {
    /// The kind of notification.
    pub kind: NoticeKindView,
    /// Whether an email comes too; left out, unchanged.
    #[schema(example = false)]
    pub email: Option<bool>,
    /// Whether it is pushed too; left out, unchanged.
    #[schema(example = true)]
    pub push: Option<bool>,
}

/// Reads the account's choices of emails and pushes.
///
/// For each kind of notification, whether an email comes too and whether it is
/// pushed to the account's devices (by default both); the notification in the portal
/// is always made. Family accounts only.
#[utoipa::path(
    tag = "notifications",
    operation_id = "getMyNotificationPreferences",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "One entry per kind.", body = Vec<NotificationPreference>),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[get("/me/notification-preferences")]
pub async fn get_my_notification_preferences(
    state: web::Data<AppState>,
    family: Family,
) -> Result<HttpResponse, ApiError> {
    let account = family.0.account_id;
    let choices = db::run(&state.pool, move |conn| {
        notifications::preferences(conn, account)
    })
    .await?;
    Ok(HttpResponse::Ok().json(preference_views(&choices)))
}

pub(crate) fn preference_views(
    choices: &[(NoticeKind, notifications::Channels)],
) -> Vec<NotificationPreference> {
    choices
        .iter()
        .map(|(kind, channels)| NotificationPreference {
            kind: NoticeKindView::from(*kind),
            email: channels.email,
            push: channels.push,
        })
        .collect()
}

/// Changes the account's choices of emails and pushes.
///
/// Only the kinds and channels sent change; the others keep theirs. Each kind at
/// most once. Family accounts only.
#[utoipa::path(
    tag = "notifications",
    operation_id = "setMyNotificationPreferences",
    security(("bearerAuth" = [])),
    request_body(content = Vec<NotificationPreferenceInput>, example = json!([{"kind": "booking_window_opening", "email": false}, {"kind": "closure_day", "push": true}])),
    responses(
        (status = 200, description = "Every kind, as now chosen.", body = Vec<NotificationPreference>),
        (status = 400, description = "A kind named twice (`validation_failed`)."),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[put("/me/notification-preferences")]
pub async fn set_my_notification_preferences(
    state: web::Data<AppState>,
    family: Family,
    body: Json<Vec<NotificationPreferenceInput>>,
) -> Result<HttpResponse, ApiError> {
    let choices: Vec<notifications::ChannelsChange> = body
        .iter()
        .map(|p| notifications::ChannelsChange {
            kind: NoticeKind::from(p.kind),
            email: p.email,
            push: p.push,
        })
        .collect();
    let mut kinds: Vec<NoticeKind> = choices.iter().map(|c| c.kind).collect();
    kinds.sort_unstable();
    kinds.dedup();
    if kinds.len() != choices.len() {
        return Err(ApiError::validation(vec![FieldError::new(
            "body",
            "duplicate_kind",
            "Chaque type n'apparaît qu'une fois.",
            "Each kind appears once.",
        )]));
    }
    let account = family.0.account_id;
    let choices = db::run(&state.pool, move |conn| {
        notifications::set_preferences(conn, account, &choices)
    })
    .await?;
    Ok(HttpResponse::Ok().json(preference_views(&choices)))
}

//! Push notifications: the channels the city offers, and the devices and browsers a
//! family account registers to be told at once.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, post, web};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::Family;
use crate::db;
use crate::openapi::enums::api_enum;
use crate::problem::{ApiError, FieldError, validate};
use crate::routes::Json;
use crate::state::AppState;
use crate::usecases::accounts::AccountRefusal;
use crate::usecases::notifications::push::{self, NewSubscription, Subscription};
use crate::usecases::utc;

api_enum! {
    /// How pushes reach a device.
    pub enum PushChannel {
        /// Web Push (RFC 8030): a browser's subscription, or an app using it.
        WebPush = "web_push",
        /// Firebase Cloud Messaging: an Android app's registration token.
        Fcm = "fcm",
        /// Apple Push Notification service: an iOS app's device token (hexadecimal).
        Apns = "apns",
    }
}

api_enum! {
    /// What the device is.
    pub enum PushPlatform {
        /// A web browser.
        Web = "web",
        /// An Android app.
        Android = "android",
        /// An iOS or iPadOS app.
        Ios = "ios",
    }
}

api_enum! {
    /// The language of the pushes' title and body.
    pub enum PushLanguage {
        /// French.
        Fr = "fr",
        /// English.
        En = "en",
    }
}

/// A browser subscription's keys, as `PushSubscription.toJSON()` gives them.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WebPushKeys {
    /// The browser's P-256 public key, uncompressed (65 bytes), in base64url.
    #[validate(length(min = 80, max = 100))]
    #[schema(
        min_length = 80,
        max_length = 100,
        example = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
    )]
    pub p256dh: String,
    /// The browser's 16-byte authentication secret, in base64url.
    #[validate(length(min = 20, max = 30))]
    #[schema(min_length = 20, max_length = 30, example = "BTBZMqHH6r4Tts7J_aSIgg")]
    pub auth: String,
}

/// A device or browser to push to.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({
    "channel": "fcm",
    "platform": "android",
    "language": "fr",
    "label": "Téléphone de Marie",
    "token": "eOz1Hc0fRJ2n4dXw:APA91bF0mRk3Vx9lQeK8aT1cXo2ZyqP7rJ4sN6uW0vB5dE8gH3iL"
}))]
pub struct PushSubscriptionInput {
    /// How pushes reach the device (`GET /push/channels` says which the city offers).
    pub channel: PushChannel,
    /// What the device is.
    pub platform: PushPlatform,
    /// The language of its pushes' title and body.
    pub language: PushLanguage,
    /// How the family recognises the device in its list.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "Téléphone de Marie")]
    pub label: String,
    /// Web Push only: the subscription's endpoint (HTTPS).
    #[validate(length(min = 1, max = 2048))]
    #[schema(
        min_length = 1,
        max_length = 2048,
        example = "https://fcm.googleapis.com/fcm/send/dpH5lCsTSSM:APA91bHqjZxM0VImWWqDRN7U0a3AycjUf4O-byuxb_wJsKRaKvV_iKw56s16ekq6FUqoCF7k2nICUpd8fHPxVTgqLunFeVeB9lLCQZyohyAztTH8ZQL9WCxKpA6dvTG_TUIhQUFq_n"
    )]
    pub endpoint: Option<String>,
    /// Web Push only: the subscription's keys.
    #[validate(nested)]
    pub keys: Option<WebPushKeys>,
    /// FCM and APNs only: the device's registration or device token.
    #[validate(length(min = 1, max = 4096))]
    #[schema(
        min_length = 1,
        max_length = 4096,
        example = "eOz1Hc0fRJ2n4dXw:APA91bF0mRk3Vx9lQeK8aT1cXo2ZyqP7rJ4sN6uW0vB5dE8gH3iL"
    )]
    pub token: Option<String>,
}

/// A registered device or browser (its keys and token are not shown again).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PushSubscriptionView {
    /// The subscription's id.
    #[schema(example = 3)]
    pub id: i64,
    /// How pushes reach the device.
    pub channel: PushChannel,
    /// What the device is.
    pub platform: PushPlatform,
    /// The language of its pushes' title and body.
    pub language: PushLanguage,
    /// How the family recognises the device.
    #[schema(example = "Téléphone de Marie")]
    pub label: String,
    /// When it was registered (RFC 3339, UTC).
    pub created_at: DateTime<Utc>,
    /// When a push last reached its service; null before the first.
    pub last_pushed_at: Option<DateTime<Utc>>,
    /// Whether pushes go to it: false once the session of the token that registered
    /// it ended (the family signed out of the app); registering again revives it.
    #[schema(example = true)]
    pub active: bool,
}

impl From<&(Subscription, bool)> for PushSubscriptionView {
    fn from((subscription, active): &(Subscription, bool)) -> Self {
        Self::new(subscription, *active)
    }
}

impl PushSubscriptionView {
    pub fn new(s: &Subscription, active: bool) -> Self {
        // The database's checks keep the columns to these values.
        let channel = PushChannel::ALL.iter().find(|c| c.as_str() == s.channel);
        let platform = PushPlatform::ALL.iter().find(|p| p.as_str() == s.platform);
        let language = PushLanguage::ALL.iter().find(|l| l.as_str() == s.language);
        Self {
            id: s.id,
            channel: channel.copied().unwrap_or(PushChannel::WebPush),
            platform: platform.copied().unwrap_or(PushPlatform::Web),
            language: language.copied().unwrap_or(PushLanguage::Fr),
            label: s.label.clone(),
            created_at: utc(s.created_at),
            last_pushed_at: s.last_pushed_at.map(utc),
            active,
        }
    }
}

/// The Web Push channel: the key browsers subscribe with.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebPushChannelView {
    /// The VAPID public key (P-256, uncompressed, base64url): the
    /// `applicationServerKey` of `pushManager.subscribe`.
    #[schema(
        example = "BDd3_hVL9fZi9Ybo2UUzA284WG5FZR30_95YeZJsiApwXKpNcF1rRPF3foIiBHXRdJI2Qhumhf6_LFTeZaNndIo"
    )]
    pub application_server_key: String,
}

/// The push channels the city offers.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PushChannelsView {
    /// Web Push, when offered (null otherwise).
    pub web_push: Option<WebPushChannelView>,
    /// Whether Android apps can register FCM tokens.
    pub fcm: bool,
    /// Whether iOS apps can register APNs device tokens.
    pub apns: bool,
}

/// Lists the push channels the city offers.
///
/// Which kinds of devices can register (`POST /me/push-subscriptions`), and for
/// browsers the key to subscribe with. No sign-in needed.
#[utoipa::path(
    tag = "notifications",
    operation_id = "getPushChannels",
    responses((status = 200, description = "The channels offered.", body = PushChannelsView)),
)]
#[get("/push/channels")]
pub async fn get_push_channels(state: web::Data<AppState>) -> HttpResponse {
    let channels = &state.push;
    HttpResponse::Ok().json(PushChannelsView {
        web_push: channels
            .web_push
            .as_ref()
            .map(|web_push| WebPushChannelView {
                application_server_key: web_push.public_key(),
            }),
        fcm: channels.fcm.is_some(),
        apns: channels.apns.is_some(),
    })
}

/// Registers a device or browser for pushes.
///
/// From now on, each notification the family gets is pushed to it too (unless the
/// account turned push off for its kind), as long as the session of the token that
/// registered it lasts (signing out of the app ends it): a title and a short body in
/// the device's language, and the notification's id, kind, link and data. Registering
/// a device already known (the same endpoint or token) updates it and answers 200: an
/// app registers at each start, with its current token. Family accounts only.
#[utoipa::path(
    tag = "notifications",
    operation_id = "registerMyPushSubscription",
    security(("bearerAuth" = [])),
    request_body = PushSubscriptionInput,
    responses(
        (status = 201, description = "Registered.", body = PushSubscriptionView,
            headers(("Location" = String, description = "The subscription's address."))),
        (status = 200, description = "Known already: updated.", body = PushSubscriptionView),
        (status = 400, description = "Fields missing or out of place for the channel, an endpoint that is not HTTPS or not public, keys that are not a P-256 point and a 16-byte secret (`validation_failed`)."),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 422, description = "A channel the city does not offer (`push_channel_unavailable`)."),
    ),
)]
#[post("/me/push-subscriptions")]
pub async fn register_my_push_subscription(
    state: web::Data<AppState>,
    family: Family,
    body: Json<PushSubscriptionInput>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    check_shape(&body, state.config.push.allow_private)?;
    if !state.push.offers(body.channel.as_str()) {
        return Err(
            crate::usecases::UseCaseError::from(AccountRefusal::PushChannelUnavailable).into(),
        );
    }
    let (account_id, session_id) = (family.0.account_id, family.0.session_id);
    let now = state.clock.now();
    let input = body.into_inner();
    let (subscription, new) = db::run(&state.pool, move |conn| {
        let keys = input.keys.as_ref();
        push::register(
            conn,
            &NewSubscription {
                account_id,
                session_id,
                channel: input.channel.as_str(),
                address: input
                    .endpoint
                    .as_deref()
                    .or(input.token.as_deref())
                    .unwrap_or_default(),
                // Stored unpadded, as sending decodes them.
                p256dh: keys.map(|k| k.p256dh.trim_end_matches('=')),
                auth: keys.map(|k| k.auth.trim_end_matches('=')),
                platform: input.platform.as_str(),
                language: input.language.as_str(),
                label: input.label.trim(),
            },
            now,
        )
    })
    .await?;
    let view = PushSubscriptionView::new(&subscription, true);
    Ok(if new {
        HttpResponse::Created()
            .insert_header((
                header::LOCATION,
                format!("/api/v1/me/push-subscriptions/{}", subscription.id),
            ))
            .json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// The fields each channel needs, and no other: an endpoint and keys for Web Push, a
/// token for FCM and APNs.
fn check_shape(input: &PushSubscriptionInput, allow_private: bool) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    let missing = |field: &'static str| {
        FieldError::new(
            field,
            "required",
            "Ce champ est requis pour ce canal.",
            "This field is required for this channel.",
        )
    };
    let misplaced = |field: &'static str| {
        FieldError::new(
            field,
            "not_for_channel",
            "Ce champ ne concerne pas ce canal.",
            "This field does not belong to this channel.",
        )
    };
    if input.label.trim().is_empty() {
        errors.push(FieldError::new(
            "label",
            "required",
            "Donnez un nom à l'appareil.",
            "Give the device a name.",
        ));
    }
    match input.channel {
        PushChannel::WebPush => {
            match &input.endpoint {
                None => errors.push(missing("endpoint")),
                Some(endpoint) => errors.extend(endpoint_error(endpoint, allow_private)),
            }
            match &input.keys {
                None => errors.push(missing("keys")),
                Some(keys) => errors.extend(key_errors(keys)),
            }
            if input.token.is_some() {
                errors.push(misplaced("token"));
            }
        }
        PushChannel::Fcm | PushChannel::Apns => {
            match &input.token {
                None => errors.push(missing("token")),
                Some(token)
                    if input.channel == PushChannel::Apns
                        && !token.chars().all(|c| c.is_ascii_hexdigit()) =>
                {
                    errors.push(FieldError::new(
                        "token",
                        "invalid_token",
                        "Un jeton d'appareil Apple s'écrit en hexadécimal.",
                        "An Apple device token is hexadecimal.",
                    ));
                }
                Some(_) => {}
            }
            for (field, given) in [
                ("endpoint", input.endpoint.is_some()),
                ("keys", input.keys.is_some()),
            ] {
                if given {
                    errors.push(misplaced(field));
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

/// A browser chose the endpoint, not the city: HTTPS, and no address of the server's
/// own network written out (names are checked where they are resolved, at each push),
/// so that an endpoint cannot make the server probe it.
fn endpoint_error(endpoint: &str, allow_private: bool) -> Option<FieldError> {
    let url = reqwest::Url::parse(endpoint).ok();
    let secure = url
        .as_ref()
        .is_some_and(|u| u.scheme() == "https" || (allow_private && u.scheme() == "http"));
    if !secure {
        return Some(FieldError::new(
            "endpoint",
            "https_required",
            "L'adresse d'abonnement doit être en HTTPS.",
            "The subscription's endpoint must be HTTPS.",
        ));
    }
    let private = url
        .as_ref()
        .and_then(crate::adapters::outbound::refused_host);
    (private.is_some() && !allow_private).then(|| {
        FieldError::new(
            "endpoint",
            "private_address",
            "L'adresse d'abonnement doit être publique.",
            "The subscription's endpoint must be a public address.",
        )
    })
}

/// A P-256 point and a 16-byte secret, or the fields' errors.
fn key_errors(keys: &WebPushKeys) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let point = URL_SAFE_NO_PAD.decode(keys.p256dh.trim_end_matches('='));
    if !point.is_ok_and(|p| web_push_native::p256::PublicKey::from_sec1_bytes(&p).is_ok()) {
        errors.push(FieldError::new(
            "keys.p256dh",
            "invalid_key",
            "Ce n'est pas une clé publique P-256 en base64url.",
            "This is not a P-256 public key in base64url.",
        ));
    }
    let auth = URL_SAFE_NO_PAD.decode(keys.auth.trim_end_matches('='));
    if !auth.is_ok_and(|a| a.len() == 16) {
        errors.push(FieldError::new(
            "keys.auth",
            "invalid_key",
            "Ce n'est pas un secret de 16 octets en base64url.",
            "This is not a 16-byte secret in base64url.",
        ));
    }
    errors
}

/// Lists the account's devices and browsers registered for pushes.
///
/// Oldest first. Family accounts only.
#[utoipa::path(
    tag = "notifications",
    operation_id = "listMyPushSubscriptions",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The devices.", body = Vec<PushSubscriptionView>),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[get("/me/push-subscriptions")]
pub async fn list_my_push_subscriptions(
    state: web::Data<AppState>,
    family: Family,
) -> Result<HttpResponse, ApiError> {
    let account_id = family.0.account_id;
    let now = state.clock.now();
    let subscriptions = db::run(&state.pool, move |conn| push::list(conn, account_id, now)).await?;
    Ok(HttpResponse::Ok().json(
        subscriptions
            .iter()
            .map(PushSubscriptionView::from)
            .collect::<Vec<_>>(),
    ))
}

/// Removes a device or browser: nothing more is pushed to it.
///
/// Its pushes not sent yet are dropped. An app removes its device when the family
/// signs out of it. Family accounts only.
#[utoipa::path(
    tag = "notifications",
    operation_id = "deleteMyPushSubscription",
    security(("bearerAuth" = [])),
    params(("subscriptionId" = i64, Path, minimum = 1, description = "The subscription's id.")),
    responses(
        (status = 204, description = "Removed."),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such device of this account (`not_found`)."),
    ),
)]
#[delete("/me/push-subscriptions/{subscriptionId}")]
pub async fn delete_my_push_subscription(
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (account_id, id) = (family.0.account_id, id.into_inner());
    db::run(&state.pool, move |conn| push::remove(conn, account_id, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

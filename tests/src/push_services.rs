//! Local stand-ins for the three push services, each a real HTTP server checking what
//! the real one checks and answering its published payloads:
//! - [`WebPushService`]: a browser's push service. It holds the subscription's private
//!   key, checks the VAPID JWT (RFC 8292) against the key the server announces, and
//!   decrypts the `aes128gcm` body (RFC 8291) with the real cryptography.
//! - [`FcmService`]: Google's token endpoint (checks the service account's RS256
//!   assertion) and FCM's HTTP v1 `messages:send` (checks the bearer token and the
//!   message's shape).
//! - [`ApnsService`]: APNs over HTTP/2 only (cleartext with prior knowledge here),
//!   checking the ES256 provider token, its key id and team, and the topic.
//!
//! Each answers success unless told otherwise: [`Script::answer_next`] queues answers
//! (a status and a body) for the next requests.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use actix_web::http::Version;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};
use web_push_native::p256::elliptic_curve::rand_core::{OsRng, RngCore as _};
use web_push_native::p256::elliptic_curve::sec1::ToEncodedPoint as _;
use web_push_native::{Auth, p256};

pub const FCM_PROJECT: &str = "espace-familles-test";
pub const APNS_KEY_ID: &str = "AB12CD34EF";
pub const APNS_TEAM_ID: &str = "TEAM123456";
pub const APNS_TOPIC: &str = "fr.villejuif.familles";
const FCM_ACCOUNT: &str = include_str!("../fixtures/push/fcm-test-service-account.json");
const FCM_PUBLIC_KEY: &str = include_str!("../fixtures/push/fcm-test-key.pub.pem");
const APNS_PUBLIC_KEY: &str = include_str!("../fixtures/push/apns-test-key.pub.pem");
/// The APNs token key's path, for `APNS_KEY_FILE`.
pub const APNS_KEY_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/push/apns-test-key.p8"
);

/// One request a service received and accepted as well-formed and authenticated.
#[derive(Debug, Clone)]
pub struct Received {
    /// The device: the endpoint's last segment, or the FCM or APNs token.
    pub device: String,
    /// What the device gets: the decrypted Web Push body, FCM's message, APNs's body.
    pub body: Value,
    /// The answer given.
    pub status: u16,
}

/// What a service was sent, and the answers it is told to give next.
#[derive(Debug, Default)]
pub struct Script {
    received: Mutex<Vec<Received>>,
    next: Mutex<VecDeque<(u16, String)>>,
    /// Requests refused for their credentials or shape, with why.
    refused: Mutex<Vec<String>>,
}

impl Script {
    /// Answers the next requests with these statuses and bodies, in order.
    pub fn answer_next(&self, answers: &[(u16, &str)]) {
        let mut next = self.next.lock().unwrap();
        next.extend(answers.iter().map(|(s, b)| (*s, (*b).to_owned())));
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub fn refused(&self) -> Vec<String> {
        self.refused.lock().unwrap().clone()
    }

    /// Waits (up to 10 s) until `n` requests have arrived, and returns them.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..400 {
            let received = self.received();
            if received.len() >= n {
                return received;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!(
            "{n} pushes expected, got {:?} (refused: {:?})",
            self.received(),
            self.refused()
        );
    }

    fn answer(&self, device: String, body: Value, success: (u16, String)) -> HttpResponse {
        let (status, text) = self.next.lock().unwrap().pop_front().unwrap_or(success);
        self.received.lock().unwrap().push(Received {
            device,
            body,
            status,
        });
        HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
            .content_type("application/json")
            .body(text)
    }

    fn refuse(&self, status: u16, why: String) -> HttpResponse {
        self.refused.lock().unwrap().push(why.clone());
        HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).body(why)
    }
}

/// A browser's subscription: what the family's browser would hold.
#[derive(Debug, Clone)]
pub struct Browser {
    secret: p256::SecretKey,
    auth: [u8; 16],
    pub endpoint: String,
}

impl Browser {
    /// The `keys` of `PushSubscription.toJSON()`.
    pub fn keys(&self) -> Value {
        json!({
            "p256dh": URL_SAFE_NO_PAD.encode(self.secret.public_key().to_encoded_point(false).as_bytes()),
            "auth": URL_SAFE_NO_PAD.encode(self.auth),
        })
    }
}

#[derive(Debug)]
pub struct WebPushService {
    pub url: String,
    pub script: Arc<Script>,
    browsers: Arc<Mutex<Vec<Browser>>>,
    /// The server's VAPID public key, once known (`GET /push/channels`).
    vapid: Arc<Mutex<Option<String>>>,
    handle: actix_web::dev::ServerHandle,
}

struct WebPushState {
    script: Arc<Script>,
    browsers: Arc<Mutex<Vec<Browser>>>,
    vapid: Arc<Mutex<Option<String>>>,
}

async fn web_push(
    req: HttpRequest,
    device: web::Path<String>,
    body: web::Bytes,
    state: web::Data<WebPushState>,
) -> HttpResponse {
    let device = device.into_inner();
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    if header("content-encoding") != "aes128gcm" || header("ttl").is_empty() {
        return state
            .script
            .refuse(400, "Content-Encoding aes128gcm and TTL required".into());
    }
    let expected_key = state.vapid.lock().unwrap().clone().unwrap_or_default();
    if let Err(why) = check_vapid(&header("authorization"), &expected_key) {
        return state.script.refuse(401, why);
    }
    let browser = state
        .browsers
        .lock()
        .unwrap()
        .iter()
        .find(|b| b.endpoint.ends_with(&format!("/push/{device}")))
        .cloned();
    let Some(browser) = browser else {
        return state
            .script
            .refuse(404, format!("no subscription {device}"));
    };
    let plain = match web_push_native::decrypt(
        body.to_vec(),
        &browser.secret,
        &Auth::clone_from_slice(&browser.auth),
    ) {
        Ok(plain) => plain,
        Err(error) => {
            return state
                .script
                .refuse(400, format!("cannot decrypt: {error:?}"));
        }
    };
    let Ok(payload) = serde_json::from_slice::<Value>(&plain) else {
        return state.script.refuse(400, "the payload is not JSON".into());
    };
    state.script.answer(device, payload, (201, String::new()))
}

#[derive(serde::Deserialize)]
struct VapidClaims {
    exp: i64,
    sub: String,
}

/// `vapid t=<JWT>, k=<key>`: the key is the server's, the JWT is signed with it for
/// this origin, with a contact subject.
fn check_vapid(authorization: &str, expected_key: &str) -> Result<(), String> {
    let rest = authorization
        .strip_prefix("vapid ")
        .ok_or("not the vapid scheme")?;
    let field = |name: &str| {
        rest.split(',')
            .find_map(|p| p.trim().strip_prefix(name).map(str::to_owned))
    };
    let (token, key) = (field("t=").ok_or("no t=")?, field("k=").ok_or("no k=")?);
    if key != expected_key {
        return Err(format!("k={key} is not the announced key {expected_key}"));
    }
    let point = URL_SAFE_NO_PAD.decode(&key).map_err(|e| e.to_string())?;
    if point.len() != 65 {
        return Err("k is not an uncompressed P-256 point".into());
    }
    let decoding = DecodingKey::from_ec_components(
        &URL_SAFE_NO_PAD.encode(&point[1..33]),
        &URL_SAFE_NO_PAD.encode(&point[33..65]),
    )
    .map_err(|e| e.to_string())?;
    let mut validation = Validation::new(Algorithm::ES256);
    // The push resource's origin. (web-push-native leaves the port out; real push
    // services are on 443, where the origin has none.)
    validation.set_audience(&["http://127.0.0.1"]);
    validation.set_required_spec_claims(&["exp", "aud", "sub"]);
    let claims = jsonwebtoken::decode::<VapidClaims>(&token, &decoding, &validation)
        .map_err(|e| format!("VAPID JWT refused: {e}"))?
        .claims;
    if !(claims.sub.starts_with("mailto:") || claims.sub.starts_with("https://")) {
        return Err(format!("sub {} is no contact", claims.sub));
    }
    // RFC 8292: no more than 24 hours from the request.
    if claims.exp > chrono::Utc::now().timestamp() + 24 * 3600 {
        return Err(format!("exp {} is more than 24 hours away", claims.exp));
    }
    Ok(())
}

impl WebPushService {
    pub async fn start() -> Self {
        let script = Arc::new(Script::default());
        let browsers = Arc::new(Mutex::new(Vec::new()));
        let vapid = Arc::new(Mutex::new(None));
        let data = web::Data::new(WebPushState {
            script: script.clone(),
            browsers: browsers.clone(),
            vapid: vapid.clone(),
        });
        let (url, handle) = crate::local_server::start_local(move |app| {
            app.app_data(data.clone())
                .route("/push/{device}", web::post().to(web_push));
        });
        Self {
            url,
            script,
            browsers,
            vapid,
            handle,
        }
    }

    /// The key the server announces browsers should trust (`applicationServerKey`).
    pub fn trust(&self, application_server_key: &str) {
        *self.vapid.lock().unwrap() = Some(application_server_key.to_owned());
    }

    /// A new browser subscription on this service.
    pub fn browser(&self) -> Browser {
        let mut auth = [0u8; 16];
        OsRng.fill_bytes(&mut auth);
        let browser = Browser {
            secret: p256::SecretKey::random(&mut OsRng),
            auth,
            endpoint: format!("{}/push/{}", self.url, uuid::Uuid::new_v4().simple()),
        };
        self.browsers.lock().unwrap().push(browser.clone());
        browser
    }

    pub async fn stop(self) {
        self.handle.stop(true).await;
    }
}

#[derive(Debug)]
pub struct FcmService {
    pub url: String,
    pub script: Arc<Script>,
    handle: actix_web::dev::ServerHandle,
}

struct FcmState {
    script: Arc<Script>,
    url: Mutex<String>,
    issued: Mutex<Vec<String>>,
}

#[derive(serde::Deserialize)]
struct GoogleClaims {
    iss: String,
    scope: String,
}

async fn fcm_token(
    form: web::Form<Vec<(String, String)>>,
    state: web::Data<FcmState>,
) -> HttpResponse {
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    if field("grant_type").as_deref() != Some("urn:ietf:params:oauth:grant-type:jwt-bearer") {
        return state.script.refuse(400, "grant_type".into());
    }
    let Some(assertion) = field("assertion") else {
        return state.script.refuse(400, "no assertion".into());
    };
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[format!("{}/token", state.url.lock().unwrap())]);
    let key = DecodingKey::from_rsa_pem(FCM_PUBLIC_KEY.as_bytes()).unwrap();
    let claims = match jsonwebtoken::decode::<GoogleClaims>(&assertion, &key, &validation) {
        Ok(data) => data.claims,
        Err(error) => return state.script.refuse(400, format!("invalid_grant: {error}")),
    };
    let account: Value = serde_json::from_str(FCM_ACCOUNT).unwrap();
    if claims.iss != account["client_email"]
        || claims.scope != "https://www.googleapis.com/auth/firebase.messaging"
    {
        return state
            .script
            .refuse(400, "invalid_grant: issuer or scope".into());
    }
    let token = format!("ya29.test-{}", uuid::Uuid::new_v4().simple());
    state.issued.lock().unwrap().push(token.clone());
    HttpResponse::Ok()
        .json(json!({"access_token": token, "expires_in": 3599, "token_type": "Bearer"}))
}

async fn fcm_send(
    req: HttpRequest,
    body: web::Json<Value>,
    state: web::Data<FcmState>,
) -> HttpResponse {
    let bearer = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_owned();
    if !state.issued.lock().unwrap().contains(&bearer) {
        return state.script.refuse(401, "UNAUTHENTICATED".into());
    }
    let message = &body["message"];
    let strings = message["data"]
        .as_object()
        .is_some_and(|d| d.values().all(Value::is_string));
    let Some(token) = message["token"].as_str().filter(|_| strings) else {
        return state
            .script
            .refuse(400, "INVALID_ARGUMENT: token, and data of strings".into());
    };
    if message["notification"]["title"]
        .as_str()
        .is_none_or(str::is_empty)
    {
        return state
            .script
            .refuse(400, "INVALID_ARGUMENT: notification.title".into());
    }
    let name = format!(
        r#"{{"name": "projects/{FCM_PROJECT}/messages/0:{}"}}"#,
        uuid::Uuid::new_v4().simple()
    );
    state
        .script
        .answer(token.to_owned(), message.clone(), (200, name))
}

/// FCM's answer for a token that is no longer registered (the app was uninstalled).
pub const FCM_UNREGISTERED: &str = r#"{"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND", "details": [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": "UNREGISTERED"}]}}"#;
/// FCM's answer for a project it does not know (a configuration mistake): no
/// `UNREGISTERED` in it.
pub const FCM_NOT_FOUND: &str = r#"{"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}}"#;
/// FCM's answer when it is overloaded.
pub const FCM_UNAVAILABLE: &str = r#"{"error": {"code": 503, "message": "The service is currently unavailable.", "status": "UNAVAILABLE", "details": [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": "UNAVAILABLE"}]}}"#;

impl FcmService {
    pub async fn start() -> Self {
        let script = Arc::new(Script::default());
        let data = web::Data::new(FcmState {
            script: script.clone(),
            url: Mutex::new(String::new()),
            issued: Mutex::new(Vec::new()),
        });
        let shared = data.clone();
        let (url, handle) = crate::local_server::start_local(move |app| {
            app.app_data(data.clone())
                .route("/token", web::post().to(fcm_token))
                .route(
                    &format!("/v1/projects/{FCM_PROJECT}/messages:send"),
                    web::post().to(fcm_send),
                );
        });
        *shared.url.lock().unwrap() = url.clone();
        Self {
            url,
            script,
            handle,
        }
    }

    /// Writes the service account's key, with this server as its `token_uri`, to a
    /// file in `dir`; returns its path (`FCM_SERVICE_ACCOUNT_FILE`).
    pub fn service_account_file(&self, dir: &std::path::Path) -> String {
        let mut account: Value = serde_json::from_str(FCM_ACCOUNT).unwrap();
        account["token_uri"] = json!(format!("{}/token", self.url));
        std::fs::create_dir_all(dir).unwrap();
        let path = dir.join("fcm-service-account.json");
        std::fs::write(&path, account.to_string()).unwrap();
        path.display().to_string()
    }

    pub async fn stop(self) {
        self.handle.stop(true).await;
    }
}

#[derive(Debug)]
pub struct ApnsService {
    pub url: String,
    pub script: Arc<Script>,
    handle: actix_web::dev::ServerHandle,
}

#[derive(serde::Deserialize)]
struct ProviderClaims {
    iss: String,
    iat: i64,
}

async fn apns_send(
    req: HttpRequest,
    device: web::Path<String>,
    body: web::Json<Value>,
    script: web::Data<Arc<Script>>,
) -> HttpResponse {
    if req.version() != Version::HTTP_2 {
        return script.refuse(
            505,
            format!("APNs speaks HTTP/2 only, not {:?}", req.version()),
        );
    }
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    if header("apns-topic") != APNS_TOPIC || header("apns-push-type") != "alert" {
        return script.refuse(400, r#"{"reason": "MissingTopic"}"#.into());
    }
    let token = header("authorization");
    let Some(token) = token.strip_prefix("bearer ") else {
        return script.refuse(403, r#"{"reason": "MissingProviderToken"}"#.into());
    };
    let key = DecodingKey::from_ec_pem(APNS_PUBLIC_KEY.as_bytes()).unwrap();
    let mut validation = Validation::new(Algorithm::ES256);
    validation.set_required_spec_claims::<&str>(&[]);
    validation.validate_exp = false;
    let kid = jsonwebtoken::decode_header(token).ok().and_then(|h| h.kid);
    match jsonwebtoken::decode::<ProviderClaims>(token, &key, &validation) {
        Ok(data)
            if data.claims.iss == APNS_TEAM_ID
                && kid.as_deref() == Some(APNS_KEY_ID)
                && (chrono::Utc::now().timestamp() - data.claims.iat).abs() < 3600 => {}
        _ => return script.refuse(403, r#"{"reason": "InvalidProviderToken"}"#.into()),
    }
    if body["aps"]["alert"]["title"]
        .as_str()
        .is_none_or(str::is_empty)
    {
        return script.refuse(400, r#"{"reason": "PayloadEmpty"}"#.into());
    }
    script.answer(device.into_inner(), body.into_inner(), (200, String::new()))
}

impl ApnsService {
    pub async fn start() -> Self {
        let script = Arc::new(Script::default());
        let data = web::Data::new(script.clone());
        let (url, handle) = crate::local_server::start_local(move |app| {
            app.app_data(data.clone())
                .route("/3/device/{device}", web::post().to(apns_send));
        });
        Self {
            url,
            script,
            handle,
        }
    }

    pub async fn stop(self) {
        self.handle.stop(true).await;
    }
}

/// The three services at once, and the settings that point an app at them.
#[derive(Debug)]
pub struct PushServices {
    pub web: WebPushService,
    pub fcm: FcmService,
    pub apns: ApnsService,
    /// The VAPID key pair the app pushes with: (private, public).
    pub vapid: (String, String),
    dir: std::path::PathBuf,
}

impl PushServices {
    pub async fn start() -> Self {
        let (web, fcm, apns) = (
            WebPushService::start().await,
            FcmService::start().await,
            ApnsService::start().await,
        );
        let vapid = api::adapters::push::web_push::new_key_pair();
        web.trust(&vapid.1);
        let dir = std::env::temp_dir().join(format!(
            "espace-familles-push-{}",
            uuid::Uuid::new_v4().simple()
        ));
        Self {
            web,
            fcm,
            apns,
            vapid,
            dir,
        }
    }

    /// `WEB_PUSH_*`, `FCM_*`, `APNS_*` and a quick poll for an app pushing here.
    pub fn settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("WEB_PUSH_VAPID_PRIVATE_KEY", self.vapid.0.clone()),
            (
                "WEB_PUSH_SUBJECT",
                "mailto:familles@villejuif.example".into(),
            ),
            ("PUSH_ALLOW_PRIVATE", "true".into()),
            ("PUSH_POLL_MILLIS", "20".into()),
            (
                "FCM_SERVICE_ACCOUNT_FILE",
                self.fcm.service_account_file(&self.dir),
            ),
            ("FCM_URL", self.fcm.url.clone()),
            ("APNS_KEY_FILE", APNS_KEY_FILE.into()),
            ("APNS_KEY_ID", APNS_KEY_ID.into()),
            ("APNS_TEAM_ID", APNS_TEAM_ID.into()),
            ("APNS_TOPIC", APNS_TOPIC.into()),
            ("APNS_URL", self.apns.url.clone()),
        ]
    }
}

impl Drop for PushServices {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

//! Firebase Cloud Messaging's HTTP v1 API, for Android apps (and iOS apps that go
//! through Firebase): an OAuth access token from the service account's key (a JWT
//! signed RS256, exchanged at its `token_uri`), kept until shortly before it expires;
//! then one `messages:send` per device.

use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::Mutex;

use super::Verdict;
use super::payload::PushPayload;
use crate::config::FcmSettings;

const SCOPE: &str = "https://www.googleapis.com/auth/firebase.messaging";
/// A token is asked anew this long before it expires.
const TOKEN_MARGIN: Duration = Duration::from_secs(300);

/// The fields of a service account's JSON key this client uses.
#[derive(Deserialize)]
struct ServiceAccount {
    project_id: String,
    private_key_id: String,
    private_key: String,
    client_email: String,
    token_uri: String,
}

pub struct Fcm {
    project_id: String,
    key_id: String,
    key: EncodingKey,
    client_email: String,
    token_uri: String,
    url: String,
    client: reqwest::Client,
    token: Mutex<Option<(String, Instant)>>,
}

impl std::fmt::Debug for Fcm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fcm")
            .field("project_id", &self.project_id)
            .field("client_email", &self.client_email)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct Assertion<'a> {
    iss: &'a str,
    scope: &'a str,
    aud: &'a str,
    iat: i64,
    exp: i64,
}

#[derive(Deserialize)]
struct Granted {
    access_token: String,
    expires_in: u64,
}

impl Fcm {
    pub fn new(settings: &FcmSettings, client: reqwest::Client) -> anyhow::Result<Self> {
        let account: ServiceAccount =
            serde_json::from_str(&settings.service_account).map_err(|e| {
                anyhow::anyhow!("FCM_SERVICE_ACCOUNT_FILE is not a service account key: {e}")
            })?;
        let key = EncodingKey::from_rsa_pem(account.private_key.as_bytes()).map_err(|e| {
            anyhow::anyhow!("the service account's private_key is not an RSA key: {e}")
        })?;
        Ok(Self {
            project_id: account.project_id,
            key_id: account.private_key_id,
            key,
            client_email: account.client_email,
            token_uri: account.token_uri,
            url: settings.url.trim_end_matches('/').to_owned(),
            client,
            token: Mutex::new(None),
        })
    }

    pub async fn send(&self, device: &str, payload: &PushPayload) -> Verdict {
        let token = match self.access_token().await {
            Ok(token) => token,
            Err(error) => return Verdict::Retry(format!("no access token: {error:#}")),
        };
        let request = self
            .client
            .post(format!(
                "{}/v1/projects/{}/messages:send",
                self.url, self.project_id
            ))
            .bearer_auth(token)
            .json(&message(device, payload));
        match crate::telemetry::traces::send("fcm", request).await {
            Ok(response) => {
                let status = response.status().as_u16();
                let body: Value = response.json().await.unwrap_or(Value::Null);
                let verdict = verdict(status, &body);
                if status == 401 {
                    // The token was revoked or expired early: the next try asks anew.
                    *self.token.lock().await = None;
                }
                verdict
            }
            Err(error) => Verdict::Retry(super::error_chain(&error)),
        }
    }

    async fn access_token(&self) -> anyhow::Result<String> {
        let mut held = self.token.lock().await;
        if let Some((token, until)) = held.as_ref()
            && Instant::now() < *until
        {
            return Ok(token.clone());
        }
        let now = chrono::Utc::now().timestamp();
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.key_id.clone());
        let assertion = jsonwebtoken::encode(
            &header,
            &Assertion {
                iss: &self.client_email,
                scope: SCOPE,
                aud: &self.token_uri,
                iat: now,
                exp: now + 3600,
            },
            &self.key,
        )?;
        let form = serde_urlencoded::to_string([
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", assertion.as_str()),
        ])?;
        let request = self
            .client
            .post(&self.token_uri)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(form);
        let response = crate::telemetry::traces::send("fcm_token", request).await?;
        let status = response.status();
        anyhow::ensure!(
            status.is_success(),
            "the token endpoint answered {status}: {}",
            super::excerpt(&response.text().await.unwrap_or_default())
        );
        let granted: Granted = response.json().await?;
        let lasts = Duration::from_secs(granted.expires_in).saturating_sub(TOKEN_MARGIN);
        *held = Some((granted.access_token.clone(), Instant::now() + lasts));
        Ok(granted.access_token)
    }
}

/// The v1 message: the notification shown, and the payload's fields as `data`
/// (strings only, as FCM requires; `data` itself as JSON text).
fn message(device: &str, payload: &PushPayload) -> Value {
    json!({
        "message": {
            "token": device,
            "notification": {"title": payload.title, "body": payload.body},
            "data": {
                "notificationId": payload.notification_id.to_string(),
                "kind": payload.kind,
                "link": payload.link.clone().unwrap_or_default(),
                "data": payload.data.to_string(),
            },
            "android": {"priority": "high"},
        }
    })
}

/// What FCM's answer means
/// (<https://firebase.google.com/docs/reference/fcm/rest/v1/ErrorCode>).
fn verdict(status: u16, body: &Value) -> Verdict {
    let error = &body["error"];
    let code = error["details"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|detail| detail["errorCode"].as_str())
        .or_else(|| error["status"].as_str())
        .unwrap_or_default();
    let said = || {
        format!(
            "answered {status} {code}: {}",
            error["message"].as_str().unwrap_or_default()
        )
    };
    match (status, code) {
        (200..=299, _) => Verdict::Sent,
        // The app was uninstalled. (A 404 without this code, or SENDER_ID_MISMATCH,
        // rather says the city's project is wrong: no device is removed for it.)
        (_, "UNREGISTERED") => Verdict::Gone(said()),
        (400, "INVALID_ARGUMENT")
            if error["message"]
                .as_str()
                .is_some_and(|m| m.contains("registration token")) =>
        {
            Verdict::Gone(said())
        }
        (401 | 429 | 500..=599, _) => Verdict::Retry(said()),
        _ => Verdict::Refused(said()),
    }
}

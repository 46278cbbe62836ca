//! Apple Push Notification service, token-based, over HTTP/2 (the only protocol it
//! speaks): a provider token (a JWT signed ES256 with the team's `.p8` key, named by
//! its key id) kept 30 minutes, as Apple asks (no more often than every 20, no older
//! than 60); one POST per device.

use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::Mutex;

use super::Verdict;
use super::payload::PushPayload;
use crate::config::ApnsSettings;

const TOKEN_LASTS: Duration = Duration::from_secs(30 * 60);

pub struct Apns {
    key: EncodingKey,
    key_id: String,
    team_id: String,
    topic: String,
    url: String,
    client: reqwest::Client,
    token: Mutex<Option<(String, Instant)>>,
}

impl std::fmt::Debug for Apns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Apns")
            .field("key_id", &self.key_id)
            .field("team_id", &self.team_id)
            .field("topic", &self.topic)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    iat: i64,
}

impl Apns {
    /// `client` must speak HTTP/2 (`http2_prior_knowledge`).
    pub fn new(settings: &ApnsSettings, client: reqwest::Client) -> anyhow::Result<Self> {
        let key = EncodingKey::from_ec_pem(settings.key.as_bytes())
            .map_err(|e| anyhow::anyhow!("APNS_KEY_FILE is not a P-256 .p8 key: {e}"))?;
        Ok(Self {
            key,
            key_id: settings.key_id.clone(),
            team_id: settings.team_id.clone(),
            topic: settings.topic.clone(),
            url: settings.url.trim_end_matches('/').to_owned(),
            client,
            token: Mutex::new(None),
        })
    }

    pub async fn send(&self, device: &str, payload: &PushPayload) -> Verdict {
        let token = match self.provider_token().await {
            Ok(token) => token,
            Err(error) => return Verdict::Refused(format!("no provider token: {error}")),
        };
        let request = self
            .client
            .post(format!("{}/3/device/{device}", self.url))
            .header("authorization", format!("bearer {token}"))
            .header("apns-topic", &self.topic)
            .header("apns-push-type", "alert")
            .header("apns-priority", "10")
            .json(&body(payload));
        match crate::telemetry::traces::send("apns", request).await {
            Ok(response) => {
                let status = response.status().as_u16();
                let reason = response
                    .json::<Value>()
                    .await
                    .ok()
                    .and_then(|body| body["reason"].as_str().map(str::to_owned))
                    .unwrap_or_default();
                if matches!(
                    reason.as_str(),
                    "ExpiredProviderToken" | "InvalidProviderToken"
                ) {
                    *self.token.lock().await = None;
                }
                verdict(status, &reason)
            }
            Err(error) => Verdict::Retry(super::error_chain(&error)),
        }
    }

    async fn provider_token(&self) -> jsonwebtoken::errors::Result<String> {
        let mut held = self.token.lock().await;
        if let Some((token, made)) = held.as_ref()
            && made.elapsed() < TOKEN_LASTS
        {
            return Ok(token.clone());
        }
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.key_id.clone());
        let token = jsonwebtoken::encode(
            &header,
            &Claims {
                iss: &self.team_id,
                iat: chrono::Utc::now().timestamp(),
            },
            &self.key,
        )?;
        *held = Some((token.clone(), Instant::now()));
        Ok(token)
    }
}

/// The alert shown, and the payload's fields beside `aps` for the app.
fn body(payload: &PushPayload) -> Value {
    json!({
        "aps": {
            "alert": {"title": payload.title, "body": payload.body},
            "sound": "default",
            "thread-id": payload.kind,
        },
        "notificationId": payload.notification_id,
        "kind": payload.kind,
        "link": payload.link,
        "data": payload.data,
    })
}

/// What APNs's answer means (Apple's "Handling notification responses from APNs").
fn verdict(status: u16, reason: &str) -> Verdict {
    let said = || format!("answered {status} {reason}");
    match (status, reason) {
        (200, _) => Verdict::Sent,
        // The app was removed, or the token is not one of this app's.
        (410, _) | (400, "BadDeviceToken" | "DeviceTokenNotForTopic") => Verdict::Gone(said()),
        (403, "ExpiredProviderToken" | "InvalidProviderToken") | (429 | 500..=599, _) => {
            Verdict::Retry(said())
        }
        _ => Verdict::Refused(said()),
    }
}

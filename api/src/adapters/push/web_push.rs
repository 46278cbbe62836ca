//! Web Push (RFC 8030) to browsers: the payload encrypted for the browser's key with
//! `aes128gcm` (RFC 8291) and signed for the push service with VAPID (RFC 8292), by
//! the `web-push-native` crate (pure Rust); sent here with reqwest.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use persistence::notifications::push::Subscription;
use web_push_native::jwt_simple::algorithms::{ECDSAP256PublicKeyLike as _, ES256KeyPair};
use web_push_native::{Auth, WebPushBuilder, p256};

use super::Verdict;
use crate::config::WebPushSettings;

/// How long a push service keeps a push for a browser that is offline, and how long
/// the VAPID signature holds: 12 hours, well within the 24 RFC 8292 allows (a clock a
/// little ahead of the service's must not get every push refused).
const TIME_TO_LIVE: Duration = Duration::from_secs(12 * 3600);

pub struct WebPush {
    key: ES256KeyPair,
    subject: String,
    client: reqwest::Client,
}

impl std::fmt::Debug for WebPush {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebPush")
            .field("subject", &self.subject)
            .finish()
    }
}

impl WebPush {
    pub fn new(settings: &WebPushSettings, client: reqwest::Client) -> anyhow::Result<Self> {
        Ok(Self {
            key: key_pair(&settings.private_key)?,
            subject: settings.subject.clone(),
            client,
        })
    }

    /// The key browsers subscribe with (`applicationServerKey`): the public point,
    /// uncompressed, in base64url.
    pub fn public_key(&self) -> String {
        public_key_of(&self.key)
    }

    pub async fn send(&self, subscription: &Subscription, payload: &[u8]) -> Verdict {
        let request = match self.request(subscription, payload) {
            Ok(request) => request,
            // The browser gave keys that cannot be used: no push will ever reach it.
            Err(error) => return Verdict::Gone(format!("unusable subscription: {error}")),
        };
        let (parts, body) = request.into_parts();
        let builder = self
            .client
            .request(parts.method, parts.uri.to_string())
            .headers(parts.headers)
            .header("urgency", "high")
            .body(body);
        let answer = crate::telemetry::traces::send("web_push", builder).await;
        match answer {
            Ok(response) => {
                let status = response.status().as_u16();
                let text = response.text().await.unwrap_or_default();
                verdict(status, &text)
            }
            Err(error) => Verdict::Retry(super::error_chain(&error)),
        }
    }

    fn request(
        &self,
        subscription: &Subscription,
        payload: &[u8],
    ) -> anyhow::Result<http::Request<Vec<u8>>> {
        let endpoint = subscription.address.parse()?;
        let keys = subscription
            .p256dh
            .as_deref()
            .zip(subscription.auth.as_deref());
        let (p256dh, auth) = keys.ok_or_else(|| anyhow::anyhow!("no keys"))?;
        let unpadded = |key: &str| URL_SAFE_NO_PAD.decode(key.trim_end_matches('='));
        let browser = p256::PublicKey::from_sec1_bytes(&unpadded(p256dh)?)?;
        let auth = unpadded(auth)?;
        anyhow::ensure!(auth.len() == 16, "the auth secret is not 16 bytes");
        Ok(
            WebPushBuilder::new(endpoint, browser, Auth::clone_from_slice(&auth))
                .with_valid_duration(TIME_TO_LIVE)
                .with_vapid(&self.key, &self.subject)
                .build(payload.to_vec())?,
        )
    }
}

/// A VAPID key pair from its private 32 bytes in base64url.
pub fn key_pair(private_key: &str) -> anyhow::Result<ES256KeyPair> {
    let bytes = URL_SAFE_NO_PAD
        .decode(private_key.trim())
        .map_err(|e| anyhow::anyhow!("WEB_PUSH_VAPID_PRIVATE_KEY is not base64url: {e}"))?;
    ES256KeyPair::from_bytes(&bytes)
        .map_err(|e| anyhow::anyhow!("WEB_PUSH_VAPID_PRIVATE_KEY is not a P-256 key: {e}"))
}

/// The public point of a key pair, uncompressed, in base64url.
pub fn public_key_of(pair: &ES256KeyPair) -> String {
    URL_SAFE_NO_PAD.encode(pair.public_key().public_key().to_bytes_uncompressed())
}

/// A new VAPID key pair: (private, public), base64url.
pub fn new_key_pair() -> (String, String) {
    let pair = ES256KeyPair::generate();
    (
        URL_SAFE_NO_PAD.encode(pair.to_bytes()),
        public_key_of(&pair),
    )
}

/// What a push service's status means (RFC 8030 §5, and the services' own pages).
fn verdict(status: u16, text: &str) -> Verdict {
    let said = || format!("answered {status}: {}", super::excerpt(text));
    match status {
        200..=299 => Verdict::Sent,
        // The subscription expired or the browser unsubscribed.
        404 | 410 => Verdict::Gone(said()),
        429 | 500..=599 => Verdict::Retry(said()),
        _ => Verdict::Refused(said()),
    }
}

//! Push notifications: each channel's keys. A channel whose keys are not set is not
//! offered (registering a device for it is refused); keys that are set but unusable
//! stop the server at start, not at the first push.

use std::time::Duration;

use super::{ConfigError, Vars};

#[derive(Debug, Clone, Default)]
pub struct PushConfig {
    pub web_push: Option<WebPushSettings>,
    pub fcm: Option<FcmSettings>,
    pub apns: Option<ApnsSettings>,
    /// `PUSH_POLL_MILLIS`: how often due pushes are looked for (default 1000).
    pub poll: Duration,
    /// `PUSH_ALLOW_PRIVATE`: Web Push endpoints on loopback and private addresses too
    /// (tests); otherwise public HTTPS addresses only, since the browser, not the
    /// city, chooses them.
    pub allow_private: bool,
}

/// Web Push (RFC 8030) with VAPID (RFC 8292).
#[derive(Clone)]
pub struct WebPushSettings {
    /// `WEB_PUSH_VAPID_PRIVATE_KEY`: the P-256 private key, its 32 bytes in base64url
    /// (`espace-familles vapid-key` makes one).
    pub private_key: String,
    /// `WEB_PUSH_SUBJECT`: how a push service reaches the city (`mailto:` or
    /// `https:`).
    pub subject: String,
}

/// Firebase Cloud Messaging's HTTP v1 API.
#[derive(Clone)]
pub struct FcmSettings {
    /// `FCM_SERVICE_ACCOUNT_FILE`: the service account's JSON key, as the Firebase
    /// console downloads it.
    pub service_account: String,
    /// `FCM_URL`: the API's base (default `https://fcm.googleapis.com`).
    pub url: String,
}

/// Apple Push Notification service, token-based.
#[derive(Clone)]
pub struct ApnsSettings {
    /// `APNS_KEY_FILE`: the `.p8` token key's PEM.
    pub key: String,
    /// `APNS_KEY_ID`: the key's 10-character id.
    pub key_id: String,
    /// `APNS_TEAM_ID`: the developer team's id.
    pub team_id: String,
    /// `APNS_TOPIC`: the app's bundle id.
    pub topic: String,
    /// `APNS_URL`: `https://api.push.apple.com` (default), or
    /// `https://api.sandbox.push.apple.com` for development builds of the app.
    pub url: String,
}

// The keys are secrets: a debug print names what is set, never a key.
impl std::fmt::Debug for WebPushSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebPushSettings")
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for FcmSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FcmSettings")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for ApnsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApnsSettings")
            .field("key_id", &self.key_id)
            .field("team_id", &self.team_id)
            .field("topic", &self.topic)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

fn read_file(variable: &'static str, path: &str) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|error| ConfigError {
        variable,
        value: path.to_owned(),
        reason: format!("cannot be read: {error}"),
    })
}

pub(super) fn push<F: Fn(&str) -> Option<String>>(
    vars: &Vars<'_, F>,
    mail_from: &str,
) -> Result<PushConfig, ConfigError> {
    let web_push = vars
        .raw("WEB_PUSH_VAPID_PRIVATE_KEY")
        .map(|private_key| {
            let subject = vars
                .raw("WEB_PUSH_SUBJECT")
                .unwrap_or_else(|| format!("mailto:{}", address_of(mail_from)));
            if !(subject.starts_with("mailto:") || subject.starts_with("https://")) {
                return Err(ConfigError {
                    variable: "WEB_PUSH_SUBJECT",
                    value: subject,
                    reason: "must be a mailto: or https: address".into(),
                });
            }
            Ok(WebPushSettings {
                private_key,
                subject,
            })
        })
        .transpose()?;
    let fcm = vars
        .raw("FCM_SERVICE_ACCOUNT_FILE")
        .map(|path| {
            Ok::<_, ConfigError>(FcmSettings {
                service_account: read_file("FCM_SERVICE_ACCOUNT_FILE", &path)?,
                url: vars.text("FCM_URL", "https://fcm.googleapis.com"),
            })
        })
        .transpose()?;
    let apns = vars
        .raw("APNS_KEY_FILE")
        .map(|path| {
            let required = |variable: &'static str| {
                vars.raw(variable).ok_or_else(|| ConfigError {
                    variable,
                    value: String::new(),
                    reason: "is required with APNS_KEY_FILE".into(),
                })
            };
            Ok::<_, ConfigError>(ApnsSettings {
                key: read_file("APNS_KEY_FILE", &path)?,
                key_id: required("APNS_KEY_ID")?,
                team_id: required("APNS_TEAM_ID")?,
                topic: required("APNS_TOPIC")?,
                url: vars.text("APNS_URL", "https://api.push.apple.com"),
            })
        })
        .transpose()?;
    Ok(PushConfig {
        web_push,
        fcm,
        apns,
        poll: Duration::from_millis(
            vars.parse::<u64>("PUSH_POLL_MILLIS", 1000)?
                .clamp(10, 60_000),
        ),
        allow_private: vars.flag("PUSH_ALLOW_PRIVATE", false)?,
    })
}

/// `ops@ville.fr` of `Mairie <ops@ville.fr>`.
fn address_of(mailbox: &str) -> &str {
    mailbox
        .rsplit_once('<')
        .and_then(|(_, rest)| rest.strip_suffix('>'))
        .unwrap_or(mailbox)
        .trim()
}

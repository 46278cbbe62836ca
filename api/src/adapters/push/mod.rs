//! Pushing notifications to devices and browsers: each push queued with its
//! notification is claimed under a lease (so two instances never send one twice),
//! sent through its subscription's channel (Web Push, FCM or APNs), and recorded:
//! sent; retried with backoff when the service failed; given up when it refused; or,
//! when the service says the device is gone, the subscription removed with it.

pub mod apns;
pub mod fcm;
pub mod payload;
pub mod web_push;

use std::time::Duration;

use persistence::notifications::push::{self as store, Claimed};

use crate::config::PushConfig;
use crate::db;
use crate::problem::ApiError;
use crate::state::AppState;
use payload::PushPayload;

/// How long a claimed push is reserved for its sender: longer than a try.
const LEASE_SECONDS: i64 = 60;
const TIMEOUT: Duration = Duration::from_secs(10);
const BATCH: i64 = 50;

/// What a push service's answer means for the push and its subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Sent,
    /// The device or browser is gone for good: its subscription goes.
    Gone(String),
    /// Worth another try later (the service failed or is busy).
    Retry(String),
    /// Will not succeed as it is: given up, the subscription kept.
    Refused(String),
}

/// The channels the city's keys open.
#[derive(Debug, Default)]
pub struct Channels {
    pub web_push: Option<web_push::WebPush>,
    pub fcm: Option<fcm::Fcm>,
    pub apns: Option<apns::Apns>,
}

impl Channels {
    pub fn from_config(config: &PushConfig) -> anyhow::Result<Self> {
        let client = || {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(TIMEOUT)
                .user_agent("EspaceFamilles-Push/1")
        };
        // Browsers choose Web Push endpoints: public addresses only, unless allowed.
        let browsers = if config.allow_private {
            client()
        } else {
            client()
                .dns_resolver(crate::adapters::outbound::PublicOnly)
                .no_proxy()
        };
        Ok(Self {
            web_push: config
                .web_push
                .as_ref()
                .map(|s| web_push::WebPush::new(s, browsers.build()?))
                .transpose()?,
            fcm: config
                .fcm
                .as_ref()
                .map(|s| fcm::Fcm::new(s, client().build()?))
                .transpose()?,
            apns: config
                .apns
                .as_ref()
                .map(|s| apns::Apns::new(s, client().http2_prior_knowledge().build()?))
                .transpose()?,
        })
    }

    /// Whether pushes can go through `channel` (`web_push`, `fcm`, `apns`).
    pub fn offers(&self, channel: &str) -> bool {
        match channel {
            "web_push" => self.web_push.is_some(),
            "fcm" => self.fcm.is_some(),
            "apns" => self.apns.is_some(),
            _ => false,
        }
    }

    async fn send(&self, claimed: &Claimed) -> Verdict {
        let subscription = &claimed.subscription;
        let payload: PushPayload = match serde_json::from_str(&claimed.delivery.payload) {
            Ok(payload) => payload,
            Err(error) => return Verdict::Refused(format!("unreadable payload: {error}")),
        };
        if !claimed.live {
            return Verdict::Refused("the session that registered the device ended".into());
        }
        // Keys removed from the configuration: given up at once, not retried for hours.
        let off = || {
            Verdict::Refused(format!(
                "the {} channel is not configured",
                subscription.channel
            ))
        };
        match subscription.channel.as_str() {
            "web_push" => match &self.web_push {
                Some(web_push) => {
                    web_push
                        .send(subscription, claimed.delivery.payload.as_bytes())
                        .await
                }
                None => off(),
            },
            "fcm" => match &self.fcm {
                Some(fcm) => fcm.send(&subscription.address, &payload).await,
                None => off(),
            },
            "apns" => match &self.apns {
                Some(apns) => apns.send(&subscription.address, &payload).await,
                None => off(),
            },
            other => Verdict::Refused(format!("unknown channel {other}")),
        }
    }
}

/// Sends the due pushes once, all of a batch at the same time (one slow service must
/// not hold the others past the lease); returns how many were tried.
pub async fn push_due(state: &AppState) -> Result<usize, ApiError> {
    let now = state.clock.now();
    let claimed = db::run(&state.pool, move |conn| {
        store::claim_due(conn, now, chrono::Duration::seconds(LEASE_SECONDS), BATCH)
    })
    .await?;
    let count = claimed.len();
    let mut tries = tokio::task::JoinSet::new();
    for push in claimed {
        let channels = state.push.clone();
        tries.spawn(async move {
            let verdict = channels.send(&push).await;
            (push, verdict)
        });
    }
    while let Some(done) = tries.join_next().await {
        match done {
            Ok((push, verdict)) => {
                if let Err(error) = record(state, push, verdict).await {
                    tracing::error!(?error, "a push could not be recorded");
                }
            }
            // Its lease runs out and a later round tries it again.
            Err(error) => tracing::error!(%error, "a push ended abnormally"),
        }
    }
    Ok(count)
}

async fn record(state: &AppState, push: Claimed, verdict: Verdict) -> Result<(), ApiError> {
    let now = state.clock.now();
    let (id, subscription) = (push.delivery.id, push.subscription.id);
    let attempts = push.delivery.attempts + 1;
    match verdict {
        Verdict::Sent => db::run(&state.pool, move |conn| store::mark_sent(conn, &push, now)).await,
        Verdict::Gone(why) => {
            tracing::info!(subscription, channel = %push.subscription.channel, why, "a push subscription is gone: removed");
            db::run(&state.pool, move |conn| {
                store::remove_gone(conn, subscription)
            })
            .await
        }
        Verdict::Retry(why) => {
            let retry_at = domain::outbox::retry_delay(attempts).map(|delay| now + delay);
            tracing::warn!(
                push = id,
                subscription,
                attempts,
                why,
                given_up = retry_at.is_none(),
                "a push failed"
            );
            db::run(&state.pool, move |conn| {
                store::mark_failed(conn, id, &why, now, retry_at)
            })
            .await
        }
        Verdict::Refused(why) => {
            tracing::warn!(push = id, subscription, why, "a push was refused: given up");
            db::run(&state.pool, move |conn| {
                store::mark_failed(conn, id, &why, now, None)
            })
            .await
        }
    }
}

/// The push job: looks for due pushes every `PUSH_POLL_MILLIS`.
pub async fn push_every(state: AppState) {
    crate::jobs::every(&state, state.config.push.poll, "pushes", || {
        push_due(&state)
    })
    .await;
}

/// An error and its causes, on one line (at most 500 characters).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text.truncate(500);
    text
}

/// The start of a service's answer, for the log.
fn excerpt(text: &str) -> String {
    text.chars().take(200).collect()
}

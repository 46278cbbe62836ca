//! Delivering events to the city's other systems, signed as the Standard Webhooks
//! specification says (<https://www.standardwebhooks.com>): headers `webhook-id`,
//! `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256 of
//! "{id}.{timestamp}.{body}">`, keyed with the endpoint's secret. A delivery is
//! claimed under a lease, tried, logged, and retried with backoff until it is
//! answered 2xx or given up.

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use persistence::notifications::webhooks::{self as store, AttemptOutcome, Claimed};
use persistence::utc;
use serde_json::Value;
use sha2::Sha256;

use crate::adapters::outbound;
use crate::config::WebhookTargets;
use crate::db;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::usecases::notifications::notice_data::NoticeData;

/// How long a claimed delivery is reserved for its sender: longer than a try.
const LEASE_SECONDS: i64 = 60;
const TIMEOUT: Duration = Duration::from_secs(10);
const BATCH: i64 = 20;

/// The body an endpoint receives; `data` is the notification's (`NotificationData`).
pub fn payload(claimed: &Claimed) -> String {
    let event = &claimed.event;
    let data = NoticeData::read(event.kind, &event.data)
        .and_then(serde_json::to_value)
        .unwrap_or_else(|error| {
            // Sent as stored rather than held back: the receiver still gets the event.
            tracing::error!(event = event.id, %error, "an event's data does not read as its kind's");
            serde_json::from_str(&event.data).unwrap_or(Value::Null)
        });
    serde_json::json!({
        "id": message_id(event.id),
        "type": event.kind.as_str(),
        "timestamp": utc(event.occurred_at),
        "dossierId": event.dossier_id,
        "data": data,
    })
    .to_string()
}

/// The `webhook-id`: the same for every try of an event, so a receiver drops repeats.
fn message_id(event_id: i64) -> String {
    format!("evt_{event_id}")
}

/// `v1,<signature>` of a message, or None when the secret is not one this server
/// wrote.
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &str) -> Option<String> {
    let key = STANDARD.decode(secret.strip_prefix("whsec_")?).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// Sends the due deliveries once, all of a batch at the same time: one after another,
/// a batch of endpoints that do not answer would outlast the lease (20 tries of up to
/// 10 s against 60 s), and the next round would claim and send the last ones again.
/// Each outcome is recorded as its try ends, one at a time (a connection of the pool,
/// not twenty). Returns how many were tried.
pub async fn deliver_due(state: &AppState, client: &reqwest::Client) -> Result<usize, ApiError> {
    let now = state.clock.now();
    let claimed = db::run(&state.pool, move |conn| {
        store::claim_due(conn, now, chrono::Duration::seconds(LEASE_SECONDS), BATCH)
    })
    .await?;
    let count = claimed.len();
    let targets = state.config.jobs.webhook_targets;
    let mut tries = tokio::task::JoinSet::new();
    for delivery in claimed {
        let (client, now) = (client.clone(), state.clock.now());
        tries.spawn(async move {
            let outcome = send(&client, targets, &delivery, now).await;
            (delivery, outcome)
        });
    }
    while let Some(done) = tries.join_next().await {
        match done {
            Ok((delivery, outcome)) => {
                if let Err(error) = record(state, &delivery, outcome).await {
                    tracing::error!(?error, "a webhook attempt could not be recorded");
                }
            }
            // Its lease runs out and a later round tries it again.
            Err(error) => tracing::error!(%error, "a webhook attempt ended abnormally"),
        }
    }
    Ok(count)
}

/// Records one try's outcome, with the next try's time unless delivered or given up.
async fn record(
    state: &AppState,
    delivery: &Claimed,
    (delivered, status_code, error, elapsed): TryOutcome,
) -> Result<(), ApiError> {
    let attempts = delivery.delivery.attempts + 1;
    let now = state.clock.now();
    let retry_at = if delivered {
        None
    } else {
        domain::notifications::webhook_retry_delay(attempts).map(|delay| now + delay)
    };
    if !delivered {
        tracing::warn!(
            delivery = delivery.delivery.id,
            endpoint = delivery.endpoint.id,
            attempts,
            status_code,
            error = error.as_deref().unwrap_or(""),
            given_up = retry_at.is_none(),
            "a webhook delivery failed"
        );
    }
    let id = delivery.delivery.id;
    db::run(&state.pool, move |conn| {
        store::record_attempt(
            conn,
            id,
            &AttemptOutcome {
                status_code,
                error: error.as_deref(),
                duration_ms: i32::try_from(elapsed.as_millis()).unwrap_or(i32::MAX),
            },
            delivered,
            now,
            retry_at,
        )
    })
    .await?;
    Ok(())
}

/// One try: (delivered, the status answered, what went wrong, how long it took).
type TryOutcome = (bool, Option<i32>, Option<String>, Duration);

/// Sends one try of a delivery.
async fn send(
    client: &reqwest::Client,
    targets: WebhookTargets,
    claimed: &Claimed,
    now: DateTime<Utc>,
) -> TryOutcome {
    // An address written out is never looked up, so the resolver cannot refuse it.
    let written_out = reqwest::Url::parse(&claimed.endpoint.url)
        .ok()
        .and_then(|url| outbound::refused_host(&url));
    if let Some(reason) = written_out.filter(|_| !targets.allow_private) {
        return (
            false,
            None,
            Some(format!("refused: {reason}")),
            Duration::ZERO,
        );
    }
    let body = payload(claimed);
    let id = message_id(claimed.event.id);
    let timestamp = now.timestamp();
    let Some(signature) = signature(&claimed.endpoint.secret, &id, timestamp, &body) else {
        return (
            false,
            None,
            Some("the endpoint's secret cannot sign".to_owned()),
            Duration::ZERO,
        );
    };
    let started = Instant::now();
    let request = client
        .post(&claimed.endpoint.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body);
    let answer = crate::telemetry::traces::send("webhook", request).await;
    let elapsed = started.elapsed();
    match answer {
        Ok(response) => {
            let status = response.status();
            let code = Some(i32::from(status.as_u16()));
            if status.is_success() {
                (true, code, None, elapsed)
            } else {
                (false, code, Some(format!("answered {status}")), elapsed)
            }
        }
        Err(error) => {
            let mut text = format!("{error}");
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                text.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            text.truncate(500);
            (false, None, Some(text), elapsed)
        }
    }
}

/// The client deliveries go through: no redirect followed (an endpoint answers
/// itself), a bounded wait, and unless private addresses are allowed, names resolved
/// to public addresses only and no proxy (which would resolve them itself).
pub fn client(targets: WebhookTargets) -> anyhow::Result<reqwest::Client> {
    let builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .user_agent("EspaceFamilles-Webhooks/1");
    let builder = if targets.allow_private {
        builder
    } else {
        builder.dns_resolver(outbound::PublicOnly).no_proxy()
    };
    Ok(builder.build()?)
}

/// The delivery job: looks for due deliveries every `WEBHOOK_POLL_MILLIS`.
pub async fn deliver_every(state: AppState) {
    let client = match client(state.config.jobs.webhook_targets) {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "webhooks cannot be delivered");
            return;
        }
    };
    crate::jobs::every(&state, state.config.jobs.webhook_poll, "webhooks", || {
        deliver_due(&state, &client)
    })
    .await;
}

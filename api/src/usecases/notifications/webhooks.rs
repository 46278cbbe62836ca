//! Webhook endpoints as admins register them, and their delivery log.

pub use persistence::notifications::webhooks::{Attempt, Endpoint};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
pub use domain::notifications::DeliveryStatus;
use domain::notifications::NoticeKind;
use persistence::AnyConnection;
use persistence::notifications::webhooks::{self as store, Delivery, EndpointFields};
use persistence::write_transaction;

use crate::adapters::outbound;
use crate::config::WebhookTargets;
use crate::problem::FieldError;
use crate::usecases::{CommonRefusal, Outcome, UseCaseError};

/// What an admin sets on an endpoint.
#[derive(Debug, Clone)]
pub struct EndpointInput {
    pub url: String,
    pub description: String,
    pub kinds: Vec<NoticeKind>,
    pub active: bool,
}

impl EndpointInput {
    /// An absolute HTTPS address without credentials (HTTP too when allowed), not
    /// written out as a loopback or private address (unless allowed).
    fn fields(&self, targets: WebhookTargets) -> Outcome<EndpointFields> {
        let bad = |code: &str, fr: &str, en: &str| {
            UseCaseError::Invalid(vec![FieldError::new("url", code, fr, en)])
        };
        let url = reqwest::Url::parse(self.url.trim()).map_err(|_| {
            bad(
                "invalid_url",
                "L'adresse doit être une URL absolue.",
                "The address must be an absolute URL.",
            )
        })?;
        let scheme_ok = url.scheme() == "https" || (targets.allow_http && url.scheme() == "http");
        if !scheme_ok || url.host_str().is_none_or(str::is_empty) {
            return Err(bad(
                "https_required",
                "L'adresse doit commencer par https:// (les événements concernent des familles).",
                "The address must start with https:// (events concern families).",
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad(
                "credentials_in_url",
                "L'adresse ne doit pas contenir d'identifiants : la signature authentifie les envois.",
                "The address must not hold credentials: the signature authenticates deliveries.",
            ));
        }
        if !targets.allow_private && outbound::refused_host(&url).is_some() {
            return Err(bad(
                "private_address",
                "L'adresse doit être publique : le serveur n'envoie pas d'événements vers son propre réseau.",
                "The address must be public: the server sends no events into its own network.",
            ));
        }
        let mut kinds = self.kinds.clone();
        kinds.sort_unstable_by_key(|k| k.as_str());
        kinds.dedup();
        Ok(EndpointFields {
            url: url.to_string(),
            description: self.description.trim().to_owned(),
            kinds,
            active: self.active,
        })
    }
}

/// A new signing secret, as the Standard Webhooks specification writes it:
/// `whsec_` and 32 random bytes in base64 (the HMAC key is those bytes).
fn new_secret() -> Outcome<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| UseCaseError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(format!("whsec_{}", STANDARD.encode(bytes)))
}

pub fn create(
    conn: &mut AnyConnection,
    input: &EndpointInput,
    targets: WebhookTargets,
    now: DateTime<Utc>,
) -> Outcome<Endpoint> {
    let fields = input.fields(targets)?;
    let secret = new_secret()?;
    write_transaction(conn, |conn| {
        let id = store::insert_endpoint(conn, &fields, &secret, now)?;
        get(conn, id)
    })
}

pub fn update(
    conn: &mut AnyConnection,
    id: i64,
    input: &EndpointInput,
    targets: WebhookTargets,
    now: DateTime<Utc>,
) -> Outcome<Endpoint> {
    let fields = input.fields(targets)?;
    write_transaction(conn, |conn| {
        if !store::update_endpoint(conn, id, &fields, now)? {
            return Err(CommonRefusal::NotFound.into());
        }
        get(conn, id)
    })
}

/// Replaces the signing secret; deliveries from now on are signed with the new one.
pub fn rotate_secret(conn: &mut AnyConnection, id: i64, now: DateTime<Utc>) -> Outcome<Endpoint> {
    let secret = new_secret()?;
    if !store::set_secret(conn, id, &secret, now)? {
        return Err(CommonRefusal::NotFound.into());
    }
    get(conn, id)
}

pub fn delete(conn: &mut AnyConnection, id: i64) -> Outcome<()> {
    write_transaction(conn, |conn| {
        if !store::delete_endpoint(conn, id)? {
            return Err(CommonRefusal::NotFound.into());
        }
        Ok(())
    })
}

pub fn get(conn: &mut AnyConnection, id: i64) -> Outcome<Endpoint> {
    Ok(store::find_endpoint(conn, id)?.ok_or(CommonRefusal::NotFound)?)
}

pub fn list(conn: &mut AnyConnection) -> Outcome<Vec<Endpoint>> {
    Ok(store::endpoints(conn)?)
}

/// A delivery with its event's kind and every attempt, oldest first.
#[derive(Debug, Clone)]
pub struct LoggedDelivery {
    pub delivery: Delivery,
    pub kind: NoticeKind,
    pub attempts: Vec<Attempt>,
}

/// An endpoint's deliveries, newest first, and their total.
pub fn deliveries(
    conn: &mut AnyConnection,
    endpoint_id: i64,
    status: Option<DeliveryStatus>,
    page: (i64, i64),
) -> Outcome<(Vec<LoggedDelivery>, i64)> {
    get(conn, endpoint_id)?;
    let (rows, total) = store::deliveries_of(conn, endpoint_id, status, page)?;
    let ids: Vec<i64> = rows.iter().map(|(d, _)| d.id).collect();
    let mut attempts = store::attempts_of(conn, &ids)?;
    let logged = rows
        .into_iter()
        .map(|(delivery, kind)| {
            let (own, rest): (Vec<Attempt>, Vec<Attempt>) = attempts
                .drain(..)
                .partition(|a| a.delivery_id == delivery.id);
            attempts = rest;
            LoggedDelivery {
                delivery,
                kind,
                attempts: own,
            }
        })
        .collect();
    Ok((logged, total))
}

/// Queues a delivery again now (a given-up one included).
pub fn redeliver(
    conn: &mut AnyConnection,
    endpoint_id: i64,
    delivery_id: i64,
    now: DateTime<Utc>,
) -> Outcome<()> {
    if !store::redeliver(conn, endpoint_id, delivery_id, now)? {
        return Err(CommonRefusal::NotFound.into());
    }
    Ok(())
}

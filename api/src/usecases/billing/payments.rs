//! Paying an invoice online: the database steps (`usecases::billing::online_payments`) around
//! the calls to PayFiP, or to the built-in sandbox that stands in for it, which both
//! answer through the same notification path. Only the provider's own answer about an
//! idop settles a payment: a notification is a hint to go and ask.

use domain::billing::{OnlinePaymentStatus, PaymentProvider};
use persistence::billing::online_payments::{self as store, OnlinePayment};

use crate::adapters::payfip::{NewPayment, PayFipError};
use crate::config::Payments;
use crate::db;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::usecases::billing::online_payments::{self as attempts, Ending};
use crate::usecases::{BillingRefusal, CommonRefusal};

/// How often pending payments are asked about again (a notification may never come).
const RECHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// Attempts younger than this are left to their notification.
const RECHECK_AFTER_MINUTES: i64 = 1;

/// Starts paying what is left on one of the family's invoices under the client's
/// `Idempotency-Key`; the same key again answers the same attempt (`false`).
pub async fn start_for_invoice(
    state: &AppState,
    dossier_id: i64,
    account_id: i64,
    invoice_id: i64,
    key: String,
) -> Result<(OnlinePayment, bool), ApiError> {
    let provider = provider(state)?;
    let now = state.clock.now();
    let opened = db::run(&state.pool, move |conn| {
        attempts::open_for_invoice(
            conn, dossier_id, account_id, invoice_id, &key, provider, now,
        )
    })
    .await?;
    create_at_provider(state, opened, None).await
}

/// Starts paying one of the family's held baskets (its total) under `key`; the same
/// key again answers the same attempt (`false`). In the sandbox the attempt's idop is
/// the basket's own reference.
pub async fn start_for_basket(
    state: &AppState,
    dossier_id: i64,
    basket_id: i64,
    reference: Option<String>,
    key: String,
) -> Result<(OnlinePayment, bool), ApiError> {
    let provider = provider(state)?;
    let now = state.clock.now();
    let (opened, reference) = db::run(&state.pool, move |conn| {
        let opened = attempts::open_for_basket(conn, dossier_id, basket_id, &key, provider, now)?;
        // The basket's reference names its first sandbox attempt only.
        let reference = match reference {
            Some(r) if store::find_by_idop(conn, &r)?.is_none() => Some(r),
            _ => None,
        };
        Ok::<_, crate::usecases::UseCaseError>((opened, reference))
    })
    .await?;
    create_at_provider(state, opened, reference).await
}

fn provider(state: &AppState) -> Result<PaymentProvider, ApiError> {
    match &state.config.payments {
        Payments::Sandbox => Ok(PaymentProvider::Sandbox),
        Payments::PayFip(_) => Ok(PaymentProvider::PayFip),
        Payments::Off => Err(BillingRefusal::PaymentsUnavailable.into()),
    }
}

/// Creates a newly opened attempt at PayFiP (`creerPaiementSecurise`) or in the
/// sandbox (`sandbox_idop`, else a new UUID), and records its idop.
async fn create_at_provider(
    state: &AppState,
    opened: attempts::Opened,
    sandbox_idop: Option<String>,
) -> Result<(OnlinePayment, bool), ApiError> {
    if !opened.new {
        return created_by_twin(state, opened.payment)
            .await
            .map(|p| (p, false));
    }
    let id = opened.payment.id;
    let now = state.clock.now();
    let idop = match (&state.config.payments, &state.payfip) {
        (Payments::PayFip(settings), Some(client)) => {
            let new = NewPayment {
                exer: opened.exer.to_string(),
                mel: opened.email.clone(),
                montant: opened.payment.amount_cents.to_string(),
                numcli: settings.numcli.clone(),
                objet: opened.objet.clone(),
                refdet: opened.payment.refdet.clone(),
                saisie: settings.saisie.clone(),
                urlnotif: settings.notification_url.clone(),
                urlredirect: format!("{}/paiement/retour", state.config.frontend_url),
            };
            match client.create(&new).await {
                Ok(idop) => idop,
                Err(error) => {
                    tracing::warn!(payment = id, %error, "PayFiP did not create the payment");
                    let code = match &error {
                        PayFipError::Refused { code, .. } => Some(code.clone()),
                        PayFipError::Unavailable(_) => None,
                    };
                    db::run(&state.pool, move |conn| {
                        attempts::not_created(conn, id, code.as_deref(), now)
                    })
                    .await?;
                    return Err(match error {
                        PayFipError::Refused { .. } => {
                            BillingRefusal::PaymentRefusedByService.into()
                        }
                        PayFipError::Unavailable(_) => {
                            BillingRefusal::PaymentServiceUnavailable.into()
                        }
                    });
                }
            }
        }
        _ => sandbox_idop.unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
    };
    let payment = db::run(&state.pool, move |conn| {
        attempts::created(conn, id, &idop, now)
    })
    .await?;
    Ok((payment, true))
}

/// How long a repeat waits for the request that opened its attempt to get the idop.
const TWIN_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// An attempt still being created this long after it was opened has lost the request
/// that opened it (a restart during the provider's call, which times out after 15 s).
const ABANDONED_AFTER: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// An attempt opened by an earlier request under the same key, once that request has
/// created it at the provider: a repeat never answers an attempt without its idop.
/// Still creating after [`TWIN_WAIT`]: 409 `idempotency_key_in_use`, `Retry-After: 1`;
/// abandoned: failed, as when the provider did not answer.
async fn created_by_twin(
    state: &AppState,
    mut payment: OnlinePayment,
) -> Result<OnlinePayment, ApiError> {
    let started = std::time::Instant::now();
    while payment.status == OnlinePaymentStatus::Creating {
        let now = state.clock.now();
        if now.naive_utc() - payment.created_at > ABANDONED_AFTER {
            let id = payment.id;
            tracing::warn!(
                payment = id,
                "an attempt abandoned while being created: failed"
            );
            return db::run(&state.pool, move |conn| {
                attempts::not_created(conn, id, None, now)?;
                store::find(conn, id)?.ok_or_else(|| gone_attempt(id))
            })
            .await;
        }
        if started.elapsed() >= TWIN_WAIT {
            return Err(
                ApiError::from(CommonRefusal::IdempotencyKeyInUse).with_header(
                    actix_web::http::header::RETRY_AFTER,
                    actix_web::http::header::HeaderValue::from_static("1"),
                ),
            );
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let id = payment.id;
        payment = db::run(&state.pool, move |conn| {
            store::find(conn, id)?.ok_or_else(|| gone_attempt(id))
        })
        .await?;
    }
    Ok(payment)
}

fn gone_attempt(id: i64) -> crate::usecases::UseCaseError {
    crate::usecases::UseCaseError::Internal(anyhow::anyhow!("online payment {id} vanished"))
}

/// Where to send the family to pay: PayFiP's page, or the sandbox's. None until the
/// provider created the attempt.
pub fn redirect_url(state: &AppState, payment: &OnlinePayment) -> Option<String> {
    let idop = payment
        .idop
        .as_ref()
        .filter(|_| payment.status == OnlinePaymentStatus::Pending)?;
    match (&state.config.payments, payment.provider) {
        (Payments::PayFip(settings), PaymentProvider::PayFip) => {
            Some(format!("{}?idop={idop}", settings.payment_url))
        }
        (_, PaymentProvider::Sandbox) => Some(sandbox_page(state, idop)),
        _ => None,
    }
}

/// The sandbox's payment page of `reference`, absolute (`PUBLIC_URL`) like PayFiP's.
pub fn sandbox_page(state: &AppState, reference: &str) -> String {
    format!(
        "{}/api/v1/sandbox/payments/{reference}",
        state.config.public_url
    )
}

/// A notification for `idop`: asks the provider and settles the attempt from its
/// answer alone. Unknown idops, settled attempts (replays) and answers that do not
/// match the attempt change nothing; "not known yet" and outages leave it pending.
pub async fn notify(state: &AppState, idop: String) -> Result<(), ApiError> {
    let lookup = idop.clone();
    let Some(payment) =
        db::run(&state.pool, move |conn| store::find_by_idop(conn, &lookup)).await?
    else {
        tracing::warn!(idop, "a payment notification for an unknown idop");
        return Ok(());
    };
    if payment.status != OnlinePaymentStatus::Pending {
        return Ok(());
    }
    let Some((ending, code)) = ask(state, &payment).await else {
        return Ok(());
    };
    let (today, now) = (state.today(), state.clock.now());
    let frontend_url = state.config.frontend_url.clone();
    let settled = db::run(&state.pool, move |conn| {
        attempts::settle(conn, &frontend_url, &payment, ending, &code, today, now)
    })
    .await?;
    if settled {
        tracing::info!(idop, ?ending, "online payment settled");
    }
    Ok(())
}

/// What the provider says of a pending attempt, if it says how it ended.
async fn ask(state: &AppState, payment: &OnlinePayment) -> Option<(Ending, String)> {
    let idop = payment.idop.as_deref()?;
    match (payment.provider, &state.config.payments, &state.payfip) {
        (PaymentProvider::Sandbox, Payments::Sandbox, _) => {
            let code = payment.sandbox_result.clone()?;
            ending(&code).map(|e| (e, code))
        }
        (PaymentProvider::PayFip, Payments::PayFip(settings), Some(client)) => {
            match client.details(idop).await {
                Ok(answer) => {
                    let matches = answer.get("numcli") == Some(settings.numcli.as_str())
                        && answer.get("refdet") == Some(payment.refdet.as_str())
                        && answer.get("montant") == Some(payment.amount_cents.to_string().as_str());
                    if !matches {
                        tracing::error!(
                            payment = payment.id,
                            numcli = answer.get("numcli"),
                            refdet = answer.get("refdet"),
                            montant = answer.get("montant"),
                            "PayFiP's answer does not match the payment: not settled, for an agent to reconcile"
                        );
                        return Some((Ending::Mismatch, "MISMATCH".to_owned()));
                    }
                    let code = answer.get("resultrans")?.to_owned();
                    ending(&code).map(|e| (e, code))
                }
                // An idop PayFiP does not know (purged at night when never used).
                Err(PayFipError::Refused { code, .. }) if code == "P1" => {
                    Some((Ending::Abandoned, code))
                }
                // P5, "not known yet", other refusals and outages: ask again later.
                Err(error) => {
                    tracing::info!(payment = payment.id, %error, "no result from PayFiP yet");
                    None
                }
            }
        }
        _ => None,
    }
}

fn ending(resultrans: &str) -> Option<Ending> {
    match resultrans {
        "P" => Some(Ending::Paid {
            direct_debit: false,
        }),
        "V" => Some(Ending::Paid { direct_debit: true }),
        "R" | "Z" => Some(Ending::Refused),
        "A" => Some(Ending::Abandoned),
        _ => None,
    }
}

/// Asks about every payment still pending after a minute (their notification may
/// never come); returns how many were asked about.
pub async fn recheck(state: &AppState) -> Result<usize, ApiError> {
    let before = state.clock.now() - chrono::Duration::minutes(RECHECK_AFTER_MINUTES);
    let pending = db::run(&state.pool, move |conn| {
        store::pending_before(conn, before, 500)
    })
    .await?;
    let count = pending.len();
    for payment in pending {
        if let Some(idop) = payment.idop
            && let Err(error) = notify(state, idop).await
        {
            tracing::error!(
                payment = payment.id,
                ?error,
                "a pending payment could not be checked"
            );
        }
    }
    Ok(count)
}

/// The re-check job: every ten minutes while the server runs.
pub async fn recheck_every(state: AppState) {
    if state.config.payments == Payments::Off {
        return;
    }
    crate::jobs::every(&state, RECHECK_EVERY, "payment_recheck", || recheck(&state)).await;
}

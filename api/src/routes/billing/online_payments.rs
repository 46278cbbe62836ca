//! Paying an invoice online (PayFiP, or the built-in sandbox), and PayFiP's
//! notifications.

use std::collections::HashMap;

use crate::routes::keyed::Keyed;
use crate::usecases::billing::online_payments::{OnlinePayment, OnlinePaymentStatus};
use crate::usecases::utc;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Family;
use crate::db;
use crate::openapi::enums::mirror_enum;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::usecases::billing::online_payments;
use crate::usecases::billing::payments;

mirror_enum! {
    /// Where an attempt at paying online stands.
    OnlinePaymentStatusView => OnlinePaymentStatus {
        /// Being created at the payment service.
        Creating = "creating",
        /// Waiting for the family to pay, or for the service's result.
        Pending = "pending",
        /// Paid: the payment is recorded on the invoice (or the basket's weeks are
        /// booked).
        Paid = "paid",
        /// The bank refused the payment; nothing was debited.
        Refused = "refused",
        /// The family left the payment page without paying (or the service no longer
        /// knows the attempt).
        Abandoned = "abandoned",
        /// The service could not create it, or its record of the payment did not
        /// match the attempt (nothing is paid; an agent reconciles); start another.
        Failed = "failed",
    }
}

/// One attempt at paying an invoice online.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OnlinePaymentView {
    /// The attempt's id.
    #[schema(example = 5)]
    pub id: i64,
    /// The payment service's reference of the attempt (`GET /online-payments/{idop}`
    /// reads it); null until the service has created it.
    #[schema(example = "c7ab46b124554d8f8b1a016716bcab8a")]
    pub idop: Option<String>,
    /// The invoice it pays; null when it pays a basket of holiday weeks.
    #[schema(example = 12)]
    pub invoice_id: Option<i64>,
    /// The basket of holiday weeks it pays; null when it pays an invoice.
    #[schema(example = json!(null))]
    pub basket_id: Option<i64>,
    /// What was left to pay on the invoice (or the basket's total) when the attempt
    /// started, in cents: the server's figure, never the client's.
    #[schema(example = 6220)]
    pub amount_cents: i64,
    /// The currency of the amount: always `EUR`.
    #[schema(example = "EUR")]
    pub currency: String,
    /// Where the attempt stands.
    pub status: OnlinePaymentStatusView,
    /// Where to send the family to pay, while pending: PayFiP's page or the sandbox's,
    /// both absolute; null once the attempt is no longer pending.
    #[schema(
        example = "https://api.familles.example.fr/api/v1/sandbox/payments/c7ab46b124554d8f8b1a016716bcab8a"
    )]
    pub redirect_url: Option<String>,
    /// When the attempt started (RFC 3339, UTC).
    pub created_at: DateTime<Utc>,
}

pub fn view(state: &AppState, p: &OnlinePayment) -> OnlinePaymentView {
    OnlinePaymentView {
        id: p.id,
        idop: p.idop.clone(),
        invoice_id: p.invoice_id,
        basket_id: p.basket_id,
        amount_cents: p.amount_cents,
        currency: "EUR".into(),
        status: p.status.into(),
        redirect_url: payments::redirect_url(state, p),
        created_at: utc(p.created_at),
    }
}

/// Starts paying an invoice online.
///
/// For what is left to pay on it (any amount sent is ignored). Send the family to
/// `redirectUrl`; the result comes from the payment service, never from the browser:
/// read the attempt afterwards. One attempt per `Idempotency-Key`: every repeat of the
/// key gets the first answer again, byte for byte, for a day; a new attempt needs a
/// new key. While an attempt of the
/// invoice is still payable (15 minutes), starting another answers that one (200), so
/// the invoice cannot be paid twice from two tabs. Family accounts only, for the
/// family's own invoices.
#[utoipa::path(
    tag = "billing",
    operation_id = "startInvoicePayment",
    security(("bearerAuth" = [])),
    params(
        ("invoiceId" = i64, Path, minimum = 1, description = "The invoice's id."),
        ("Idempotency-Key" = String, Header, description = "A key the client generates for this attempt (8 to 100 characters)."),
    ),
    responses(
        (status = 201, description = "Started: send the family to `redirectUrl`.", body = OnlinePaymentView),
        (status = 200, description = "An attempt of the invoice still payable, started under another key or by a request under the same key still at work when this one came.", body = OnlinePaymentView),
        (status = 400, description = "No usable `Idempotency-Key` (`validation_failed`)."),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such invoice of the family (`not_found`)."),
        (status = 409, description = "Nothing left to pay (`nothing_to_pay`), the invoice is being collected by direct debit (`direct_debit_in_progress`), or the first request with this `Idempotency-Key` is still creating the attempt at PayFiP (`idempotency_key_in_use`): repeat it after `Retry-After` seconds."),
        (status = 422, description = "A key already used for another payment, of another invoice or a basket (`idempotency_key_reused`), no online payment here (`payments_unavailable`), or PayFiP refused the payment (`payment_refused_by_service`)."),
        (status = 503, description = "PayFiP does not answer (`payment_service_unavailable`)."),
    ),
)]
#[post("/invoices/{invoiceId}/online-payments")]
pub async fn start_invoice_payment(
    state: web::Data<AppState>,
    family: Family,
    id: web::Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (dossier_id, account_id) = (family.dossier_id()?, family.0.account_id);
    let keyed = Keyed::of(&req, dossier_id)?;
    if let Some(kept) = keyed.replay(&state).await? {
        return Ok(kept);
    }
    let (payment, new) = payments::start_for_invoice(
        &state,
        dossier_id,
        account_id,
        id.into_inner(),
        keyed.key.clone(),
    )
    .await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    keyed.answer(&state, status, &view(&state, &payment)).await
}

/// Reads an online payment of the family.
///
/// Where the family lands back from PayFiP (`?idop=`): the state the server knows,
/// possibly still pending until the service's result arrives.
#[utoipa::path(
    tag = "billing",
    operation_id = "getOnlinePayment",
    security(("bearerAuth" = [])),
    params(("idop" = String, Path, max_length = 64, description = "The payment service's reference.")),
    responses(
        (status = 200, description = "The attempt.", body = OnlinePaymentView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such payment of the family (`not_found`)."),
    ),
)]
#[get("/online-payments/{idop}")]
pub async fn get_online_payment(
    state: web::Data<AppState>,
    family: Family,
    idop: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let dossier_id = family.dossier_id()?;
    let idop = idop.into_inner();
    let payment = db::run(&state.pool, move |conn| {
        online_payments::of_dossier(conn, dossier_id, &idop)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view(&state, &payment)))
}

/// What PayFiP posts: the idop, under one name or the other, and nothing else.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayFipNotificationForm {
    /// The payment's idop, PayFiP's reference of the attempt.
    #[schema(max_length = 64, example = "c7ab46b124554d8f8b1a016716bcab8a")]
    pub idop: Option<String>,
    /// The payment's idop, under the other name PayFiP uses.
    #[serde(rename = "idOp")]
    #[schema(max_length = 64, example = "c7ab46b124554d8f8b1a016716bcab8a")]
    pub id_op: Option<String>,
}

/// Receives a PayFiP notification.
///
/// PayFiP posts the idop only (`idop` or `idOp`, form-encoded or in the query), with
/// no result and no signature. The server asks PayFiP for the payment's details and
/// trusts only that answer, checked against the payment (client number, reference,
/// amount); a replay or a forged idop changes nothing. Answered 200 whatever the
/// idop turns out to be; only a malformed request (an idop over 64 characters, a body
/// that is not a form of `idop` or `idOp` alone) is refused.
#[utoipa::path(
    tag = "billing",
    operation_id = "receivePayFipNotification",
    security(()),
    params(
        ("idop" = Option<String>, Query, max_length = 64, description = "The payment's idop (or in a form body)."),
        ("idOp" = Option<String>, Query, max_length = 64, description = "The payment's idop, under the other name PayFiP uses."),
    ),
    request_body(content = Option<PayFipNotificationForm>, content_type = "application/x-www-form-urlencoded", description = "The idop, when not in the query (optional).",
        example = json!({"idOp": "c7ab46b124554d8f8b1a016716bcab8a"})),
    responses(
        (status = 200, description = "Received.", content_type = "text/plain", body = String,
            example = json!("OK")),
        (status = 400, description = "An idop over 64 characters, or a body that is not a form of idop or idOp alone (`validation_failed`)."),
        (status = 415, description = "A body that is not `application/x-www-form-urlencoded` (`unsupported_media_type`)."),
    ),
)]
#[post("/payfip/notifications")]
pub async fn receive_payfip_notification(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    if !body.is_empty()
        && crate::routes::headers::media_type(&req).as_deref()
            != Some("application/x-www-form-urlencoded")
    {
        return Err(crate::problem::unsupported_media_type(
            "application/x-www-form-urlencoded",
        ));
    }
    let malformed = || {
        ApiError::validation(vec![crate::problem::FieldError::new(
            "idop",
            "invalid",
            "Le corps attendu est un formulaire avec idop (ou idOp) seulement.",
            "The body must be a form with idop (or idOp) only.",
        )])
    };
    // The query may carry other parameters; a body is PayFiP's form and nothing else.
    let query = web::Query::<HashMap<String, String>>::from_query(req.query_string())
        .map(web::Query::into_inner)
        .unwrap_or_default();
    let form = if body.is_empty() {
        None
    } else {
        let text = std::str::from_utf8(&body).map_err(|_| malformed())?;
        Some(
            web::Query::<PayFipNotificationForm>::from_query(text)
                .map_err(|_| malformed())?
                .into_inner(),
        )
    };
    let given: Vec<String> = [query.get("idop"), query.get("idOp")]
        .into_iter()
        .flatten()
        .cloned()
        .chain(form.into_iter().flat_map(|f| [f.idop, f.id_op]).flatten())
        .map(|v| v.trim().to_owned())
        .collect();
    for value in &given {
        crate::problem::refuse_nul("idop", value)?;
    }
    if given.iter().any(|v| v.len() > 64) {
        return Err(ApiError::validation(vec![crate::problem::FieldError::new(
            "idop",
            "too_long",
            "Un idop a au plus 64 caractères.",
            "An idop has at most 64 characters.",
        )]));
    }
    let idop = given.into_iter().find(|v| !v.is_empty());
    match idop {
        // PayFiP is answered 200 whatever happens here: a failure is logged and the
        // re-check job asks again later.
        Some(idop) => {
            if let Err(error) = payments::notify(&state, idop).await {
                tracing::error!(?error, "a PayFiP notification could not be handled");
            }
        }
        None => tracing::warn!("a PayFiP notification without an idop"),
    }
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("OK"))
}

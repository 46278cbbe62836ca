//! The built-in payment sandbox, the local stand-in for PayFiP: a page where a
//! person chooses how the payment ends, which then follows the same settlement as
//! a real payment's notification. Public: the payment's reference is the key.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::db;
use crate::email::templates::escape;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::usecases::baskets::{self, PaymentResult};
use crate::usecases::online_payments;

/// Shows the sandbox's payment page.
///
/// An HTML page with the amount and three buttons: paid, refused, abandoned.
#[utoipa::path(
    tag = "sandbox",
    operation_id = "showSandboxPayment",
    params(("reference" = String, Path, max_length = 64, description = "The payment's reference.")),
    responses(
        (status = 200, description = "The payment page.", content_type = "text/html", body = String),
        (status = 404, description = "No such payment (`not_found`)."),
    ),
)]
#[get("/sandbox/payments/{reference}")]
pub async fn show_sandbox_payment(
    state: web::Data<AppState>,
    reference: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    if !state.config.payments.sandbox() {
        return Err(crate::problem::not_found());
    }
    let reference = reference.into_inner();
    let lookup = reference.clone();
    let total_cents = db::run(&state.pool, move |conn| {
        sandbox_amount(conn, &lookup)?.ok_or(crate::usecases::UseCaseError::Refused(
            crate::usecases::Refusal::NotFound,
        ))
    })
    .await?;
    let amount = format!("{},{:02} EUR", total_cents / 100, total_cents % 100);
    let action = format!("/api/v1/sandbox/payments/{}", escape(&reference));
    let button = |result: &str, label: &str| {
        format!(
            "<form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"result\" value=\"{result}\"><button>{label}</button></form>"
        )
    };
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Paiement (bac à sable)</title></head><body>\
         <h1>Paiement de test</h1><p>Montant : {amount}. Ce bac à sable remplace PayFiP en local : choisissez l'issue du paiement.</p>\
         {}{}{}</body></html>",
        button("paid", "Payer"),
        button("refused", "Refuser le paiement"),
        button("abandoned", "Abandonner"),
    );
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; form-action 'self'; frame-ancestors 'none'",
        ))
        .body(body))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SandboxResult {
    Paid,
    Refused,
    Abandoned,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SandboxForm {
    pub result: SandboxResult,
}

/// Ends a sandbox payment.
///
/// As the person chose. An invoice's payment then follows PayFiP's path: the choice
/// becomes the sandbox's answer about the idop, which the notification reads and
/// settles. A basket is settled as a real payment's result would settle it (paid
/// confirms its weeks; refused or abandoned gives the places back). Then the browser
/// goes back to the frontend (`FRONTEND_URL/paiement/retour`).
#[utoipa::path(
    tag = "sandbox",
    operation_id = "endSandboxPayment",
    params(("reference" = String, Path, max_length = 64, description = "The payment's reference.")),
    request_body(content = SandboxForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 303, description = "Back to the frontend, with the basket and the result.",
            headers(("Location" = String, description = "`FRONTEND_URL/paiement/retour?idop=IDOP&resultat=...` for an invoice, `?panier=ID&resultat=paid|refused|abandoned` for a basket."))),
        (status = 404, description = "No such payment (`not_found`)."),
    ),
)]
#[post("/sandbox/payments/{reference}")]
pub async fn end_sandbox_payment(
    state: web::Data<AppState>,
    reference: web::Path<String>,
    form: web::Form<SandboxForm>,
) -> Result<HttpResponse, ApiError> {
    if !state.config.payments.sandbox() {
        return Err(crate::problem::not_found());
    }
    let reference = reference.into_inner();
    let (result, word, code) = match form.result {
        SandboxResult::Paid => (PaymentResult::Paid, "paid", "P"),
        SandboxResult::Refused => (PaymentResult::Refused, "refused", "R"),
        SandboxResult::Abandoned => (PaymentResult::Abandoned, "abandoned", "A"),
    };
    let lookup = reference.clone();
    let invoice_payment = db::run(&state.pool, move |conn| {
        persistence::online_payments::find_by_idop(conn, &lookup)
    })
    .await?
    .filter(|p| p.provider == "sandbox");
    if invoice_payment.is_some() {
        // As PayFiP would: the choice is the service's answer; the notification then
        // asks for it like any other.
        let idop = reference.clone();
        db::run(&state.pool, move |conn| {
            online_payments::choose_in_sandbox(conn, &idop, code)
        })
        .await?;
        crate::payments::notify(&state, reference.clone()).await?;
        return Ok(HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                format!(
                    "{}/paiement/retour?idop={reference}&resultat={word}",
                    state.config.frontend_url
                ),
            ))
            .finish());
    }
    let now = state.clock.now();
    let st = state.clone();
    let record = db::run(&state.pool, move |conn| {
        baskets::settle(conn, &st.config.frontend_url, &reference, result, now)
    })
    .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((
            header::LOCATION,
            format!(
                "{}/paiement/retour?panier={}&resultat={word}",
                state.config.frontend_url, record.basket.id
            ),
        ))
        .finish())
}

/// The amount of the sandbox payment `reference`: an invoice's pending attempt, or a
/// basket being paid.
fn sandbox_amount(
    conn: &mut persistence::AnyConnection,
    reference: &str,
) -> Result<Option<i64>, persistence::DbError> {
    if let Some(payment) = persistence::online_payments::find_by_idop(conn, reference)?
        .filter(|p| p.provider == "sandbox")
    {
        return Ok(Some(payment.amount_cents));
    }
    Ok(persistence::baskets::find_by_reference(conn, reference)?.map(|b| b.total_cents))
}

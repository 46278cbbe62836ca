//! The built-in payment sandbox, the local stand-in for PayFiP: a page where a
//! person chooses how the payment ends, which then follows the same settlement as
//! a real payment's notification. Public: the payment's reference is the key.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::adapters::email::templates::escape;
use crate::openapi::enums::api_enum;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::usecases::billing::sandbox;

/// The page's example (the contract test checks its head is the answer's).
const PAGE_EXAMPLE: &str = "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">\
    <title>Paiement (bac à sable)</title></head><body><h1>Paiement de test</h1>\
    <p>Montant : 62,20 EUR. Ce bac à sable remplace PayFiP en local : choisissez l'issue du paiement.</p>\
    <form method=\"post\" action=\"/api/v1/sandbox/payments/c7ab46b1\"><input type=\"hidden\" name=\"result\" value=\"paid\"><button>Payer</button></form>\
    </body></html>";

/// Shows the sandbox's payment page.
///
/// An HTML page with the amount and three buttons: paid, refused, abandoned. Public
/// (the payment's reference is the key); only when the sandbox stands in for PayFiP,
/// else `not_found`.
#[utoipa::path(
    tag = "sandbox",
    operation_id = "showSandboxPayment",
    params(("reference" = String, Path, max_length = 64, description = "The payment's reference.")),
    responses(
        (status = 200, description = "The payment page.", content_type = "text/html", body = String,
            example = json!(PAGE_EXAMPLE)),
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
    let total_cents = sandbox::amount(&state, reference.clone()).await?;
    let amount = format!(
        "{} EUR",
        crate::usecases::billing::invoices::euros(total_cents)
    );
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

api_enum! {
    /// How the person testing chooses the sandbox payment ends.
    pub enum SandboxResult {
        /// Paid: as PayFiP's `P` (a card payment accepted).
        Paid = "paid",
        /// Refused by the bank: as PayFiP's `R`.
        Refused = "refused",
        /// Left without paying: as PayFiP's `A`.
        Abandoned = "abandoned",
    }
}

/// The sandbox page's form: the chosen ending.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SandboxForm {
    /// How the payment ends.
    pub result: SandboxResult,
}

/// Ends a sandbox payment.
///
/// As the person chose, then PayFiP's path: the choice becomes the sandbox's answer
/// about the payment, which the notification reads and settles (an invoice paid; a
/// basket's weeks confirmed, or their places given back). Then the browser goes back
/// to the frontend (`FRONTEND_URL/paiement/retour`). Public, like the page; only
/// when the sandbox stands in for PayFiP, else `not_found`.
#[utoipa::path(
    tag = "sandbox",
    operation_id = "endSandboxPayment",
    params(("reference" = String, Path, max_length = 64, description = "The payment's reference.")),
    request_body(content = SandboxForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 303, description = "Back to the frontend.",
            headers(("Location" = String, description = "`FRONTEND_URL/paiement/retour?idop=IDOP`, as PayFiP returns families, for an invoice and a basket alike: the result is read from `GET /online-payments/{idop}`."))),
        (status = 400, description = "No result chosen, or one the page does not offer (`invalid_body`), or a field the page does not send (`unknown_field`)."),
        (status = 404, description = "No such payment (`not_found`)."),
        (status = 409, description = "A basket no longer held for payment (`basket_not_open`)."),
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
    let code = match form.result {
        SandboxResult::Paid => "P",
        SandboxResult::Refused => "R",
        SandboxResult::Abandoned => "A",
    };
    let idop = sandbox::end(&state, reference, code).await?;
    // Back where PayFiP sends families, for an invoice and a basket alike: the
    // frontend reads the result from `GET /online-payments/{idop}`, never from the URL.
    Ok(HttpResponse::SeeOther()
        .insert_header((
            header::LOCATION,
            format!("{}/paiement/retour?idop={idop}", state.config.frontend_url),
        ))
        .finish())
}

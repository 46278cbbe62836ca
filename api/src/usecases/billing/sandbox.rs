//! The built-in sandbox's side of a payment: the amount its page shows, and a
//! person's choice turned into the sandbox's answer, which then settles through
//! PayFiP's own path (`payments::notify`), so both providers settle the same way.

use domain::billing::PaymentProvider;
use persistence::activities::baskets;
use persistence::billing::online_payments as store;

use super::online_payments;
use super::payments;
use crate::db;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::usecases::{CommonRefusal, UseCaseError};

/// The amount of the sandbox payment `reference`: an invoice's attempt, or a basket
/// being paid; `not_found` otherwise.
pub async fn amount(state: &AppState, reference: String) -> Result<i64, ApiError> {
    let amount = db::run(&state.pool, move |conn| {
        if let Some(payment) = store::find_by_idop(conn, &reference)?
            .filter(|p| p.provider == PaymentProvider::Sandbox)
        {
            return Ok(Some(payment.amount_cents));
        }
        Ok::<_, UseCaseError>(baskets::find_by_reference(conn, &reference)?.map(|b| b.total_cents))
    })
    .await?;
    amount.ok_or_else(|| UseCaseError::from(CommonRefusal::NotFound).into())
}

/// Ends the sandbox payment `reference` with PayFiP's result `code` (`P`, `R`, `A`):
/// the choice becomes the sandbox's answer, which the notification reads and settles.
/// A basket held without an attempt yet (offered from the waiting line) has its first
/// attempt opened now, named by the basket's reference. Returns the attempt's idop.
pub async fn end(
    state: &AppState,
    reference: String,
    code: &'static str,
) -> Result<String, ApiError> {
    let lookup = reference.clone();
    let (payment, basket) = db::run(&state.pool, move |conn| {
        let payment =
            store::find_by_idop(conn, &lookup)?.filter(|p| p.provider == PaymentProvider::Sandbox);
        let basket = match &payment {
            Some(_) => None,
            None => baskets::find_by_reference(conn, &lookup)?,
        };
        Ok::<_, UseCaseError>((payment, basket))
    })
    .await?;
    let payment = match (payment, basket) {
        (Some(payment), _) => payment,
        (None, Some(basket)) => {
            let key = format!("sandbox-{reference}");
            payments::start_for_basket(state, basket.dossier_id, basket.id, Some(reference), key)
                .await?
                .0
        }
        (None, None) => return Err(crate::problem::not_found()),
    };
    let idop = payment.idop.clone().unwrap_or_default();
    let chosen = idop.clone();
    db::run(&state.pool, move |conn| {
        online_payments::choose_in_sandbox(conn, &chosen, code)
    })
    .await?;
    // As PayFiP would: the choice is now the service's answer, which the
    // notification asks for like any other.
    payments::notify(state, idop.clone()).await?;
    Ok(idop)
}

//! The database side of paying an invoice online: an attempt is opened for what is
//! left to pay (the server's amount, never the client's), given the idop the
//! provider returned, and settled once from the provider's own answer.

pub use persistence::billing::online_payments::OnlinePayment;

use chrono::{DateTime, Datelike, Utc};
use domain::activities::BasketStatus;
pub use domain::billing::OnlinePaymentStatus;
use domain::billing::{PaymentMethod, PaymentProvider, payfip};
use persistence::billing::online_payments::{self as store, NewOnlinePayment, Target};
use persistence::billing::{self as bills, NewPayment};
use persistence::write_transaction;
use persistence::{AnyConnection, accounts, db_time};

use crate::usecases::notifications::notice_data::{NoticeData, PaymentRefusedData};
use crate::usecases::notifications::{self, Notice};
use crate::usecases::{ActivityRefusal, BillingRefusal, CommonRefusal, Outcome, UseCaseError};

/// How long PayFiP keeps an idop payable: while one is, it is the family's payment
/// (a second one could be paid in another tab, taking the money twice).
pub fn idop_lifetime() -> chrono::Duration {
    chrono::Duration::minutes(15)
}

/// An attempt to create at the provider, with what the provider needs.
#[derive(Debug, Clone)]
pub struct Opened {
    pub payment: OnlinePayment,
    /// False when the `Idempotency-Key` names an attempt opened before.
    pub new: bool,
    pub email: String,
    pub exer: i32,
    /// ASCII letters, digits and spaces only.
    pub objet: String,
}

/// Opens an attempt to pay what is left on one of the dossier's invoices. The same
/// key again answers the same attempt; for another invoice it is refused.
pub fn open_for_invoice(
    conn: &mut AnyConnection,
    dossier_id: i64,
    account_id: i64,
    invoice_id: i64,
    key: &str,
    provider: PaymentProvider,
    now: DateTime<Utc>,
) -> Outcome<Opened> {
    let invoice =
        bills::find_invoice(conn, invoice_id, Some(dossier_id))?.ok_or(CommonRefusal::NotFound)?;
    let account = accounts::find(conn, account_id)?.ok_or(CommonRefusal::NotFound)?;
    let opened = |payment: OnlinePayment, new: bool| Opened {
        payment,
        new,
        email: account.email.clone(),
        exer: invoice.issued_on.year(),
        objet: payfip::invoice_objet(&invoice.number),
    };
    if let Some(earlier) = store::find_by_key(conn, dossier_id, key)? {
        return if earlier.invoice_id == Some(invoice_id) {
            Ok(opened(earlier, false))
        } else {
            Err(CommonRefusal::IdempotencyKeyReused.into())
        };
    }
    let refdet = payfip::invoice_refdet(&invoice.number);
    let created = write_transaction(conn, |conn| {
        let target = Target::Invoice(invoice_id);
        store::lock_target(conn, target)?;
        // An invoice with the bank for direct debit is not paid twice.
        crate::usecases::billing::direct_debit::schedule::refuse_if_collecting(conn, invoice_id)?;
        if let Some(live) = store::pending_for(conn, target, now - idop_lifetime())? {
            return Ok::<_, UseCaseError>(Some(live));
        }
        let invoice =
            bills::find_invoice(conn, invoice_id, None)?.ok_or(CommonRefusal::NotFound)?;
        let left = crate::usecases::billing::invoices::balance_of(&invoice);
        if left <= 0 {
            return Err(BillingRefusal::NothingToPay.into());
        }
        let id = store::insert(
            conn,
            NewOnlinePayment {
                dossier_id,
                invoice_id: Some(invoice_id),
                basket_id: None,
                account_id: Some(account_id),
                provider,
                refdet: &refdet,
                amount_cents: left,
                status: OnlinePaymentStatus::Creating,
                idempotency_key: key,
                created_at: db_time(now),
                updated_at: db_time(now),
            },
        )?;
        Ok(store::find(conn, id)?)
    });
    finish_opening(conn, created, dossier_id, key, |p| {
        p.invoice_id == Some(invoice_id)
    })
    .map(|(payment, new)| opened(payment, new))
}

/// The attempt a transaction opened (new), the live one it found instead (not new),
/// or, when the same key was opened at the same moment, that one.
fn finish_opening(
    conn: &mut AnyConnection,
    created: Result<Option<OnlinePayment>, UseCaseError>,
    dossier_id: i64,
    key: &str,
    same_target: impl Fn(&OnlinePayment) -> bool,
) -> Outcome<(OnlinePayment, bool)> {
    match created {
        Ok(Some(payment))
            if payment.idempotency_key == key
                && payment.status == OnlinePaymentStatus::Creating =>
        {
            Ok((payment, true))
        }
        Ok(Some(live)) => Ok((live, false)),
        Ok(None) => Err(CommonRefusal::NotFound.into()),
        Err(UseCaseError::Db(persistence::DbError::Query(
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ),
        ))) => match store::find_by_key(conn, dossier_id, key)? {
            Some(earlier) if same_target(&earlier) => Ok((earlier, false)),
            _ => Err(CommonRefusal::IdempotencyKeyReused.into()),
        },
        Err(other) => Err(other),
    }
}

/// Opens an attempt to pay one of the dossier's held baskets (its total). The same
/// key again answers the same attempt; for another basket it is refused.
pub fn open_for_basket(
    conn: &mut AnyConnection,
    dossier_id: i64,
    basket_id: i64,
    key: &str,
    provider: PaymentProvider,
    now: DateTime<Utc>,
) -> Outcome<Opened> {
    let basket = persistence::activities::baskets::find(conn, basket_id, Some(dossier_id))?
        .ok_or(CommonRefusal::NotFound)?;
    let account = match basket.account_id {
        Some(id) => accounts::find(conn, id)?,
        None => None,
    };
    let opened = |payment: OnlinePayment, new: bool| Opened {
        payment,
        new,
        email: account
            .as_ref()
            .map(|a| a.email.clone())
            .unwrap_or_default(),
        exer: now.year(),
        objet: payfip::basket_objet(basket_id),
    };
    if let Some(earlier) = store::find_by_key(conn, dossier_id, key)? {
        return if earlier.basket_id == Some(basket_id) {
            Ok(opened(earlier, false))
        } else {
            Err(CommonRefusal::IdempotencyKeyReused.into())
        };
    }
    let refdet = payfip::basket_refdet(basket_id);
    let created = write_transaction(conn, |conn| {
        let target = Target::Basket(basket_id);
        store::lock_target(conn, target)?;
        if let Some(live) = store::pending_for(conn, target, now - idop_lifetime())? {
            return Ok::<_, UseCaseError>(Some(live));
        }
        let basket = persistence::activities::baskets::find(conn, basket_id, None)?
            .ok_or(CommonRefusal::NotFound)?;
        // The card pays what the family's account credits did not.
        let due = basket.total_cents - basket.credit_cents;
        if basket.status != BasketStatus::Held || due <= 0 {
            return Err(ActivityRefusal::BasketNotOpen.into());
        }
        let id = store::insert(
            conn,
            NewOnlinePayment {
                dossier_id,
                invoice_id: None,
                basket_id: Some(basket_id),
                account_id: basket.account_id,
                provider,
                refdet: &refdet,
                amount_cents: due,
                status: OnlinePaymentStatus::Creating,
                idempotency_key: key,
                created_at: db_time(now),
                updated_at: db_time(now),
            },
        )?;
        Ok(store::find(conn, id)?)
    });
    finish_opening(conn, created, dossier_id, key, |p| {
        p.basket_id == Some(basket_id)
    })
    .map(|(payment, new)| opened(payment, new))
}

/// The provider created the attempt: it waits for its result under `idop`.
pub fn created(
    conn: &mut AnyConnection,
    id: i64,
    idop: &str,
    now: DateTime<Utc>,
) -> Outcome<OnlinePayment> {
    store::set_idop(conn, id, idop, now)?;
    Ok(store::find(conn, id)?.ok_or(CommonRefusal::NotFound)?)
}

/// The provider could not create the attempt: it ends there.
pub fn not_created(
    conn: &mut AnyConnection,
    id: i64,
    code: Option<&str>,
    now: DateTime<Utc>,
) -> Outcome<()> {
    store::set_status(
        conn,
        id,
        OnlinePaymentStatus::Creating,
        OnlinePaymentStatus::Failed,
        code,
        now,
    )?;
    Ok(())
}

/// One of the dossier's attempts, by idop.
pub fn of_dossier(conn: &mut AnyConnection, dossier_id: i64, idop: &str) -> Outcome<OnlinePayment> {
    store::find_by_idop(conn, idop)?
        .filter(|p| p.dossier_id == dossier_id)
        .ok_or_else(|| CommonRefusal::NotFound.into())
}

/// How an attempt ended, as the provider answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// `P` (card) or `V` (direct debit).
    Paid { direct_debit: bool },
    /// `R` (card) or `Z` (direct debit).
    Refused,
    /// `A`, or an idop the service no longer knows (`P1`).
    Abandoned,
    /// The service's record of the idop differs from ours (client number, reference
    /// or amount): nothing is paid, the attempt fails, an agent reconciles.
    Mismatch,
}

/// Settles a pending attempt once, in one transaction. For an invoice, paid records
/// the payment on it (whatever is left on it by then: the treasury has the money);
/// for a basket, the result goes to the basket. Returns false when it was settled
/// before (a replay).
pub fn settle(
    conn: &mut AnyConnection,
    frontend_url: &str,
    payment: &OnlinePayment,
    ending: Ending,
    code: &str,
    today: chrono::NaiveDate,
    now: DateTime<Utc>,
) -> Outcome<bool> {
    let status = match ending {
        Ending::Paid { .. } => OnlinePaymentStatus::Paid,
        Ending::Refused => OnlinePaymentStatus::Refused,
        Ending::Abandoned => OnlinePaymentStatus::Abandoned,
        Ending::Mismatch => OnlinePaymentStatus::Failed,
    };
    write_transaction(conn, |conn| {
        if !store::set_status(
            conn,
            payment.id,
            OnlinePaymentStatus::Pending,
            status,
            Some(code),
            now,
        )? {
            return Ok::<_, UseCaseError>(false);
        }
        if let (Ending::Paid { direct_debit }, Some(invoice_id)) = (ending, payment.invoice_id) {
            pay_invoice(
                conn,
                frontend_url,
                payment,
                invoice_id,
                direct_debit,
                today,
                now,
            )?;
        }
        if ending == Ending::Refused {
            let notice = refused_notice(conn, frontend_url, payment)?;
            notifications::notify(conn, &[notice], now)?;
        }
        if let Some(basket_id) = payment.basket_id.filter(|_| ending != Ending::Mismatch) {
            settle_basket(conn, frontend_url, payment, basket_id, ending, now)?;
        }
        Ok(true)
    })
}

/// A basket's result: paid confirms its weeks (taking their places again if they
/// were given back meanwhile); refused or abandoned gives them back, but only from
/// the basket's latest attempt (an older one ending must not undo a newer payment).
fn settle_basket(
    conn: &mut AnyConnection,
    frontend_url: &str,
    payment: &OnlinePayment,
    basket_id: i64,
    ending: Ending,
    now: DateTime<Utc>,
) -> Outcome<()> {
    use crate::usecases::activities::baskets::PaymentResult;
    let latest = store::latest_of_basket(conn, basket_id)?.map(|p| p.id);
    let result = match ending {
        Ending::Paid { .. } => PaymentResult::Paid,
        _ if latest != Some(payment.id) => return Ok(()),
        Ending::Refused => PaymentResult::Refused,
        Ending::Abandoned | Ending::Mismatch => PaymentResult::Abandoned,
    };
    let basket = persistence::activities::baskets::find(conn, basket_id, None)?
        .ok_or(CommonRefusal::NotFound)?;
    let reference = basket.payment_reference.unwrap_or_default();
    crate::usecases::activities::baskets::settle(conn, frontend_url, &reference, result, now)?;
    Ok(())
}

/// The family is told its card or bank refused an online payment.
fn refused_notice(
    conn: &mut AnyConnection,
    portal: &str,
    payment: &OnlinePayment,
) -> Outcome<Notice> {
    let invoice = match payment.invoice_id {
        Some(id) => bills::find_invoice(conn, id, None)?,
        None => None,
    };
    let (what, link) = match (&invoice, payment.basket_id) {
        (Some(invoice), _) => (
            format!("de la facture n° {}", invoice.number),
            format!("{portal}/factures/{}", invoice.id),
        ),
        (None, Some(basket)) => (
            format!("de votre panier n° {basket}"),
            format!("{portal}/panier/{basket}"),
        ),
        (None, None) => ("en ligne".to_owned(), format!("{portal}/factures")),
    };
    Ok(Notice {
        dossier_id: payment.dossier_id,
        title: "Paiement en ligne refusé".to_owned(),
        paragraphs: vec![format!(
            "Le paiement de {} EUR {what} a été refusé par votre banque : rien n'a été débité. Vous pouvez essayer à nouveau :",
            crate::usecases::billing::invoices::euros(payment.amount_cents)
        )],
        link: Some(("Payer à nouveau".to_owned(), link)),
        data: NoticeData::PaymentRefused(PaymentRefusedData {
            online_payment_id: payment.id,
            idop: payment.idop.clone(),
            invoice_id: payment.invoice_id,
            basket_id: payment.basket_id,
            amount_cents: payment.amount_cents,
        }),
        dedupe_key: None,
    })
}

fn pay_invoice(
    conn: &mut AnyConnection,
    portal: &str,
    payment: &OnlinePayment,
    invoice_id: i64,
    direct_debit: bool,
    today: chrono::NaiveDate,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let method = if direct_debit {
        PaymentMethod::DirectDebit
    } else {
        PaymentMethod::Card
    };
    bills::insert_payment(
        conn,
        &NewPayment {
            dossier_id: payment.dossier_id,
            invoice_id,
            method,
            amount_cents: payment.amount_cents,
            reference: payment.idop.clone(),
            received_on: today,
            recorded_by: None,
            idempotency_key: None,
            online_payment_id: Some(payment.id),
            created_at: db_time(now),
        },
    )?;
    bills::add_paid(conn, invoice_id, payment.amount_cents)?;
    crate::usecases::billing::direct_debit::schedule::fit_to_balance(conn, invoice_id, today, now)?;
    let invoice = bills::find_invoice(conn, invoice_id, None)?.ok_or(CommonRefusal::NotFound)?;
    let notice = crate::usecases::billing::invoices::payment_received(
        &invoice,
        payment.amount_cents,
        method,
        portal,
    );
    notifications::notify(conn, &[notice], now)?;
    if crate::usecases::billing::invoices::balance_of(&invoice) < 0 {
        tracing::warn!(
            invoice = invoice.id,
            payment = payment.id,
            "an online payment paid more than was left on its invoice: the family is owed the excess"
        );
    }
    Ok(())
}

/// Records what the person chose on the sandbox's page (`P`, `R` or `A`).
pub fn choose_in_sandbox(
    conn: &mut AnyConnection,
    idop: &str,
    result: &str,
) -> Outcome<OnlinePayment> {
    let payment = store::find_by_idop(conn, idop)?
        .filter(|p| p.provider == PaymentProvider::Sandbox)
        .ok_or(CommonRefusal::NotFound)?;
    store::set_sandbox_result(conn, payment.id, result)?;
    Ok(store::find(conn, payment.id)?.ok_or(CommonRefusal::NotFound)?)
}

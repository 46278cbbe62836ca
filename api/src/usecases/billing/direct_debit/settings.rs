//! The city's creditor account: its creditor identifier (ICS), name, the account the
//! debits are paid into, and the version of the collection file its bank takes.

use chrono::{DateTime, Utc};
use domain::billing::sepa::{
    BankAccount, CreditorIdError, PainVersion, creditor_identifier, sepa_text,
};
use persistence::billing::direct_debits::{self as store, Settings};
use persistence::{AnyConnection, db_time};

use super::mandates::account_error;
use crate::problem::FieldError;
use crate::usecases::{BillingRefusal, CommonRefusal, Outcome, UseCaseError};

/// What an admin sets.
#[derive(Debug, Clone)]
pub struct SettingsInput {
    pub creditor_id: String,
    pub creditor_name: String,
    pub iban: String,
    /// The creditor's bank, which the collection file names.
    pub bic: String,
    pub pain_version: PainVersion,
}

/// The creditor account; `NotFound` before an admin sets it.
pub fn get(conn: &mut AnyConnection) -> Outcome<Settings> {
    Ok(store::settings(conn)?.ok_or(CommonRefusal::NotFound)?)
}

/// The creditor account, which signing a mandate or building a file needs.
pub fn required(conn: &mut AnyConnection) -> Outcome<Settings> {
    Ok(store::settings(conn)?.ok_or(BillingRefusal::DirectDebitUnavailable)?)
}

/// Sets the creditor account. The identifier cannot change while active mandates
/// name the old one (each would need an amendment the files do not carry).
pub fn set(
    conn: &mut AnyConnection,
    input: &SettingsInput,
    now: DateTime<Utc>,
) -> Outcome<Settings> {
    let mut errors = Vec::new();
    let creditor_id = creditor_identifier(&input.creditor_id).map_err(|e| match e {
        CreditorIdError::Format => FieldError::new(
            "creditorId",
            "invalid_creditor_id",
            "L'identifiant créancier SEPA (ICS) doit avoir la forme FR72ZZZ123456.",
            "The SEPA creditor identifier must look like FR72ZZZ123456.",
        ),
        CreditorIdError::CheckDigits => FieldError::new(
            "creditorId",
            "creditor_id_check_digits",
            "La clé de contrôle de l'identifiant créancier SEPA est fausse : vérifiez-le.",
            "The creditor identifier's check digits are wrong: check it.",
        ),
    });
    let account = BankAccount::parse(&input.iban, Some(&input.bic)).map_err(account_error);
    if sepa_text(&input.creditor_name, 70).is_empty() {
        errors.push(FieldError::new(
            "creditorName",
            "invalid_name",
            "Le nom du créancier doit contenir des lettres ou des chiffres.",
            "The creditor's name must hold letters or digits.",
        ));
    }
    if let Err(e) = &creditor_id {
        errors.push(e.clone());
    }
    if let Err(e) = &account {
        errors.push(e.clone());
    }
    let (Ok(creditor_id), Ok(account)) = (creditor_id, account) else {
        return Err(UseCaseError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(UseCaseError::Invalid(errors));
    }
    let settings = Settings {
        creditor_id,
        creditor_name: input.creditor_name.trim().to_owned(),
        iban: account.iban,
        bic: account.bic,
        pain_version: input.pain_version,
        updated_at: db_time(now),
    };
    persistence::write_transaction(conn, |conn| {
        if store::active_under_other_creditor(conn, &settings.creditor_id)? > 0 {
            return Err(UseCaseError::Invalid(vec![FieldError::new(
                "creditorId",
                "creditor_id_in_use",
                "Des mandats actifs portent l'identifiant créancier actuel : il ne peut pas changer tant qu'ils courent.",
                "Active mandates carry the current creditor identifier: it cannot change while they run.",
            )]));
        }
        store::save_settings(conn, &settings)?;
        Ok(())
    })?;
    Ok(settings)
}

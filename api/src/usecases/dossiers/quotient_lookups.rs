//! "Dites-le-nous une fois": with the family's consent, the city looks its quotient up
//! at the CAF or MSA through API Particulier instead of asking for a certificate. Every
//! lookup is kept with the time of the consent and its outcome (the identity sent is
//! not); a quotient found is recorded from the day the city's rule says to the end of
//! that school year. A lookup that finds nothing records no quotient.

use chrono::{DateTime, Utc};
use domain::dossiers::{LookupAppliesFrom, LookupOutcome, QuotientSource, looked_up_period};
use persistence::dossiers::quotients::{self, NewFamilyQuotient, NewQuotientLookup};
use persistence::{city, db_time, dossiers, write_transaction};

use super::{Actor, DossierRefusal, FamilyQuotient};
use crate::adapters::api_particulier::{FoundQuotient, Identity, LookupError};
use crate::db;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::usecases::{CommonRefusal, Outcome, UseCaseError};

/// A lookup that found the family's quotient, and the quotient it recorded.
#[derive(Debug, Clone)]
pub struct LookedUp {
    pub lookup_id: i64,
    pub consented_at: DateTime<Utc>,
    pub quotient: FamilyQuotient,
}

/// Looks the dossier's quotient up for `who`, the family having consented now.
pub async fn look_up(
    state: &AppState,
    actor: Actor,
    dossier_id: i64,
    who: Identity,
) -> Result<LookedUp, ApiError> {
    db::run(&state.pool, move |conn| {
        dossiers::find(conn, dossier_id)?.ok_or(CommonRefusal::NotFound)?;
        Ok::<_, UseCaseError>(())
    })
    .await?;
    let client = state
        .api_particulier
        .clone()
        .ok_or(UseCaseError::from(DossierRefusal::QuotientLookupNotOffered))?;
    let consented_at = state.clock.now();
    let answer = client.quotient(&who).await;
    if let Err(LookupError::Unavailable(cause)) = &answer {
        tracing::warn!(dossier = dossier_id, %cause, "API Particulier did not answer a quotient lookup");
    }
    let today = state.today();
    db::run(&state.pool, move |conn| {
        record(conn, actor, dossier_id, consented_at, today, &answer)
    })
    .await
}

fn record(
    conn: &mut persistence::AnyConnection,
    actor: Actor,
    dossier_id: i64,
    consented_at: DateTime<Utc>,
    today: chrono::NaiveDate,
    answer: &Result<FoundQuotient, LookupError>,
) -> Outcome<LookedUp> {
    let written = write_transaction(conn, |conn| {
        let (outcome, quotient_id) = match answer {
            Ok(found) => {
                let rule =
                    city::find(conn)?.map_or(LookupAppliesFrom::Month, |c| c.lookup_applies_from);
                let (valid_from, valid_until) = looked_up_period(rule, today);
                let id = quotients::insert(
                    conn,
                    &NewFamilyQuotient {
                        dossier_id,
                        quotient: found.value,
                        valid_from,
                        valid_until,
                        proof_document_id: None,
                        recorded_by: Some(actor.account_id),
                        source: QuotientSource::ApiParticulier.to_string(),
                        provider: Some(found.provider.to_string()),
                        reference_month: Some(found.month.clone()),
                    },
                    consented_at,
                )?;
                (LookupOutcome::Found, Some(id))
            }
            Err(LookupError::NotFound) => (LookupOutcome::NotFound, None),
            Err(LookupError::SeveralFound) => (LookupOutcome::SeveralFound, None),
            Err(LookupError::Unavailable(_)) => (LookupOutcome::Unavailable, None),
        };
        let lookup_id = quotients::insert_lookup(
            conn,
            &NewQuotientLookup {
                dossier_id,
                asked_by: Some(actor.account_id),
                consented_at: db_time(consented_at),
                outcome: outcome.to_string(),
                quotient_id,
            },
        )?;
        let quotient = match quotient_id {
            Some(id) => quotients::of_dossier(conn, dossier_id)?
                .into_iter()
                .find(|q| q.id == id),
            None => None,
        };
        Ok::<_, UseCaseError>((lookup_id, quotient))
    })?;
    match (written, answer) {
        ((lookup_id, Some(quotient)), Ok(_)) => Ok(LookedUp {
            lookup_id,
            consented_at,
            quotient,
        }),
        (_, Err(LookupError::NotFound)) => Err(DossierRefusal::QuotientNotFound.into()),
        (_, Err(LookupError::SeveralFound)) => Err(DossierRefusal::QuotientSeveralFound.into()),
        (_, Err(LookupError::Unavailable(_))) => {
            Err(DossierRefusal::QuotientServiceUnavailable.into())
        }
        ((_, None), Ok(_)) => Err(super::gone("looked-up quotient")),
    }
}

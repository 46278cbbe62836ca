//! "Dites-le-nous une fois": with the family's consent, the city looks its quotient up
//! at the CAF or MSA through API Particulier instead of asking for a certificate. Every
//! lookup is kept with the time of the consent and its outcome (the identity sent is
//! not); a quotient found is recorded from the day the city's rule says to the end of
//! that school year, once the person the CAF or MSA pays is one of the dossier's
//! guardians. A lookup that finds nothing, or someone else, records no quotient; a
//! family's lookups are throttled and must name a guardian, so identities cannot be
//! tried in bulk.

use chrono::{DateTime, Utc};
use domain::dossiers::{
    GuardianName, LookupAppliesFrom, LookupOutcome, QuotientSource, allocataire_is_guardian,
    looked_up_period,
};
use domain::text::words_within;
use persistence::dossiers::quotients::{self, NewFamilyQuotient, NewQuotientLookup};
use persistence::{city, db_time, dossiers, write_transaction};

use super::{Actor, DossierRefusal, FamilyQuotient};
use crate::adapters::api_particulier::{FoundQuotient, Identity, LookupError};
use crate::db;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::usecases::accounts::throttling::{self, Counter};
use crate::usecases::{CommonRefusal, Outcome, UseCaseError};

/// The throttle counter of a dossier's lookups.
fn attempts_of(dossier_id: i64) -> Counter {
    Counter::new("quotient_lookup", dossier_id.to_string())
}

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
    let offered = state.api_particulier.is_some();
    let (policy, now) = (state.throttle.clone(), state.clock.now());
    let first_names = who.first_names.join(" ");
    db::run(&state.pool, move |conn| {
        dossiers::find(conn, dossier_id)?.ok_or(CommonRefusal::NotFound)?;
        if !offered {
            return Err(DossierRefusal::QuotientLookupNotOffered.into());
        }
        // Counted before the call, so lookups sent in parallel are counted too.
        if !actor.is_staff {
            let attempts = [attempts_of(dossier_id)];
            throttling::check(conn, &policy, &attempts, now)?;
            throttling::record_failure(conn, &policy, &attempts, now)?;
        }
        // Nobody else's identity is sent to the service: the first names given must
        // hold a guardian's.
        let guardians = dossiers::guardians_of(conn, dossier_id)?;
        if !guardians
            .iter()
            .any(|g| words_within(&g.first_name, &first_names))
        {
            return Err(DossierRefusal::QuotientNotAGuardian.into());
        }
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
        let guardians = dossiers::guardians_of(conn, dossier_id)?;
        let names: Vec<GuardianName<'_>> = guardians
            .iter()
            .map(|g| GuardianName {
                first_name: &g.first_name,
                last_name: &g.last_name,
            })
            .collect();
        let (outcome, quotient_id) = match answer {
            Ok(found) if !allocataire_is_guardian(&found.allocataires, &names) => {
                (LookupOutcome::NotAGuardian, None)
            }
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
        Ok::<_, UseCaseError>((lookup_id, outcome, quotient))
    })?;
    match written {
        (lookup_id, LookupOutcome::Found, Some(quotient)) => Ok(LookedUp {
            lookup_id,
            consented_at,
            quotient,
        }),
        (_, LookupOutcome::Found, None) => Err(super::gone("looked-up quotient")),
        (_, LookupOutcome::NotAGuardian, _) => Err(DossierRefusal::QuotientNotAGuardian.into()),
        (_, LookupOutcome::NotFound, _) => Err(DossierRefusal::QuotientNotFound.into()),
        (_, LookupOutcome::SeveralFound, _) => Err(DossierRefusal::QuotientSeveralFound.into()),
        (_, LookupOutcome::Unavailable, _) => {
            Err(DossierRefusal::QuotientServiceUnavailable.into())
        }
    }
}

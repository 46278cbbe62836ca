//! Terms of use and privacy policy: versions published by admins, accepted by families.

pub use persistence::accounts::legal::LegalDocument;

use chrono::{DateTime, Utc};
use domain::accounts::LegalDocumentKind;
use persistence::AnyConnection;
use persistence::accounts::legal;

use crate::usecases::{AccountRefusal, Outcome, UseCaseError};

/// The version in force: the start of the app publishes a first one, so none is a
/// broken invariant, not something a caller could ask for.
pub fn current(conn: &mut AnyConnection, kind: LegalDocumentKind) -> Outcome<LegalDocument> {
    legal::current(conn, kind)?.ok_or_else(|| {
        UseCaseError::Internal(anyhow::anyhow!(
            "no {kind} document in force: the start publishes one"
        ))
    })
}

pub fn publish(
    conn: &mut AnyConnection,
    kind: LegalDocumentKind,
    version: &str,
    title: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Outcome<LegalDocument> {
    if legal::versions(conn, kind)?
        .iter()
        .any(|d| d.version == version)
    {
        return Err(AccountRefusal::LegalVersionExists.into());
    }
    legal::publish(conn, kind, version, title, body, now)?;
    current(conn, kind)
}

/// Records that the account accepted `version`, which must be the current one.
pub fn accept(
    conn: &mut AnyConnection,
    account_id: i64,
    kind: LegalDocumentKind,
    version: &str,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let document = current(conn, kind)?;
    if document.version != version {
        return Err(AccountRefusal::LegalVersionOutdated.into());
    }
    Ok(legal::accept(conn, account_id, document.id, now)?)
}

/// The current documents the account has not accepted yet.
pub fn pending(conn: &mut AnyConnection, account_id: i64) -> Outcome<Vec<LegalDocument>> {
    let mut pending = Vec::new();
    for &kind in LegalDocumentKind::ALL {
        if let Some(document) = legal::current(conn, kind)?
            && !legal::has_accepted(conn, account_id, document.id)?
        {
            pending.push(document);
        }
    }
    Ok(pending)
}

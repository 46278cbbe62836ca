//! Documents: uploads checked by content and stored under server names; downloads
//! scoped to the family; agents' reads of health forms audited.

pub use persistence::dossiers::documents::Document;

use chrono::{DateTime, NaiveDate, Utc};
use domain::dossiers::{DocumentKind, DocumentOrigin, DocumentStatus, FileType, safe_file_name};
use persistence::audit::{self, NewAuditEntry};
use persistence::dossiers::documents::{self, NewDocument, Review};
use persistence::dossiers::requirements;
use persistence::write_transaction;
use persistence::{AnyConnection, dossiers, dossiers::children};

use crate::adapters::storage::FileStore;
use crate::usecases::dossiers::{Actor, gone};
use crate::usecases::notifications::notice_data::{DocumentReviewedData, NoticeData};
use crate::usecases::notifications::{self, Notice};
use crate::usecases::{CommonRefusal, DossierRefusal, Outcome, UseCaseError};

/// A file to add to a dossier.
#[derive(Debug)]
pub struct Upload<'a> {
    pub dossier_id: i64,
    pub child_id: Option<i64>,
    pub kind: DocumentKind,
    pub origin: DocumentOrigin,
    /// The name the client gave, cleaned before use.
    pub file_name: Option<&'a str>,
    pub content: &'a [u8],
    pub uploaded_by: i64,
    /// The day the document was issued; the upload's day when not given.
    pub issued_on: Option<NaiveDate>,
}

/// Stores an upload: what it is comes from its first bytes; the dossier's files may
/// take `quota_bytes` at most. The file is written first and removed again if the
/// transaction that records it fails, so no row ever names a missing file. A family's
/// upload waits for an agent's review; the city's is accepted. When the city requires
/// its kind, its validity runs from the day it was issued (`today` if not given).
pub fn upload(
    conn: &mut AnyConnection,
    store: &FileStore,
    quota_bytes: i64,
    upload: &Upload,
    (today, now): (NaiveDate, DateTime<Utc>),
) -> Outcome<Document> {
    if upload.origin == DocumentOrigin::Family && upload.kind.issued_by_city_only() {
        return Err(DossierRefusal::DocumentKindReserved.into());
    }
    let file_type = FileType::sniff(upload.content).ok_or(CommonRefusal::UnsupportedFileType)?;
    dossiers::find(conn, upload.dossier_id)?.ok_or(CommonRefusal::NotFound)?;
    if let Some(child) = upload.child_id
        && children::find(conn, child, Some(upload.dossier_id))?.is_none()
    {
        return Err(CommonRefusal::NotFound.into());
    }
    let size = i64::try_from(upload.content.len()).map_err(|e| UseCaseError::Internal(e.into()))?;
    if documents::bytes_of_dossier(conn, upload.dossier_id)? + size > quota_bytes {
        return Err(DossierRefusal::StorageQuotaExceeded.into());
    }
    let stored = store
        .save(conn, upload.content)
        .map_err(|e| UseCaseError::Internal(anyhow::Error::new(e).context("storing a document")))?;
    let issued_on = upload.issued_on.unwrap_or(today);
    let valid_until =
        requirements::find(conn, upload.kind)?.and_then(|r| r.validity().valid_until(issued_on));
    let new = NewDocument {
        dossier_id: upload.dossier_id,
        child_id: upload.child_id,
        kind: upload.kind,
        origin: upload.origin,
        file_name: safe_file_name(upload.file_name, upload.kind.as_str(), file_type),
        content_type: file_type.content_type().to_owned(),
        size_bytes: size,
        sha256: stored.sha256,
        storage_key: stored.key.clone(),
        uploaded_by: Some(upload.uploaded_by),
        status: match upload.origin {
            DocumentOrigin::Family => DocumentStatus::Pending,
            DocumentOrigin::City => DocumentStatus::Accepted,
        },
        issued_on: Some(issued_on),
        valid_until,
    };
    let written = write_transaction(conn, |conn| {
        let id = documents::insert(conn, &new, now)?;
        documents::find(conn, id, None)?.ok_or_else(|| gone("document"))
    });
    if written.is_err()
        && let Err(error) = store.remove(conn, &stored.key)
    {
        tracing::warn!(error = %error, "could not remove the file of a refused document");
    }
    written
}

/// The document's metadata, within the family's dossier when `dossier_id` is given.
pub fn get(conn: &mut AnyConnection, id: i64, dossier_id: Option<i64>) -> Outcome<Document> {
    Ok(documents::find(conn, id, dossier_id)?.ok_or(CommonRefusal::NotFound)?)
}

pub fn list(
    conn: &mut AnyConnection,
    dossier_id: i64,
    offset: i64,
    limit: i64,
) -> Outcome<(Vec<Document>, i64)> {
    dossiers::find(conn, dossier_id)?.ok_or(CommonRefusal::NotFound)?;
    Ok(documents::of_dossier(conn, dossier_id, offset, limit)?)
}

/// A document and its content. A staff member's read of a health form is audited
/// before the file is read: no content without its trace. Other reads take no write
/// lock, and the file is read outside any transaction.
pub fn content(
    conn: &mut AnyConnection,
    store: &FileStore,
    actor: Actor,
    id: i64,
    dossier_id: Option<i64>,
    now: DateTime<Utc>,
) -> Outcome<(Document, Vec<u8>)> {
    let document = documents::find(conn, id, dossier_id)?.ok_or(CommonRefusal::NotFound)?;
    if actor.is_staff && document.kind.holds_health_data() {
        audit::record(
            conn,
            &NewAuditEntry {
                actor_id: actor.account_id,
                action: domain::audit::AuditAction::ReadHealthDocument,
                dossier_id: Some(document.dossier_id),
                child_id: document.child_id,
                detail: &format!("document {} téléchargé", document.id),
            },
            now,
        )?;
    }
    let bytes = store.read(conn, &document.storage_key).map_err(|e| {
        UseCaseError::Internal(anyhow::Error::new(e).context("reading a stored document"))
    })?;
    Ok((document, bytes))
}

/// An agent's review of a document.
#[derive(Debug, Clone)]
pub struct ReviewInput {
    pub accept: bool,
    /// Why it is refused (required then).
    pub reason: Option<String>,
    /// The last valid day the agent read on the document, replacing the one computed
    /// from the requirement.
    pub valid_until: Option<NaiveDate>,
}

/// Accepts or refuses a document (again if need be: an agent may correct a review);
/// the family is told either way.
pub fn review(
    conn: &mut AnyConnection,
    portal: &str,
    reviewer: i64,
    id: i64,
    input: &ReviewInput,
    now: DateTime<Utc>,
) -> Outcome<Document> {
    write_transaction(conn, |conn| {
        let document = documents::find(conn, id, None)?.ok_or(CommonRefusal::NotFound)?;
        if document.kind.issued_by_city_only() {
            return Err(DossierRefusal::DocumentKindReserved.into());
        }
        let status = if input.accept {
            DocumentStatus::Accepted
        } else {
            DocumentStatus::Refused
        };
        let review = Review {
            status,
            reason: input.reason.as_deref().filter(|_| !input.accept),
            valid_until: input.valid_until.or(document.valid_until),
            reviewed_by: reviewer,
        };
        if !documents::review(conn, id, &review, now)? {
            return Err(gone("document"));
        }
        let (title, mut paragraphs) = if input.accept {
            (
                format!("Document accepté : {}", document.file_name),
                vec![format!(
                    "Le service Enfance a accepté votre document « {} ».",
                    document.file_name
                )],
            )
        } else {
            (
                format!("Document refusé : {}", document.file_name),
                vec![format!(
                    "Le service Enfance a refusé votre document « {} » : déposez-en un autre dans votre espace.",
                    document.file_name
                )],
            )
        };
        if let Some(reason) = review.reason {
            paragraphs.push(format!("Motif : « {reason} »"));
        }
        let notice = Notice {
            dossier_id: document.dossier_id,
            title,
            paragraphs,
            link: Some(("Mes documents".to_owned(), format!("{portal}/documents"))),
            data: NoticeData::DocumentReviewed(DocumentReviewedData {
                document_id: id,
                document_kind: document.kind.as_str().to_owned(),
                status: status.as_str().to_owned(),
                reason: review.reason.map(str::to_owned),
            }),
            dedupe_key: None,
        };
        notifications::notify(conn, &[notice], now)?;
        documents::find(conn, id, None)?.ok_or_else(|| gone("document"))
    })
}

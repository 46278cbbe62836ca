//! Requests (démarches): a family files one, with attachments; agents work the
//! queue and decide; both sides are told by email, in the same transaction.

use chrono::{DateTime, Utc};
use domain::dossiers::{DocumentKind, RequestDecision, RequestKind, RequestStatus};
use persistence::dossiers::ContactDetails;
use persistence::dossiers::documents::Document;
use persistence::dossiers::requests::{self, Request};
use persistence::write_transaction;
use persistence::{AnyConnection, accounts, city, dossiers, dossiers::documents};

use crate::adapters::email::templates;
use crate::problem::FieldError;
use crate::usecases::dossiers::{Actor, Proposal, QuotientInput, gone, insert_quotient};
use crate::usecases::notifications::notice_data::{NoticeData, RequestDecidedData};
use crate::usecases::notifications::{self, Notice};
use crate::usecases::{CommonRefusal, DossierRefusal, Outcome, UseCaseError};

#[derive(Debug, Clone)]
pub struct NewRequest {
    pub account_id: i64,
    pub dossier_id: i64,
    pub kind: RequestKind,
    pub message: String,
    /// A contact change's proposed details (JSON).
    pub proposal: Option<String>,
    /// The family's documents to attach (not attached to another request yet).
    pub document_ids: Vec<i64>,
}

/// A request with its dossier and attachments.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    pub request: Request,
    pub dossier_number: String,
    pub dossier_name: String,
    pub documents: Vec<Document>,
    /// What a contact-change request proposes, read from the stored request.
    pub proposal: Option<Proposal>,
}

/// Files a request in the caller's transaction and emails the acknowledgement and
/// the back office's notice.
pub fn file_request(
    conn: &mut AnyConnection,
    frontend_url: &str,
    new: &NewRequest,
    now: DateTime<Utc>,
) -> Outcome<Request> {
    let id = requests::insert(
        conn,
        new.dossier_id,
        new.kind,
        &new.message,
        new.proposal.as_deref(),
        new.account_id,
        now,
    )?;
    let attached = documents::attach_to_request(conn, new.dossier_id, id, &new.document_ids)?;
    if attached != new.document_ids.len() {
        return Err(UseCaseError::Invalid(vec![FieldError::new(
            "documentIds",
            "unknown_document",
            "Un des documents n'existe pas, n'est pas à vous ou est déjà joint à une autre démarche.",
            "One of the documents does not exist, is not yours or is attached to another request.",
        )]));
    }
    if new.kind == RequestKind::FamilyQuotient
        && !documents::of_request(conn, id)?
            .iter()
            .any(|d| d.kind == DocumentKind::IncomeProof)
    {
        return Err(UseCaseError::Invalid(vec![FieldError::new(
            "documentIds",
            "proof_required",
            "Joignez un justificatif de revenus (avis d'imposition ou attestation CAF).",
            "Attach a proof of income (tax notice or family-allowance certificate).",
        )]));
    }
    // Sharing a child with another household rests on a court decision or the
    // parents' agreement: a proof is attached.
    if new.kind == RequestKind::SecondHousehold && new.document_ids.is_empty() {
        return Err(UseCaseError::Invalid(vec![FieldError::new(
            "documentIds",
            "proof_required",
            "Joignez le jugement ou la convention parentale qui fixe la résidence de l'enfant.",
            "Attach the court decision or the parents' agreement on the child's residence.",
        )]));
    }
    let link = format!("{frontend_url}/demarches/{id}");
    if let Some(account) = accounts::find(conn, new.account_id)? {
        templates::request_filed(&account.email, &account.first_name, id, &link)
            .queue(conn, now)?;
    }
    if let Some(office) = city::find(conn)?.and_then(|c| c.contact_email)
        && let Some(dossier) = dossiers::find(conn, new.dossier_id)?
    {
        templates::request_received(&office, id, &dossier.number, new.kind.as_str())
            .queue(conn, now)?;
    }
    requests::find(conn, id, None)?.ok_or_else(|| gone("request"))
}

fn with_dossier(conn: &mut AnyConnection, request: Request) -> Outcome<RequestRecord> {
    let dossier = dossiers::find(conn, request.dossier_id)?.ok_or_else(|| gone("dossier"))?;
    Ok(RequestRecord {
        documents: documents::of_request(conn, request.id)?,
        proposal: request
            .proposal
            .as_deref()
            .map(Proposal::read)
            .transpose()?,
        dossier_number: dossier.number,
        dossier_name: dossier.name,
        request,
    })
}

/// Files a family's request.
pub fn file(
    conn: &mut AnyConnection,
    frontend_url: &str,
    new: &NewRequest,
    now: DateTime<Utc>,
) -> Outcome<RequestRecord> {
    write_transaction(conn, |conn| {
        let request = file_request(conn, frontend_url, new, now)?;
        with_dossier(conn, request)
    })
}

/// The request, within the family's dossier when `dossier_id` is given.
pub fn get(conn: &mut AnyConnection, id: i64, dossier_id: Option<i64>) -> Outcome<RequestRecord> {
    let request = requests::find(conn, id, dossier_id)?.ok_or(CommonRefusal::NotFound)?;
    with_dossier(conn, request)
}

/// A page of requests: a family's (newest first) or the back office's queue.
pub fn list(
    conn: &mut AnyConnection,
    dossier_id: Option<i64>,
    status: Option<RequestStatus>,
    offset: i64,
    limit: i64,
) -> Outcome<(Vec<RequestRecord>, i64)> {
    let (rows, total) = requests::list(
        conn,
        dossier_id,
        status.map(RequestStatus::as_str),
        offset,
        limit,
    )?;
    let mut records = Vec::with_capacity(rows.len());
    for (request, dossier_number, dossier_name) in rows {
        records.push(RequestRecord {
            documents: documents::of_request(conn, request.id)?,
            proposal: request
                .proposal
                .as_deref()
                .map(Proposal::read)
                .transpose()?,
            request,
            dossier_number,
            dossier_name,
        });
    }
    Ok((records, total))
}

/// An agent's decision on a request.
#[derive(Debug, Clone)]
pub struct Decision {
    pub decision: RequestDecision,
    pub comment: Option<String>,
    /// The quotient to record when accepting a family-quotient request.
    pub quotient: Option<QuotientInput>,
}

/// Decides a pending request: an accepted contact change is applied, an accepted
/// family-quotient update recorded with its proof; the family is emailed.
pub fn decide(
    conn: &mut AnyConnection,
    frontend_url: &str,
    actor: Actor,
    id: i64,
    decision: &Decision,
    now: DateTime<Utc>,
) -> Outcome<RequestRecord> {
    let request = requests::find(conn, id, None)?.ok_or(CommonRefusal::NotFound)?;
    let status = request.status;
    let kind = request.kind;
    let next = domain::dossiers::decide(status, decision.decision)
        .ok_or(DossierRefusal::RequestAlreadyDecided)?;
    let accepted = next == RequestStatus::Accepted;
    let quotient = match (accepted, kind, decision.quotient) {
        (true, RequestKind::FamilyQuotient, None) => {
            return Err(UseCaseError::Invalid(vec![FieldError::new(
                "familyQuotient",
                "required",
                "Indiquez le quotient familial retenu et sa période de validité.",
                "Give the family quotient and its period of validity.",
            )]));
        }
        (true, RequestKind::FamilyQuotient, quotient) => quotient,
        _ => None,
    };
    write_transaction(conn, |conn| {
        // The claim comes first: of two agents deciding at once, the second finds
        // the request decided (and on SQLite waits for the write lock instead of
        // failing on a stale read).
        if !requests::decide(
            conn,
            id,
            next,
            decision.comment.as_deref(),
            actor.account_id,
            now,
        )? {
            return Err(DossierRefusal::RequestAlreadyDecided.into());
        }
        if accepted && kind == RequestKind::ContactChange {
            apply_proposal(conn, &request, now)?;
        }
        if let Some(mut quotient) = quotient {
            quotient.proof_document_id = documents::of_request(conn, id)?
                .iter()
                .find(|d| d.kind == DocumentKind::IncomeProof)
                .map(|d| d.id);
            insert_quotient(conn, actor, request.dossier_id, &quotient, now)?;
        }
        let verdict = if accepted { "acceptée" } else { "refusée" };
        let mut paragraphs = vec![format!(
            "Votre démarche n° {id} a été {verdict} par le service Enfance. Le détail est dans votre espace :"
        )];
        if let Some(comment) = &decision.comment {
            paragraphs.push(format!("Commentaire du service : « {comment} »"));
        }
        let notice = Notice {
            dossier_id: request.dossier_id,
            title: format!("Votre démarche n° {id} a été {verdict}"),
            paragraphs,
            link: Some((
                "Voir ma démarche".to_owned(),
                format!("{frontend_url}/demarches/{id}"),
            )),
            data: NoticeData::RequestDecided(RequestDecidedData {
                request_id: id,
                request_kind: kind.as_str().to_owned(),
                status: next.as_str().to_owned(),
            }),
            dedupe_key: None,
        };
        notifications::notify(conn, &[notice], now)?;
        let request = requests::find(conn, id, None)?.ok_or_else(|| gone("request"))?;
        with_dossier(conn, request)
    })
}

fn apply_proposal(conn: &mut AnyConnection, request: &Request, now: DateTime<Utc>) -> Outcome<()> {
    let proposal = Proposal::read(
        request
            .proposal
            .as_deref()
            .ok_or_else(|| gone("proposal"))?,
    )?;
    let dossier = dossiers::find(conn, request.dossier_id)?.ok_or_else(|| gone("dossier"))?;
    let details = proposal.details(&ContactDetails::from(&dossier));
    dossiers::update_contact_details(conn, dossier.id, &details, now)?;
    Ok(())
}

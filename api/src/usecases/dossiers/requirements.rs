//! The documents the city requires: the list an admin keeps, where each stands for a
//! dossier and its children, the check a registration to an activity that lists
//! documents must pass, and the reminders before a document expires.

pub use persistence::dossiers::requirements::{Requirement, RequirementFields};

use chrono::{DateTime, Days, NaiveDate, Utc};
use domain::calendar::french_date;
use domain::dossiers::{
    DocumentKind, EXPIRY_NOTICE_DAYS, HeldDocument, RequirementScope, RequirementStatus,
    requirement_status,
};
use persistence::dossiers::documents::{self, Document};
use persistence::dossiers::requirements;
use persistence::{AnyConnection, activities, dossiers, dossiers::children, write_transaction};

use crate::problem::FieldError;
use crate::usecases::notifications::notice_data::{DocumentExpiringData, NoticeData};
use crate::usecases::notifications::{self, Notice};
use crate::usecases::{ActivityRefusal, CommonRefusal, Outcome, UseCaseError};

pub fn list(conn: &mut AnyConnection) -> Outcome<Vec<Requirement>> {
    Ok(requirements::list(conn)?)
}

/// Creates or replaces the requirement of `kind`; true when created. Documents of the
/// kind filed without a validity (before it was required) get one from their date.
pub fn put(
    conn: &mut AnyConnection,
    kind: DocumentKind,
    fields: &RequirementFields,
    now: DateTime<Utc>,
) -> Outcome<(Requirement, bool)> {
    write_transaction(conn, |conn| {
        let created = requirements::put(conn, kind, fields, now)?;
        let stored = requirements::find(conn, kind)?.ok_or_else(|| super::gone("requirement"))?;
        let validity = stored.validity();
        documents::fill_validity(conn, kind, |issued| validity.valid_until(issued))?;
        Ok((stored, created))
    })
}

pub fn delete(conn: &mut AnyConnection, kind: DocumentKind) -> Outcome<()> {
    if requirements::delete(conn, kind)? {
        Ok(())
    } else {
        Err(CommonRefusal::NotFound.into())
    }
}

/// Where one requirement stands for the dossier, or for one of its children.
#[derive(Debug, Clone)]
pub struct RequirementCheck {
    pub requirement: Requirement,
    /// The child it is asked of; `None` for the dossier.
    pub child: Option<(i64, String)>,
    pub status: RequirementStatus,
    /// The document that decides the status.
    pub document: Option<Document>,
}

fn held(document: &Document) -> HeldDocument {
    HeldDocument {
        id: document.id,
        status: document.status,
        valid_until: document.valid_until,
    }
}

/// The documents that can stand for `kind`: the dossier's for a dossier requirement;
/// the child's, or the whole family's, for a child.
fn candidates(
    documents: &[Document],
    kind: DocumentKind,
    child_id: Option<i64>,
) -> impl Iterator<Item = &Document> {
    documents.iter().filter(move |d| {
        d.kind == kind && child_id.is_none_or(|c| d.child_id.is_none_or(|dc| dc == c))
    })
}

fn check(
    requirement: &Requirement,
    documents: &[Document],
    child: Option<(i64, String)>,
    today: NaiveDate,
) -> RequirementCheck {
    let ours: Vec<&Document> =
        candidates(documents, requirement.kind, child.as_ref().map(|c| c.0)).collect();
    let held_ones: Vec<HeldDocument> = ours.iter().map(|d| held(d)).collect();
    let (status, best) = requirement_status(&held_ones, today);
    RequirementCheck {
        requirement: requirement.clone(),
        child,
        status,
        document: best.and_then(|b| ours.iter().find(|d| d.id == b.id).map(|d| (*d).clone())),
    }
}

/// Where each requirement stands for the dossier on `today`: once for the dossier,
/// once per child it asks (every child, those with a declared allergy or care plan,
/// or those registered to an activity that lists the document).
pub fn of_dossier(
    conn: &mut AnyConnection,
    dossier_id: i64,
    today: NaiveDate,
) -> Outcome<Vec<RequirementCheck>> {
    dossiers::find(conn, dossier_id)?.ok_or(CommonRefusal::NotFound)?;
    let all = requirements::list(conn)?;
    if all.is_empty() {
        return Ok(Vec::new());
    }
    let kinds: Vec<DocumentKind> = all.iter().map(|r| r.kind).collect();
    let documents = documents::of_kinds(conn, dossier_id, &kinds)?;
    let kids = children::of_dossier(conn, dossier_id)?;
    let mut checks = Vec::new();
    for requirement in &all {
        if requirement.scope == RequirementScope::Dossier {
            checks.push(check(requirement, &documents, None, today));
            continue;
        }
        for child in &kids {
            let asked = match requirement.scope {
                RequirementScope::Dossier | RequirementScope::Child => true,
                RequirementScope::ChildWithAllergy => {
                    let health = children::health(conn, child.id)?;
                    health.care_plan || !health.allergies.trim().is_empty()
                }
                RequirementScope::Activity => {
                    activity_kinds(conn, child.id)?.contains(&requirement.kind)
                }
            };
            if asked {
                let named = Some((child.id, child.first_name.clone()));
                checks.push(check(requirement, &documents, named, today));
            }
        }
    }
    Ok(checks)
}

/// The document kinds the activities a child is registered to require.
fn activity_kinds(conn: &mut AnyConnection, child_id: i64) -> Outcome<Vec<DocumentKind>> {
    let mut kinds = Vec::new();
    for activity_id in activities::registrations::live_activities_of_child(conn, child_id)? {
        if let Some(activity) = activities::find(conn, activity_id)? {
            kinds.extend(activity.required_documents);
        }
    }
    Ok(kinds)
}

/// Refuses a registration (`documents_missing`, one error per document) unless the
/// dossier holds, for each kind the activity lists (the health form aside: it comes
/// with the registration), a document for the child or the family that is not
/// refused and still valid on the entry day.
pub fn check_for_registration(
    conn: &mut AnyConnection,
    dossier_id: i64,
    child_id: i64,
    kinds: &[DocumentKind],
    entry: NaiveDate,
) -> Outcome<()> {
    let kinds: Vec<DocumentKind> = kinds
        .iter()
        .copied()
        .filter(|k| *k != DocumentKind::HealthForm)
        .collect();
    if kinds.is_empty() {
        return Ok(());
    }
    let documents = documents::of_kinds(conn, dossier_id, &kinds)?;
    let mut errors = Vec::new();
    for kind in kinds {
        let requirement = requirements::find(conn, kind)?;
        let child = match requirement.as_ref().map(|r| r.scope) {
            Some(RequirementScope::Dossier) => None,
            _ => Some(child_id),
        };
        let ours: Vec<HeldDocument> = candidates(&documents, kind, child).map(held).collect();
        if ours.iter().any(|d| d.meets_on(entry)) {
            continue;
        }
        let label = requirement.map_or_else(|| kind.as_str().to_owned(), |r| r.label);
        let expired = ours
            .iter()
            .filter(|d| d.status != domain::dossiers::DocumentStatus::Refused)
            .filter_map(|d| d.valid_until)
            .max();
        let (fr, en) = match expired {
            Some(end) => (
                format!(
                    "{label} : le document fourni n'est valable que jusqu'au {} ; transmettez-en un à jour.",
                    french_date(end)
                ),
                format!(
                    "{label}: the document given is valid until {end} only; send an up-to-date one."
                ),
            ),
            None => (
                format!("{label} : document à transmettre avant l'inscription."),
                format!("{label}: a document to send before registering."),
            ),
        };
        errors.push(FieldError::new(
            "requiredDocuments",
            kind.as_str(),
            &fr,
            &en,
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(UseCaseError::RefusedFor(
            ActivityRefusal::DocumentsMissing.into(),
            errors,
        ))
    }
}

/// Tells each family whose accepted document of a required kind expires within
/// `EXPIRY_NOTICE_DAYS` (once per document), unless another one already takes over
/// after it; returns how many were told.
pub fn remind_expiring(
    conn: &mut AnyConnection,
    portal: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Outcome<usize> {
    let all = requirements::list(conn)?;
    if all.is_empty() {
        return Ok(0);
    }
    let kinds: Vec<DocumentKind> = all.iter().map(|r| r.kind).collect();
    let until = today
        .checked_add_days(Days::new(EXPIRY_NOTICE_DAYS))
        .unwrap_or(today);
    let mut expiring = Vec::new();
    for document in documents::expiring_between(conn, &kinds, today, until)? {
        if !replaced(conn, &document, &all)? {
            expiring.push(document);
        }
    }
    let notices: Vec<Notice> = expiring
        .iter()
        .filter_map(|d| {
            let end = d.valid_until?;
            let label = all.iter().find(|r| r.kind == d.kind)?.label.clone();
            Some(Notice {
                dossier_id: d.dossier_id,
                title: format!("{label} : à renouveler avant le {}", french_date(end)),
                paragraphs: vec![format!(
                    "Le document « {} » n'est plus valable après le {} : déposez-en un nouveau dans votre espace pour que les inscriptions de vos enfants restent possibles.",
                    d.file_name,
                    french_date(end)
                )],
                link: Some(("Mes documents".to_owned(), format!("{portal}/documents"))),
                data: NoticeData::DocumentExpiring(DocumentExpiringData {
                    document_id: d.id,
                    document_kind: d.kind.as_str().to_owned(),
                    valid_until: end,
                }),
                dedupe_key: Some(format!("document_expiring:{}", d.id)),
            })
        })
        .collect();
    if notices.is_empty() {
        return Ok(0);
    }
    write_transaction(conn, |conn| notifications::notify(conn, &notices, now))
}

/// Whether another document of the same kind, for the same child or the family,
/// meets the requirement the day after `document` expires (next year's insurance sent
/// in July).
fn replaced(conn: &mut AnyConnection, document: &Document, all: &[Requirement]) -> Outcome<bool> {
    let Some(end) = document.valid_until.and_then(|d| d.succ_opt()) else {
        return Ok(false);
    };
    let dossier_wide = all
        .iter()
        .any(|r| r.kind == document.kind && r.scope == RequirementScope::Dossier);
    let child = if dossier_wide {
        None
    } else {
        document.child_id
    };
    let others = documents::of_kinds(conn, document.dossier_id, &[document.kind])?;
    Ok(candidates(&others, document.kind, child)
        .filter(|d| d.id != document.id)
        .any(|d| held(d).meets_on(end)))
}

//! The family file: agents create and edit dossiers, children and their health
//! information, and record family quotients; families read theirs and change their
//! contact details (at once or through an agent, per field, as the city chose).

pub mod documents;
pub mod households;
pub mod imports;
pub mod quotient_lookups;
mod refusal;
mod renewal_lacks;
pub mod renewals;
pub mod requests;
pub mod requirements;

pub use refusal::DossierRefusal;

pub use persistence::dossiers::children::{Child, ChildFields, HealthFields};
pub use persistence::dossiers::quotients::FamilyQuotient;
pub use persistence::dossiers::{
    Contact, ContactDetails, DossierFields, Guardian, NewContact, NewGuardian,
};

use persistence::write_transaction;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::dossiers::{
    ContactField, MonthDay, PriceBasis, QuotientPeriod, RequestKind, price_basis,
};
use persistence::audit::{self, NewAuditEntry};
use persistence::dossiers::children;
use persistence::dossiers::quotients::{self, NewFamilyQuotient};
use persistence::dossiers::{self, Dossier};
use persistence::{AnyConnection, DbError};

use crate::usecases::{CommonRefusal, Outcome, UseCaseError};

/// A dossier with everything shown on its page.
#[derive(Debug, Clone)]
pub struct DossierRecord {
    pub dossier: Dossier,
    pub guardians: Vec<Guardian>,
    pub contacts: Vec<Contact>,
    pub children: Vec<Child>,
    pub quotients: Vec<FamilyQuotient>,
    /// The city's day from which families without a quotient pay the top bracket.
    pub top_bracket_from: Option<MonthDay>,
}

impl DossierRecord {
    /// The family quotient in force on `day`.
    pub fn quotient_on(&self, day: chrono::NaiveDate) -> Option<&FamilyQuotient> {
        let current = domain::dossiers::current_quotient(&periods(&self.quotients), day)?;
        self.quotients.iter().find(|q| q.id == current.id)
    }

    /// What the family's prices rest on for `day`.
    pub fn price_basis(&self, day: chrono::NaiveDate) -> PriceBasis {
        price_basis(&periods(&self.quotients), day, self.top_bracket_from)
    }
}

/// The recorded quotients as the domain reads them.
pub fn periods(quotients: &[FamilyQuotient]) -> Vec<QuotientPeriod> {
    quotients
        .iter()
        .map(|q| QuotientPeriod {
            id: q.id,
            quotient: q.quotient,
            valid_from: q.valid_from,
            valid_until: q.valid_until,
        })
        .collect()
}

/// The city's day from which families without a quotient pay the top bracket; a
/// stored day that does not read is an error, never silently no rule.
pub fn top_bracket_from(conn: &mut AnyConnection) -> Result<Option<MonthDay>, DbError> {
    persistence::city::top_bracket_from(conn)?
        .map(|text| {
            MonthDay::parse(&text)
                .ok_or_else(|| DbError::Stored(format!("top_bracket_from {text:?} is not MM-DD")))
        })
        .transpose()
}

/// What a dossier's prices rest on for `day` (its quotients, the city's rule).
pub fn price_basis_of(
    conn: &mut AnyConnection,
    dossier_id: i64,
    day: chrono::NaiveDate,
) -> Result<PriceBasis, DbError> {
    let quotients = quotients::of_dossier(conn, dossier_id)?;
    Ok(price_basis(
        &periods(&quotients),
        day,
        top_bracket_from(conn)?,
    ))
}

/// What an agent writes on a dossier: its details, guardians and named contacts.
#[derive(Debug, Clone)]
pub struct DossierInput {
    pub fields: DossierFields,
    pub guardians: Vec<NewGuardian>,
    pub contacts: Vec<NewContact>,
}

/// Who acts, for the audit log.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub account_id: i64,
    pub is_staff: bool,
}

pub fn load(conn: &mut AnyConnection, id: i64) -> Outcome<DossierRecord> {
    let dossier = dossiers::find(conn, id)?.ok_or(CommonRefusal::NotFound)?;
    Ok(DossierRecord {
        guardians: dossiers::guardians_of(conn, id)?,
        contacts: dossiers::contacts_of(conn, id)?,
        children: children::of_dossier(conn, id)?,
        quotients: quotients::of_dossier(conn, id)?,
        top_bracket_from: top_bracket_from(conn)?,
        dossier,
    })
}

pub fn create(
    conn: &mut AnyConnection,
    input: &DossierInput,
    now: DateTime<Utc>,
) -> Outcome<DossierRecord> {
    write_transaction(conn, |conn| {
        let id = dossiers::create(conn, &input.fields, now).map_err(crate::usecases::unique_as(
            DossierRefusal::DossierNumberTaken,
        ))?;
        dossiers::replace_guardians(conn, id, &input.guardians)?;
        dossiers::replace_contacts(conn, id, &input.contacts)?;
        load(conn, id)
    })
}

/// Replaces the dossier's details if nobody changed it since `version` was read.
pub fn update(
    conn: &mut AnyConnection,
    id: i64,
    version: i64,
    input: &DossierInput,
    now: DateTime<Utc>,
) -> Outcome<DossierRecord> {
    write_transaction(conn, |conn| {
        if !dossiers::update(conn, id, version, &input.fields, now).map_err(
            crate::usecases::unique_as(DossierRefusal::DossierNumberTaken),
        )? {
            return Err(match dossiers::find(conn, id)? {
                None => CommonRefusal::NotFound,
                Some(_) => CommonRefusal::VersionMismatch,
            }
            .into());
        }
        dossiers::replace_guardians(conn, id, &input.guardians)?;
        dossiers::replace_contacts(conn, id, &input.contacts)?;
        load(conn, id)
    })
}

pub fn add_child(
    conn: &mut AnyConnection,
    dossier_id: i64,
    fields: &ChildFields,
    now: DateTime<Utc>,
) -> Outcome<Child> {
    write_transaction(conn, |conn| {
        dossiers::find(conn, dossier_id)?.ok_or(CommonRefusal::NotFound)?;
        let id = children::insert(conn, dossier_id, fields, now)?;
        children::find(conn, id, None)?.ok_or_else(|| gone("child"))
    })
}

/// The child, within the family's dossier when `dossier_id` is given.
pub fn child(conn: &mut AnyConnection, id: i64, dossier_id: Option<i64>) -> Outcome<Child> {
    Ok(children::find(conn, id, dossier_id)?.ok_or(CommonRefusal::NotFound)?)
}

pub fn update_child(
    conn: &mut AnyConnection,
    id: i64,
    version: i64,
    fields: &ChildFields,
    now: DateTime<Utc>,
) -> Outcome<Child> {
    write_transaction(conn, |conn| {
        if !children::update(conn, id, version, fields, now)? {
            return Err(missing_or_moved(conn, id)?.into());
        }
        children::find(conn, id, None)?.ok_or_else(|| gone("child"))
    })
}

/// Why a conditional update of a child changed nothing: it does not exist, or its
/// version moved on.
fn missing_or_moved(conn: &mut AnyConnection, id: i64) -> Outcome<CommonRefusal> {
    Ok(match children::find(conn, id, None)? {
        None => CommonRefusal::NotFound,
        Some(_) => CommonRefusal::VersionMismatch,
    })
}

/// A child's health information. A staff member's read is written to the audit
/// log in the same transaction: no read without its trace. A family's read writes
/// nothing and takes no write lock.
pub fn health(
    conn: &mut AnyConnection,
    actor: Actor,
    child_id: i64,
    dossier_id: Option<i64>,
    now: DateTime<Utc>,
) -> Outcome<(Child, HealthFields)> {
    let read = |conn: &mut AnyConnection| -> Outcome<(Child, HealthFields)> {
        let child = children::find(conn, child_id, dossier_id)?.ok_or(CommonRefusal::NotFound)?;
        Ok((child, children::health(conn, child_id)?))
    };
    if !actor.is_staff {
        return read(conn);
    }
    write_transaction(conn, |conn| {
        let (child, health) = read(conn)?;
        audit::record(
            conn,
            &NewAuditEntry {
                actor_id: actor.account_id,
                action: domain::audit::AuditAction::ReadHealth,
                dossier_id: Some(child.dossier_id),
                child_id: Some(child.id),
                detail: "fiche sanitaire consultée",
            },
            now,
        )?;
        Ok((child, health))
    })
}

pub fn update_health(
    conn: &mut AnyConnection,
    actor: Actor,
    child_id: i64,
    version: i64,
    health: &HealthFields,
    now: DateTime<Utc>,
) -> Outcome<(Child, HealthFields)> {
    write_transaction(conn, |conn| {
        if !children::update_health(conn, child_id, version, health, now)? {
            return Err(missing_or_moved(conn, child_id)?.into());
        }
        let child = children::find(conn, child_id, None)?.ok_or_else(|| gone("child"))?;
        audit::record(
            conn,
            &NewAuditEntry {
                actor_id: actor.account_id,
                action: domain::audit::AuditAction::UpdateHealth,
                dossier_id: Some(child.dossier_id),
                child_id: Some(child.id),
                detail: "fiche sanitaire modifiée",
            },
            now,
        )?;
        let child = children::find(conn, child_id, None)?.ok_or_else(|| gone("child"))?;
        Ok((child, children::health(conn, child_id)?))
    })
}

/// A quotient the city records (from a proof, or a request's decision).
#[derive(Debug, Clone, Copy)]
pub struct QuotientInput {
    pub quotient: i64,
    pub valid_from: chrono::NaiveDate,
    pub valid_until: chrono::NaiveDate,
    pub proof_document_id: Option<i64>,
}

pub fn record_quotient(
    conn: &mut AnyConnection,
    actor: Actor,
    dossier_id: i64,
    input: &QuotientInput,
    now: DateTime<Utc>,
) -> Outcome<FamilyQuotient> {
    write_transaction(conn, |conn| {
        dossiers::find(conn, dossier_id)?.ok_or(CommonRefusal::NotFound)?;
        insert_quotient(conn, actor, dossier_id, input, now)
    })
}

pub(super) fn insert_quotient(
    conn: &mut AnyConnection,
    actor: Actor,
    dossier_id: i64,
    input: &QuotientInput,
    now: DateTime<Utc>,
) -> Outcome<FamilyQuotient> {
    if let Some(proof) = input.proof_document_id
        && persistence::dossiers::documents::find(conn, proof, Some(dossier_id))?.is_none()
    {
        return Err(UseCaseError::Invalid(vec![
            crate::problem::FieldError::new(
                "proofDocumentId",
                "unknown_document",
                "Ce justificatif n'appartient pas à ce dossier.",
                "This proof does not belong to this dossier.",
            ),
        ]));
    }
    let id = quotients::insert(
        conn,
        &NewFamilyQuotient {
            dossier_id,
            quotient: input.quotient,
            valid_from: input.valid_from,
            valid_until: input.valid_until,
            proof_document_id: input.proof_document_id,
            recorded_by: Some(actor.account_id),
            source: domain::dossiers::QuotientSource::Agent.to_string(),
            provider: None,
            reference_month: None,
        },
        now,
    )?;
    quotients::of_dossier(conn, dossier_id)?
        .into_iter()
        .find(|q| q.id == id)
        .ok_or_else(|| gone("family quotient"))
}

/// How the city handles a family's change of contact details.
#[derive(Debug, Clone, Copy)]
pub struct ContactRules<'a> {
    /// The fields whose change waits for an agent.
    pub needing_approval: &'a [ContactField],
    /// Where emailed links lead.
    pub frontend_url: &'a str,
}

/// What became of a family's change of contact details.
#[derive(Debug, Clone)]
pub struct ContactChange {
    pub applied: Vec<ContactField>,
    pub pending: Vec<ContactField>,
    /// The request an agent decides, when some fields wait for approval.
    pub request_id: Option<i64>,
    pub record: DossierRecord,
}

/// The fields of `details` that differ from `current`.
fn changed_fields(current: &ContactDetails, details: &ContactDetails) -> Vec<ContactField> {
    let mut changed = Vec::new();
    if (
        &current.address_line1,
        &current.address_line2,
        &current.postcode,
        &current.city,
    ) != (
        &details.address_line1,
        &details.address_line2,
        &details.postcode,
        &details.city,
    ) {
        changed.push(ContactField::Address);
    }
    if (
        &current.home_phone,
        &current.mobile_phone,
        &current.work_phone,
    ) != (
        &details.home_phone,
        &details.mobile_phone,
        &details.work_phone,
    ) {
        changed.push(ContactField::Phones);
    }
    if current.email != details.email {
        changed.push(ContactField::Email);
    }
    changed
}

/// `base` with the `fields` groups taken from `from`.
pub(super) fn merge(
    base: &ContactDetails,
    from: &ContactDetails,
    fields: &[ContactField],
) -> ContactDetails {
    let mut merged = base.clone();
    for field in fields {
        match field {
            ContactField::Address => {
                merged.address_line1.clone_from(&from.address_line1);
                merged.address_line2.clone_from(&from.address_line2);
                merged.postcode.clone_from(&from.postcode);
                merged.city.clone_from(&from.city);
            }
            ContactField::Phones => {
                merged.home_phone.clone_from(&from.home_phone);
                merged.mobile_phone.clone_from(&from.mobile_phone);
                merged.work_phone.clone_from(&from.work_phone);
            }
            ContactField::Email => merged.email.clone_from(&from.email),
        }
    }
    merged
}

/// The proposal a contact-change request carries: the fields and their values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub fields: Vec<ContactField>,
    pub details: HashMap<String, Option<String>>,
}

/// A [`Proposal`] as stored with its request (JSON).
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredProposal {
    fields: Vec<String>,
    details: HashMap<String, Option<String>>,
}

impl Proposal {
    pub fn new(details: &ContactDetails, fields: &[ContactField]) -> Self {
        let mut values = HashMap::new();
        for field in fields {
            let pairs: Vec<(&str, Option<String>)> = match field {
                ContactField::Address => vec![
                    ("addressLine1", Some(details.address_line1.clone())),
                    ("addressLine2", Some(details.address_line2.clone())),
                    ("postcode", Some(details.postcode.clone())),
                    ("city", Some(details.city.clone())),
                ],
                ContactField::Phones => vec![
                    ("homePhone", details.home_phone.clone()),
                    ("mobilePhone", details.mobile_phone.clone()),
                    ("workPhone", details.work_phone.clone()),
                ],
                ContactField::Email => vec![("email", details.email.clone())],
            };
            values.extend(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)));
        }
        Self {
            fields: fields.to_vec(),
            details: values,
        }
    }

    /// Reads a stored proposal; one that does not read is an error naming it.
    pub fn read(stored: &str) -> Result<Self, DbError> {
        let unreadable = |why: String| DbError::Stored(format!("proposal {stored:?}: {why}"));
        let read: StoredProposal =
            serde_json::from_str(stored).map_err(|e| unreadable(e.to_string()))?;
        Ok(Self {
            fields: read
                .fields
                .iter()
                .map(|f| f.parse().map_err(unreadable))
                .collect::<Result<_, _>>()?,
            details: read.details,
        })
    }

    /// The proposal as stored with its request.
    pub fn write(&self) -> Result<String, DbError> {
        serde_json::to_string(&StoredProposal {
            fields: self.fields.iter().map(|f| f.as_str().to_owned()).collect(),
            details: self.details.clone(),
        })
        .map_err(|e| DbError::Stored(e.to_string()))
    }

    /// The details the proposal describes, the rest taken from `base`.
    pub fn details(&self, base: &ContactDetails) -> ContactDetails {
        let text = |key: &str| self.details.get(key).cloned().flatten().unwrap_or_default();
        let proposed = ContactDetails {
            email: self.details.get("email").cloned().flatten(),
            address_line1: text("addressLine1"),
            address_line2: text("addressLine2"),
            postcode: text("postcode"),
            city: text("city"),
            home_phone: self.details.get("homePhone").cloned().flatten(),
            mobile_phone: self.details.get("mobilePhone").cloned().flatten(),
            work_phone: self.details.get("workPhone").cloned().flatten(),
        };
        merge(base, &proposed, &self.fields)
    }
}

/// A family changes its contact details: the fields the city lets change freely
/// are applied now; the others become a request for an agent.
pub fn change_contact_details(
    conn: &mut AnyConnection,
    rules: &ContactRules,
    account_id: i64,
    dossier_id: i64,
    details: &ContactDetails,
    now: DateTime<Utc>,
) -> Outcome<ContactChange> {
    write_transaction(conn, |conn| {
        let dossier = dossiers::find(conn, dossier_id)?.ok_or(CommonRefusal::NotFound)?;
        let current = ContactDetails::from(&dossier);
        let changed = changed_fields(&current, details);
        let (pending, applied): (Vec<_>, Vec<_>) = changed
            .into_iter()
            .partition(|f| rules.needing_approval.contains(f));
        if !applied.is_empty() {
            dossiers::update_contact_details(
                conn,
                dossier_id,
                &merge(&current, details, &applied),
                now,
            )?;
        }
        let request_id = if pending.is_empty() {
            None
        } else {
            let proposal = Proposal::new(details, &pending).write()?;
            let names: Vec<&str> = pending.iter().map(|f| french_name(*f)).collect();
            let request = crate::usecases::dossiers::requests::file_request(
                conn,
                rules.frontend_url,
                &crate::usecases::dossiers::requests::NewRequest {
                    account_id,
                    dossier_id,
                    kind: RequestKind::ContactChange,
                    message: format!("Modification des coordonnées : {}.", names.join(", ")),
                    proposal: Some(proposal),
                    document_ids: Vec::new(),
                },
                now,
            )?;
            Some(request.id)
        };
        Ok(ContactChange {
            applied,
            pending,
            request_id,
            record: load(conn, dossier_id)?,
        })
    })
}

fn french_name(field: ContactField) -> &'static str {
    match field {
        ContactField::Address => "adresse",
        ContactField::Phones => "téléphones",
        ContactField::Email => "courriel",
    }
}

/// A row written a moment ago cannot be read back: the database misbehaves.
pub(super) fn gone(what: &str) -> UseCaseError {
    UseCaseError::Internal(anyhow::anyhow!(
        "the {what} just written cannot be read back"
    ))
}

/// The children of a dossier.
pub fn children_of(conn: &mut AnyConnection, dossier_id: i64) -> Outcome<Vec<Child>> {
    Ok(children::of_dossier(conn, dossier_id)?)
}

/// Dossiers whose number, name or children's names contain `search`, and their total.
pub fn search(
    conn: &mut AnyConnection,
    search: Option<&str>,
    offset: i64,
    limit: i64,
) -> Outcome<(Vec<Dossier>, i64)> {
    Ok(persistence::dossiers::search(conn, search, offset, limit)?)
}

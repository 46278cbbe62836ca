//! The audit log, for admins: who read or changed children's health data, changed a
//! planning past its deadlines, or touched the money (billing runs, counter payments,
//! credit notes).

use crate::usecases::utc;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use domain::audit::AuditAction;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Admin;
use crate::db;
use crate::openapi::enums::mirror_enum;
use crate::problem::{ApiError, FieldError};
use crate::routes::pagination::{Page, PageQuery, offset};
use crate::state::AppState;
use crate::usecases::audit::{self, AuditEntry, AuditFilter};

mirror_enum! {
    /// What an audited agent did.
    AuditActionView => AuditAction {
        /// An agent read a child's health information.
        ReadHealth = "read_health",
        /// An agent changed it.
        UpdateHealth = "update_health",
        /// An agent downloaded a health form.
        ReadHealthDocument = "read_health_document",
        /// An agent booked or cancelled days of a child's planning (deadlines waived).
        ChangePlanning = "change_planning",
        /// An agent started a month's billing run.
        StartBillingRun = "start_billing_run",
        /// An agent recorded a payment at the counter.
        RecordPayment = "record_payment",
        /// An agent issued a credit note.
        IssueCreditNote = "issue_credit_note",
        /// A family signed a direct debit mandate, or an agent recorded a paper one.
        SignMandate = "sign_mandate",
        /// A mandate was revoked (by the family or an agent) or suspended.
        EndMandate = "end_mandate",
        /// An agent read a mandate's full bank account.
        ReadBankAccount = "read_bank_account",
        /// An agent built the direct debit file of a collection date.
        BuildDebitCollection = "build_debit_collection",
        /// An agent recorded a debit paid or rejected (by hand or from a bank report).
        RecordDebitOutcome = "record_debit_outcome",
        /// An agent linked a child to a second household, or ended the link.
        ChangeHouseholds = "change_households",
        /// An agent set a child's custody schedule, or a household's confidentiality.
        SetCustody = "set_custody",
        /// An account was linked to a FranceConnect or city identity, or the link ended.
        LinkIdentity = "link_identity",
        /// A family granted a third-party app access, or the access was revoked.
        GrantApp = "grant_app",
        /// An admin registered a third-party app, or disabled or enabled it.
        ManageApp = "manage_app",
    }
}

/// One entry of the audit log.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntryView {
    /// The entry's id.
    pub id: i64,
    /// When it happened (RFC 3339, UTC).
    pub at: DateTime<Utc>,
    /// The account that acted (null once deleted; the username stays).
    pub actor_id: Option<i64>,
    /// The username of the account that acted, kept after the account is deleted.
    #[schema(example = "agent.demo")]
    pub actor_username: String,
    /// What was done.
    pub action: AuditActionView,
    /// The dossier concerned; null when none is.
    pub dossier_id: Option<i64>,
    /// The child concerned; null when none is (or, for a health form, when the form
    /// names no child).
    pub child_id: Option<i64>,
    /// What was done, in words (in French) or, for a planning change, as JSON
    /// listing the changes.
    #[schema(example = "fiche sanitaire consultée")]
    pub detail: String,
}

impl From<AuditEntry> for AuditEntryView {
    fn from(e: AuditEntry) -> Self {
        Self {
            id: e.id,
            at: utc(e.at),
            actor_id: e.actor_id,
            actor_username: e.actor_username,
            action: e.action.into(),
            dossier_id: e.dossier_id,
            child_id: e.child_id,
            detail: e.detail,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only the entries of this account's actions.
    #[param(minimum = 1)]
    pub actor_id: Option<i64>,
    /// Only the entries concerning this dossier.
    #[param(minimum = 1)]
    pub dossier_id: Option<i64>,
    /// Only the entries concerning this child.
    #[param(minimum = 1)]
    pub child_id: Option<i64>,
    /// Only the entries of this action.
    pub action: Option<AuditActionView>,
    /// From this instant (included).
    pub from: Option<DateTime<Utc>>,
    /// Until this instant (excluded).
    pub until: Option<DateTime<Utc>>,
}

/// Lists audit-log entries, newest first.
///
/// Filtered by actor, dossier, child, action and period; paginated. Admins only.
#[utoipa::path(
    tag = "admin-audit",
    operation_id = "listAuditEntries",
    security(("bearerAuth" = [])),
    params(PageQuery, AuditQuery),
    responses(
        (status = 200, description = "A page of entries.", body = Page<AuditEntryView>),
        (status = 403, description = "Admins only (`forbidden`)."),
    ),
)]
#[get("/admin/audit-log")]
pub async fn list_audit_entries(
    state: web::Data<AppState>,
    _admin: Admin,
    page: web::Query<PageQuery>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    let (page, page_size) = page.into_inner().resolve()?;
    let q = query.into_inner();
    let bad_ids: Vec<FieldError> = [
        ("actorId", q.actor_id),
        ("dossierId", q.dossier_id),
        ("childId", q.child_id),
    ]
    .into_iter()
    .filter(|(_, id)| id.is_some_and(|id| id < 1))
    .map(|(field, _)| {
        FieldError::new(
            field,
            "out_of_range",
            "Les identifiants commencent à 1.",
            "Ids start at 1.",
        )
    })
    .collect();
    if !bad_ids.is_empty() {
        return Err(ApiError::validation(bad_ids));
    }
    let filter = AuditFilter {
        actor_id: q.actor_id,
        dossier_id: q.dossier_id,
        child_id: q.child_id,
        action: q.action.map(AuditAction::from),
        from: q.from,
        until: q.until,
    };
    let (rows, total) = db::run(&state.pool, move |conn| {
        audit::list(conn, &filter, offset(page, page_size), page_size)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page {
        items: rows.into_iter().map(AuditEntryView::from).collect(),
        page,
        page_size,
        total,
    }))
}

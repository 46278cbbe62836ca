//! The audit log, for admins: who read or changed children's health data.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use persistence::audit::{AuditEntry, AuditFilter};
use persistence::utc;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::pagination::{Page, PageQuery, offset};
use crate::auth::Admin;
use crate::db;
use crate::problem::{ApiError, FieldError};
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuditActionView {
    /// An agent read a child's health information.
    ReadHealth,
    /// An agent changed it.
    UpdateHealth,
    /// An agent downloaded a health form.
    ReadHealthDocument,
    /// An agent booked or cancelled days of a child's planning (deadlines waived).
    ChangePlanning,
}

impl AuditActionView {
    fn as_str(self) -> &'static str {
        match self {
            Self::ReadHealth => "read_health",
            Self::UpdateHealth => "update_health",
            Self::ReadHealthDocument => "read_health_document",
            Self::ChangePlanning => "change_planning",
        }
    }

    fn stored(text: &str) -> Option<Self> {
        [
            Self::ReadHealth,
            Self::UpdateHealth,
            Self::ReadHealthDocument,
            Self::ChangePlanning,
        ]
        .into_iter()
        .find(|a| a.as_str() == text)
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntryView {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The account that acted (null once deleted; the username stays).
    pub actor_id: Option<i64>,
    pub actor_username: String,
    pub action: AuditActionView,
    pub dossier_id: Option<i64>,
    pub child_id: Option<i64>,
    pub detail: String,
}

impl From<AuditEntry> for AuditEntryView {
    fn from(e: AuditEntry) -> Self {
        Self {
            id: e.id,
            at: utc(e.at),
            actor_id: e.actor_id,
            actor_username: e.actor_username,
            action: AuditActionView::stored(&e.action).unwrap_or(AuditActionView::ReadHealth),
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
    #[param(minimum = 1)]
    pub actor_id: Option<i64>,
    #[param(minimum = 1)]
    pub dossier_id: Option<i64>,
    #[param(minimum = 1)]
    pub child_id: Option<i64>,
    pub action: Option<AuditActionView>,
    /// From this instant (included).
    pub from: Option<DateTime<Utc>>,
    /// Until this instant (excluded).
    pub until: Option<DateTime<Utc>>,
}

/// Lists audit-log entries, newest first.
///
/// Filtered by actor, dossier, child, action and period.
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
        action: q.action.map(|a| a.as_str().to_owned()),
        from: q.from,
        until: q.until,
    };
    let (rows, total) = db::run(&state.pool, move |conn| {
        persistence::audit::list(conn, &filter, offset(page, page_size), page_size)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page {
        items: rows.into_iter().map(AuditEntryView::from).collect(),
        page,
        page_size,
        total,
    }))
}

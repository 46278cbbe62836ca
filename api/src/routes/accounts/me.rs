//! The signed-in account: its profile, its password and email, its consents.

use crate::routes::Json;
use crate::usecases::accounts::AccountWithDossier;
use crate::usecases::utc;
use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use domain::accounts::{AccountStatus, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::{Caller, Consented};
use crate::db;
use crate::openapi::enums::api_enum;
use crate::problem::{ApiError, validate};
use crate::routes::accounts::legal::{LegalDocumentView, LegalKind};
use crate::state::AppState;
use crate::usecases::accounts;
use crate::usecases::{UseCaseError, accounts::legal};

api_enum! {
    /// What an account may do.
    pub enum RoleView {
        /// A family: its own dossier, registrations, planning and invoices.
        Family = "family",
        /// A city agent: the back office.
        Agent = "agent",
        /// An administrator: the back office, staff accounts, legal documents, the
        /// audit log.
        Admin = "admin",
    }
}

api_enum! {
    /// Whether an account can sign in.
    pub enum AccountStatusView {
        /// Waiting for its activation link.
        Pending = "pending",
        /// Activated: it can sign in.
        Active = "active",
        /// Disabled by the city: it cannot sign in.
        Disabled = "disabled",
    }
}

/// An account as its owner and the back office see it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": 1, "role": "family", "status": "active", "username": "famille.ti",
    "email": "famille.ti@exemple.fr", "firstName": "Camille", "lastName": "TI",
    "dossierNumber": "18", "createdAt": "2026-09-01T08:00:00Z", "activatedAt": "2026-09-01T08:05:00Z"
}))]
pub struct AccountView {
    /// The account's id.
    pub id: i64,
    /// What the account may do.
    pub role: RoleView,
    /// Whether it can sign in.
    pub status: AccountStatusView,
    /// The login name (signing in also accepts the email address).
    #[schema(example = "famille.ti")]
    pub username: String,
    /// The account's email address: a login too, and where its emails go.
    #[schema(example = "famille.ti@exemple.fr")]
    pub email: String,
    /// The owner's first name.
    #[schema(example = "Camille")]
    pub first_name: String,
    /// The owner's last name.
    #[schema(example = "TI")]
    pub last_name: String,
    /// The number of a family account's dossier; absent for staff accounts.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "18")]
    pub dossier_number: Option<String>,
    /// When the account was created (RFC 3339, UTC).
    pub created_at: DateTime<Utc>,
    /// When it was activated (RFC 3339, UTC); absent while it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activated_at: Option<DateTime<Utc>>,
}

impl From<AccountWithDossier> for AccountView {
    fn from((account, dossier_number): AccountWithDossier) -> Self {
        Self {
            id: account.id,
            role: match account.role {
                Role::Admin => RoleView::Admin,
                Role::Agent => RoleView::Agent,
                Role::Family => RoleView::Family,
            },
            status: match account.status {
                AccountStatus::Active => AccountStatusView::Active,
                AccountStatus::Disabled => AccountStatusView::Disabled,
                AccountStatus::Pending => AccountStatusView::Pending,
            },
            username: account.username,
            email: account.email,
            first_name: account.first_name,
            last_name: account.last_name,
            dossier_number,
            created_at: utc(account.created_at),
            activated_at: account.activated_at.map(utc),
        }
    }
}

/// The signed-in account, and the documents it still has to accept.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    /// The signed-in account.
    pub account: AccountView,
    /// Current versions of the terms of use or privacy policy not accepted yet. While
    /// a family's list is not empty, its other requests answer `consent_required`.
    pub pending_consents: Vec<LegalDocumentView>,
}

/// A new password for the signed-in account.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ChangePasswordRequest {
    /// The account's current password, as typed.
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024, example = "Trois-Chats-Verts!")]
    pub current_password: String,
    /// The new password; must follow the password policy (`GET
    /// /auth/password-policy`).
    #[validate(length(max = 1024))]
    #[schema(max_length = 1024, example = "Quatre-Lapins-Bleus!")]
    pub password: String,
    /// The new password again; must be identical.
    #[validate(length(max = 1024))]
    #[schema(max_length = 1024, example = "Quatre-Lapins-Bleus!")]
    pub password_confirmation: String,
}

/// A new email address for the signed-in account.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EmailChangeRequest {
    /// The new address; a confirmation link is sent to it.
    #[validate(length(min = 1, max = 254))]
    #[schema(min_length = 1, max_length = 254, example = "camille.ti@exemple.fr")]
    pub new_email: String,
    /// The account's current password, as typed.
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024, example = "Trois-Chats-Verts!")]
    pub current_password: String,
}

/// The acceptance of a legal document's current version.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ConsentRequest {
    /// Which document is accepted.
    pub kind: LegalKind,
    /// The version read; must be the current one.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50, example = "1.0")]
    pub version: String,
}

/// The signed-in account.
///
/// Answers even while documents wait for acceptance, so the client can show them.
#[utoipa::path(
    tag = "me",
    operation_id = "getMe",
    security(("bearerAuth" = [])),
    responses((status = 200, description = "The account and its pending consents.", body = Me)),
)]
#[get("/me")]
pub async fn get_me(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let me = db::run(&state.pool, move |conn| {
        let account = accounts::get(conn, caller.account_id)?;
        let pending = legal::pending(conn, caller.account_id)?;
        Ok::<_, UseCaseError>(Me {
            account: account.into(),
            pending_consents: pending.into_iter().map(LegalDocumentView::from).collect(),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(me))
}

/// Accepts the current version of the terms of use or of the privacy policy.
///
/// The acceptance is stored with its version and time; accepting twice changes nothing.
#[utoipa::path(
    tag = "me",
    operation_id = "acceptLegalDocument",
    security(("bearerAuth" = [])),
    request_body = ConsentRequest,
    responses(
        (status = 204, description = "Recorded, with its version and time."),
        (status = 409, description = "This is not the current version (`legal_version_outdated`)."),
    ),
)]
#[post("/me/consents")]
pub async fn accept_legal_document(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<ConsentRequest>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let now = state.clock.now();
    db::run(&state.pool, move |conn| {
        legal::accept(
            conn,
            caller.account_id,
            body.kind.into(),
            &body.version,
            now,
        )
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Changes the password of the signed-in account.
///
/// The current password is required. The account's other sessions end; this one
/// goes on. The account is told by email.
#[utoipa::path(
    tag = "me",
    operation_id = "changePassword",
    security(("bearerAuth" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed."),
        (status = 403, description = "A family must first accept the current documents (`consent_required`)."),
        (status = 422, description = "The current password is wrong (`wrong_current_password`)."),
        (status = 429, description = "Too many wrong current passwords (`too_many_attempts`)."),
    ),
)]
#[put("/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    caller: Consented,
    body: Json<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let now = state.clock.now();
    let st = state.clone();
    let caller = caller.0;
    db::run_pooled(&state.pool, move |pool| {
        accounts::change_password(
            pool,
            &st.rules(),
            (caller.account_id, caller.session_id),
            &body.current_password,
            &body.password,
            &body.password_confirmation,
            now,
        )
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Asks to change the account's email address.
///
/// A confirmation link goes to the new address; it becomes the account's once the
/// link is followed (`POST /auth/email-change/confirmation`).
#[utoipa::path(
    tag = "me",
    operation_id = "requestEmailChange",
    security(("bearerAuth" = [])),
    request_body = EmailChangeRequest,
    responses(
        (status = 202, description = "The confirmation link is on its way to the new address."),
        (status = 403, description = "A family must first accept the current documents (`consent_required`)."),
        (status = 422, description = "The current password is wrong (`wrong_current_password`)."),
        (status = 429, description = "Too many wrong current passwords (`too_many_attempts`)."),
    ),
)]
#[post("/me/email-change")]
pub async fn request_email_change(
    state: web::Data<AppState>,
    caller: Consented,
    body: Json<EmailChangeRequest>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let now = state.clock.now();
    let st = state.clone();
    let caller = caller.0;
    db::run_pooled(&state.pool, move |pool| {
        accounts::request_email_change(
            pool,
            &st.rules(),
            caller.account_id,
            &body.new_email,
            &body.current_password,
            now,
        )
    })
    .await?;
    Ok(HttpResponse::Accepted().finish())
}

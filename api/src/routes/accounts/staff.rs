//! The back office's accounts: agents find, disable and re-enable accounts and
//! resend activation links; admins open agent accounts.

use crate::routes::Json;
use crate::usecases::accounts::AccountFilter;
use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use domain::accounts::Role;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::auth::{Admin, Staff};
use crate::db;
use crate::problem::{ApiError, FieldError, validate};
use crate::routes::accounts::me::{AccountStatusView, AccountView, RoleView};
use crate::routes::pagination::{Page, PageQuery};
use crate::state::AppState;
use crate::usecases::accounts::{self, NewStaff};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AccountSearch {
    /// Only the accounts with this role.
    pub role: Option<RoleView>,
    /// Only the accounts with this status (`pending` for those waiting for their
    /// activation link).
    pub status: Option<AccountStatusView>,
    /// The start of a username, an email address or a last name, in any case.
    #[param(max_length = 100)]
    pub q: Option<String>,
}

/// A staff account to open; its owner chooses a password from the emailed link.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"role": "agent", "username": "agent.demo", "email": "agent.demo@villejuif.example", "firstName": "Claire", "lastName": "Dupuis"}))]
pub struct NewStaffRequest {
    /// `agent` or `admin` (family accounts come from the online sign-up).
    pub role: RoleView,
    /// The login name: 3 to 50 letters, digits, `.`, `-` or `_`; unique.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "agent.demo")]
    pub username: String,
    /// The agent's email address, where the invitation goes; a login too.
    #[validate(length(min = 1, max = 254))]
    #[schema(
        min_length = 1,
        max_length = 254,
        example = "agent.demo@villejuif.example"
    )]
    pub email: String,
    /// The agent's first name.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200, example = "Claire")]
    pub first_name: String,
    /// The agent's last name.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200, example = "Dupuis")]
    pub last_name: String,
}

fn stored_role(role: RoleView) -> &'static str {
    match role {
        RoleView::Family => "family",
        RoleView::Agent => "agent",
        RoleView::Admin => "admin",
    }
}

fn stored_status(status: AccountStatusView) -> &'static str {
    match status {
        AccountStatusView::Pending => "pending",
        AccountStatusView::Active => "active",
        AccountStatusView::Disabled => "disabled",
    }
}

/// Lists accounts, newest first.
///
/// Filters by role, status, and the start of a username, an email address or a last
/// name; paginated.
#[utoipa::path(
    tag = "admin-accounts",
    operation_id = "listAccounts",
    security(("bearerAuth" = [])),
    params(PageQuery, AccountSearch),
    responses(
        (status = 200, description = "A page of accounts.", body = Page<AccountView>),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
    ),
)]
#[get("/admin/accounts")]
pub async fn list_accounts(
    state: web::Data<AppState>,
    _staff: Staff,
    page: web::Query<PageQuery>,
    search: web::Query<AccountSearch>,
) -> Result<HttpResponse, ApiError> {
    let (page, page_size) = page.into_inner().resolve()?;
    let search = search.into_inner();
    if search.q.as_ref().is_some_and(|q| q.chars().count() > 100) {
        return Err(ApiError::validation(vec![FieldError::new(
            "q",
            "too_long",
            "La recherche est limitée à 100 caractères.",
            "The search is limited to 100 characters.",
        )]));
    }
    let filter = AccountFilter {
        role: search.role.map(|r| stored_role(r).to_owned()),
        status: search.status.map(|s| stored_status(s).to_owned()),
        search: search
            .q
            .map(|q| q.trim().to_owned())
            .filter(|q| !q.is_empty()),
    };
    let (rows, total) = db::run(&state.pool, move |conn| {
        accounts::list(conn, &filter, page, page_size)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page {
        items: rows.into_iter().map(AccountView::from).collect(),
        page,
        page_size,
        total,
    }))
}

/// Reads one account.
///
/// With its role, status and, for a family account, its dossier number.
#[utoipa::path(
    tag = "admin-accounts",
    operation_id = "getAccount",
    security(("bearerAuth" = [])),
    params(("accountId" = i64, Path, minimum = 1, description = "The account's id.")),
    responses(
        (status = 200, description = "The account.", body = AccountView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such account (`not_found`)."),
    ),
)]
#[get("/admin/accounts/{accountId}")]
pub async fn get_account(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let account = db::run(&state.pool, move |conn| accounts::get(conn, id)).await?;
    Ok(HttpResponse::Ok().json(AccountView::from(account)))
}

/// Opens an agent (or admin) account.
///
/// The account waits for activation: its owner receives a link (valid 72 hours) to
/// choose a password.
#[utoipa::path(
    tag = "admin-accounts",
    operation_id = "createStaffAccount",
    security(("bearerAuth" = [])),
    request_body = NewStaffRequest,
    responses(
        (status = 201, description = "Created, pending; the invitation is on its way.", body = AccountView,
            headers(("Location" = String, description = "The account's address."))),
        (status = 403, description = "Admins only (`forbidden`)."),
    ),
)]
#[post("/admin/staff-accounts")]
pub async fn create_staff_account(
    state: web::Data<AppState>,
    _admin: Admin,
    body: Json<NewStaffRequest>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let role = match body.role {
        RoleView::Agent => Role::Agent,
        RoleView::Admin => Role::Admin,
        RoleView::Family => {
            return Err(ApiError::validation(vec![FieldError::new(
                "role",
                "invalid",
                "Un compte famille se crée par l'inscription en ligne.",
                "Family accounts are created through the online sign-up.",
            )]));
        }
    };
    let now = state.clock.now();
    let st = state.clone();
    let body = body.into_inner();
    let new = NewStaff {
        role,
        username: body.username,
        email: body.email,
        first_name: body.first_name,
        last_name: body.last_name,
    };
    let account = db::run(&state.pool, move |conn| {
        accounts::create_staff(conn, &st.rules(), &new, now)
    })
    .await?;
    let view = AccountView::from(account);
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/admin/accounts/{}", view.id),
        ))
        .json(view))
}

/// Disables an account.
///
/// It can no longer sign in and its sessions end at once. Agents disable family
/// accounts; staff accounts need an admin.
#[utoipa::path(
    tag = "admin-accounts",
    operation_id = "disableAccount",
    security(("bearerAuth" = [])),
    params(("accountId" = i64, Path, minimum = 1, description = "The account's id.")),
    responses(
        (status = 200, description = "Disabled.", body = AccountView),
        (status = 403, description = "Agents and admins only; staff accounts need an admin (`forbidden`)."),
        (status = 404, description = "No such account (`not_found`)."),
        (status = 409, description = "An account cannot disable itself (`cannot_disable_self`)."),
    ),
)]
#[post("/admin/accounts/{accountId}/disable")]
pub async fn disable_account(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (now, id, actor) = (state.clock.now(), id.into_inner(), staff.party());
    let account = db::run(&state.pool, move |conn| {
        accounts::disable(conn, actor, id, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(AccountView::from(account)))
}

/// Re-enables a disabled account.
///
/// It can sign in again (or, if it was never activated, waits for its link again).
#[utoipa::path(
    tag = "admin-accounts",
    operation_id = "enableAccount",
    security(("bearerAuth" = [])),
    params(("accountId" = i64, Path, minimum = 1, description = "The account's id.")),
    responses(
        (status = 200, description = "Active again (or pending, if never activated).", body = AccountView),
        (status = 403, description = "Agents and admins only; staff accounts need an admin (`forbidden`)."),
        (status = 404, description = "No such account (`not_found`)."),
    ),
)]
#[post("/admin/accounts/{accountId}/enable")]
pub async fn enable_account(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (now, id, actor) = (state.clock.now(), id.into_inner(), staff.party());
    let account = db::run(&state.pool, move |conn| {
        accounts::enable(conn, actor, id, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(AccountView::from(account)))
}

/// Sends a new activation link to an account waiting for activation.
///
/// For a family that lost its email or let the 72 hours pass; the earlier links
/// stop working.
#[utoipa::path(
    tag = "admin-accounts",
    operation_id = "resendActivationEmail",
    security(("bearerAuth" = [])),
    params(("accountId" = i64, Path, minimum = 1, description = "The account's id.")),
    responses(
        (status = 202, description = "A new link is on its way; earlier links stop working."),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such account (`not_found`)."),
        (status = 409, description = "The account is not waiting for activation (`account_not_pending`)."),
    ),
)]
#[post("/admin/accounts/{accountId}/activation-email")]
pub async fn resend_activation_email(
    state: web::Data<AppState>,
    _staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let st = state.clone();
    let id = id.into_inner();
    db::run(&state.pool, move |conn| {
        accounts::resend_activation_for(conn, &st.rules(), id, now)
    })
    .await?;
    Ok(HttpResponse::Accepted().finish())
}

//! Third-party apps as admins register and disable them, as families see those they
//! granted, and the authorization server's metadata (RFC 8414).

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use domain::accounts::scopes::{Scope, Scopes};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::{Admin, Family, Staff};
use crate::db;
use crate::openapi::enums::api_enum;
use crate::problem::{ApiError, validate};
use crate::routes::Json;
use crate::routes::pagination::{Page, PageQuery, offset};
use crate::state::AppState;
use crate::usecases::accounts::apps::{self, App, AppKind, GrantedApp, NewApp};

api_enum! {
    /// Whether an app can keep a secret.
    pub enum AppKindView {
        /// A mobile, desktop or browser app: no secret, PKCE required.
        Public = "public",
        /// A server: authenticates with its secret.
        Confidential = "confidential",
    }
}

api_enum! {
    /// A right a family grants an app.
    pub enum ScopeView {
        /// Read the account's name and email (`getMe`).
        Profile = "profile",
        /// Read the family's file, documents, requests and registrations.
        DossierRead = "dossier:read",
        /// Change contact details, upload documents, file requests, the renewal.
        DossierWrite = "dossier:write",
        /// Read plannings, the draft, holiday weeks and deadlines.
        PlanningRead = "planning:read",
        /// Book and cancel days, register children, the holiday basket.
        PlanningWrite = "planning:write",
        /// Read invoices, the statement, payments, mandates, certificates.
        InvoicesRead = "invoices:read",
        /// Pay online, sign and revoke direct debit mandates.
        Payments = "payments",
        /// Read and mark the portal's notifications, their preferences.
        Notifications = "notifications",
    }
}

impl From<ScopeView> for Scope {
    fn from(view: ScopeView) -> Self {
        match view {
            ScopeView::Profile => Self::Profile,
            ScopeView::DossierRead => Self::DossierRead,
            ScopeView::DossierWrite => Self::DossierWrite,
            ScopeView::PlanningRead => Self::PlanningRead,
            ScopeView::PlanningWrite => Self::PlanningWrite,
            ScopeView::InvoicesRead => Self::InvoicesRead,
            ScopeView::Payments => Self::Payments,
            ScopeView::Notifications => Self::Notifications,
        }
    }
}

impl From<Scope> for ScopeView {
    fn from(scope: Scope) -> Self {
        match scope {
            Scope::Profile => Self::Profile,
            Scope::DossierRead => Self::DossierRead,
            Scope::DossierWrite => Self::DossierWrite,
            Scope::PlanningRead => Self::PlanningRead,
            Scope::PlanningWrite => Self::PlanningWrite,
            Scope::InvoicesRead => Self::InvoicesRead,
            Scope::Payments => Self::Payments,
            Scope::Notifications => Self::Notifications,
        }
    }
}

fn scope_views(scopes: &Scopes) -> Vec<ScopeView> {
    scopes.iter().map(ScopeView::from).collect()
}

/// A registered app.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "clientId": "app_Qm9uam91ciBsZXMgZW5m", "name": "Cantine+", "kind": "public",
    "redirectUris": ["fr.cantineplus.app:/oauth2redirect"], "scopes": ["planning:read", "invoices:read"],
    "createdAt": "2026-12-07T10:00:00Z", "disabledAt": null
}))]
pub struct AppView {
    /// The app's `client_id`.
    #[schema(example = "app_Qm9uam91ciBsZXMgZW5m")]
    pub client_id: String,
    /// Shown to families on the consent page.
    #[schema(example = "Cantine+")]
    pub name: String,
    /// Public (PKCE) or confidential (a secret).
    pub kind: AppKindView,
    /// Where codes go, matched exactly.
    pub redirect_uris: Vec<String>,
    /// What the app may ask for.
    pub scopes: Vec<ScopeView>,
    /// When it was registered (RFC 3339, UTC).
    pub created_at: DateTime<Utc>,
    /// When an admin disabled it, or `null`.
    pub disabled_at: Option<DateTime<Utc>>,
}

impl From<App> for AppView {
    fn from(app: App) -> Self {
        Self {
            kind: match app.kind {
                AppKind::Public => AppKindView::Public,
                AppKind::Confidential => AppKindView::Confidential,
            },
            scopes: scope_views(&app.scopes),
            client_id: app.client_id,
            name: app.name,
            redirect_uris: app.redirect_uris,
            created_at: app.created_at,
            disabled_at: app.disabled_at,
        }
    }
}

/// An app to register.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"name": "Cantine+", "kind": "public", "redirectUris": ["fr.cantineplus.app:/oauth2redirect"], "scopes": ["planning:read", "invoices:read"]}))]
pub struct NewAppRequest {
    /// Shown to families on the consent page.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "Cantine+")]
    pub name: String,
    /// Public (mobile, browser: PKCE) or confidential (a server keeping a secret).
    pub kind: AppKindView,
    /// 1 to 10: `https`, `http` on the loopback interface, or a private-use scheme
    /// (`fr.editeur.app:/callback`, RFC 8252); no fragment.
    #[validate(length(min = 1, max = 10))]
    #[schema(min_items = 1, max_items = 10, example = json!(["fr.cantineplus.app:/oauth2redirect"]))]
    pub redirect_uris: Vec<String>,
    /// What the app may ask families for.
    #[validate(length(min = 1, max = 8))]
    #[schema(min_items = 1, max_items = 8)]
    pub scopes: Vec<ScopeView>,
}

/// A registered app, with its secret if confidential.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegisteredApp {
    /// The app.
    pub app: AppView,
    /// A confidential app's `client_secret`, shown this once (only its hash is kept);
    /// `null` for a public app.
    #[schema(example = "bhBGYxWH9e1NOoW8i3hzTSFYN3y4Z-B47h7xIUGsvro")]
    pub client_secret: Option<String>,
}

/// Registers a third-party app.
///
/// Families then see its name on the consent page. A confidential app's secret is in
/// this answer only; a public app proves itself with PKCE instead.
#[utoipa::path(
    tag = "admin-apps",
    operation_id = "registerApp",
    security(("bearerAuth" = [])),
    request_body = NewAppRequest,
    responses(
        (status = 201, description = "Registered; the secret is shown this once.", body = RegisteredApp),
        (status = 400, description = "A field is wrong, a redirect URI refused (`validation_failed`)."),
        (status = 403, description = "Admins only (`forbidden`)."),
    ),
)]
#[post("/admin/apps")]
pub async fn register_app(
    state: web::Data<AppState>,
    admin: Admin,
    body: Json<NewAppRequest>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let body = body.into_inner();
    let new = NewApp {
        name: body.name,
        kind: match body.kind {
            AppKindView::Public => AppKind::Public,
            AppKindView::Confidential => AppKind::Confidential,
        },
        redirect_uris: body.redirect_uris,
        scopes: Scopes::new(body.scopes.into_iter().map(Scope::from).collect()),
    };
    let (admin_id, now) = (admin.0.account_id, state.clock.now());
    let (app, client_secret) = db::run(&state.pool, move |conn| {
        apps::register(conn, admin_id, &new, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(RegisteredApp {
        app: app.into(),
        client_secret,
    }))
}

/// Lists the registered apps, oldest first.
///
/// Disabled ones too, with when they were disabled.
#[utoipa::path(
    tag = "admin-apps",
    operation_id = "listApps",
    security(("bearerAuth" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of apps.", body = Page<AppView>),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
    ),
)]
#[get("/admin/apps")]
pub async fn list_apps(
    state: web::Data<AppState>,
    _staff: Staff,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (page, page_size) = page.into_inner().resolve()?;
    let all = db::run(&state.pool, apps::list).await?;
    let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
    let items = all
        .into_iter()
        .skip(usize::try_from(offset(page, page_size)).unwrap_or(usize::MAX))
        .take(usize::try_from(page_size).unwrap_or(0))
        .map(AppView::from)
        .collect();
    Ok(HttpResponse::Ok().json(Page {
        items,
        page,
        page_size,
        total,
    }))
}

async fn set_enabled(
    state: &AppState,
    actor_id: i64,
    client_id: String,
    enabled: bool,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let app = db::run(&state.pool, move |conn| {
        apps::set_enabled(conn, actor_id, &client_id, enabled, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(AppView::from(app)))
}

/// Disables an app for every family.
///
/// Its tokens stop working at once; it can no longer ask for new ones. Agents may, to
/// stop an app misbehaving at once; enabling it again is an admin's.
#[utoipa::path(
    tag = "admin-apps",
    operation_id = "disableApp",
    security(("bearerAuth" = [])),
    params(("clientId" = String, Path, description = "The app's client id.")),
    responses(
        (status = 200, description = "Disabled.", body = AppView),
        (status = 403, description = "Agents and admins only (`forbidden`)."),
        (status = 404, description = "No such app (`not_found`)."),
    ),
)]
#[post("/admin/apps/{clientId}/disable")]
pub async fn disable_app(
    state: web::Data<AppState>,
    staff: Staff,
    client_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    set_enabled(&state, staff.0.account_id, client_id.into_inner(), false).await
}

/// Enables a disabled app again.
///
/// The grants it had stay ended: families allow it anew on the consent page.
#[utoipa::path(
    tag = "admin-apps",
    operation_id = "enableApp",
    security(("bearerAuth" = [])),
    params(("clientId" = String, Path, description = "The app's client id.")),
    responses(
        (status = 200, description = "Enabled.", body = AppView),
        (status = 403, description = "Admins only (`forbidden`)."),
        (status = 404, description = "No such app (`not_found`)."),
    ),
)]
#[post("/admin/apps/{clientId}/enable")]
pub async fn enable_app(
    state: web::Data<AppState>,
    admin: Admin,
    client_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    set_enabled(&state, admin.0.account_id, client_id.into_inner(), true).await
}

/// An app the family granted.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"clientId": "app_Qm9uam91ciBsZXMgZW5m", "name": "Cantine+", "scopes": ["planning:read"], "grantedAt": "2026-12-07T10:00:00Z"}))]
pub struct GrantedAppView {
    /// The app's client id.
    #[schema(example = "app_Qm9uam91ciBsZXMgZW5m")]
    pub client_id: String,
    /// The app's name.
    #[schema(example = "Cantine+")]
    pub name: String,
    /// What the family allowed.
    pub scopes: Vec<ScopeView>,
    /// When (the latest grant, RFC 3339, UTC).
    pub granted_at: DateTime<Utc>,
}

impl From<&GrantedApp> for GrantedAppView {
    fn from(granted: &GrantedApp) -> Self {
        Self {
            client_id: granted.app.client_id.clone(),
            name: granted.app.name.clone(),
            scopes: scope_views(&granted.scopes),
            granted_at: granted.granted_at,
        }
    }
}

impl From<GrantedApp> for GrantedAppView {
    fn from(granted: GrantedApp) -> Self {
        Self::from(&granted)
    }
}

/// Lists the apps the family allowed.
///
/// Those that still have access (an open grant), with the scopes allowed.
#[utoipa::path(
    tag = "me",
    operation_id = "listMyApps",
    security(("bearerAuth" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of apps, latest grant first.", body = Page<GrantedAppView>),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
    ),
)]
#[get("/me/apps")]
pub async fn list_my_apps(
    state: web::Data<AppState>,
    family: Family,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (page, page_size) = page.into_inner().resolve()?;
    let (account_id, now) = (family.0.account_id, state.clock.now());
    let all = db::run(&state.pool, move |conn| apps::grants(conn, account_id, now)).await?;
    let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
    let items = all
        .into_iter()
        .skip(usize::try_from(offset(page, page_size)).unwrap_or(usize::MAX))
        .take(usize::try_from(page_size).unwrap_or(0))
        .map(GrantedAppView::from)
        .collect();
    Ok(HttpResponse::Ok().json(Page {
        items,
        page,
        page_size,
        total,
    }))
}

/// Withdraws an app's access to the family's account.
///
/// Every token the app holds for the account stops working at once.
#[utoipa::path(
    tag = "me",
    operation_id = "revokeMyApp",
    security(("bearerAuth" = [])),
    params(("clientId" = String, Path, description = "The app's client id.")),
    responses(
        (status = 204, description = "Withdrawn."),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "No such app with access (`not_found`)."),
    ),
)]
#[delete("/me/apps/{clientId}")]
pub async fn revoke_my_app(
    state: web::Data<AppState>,
    family: Family,
    client_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (account_id, now) = (family.0.account_id, state.clock.now());
    let client_id = client_id.into_inner();
    db::run(&state.pool, move |conn| {
        apps::withdraw(conn, account_id, &client_id, now)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The authorization server's metadata (RFC 8414).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "issuer": "https://api.familles.example.fr",
    "authorization_endpoint": "https://api.familles.example.fr/api/v1/oauth/authorize",
    "token_endpoint": "https://api.familles.example.fr/api/v1/oauth/token",
    "revocation_endpoint": "https://api.familles.example.fr/api/v1/oauth/revoke",
    "scopes_supported": ["profile", "planning:read"], "response_types_supported": ["code"],
    "grant_types_supported": ["authorization_code", "refresh_token"],
    "code_challenge_methods_supported": ["S256"],
    "token_endpoint_auth_methods_supported": ["none", "client_secret_basic", "client_secret_post"],
    "revocation_endpoint_auth_methods_supported": ["none", "client_secret_basic", "client_secret_post"],
    "authorization_response_iss_parameter_supported": true
}))]
pub struct AuthorizationServerMetadata {
    /// The issuer: the API's public address (`PUBLIC_URL`).
    pub issuer: String,
    /// The sign-in and consent page.
    pub authorization_endpoint: String,
    /// Where codes and refresh tokens are exchanged.
    pub token_endpoint: String,
    /// Where apps revoke their tokens (RFC 7009).
    pub revocation_endpoint: String,
    /// Every scope.
    pub scopes_supported: Vec<String>,
    /// `code` only.
    pub response_types_supported: Vec<String>,
    /// Authorization codes and refresh tokens.
    pub grant_types_supported: Vec<String>,
    /// `S256` only (no `plain`).
    pub code_challenge_methods_supported: Vec<String>,
    /// Public apps (`none`) and secrets.
    pub token_endpoint_auth_methods_supported: Vec<String>,
    /// As at the token endpoint.
    pub revocation_endpoint_auth_methods_supported: Vec<String>,
    /// The redirect carries `iss` (RFC 9207), against mix-up attacks.
    pub authorization_response_iss_parameter_supported: bool,
}

/// Describes the authorization server (RFC 8414).
///
/// Its endpoints, scopes and methods, for OAuth libraries that configure themselves
/// from it (AppAuth, openid-client).
#[utoipa::path(
    tag = "apps",
    operation_id = "getAuthorizationServerMetadata",
    responses((status = 200, description = "The metadata.", body = AuthorizationServerMetadata)),
)]
#[get("/.well-known/oauth-authorization-server")]
pub async fn get_authorization_server_metadata(state: web::Data<AppState>) -> HttpResponse {
    let base = &state.config.public_url;
    let methods = || {
        vec![
            "none".to_owned(),
            "client_secret_basic".to_owned(),
            "client_secret_post".to_owned(),
        ]
    };
    HttpResponse::Ok().json(AuthorizationServerMetadata {
        issuer: base.clone(),
        authorization_endpoint: format!("{base}/api/v1/oauth/authorize"),
        token_endpoint: format!("{base}/api/v1/oauth/token"),
        revocation_endpoint: format!("{base}/api/v1/oauth/revoke"),
        scopes_supported: Scope::ALL.iter().map(|s| s.as_str().to_owned()).collect(),
        response_types_supported: vec!["code".to_owned()],
        grant_types_supported: vec!["authorization_code".to_owned(), "refresh_token".to_owned()],
        code_challenge_methods_supported: vec!["S256".to_owned()],
        token_endpoint_auth_methods_supported: methods(),
        revocation_endpoint_auth_methods_supported: methods(),
        authorization_response_iss_parameter_supported: true,
    })
}

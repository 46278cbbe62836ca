//! Signing in with FranceConnect (families) or the city's identity provider (staff):
//! the providers offered, the flows, the return from the provider, the link between a
//! family account and its FranceConnect identity, and the provider's logout.
//!
//! The flow, for a browser or app client: `POST …/flows` gives an `authorizationUrl`
//! and a `flowId` the client keeps (never in a URL); the browser signs in at the
//! provider, which sends it back to the city's frontend page with `code` and `state`;
//! the frontend posts `flowId`, `state` and `code` to the endpoint of the purpose.

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::{Caller, Family};
use crate::db;
use crate::openapi::enums::api_enum;
use crate::problem::{ApiError, validate};
use crate::routes::Json;
use crate::routes::accounts::sessions::TokenPair;
use crate::state::AppState;
use crate::usecases::accounts::AccountRefusal;
use crate::usecases::accounts::providers::{
    self, LinkedIdentity, Provider, Purpose, Return, StartedFlow, VerifiedPerson,
};
use crate::usecases::{UseCaseError, utc};

api_enum! {
    /// An identity provider.
    pub enum ProviderView {
        /// FranceConnect, the State's identity federation: families.
        FranceConnect = "franceconnect",
        /// The city's own provider (Keycloak, Entra ID, ProConnect…): agents and admins.
        Agents = "agents",
    }
}

impl From<ProviderView> for Provider {
    fn from(view: ProviderView) -> Self {
        match view {
            ProviderView::FranceConnect => Self::FranceConnect,
            ProviderView::Agents => Self::Agents,
        }
    }
}

api_enum! {
    /// What a flow started without an account is for.
    pub enum FlowPurposeView {
        /// Signing in with a linked identity.
        SignIn = "signIn",
        /// Prefilling a sign-up with FranceConnect's verified identity.
        SignUp = "signUp",
    }
}

/// The ways of signing in the city offers.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"franceConnect": true, "agents": {"name": "Compte de la ville"}, "staffPasswords": true}))]
pub struct SignInProviders {
    /// Whether "S'identifier avec FranceConnect" is offered to families.
    pub france_connect: bool,
    /// The city's provider for staff, when configured.
    pub agents: Option<AgentProviderView>,
    /// Whether agents and admins may still sign in with a password (the recovery
    /// admin always may).
    pub staff_passwords: bool,
}

/// The city's provider for staff.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AgentProviderView {
    /// The sign-in button's label.
    #[schema(example = "Compte de la ville")]
    pub name: String,
}

/// Lists the ways of signing in.
///
/// What the sign-in page shows: the FranceConnect button, the city's provider for
/// staff, whether staff passwords still work.
#[utoipa::path(
    tag = "auth",
    operation_id = "getSignInProviders",
    responses((status = 200, description = "The providers offered.", body = SignInProviders)),
)]
#[get("/auth/providers")]
pub async fn get_sign_in_providers(state: web::Data<AppState>) -> HttpResponse {
    let providers = &state.providers;
    HttpResponse::Ok().json(SignInProviders {
        france_connect: providers.franceconnect.is_some(),
        agents: providers
            .agents
            .as_ref()
            .map(|(_, agents)| AgentProviderView {
                name: agents.name.clone(),
            }),
        staff_passwords: providers.staff_passwords,
    })
}

/// A flow to start.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"purpose": "signIn"}))]
pub struct StartFlowRequest {
    /// Signing in, or (FranceConnect only) prefilling a sign-up.
    pub purpose: FlowPurposeView,
}

/// A started flow.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "flowId": "k3J9…", "authorizationUrl": "https://oidc.franceconnect.gouv.fr/api/v2/authorize?…",
    "expiresAt": "2026-12-07T10:10:00Z"
}))]
pub struct SignInFlow {
    /// Keep it (not in a URL): finishing the flow needs it.
    #[schema(example = "k3J9qKq0rWm3dX2Bv1bYq7w6QZ4n8Hc5s0uTgA1pL2E")]
    pub flow_id: String,
    /// Send the browser there; the provider sends it back to the city's frontend page
    /// with `code` and `state`.
    #[schema(example = "https://oidc.franceconnect.gouv.fr/api/v2/authorize?response_type=code")]
    pub authorization_url: String,
    /// The flow must be finished before this instant (RFC 3339, UTC).
    pub expires_at: DateTime<Utc>,
}

impl From<StartedFlow> for SignInFlow {
    fn from(flow: StartedFlow) -> Self {
        Self {
            flow_id: flow.flow_id,
            authorization_url: flow.authorization_url,
            expires_at: flow.expires_at,
        }
    }
}

/// What the provider sent back to the frontend, with the flow's id.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"flowId": "k3J9qKq0rWm3dX2Bv1bYq7w6QZ4n8Hc5s0uTgA1pL2E", "state": "Zq1…", "code": "Hc5…"}))]
pub struct FlowReturn {
    /// The `flowId` the flow's start gave.
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        example = "k3J9qKq0rWm3dX2Bv1bYq7w6QZ4n8Hc5s0uTgA1pL2E"
    )]
    pub flow_id: String,
    /// The `state` parameter of the return URL.
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        example = "Zq1bT0yJ3pQ8rW2uV6xN4mK7sL9cD5eF1gH3iA0oB2E"
    )]
    pub state: String,
    /// The `code` parameter of the return URL.
    #[validate(length(min = 1, max = 2000))]
    #[schema(
        min_length = 1,
        max_length = 2000,
        example = "Hc5s0uTgA1pL2Ek3J9qKq0rWm3dX2Bv1bYq7w6QZ4n8"
    )]
    pub code: String,
}

impl From<FlowReturn> for Return {
    fn from(back: FlowReturn) -> Self {
        Self {
            flow_id: back.flow_id,
            state: back.state,
            code: back.code,
        }
    }
}

/// Starts signing in with a provider.
///
/// `franceconnect` for families (`signIn`, or `signUp` to prefill a sign-up with the
/// verified identity); `agents` for staff (`signIn`).
#[utoipa::path(
    tag = "auth",
    operation_id = "startSignInFlow",
    params(("provider" = ProviderView, Path, description = "The identity provider.")),
    request_body = StartFlowRequest,
    responses(
        (status = 201, description = "Started; send the browser to `authorizationUrl`.", body = SignInFlow),
        (status = 404, description = "The city does not offer this provider (`provider_not_configured`)."),
        (status = 400, description = "A sign-up flow with the staff provider (`validation_failed`)."),
        (status = 503, description = "The provider cannot be reached (`provider_unavailable`)."),
    ),
)]
#[post("/auth/providers/{provider}/flows")]
pub async fn start_sign_in_flow(
    state: web::Data<AppState>,
    provider: web::Path<ProviderView>,
    body: Json<StartFlowRequest>,
) -> Result<HttpResponse, ApiError> {
    let provider = Provider::from(provider.into_inner());
    let purpose = match body.purpose {
        FlowPurposeView::SignIn => Purpose::SignIn,
        FlowPurposeView::SignUp => Purpose::SignUp,
    };
    let flow = providers::start(&state, provider, purpose, None).await?;
    Ok(HttpResponse::Created().json(SignInFlow::from(flow)))
}

/// Finishes signing in with a provider.
///
/// FranceConnect: the family account linked to the identity. The city's provider: the
/// staff account of the identity (created at the first sign-in), with the role its
/// groups give now. The session's logout goes through `POST /auth/provider-logout`.
#[utoipa::path(
    tag = "auth",
    operation_id = "signInWithProvider",
    params(("provider" = ProviderView, Path, description = "The identity provider.")),
    request_body = FlowReturn,
    responses(
        (status = 200, description = "Signed in.", body = TokenPair),
        (status = 400, description = "The flow is unknown, expired, finished or its state differs (`invalid_sign_in_flow`)."),
        (status = 401, description = "The provider refused the code (`provider_refused_code`), or its ID token failed a check (`identity_token_rejected`)."),
        (status = 403, description = "The account is not activated (`account_not_activated`) or disabled (`account_disabled`), or the provider's groups give no staff role (`not_in_staff_group`)."),
        (status = 404, description = "The provider is not offered (`provider_not_configured`), or no account is linked to this FranceConnect identity (`identity_not_linked`)."),
        (status = 409, description = "The identity belongs to an account of another kind (`identity_already_linked`)."),
        (status = 503, description = "The provider cannot be reached (`provider_unavailable`)."),
    ),
)]
#[post("/auth/providers/{provider}/sign-in")]
pub async fn sign_in_with_provider(
    state: web::Data<AppState>,
    provider: web::Path<ProviderView>,
    body: Json<FlowReturn>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let back = Return::from(body.into_inner());
    let tokens = match provider.into_inner() {
        ProviderView::FranceConnect => providers::sign_in_family(&state, back).await?,
        ProviderView::Agents => providers::sign_in_staff(&state, back).await?,
    };
    Ok(HttpResponse::Ok().json(TokenPair::new(tokens, state.clock.now())))
}

/// The identity FranceConnect vouches for.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"givenName": "Angela Claire Louise", "familyName": "DUBOIS", "birthdate": "1962-08-24", "email": "angela.dubois@exemple.fr"}))]
pub struct VerifiedIdentityView {
    /// First names, as the civil status has them.
    pub given_name: Option<String>,
    /// Birth name.
    pub family_name: Option<String>,
    /// `YYYY-MM-DD`.
    pub birthdate: Option<String>,
    /// The email address known to FranceConnect (not verified by the city).
    pub email: Option<String>,
}

impl From<VerifiedPerson> for VerifiedIdentityView {
    fn from(person: VerifiedPerson) -> Self {
        Self {
            given_name: person.given_name,
            family_name: person.family_name,
            birthdate: person.birthdate,
            email: person.email,
        }
    }
}

/// Finishes a sign-up flow with FranceConnect.
///
/// Hands back the verified identity to prefill the sign-up's first step; give the
/// same `flowId` as `franceConnectFlowId` to `POST /signups` and the account the
/// sign-up creates is linked to this identity.
#[utoipa::path(
    tag = "signup",
    operation_id = "verifySignupIdentity",
    request_body = FlowReturn,
    responses(
        (status = 200, description = "The verified identity.", body = VerifiedIdentityView),
        (status = 409, description = "The identity is already linked to an account: sign in with it instead (`identity_already_linked`)."),
        (status = 400, description = "The flow is unknown, expired, finished or its state differs (`invalid_sign_in_flow`)."),
        (status = 401, description = "The provider refused the code (`provider_refused_code`), or its ID token failed a check (`identity_token_rejected`)."),
        (status = 404, description = "FranceConnect is not offered (`provider_not_configured`)."),
        (status = 503, description = "FranceConnect cannot be reached (`provider_unavailable`)."),
    ),
)]
#[post("/auth/providers/franceconnect/identity")]
pub async fn verify_signup_identity(
    state: web::Data<AppState>,
    body: Json<FlowReturn>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let person = providers::verify_for_signup(&state, body.into_inner().into()).await?;
    Ok(HttpResponse::Ok().json(VerifiedIdentityView::from(person)))
}

/// Where the browser goes after signing out.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"logoutUrl": "https://oidc.franceconnect.gouv.fr/api/v2/session/end?id_token_hint=…"}))]
pub struct ProviderLogout {
    /// The provider's logout page (with the session's ID token as hint), to end the
    /// provider's session too; `null` for a password session, a provider without one,
    /// or one that cannot be reached just now.
    #[schema(example = "https://oidc.franceconnect.gouv.fr/api/v2/session/end?id_token_hint=eyJ")]
    pub logout_url: Option<String>,
}

/// Signs out of this device and of the provider.
///
/// Ends the session as `POST /auth/logout` does; for a session opened through a
/// provider, also gives the provider's logout page to send the browser to.
#[utoipa::path(
    tag = "auth",
    operation_id = "logoutWithProvider",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Signed out; `logoutUrl` says where to end the provider's session.", body = ProviderLogout),
    ),
)]
#[post("/auth/provider-logout")]
pub async fn logout_with_provider(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let logout_url = providers::logout(&state, caller.session_id).await?;
    Ok(HttpResponse::Ok().json(ProviderLogout { logout_url }))
}

/// The FranceConnect identity linked to the account.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"givenName": "Angela Claire Louise", "familyName": "DUBOIS", "birthdate": "1962-08-24", "linkedAt": "2026-12-07T10:00:00Z"}))]
pub struct LinkedIdentityView {
    /// First names FranceConnect gave when linked.
    #[schema(example = "Angela Claire Louise")]
    pub given_name: Option<String>,
    /// Birth name.
    #[schema(example = "DUBOIS")]
    pub family_name: Option<String>,
    /// `YYYY-MM-DD`.
    #[schema(example = "1962-08-24")]
    pub birthdate: Option<String>,
    /// When it was linked (RFC 3339, UTC).
    pub linked_at: DateTime<Utc>,
}

impl From<LinkedIdentity> for LinkedIdentityView {
    fn from(linked: LinkedIdentity) -> Self {
        Self {
            given_name: linked.given_name,
            family_name: linked.family_name,
            birthdate: linked.birthdate,
            linked_at: utc(linked.linked_at),
        }
    }
}

/// Shows the account's FranceConnect identity.
///
/// The names and birth date FranceConnect vouched for when it was linked.
#[utoipa::path(
    tag = "me",
    operation_id = "getMyFranceConnectIdentity",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The linked identity.", body = LinkedIdentityView),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "None is linked (`identity_not_linked`)."),
    ),
)]
#[get("/me/franceconnect")]
pub async fn get_my_france_connect_identity(
    state: web::Data<AppState>,
    family: Family,
) -> Result<HttpResponse, ApiError> {
    let account_id = family.0.account_id;
    let linked = db::run(&state.pool, move |conn| {
        providers::linked_identity(conn, account_id)?
            .ok_or_else(|| UseCaseError::from(AccountRefusal::IdentityNotLinked))
    })
    .await?;
    Ok(HttpResponse::Ok().json(LinkedIdentityView::from(linked)))
}

/// Starts linking the account to a FranceConnect identity.
///
/// Finish with `PUT /me/franceconnect` once FranceConnect sent the browser back.
#[utoipa::path(
    tag = "me",
    operation_id = "startFranceConnectLink",
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "Started; send the browser to `authorizationUrl`.", body = SignInFlow),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "FranceConnect is not offered (`provider_not_configured`)."),
        (status = 503, description = "FranceConnect cannot be reached (`provider_unavailable`)."),
    ),
)]
#[post("/me/franceconnect/flows")]
pub async fn start_france_connect_link(
    state: web::Data<AppState>,
    family: Family,
) -> Result<HttpResponse, ApiError> {
    let flow = providers::start(
        &state,
        Provider::FranceConnect,
        Purpose::Link,
        Some(family.0.account_id),
    )
    .await?;
    Ok(HttpResponse::Created().json(SignInFlow::from(flow)))
}

/// Links the account to the FranceConnect identity of a link flow.
///
/// From then on, the family can sign in with FranceConnect.
#[utoipa::path(
    tag = "me",
    operation_id = "linkMyFranceConnectIdentity",
    security(("bearerAuth" = [])),
    request_body = FlowReturn,
    responses(
        (status = 200, description = "Linked.", body = LinkedIdentityView),
        (status = 400, description = "The flow is unknown, expired, finished, another account's, or its state differs (`invalid_sign_in_flow`)."),
        (status = 401, description = "FranceConnect refused the code (`provider_refused_code`), or its ID token failed a check (`identity_token_rejected`)."),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "FranceConnect is not offered (`provider_not_configured`)."),
        (status = 409, description = "The identity is linked to another account, or this one has one already (`identity_already_linked`)."),
        (status = 503, description = "FranceConnect cannot be reached (`provider_unavailable`)."),
    ),
)]
#[put("/me/franceconnect")]
pub async fn link_my_france_connect_identity(
    state: web::Data<AppState>,
    family: Family,
    body: Json<FlowReturn>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let linked =
        providers::link_family(&state, family.0.account_id, body.into_inner().into()).await?;
    Ok(HttpResponse::Ok().json(LinkedIdentityView::from(linked)))
}

/// Unlinks the account's FranceConnect identity.
///
/// The family signs in with its password again (every family account has one).
#[utoipa::path(
    tag = "me",
    operation_id = "unlinkMyFranceConnectIdentity",
    security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "Unlinked."),
        (status = 403, description = "Family accounts only (`forbidden`), or terms to accept (`consent_required`)."),
        (status = 404, description = "None is linked (`identity_not_linked`)."),
    ),
)]
#[delete("/me/franceconnect")]
pub async fn unlink_my_france_connect_identity(
    state: web::Data<AppState>,
    family: Family,
) -> Result<HttpResponse, ApiError> {
    let (account_id, now) = (family.0.account_id, state.clock.now());
    db::run(&state.pool, move |conn| {
        providers::unlink_family(conn, account_id, now)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

//! Extractors for signed-in callers. Each checks the access token (signature,
//! claims, expiry at the app's clock), then that its session is still open and its
//! account active, so logout, reset and disabling take effect at once.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use domain::accounts::Role;
use persistence::{accounts, accounts::legal};

use crate::db;
use crate::problem::{ApiError, FieldError, Text};
use crate::state::AppState;
use crate::usecases::UseCaseError;
use crate::usecases::accounts::AccountRefusal;
use domain::accounts::scopes::Scopes;

/// Any signed-in account, whatever its role; consents are not required (reading
/// one's profile, accepting the terms and signing out must stay possible).
#[derive(Debug, Clone)]
pub struct Caller {
    pub account_id: i64,
    pub session_id: i64,
    pub role: Role,
    pub dossier_id: Option<i64>,
}

/// A family account that accepted the current terms of use and privacy policy.
#[derive(Debug, Clone)]
pub struct Family(pub Caller);

impl Family {
    /// The family's dossier, which every lookup of its data is scoped to. A family
    /// account always has one (a CHECK constraint); if not, nothing is served.
    pub fn dossier_id(&self) -> Result<i64, ApiError> {
        self.0.dossier_id.ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!("a family account without a dossier"))
        })
    }
}

/// Any signed-in account, a family's only once it accepted the current documents:
/// what an operation open to every role requires.
#[derive(Debug, Clone)]
pub struct Consented(pub Caller);

/// An agent or an admin of the back office.
#[derive(Debug, Clone)]
pub struct Staff(pub Caller);

impl Staff {
    /// Who acts, as the accounts rules see them.
    pub fn party(&self) -> domain::accounts::Party {
        domain::accounts::Party {
            id: self.0.account_id,
            role: self.0.role,
        }
    }
}

/// An admin.
#[derive(Debug, Clone)]
pub struct Admin(pub Caller);

pub fn unauthorized() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        Text::new("Authentification requise", "Authentication required"),
        Text::new(
            "Connectez-vous pour accéder à cette ressource (jeton absent, invalide ou expiré).",
            "Sign in to access this resource (the token is missing, invalid or expired).",
        ),
    )
    .with_header(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))
}

pub fn forbidden() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "forbidden",
        Text::new("Accès refusé", "Forbidden"),
        Text::new(
            "Votre compte ne permet pas cette action.",
            "Your account may not do this.",
        ),
    )
}

fn consent_required(missing: Vec<domain::accounts::LegalDocumentKind>) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "consent_required",
        Text::new("Acceptation requise", "Acceptance required"),
        Text::new(
            "Une nouvelle version des conditions d'utilisation ou de la politique de confidentialité doit être acceptée avant de continuer.",
            "A new version of the terms of use or of the privacy policy must be accepted before going on.",
        ),
    )
    .with_errors(
        missing
            .into_iter()
            .map(|kind| FieldError {
                field: kind.into(),
                code: "not_accepted".into(),
                message: Text::new("À accepter.", "To be accepted."),
            })
            .collect(),
    )
}

/// An app's token reaches only the operations its scopes cover (deny by default).
fn check_scope(req: &HttpRequest, state: &AppState, granted: &str) -> Result<(), ApiError> {
    let needed = req
        .match_pattern()
        .and_then(|pattern| state.scopes.required(req.method(), &pattern));
    let granted = Scopes::parse(granted).map_err(|_| unauthorized())?;
    match needed {
        Some(scope) if granted.contains(scope) => Ok(()),
        needed => {
            let challenge = match needed {
                Some(scope) => format!(r#"Bearer error="insufficient_scope", scope="{scope}""#),
                None => r#"Bearer error="insufficient_scope""#.to_owned(),
            };
            let error: ApiError = UseCaseError::from(AccountRefusal::InsufficientScope).into();
            Err(match HeaderValue::from_str(&challenge) {
                Ok(value) => error.with_header(header::WWW_AUTHENTICATE, value),
                Err(_) => error,
            })
        }
    }
}

/// The token of an `Authorization: Bearer` header.
pub(crate) fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

type Pending<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

/// What the database must confirm about the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Requirement {
    SignedIn,
    ConsentsIfFamily,
}

/// The access token's account, session and role, checked for signature and expiry only.
struct Token {
    state: web::Data<AppState>,
    account_id: i64,
    session_id: i64,
    role: Role,
}

fn token_of(req: &HttpRequest) -> Result<Token, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("no app state")))?;
    let claims = bearer(req)
        .and_then(|t| state.jwt.verify(&t, state.clock.now()))
        .ok_or_else(unauthorized)?;
    let account_id: i64 = claims.sub.parse().map_err(|_| unauthorized())?;
    let role: Role = claims.role.parse().map_err(|_| unauthorized())?;
    if let Some(granted) = &claims.scope {
        check_scope(req, &state, granted)?;
    }
    Ok(Token {
        state,
        account_id,
        session_id: claims.sid,
        role,
    })
}

/// A token of a role that `allowed`, or the refusal: decided from the token alone, so
/// the answer (401, then 403) comes before anything else of the request is read. The
/// database confirms the session and the account afterwards.
fn token_allowed(req: &HttpRequest, allowed: fn(Role) -> bool) -> Result<Token, ApiError> {
    let token = token_of(req)?;
    if allowed(token.role) {
        Ok(token)
    } else {
        Err(forbidden())
    }
}

/// What the database must confirm: the session open, the account active, and (as
/// required) a family's consents.
fn confirm(
    conn: &mut persistence::AnyConnection,
    (account_id, session_id): (i64, i64),
    requirement: Requirement,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Caller, ApiError> {
    let session = accounts::find_active_session(conn, session_id, account_id, now)?
        .ok_or_else(unauthorized)?;
    let account = session.account;
    let role = account.role;
    if requirement == Requirement::ConsentsIfFamily
        && role == Role::Family
        && session.consents_missing
    {
        // Read again for the list: consents may have been given in between.
        let missing = legal::missing_consents(conn, account.id)?;
        if !missing.is_empty() {
            return Err(consent_required(missing));
        }
    }
    Ok(Caller {
        account_id,
        session_id,
        role,
        dossier_id: account.dossier_id,
    })
}

fn authenticate(
    req: &HttpRequest,
    requirement: Requirement,
    allowed: fn(Role) -> bool,
) -> Pending<Caller> {
    let token = token_allowed(req, allowed);
    Box::pin(async move {
        let token = token?;
        let now = token.state.clock.now();
        let ids = (token.account_id, token.session_id);
        db::run(&token.state.pool, move |conn| {
            confirm(conn, ids, requirement, now)
        })
        .await
    })
}

/// What is settled before a back office request is routed: a token of an agent or an
/// admin (401, else 403), whatever the query or body.
pub fn staff_gate(req: &HttpRequest) -> Result<(), ApiError> {
    token_allowed(req, Role::is_staff).map(|_| ())
}

fn any_role(_: Role) -> bool {
    true
}

fn family_role(role: Role) -> bool {
    role == Role::Family
}

fn admin_role(role: Role) -> bool {
    role == Role::Admin
}

/// A family's access token whose signature and expiry are checked, the rest (session,
/// account, consents) left to [`FamilyToken::confirm`] on the connection the handler
/// uses anyway: for the hottest reads, one trip to the blocking pool instead of two.
#[derive(Debug, Clone, Copy)]
pub struct FamilyToken {
    account_id: i64,
    session_id: i64,
}

impl FamilyToken {
    /// What the `Family` extractor checks, on the caller's connection.
    pub fn confirm(
        self,
        conn: &mut persistence::AnyConnection,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Family, ApiError> {
        let caller = confirm(
            conn,
            (self.account_id, self.session_id),
            Requirement::ConsentsIfFamily,
            now,
        )?;
        if caller.role != Role::Family {
            return Err(forbidden());
        }
        Ok(Family(caller))
    }
}

impl FromRequest for FamilyToken {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(token_allowed(req, family_role).map(|token| Self {
            account_id: token.account_id,
            session_id: token.session_id,
        }))
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pending<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        authenticate(req, Requirement::SignedIn, any_role)
    }
}

impl FromRequest for Family {
    type Error = ApiError;
    type Future = Pending<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let pending = authenticate(req, Requirement::ConsentsIfFamily, family_role);
        Box::pin(async move {
            let caller = pending.await?;
            if caller.role != Role::Family {
                return Err(forbidden());
            }
            Ok(Self(caller))
        })
    }
}

impl FromRequest for Consented {
    type Error = ApiError;
    type Future = Pending<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let pending = authenticate(req, Requirement::ConsentsIfFamily, any_role);
        Box::pin(async move { Ok(Self(pending.await?)) })
    }
}

impl FromRequest for Staff {
    type Error = ApiError;
    type Future = Pending<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let pending = authenticate(req, Requirement::ConsentsIfFamily, Role::is_staff);
        Box::pin(async move {
            let caller = pending.await?;
            if !caller.role.is_staff() {
                return Err(forbidden());
            }
            Ok(Self(caller))
        })
    }
}

impl FromRequest for Admin {
    type Error = ApiError;
    type Future = Pending<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let pending = authenticate(req, Requirement::SignedIn, admin_role);
        Box::pin(async move {
            let caller = pending.await?;
            if caller.role != Role::Admin {
                return Err(forbidden());
            }
            Ok(Self(caller))
        })
    }
}

//! Extractors for signed-in callers. Each checks the access token (signature,
//! claims, expiry at the app's clock), then that its session is still open and its
//! account active, so logout, reset and disabling take effect at once.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use domain::account::Role;
use persistence::{accounts, legal};

use crate::db;
use crate::problem::{ApiError, FieldError, Text};
use crate::state::AppState;

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

fn consent_required(missing: Vec<String>) -> ApiError {
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
                field: kind,
                code: "not_accepted".into(),
                message: Text::new("À accepter.", "To be accepted."),
            })
            .collect(),
    )
}

fn bearer(req: &HttpRequest) -> Option<String> {
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

fn authenticate(req: &HttpRequest, requirement: Requirement) -> Pending<Caller> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let token = bearer(req);
    Box::pin(async move {
        let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("no app state")))?;
        let now = state.clock.now();
        let claims = token
            .and_then(|t| state.jwt.verify(&t, now))
            .ok_or_else(unauthorized)?;
        let account_id: i64 = claims.sub.parse().map_err(|_| unauthorized())?;
        let session_id = claims.sid;
        db::run(&state.pool, move |conn| {
            let account = accounts::find_active_session(conn, session_id, account_id, now)?
                .ok_or_else(unauthorized)?;
            let role: Role = account.role.parse().map_err(ApiError::internal)?;
            if requirement == Requirement::ConsentsIfFamily && role == Role::Family {
                let missing = legal::missing_consents(conn, account.id)?;
                if !missing.is_empty() {
                    return Err(consent_required(missing));
                }
            }
            Ok::<_, ApiError>(Caller {
                account_id,
                session_id,
                role,
                dossier_id: account.dossier_id,
            })
        })
        .await
    })
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pending<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        authenticate(req, Requirement::SignedIn)
    }
}

impl FromRequest for Family {
    type Error = ApiError;
    type Future = Pending<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let pending = authenticate(req, Requirement::ConsentsIfFamily);
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
        let pending = authenticate(req, Requirement::ConsentsIfFamily);
        Box::pin(async move { Ok(Self(pending.await?)) })
    }
}

impl FromRequest for Staff {
    type Error = ApiError;
    type Future = Pending<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let pending = authenticate(req, Requirement::ConsentsIfFamily);
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
        let pending = authenticate(req, Requirement::SignedIn);
        Box::pin(async move {
            let caller = pending.await?;
            if caller.role != Role::Admin {
                return Err(forbidden());
            }
            Ok(Self(caller))
        })
    }
}

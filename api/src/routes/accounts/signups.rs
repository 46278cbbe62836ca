//! The five-step sign-up of the guide (chapter I), as a draft kept on the server:
//! a wizard on any device fills it step by step, and each step answers field errors.

use crate::routes::Json;
use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, Utc};
use domain::accounts::{LegalDocumentKind, SignupStep};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::ClientIp;
use crate::db;
use crate::openapi::enums::api_enum;
use crate::problem::{ApiError, validate};
use crate::state::AppState;
use crate::usecases::accounts::signups::{
    self, DossierReferencesInput, PersonalDetailsInput, SignupView,
};

/// Step 1, "Mes informations".
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({
    "lastName": "TI", "firstName": "Sam", "email": "sam.ti@exemple.fr",
    "emailConfirmation": "sam.ti@exemple.fr", "username": "sam.ti",
    "password": "Trois-Chats-Verts!", "passwordConfirmation": "Trois-Chats-Verts!"
}))]
pub struct PersonalDetailsRequest {
    /// The account holder's last name (required).
    #[validate(length(max = 200))]
    #[schema(max_length = 200, example = "TI")]
    pub last_name: String,
    /// The account holder's first name (required).
    #[validate(length(max = 200))]
    #[schema(max_length = 200, example = "Sam")]
    pub first_name: String,
    /// The email address: the account's login and contact, where the activation link
    /// goes.
    #[validate(length(max = 254))]
    #[schema(max_length = 254, example = "sam.ti@exemple.fr")]
    pub email: String,
    /// The email address again; must be the same (case aside).
    #[validate(length(max = 254))]
    #[schema(max_length = 254, example = "sam.ti@exemple.fr")]
    pub email_confirmation: String,
    /// 3 to 50 letters, digits, `.`, `-` or `_` (no `@`: logins accept usernames and emails).
    #[validate(length(max = 100))]
    #[schema(max_length = 100, example = "sam.ti")]
    pub username: String,
    /// Must follow the password policy (`GET /auth/password-policy`).
    #[validate(length(max = 1024))]
    #[schema(max_length = 1024, example = "Trois-Chats-Verts!")]
    pub password: String,
    /// The password again; must be identical.
    #[validate(length(max = 1024))]
    #[schema(max_length = 1024, example = "Trois-Chats-Verts!")]
    pub password_confirmation: String,
    /// At the start only: the `flowId` of a FranceConnect sign-up flow finished with
    /// `POST /auth/providers/franceconnect/identity`; the account the sign-up creates
    /// is linked to that verified identity (400 `invalid_sign_in_flow` if the flow is
    /// unknown, unfinished, expired or already taken).
    #[serde(default)]
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200, example = json!(null))]
    pub france_connect_flow_id: Option<String>,
}

impl From<PersonalDetailsRequest> for PersonalDetailsInput {
    fn from(r: PersonalDetailsRequest) -> Self {
        Self {
            last_name: r.last_name,
            first_name: r.first_name,
            email: r.email,
            email_confirmation: r.email_confirmation,
            username: r.username,
            password: r.password,
            password_confirmation: r.password_confirmation,
            france_connect_flow_id: r.france_connect_flow_id,
        }
    }
}

/// Step 2, "Mes références dossier": as printed on the family's invoices.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"dossierNumber": "18", "dossierName": "T I", "email": "famille.ti@exemple.fr"}))]
pub struct DossierReferencesRequest {
    /// The dossier number printed on the family's invoices.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50, example = "18")]
    pub dossier_number: String,
    /// The dossier's name printed on the family's invoices.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200, example = "T I")]
    pub dossier_name: String,
    /// The address the city holds for the dossier.
    #[validate(length(min = 1, max = 254))]
    #[schema(min_length = 1, max_length = 254, example = "famille.ti@exemple.fr")]
    pub email: String,
}

/// Steps 3 and 4: "J'ai lu et j'accepte ...".
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"version": "1.0", "accepted": true}))]
pub struct AcceptanceRequest {
    /// The version read (`GET /legal/terms` or `/legal/privacy`); must be the current one.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50, example = "1.0")]
    pub version: String,
    /// Must be true.
    pub accepted: bool,
}

api_enum! {
    /// A step of the sign-up wizard, in the guide's order.
    pub enum SignupStepView {
        /// Step 1, "Mes informations": name, email, username and password.
        PersonalDetails = "personal_details",
        /// Step 2, "Mes références dossier": the dossier's number, name and email.
        DossierReferences = "dossier_references",
        /// Step 3, "Conditions d'utilisation": accepting the terms of use.
        TermsOfUse = "terms_of_use",
        /// Step 4, "Confidentialité": accepting the privacy policy.
        PrivacyPolicy = "privacy_policy",
        /// Step 5, "Valider mon inscription": the recap, then the confirmation.
        Recap = "recap",
    }
}

impl From<SignupStep> for SignupStepView {
    fn from(step: SignupStep) -> Self {
        match step {
            SignupStep::PersonalDetails => Self::PersonalDetails,
            SignupStep::DossierReferences => Self::DossierReferences,
            SignupStep::TermsOfUse => Self::TermsOfUse,
            SignupStep::PrivacyPolicy => Self::PrivacyPolicy,
            SignupStep::Recap => Self::Recap,
        }
    }
}

/// The dossier a sign-up is linked to (step 2).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DossierReference {
    /// The dossier's number, as the city holds it.
    #[schema(example = "18")]
    pub number: String,
    /// The dossier's name, as the city holds it.
    #[schema(example = "T I")]
    pub name: String,
    /// The dossier's email address, as the city holds it (the one given at step 2);
    /// null when the city holds none.
    #[schema(example = "famille.ti@exemple.fr")]
    pub email: Option<String>,
}

/// The acceptance of a legal document during the sign-up (steps 3 and 4).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Acceptance {
    /// The version accepted.
    #[schema(example = "1.0")]
    pub version: String,
    /// When it was accepted (RFC 3339, UTC).
    pub accepted_at: DateTime<Utc>,
}

/// A sign-up in progress: what the recap (step 5) reads back. Never the password.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "Zk3v...", "lastName": "TI", "firstName": "Sam", "email": "sam.ti@exemple.fr",
    "username": "sam.ti", "dossier": {"number": "18", "name": "T I", "email": "famille.ti@exemple.fr"},
    "termsOfUse": {"version": "1.0", "acceptedAt": "2026-09-01T08:02:00Z"},
    "privacyPolicy": {"version": "1.0", "acceptedAt": "2026-09-01T08:03:00Z"},
    "completedSteps": ["personal_details", "dossier_references", "terms_of_use", "privacy_policy"],
    "nextStep": "recap", "expiresAt": "2026-09-02T08:00:00Z"
}))]
pub struct Signup {
    /// The draft's id: a secret, keep it to come back to the sign-up.
    #[schema(example = "9OJxdAEjBegyDMfSWD81ieoY78gHpcio15G3HbyaeUE")]
    pub id: String,
    /// The last name given at step 1.
    #[schema(example = "TI")]
    pub last_name: String,
    /// The first name given at step 1.
    #[schema(example = "Sam")]
    pub first_name: String,
    /// The email address given at step 1.
    #[schema(example = "sam.ti@exemple.fr")]
    pub email: String,
    /// The username chosen at step 1.
    #[schema(example = "sam.ti")]
    pub username: String,
    /// The dossier matched at step 2; absent until then.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dossier: Option<DossierReference>,
    /// The terms of use accepted at step 3; absent until then, or when a newer
    /// version was published since (to accept again).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terms_of_use: Option<Acceptance>,
    /// The privacy policy accepted at step 4; absent until then, or when a newer
    /// version was published since (to accept again).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub privacy_policy: Option<Acceptance>,
    /// The steps done, in the guide's order.
    pub completed_steps: Vec<SignupStepView>,
    /// The step to show; `recap` when everything is there.
    pub next_step: SignupStepView,
    /// The draft is discarded after this instant (RFC 3339, UTC).
    pub expires_at: DateTime<Utc>,
}

impl From<SignupView> for Signup {
    fn from(view: SignupView) -> Self {
        let acceptance = |a: Option<(String, DateTime<Utc>)>| {
            a.map(|(version, accepted_at)| Acceptance {
                version,
                accepted_at,
            })
        };
        Self {
            id: view.id,
            last_name: view.last_name,
            first_name: view.first_name,
            email: view.email,
            username: view.username,
            dossier: view.dossier.map(|d| DossierReference {
                number: d.number,
                name: d.name,
                email: d.email,
            }),
            terms_of_use: acceptance(view.terms),
            privacy_policy: acceptance(view.privacy),
            completed_steps: view
                .completed_steps
                .into_iter()
                .map(SignupStepView::from)
                .collect(),
            next_step: view.next_step.into(),
            expires_at: view.expires_at,
        }
    }
}

/// What confirming answers, whether or not the address already had an account.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignupConfirmation {
    /// Where the activation link was sent.
    #[schema(example = "sam.ti@exemple.fr")]
    pub email: String,
    /// The activation link is valid until then (72 hours; RFC 3339, UTC).
    pub activation_link_expires_at: DateTime<Utc>,
}

/// Starts a sign-up with step 1, "Mes informations".
///
/// Checks every field and answers all the field errors at once (`validation_failed`),
/// among them a username already taken (`taken`), as the guide's form needs. Those
/// answers are throttled per client address, so usernames cannot be listed by trying
/// them; whether an email address already has an account is never said here.
#[utoipa::path(
    tag = "signup",
    operation_id = "startSignup",
    request_body = PersonalDetailsRequest,
    responses(
        (status = 201, description = "The draft, waiting for step 2.", body = Signup,
            headers(("Location" = String, description = "The draft's address."))),
        (status = 400, description = "A field is wrong, the username is taken among them (`validation_failed`), or the FranceConnect flow cannot be taken (`invalid_sign_in_flow`)."),
        (status = 429, description = "Too many taken usernames tried from this address (`too_many_attempts`); see `Retry-After`."),
    ),
)]
#[post("/signups")]
pub async fn start_signup(
    state: web::Data<AppState>,
    ip: ClientIp,
    body: Json<PersonalDetailsRequest>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let now = state.clock.now();
    let st = state.clone();
    let input = PersonalDetailsInput::from(body.into_inner());
    let view = db::run_pooled(&state.pool, move |pool| {
        let policies = (&st.config.password_policy, &st.throttle);
        signups::start(pool, policies, &st.lifetimes, &input, &ip.0, now)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/signups/{}", view.id)))
        .json(Signup::from(view)))
}

/// Reads a sign-up in progress (the recap of step 5).
///
/// Everything entered so far, the steps done and the next one, so a wizard can
/// resume on any device.
#[utoipa::path(
    tag = "signup",
    operation_id = "getSignup",
    params(("signupId" = String, Path, max_length = 64, description = "The draft's id, as returned when it was started.")),
    responses(
        (status = 200, description = "The draft.", body = Signup),
        (status = 404, description = "No such draft, or it expired (`signup_not_found`)."),
    ),
)]
#[get("/signups/{signupId}")]
pub async fn get_signup(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let id = id.into_inner();
    let view = db::run(&state.pool, move |conn| signups::view(conn, &id, now)).await?;
    Ok(HttpResponse::Ok().json(Signup::from(view)))
}

/// Step 1 again: replaces the personal details.
///
/// For a family that went back to correct them; the same checks, and the same throttle
/// of taken usernames, as when starting.
#[utoipa::path(
    tag = "signup",
    operation_id = "updateSignupPersonalDetails",
    params(("signupId" = String, Path, max_length = 64, description = "The draft's id, as returned when it was started.")),
    request_body = PersonalDetailsRequest,
    responses(
        (status = 200, description = "The draft.", body = Signup),
        (status = 400, description = "A field is wrong, the username is taken among them (`validation_failed`)."),
        (status = 404, description = "No such draft, or it expired (`signup_not_found`)."),
        (status = 429, description = "Too many taken usernames tried from this address (`too_many_attempts`); see `Retry-After`."),
    ),
)]
#[put("/signups/{signupId}/personal-details")]
pub async fn update_signup_personal_details(
    state: web::Data<AppState>,
    ip: ClientIp,
    id: web::Path<String>,
    body: Json<PersonalDetailsRequest>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let now = state.clock.now();
    let st = state.clone();
    let id = id.into_inner();
    let input = PersonalDetailsInput::from(body.into_inner());
    let view = db::run_pooled(&state.pool, move |pool| {
        let policies = (&st.config.password_policy, &st.throttle);
        signups::update_personal_details(pool, policies, &id, &input, &ip.0, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Signup::from(view)))
}

/// Step 2, "Mes références dossier".
///
/// The three references must match a dossier as the city holds it. A mismatch is
/// one generic refusal that does not say which field was wrong; failures are
/// throttled per draft and per client address.
#[utoipa::path(
    tag = "signup",
    operation_id = "setSignupDossierReferences",
    params(("signupId" = String, Path, max_length = 64, description = "The draft's id, as returned when it was started.")),
    request_body = DossierReferencesRequest,
    responses(
        (status = 200, description = "The draft, linked to the dossier.", body = Signup),
        (status = 404, description = "No such draft, or it expired (`signup_not_found`)."),
        (status = 422, description = "The references match no dossier (`dossier_references_mismatch`)."),
        (status = 429, description = "Too many mismatches (`too_many_attempts`); see `Retry-After`."),
    ),
)]
#[put("/signups/{signupId}/dossier-references")]
pub async fn set_signup_dossier_references(
    state: web::Data<AppState>,
    id: web::Path<String>,
    ip: ClientIp,
    body: Json<DossierReferencesRequest>,
) -> Result<HttpResponse, ApiError> {
    validate(&*body)?;
    let now = state.clock.now();
    let st = state.clone();
    let id = id.into_inner();
    let body = body.into_inner();
    let input = DossierReferencesInput {
        dossier_number: body.dossier_number,
        dossier_name: body.dossier_name,
        email: body.email,
        client_ip: ip.0,
    };
    let view = db::run(&state.pool, move |conn| {
        signups::set_dossier_references(conn, &st.throttle, &id, &input, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Signup::from(view)))
}

async fn accept(
    state: web::Data<AppState>,
    id: String,
    kind: LegalDocumentKind,
    body: AcceptanceRequest,
) -> Result<HttpResponse, ApiError> {
    validate(&body)?;
    let now = state.clock.now();
    let view = db::run(&state.pool, move |conn| {
        signups::accept_document(conn, &id, kind, &body.version, body.accepted, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Signup::from(view)))
}

/// Step 3, "Conditions d'utilisation": accepts the current terms of use.
///
/// The version read must be the current one; it is recorded with the time.
#[utoipa::path(
    tag = "signup",
    operation_id = "acceptSignupTerms",
    params(("signupId" = String, Path, max_length = 64, description = "The draft's id, as returned when it was started.")),
    request_body = AcceptanceRequest,
    responses(
        (status = 200, description = "The draft.", body = Signup),
        (status = 400, description = "`accepted` is false (`validation_failed`)."),
        (status = 404, description = "No such draft, or it expired (`signup_not_found`)."),
        (status = 409, description = "An earlier step is missing (`signup_step_out_of_order`), or a newer version was published (`legal_version_outdated`)."),
    ),
)]
#[put("/signups/{signupId}/terms-acceptance")]
pub async fn accept_signup_terms(
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Json<AcceptanceRequest>,
) -> Result<HttpResponse, ApiError> {
    accept(
        state,
        id.into_inner(),
        LegalDocumentKind::Terms,
        body.into_inner(),
    )
    .await
}

/// Step 4, "Confidentialité": accepts the current privacy policy.
///
/// The version read must be the current one; it is recorded with the time.
#[utoipa::path(
    tag = "signup",
    operation_id = "acceptSignupPrivacyPolicy",
    params(("signupId" = String, Path, max_length = 64, description = "The draft's id, as returned when it was started.")),
    request_body = AcceptanceRequest,
    responses(
        (status = 200, description = "The draft.", body = Signup),
        (status = 400, description = "`accepted` is false (`validation_failed`)."),
        (status = 404, description = "No such draft, or it expired (`signup_not_found`)."),
        (status = 409, description = "An earlier step is missing (`signup_step_out_of_order`), or a newer version was published (`legal_version_outdated`)."),
    ),
)]
#[put("/signups/{signupId}/privacy-acceptance")]
pub async fn accept_signup_privacy_policy(
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Json<AcceptanceRequest>,
) -> Result<HttpResponse, ApiError> {
    accept(
        state,
        id.into_inner(),
        LegalDocumentKind::Privacy,
        body.into_inner(),
    )
    .await
}

/// Step 5, "Valider mon inscription": creates the account and emails its activation link.
///
/// The account waits for activation (a link valid 72 hours). When the address
/// already has an account, that account is told by email instead, and the answer
/// is the same.
#[utoipa::path(
    tag = "signup",
    operation_id = "confirmSignup",
    params(("signupId" = String, Path, max_length = 64, description = "The draft's id, as returned when it was started.")),
    responses(
        (status = 202, description = "The activation link is on its way; the draft is gone.", body = SignupConfirmation),
        (status = 404, description = "No such draft, or it expired (`signup_not_found`)."),
        (status = 409, description = "A step is missing (`signup_incomplete`), or the username was taken meanwhile (`username_taken`)."),
    ),
)]
#[post("/signups/{signupId}/confirmation")]
pub async fn confirm_signup(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let st = state.clone();
    let id = id.into_inner();
    let (email, expires_at) = db::run(&state.pool, move |conn| {
        signups::confirm(conn, &st.rules(), &id, now)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(SignupConfirmation {
        email,
        activation_link_expires_at: expires_at,
    }))
}

/// "Annuler": discards a sign-up in progress.
///
/// Everything entered is deleted at once; the family starts again from step 1.
#[utoipa::path(
    tag = "signup",
    operation_id = "cancelSignup",
    params(("signupId" = String, Path, max_length = 64, description = "The draft's id, as returned when it was started.")),
    responses(
        (status = 204, description = "The draft is gone."),
        (status = 404, description = "No such draft, or it expired (`signup_not_found`)."),
    ),
)]
#[delete("/signups/{signupId}")]
pub async fn cancel_signup(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let id = id.into_inner();
    db::run(&state.pool, move |conn| signups::cancel(conn, &id, now)).await?;
    Ok(HttpResponse::NoContent().finish())
}

//! The five-step sign-up of the guide (chapter I), as a draft kept on the server.

use chrono::NaiveDateTime;
use chrono::{DateTime, Utc};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use domain::accounts::password::PasswordPolicy;
use domain::accounts::throttle::ThrottlePolicy;
use domain::accounts::{AccountStatus, LegalDocumentKind, Role};
use domain::accounts::{
    Email, GivenReferences, HeldReferences, IdentityError, Lifetimes, PersonName, SignupProgress,
    SignupStep, TokenPurpose, Username, normalise_number, references_match,
};
use persistence::accounts::signups::{self, PersonalDetails, SignupDraft};
use persistence::accounts::{self, NewAccount};
use persistence::write_transaction;
use persistence::{AnyConnection, DbError, DbPool, accounts::legal, dossiers, utc};

use crate::adapters::email::templates;
use crate::auth::{passwords, secrets};
use crate::problem::FieldError;
use crate::usecases::accounts::providers;
use crate::usecases::accounts::throttling::{self, Counter};
use crate::usecases::{AccountRefusal, Outcome, Rules, UseCaseError};

#[derive(Debug, Clone)]
pub struct PersonalDetailsInput {
    pub last_name: String,
    pub first_name: String,
    pub email: String,
    pub email_confirmation: String,
    pub username: String,
    pub password: String,
    pub password_confirmation: String,
    /// A finished FranceConnect sign-up flow whose verified identity the account will
    /// be linked to.
    pub france_connect_flow_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct DossierReferencesInput {
    pub dossier_number: String,
    pub dossier_name: String,
    pub email: String,
    pub client_ip: String,
}

/// The dossier matched at step 2, as the recap shows it.
#[derive(Debug, Clone)]
pub struct DossierRecap {
    pub number: String,
    pub name: String,
    /// The address the city holds for the dossier.
    pub email: Option<String>,
}

/// A draft as the wizard shows it (the recap of step 5). Never the password.
#[derive(Debug, Clone)]
pub struct SignupView {
    pub id: String,
    pub last_name: String,
    pub first_name: String,
    pub email: String,
    pub username: String,
    pub dossier: Option<DossierRecap>,
    pub terms: Option<(String, DateTime<Utc>)>,
    pub privacy: Option<(String, DateTime<Utc>)>,
    pub completed_steps: Vec<SignupStep>,
    pub next_step: SignupStep,
    pub expires_at: DateTime<Utc>,
}

/// A value that failed to parse, as the field error a form shows next to it.
pub fn identity_error(
    name: &str,
    error: IdentityError,
    what_fr: &str,
    what_en: &str,
) -> FieldError {
    match error {
        IdentityError::Empty => FieldError::new(
            name,
            "required",
            "Ce champ est obligatoire.",
            "This field is required.",
        ),
        IdentityError::TooLong => FieldError::new(
            name,
            "too_long",
            "Ce champ est trop long.",
            "This field is too long.",
        ),
        IdentityError::InvalidFormat => FieldError::new(
            name,
            "invalid_format",
            &format!("{what_fr} n'est pas valide."),
            &format!("{what_en} is not valid."),
        ),
    }
}

/// Password rules as field errors on `field`, the policy's messages included.
pub fn password_errors(policy: &PasswordPolicy, password: &str, name: &str) -> Vec<FieldError> {
    policy
        .check(password)
        .into_iter()
        .map(|violation| {
            let message = crate::problem::password_violation_message(violation);
            FieldError {
                field: name.to_owned(),
                code: violation.code().to_owned(),
                message,
            }
        })
        .collect()
}

struct ValidDetails {
    last_name: PersonName,
    first_name: PersonName,
    email: Email,
    username: Username,
}

/// Step 1's checks. A username already taken is said so (the guide's form needs it,
/// where security.md would keep sign-up silent about accounts), so those answers are
/// throttled per client address as step 2's mismatches are: usernames cannot be listed
/// by trying them (README, "Signing in, from a client").
fn validate_details(
    conn: &mut AnyConnection,
    policy: &PasswordPolicy,
    throttle: &ThrottlePolicy,
    input: &PersonalDetailsInput,
    client_ip: &str,
    now: DateTime<Utc>,
) -> Outcome<ValidDetails> {
    let mut errors = Vec::new();
    let last_name = PersonName::parse(&input.last_name)
        .map_err(|e| errors.push(identity_error("lastName", e, "Le nom", "The last name")))
        .ok();
    let first_name = PersonName::parse(&input.first_name)
        .map_err(|e| {
            errors.push(identity_error(
                "firstName",
                e,
                "Le prénom",
                "The first name",
            ))
        })
        .ok();
    let email = Email::parse(&input.email)
        .map_err(|e| {
            errors.push(identity_error(
                "email",
                e,
                "L'adresse e-mail",
                "The email address",
            ))
        })
        .ok();
    if email
        .as_ref()
        .is_some_and(|e| e.key() != input.email_confirmation.trim().to_lowercase())
    {
        errors.push(FieldError::new(
            "emailConfirmation",
            "mismatch",
            "Les deux adresses e-mail ne sont pas identiques.",
            "The two email addresses differ.",
        ));
    }
    let username = Username::parse(&input.username)
        .map_err(|e| {
            errors.push(identity_error(
                "username",
                e,
                "Le nom d'utilisateur",
                "The username",
            ))
        })
        .ok();
    let by_address = [Counter::new("signup_username_address", client_ip)];
    let address_policy = crate::usecases::accounts::sessions::per_address(throttle);
    if username.is_some() {
        throttling::check(conn, &address_policy, &by_address, now)?;
    }
    if let Some(username) = &username
        && accounts::username_taken(conn, username.as_str())?
    {
        throttling::record_failure(conn, &address_policy, &by_address, now)?;
        errors.push(FieldError::new(
            "username",
            "taken",
            "Ce nom d'utilisateur est déjà pris : choisissez-en un autre.",
            "This username is taken: choose another one.",
        ));
    }
    errors.extend(password_errors(policy, &input.password, "password"));
    if input.password != input.password_confirmation {
        errors.push(FieldError::new(
            "passwordConfirmation",
            "mismatch",
            "Les deux mots de passe ne sont pas identiques.",
            "The two passwords differ.",
        ));
    }
    match (last_name, first_name, email, username) {
        (Some(last_name), Some(first_name), Some(email), Some(username)) if errors.is_empty() => {
            Ok(ValidDetails {
                last_name,
                first_name,
                email,
                username,
            })
        }
        _ => Err(UseCaseError::Invalid(errors)),
    }
}

/// Step 1: checks the personal details and starts a draft.
pub fn start(
    pool: &DbPool,
    (policy, throttle): (&PasswordPolicy, &ThrottlePolicy),
    lifetimes: &Lifetimes,
    input: &PersonalDetailsInput,
    client_ip: &str,
    now: DateTime<Utc>,
) -> Outcome<SignupView> {
    let valid = validate_details(&mut *pool.get()?, policy, throttle, input, client_ip, now)?;
    // No connection is held while argon2 works.
    let hash = passwords::hash(&input.password)?;
    let conn = &mut *pool.get()?;
    // Expired drafts hold a password hash and personal data: each new sign-up
    // sweeps them away.
    signups::purge_expired(conn, now)?;
    let public_id = secrets::new_secret();
    write_transaction::<_, UseCaseError, _>(conn, |conn| {
        let draft_id = signups::create(
            conn,
            &public_id,
            &details(&valid, &hash),
            now,
            now + lifetimes.signup_draft,
        )?;
        if let Some(flow_id) = &input.france_connect_flow_id {
            let identity = providers::take_for_signup(conn, flow_id, now)?;
            signups::set_verified_identity(conn, draft_id, &identity)?;
        }
        Ok(())
    })?;
    view(conn, &public_id, now)
}

fn details<'a>(valid: &'a ValidDetails, hash: &'a str) -> PersonalDetails<'a> {
    PersonalDetails {
        last_name: valid.last_name.as_str(),
        first_name: valid.first_name.as_str(),
        email: valid.email.as_str(),
        username: valid.username.as_str(),
        password_hash: hash,
    }
}

/// Step 1 again (the family went back): replaces the personal details.
pub fn update_personal_details(
    pool: &DbPool,
    (policy, throttle): (&PasswordPolicy, &ThrottlePolicy),
    id: &str,
    input: &PersonalDetailsInput,
    client_ip: &str,
    now: DateTime<Utc>,
) -> Outcome<SignupView> {
    let (draft, valid) = {
        let conn = &mut *pool.get()?;
        let draft = live(conn, id, now)?;
        let valid = validate_details(conn, policy, throttle, input, client_ip, now)?;
        (draft, valid)
    };
    let hash = passwords::hash(&input.password)?;
    let conn = &mut *pool.get()?;
    signups::set_personal_details(conn, draft.id, &details(&valid, &hash))?;
    view(conn, id, now)
}

fn live(conn: &mut AnyConnection, id: &str, now: DateTime<Utc>) -> Outcome<SignupDraft> {
    signups::find_live(conn, id, now)?.ok_or(UseCaseError::from(AccountRefusal::SignupNotFound))
}

/// Where the draft stands, against the documents current now (a version published
/// during the sign-up must be accepted again).
fn progress(conn: &mut AnyConnection, draft: &SignupDraft) -> Outcome<SignupProgress> {
    let terms = legal::current(conn, LegalDocumentKind::Terms)?.map(|d| d.id);
    let privacy = legal::current(conn, LegalDocumentKind::Privacy)?.map(|d| d.id);
    Ok(SignupProgress {
        personal_details: draft.username.is_some() && draft.password_hash.is_some(),
        dossier_references: draft.dossier_id.is_some(),
        terms_accepted: draft.terms_document_id.is_some() && draft.terms_document_id == terms,
        privacy_accepted: draft.privacy_document_id.is_some()
            && draft.privacy_document_id == privacy,
    })
}

pub fn view(conn: &mut AnyConnection, id: &str, now: DateTime<Utc>) -> Outcome<SignupView> {
    let draft = live(conn, id, now)?;
    let progress = progress(conn, &draft)?;
    let dossier = match draft.dossier_id {
        Some(dossier_id) => dossiers::find(conn, dossier_id)?.map(|d| DossierRecap {
            number: d.number,
            name: d.name,
            email: d.email,
        }),
        None => None,
    };
    let accepted = |conn: &mut AnyConnection,
                    document: Option<i64>,
                    at: Option<NaiveDateTime>,
                    ok: bool|
     -> Result<_, DbError> {
        let (Some(document), Some(at), true) = (document, at, ok) else {
            return Ok(None);
        };
        Ok(legal::find(conn, document)?.map(|d| (d.version, utc(at))))
    };
    let terms = accepted(
        conn,
        draft.terms_document_id,
        draft.terms_accepted_at,
        progress.terms_accepted,
    )?;
    let privacy = accepted(
        conn,
        draft.privacy_document_id,
        draft.privacy_accepted_at,
        progress.privacy_accepted,
    )?;
    let completed_steps = [
        (progress.personal_details, SignupStep::PersonalDetails),
        (progress.dossier_references, SignupStep::DossierReferences),
        (progress.terms_accepted, SignupStep::TermsOfUse),
        (progress.privacy_accepted, SignupStep::PrivacyPolicy),
    ]
    .into_iter()
    .filter_map(|(done, step)| done.then_some(step))
    .collect();
    Ok(SignupView {
        id: draft.public_id,
        last_name: draft.last_name.unwrap_or_default(),
        first_name: draft.first_name.unwrap_or_default(),
        email: draft.email.unwrap_or_default(),
        username: draft.username.unwrap_or_default(),
        dossier,
        terms,
        privacy,
        completed_steps,
        next_step: progress.next_step(),
        expires_at: utc(draft.expires_at),
    })
}

/// Step 2: the dossier references as the city holds them. A mismatch is one generic
/// refusal, whichever field was wrong, and failures are throttled per draft and per
/// client address, so dossier numbers cannot be enumerated.
pub fn set_dossier_references(
    conn: &mut AnyConnection,
    policy: &ThrottlePolicy,
    id: &str,
    input: &DossierReferencesInput,
    now: DateTime<Utc>,
) -> Outcome<SignupView> {
    let draft = live(conn, id, now)?;
    if !progress(conn, &draft)?.may_fill(SignupStep::DossierReferences) {
        return Err(AccountRefusal::SignupStepOutOfOrder.into());
    }
    let by_draft = [Counter::new("signup_dossier", draft.public_id.clone())];
    let by_address = [Counter::new(
        "signup_dossier_address",
        input.client_ip.clone(),
    )];
    let address_policy = crate::usecases::accounts::sessions::per_address(policy);
    throttling::check(conn, policy, &by_draft, now)?;
    throttling::check(conn, &address_policy, &by_address, now)?;

    let dossier = dossiers::find_by_number(conn, &normalise_number(&input.dossier_number))?;
    let given = GivenReferences {
        number: &input.dossier_number,
        name: &input.dossier_name,
        email: &input.email,
    };
    let matching = dossier.filter(|d| {
        let held = HeldReferences {
            number: &d.number,
            name: &d.name,
            email: d.email.as_deref(),
        };
        references_match(held, given)
    });
    let Some(dossier) = matching else {
        throttling::record_failure(conn, policy, &by_draft, now)?;
        throttling::record_failure(conn, &address_policy, &by_address, now)?;
        return Err(AccountRefusal::DossierReferencesMismatch.into());
    };
    signups::set_dossier(conn, draft.id, dossier.id)?;
    view(conn, id, now)
}

/// Steps 3 and 4: accepting the current terms of use or privacy policy.
pub fn accept_document(
    conn: &mut AnyConnection,
    id: &str,
    kind: LegalDocumentKind,
    version: &str,
    accepted: bool,
    now: DateTime<Utc>,
) -> Outcome<SignupView> {
    let draft = live(conn, id, now)?;
    let step = match kind {
        LegalDocumentKind::Terms => SignupStep::TermsOfUse,
        LegalDocumentKind::Privacy => SignupStep::PrivacyPolicy,
    };
    if !progress(conn, &draft)?.may_fill(step) {
        return Err(AccountRefusal::SignupStepOutOfOrder.into());
    }
    if !accepted {
        return Err(UseCaseError::Invalid(vec![FieldError::new(
            "accepted",
            "must_accept",
            "Vous devez accepter ce document pour continuer votre inscription.",
            "You must accept this document to go on with your sign-up.",
        )]));
    }
    let document = crate::usecases::accounts::legal::current(conn, kind)?;
    if document.version != version {
        return Err(AccountRefusal::LegalVersionOutdated.into());
    }
    match kind {
        LegalDocumentKind::Terms => signups::accept_terms(conn, draft.id, document.id, now)?,
        LegalDocumentKind::Privacy => signups::accept_privacy(conn, draft.id, document.id, now)?,
    }
    view(conn, id, now)
}

/// Step 5, "Valider mon inscription": creates the account, pending activation, and
/// queues the activation email, in one transaction. When the address already has an
/// account, that account is told instead, and the answer is the same: nobody learns
/// from it whether an address is registered. Returns the address written to and the
/// link's expiry.
pub fn confirm(
    conn: &mut AnyConnection,
    rules: &Rules<'_>,
    id: &str,
    now: DateTime<Utc>,
) -> Outcome<(String, DateTime<Utc>)> {
    let valid_until = now + rules.lifetimes.token(TokenPurpose::Activation);
    let result = write_transaction::<_, UseCaseError, _>(conn, |conn| {
        let draft = live(conn, id, now)?;
        if !progress(conn, &draft)?.is_complete() {
            return Err(AccountRefusal::SignupIncomplete.into());
        }
        let (Some(email), Some(username), Some(hash), Some(dossier_id)) = (
            &draft.email,
            &draft.username,
            &draft.password_hash,
            draft.dossier_id,
        ) else {
            return Err(AccountRefusal::SignupIncomplete.into());
        };
        if let Some(existing) = accounts::find_by_email(conn, email)? {
            templates::address_already_registered(
                &existing.email,
                &format!("{}/mot-de-passe-oublie", rules.frontend_url),
            )
            .queue(conn, now)?;
            signups::delete(conn, draft.id)?;
            return Ok(email.clone());
        }
        let first_name = draft.first_name.clone().unwrap_or_default();
        let account_id = accounts::insert(
            conn,
            &NewAccount {
                role: Role::Family,
                status: AccountStatus::Pending,
                username,
                email,
                first_name: &first_name,
                last_name: draft.last_name.as_deref().unwrap_or_default(),
                password_hash: Some(hash),
                dossier_id: Some(dossier_id),
            },
            now,
        )?;
        for (document, at) in [
            (draft.terms_document_id, draft.terms_accepted_at),
            (draft.privacy_document_id, draft.privacy_accepted_at),
        ] {
            if let (Some(document), Some(at)) = (document, at) {
                legal::accept(conn, account_id, document, utc(at))?;
            }
        }
        if let Some(identity) = &draft.verified_identity {
            providers::link_signup_identity(conn, account_id, identity, now)?;
        }
        crate::usecases::accounts::email_link(
            conn,
            rules,
            account_id,
            TokenPurpose::Activation,
            None,
            now,
            |link, until| templates::activation(email, &first_name, link, until),
        )?;
        signups::delete(conn, draft.id)?;
        Ok(email.clone())
    });
    match result {
        Err(UseCaseError::Db(DbError::Query(DieselError::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            _,
        )))) => Err(AccountRefusal::UsernameTaken.into()),
        other => other.map(|email| (email, valid_until)),
    }
}

/// "Annuler": discards the draft.
pub fn cancel(conn: &mut AnyConnection, id: &str, now: DateTime<Utc>) -> Outcome<()> {
    let draft = live(conn, id, now)?;
    signups::delete(conn, draft.id)?;
    Ok(())
}

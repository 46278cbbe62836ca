//! Account life after sign-up: activation, password reset and change, email change,
//! and what agents and admins do to accounts.

pub mod apps;
pub mod export;
pub mod legal;
pub mod providers;
mod refusal;
pub mod retention;
pub mod sessions;
pub mod signups;
pub mod throttling;

pub use refusal::AccountRefusal;

pub use persistence::accounts::{AccountFilter, AccountWithDossier};

use chrono::{DateTime, Utc};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use domain::accounts::password::PasswordPolicy;
use domain::accounts::throttle::ThrottlePolicy;
use domain::accounts::{
    AccountStatus, AdministrationRefusal, Email, Party, PersonName, Role, TokenPurpose, Username,
    may_disable, may_enable, status_when_enabled,
};
use persistence::accounts::{self, Account, NewAccount};
use persistence::write_transaction;
use persistence::{AnyConnection, DbError, DbPool, utc};

use self::throttling::Counter;
use crate::adapters::email::templates;
use crate::auth::{passwords, secrets};
use crate::problem::FieldError;
use crate::usecases::accounts::signups::{identity_error, password_errors};
use crate::usecases::{Outcome, Refusal, Rules, UseCaseError};

/// Where emailed links lead: the configured frontend, never the request's host.
#[derive(Debug, Clone)]
struct Links<'a> {
    frontend_url: &'a str,
}

impl Rules<'_> {
    fn links(&self) -> Links<'_> {
        Links {
            frontend_url: self.frontend_url,
        }
    }
}

impl Links<'_> {
    /// The frontend page that receives a token of `purpose`.
    fn url(&self, purpose: TokenPurpose, token: &str) -> String {
        let page = match purpose {
            TokenPurpose::Activation => "activation",
            TokenPurpose::PasswordReset => "mot-de-passe/reinitialisation",
            TokenPurpose::EmailChange => "email/confirmation",
        };
        format!("{}/{page}?token={token}", self.frontend_url)
    }
}

/// Issues a single-use token of `purpose` for the account (its earlier unused ones
/// stop working) and queues the email carrying the link, in the caller's
/// transaction. `message` gets the link and its expiry.
pub(super) fn email_link(
    conn: &mut AnyConnection,
    rules: &Rules<'_>,
    account_id: i64,
    purpose: TokenPurpose,
    new_email: Option<&str>,
    now: DateTime<Utc>,
    message: impl FnOnce(&str, DateTime<Utc>) -> templates::Message,
) -> Outcome<DateTime<Utc>> {
    let token = secrets::new_secret();
    let valid_until = now + rules.lifetimes.token(purpose);
    let digest = secrets::digest(&token);
    accounts::issue_token(
        conn,
        account_id,
        purpose.as_str(),
        &digest,
        new_email,
        now,
        valid_until,
    )?;
    message(&rules.links().url(purpose, &token), valid_until).queue(conn, now)?;
    Ok(valid_until)
}

fn new_password_errors(
    policy: &PasswordPolicy,
    password: &str,
    confirmation: &str,
) -> Vec<FieldError> {
    let mut errors = password_errors(policy, password, "password");
    if password != confirmation {
        errors.push(FieldError::new(
            "passwordConfirmation",
            "mismatch",
            "Les deux mots de passe ne sont pas identiques.",
            "The two passwords differ.",
        ));
    }
    errors
}

/// Finds a usable token of `purpose`: unknown or used is `InvalidToken`, expired is
/// `expired` (each purpose has its own code, so clients can offer a new link).
fn usable_token(
    conn: &mut AnyConnection,
    purpose: TokenPurpose,
    token: &str,
    expired: AccountRefusal,
    now: DateTime<Utc>,
) -> Outcome<accounts::AccountToken> {
    let found = accounts::find_token(conn, purpose.as_str(), &secrets::digest(token))?;
    let Some(found) = found.filter(|t| t.used_at.is_none()) else {
        return Err(AccountRefusal::InvalidToken.into());
    };
    if utc(found.expires_at) <= now {
        return Err(expired.into());
    }
    Ok(found)
}

/// Token guesses are throttled per client address.
fn guarded<T>(
    pool: &DbPool,
    policy: &ThrottlePolicy,
    scope: &'static str,
    client_ip: &str,
    now: DateTime<Utc>,
    work: impl FnOnce(&DbPool) -> Outcome<T>,
) -> Outcome<T> {
    let counter = [Counter::new(scope, client_ip)];
    let policy = crate::usecases::accounts::sessions::per_address(policy);
    throttling::check(&mut *pool.get()?, &policy, &counter, now)?;
    let outcome = work(pool);
    if matches!(
        outcome,
        Err(UseCaseError::Refused(Refusal::Account(
            AccountRefusal::InvalidToken
        )))
    ) {
        throttling::record_failure(&mut *pool.get()?, &policy, &counter, now)?;
    }
    outcome
}

/// Activates an account from its emailed link. Invited staff choose their password
/// here; families chose theirs at sign-up.
pub fn activate(
    pool: &DbPool,
    rules: &Rules<'_>,
    token: &str,
    password: Option<&str>,
    client_ip: &str,
    now: DateTime<Utc>,
) -> Outcome<()> {
    guarded(
        pool,
        rules.throttle,
        "activation_address",
        client_ip,
        now,
        |pool| {
            let (found, account) = {
                let conn = &mut *pool.get()?;
                let found = usable_token(
                    conn,
                    TokenPurpose::Activation,
                    token,
                    AccountRefusal::ActivationLinkExpired,
                    now,
                )?;
                let account =
                    accounts::find(conn, found.account_id)?.ok_or(AccountRefusal::InvalidToken)?;
                (found, account)
            };
            let hash = match (&account.password_hash, password) {
                (Some(_), _) => None,
                (None, Some(password)) => {
                    let errors = password_errors(rules.passwords, password, "password");
                    if !errors.is_empty() {
                        return Err(UseCaseError::Invalid(errors));
                    }
                    Some(passwords::hash(password)?)
                }
                (None, None) => {
                    return Err(UseCaseError::Invalid(vec![FieldError::new(
                        "password",
                        "required",
                        "Choisissez votre mot de passe.",
                        "Choose your password.",
                    )]));
                }
            };
            write_transaction::<_, UseCaseError, _>(&mut *pool.get()?, |conn| {
                if !accounts::use_token(conn, found.id, now)? {
                    return Err(AccountRefusal::InvalidToken.into());
                }
                accounts::activate(conn, account.id, hash.as_deref(), now)?;
                Ok(())
            })
        },
    )
}

fn send_activation(
    conn: &mut AnyConnection,
    account: &Account,
    rules: &Rules<'_>,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let invited = account.password_hash.is_none();
    write_transaction::<_, UseCaseError, _>(conn, |conn| {
        email_link(
            conn,
            rules,
            account.id,
            TokenPurpose::Activation,
            None,
            now,
            |link, until| {
                if invited {
                    templates::invitation(&account.email, &account.first_name, link, until)
                } else {
                    templates::activation(&account.email, &account.first_name, link, until)
                }
            },
        )?;
        Ok(())
    })
}

/// Emails one address may be sent on request before a wait (which then grows).
const EMAILS_BEFORE_WAIT: u32 = 3;

/// Limits how many emails one address can be sent on request, without telling the
/// requester (that would reveal whether the address has an account).
fn email_quota(
    conn: &mut AnyConnection,
    policy: &ThrottlePolicy,
    scope: &'static str,
    email: &str,
    now: DateTime<Utc>,
) -> Outcome<bool> {
    let counter = [Counter::new(scope, email.trim().to_lowercase())];
    // The counter blocks once it passes `free_failures`, after this request's count.
    let quota = ThrottlePolicy {
        free_failures: EMAILS_BEFORE_WAIT - 1,
        ..policy.clone()
    };
    if throttling::check(conn, &quota, &counter, now).is_err() {
        return Ok(false);
    }
    throttling::record_failure(conn, &quota, &counter, now)?;
    Ok(true)
}

/// A "send me a link" use case (`resend_activation`, `request_password_reset`): the
/// rules, the address asked for, the client's address, now.
pub type SendLink = fn(&mut AnyConnection, &Rules<'_>, &str, &str, DateTime<Utc>) -> Outcome<()>;

/// Whether a "send me a link" request may email `email`: every such request counts
/// against the client address (refused past its quota: `Throttled`), and the emails
/// of one `kind` to one address are rationed (past it, silently nothing is sent).
fn admit_email_request(
    conn: &mut AnyConnection,
    rules: &Rules<'_>,
    kind: &'static str,
    email: &str,
    client_ip: &str,
    now: DateTime<Utc>,
) -> Outcome<bool> {
    let by_address = [Counter::new("email_request_address", client_ip)];
    let address_policy = crate::usecases::accounts::sessions::per_address(rules.throttle);
    throttling::check(conn, &address_policy, &by_address, now)?;
    throttling::record_failure(conn, &address_policy, &by_address, now)?;
    email_quota(conn, rules.throttle, kind, email, now)
}

/// "Send me a new link": answered the same whether or not the address has a
/// pending account; only a pending account gets an email.
pub fn resend_activation(
    conn: &mut AnyConnection,
    rules: &Rules<'_>,
    email: &str,
    client_ip: &str,
    now: DateTime<Utc>,
) -> Outcome<()> {
    if !admit_email_request(conn, rules, "activation_email", email, client_ip, now)? {
        return Ok(());
    }
    if let Some(account) =
        accounts::find_by_email(conn, email)?.filter(|a| a.status == AccountStatus::Pending)
    {
        send_activation(conn, &account, rules, now)?;
    }
    Ok(())
}

/// "Mot de passe oublié ?": answered the same whether or not the address has an
/// account; never locks the account (only its emails are rationed).
pub fn request_password_reset(
    conn: &mut AnyConnection,
    rules: &Rules<'_>,
    email: &str,
    client_ip: &str,
    now: DateTime<Utc>,
) -> Outcome<()> {
    if !admit_email_request(conn, rules, "reset_email", email, client_ip, now)? {
        return Ok(());
    }
    let Some(account) =
        accounts::find_by_email(conn, email)?.filter(|a| a.status == AccountStatus::Active)
    else {
        return Ok(());
    };
    write_transaction::<_, UseCaseError, _>(conn, |conn| {
        email_link(
            conn,
            rules,
            account.id,
            TokenPurpose::PasswordReset,
            None,
            now,
            |link, until| {
                templates::password_reset(&account.email, &account.first_name, link, until)
            },
        )?;
        Ok(())
    })
}

/// Sets a new password from a reset link: ends every session and tells the account.
pub fn reset_password(
    pool: &DbPool,
    rules: &Rules<'_>,
    token: &str,
    password: &str,
    confirmation: &str,
    client_ip: &str,
    now: DateTime<Utc>,
) -> Outcome<()> {
    guarded(
        pool,
        rules.throttle,
        "reset_address",
        client_ip,
        now,
        |pool| {
            let found = usable_token(
                &mut *pool.get()?,
                TokenPurpose::PasswordReset,
                token,
                AccountRefusal::ResetLinkExpired,
                now,
            )?;
            let errors = new_password_errors(rules.passwords, password, confirmation);
            if !errors.is_empty() {
                return Err(UseCaseError::Invalid(errors));
            }
            let hash = passwords::hash(password)?;
            write_transaction::<_, UseCaseError, _>(&mut *pool.get()?, |conn| {
                if !accounts::use_token(conn, found.id, now)? {
                    return Err(AccountRefusal::InvalidToken.into());
                }
                let account =
                    accounts::find(conn, found.account_id)?.ok_or(AccountRefusal::InvalidToken)?;
                accounts::set_password_hash(conn, account.id, &hash, now)?;
                accounts::revoke_sessions(conn, account.id, None, "password_reset", now)?;
                templates::password_changed(&account.email, &account.first_name, now)
                    .queue(conn, now)?;
                Ok(())
            })
        },
    )
}

/// Changes the password of a signed-in account: the current one is required; the
/// other sessions end; the account is told.
pub fn change_password(
    pool: &DbPool,
    rules: &Rules<'_>,
    (account_id, session_id): (i64, i64),
    current: &str,
    password: &str,
    confirmation: &str,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let account = check_current_password(pool, rules, account_id, current, now)?;
    let errors = new_password_errors(rules.passwords, password, confirmation);
    if !errors.is_empty() {
        return Err(UseCaseError::Invalid(errors));
    }
    let hash = passwords::hash(password)?;
    write_transaction::<_, UseCaseError, _>(&mut *pool.get()?, |conn| {
        accounts::set_password_hash(conn, account.id, &hash, now)?;
        accounts::revoke_sessions(conn, account.id, Some(session_id), "password_changed", now)?;
        templates::password_changed(&account.email, &account.first_name, now).queue(conn, now)?;
        Ok(())
    })
}

/// The account, when `current` is its password; wrong guesses are throttled per
/// account. No connection is held while argon2 works.
fn check_current_password(
    pool: &DbPool,
    rules: &Rules<'_>,
    account_id: i64,
    current: &str,
    now: DateTime<Utc>,
) -> Outcome<Account> {
    let counter = [Counter::new("password_check", account_id.to_string())];
    let account = {
        let conn = &mut *pool.get()?;
        throttling::check(conn, rules.throttle, &counter, now)?;
        accounts::find(conn, account_id)?.ok_or(AccountRefusal::AccountNotFound)?
    };
    let verified = passwords::verify(account.password_hash.as_deref(), current);
    let conn = &mut *pool.get()?;
    if !verified {
        throttling::record_failure(conn, rules.throttle, &counter, now)?;
        return Err(AccountRefusal::WrongCurrentPassword.into());
    }
    throttling::clear(conn, &counter[0])?;
    Ok(account)
}

/// Asks to change the account's email: a link goes to the new address, which
/// becomes the account's once confirmed. The current password is required.
pub fn request_email_change(
    pool: &DbPool,
    rules: &Rules<'_>,
    account_id: i64,
    new_email: &str,
    current_password: &str,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let new_email = Email::parse(new_email).map_err(|_| {
        UseCaseError::Invalid(vec![FieldError::new(
            "newEmail",
            "invalid_format",
            "L'adresse e-mail n'est pas valide.",
            "The email address is not valid.",
        )])
    })?;
    let account = check_current_password(pool, rules, account_id, current_password, now)?;
    let purpose = TokenPurpose::EmailChange;
    write_transaction::<_, UseCaseError, _>(&mut *pool.get()?, |conn| {
        email_link(
            conn,
            rules,
            account.id,
            purpose,
            Some(new_email.as_str()),
            now,
            |link, until| {
                templates::email_change(new_email.as_str(), &account.first_name, link, until)
            },
        )?;
        Ok(())
    })
}

/// Confirms a new address from the link sent to it; the old address is told.
pub fn confirm_email_change(
    pool: &DbPool,
    rules: &Rules<'_>,
    token: &str,
    client_ip: &str,
    now: DateTime<Utc>,
) -> Outcome<()> {
    guarded(
        pool,
        rules.throttle,
        "email_change_address",
        client_ip,
        now,
        |pool| {
            let conn = &mut *pool.get()?;
            let found = usable_token(
                conn,
                TokenPurpose::EmailChange,
                token,
                AccountRefusal::EmailChangeLinkExpired,
                now,
            )?;
            let new_email = found
                .new_email
                .clone()
                .ok_or(AccountRefusal::InvalidToken)?;
            let result = write_transaction::<_, UseCaseError, _>(conn, |conn| {
                if !accounts::use_token(conn, found.id, now)? {
                    return Err(AccountRefusal::InvalidToken.into());
                }
                let account =
                    accounts::find(conn, found.account_id)?.ok_or(AccountRefusal::InvalidToken)?;
                accounts::set_email(conn, account.id, &new_email, now)?;
                templates::email_changed(&account.email, &account.first_name, &new_email)
                    .queue(conn, now)?;
                Ok(())
            });
            match result {
                Err(UseCaseError::Db(DbError::Query(DieselError::DatabaseError(
                    DatabaseErrorKind::UniqueViolation,
                    _,
                )))) => Err(AccountRefusal::EmailTaken.into()),
                other => other,
            }
        },
    )
}

// --- back office ---

pub fn list(
    conn: &mut AnyConnection,
    filter: &AccountFilter,
    page: i64,
    page_size: i64,
) -> Outcome<(Vec<AccountWithDossier>, i64)> {
    Ok(accounts::list(
        conn,
        filter,
        (page - 1) * page_size,
        page_size,
    )?)
}

pub fn get(conn: &mut AnyConnection, account_id: i64) -> Outcome<AccountWithDossier> {
    accounts::find_with_dossier(conn, account_id)?
        .ok_or(UseCaseError::from(AccountRefusal::AccountNotFound))
}

#[derive(Debug, Clone)]
pub struct NewStaff {
    pub role: Role,
    pub username: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
}

/// An admin opens an agent (or admin) account: pending, without a password, and an
/// invitation email lets its owner choose one.
pub fn create_staff(
    conn: &mut AnyConnection,
    rules: &Rules<'_>,
    new: &NewStaff,
    now: DateTime<Utc>,
) -> Outcome<AccountWithDossier> {
    let username = Username::parse(&new.username);
    let email = Email::parse(&new.email);
    let first = PersonName::parse(&new.first_name);
    let last = PersonName::parse(&new.last_name);
    let errors: Vec<FieldError> = [
        username
            .as_ref()
            .err()
            .map(|e| identity_error("username", *e, "Le nom d'utilisateur", "The username")),
        email
            .as_ref()
            .err()
            .map(|e| identity_error("email", *e, "L'adresse e-mail", "The email address")),
        first
            .as_ref()
            .err()
            .map(|e| identity_error("firstName", *e, "Le prénom", "The first name")),
        last.as_ref()
            .err()
            .map(|e| identity_error("lastName", *e, "Le nom", "The last name")),
    ]
    .into_iter()
    .flatten()
    .collect();
    let (Ok(username), Ok(email), Ok(first), Ok(last)) = (username, email, first, last) else {
        return Err(UseCaseError::Invalid(errors));
    };
    let inserted = accounts::insert(
        conn,
        &NewAccount {
            role: new.role,
            status: AccountStatus::Pending,
            username: username.as_str(),
            email: email.as_str(),
            first_name: first.as_str(),
            last_name: last.as_str(),
            password_hash: None,
            dossier_id: None,
        },
        now,
    );
    let account_id = match inserted {
        Err(DbError::Query(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _))) => {
            return Err(UseCaseError::Invalid(vec![FieldError::new(
                "username",
                "taken",
                "Ce nom d'utilisateur ou cette adresse e-mail est déjà utilisé.",
                "This username or email address is already in use.",
            )]));
        }
        other => other?,
    };
    let account = accounts::find(conn, account_id)?.ok_or(AccountRefusal::AccountNotFound)?;
    send_activation(conn, &account, rules, now)?;
    get(conn, account_id)
}

/// Disables an account: it cannot sign in and its sessions end at once. Agents may
/// disable family accounts; only admins may disable staff; nobody disables itself.
fn party(account: &Account) -> Outcome<Party> {
    let role = account.role;
    Ok(Party {
        id: account.id,
        role,
    })
}

impl From<AdministrationRefusal> for UseCaseError {
    fn from(refusal: AdministrationRefusal) -> Self {
        match refusal {
            AdministrationRefusal::Yourself => AccountRefusal::CannotDisableSelf.into(),
            AdministrationRefusal::StaffNeedAnAdmin => AccountRefusal::StaffOnlyByAdmin.into(),
        }
    }
}

pub fn disable(
    conn: &mut AnyConnection,
    actor: Party,
    account_id: i64,
    now: DateTime<Utc>,
) -> Outcome<AccountWithDossier> {
    let account = accounts::find(conn, account_id)?.ok_or(AccountRefusal::AccountNotFound)?;
    may_disable(actor, party(&account)?)?;
    write_transaction::<_, UseCaseError, _>(conn, |conn| {
        accounts::set_status(conn, account.id, AccountStatus::Disabled, now)?;
        accounts::revoke_sessions(conn, account.id, None, "disabled", now)?;
        Ok(())
    })?;
    get(conn, account_id)
}

/// Re-enables a disabled account (pending again if it was never activated).
pub fn enable(
    conn: &mut AnyConnection,
    actor: Party,
    account_id: i64,
    now: DateTime<Utc>,
) -> Outcome<AccountWithDossier> {
    let account = accounts::find(conn, account_id)?.ok_or(AccountRefusal::AccountNotFound)?;
    may_enable(actor, party(&account)?)?;
    if account.status == AccountStatus::Disabled {
        let status = status_when_enabled(account.activated_at.is_some());
        accounts::set_status(conn, account.id, status, now)?;
    }
    get(conn, account_id)
}

/// Sends a new activation link to a pending account (the earlier links stop working).
pub fn resend_activation_for(
    conn: &mut AnyConnection,
    rules: &Rules<'_>,
    account_id: i64,
    now: DateTime<Utc>,
) -> Outcome<()> {
    let account = accounts::find(conn, account_id)?.ok_or(AccountRefusal::AccountNotFound)?;
    if account.status != AccountStatus::Pending {
        return Err(AccountRefusal::AccountNotPending.into());
    }
    send_activation(conn, &account, rules, now)
}

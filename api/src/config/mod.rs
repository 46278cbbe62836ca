//! Typed configuration from environment variables, with defaults for a local run.
//! `.env.example` lists every variable; keep the two in step.

mod operations;
mod push;
mod sign_in;
mod storage;
pub use operations::OperationsConfig;
pub use push::{ApnsSettings, FcmSettings, PushConfig, WebPushSettings};
pub use sign_in::{AgentProvider, SignInConfig};
pub use storage::{S3Access, StorageLocation};

use std::time::Duration;

use domain::accounts::password::PasswordPolicy;
use domain::city::SchoolZone;
use domain::dossiers::ContactField;

#[derive(Debug, Clone)]
pub struct Config {
    /// `BIND_ADDR`: where the API listens.
    pub bind_addr: String,
    /// `DATABASE_URL`: `postgres://...` or `sqlite://PATH` (a bare path is SQLite too).
    pub database_url: String,
    /// `DATABASE_POOL_SIZE`: connections kept per API instance.
    pub database_pool_size: u32,
    /// `DATABASE_ACQUIRE_TIMEOUT_SECS`: how long a request waits for a connection.
    pub database_acquire_timeout: Duration,
    /// `SEED_DEMO`: seed the demo city when the database is empty.
    pub seed_demo: bool,
    /// `SEED_DEMO_FILES`: whether the demo also holds dossier 18's files: an unpaid
    /// invoice (June of the previous school year), to pay in the sandbox, and a proof
    /// of address about to expire.
    pub seed_demo_files: bool,
    /// `CITY_NAME`, `CITY_TIME_ZONE`, `CITY_SCHOOL_ZONE`: the city created in an empty
    /// database when the demo is off. Read once; the database holds them afterwards.
    pub city: CityDefaults,
    /// `CORS_ALLOWED_ORIGINS`: comma-separated origins allowed to call the API from a
    /// browser. Never `*`.
    pub cors_allowed_origins: Vec<String>,
    /// `MAX_JSON_BODY_BYTES`: the largest JSON body accepted.
    pub max_json_body_bytes: usize,
    /// `WORKERS`: HTTP worker threads (default: one per core).
    pub workers: usize,
    /// `SHUTDOWN_DRAIN_SECS`: how long the instance serves on after SIGTERM with its
    /// readiness at 503, so a load balancer stops sending before the listener closes.
    pub shutdown_drain: Duration,
    /// `SHUTDOWN_TIMEOUT_SECS`: how long requests in flight may finish once the
    /// listener closed.
    pub shutdown_timeout: Duration,
    /// `LOG_FORMAT`: `text` or `json`. The level comes from `RUST_LOG`.
    pub log_format: LogFormat,
    /// `PASSWORD_*`: the password policy (the guide's rule by default).
    pub password_policy: PasswordPolicy,
    /// `FRONTEND_URL`: where emailed links point (activation, reset, email change);
    /// never taken from the request's Host header.
    pub frontend_url: String,
    /// `PUBLIC_URL`: this API's own address as browsers reach it, for the absolute links
    /// it hands out to itself (the payment sandbox's page); never taken from the
    /// request's Host header.
    pub public_url: String,
    /// `JWT_SECRET`: the HS256 key of access tokens, at least 32 bytes. When unset a
    /// random key is made at start: tokens then die with the process and are not
    /// shared between instances (fine for a local run, not for production).
    pub jwt_secret: Option<String>,
    /// `ACCESS_TOKEN_MINUTES`: the life of an access token.
    pub access_token_minutes: i64,
    /// `TRUST_PROXY_HEADERS`: take the client address from `X-Forwarded-For` /
    /// `Forwarded` (only behind a proxy that sets them) instead of the TCP peer.
    pub trust_proxy_headers: bool,
    /// `DEADLINE_TABLE_PUBLIC`: let anyone, signed in or not, read the table of booking
    /// and change deadlines (`GET /deadline-rules`); otherwise signed-in accounts only.
    pub deadline_table_public: bool,
    /// `MAIL_*`, `SMTP_URL`: how emails leave the outbox.
    pub mail: MailConfig,
    /// `BOOTSTRAP_ADMIN_*`: the admin account created at first start, if none exists.
    pub bootstrap_admin: Option<BootstrapAdmin>,
    pub files: FilesConfig,
    /// `CONTACT_CHANGES_NEEDING_APPROVAL`: the contact details (address, phones,
    /// email) a family's change of which waits for an agent; the others apply at once.
    pub contact_changes_needing_approval: Vec<ContactField>,
    pub retention: Retention,
    /// `REQUIRED_VACCINATIONS`: the vaccinations the city requires on a child's
    /// health record; each child's record says which are missing.
    pub required_vaccinations: Vec<String>,
    /// `BASKET_HOLD_MINUTES`: how long a basket being paid keeps its places.
    pub basket_hold_minutes: i64,
    /// `BILLING_CHUNK_DOSSIERS`: dossiers a billing run writes per transaction (what
    /// a crash can lose and the run then bills again); `BILLING_LEASE_SECONDS`: how
    /// long a run that reports no progress holds its month before another may take
    /// over (its server stopped).
    pub billing: crate::usecases::billing::RunSettings,
    /// Who takes card payments: PayFiP when `PAYFIP_NUMCLI` is set, else the
    /// built-in sandbox unless `PAYMENT_SANDBOX=false`.
    pub payments: Payments,
    /// `API_PARTICULIER_TOKEN`, `API_PARTICULIER_RECIPIENT`, `API_PARTICULIER_URL`:
    /// where families' quotients are looked up at the CAF or MSA; `None`: not offered.
    pub api_particulier: Option<ApiParticulierSettings>,
    pub jobs: JobsConfig,
    /// FranceConnect, the city's provider for staff, and staff passwords.
    pub sign_in: SignInConfig,
    /// Metrics and traces.
    pub operations: OperationsConfig,
    /// Push notifications' channels (Web Push, FCM, APNs).
    pub push: PushConfig,
}

/// API Particulier's settings.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiParticulierSettings {
    /// `API_PARTICULIER_URL`: the service (a fake one in tests).
    pub url: String,
    /// `API_PARTICULIER_TOKEN`: the city's access token (a secret, never logged).
    pub token: String,
    /// `API_PARTICULIER_RECIPIENT`: the city's SIRET, sent as `recipient`.
    pub recipient: String,
}

impl std::fmt::Debug for ApiParticulierSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiParticulierSettings")
            .field("url", &self.url)
            .field("token", &"<redacted>")
            .field("recipient", &self.recipient)
            .finish()
    }
}

/// The background jobs: reminders and webhook deliveries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobsConfig {
    /// `WEBHOOK_POLL_MILLIS`: how often due webhook deliveries are looked for.
    pub webhook_poll: Duration,
    /// Which webhook endpoints are accepted and delivered to.
    pub webhook_targets: WebhookTargets,
    /// `REMINDERS_EVERY_MINUTES`: how often booking-window reminders are looked for.
    pub reminders_every: Duration,
    /// `HOLDS_EVERY_SECONDS`: how often baskets whose hold ran out are released (their
    /// places given back, the waiting line offered them) without waiting for a request.
    pub holds_every: Duration,
}

/// Which addresses webhook endpoints may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WebhookTargets {
    /// `WEBHOOK_ALLOW_HTTP`: accept `http://` endpoints (tests and local receivers
    /// only; deliveries carry families' events, so production endpoints are HTTPS).
    pub allow_http: bool,
    /// `WEBHOOK_ALLOW_PRIVATE`: deliver to loopback and private-network addresses too
    /// (tests, or receivers on the city's own network); otherwise public addresses
    /// only, so that an endpoint cannot make the server probe its own network.
    pub allow_private: bool,
}

/// Who takes card payments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payments {
    /// The built-in sandbox (the local default): anyone holding a payment's
    /// reference can "pay" there, so never where real money is due.
    Sandbox,
    PayFip(PayFipSettings),
    /// No online payment: the family pays at the counter.
    Off,
}

impl Payments {
    pub fn sandbox(&self) -> bool {
        *self == Self::Sandbox
    }
}

/// PayFiP's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayFipSettings {
    /// `PAYFIP_URL`: the web service (a fake one in tests).
    pub url: String,
    /// `PAYFIP_PAYMENT_URL`: the page the family is sent to, with `?idop=`.
    pub payment_url: String,
    /// `PAYFIP_NUMCLI`: the collection office's 6-digit client number.
    pub numcli: String,
    /// `PAYFIP_SAISIE`: `T` test, `X` activation, `W` production.
    pub saisie: String,
    /// `PAYFIP_NOTIFICATION_URL`: this API's `/api/v1/payfip/notifications` as PayFiP
    /// reaches it (at most 250 characters).
    pub notification_url: String,
}

/// Uploaded and issued files.
#[derive(Debug, Clone)]
pub struct FilesConfig {
    /// `STORAGE_URL`, or the folder `STORAGE_DIR`: where files are kept, outside
    /// anything served.
    pub storage: StorageLocation,
    /// `AWS_*`: how S3-compatible storage is reached, when used.
    pub s3: S3Access,
    /// `UPLOAD_MAX_BYTES`: the largest document accepted.
    pub upload_max_bytes: usize,
    /// `IMPORT_MAX_BYTES`: the largest CSV of dossiers accepted.
    pub import_max_bytes: usize,
    /// `DOSSIER_STORAGE_MAX_BYTES`: what one dossier's documents may take in all.
    pub dossier_max_bytes: i64,
}

/// How long data is kept before `espace-familles purge` deletes it (`RETENTION_*_DAYS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Audit-log entries.
    pub audit_days: i64,
    /// Decided requests and their attachments.
    pub decided_requests_days: i64,
    /// Dossier imports (the CSV they hold).
    pub imports_days: i64,
    /// Emails sent or given up.
    pub sent_emails_days: i64,
    /// Ended sessions and used or expired links.
    pub ended_sessions_days: i64,
    /// Events with the notifications and webhook deliveries they made.
    pub notifications_days: i64,
}

#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `MAIL_TRANSPORT`: `file` writes `.eml` files under `MAIL_DIR` and logs them;
    /// `smtp` sends through `SMTP_URL` (`smtp://host:port`, `smtps://user:pass@host`).
    pub transport: MailTransport,
    pub from: String,
    /// `OUTBOX_POLL_MILLIS`: how often the sender looks for due emails.
    pub poll_interval: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailTransport {
    File(std::path::PathBuf),
    Smtp(String),
}

#[derive(Clone)]
pub struct BootstrapAdmin {
    pub username: String,
    pub email: String,
    pub password: String,
}

impl std::fmt::Debug for BootstrapAdmin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BootstrapAdmin")
            .field("username", &self.username)
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
pub struct CityDefaults {
    pub name: String,
    pub time_zone: chrono_tz::Tz,
    pub school_zone: SchoolZone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {variable}={value:?}: {reason}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub value: String,
    pub reason: String,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://./data/espace-familles.db";

impl Config {
    /// Reads the process environment (after loading `.env` if there is one).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup`, so tests can pass a map.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let vars = Vars(&lookup);
        let cors_allowed_origins = cors_allowed_origins(&vars)?;
        let password_policy = password_policy(&vars)?;
        let mail = mail(&vars)?;
        Ok(Self {
            bind_addr: vars.text("BIND_ADDR", "127.0.0.1:8080"),
            database_url: vars.text("DATABASE_URL", DEFAULT_DATABASE_URL),
            database_pool_size: vars.parse("DATABASE_POOL_SIZE", 10)?,
            database_acquire_timeout: Duration::from_secs(
                vars.parse("DATABASE_ACQUIRE_TIMEOUT_SECS", 5)?,
            ),
            seed_demo: vars.flag("SEED_DEMO", true)?,
            seed_demo_files: vars.flag("SEED_DEMO_FILES", true)?,
            city: CityDefaults {
                name: vars.text("CITY_NAME", "Ma commune"),
                time_zone: vars.parse("CITY_TIME_ZONE", chrono_tz::Europe::Paris)?,
                school_zone: vars.parse("CITY_SCHOOL_ZONE", SchoolZone::C)?,
            },
            cors_allowed_origins,
            max_json_body_bytes: vars.parse("MAX_JSON_BODY_BYTES", 256 * 1024)?,
            workers: vars.parse(
                "WORKERS",
                std::thread::available_parallelism().map_or(2, usize::from),
            )?,
            shutdown_drain: Duration::from_secs(vars.parse("SHUTDOWN_DRAIN_SECS", 5)?),
            shutdown_timeout: Duration::from_secs(vars.parse("SHUTDOWN_TIMEOUT_SECS", 30)?),
            log_format: match vars.text("LOG_FORMAT", "text").as_str() {
                "text" => LogFormat::Text,
                "json" => LogFormat::Json,
                other => {
                    return Err(ConfigError {
                        variable: "LOG_FORMAT",
                        value: other.to_owned(),
                        reason: "expected text or json".into(),
                    });
                }
            },
            password_policy,
            frontend_url: vars
                .text("FRONTEND_URL", "http://localhost:5173")
                .trim_end_matches('/')
                .to_owned(),
            public_url: vars
                .text("PUBLIC_URL", "http://localhost:8080")
                .trim_end_matches('/')
                .to_owned(),
            jwt_secret: match vars.raw("JWT_SECRET") {
                Some(secret) if secret.len() < 32 => {
                    return Err(ConfigError {
                        variable: "JWT_SECRET",
                        value: "(hidden)".into(),
                        reason: "must be at least 32 bytes (256 bits) of random text".into(),
                    });
                }
                other => other,
            },
            access_token_minutes: vars.parse("ACCESS_TOKEN_MINUTES", 15)?,
            trust_proxy_headers: vars.flag("TRUST_PROXY_HEADERS", false)?,
            deadline_table_public: vars.flag("DEADLINE_TABLE_PUBLIC", false)?,
            push: push::push(&vars, &mail.from)?,
            mail,
            bootstrap_admin: vars
                .raw("BOOTSTRAP_ADMIN_PASSWORD")
                .map(|password| BootstrapAdmin {
                    username: vars.text("BOOTSTRAP_ADMIN_USERNAME", "admin"),
                    email: vars.text("BOOTSTRAP_ADMIN_EMAIL", "admin@villejuif.example"),
                    password,
                }),
            files: files(&vars)?,
            contact_changes_needing_approval: vars
                .list("CONTACT_CHANGES_NEEDING_APPROVAL", "address")
                .iter()
                .map(|field| {
                    field.parse().map_err(|reason| ConfigError {
                        variable: "CONTACT_CHANGES_NEEDING_APPROVAL",
                        value: field.clone(),
                        reason,
                    })
                })
                .collect::<Result<_, _>>()?,
            required_vaccinations: vars.list("REQUIRED_VACCINATIONS", "DTP"),
            payments: payments(&vars)?,
            api_particulier: api_particulier(&vars)?,
            jobs: jobs(&vars)?,
            basket_hold_minutes: vars
                .parse::<i64>("BASKET_HOLD_MINUTES", 20)?
                .clamp(1, 24 * 60),
            billing: crate::usecases::billing::RunSettings {
                chunk: vars
                    .parse::<usize>("BILLING_CHUNK_DOSSIERS", 500)?
                    .clamp(1, 5000),
                lease: chrono::Duration::seconds(
                    vars.parse::<i64>("BILLING_LEASE_SECONDS", 120)?
                        .clamp(5, 3600),
                ),
            },
            retention: retention(&vars)?,
            sign_in: sign_in::sign_in(&vars)?,
            operations: operations::operations(&vars)?,
        })
    }
}

struct Vars<'a, F: Fn(&str) -> Option<String>>(&'a F);

impl<F: Fn(&str) -> Option<String>> Vars<'_, F> {
    fn raw(&self, name: &str) -> Option<String> {
        (self.0)(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    fn text(&self, name: &str, default: &str) -> String {
        self.raw(name).unwrap_or_else(|| default.to_owned())
    }

    fn list(&self, name: &str, default: &str) -> Vec<String> {
        self.text(name, default)
            .split(',')
            .map(|s| s.trim().trim_end_matches('/').to_owned())
            .filter(|s| !s.is_empty() && s != "none")
            .collect()
    }

    fn parse<T>(&self, name: &'static str, default: T) -> Result<T, ConfigError>
    where
        T: std::str::FromStr,
        T::Err: std::fmt::Display,
    {
        match self.raw(name) {
            None => Ok(default),
            Some(value) => value.parse().map_err(|e: T::Err| ConfigError {
                variable: name,
                reason: e.to_string(),
                value,
            }),
        }
    }

    /// A retention period: 1 to 36,500 days (0 or less would purge what is in use).
    fn days(&self, name: &'static str, default: i64) -> Result<i64, ConfigError> {
        let days = self.parse(name, default)?;
        if (1..=36_500).contains(&days) {
            Ok(days)
        } else {
            Err(ConfigError {
                variable: name,
                value: days.to_string(),
                reason: "expected a number of days from 1 to 36500".into(),
            })
        }
    }

    fn flag(&self, name: &'static str, default: bool) -> Result<bool, ConfigError> {
        match self.raw(name).map(|v| v.to_ascii_lowercase()) {
            None => Ok(default),
            Some(v) if matches!(v.as_str(), "1" | "true" | "yes" | "on") => Ok(true),
            Some(v) if matches!(v.as_str(), "0" | "false" | "no" | "off") => Ok(false),
            Some(value) => Err(ConfigError {
                variable: name,
                value,
                reason: "expected true or false".into(),
            }),
        }
    }
}

/// The browser origins allowed to call the API: each `scheme://host[:port]`.
fn cors_allowed_origins<F: Fn(&str) -> Option<String>>(
    vars: &Vars<'_, F>,
) -> Result<Vec<String>, ConfigError> {
    let cors_allowed_origins = vars.list(
        "CORS_ALLOWED_ORIGINS",
        "http://localhost:5173,http://localhost:3000",
    );
    if let Some(bad) = cors_allowed_origins.iter().find(|o| !is_origin(o)) {
        return Err(ConfigError {
            variable: "CORS_ALLOWED_ORIGINS",
            value: bad.clone(),
            reason: "each origin must be scheme://host[:port] (a wildcard is refused)".into(),
        });
    }
    Ok(cors_allowed_origins)
}

/// Where files are kept and how large they may be.
fn files<F: Fn(&str) -> Option<String>>(vars: &Vars<'_, F>) -> Result<FilesConfig, ConfigError> {
    Ok(FilesConfig {
        storage: storage::location(vars)?,
        s3: storage::s3_access(vars),
        upload_max_bytes: vars.parse("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)?,
        import_max_bytes: vars.parse("IMPORT_MAX_BYTES", 20 * 1024 * 1024)?,
        dossier_max_bytes: vars.parse("DOSSIER_STORAGE_MAX_BYTES", 100 * 1024 * 1024)?,
    })
}

/// The password policy: the defaults, each rule overridable.
fn password_policy<F: Fn(&str) -> Option<String>>(
    vars: &Vars<'_, F>,
) -> Result<PasswordPolicy, ConfigError> {
    let defaults = PasswordPolicy::default();
    PasswordPolicy {
        min_length: vars.parse("PASSWORD_MIN_LENGTH", defaults.min_length)?,
        max_length: vars.parse("PASSWORD_MAX_LENGTH", defaults.max_length)?,
        require_uppercase: vars.flag("PASSWORD_REQUIRE_UPPERCASE", defaults.require_uppercase)?,
        require_lowercase: vars.flag("PASSWORD_REQUIRE_LOWERCASE", defaults.require_lowercase)?,
        require_digit: vars.flag("PASSWORD_REQUIRE_DIGIT", defaults.require_digit)?,
        require_special: vars.flag("PASSWORD_REQUIRE_SPECIAL", defaults.require_special)?,
        reject_common: vars.flag("PASSWORD_REJECT_COMMON", defaults.reject_common)?,
    }
    .validated()
    .map_err(|e| ConfigError {
        variable: "PASSWORD_MIN_LENGTH",
        value: String::new(),
        reason: e.to_string(),
    })
}

/// Where and how emails go.
fn mail<F: Fn(&str) -> Option<String>>(vars: &Vars<'_, F>) -> Result<MailConfig, ConfigError> {
    Ok(MailConfig {
        transport: match vars.text("MAIL_TRANSPORT", "file").as_str() {
            "file" => MailTransport::File(vars.text("MAIL_DIR", "./data/mail").into()),
            "smtp" => MailTransport::Smtp(vars.raw("SMTP_URL").ok_or_else(|| ConfigError {
                variable: "SMTP_URL",
                value: String::new(),
                reason: "required when MAIL_TRANSPORT=smtp".into(),
            })?),
            other => {
                return Err(ConfigError {
                    variable: "MAIL_TRANSPORT",
                    value: other.to_owned(),
                    reason: "expected file or smtp".into(),
                });
            }
        },
        from: vars.text(
            "MAIL_FROM",
            "Espace Familles <espace.familles@villejuif.example>",
        ),
        poll_interval: Duration::from_millis(vars.parse("OUTBOX_POLL_MILLIS", 1000)?),
    })
}

/// How often the background jobs run, and where webhooks may go.
fn jobs<F: Fn(&str) -> Option<String>>(vars: &Vars<'_, F>) -> Result<JobsConfig, ConfigError> {
    Ok(JobsConfig {
        webhook_poll: Duration::from_millis(
            vars.parse::<u64>("WEBHOOK_POLL_MILLIS", 1000)?
                .clamp(10, 60_000),
        ),
        webhook_targets: WebhookTargets {
            allow_http: vars.flag("WEBHOOK_ALLOW_HTTP", false)?,
            allow_private: vars.flag("WEBHOOK_ALLOW_PRIVATE", false)?,
        },
        reminders_every: Duration::from_secs(
            60 * vars
                .parse::<u64>("REMINDERS_EVERY_MINUTES", 15)?
                .clamp(1, 24 * 60),
        ),
        holds_every: Duration::from_secs(
            vars.parse::<u64>("HOLDS_EVERY_SECONDS", 30)?.clamp(1, 600),
        ),
    })
}

/// How long each kind of record is kept.
fn retention<F: Fn(&str) -> Option<String>>(vars: &Vars<'_, F>) -> Result<Retention, ConfigError> {
    Ok(Retention {
        audit_days: vars.days("RETENTION_AUDIT_DAYS", 365)?,
        decided_requests_days: vars.days("RETENTION_DECIDED_REQUESTS_DAYS", 3 * 365)?,
        imports_days: vars.days("RETENTION_IMPORTS_DAYS", 30)?,
        sent_emails_days: vars.days("RETENTION_SENT_EMAILS_DAYS", 90)?,
        ended_sessions_days: vars.days("RETENTION_ENDED_SESSIONS_DAYS", 30)?,
        notifications_days: vars.days("RETENTION_NOTIFICATIONS_DAYS", 365)?,
    })
}

fn payments<F: Fn(&str) -> Option<String>>(vars: &Vars<'_, F>) -> Result<Payments, ConfigError> {
    let Some(numcli) = vars.raw("PAYFIP_NUMCLI") else {
        return Ok(if vars.flag("PAYMENT_SANDBOX", true)? {
            Payments::Sandbox
        } else {
            Payments::Off
        });
    };
    let invalid = |variable: &'static str, value: String, reason: &str| ConfigError {
        variable,
        value,
        reason: reason.into(),
    };
    if numcli.len() != 6 || !numcli.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(
            "PAYFIP_NUMCLI",
            numcli,
            "expected the 6 digits of the collection office's client number",
        ));
    }
    let saisie = vars.text("PAYFIP_SAISIE", "T");
    if !matches!(saisie.as_str(), "T" | "X" | "W") {
        return Err(invalid(
            "PAYFIP_SAISIE",
            saisie,
            "expected T (test), X (activation) or W (production)",
        ));
    }
    let notification_url = vars.raw("PAYFIP_NOTIFICATION_URL").unwrap_or_default();
    if !(notification_url.starts_with("http://") || notification_url.starts_with("https://"))
        || notification_url.len() > 250
    {
        return Err(invalid(
            "PAYFIP_NOTIFICATION_URL",
            notification_url,
            "expected this API's /api/v1/payfip/notifications address as PayFiP reaches it (http or https, at most 250 characters)",
        ));
    }
    Ok(Payments::PayFip(PayFipSettings {
        url: vars.text(
            "PAYFIP_URL",
            "https://www.payfip.gouv.fr/tpa/services/securite",
        ),
        payment_url: vars.text(
            "PAYFIP_PAYMENT_URL",
            "https://www.payfip.gouv.fr/tpa/paiementws.web",
        ),
        numcli,
        saisie,
        notification_url,
    }))
}

fn api_particulier<F: Fn(&str) -> Option<String>>(
    vars: &Vars<'_, F>,
) -> Result<Option<ApiParticulierSettings>, ConfigError> {
    let Some(token) = vars.raw("API_PARTICULIER_TOKEN") else {
        return Ok(None);
    };
    let recipient = vars.raw("API_PARTICULIER_RECIPIENT").unwrap_or_default();
    if recipient.len() != 14 || !recipient.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ConfigError {
            variable: "API_PARTICULIER_RECIPIENT",
            value: recipient,
            reason: "expected the city's SIRET (14 digits)".into(),
        });
    }
    Ok(Some(ApiParticulierSettings {
        url: vars.text("API_PARTICULIER_URL", "https://particulier.api.gouv.fr"),
        token,
        recipient,
    }))
}

fn is_origin(origin: &str) -> bool {
    let Some((scheme, rest)) = origin.split_once("://") else {
        return false;
    };
    matches!(scheme, "http" | "https")
        && !rest.is_empty()
        && !rest.contains(['/', '*', '?', '#', ' '])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_suit_a_local_run() {
        let config = config(&[]).unwrap();
        assert_eq!(config.bind_addr, "127.0.0.1:8080");
        assert_eq!(config.database_url, DEFAULT_DATABASE_URL);
        assert!(config.seed_demo);
        assert_eq!(config.password_policy, PasswordPolicy::default());
    }

    #[test]
    fn bad_values_name_their_variable() {
        let error = config(&[("DATABASE_POOL_SIZE", "many")]).unwrap_err();
        assert_eq!(error.variable, "DATABASE_POOL_SIZE");
        let error = config(&[("SEED_DEMO", "perhaps")]).unwrap_err();
        assert_eq!(error.variable, "SEED_DEMO");
        let error = config(&[("CORS_ALLOWED_ORIGINS", "*")]).unwrap_err();
        assert_eq!(error.variable, "CORS_ALLOWED_ORIGINS");
        let error = config(&[("CITY_TIME_ZONE", "Mars/Olympus")]).unwrap_err();
        assert_eq!(error.variable, "CITY_TIME_ZONE");
        let error =
            config(&[("CONTACT_CHANGES_NEEDING_APPROVAL", "address,shoe size")]).unwrap_err();
        assert_eq!(error.variable, "CONTACT_CHANGES_NEEDING_APPROVAL");
    }

    #[test]
    fn retention_periods_cannot_purge_what_is_in_use() {
        for days in ["0", "-30", "99999999999"] {
            let error = config(&[("RETENTION_ENDED_SESSIONS_DAYS", days)]).unwrap_err();
            assert_eq!(error.variable, "RETENTION_ENDED_SESSIONS_DAYS", "{days}");
        }
        let config = config(&[("RETENTION_AUDIT_DAYS", "730")]).unwrap();
        assert_eq!(config.retention.audit_days, 730);
    }

    #[test]
    fn cors_origins_are_an_explicit_list() {
        let config = config(&[(
            "CORS_ALLOWED_ORIGINS",
            "https://familles.example.fr/, http://localhost:5173",
        )])
        .unwrap();
        assert_eq!(
            config.cors_allowed_origins,
            vec!["https://familles.example.fr", "http://localhost:5173"]
        );
    }
}

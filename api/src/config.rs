//! Typed configuration from environment variables, with defaults for a local run.
//! `.env.example` lists every variable; keep the two in step.

use std::time::Duration;

use domain::city::SchoolZone;
use domain::password::PasswordPolicy;

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
    /// `SHUTDOWN_TIMEOUT_SECS`: how long requests in flight may finish after SIGTERM.
    pub shutdown_timeout: Duration,
    /// `LOG_FORMAT`: `text` or `json`. The level comes from `RUST_LOG`.
    pub log_format: LogFormat,
    /// `PASSWORD_*`: the password policy (the guide's rule by default).
    pub password_policy: PasswordPolicy,
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
        let defaults = PasswordPolicy::default();
        let password_policy = PasswordPolicy {
            min_length: vars.parse("PASSWORD_MIN_LENGTH", defaults.min_length)?,
            max_length: vars.parse("PASSWORD_MAX_LENGTH", defaults.max_length)?,
            require_uppercase: vars
                .flag("PASSWORD_REQUIRE_UPPERCASE", defaults.require_uppercase)?,
            require_lowercase: vars
                .flag("PASSWORD_REQUIRE_LOWERCASE", defaults.require_lowercase)?,
            require_digit: vars.flag("PASSWORD_REQUIRE_DIGIT", defaults.require_digit)?,
            require_special: vars.flag("PASSWORD_REQUIRE_SPECIAL", defaults.require_special)?,
            reject_common: vars.flag("PASSWORD_REJECT_COMMON", defaults.reject_common)?,
        }
        .validated()
        .map_err(|e| ConfigError {
            variable: "PASSWORD_MIN_LENGTH",
            value: String::new(),
            reason: e.to_string(),
        })?;
        Ok(Self {
            bind_addr: vars.text("BIND_ADDR", "127.0.0.1:8080"),
            database_url: vars.text("DATABASE_URL", DEFAULT_DATABASE_URL),
            database_pool_size: vars.parse("DATABASE_POOL_SIZE", 10)?,
            database_acquire_timeout: Duration::from_secs(
                vars.parse("DATABASE_ACQUIRE_TIMEOUT_SECS", 5)?,
            ),
            seed_demo: vars.flag("SEED_DEMO", true)?,
            city: CityDefaults {
                name: vars.text("CITY_NAME", "Ma commune"),
                time_zone: vars.parse("CITY_TIME_ZONE", chrono_tz::Europe::Paris)?,
                school_zone: vars.parse("CITY_SCHOOL_ZONE", SchoolZone::C)?,
            },
            cors_allowed_origins,
            max_json_body_bytes: vars.parse("MAX_JSON_BODY_BYTES", 64 * 1024)?,
            workers: vars.parse(
                "WORKERS",
                std::thread::available_parallelism().map_or(2, usize::from),
            )?,
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

//! How long each secret and session lives.

use chrono::{DateTime, Duration, Utc};

/// What an emailed single-use token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    Activation,
    PasswordReset,
    EmailChange,
}

impl TokenPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Activation => "activation",
            Self::PasswordReset => "password_reset",
            Self::EmailChange => "email_change",
        }
    }
}

/// The lifetimes the city configures; the defaults follow the guide (activation
/// valid 72 hours) and security.md (reset valid 1 hour).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lifetimes {
    pub activation: Duration,
    pub password_reset: Duration,
    pub email_change: Duration,
    pub access_token: Duration,
    /// A refresh token's life, renewed at each rotation, within the session's limit.
    pub refresh: Duration,
    pub refresh_remember_me: Duration,
    /// The absolute limit of a session, whatever the rotations.
    pub session: Duration,
    pub session_remember_me: Duration,
    pub signup_draft: Duration,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Self {
            activation: Duration::hours(72),
            password_reset: Duration::hours(1),
            email_change: Duration::hours(24),
            access_token: Duration::minutes(15),
            refresh: Duration::hours(12),
            refresh_remember_me: Duration::days(30),
            session: Duration::hours(24),
            session_remember_me: Duration::days(90),
            signup_draft: Duration::hours(24),
        }
    }
}

impl Lifetimes {
    pub fn token(&self, purpose: TokenPurpose) -> Duration {
        match purpose {
            TokenPurpose::Activation => self.activation,
            TokenPurpose::PasswordReset => self.password_reset,
            TokenPurpose::EmailChange => self.email_change,
        }
    }

    /// When a new session ends at the latest.
    pub fn session_end(&self, now: DateTime<Utc>, remember_me: bool) -> DateTime<Utc> {
        now + if remember_me {
            self.session_remember_me
        } else {
            self.session
        }
    }

    /// When a refresh token issued now expires: its own life, cut at the session's end.
    pub fn refresh_end(
        &self,
        now: DateTime<Utc>,
        remember_me: bool,
        session_end: DateTime<Utc>,
    ) -> DateTime<Utc> {
        let own = now
            + if remember_me {
                self.refresh_remember_me
            } else {
                self.refresh
            };
        own.min(session_end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refresh_token_never_outlives_its_session() {
        let lifetimes = Lifetimes::default();
        let start: DateTime<Utc> = "2026-09-01T08:00:00Z".parse().unwrap();
        let session_end = lifetimes.session_end(start, true);
        assert_eq!(session_end, start + Duration::days(90));
        let late = session_end - Duration::days(2);
        assert_eq!(lifetimes.refresh_end(late, true, session_end), session_end);
        assert_eq!(
            lifetimes.refresh_end(start, false, lifetimes.session_end(start, false)),
            start + Duration::hours(12)
        );
    }
}

//! Access tokens: HS256 JWTs with issuer, audience, expiry, not-before, subject, id,
//! session and a token type, every one of them checked.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

const ISSUER: &str = "espace-familles";
const AUDIENCE: &str = "espace-familles-api";
const ACCESS: &str = "access";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    /// The account id.
    pub sub: String,
    pub jti: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    /// The session (device sign-in) the token belongs to: revoking it kills the token.
    pub sid: i64,
    pub role: String,
    /// Always `access`: a refresh token is opaque and never a JWT, but the type is
    /// checked all the same.
    pub typ: String,
    /// The scopes a family granted a third-party app (space-separated); absent from
    /// the portal's own tokens, which carry every right of the role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtKeys")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl JwtKeys {
    pub fn new(secret: &[u8], ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        // Expiry and not-before are checked against the app's clock below, so that
        // tests can move time; the library would use the system's.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl,
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// A new access token and its expiry.
    pub fn issue(
        &self,
        account_id: i64,
        role: &str,
        session_id: i64,
        scope: Option<&str>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<(String, DateTime<Utc>)> {
        let expires_at = now + self.ttl;
        let claims = AccessClaims {
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            sub: account_id.to_string(),
            jti: uuid::Uuid::new_v4().to_string(),
            iat: now.timestamp(),
            nbf: now.timestamp(),
            exp: expires_at.timestamp(),
            sid: session_id,
            role: role.to_owned(),
            typ: ACCESS.to_owned(),
            scope: scope.map(str::to_owned),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok((token, expires_at))
    }

    /// The claims of a valid access token at `now`, or `None`: a wrong signature,
    /// algorithm (`none` included), issuer, audience or type, or a token outside its
    /// validity. A few seconds of leeway absorb clock skew between instances.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Option<AccessClaims> {
        let data =
            jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &self.validation).ok()?;
        let claims = data.claims;
        let leeway = 5;
        let now = now.timestamp();
        let valid = claims.typ == ACCESS && claims.nbf <= now + leeway && now < claims.exp + leeway;
        valid.then_some(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::new(b"0123456789abcdef0123456789abcdef", Duration::minutes(15))
    }

    #[test]
    fn a_token_is_valid_until_it_expires() {
        let now: DateTime<Utc> = "2026-09-01T08:00:00Z".parse().unwrap();
        let (token, expires_at) = keys().issue(7, "family", 3, None, now).unwrap();
        assert_eq!(expires_at, now + Duration::minutes(15));
        let claims = keys().verify(&token, now).unwrap();
        assert_eq!(
            (claims.sub.as_str(), claims.sid, claims.role.as_str()),
            ("7", 3, "family")
        );
        assert!(keys().verify(&token, now + Duration::minutes(16)).is_none());
        assert!(keys().verify(&token, now - Duration::minutes(1)).is_none());
    }

    #[test]
    fn another_key_or_a_tampered_token_is_refused() {
        let now: DateTime<Utc> = "2026-09-01T08:00:00Z".parse().unwrap();
        let (token, _) = keys().issue(7, "family", 3, None, now).unwrap();
        let other = JwtKeys::new(b"another-secret-another-secret-xx", Duration::minutes(15));
        assert!(other.verify(&token, now).is_none());
        let mut tampered = token.clone();
        tampered.pop();
        tampered.push(if token.ends_with('A') { 'B' } else { 'A' });
        assert!(keys().verify(&tampered, now).is_none());
    }
}

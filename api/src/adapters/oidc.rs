//! The OpenID Connect relying party: FranceConnect for families and the city's own
//! provider for staff, both by discovery. The authorization code flow with `state`,
//! `nonce` and PKCE (when the provider offers S256); the ID token's signature checked
//! against the provider's JWKS (asymmetric algorithms only, a key rotation followed
//! once), its issuer, audience, authorized party, expiry at the app's clock, nonce and,
//! where asked, `acr`; the userinfo claims (JSON, or a signed JWT as FranceConnect v2
//! answers) merged over the ID token's, with the same subject.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

const TIMEOUT: Duration = Duration::from_secs(10);
/// How long the discovery document and the keys are trusted before a new fetch.
const CACHE_FOR: Duration = Duration::from_secs(3600);
/// Clock skew tolerated between the provider and the app.
const LEEWAY_SECS: i64 = 60;

/// One provider as configured.
#[derive(Debug, Clone)]
pub struct ProviderSettings {
    /// `https://…/.well-known/openid-configuration`; the issuer must be its prefix.
    pub discovery_url: String,
    pub client_id: String,
    pub client_secret: String,
    /// Where the provider sends the browser back: the frontend's page that hands the
    /// `code` and `state` to the API. Registered at the provider.
    pub redirect_uri: String,
    /// Where the provider's logout sends the browser back, when it has one.
    pub post_logout_redirect_uri: Option<String>,
    pub scopes: String,
    /// The `acr_values` to ask (FranceConnect: `eidas1`); the ID token's `acr` must
    /// then be this level or higher.
    pub acr_values: Option<String>,
    /// Whether the userinfo must come signed (FranceConnect v2 signs it): a plain JSON
    /// answer is then refused.
    pub signed_userinfo: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The provider cannot be reached or answers nonsense: try again later.
    #[error("identity provider unavailable: {0}")]
    Unavailable(String),
    /// The provider refused the code (expired, used, or not issued to us).
    #[error("the provider refused the code: {0}")]
    CodeRefused(String),
    /// The ID token (or the userinfo JWT) fails a check: nothing of it is trusted.
    #[error("identity token rejected: {0}")]
    Rejected(String),
}

/// What a provider vouches for, once every check passed.
#[derive(Debug, Clone)]
pub struct VerifiedIdentity {
    pub issuer: String,
    pub subject: String,
    /// The userinfo claims over the ID token's.
    pub claims: Map<String, Value>,
    /// The raw ID token, kept as the logout's `id_token_hint`.
    pub id_token: String,
}

impl VerifiedIdentity {
    pub fn text(&self, claim: &str) -> Option<&str> {
        self.claims
            .get(claim)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    /// A claim holding a list of strings (`groups`); a single string counts as one.
    pub fn list(&self, claim: &str) -> Vec<String> {
        match self.claims.get(claim) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            Some(Value::String(one)) => vec![one.clone()],
            _ => Vec::new(),
        }
    }
}

/// The secrets of one flow, kept server-side between its start and its end.
#[derive(Debug, Clone)]
pub struct FlowSecrets {
    pub state: String,
    pub nonce: String,
    pub code_verifier: String,
}

#[derive(Debug, Clone, Deserialize)]
struct Metadata {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    userinfo_endpoint: Option<String>,
    jwks_uri: String,
    end_session_endpoint: Option<String>,
    #[serde(default)]
    code_challenge_methods_supported: Vec<String>,
    #[serde(default)]
    token_endpoint_auth_methods_supported: Vec<String>,
}

#[derive(Debug, Clone)]
struct Discovered {
    metadata: Metadata,
    keys: JwkSet,
    at: Instant,
}

#[derive(Debug)]
pub struct OidcClient {
    pub settings: ProviderSettings,
    http: reqwest::Client,
    cache: Mutex<Option<Discovered>>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    id_token: String,
    access_token: String,
}

/// The PKCE S256 challenge of a verifier (RFC 7636, 4.2).
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn unavailable(e: impl std::fmt::Display) -> OidcError {
    OidcError::Unavailable(e.to_string())
}

impl OidcClient {
    pub fn new(settings: ProviderSettings) -> anyhow::Result<Self> {
        Ok(Self {
            settings,
            http: reqwest::Client::builder()
                .timeout(TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .build()?,
            cache: Mutex::new(None),
        })
    }

    fn cached(&self) -> Option<Discovered> {
        let cache = self.cache.lock().ok()?;
        cache
            .as_ref()
            .filter(|d| d.at.elapsed() < CACHE_FOR)
            .cloned()
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, OidcError> {
        let response = self.http.get(url).send().await.map_err(unavailable)?;
        if !response.status().is_success() {
            return Err(unavailable(format!("{url} answered {}", response.status())));
        }
        response.json().await.map_err(unavailable)
    }

    /// The provider's metadata and keys, fetched again when stale or when `refresh`
    /// (a key id the cached set lacks: the provider rotated its keys).
    async fn discovered(&self, refresh: bool) -> Result<Discovered, OidcError> {
        if let Some(found) = self.cached().filter(|_| !refresh) {
            return Ok(found);
        }
        let metadata: Metadata = self.get_json(&self.settings.discovery_url).await?;
        let expected = format!(
            "{}/.well-known/openid-configuration",
            metadata.issuer.trim_end_matches('/')
        );
        if expected != self.settings.discovery_url {
            return Err(unavailable(format!(
                "the discovery document's issuer {} does not match its address",
                metadata.issuer
            )));
        }
        let keys: JwkSet = self.get_json(&metadata.jwks_uri).await?;
        let found = Discovered {
            metadata,
            keys,
            at: Instant::now(),
        };
        if let Ok(mut cache) = self.cache.lock() {
            *cache = Some(found.clone());
        }
        Ok(found)
    }

    /// Where to send the browser to sign in.
    pub async fn authorization_url(&self, secrets: &FlowSecrets) -> Result<String, OidcError> {
        let discovered = self.discovered(false).await?;
        let metadata = &discovered.metadata;
        let mut url = reqwest::Url::parse(&metadata.authorization_endpoint).map_err(unavailable)?;
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", &self.settings.client_id)
                .append_pair("redirect_uri", &self.settings.redirect_uri)
                .append_pair("scope", &self.settings.scopes)
                .append_pair("state", &secrets.state)
                .append_pair("nonce", &secrets.nonce);
            if let Some(acr) = &self.settings.acr_values {
                query.append_pair("acr_values", acr);
            }
            if metadata
                .code_challenge_methods_supported
                .iter()
                .any(|m| m == "S256")
            {
                query
                    .append_pair("code_challenge", &pkce_challenge(&secrets.code_verifier))
                    .append_pair("code_challenge_method", "S256");
            }
        }
        Ok(url.into())
    }

    /// Exchanges the code, then checks the ID token and reads the userinfo.
    pub async fn finish(
        &self,
        code: &str,
        secrets: &FlowSecrets,
        now: DateTime<Utc>,
    ) -> Result<VerifiedIdentity, OidcError> {
        let discovered = self.discovered(false).await?;
        let answer = self.exchange(&discovered.metadata, code, secrets).await?;
        let claims = self.check_jwt(&answer.id_token, true).await?;
        self.check_id_token_claims(&claims, secrets, now)?;
        let issuer = discovered.metadata.issuer.clone();
        let subject = text_claim(&claims, "sub")?.to_owned();
        let mut merged = claims;
        if let Some(endpoint) = &discovered.metadata.userinfo_endpoint {
            let info = self.userinfo(endpoint, &answer.access_token).await?;
            if info.get("sub").and_then(Value::as_str) != Some(subject.as_str()) {
                return Err(OidcError::Rejected(
                    "the userinfo subject differs from the ID token's".into(),
                ));
            }
            merged.extend(info);
        }
        Ok(VerifiedIdentity {
            issuer,
            subject,
            claims: merged,
            id_token: answer.id_token,
        })
    }

    async fn exchange(
        &self,
        metadata: &Metadata,
        code: &str,
        secrets: &FlowSecrets,
    ) -> Result<TokenAnswer, OidcError> {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", self.settings.redirect_uri.as_str()),
        ];
        if metadata
            .code_challenge_methods_supported
            .iter()
            .any(|m| m == "S256")
        {
            form.push(("code_verifier", secrets.code_verifier.as_str()));
        }
        // client_secret_post where offered (FranceConnect's), else HTTP Basic.
        let post = metadata
            .token_endpoint_auth_methods_supported
            .iter()
            .any(|m| m == "client_secret_post");
        let mut request = self.http.post(&metadata.token_endpoint);
        if post {
            form.push(("client_id", self.settings.client_id.as_str()));
            form.push(("client_secret", self.settings.client_secret.as_str()));
        } else {
            request = request.basic_auth(
                form_encode(&self.settings.client_id),
                Some(form_encode(&self.settings.client_secret)),
            );
        }
        let body = serde_urlencoded::to_string(&form).map_err(unavailable)?;
        let response = request
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body)
            .send()
            .await
            .map_err(unavailable)?;
        let status = response.status();
        if status.is_client_error() {
            let text = response.text().await.unwrap_or_default();
            return Err(OidcError::CodeRefused(format!("{status}: {text}")));
        }
        if !status.is_success() {
            return Err(unavailable(format!("the token endpoint answered {status}")));
        }
        response.json().await.map_err(unavailable)
    }

    async fn userinfo(
        &self,
        endpoint: &str,
        access_token: &str,
    ) -> Result<Map<String, Value>, OidcError> {
        let response = self
            .http
            .get(endpoint)
            .bearer_auth(access_token)
            .send()
            .await
            .map_err(unavailable)?;
        if !response.status().is_success() {
            return Err(unavailable(format!(
                "userinfo answered {}",
                response.status()
            )));
        }
        let signed = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("application/jwt"));
        let text = response.text().await.map_err(unavailable)?;
        if self.settings.signed_userinfo && !signed {
            return Err(OidcError::Rejected("the userinfo is not signed".into()));
        }
        if signed {
            self.check_jwt(text.trim(), false).await
        } else {
            serde_json::from_str(&text).map_err(unavailable)
        }
    }

    /// A JWT's claims once its signature, issuer and audience are checked (`exp` is
    /// checked at the app's clock by the caller; userinfo JWTs need not carry one).
    async fn check_jwt(
        &self,
        token: &str,
        id_token: bool,
    ) -> Result<Map<String, Value>, OidcError> {
        let rejected = |e: &dyn std::fmt::Display| OidcError::Rejected(e.to_string());
        let header = jsonwebtoken::decode_header(token).map_err(|e| rejected(&e))?;
        let asymmetric = [
            Algorithm::RS256,
            Algorithm::RS384,
            Algorithm::RS512,
            Algorithm::PS256,
            Algorithm::PS384,
            Algorithm::PS512,
            Algorithm::ES256,
            Algorithm::ES384,
        ];
        if !asymmetric.contains(&header.alg) {
            return Err(rejected(&format!(
                "algorithm {:?} not accepted",
                header.alg
            )));
        }
        let mut discovered = self.discovered(false).await?;
        let find = |keys: &JwkSet| match &header.kid {
            Some(kid) => keys.find(kid).cloned(),
            None if keys.keys.len() == 1 => keys.keys.first().cloned(),
            None => None,
        };
        let jwk = match find(&discovered.keys) {
            Some(jwk) => jwk,
            None => {
                discovered = self.discovered(true).await?;
                find(&discovered.keys)
                    .ok_or_else(|| rejected(&"no key of the provider signs it"))?
            }
        };
        let key = DecodingKey::from_jwk(&jwk).map_err(|e| rejected(&e))?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[discovered.metadata.issuer.as_str()]);
        validation.set_audience(&[self.settings.client_id.as_str()]);
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = id_token;
        let required: &[&str] = if id_token {
            &["iss", "aud", "sub", "exp", "iat"]
        } else {
            &["iss", "sub"]
        };
        validation.set_required_spec_claims(required);
        let data = jsonwebtoken::decode::<Map<String, Value>>(token, &key, &validation)
            .map_err(|e| rejected(&e))?;
        Ok(data.claims)
    }

    fn check_id_token_claims(
        &self,
        claims: &Map<String, Value>,
        secrets: &FlowSecrets,
        now: DateTime<Utc>,
    ) -> Result<(), OidcError> {
        let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(0);
        if now.timestamp() >= exp.saturating_add(LEEWAY_SECS) {
            return Err(OidcError::Rejected("the ID token expired".into()));
        }
        // With several audiences, the authorized party must be us (Core 3.1.3.7, 4-5).
        let audiences = claims
            .get("aud")
            .and_then(Value::as_array)
            .map_or(1, Vec::len);
        let azp = claims.get("azp").and_then(Value::as_str);
        if azp.is_some_and(|azp| azp != self.settings.client_id) || (audiences > 1 && azp.is_none())
        {
            return Err(OidcError::Rejected(
                "the ID token was issued to another party".into(),
            ));
        }
        if claims.get("nonce").and_then(Value::as_str) != Some(secrets.nonce.as_str()) {
            return Err(OidcError::Rejected(
                "the ID token's nonce is not this flow's".into(),
            ));
        }
        if let Some(wanted) = &self.settings.acr_values {
            let acr = claims
                .get("acr")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !acr_satisfies(acr, wanted) {
                return Err(OidcError::Rejected(format!(
                    "the authentication level {acr:?} is below {wanted:?}"
                )));
            }
        }
        Ok(())
    }

    /// Where to send the browser to end the provider's session too (RP-initiated
    /// logout, with the ID token as hint); `None` when the provider has no such page.
    pub async fn logout_url(
        &self,
        id_token: &str,
        state: &str,
    ) -> Result<Option<String>, OidcError> {
        let discovered = self.discovered(false).await?;
        let Some(endpoint) = &discovered.metadata.end_session_endpoint else {
            return Ok(None);
        };
        let mut url = reqwest::Url::parse(endpoint).map_err(unavailable)?;
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("id_token_hint", id_token)
                .append_pair("state", state);
            if let Some(back) = &self.settings.post_logout_redirect_uri {
                query.append_pair("post_logout_redirect_uri", back);
            }
        }
        Ok(Some(url.into()))
    }
}

fn text_claim<'a>(claims: &'a Map<String, Value>, name: &str) -> Result<&'a str, OidcError> {
    claims
        .get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| OidcError::Rejected(format!("the ID token has no {name}")))
}

/// HTTP Basic client credentials are form-encoded first (RFC 6749, 2.3.1).
fn form_encode(text: &str) -> String {
    serde_urlencoded::to_string([("", text)])
        .map(|s| s.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

/// Whether the `acr` a provider vouches for meets the one asked: eIDAS levels are
/// ordered (`eidas1` < `eidas2` < `eidas3`); any other value must be the one asked.
pub fn acr_satisfies(acr: &str, wanted: &str) -> bool {
    let level = |v: &str| v.strip_prefix("eidas").and_then(|n| n.parse::<u8>().ok());
    match (
        level(acr),
        level(wanted.split_whitespace().next().unwrap_or_default()),
    ) {
        (Some(got), Some(asked)) => got >= asked,
        _ => acr == wanted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pkce_challenge_is_rfc_7636s_example() {
        // RFC 7636, appendix B.
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn an_eidas_level_meets_lower_ones_only() {
        assert!(acr_satisfies("eidas2", "eidas1"));
        assert!(acr_satisfies("eidas1", "eidas1"));
        assert!(!acr_satisfies("eidas1", "eidas2"));
        assert!(!acr_satisfies("", "eidas1"));
        assert!(acr_satisfies("urn:city:mfa", "urn:city:mfa"));
    }

    #[test]
    fn basic_credentials_are_form_encoded() {
        assert_eq!(form_encode("a b+c"), "a+b%2Bc");
    }
}

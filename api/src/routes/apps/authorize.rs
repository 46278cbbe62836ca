//! The authorization endpoint (RFC 6749, 4.1.1): a minimal sign-in and consent page in
//! French, server-rendered, working without JavaScript, opened by the app in the
//! system browser (RFC 8252). The family signs in on the city's page, sees what the
//! app asks, and allows or refuses; the app gets a one-time code (or the refusal) at
//! its registered redirect URI. Errors before the app and its redirect URI are known
//! good are shown on the page, never redirected (no open redirect).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::ClientIp;
use crate::db;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::usecases::accounts::AccountRefusal;
use crate::usecases::accounts::apps::{
    self, AuthorizationError, AuthorizationRequest, CheckedRequest,
};
use crate::usecases::accounts::sessions::{self, Credentials};

/// The page's policy: its own inline style, nothing else; never framed.
const PAGE_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

/// The consent form as the page posts it: the authorization request's parameters
/// (hidden fields) and the family's answer. Parsed leniently: whatever is missing or
/// wrong shows the page's error, never a JSON problem, to a person in a browser.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(example = json!({
    "response_type": "code", "client_id": "app_Qm9uam91ciBsZXMgZW5m",
    "redirect_uri": "fr.cantineplus.app:/oauth2redirect", "scope": "planning:read",
    "state": "af0ifjsldkj", "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    "code_challenge_method": "S256", "login": "famille.ti", "password": "Famille-TI-2026!",
    "decision": "allow"
}))]
pub struct AppAuthorizationForm {
    /// `code`.
    response_type: Option<String>,
    /// The app's client id.
    client_id: Option<String>,
    /// One of the app's registered redirect URIs, exactly.
    redirect_uri: Option<String>,
    /// Space-separated scopes.
    scope: Option<String>,
    /// Handed back to the app as is.
    state: Option<String>,
    /// PKCE: base64url of the SHA-256 of the verifier.
    code_challenge: Option<String>,
    /// PKCE: `S256`.
    code_challenge_method: Option<String>,
    /// The family's username or email address.
    login: Option<String>,
    /// The family's password.
    #[schema(format = Password)]
    password: Option<String>,
    /// `allow` or `deny`.
    decision: Option<String>,
}

type Params = AppAuthorizationForm;

impl Params {
    fn request(&self) -> AuthorizationRequest {
        AuthorizationRequest {
            response_type: self.response_type.clone(),
            client_id: self.client_id.clone(),
            redirect_uri: self.redirect_uri.clone(),
            scope: self.scope.clone(),
            state: self.state.clone(),
            code_challenge: self.code_challenge.clone(),
            code_challenge_method: self.code_challenge_method.clone(),
        }
    }
}

fn escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

fn page(status: actix_web::http::StatusCode, title: &str, body: &str) -> HttpResponse {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} – Espace Familles</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}}\
         label{{display:block;margin-top:1rem}}input{{width:100%;padding:.5rem}}\
         button{{margin:1.5rem .5rem 0 0;padding:.6rem 1.2rem}}.error{{color:#b00020}}</style>\
         </head><body><h1>{title}</h1>{body}</body></html>",
        title = escape(title),
    );
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CONTENT_SECURITY_POLICY, PAGE_POLICY))
        .body(html)
}

fn error_page(message: &str) -> HttpResponse {
    page(
        actix_web::http::StatusCode::BAD_REQUEST,
        "Demande d'autorisation invalide",
        &format!(
            "<p class=\"error\">{}</p><p>Revenez à l'application et recommencez.</p>",
            escape(message)
        ),
    )
}

/// Sends the browser back to the app with `pairs` (and the issuer, RFC 9207).
fn back_to_app(redirect_uri: &str, pairs: &[(&str, &str)], issuer: &str) -> HttpResponse {
    let Ok(mut url) = reqwest::Url::parse(redirect_uri) else {
        return error_page("L'adresse de retour de l'application est invalide.");
    };
    url.query_pairs_mut()
        .extend_pairs(pairs)
        .append_pair("iss", issuer);
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, url.as_str()))
        .finish()
}

fn app_error(error: AuthorizationError, issuer: &str) -> HttpResponse {
    match error {
        AuthorizationError::Shown(message) => error_page(message),
        AuthorizationError::Redirected {
            redirect_uri,
            error,
            state,
        } => {
            let mut pairs = vec![("error", error)];
            if let Some(state) = state.as_deref() {
                pairs.push(("state", state));
            }
            back_to_app(&redirect_uri, &pairs, issuer)
        }
    }
}

/// The consent page, with the request carried in hidden fields.
fn consent_page(checked: &CheckedRequest, params: &Params, message: Option<&str>) -> HttpResponse {
    let hidden = [
        ("response_type", params.response_type.as_deref()),
        ("client_id", params.client_id.as_deref()),
        ("redirect_uri", params.redirect_uri.as_deref()),
        ("scope", params.scope.as_deref()),
        ("state", params.state.as_deref()),
        ("code_challenge", params.code_challenge.as_deref()),
        (
            "code_challenge_method",
            params.code_challenge_method.as_deref(),
        ),
    ]
    .iter()
    .filter_map(|(name, value)| {
        value.map(|v| {
            format!(
                "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
                escape(v)
            )
        })
    })
    .collect::<String>();
    let rights = checked
        .scopes
        .iter()
        .map(|s| format!("<li>{}</li>", escape(s.consent_text())))
        .collect::<String>();
    let message = message
        .map(|m| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(m)))
        .unwrap_or_default();
    let login = escape(params.login.as_deref().unwrap_or_default());
    page(
        actix_web::http::StatusCode::OK,
        "Autoriser une application",
        &format!(
            "<p>L'application <strong>{app}</strong> demande à accéder à votre Espace Familles pour :</p>\
             <ul>{rights}</ul>{message}\
             <form method=\"post\" action=\"authorize\">{hidden}\
             <label for=\"login\">Identifiant ou adresse e-mail</label>\
             <input id=\"login\" name=\"login\" autocomplete=\"username\" required value=\"{login}\">\
             <label for=\"password\">Mot de passe</label>\
             <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\">\
             <button type=\"submit\" name=\"decision\" value=\"allow\">Autoriser</button>\
             <button type=\"submit\" name=\"decision\" value=\"deny\" formnovalidate>Refuser</button>\
             </form><p>Vous pourrez retirer cet accès à tout moment depuis votre compte.</p>",
            app = escape(&checked.app.name),
        ),
    )
}

async fn checked(
    state: &AppState,
    params: &Params,
) -> Result<Result<CheckedRequest, AuthorizationError>, ApiError> {
    let request = params.request();
    db::run(&state.pool, move |conn| apps::check_request(conn, &request)).await
}

/// Asks a family to let an app act for it (OAuth 2.0 authorization endpoint).
///
/// Opened by the app in the system browser with `response_type=code`, its
/// `client_id`, a registered `redirect_uri` (matched exactly), the `scope` it asks
/// (space-separated, within the app's), `state`, and PKCE (`code_challenge`,
/// `code_challenge_method=S256`, required of public apps). Answers the sign-in and
/// consent page; an error about the app or its redirect URI is shown there, any other
/// goes back to the app as `error` at its redirect URI.
#[utoipa::path(
    tag = "apps",
    operation_id = "authorizeApp",
    params(
        ("response_type" = Option<String>, Query, description = "`code`."),
        ("client_id" = Option<String>, Query, description = "The app's client id."),
        ("redirect_uri" = Option<String>, Query, description = "One of the app's registered redirect URIs, exactly."),
        ("scope" = Option<String>, Query, description = "Space-separated scopes; all the app's when absent."),
        ("state" = Option<String>, Query, description = "Handed back to the app as is."),
        ("code_challenge" = Option<String>, Query, description = "PKCE: base64url of the SHA-256 of the verifier."),
        ("code_challenge_method" = Option<String>, Query, description = "PKCE: `S256`."),
    ),
    responses(
        (status = 200, description = "The sign-in and consent page.", content_type = "text/html", body = String,
            example = json!("<!DOCTYPE html>\n<html lang=\"fr\">…<h1>Autoriser une application</h1>…</html>")),
        (status = 303, description = "Back to the app with `error` (and `state`, `iss`).", headers(("Location" = String, description = "The app's redirect URI."))),
        (status = 400, description = "The app is unknown or disabled, or the redirect URI is not one it registered: shown on an HTML page, never redirected.", content_type = "text/html", body = String),
    ),
)]
#[get("/oauth/authorize")]
pub async fn authorize_app(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let params: Params = serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    let issuer = state.config.public_url.clone();
    Ok(match checked(&state, &params).await? {
        Ok(checked) => consent_page(&checked, &params, None),
        Err(error) => app_error(error, &issuer),
    })
}

/// The family's answer on the consent page (its form, posted).
///
/// `decision=allow` with the family's login and password: the app gets a one-time
/// code (valid 60 seconds) at its redirect URI; `decision=deny`: `error=access_denied`.
/// A wrong password shows the page again (failures are throttled as at sign-in).
#[utoipa::path(
    tag = "apps",
    operation_id = "answerAppAuthorization",
    request_body(content = AppAuthorizationForm, content_type = "application/x-www-form-urlencoded", description = "The consent form: the request's parameters, `login`, `password`, `decision` (`allow` or `deny`)."),
    responses(
        (status = 200, description = "The page again, with what went wrong (wrong password, too many attempts, not a family account).", content_type = "text/html", body = String,
            example = json!("<!DOCTYPE html>\n<html lang=\"fr\">…<p class=\"error\" role=\"alert\">Identifiant ou mot de passe incorrect.</p>…</html>")),
        (status = 303, description = "Back to the app with `code` and `state` (or `error`), and `iss`.", headers(("Location" = String, description = "The app's redirect URI."))),
        (status = 400, description = "The app is unknown or disabled, or the redirect URI is not one it registered: shown on an HTML page.", content_type = "text/html", body = String),
    ),
)]
#[post("/oauth/authorize")]
pub async fn answer_app_authorization(
    state: web::Data<AppState>,
    ip: ClientIp,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let params: Params = super::form_body(&req, &body)?;
    let issuer = state.config.public_url.clone();
    let checked = match checked(&state, &params).await? {
        Ok(checked) => checked,
        Err(error) => return Ok(app_error(error, &issuer)),
    };
    let back = |pairs: &[(&str, &str)]| {
        let mut pairs = pairs.to_vec();
        if let Some(s) = checked.state.as_deref() {
            pairs.push(("state", s));
        }
        back_to_app(&checked.redirect_uri, &pairs, &issuer)
    };
    if params.decision.as_deref() != Some("allow") {
        return Ok(back(&[("error", "access_denied")]));
    }
    let credentials = Credentials {
        login: params.login.clone().unwrap_or_default(),
        password: params.password.clone().unwrap_or_default(),
        remember_me: false,
        client_ip: ip.0,
    };
    let (now, st) = (state.clock.now(), state.clone());
    let account = db::run_pooled(&state.pool, move |pool| {
        sessions::authenticate(pool, &st.throttle, &credentials, now)
    })
    .await;
    let account = match account {
        Ok(account) if account.role == domain::accounts::Role::Family => account,
        Ok(_) => {
            let message = "Seul un compte famille peut autoriser une application.";
            return Ok(consent_page(&checked, &params, Some(message)));
        }
        Err(error) => {
            let Some(message) = refusal_message(&error) else {
                return Err(error);
            };
            return Ok(consent_page(&checked, &params, Some(message)));
        }
    };
    let request = checked.clone();
    let code = db::run(&state.pool, move |conn| {
        apps::grant(conn, &account, &request, now)
    })
    .await?;
    Ok(back(&[("code", code.as_str())]))
}

/// What the page says of a refused sign-in; `None`: an unexpected failure.
fn refusal_message(error: &ApiError) -> Option<&'static str> {
    let refusal = |r: AccountRefusal| r.text().code == error.code;
    if error.code == "too_many_attempts" {
        Some("Trop de tentatives : réessayez dans quelques minutes.")
    } else if refusal(AccountRefusal::InvalidCredentials) {
        Some("Identifiant ou mot de passe incorrect.")
    } else if refusal(AccountRefusal::AccountNotActivated)
        || refusal(AccountRefusal::AccountDisabled)
    {
        Some("Ce compte n'est pas actif.")
    } else {
        None
    }
}

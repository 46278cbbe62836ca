//! Signing in with outside providers: FranceConnect for families, the city's OpenID
//! Connect provider for staff, and whether staff may still use passwords.

use super::{ConfigError, Vars};
use crate::adapters::oidc::ProviderSettings;

/// The providers configured, and the password rule for staff.
#[derive(Debug, Clone, Default)]
pub struct SignInConfig {
    /// `FRANCECONNECT_*`: absent unless its discovery URL, client id and secret are set.
    pub franceconnect: Option<ProviderSettings>,
    /// `AGENT_OIDC_*`: the city's provider for agents and admins.
    pub agents: Option<AgentProvider>,
    /// `STAFF_PASSWORD_LOGIN=false`: agents and admins sign in through the provider
    /// only, but the recovery admin.
    pub staff_passwords: bool,
    /// `RECOVERY_ADMIN`: the username of the local admin who may always use a password.
    pub recovery_admin: Option<String>,
}

/// The city's provider for staff, and how its groups give roles.
#[derive(Debug, Clone)]
pub struct AgentProvider {
    pub settings: ProviderSettings,
    /// The button's label (`AGENT_OIDC_NAME`).
    pub name: String,
    /// The claim holding the groups (`AGENT_OIDC_GROUPS_CLAIM`, default `groups`).
    pub groups_claim: String,
    pub admin_groups: Vec<String>,
    pub agent_groups: Vec<String>,
}

fn provider<F: Fn(&str) -> Option<String>>(
    vars: &Vars<'_, F>,
    prefix: &'static str,
    default_scopes: &str,
) -> Result<Option<ProviderSettings>, ConfigError> {
    let var = |name: &str| format!("{prefix}_{name}");
    let (Some(discovery_url), Some(client_id), Some(client_secret)) = (
        vars.raw(&var("DISCOVERY_URL")),
        vars.raw(&var("CLIENT_ID")),
        vars.raw(&var("CLIENT_SECRET")),
    ) else {
        return Ok(None);
    };
    let Some(redirect_uri) = vars.raw(&var("REDIRECT_URI")) else {
        return Err(ConfigError {
            variable: prefix,
            value: "_REDIRECT_URI".into(),
            reason: "the page of the frontend the provider sends the browser back to must be set"
                .into(),
        });
    };
    Ok(Some(ProviderSettings {
        discovery_url,
        client_id,
        client_secret,
        redirect_uri,
        post_logout_redirect_uri: vars.raw(&var("POST_LOGOUT_REDIRECT_URI")),
        scopes: vars.text(&var("SCOPES"), default_scopes),
        acr_values: None,
        signed_userinfo: false,
    }))
}

pub(super) fn sign_in<F: Fn(&str) -> Option<String>>(
    vars: &Vars<'_, F>,
) -> Result<SignInConfig, ConfigError> {
    let franceconnect = provider(
        vars,
        "FRANCECONNECT",
        "openid given_name family_name birthdate email",
    )?
    .map(|settings| ProviderSettings {
        acr_values: Some(vars.text("FRANCECONNECT_ACR_VALUES", "eidas1")),
        signed_userinfo: true,
        ..settings
    });
    let agents = provider(vars, "AGENT_OIDC", "openid profile email groups")?.map(|settings| {
        AgentProvider {
            settings,
            name: vars.text("AGENT_OIDC_NAME", "Compte de la ville"),
            groups_claim: vars.text("AGENT_OIDC_GROUPS_CLAIM", "groups"),
            admin_groups: vars.list("AGENT_OIDC_ADMIN_GROUPS", ""),
            agent_groups: vars.list("AGENT_OIDC_AGENT_GROUPS", ""),
        }
    });
    let staff_passwords = vars.flag("STAFF_PASSWORD_LOGIN", true)?;
    let recovery_admin = vars.raw("RECOVERY_ADMIN");
    if !staff_passwords && recovery_admin.is_none() {
        return Err(ConfigError {
            variable: "RECOVERY_ADMIN",
            value: String::new(),
            reason: "with STAFF_PASSWORD_LOGIN=false, name the local admin who may still sign in with a password".into(),
        });
    }
    Ok(SignInConfig {
        franceconnect,
        agents,
        staff_passwords,
        recovery_admin,
    })
}

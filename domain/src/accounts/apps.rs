//! Third-party apps (OAuth 2.0 clients) and who signs in through an identity provider:
//! the rules on redirect URIs (RFC 8252 for native apps) and the staff role a
//! provider's groups give.

use super::Role;

/// Why a redirect URI cannot be registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RedirectUriError {
    #[error("not an absolute URI")]
    NotAbsolute,
    #[error("a fragment is not allowed")]
    Fragment,
    #[error("plain http is only allowed on the loopback interface")]
    InsecureHttp,
    #[error("a private-use scheme must be a reversed domain name (com.example.app)")]
    Scheme,
}

/// Whether `uri` may be registered as a redirect URI: `https`, `http` on the loopback
/// interface only (RFC 8252, 7.3), or a private-use scheme in reverse domain notation
/// (RFC 8252, 7.1); never with a fragment (RFC 6749, 3.1.2). Registered URIs are then
/// matched exactly, character for character.
pub fn check_redirect_uri(uri: &str) -> Result<(), RedirectUriError> {
    if uri.contains('#') {
        return Err(RedirectUriError::Fragment);
    }
    let Some((scheme, rest)) = uri.split_once(':') else {
        return Err(RedirectUriError::NotAbsolute);
    };
    let scheme_chars = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.');
    if scheme.is_empty() || !scheme.chars().all(scheme_chars) || rest.is_empty() {
        return Err(RedirectUriError::NotAbsolute);
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => host_of(rest).map(|_| ()),
        "http" => match host_of(rest)? {
            "127.0.0.1" | "[::1]" | "localhost" => Ok(()),
            _ => Err(RedirectUriError::InsecureHttp),
        },
        private if private.contains('.') && !rest.starts_with("//") => Ok(()),
        _ => Err(RedirectUriError::Scheme),
    }
}

/// The host of `//host[:port]/path`, without user info.
fn host_of(rest: &str) -> Result<&str, RedirectUriError> {
    let authority = rest
        .strip_prefix("//")
        .ok_or(RedirectUriError::NotAbsolute)?
        .split(['/', '?'])
        .next()
        .unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return Err(RedirectUriError::NotAbsolute);
    }
    let host = match authority.rfind(':') {
        Some(i) if !authority[i..].contains(']') => &authority[..i],
        _ => authority,
    };
    Ok(host)
}

/// The role a staff member's groups at the city's identity provider give: admin when
/// one group is an admin group, agent when one is an agent group, none otherwise (the
/// sign-in is refused). Compared exactly, as providers spell groups.
pub fn staff_role(
    groups: &[String],
    admin_groups: &[String],
    agent_groups: &[String],
) -> Option<Role> {
    let any_of = |wanted: &[String]| groups.iter().any(|g| wanted.contains(g));
    if any_of(admin_groups) {
        Some(Role::Admin)
    } else if any_of(agent_groups) {
        Some(Role::Agent)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_loopback_and_private_use_redirects_are_accepted() {
        for uri in [
            "https://app.example.fr/callback",
            "http://127.0.0.1:8765/callback",
            "http://[::1]:8765/cb",
            "fr.villejuif.familles:/oauth2redirect",
        ] {
            assert_eq!(check_redirect_uri(uri), Ok(()), "{uri}");
        }
    }

    #[test]
    fn unsafe_redirects_are_refused() {
        let refused = [
            (
                "http://app.example.fr/callback",
                RedirectUriError::InsecureHttp,
            ),
            ("https://app.example.fr/cb#x", RedirectUriError::Fragment),
            ("/callback", RedirectUriError::NotAbsolute),
            ("myapp:/callback", RedirectUriError::Scheme),
            ("javascript:alert(1)", RedirectUriError::Scheme),
            (
                "https://evil@app.example.fr/",
                RedirectUriError::NotAbsolute,
            ),
        ];
        for (uri, error) in refused {
            assert_eq!(check_redirect_uri(uri), Err(error), "{uri}");
        }
    }

    #[test]
    fn the_highest_role_of_the_groups_wins_and_no_group_gives_none() {
        let admins = vec!["ef-admins".to_owned()];
        let agents = vec!["ef-agents".to_owned()];
        let groups = |g: &[&str]| g.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            staff_role(&groups(&["ef-agents", "ef-admins"]), &admins, &agents),
            Some(Role::Admin)
        );
        assert_eq!(
            staff_role(&groups(&["ef-agents"]), &admins, &agents),
            Some(Role::Agent)
        );
        assert_eq!(
            staff_role(&groups(&["EF-ADMINS", "rh"]), &admins, &agents),
            None
        );
    }
}

//! Third-party apps: the OAuth 2.0 authorization server (consent page, token and
//! revocation endpoints, metadata), the apps admins register, those families granted.

pub mod authorize;
pub mod registry;
pub mod token;

super::operations! {
    authorize::authorize_app,
    authorize::answer_app_authorization,
    token::request_app_tokens,
    token::revoke_app_token,
    registry::register_app,
    registry::list_apps,
    registry::disable_app,
    registry::enable_app,
    registry::list_my_apps,
    registry::revoke_my_app,
}

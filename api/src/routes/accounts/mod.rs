//! Accounts: the five-step sign-up, activation, sessions, passwords and email
//! changes, the legal documents families accept, the RGPD export, and the accounts
//! agents and admins manage.

pub mod credentials;
pub mod export;
pub mod legal;
pub mod me;
pub mod providers;
pub mod sessions;
pub mod signups;
pub mod staff;

super::operations! {
    credentials::get_password_policy,
    credentials::check_password,
    signups::start_signup,
    signups::get_signup,
    signups::update_signup_personal_details,
    signups::set_signup_dossier_references,
    signups::accept_signup_terms,
    signups::accept_signup_privacy_policy,
    signups::confirm_signup,
    signups::cancel_signup,
    credentials::activate_account,
    credentials::request_activation_email,
    sessions::login,
    sessions::refresh_tokens,
    sessions::logout,
    sessions::logout_everywhere,
    providers::get_sign_in_providers,
    providers::start_sign_in_flow,
    providers::sign_in_with_provider,
    providers::verify_signup_identity,
    providers::logout_with_provider,
    providers::get_my_france_connect_identity,
    providers::start_france_connect_link,
    providers::link_my_france_connect_identity,
    providers::unlink_my_france_connect_identity,
    credentials::request_password_reset,
    credentials::reset_password,
    credentials::confirm_email_change,
    legal::get_current_terms,
    legal::get_current_privacy_policy,
    me::get_me,
    me::accept_legal_document,
    me::change_password,
    me::request_email_change,
    staff::list_accounts,
    staff::get_account,
    staff::create_staff_account,
    staff::disable_account,
    staff::enable_account,
    staff::resend_activation_email,
    legal::publish_legal_document,
    export::export_my_data,
}

//! Handlers and their DTOs, one file per area. Every documented operation is
//! registered here, once: the same function feeds the server and the OpenAPI document.

pub mod activities;
pub mod activity_views;
pub mod admin_accounts;
pub mod admin_billing;
pub mod admin_dossiers;
pub mod admin_news;
pub mod admin_planning;
pub mod admin_webhooks;
pub mod audit;
pub mod auth;
pub mod baskets;
pub mod calendar;
pub mod calendar_feeds;
pub mod city;
pub mod docs;
pub mod documents;
pub mod dossier;
pub mod dossier_imports;
pub mod dossier_views;
pub mod etag;
pub mod export;
pub mod health;
pub mod invoice_views;
pub mod invoices;
pub mod json;
pub mod legal;
pub mod me;
pub mod news;
pub mod notifications;
pub mod online_payments;
pub mod pagination;
pub mod planning;
pub mod planning_views;
pub mod registrations;
pub mod requests;
pub mod sandbox;
pub mod school_calendar;
pub mod sessions;
pub mod signups;

use actix_web::HttpRequest;
use actix_web::http::header;
use utoipa_actix_web::service_config::ServiceConfig;

pub use json::Json;

use crate::problem::{ApiError, FieldError};

/// The request body's declared media type, lowercased, without its parameters.
pub(crate) fn media_type(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
}

/// The `Idempotency-Key` header, when sent: 8 to 100 characters, or a field error.
pub(crate) fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get("idempotency-key") else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| (8..=100).contains(&k.len()))
        .map(|k| Some(k.to_owned()))
        .ok_or_else(missing_idempotency_key)
}

/// The error for an operation that needs an `Idempotency-Key` and got none fit.
pub(crate) fn missing_idempotency_key() -> ApiError {
    ApiError::validation(vec![FieldError::new(
        "Idempotency-Key",
        "required",
        "Envoyez un en-tête Idempotency-Key (8 à 100 caractères) propre à ce paiement.",
        "Send an Idempotency-Key header (8 to 100 characters) unique to this payment.",
    )])
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::get_liveness)
        .service(health::get_readiness)
        .service(
            utoipa_actix_web::scope("/api/v1")
                .service(city::get_city)
                .service(calendar::list_public_holidays)
                .service(auth::get_password_policy)
                .service(auth::check_password)
                .service(signups::start_signup)
                .service(signups::get_signup)
                .service(signups::update_signup_personal_details)
                .service(signups::set_signup_dossier_references)
                .service(signups::accept_signup_terms)
                .service(signups::accept_signup_privacy_policy)
                .service(signups::confirm_signup)
                .service(signups::cancel_signup)
                .service(auth::activate_account)
                .service(auth::request_activation_email)
                .service(sessions::login)
                .service(sessions::refresh_tokens)
                .service(sessions::logout)
                .service(sessions::logout_everywhere)
                .service(auth::request_password_reset)
                .service(auth::reset_password)
                .service(auth::confirm_email_change)
                .service(legal::get_current_terms)
                .service(legal::get_current_privacy_policy)
                .service(me::get_me)
                .service(me::accept_legal_document)
                .service(me::change_password)
                .service(me::request_email_change)
                .service(admin_accounts::list_accounts)
                .service(admin_accounts::get_account)
                .service(admin_accounts::create_staff_account)
                .service(admin_accounts::disable_account)
                .service(admin_accounts::enable_account)
                .service(admin_accounts::resend_activation_email)
                .service(legal::publish_legal_document)
                .service(export::export_my_data)
                .service(planning::get_my_planning)
                .service(planning::get_my_child_planning)
                .service(planning::get_my_planning_draft)
                .service(planning::add_planning_draft_changes)
                .service(planning::discard_my_planning_draft)
                .service(planning::validate_my_planning_draft)
                .service(planning::get_child_planning)
                .service(planning::change_child_planning)
                .service(calendar_feeds::create_calendar_feed)
                .service(calendar_feeds::revoke_calendar_feed)
                .service(calendar_feeds::get_calendar_feed)
                .service(school_calendar::list_school_holidays)
                .service(school_calendar::get_school_year)
                .service(school_calendar::import_school_calendar)
                .service(school_calendar::create_closure_day)
                .service(school_calendar::list_closure_days)
                .service(admin_planning::set_activity_kind_deadline_rules)
                .service(admin_planning::get_activity_deadline_rules)
                .service(admin_planning::set_activity_deadline_rules)
                .service(admin_planning::record_attendance)
                .service(admin_planning::get_roll_call)
                .service(dossier::get_my_dossier)
                .service(dossier::change_my_contact_details)
                .service(dossier::list_my_children)
                .service(dossier::get_my_child)
                .service(dossier::get_my_child_health)
                .service(documents::upload_my_document)
                .service(documents::list_my_documents)
                .service(documents::get_my_document)
                .service(documents::download_my_document)
                .service(requests::file_request)
                .service(requests::list_my_requests)
                .service(requests::get_my_request)
                .service(admin_dossiers::list_dossiers)
                .service(admin_dossiers::create_dossier)
                .service(admin_dossiers::get_dossier)
                .service(admin_dossiers::update_dossier)
                .service(admin_dossiers::add_child)
                .service(admin_dossiers::get_child)
                .service(admin_dossiers::update_child)
                .service(admin_dossiers::get_child_health)
                .service(admin_dossiers::update_child_health)
                .service(admin_dossiers::record_family_quotient)
                .service(documents::upload_dossier_document)
                .service(documents::list_dossier_documents)
                .service(documents::get_document)
                .service(documents::download_document)
                .service(dossier_imports::check_dossier_import)
                .service(dossier_imports::get_dossier_import)
                .service(dossier_imports::list_dossier_import_rows)
                .service(dossier_imports::confirm_dossier_import)
                .service(requests::list_requests)
                .service(requests::get_request)
                .service(requests::decide_request)
                .service(audit::list_audit_entries)
                .service(activities::list_child_offers)
                .service(registrations::register_child)
                .service(registrations::list_child_registrations)
                .service(registrations::list_my_registrations)
                .service(registrations::get_my_registration)
                .service(registrations::cancel_registration)
                .service(activities::list_activity_kinds)
                .service(activities::create_activity_kind)
                .service(activities::list_activities)
                .service(activities::create_activity)
                .service(activities::get_activity)
                .service(activities::update_activity)
                .service(activities::add_activity_group)
                .service(activities::update_activity_group)
                .service(activities::get_activity_fill)
                .service(activities::set_group_day_capacity)
                .service(registrations::list_registrations)
                .service(registrations::decide_registration)
                .service(baskets::list_holiday_weeks)
                .service(baskets::get_my_basket)
                .service(baskets::add_basket_item)
                .service(baskets::remove_basket_item)
                .service(baskets::checkout_basket)
                .service(baskets::start_basket_payment)
                .service(baskets::get_basket)
                .service(baskets::list_my_holiday_weeks)
                .service(baskets::join_holiday_week_waitlist)
                .service(baskets::list_my_holiday_week_waitlist)
                .service(sandbox::show_sandbox_payment)
                .service(sandbox::end_sandbox_payment)
                .service(invoices::list_invoices)
                .service(invoices::get_invoice)
                .service(invoices::get_invoice_pdf)
                .service(invoices::get_account_statement)
                .service(online_payments::start_invoice_payment)
                .service(online_payments::get_online_payment)
                .service(online_payments::receive_payfip_notification)
                .service(admin_billing::preview_billing_run)
                .service(admin_billing::start_billing_run)
                .service(admin_billing::list_billing_runs)
                .service(admin_billing::get_billing_run)
                .service(admin_billing::list_admin_invoices)
                .service(admin_billing::get_admin_invoice)
                .service(admin_billing::get_admin_invoice_pdf)
                .service(admin_billing::record_counter_payment)
                .service(admin_billing::issue_credit_note)
                .service(admin_billing::export_invoices)
                .service(admin_billing::export_payments)
                .service(news::list_news)
                .service(news::get_news)
                .service(news::download_news_attachment)
                .service(admin_news::list_admin_news)
                .service(admin_news::create_news)
                .service(admin_news::get_admin_news)
                .service(admin_news::update_news)
                .service(admin_news::retire_news)
                .service(admin_news::attach_news_file)
                .service(admin_news::remove_news_attachment)
                .service(admin_news::download_admin_news_attachment)
                .service(notifications::list_my_notifications)
                .service(notifications::count_my_unread_notifications)
                .service(notifications::read_all_my_notifications)
                .service(notifications::read_my_notification)
                .service(notifications::get_my_notification_preferences)
                .service(notifications::set_my_notification_preferences)
                .service(admin_webhooks::list_webhook_endpoints)
                .service(admin_webhooks::create_webhook_endpoint)
                .service(admin_webhooks::get_webhook_endpoint)
                .service(admin_webhooks::update_webhook_endpoint)
                .service(admin_webhooks::delete_webhook_endpoint)
                .service(admin_webhooks::rotate_webhook_secret)
                .service(admin_webhooks::list_webhook_deliveries)
                .service(admin_webhooks::redeliver_webhook),
        );
}

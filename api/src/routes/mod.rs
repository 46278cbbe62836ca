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
use utoipa::openapi::{RefOr, schema::Schema};
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

/// Declares the operations once: `configure` registers them with the server (and so
/// with the OpenAPI document), `schema_sources` lists the schemas each brings, by the
/// name it gives them, so a test can find two types that claim one name.
macro_rules! operations {
    (root: [$($root:path),+ $(,)?], api: [$($api:path),+ $(,)?] $(,)?) => {
        pub fn configure(cfg: &mut ServiceConfig) {
            cfg$(.service($root))+.service(
                utoipa_actix_web::scope("/api/v1")$(.service($api))+,
            );
        }

        /// Every schema the operations bring, by component name, as each type renders it.
        pub fn schema_sources() -> Vec<(String, RefOr<Schema>)> {
            let mut schemas = Vec::new();
            $(<$root as utoipa::__dev::SchemaReferences>::schemas(&mut schemas);)+
            $(<$api as utoipa::__dev::SchemaReferences>::schemas(&mut schemas);)+
            schemas
        }
    };
}

operations! {
    root: [
        health::get_liveness,
        health::get_readiness,
    ],
    api: [
        city::get_city,
        calendar::list_public_holidays,
        auth::get_password_policy,
        auth::check_password,
        signups::start_signup,
        signups::get_signup,
        signups::update_signup_personal_details,
        signups::set_signup_dossier_references,
        signups::accept_signup_terms,
        signups::accept_signup_privacy_policy,
        signups::confirm_signup,
        signups::cancel_signup,
        auth::activate_account,
        auth::request_activation_email,
        sessions::login,
        sessions::refresh_tokens,
        sessions::logout,
        sessions::logout_everywhere,
        auth::request_password_reset,
        auth::reset_password,
        auth::confirm_email_change,
        legal::get_current_terms,
        legal::get_current_privacy_policy,
        me::get_me,
        me::accept_legal_document,
        me::change_password,
        me::request_email_change,
        admin_accounts::list_accounts,
        admin_accounts::get_account,
        admin_accounts::create_staff_account,
        admin_accounts::disable_account,
        admin_accounts::enable_account,
        admin_accounts::resend_activation_email,
        legal::publish_legal_document,
        export::export_my_data,
        planning::get_my_planning,
        planning::get_my_child_planning,
        planning::get_my_planning_draft,
        planning::add_planning_draft_changes,
        planning::discard_my_planning_draft,
        planning::validate_my_planning_draft,
        planning::get_child_planning,
        planning::change_child_planning,
        calendar_feeds::create_calendar_feed,
        calendar_feeds::revoke_calendar_feed,
        calendar_feeds::get_calendar_feed,
        school_calendar::list_school_holidays,
        school_calendar::get_school_year,
        school_calendar::import_school_calendar,
        school_calendar::create_closure_day,
        school_calendar::list_closure_days,
        admin_planning::set_activity_kind_deadline_rules,
        admin_planning::get_activity_deadline_rules,
        admin_planning::set_activity_deadline_rules,
        admin_planning::record_attendance,
        admin_planning::get_roll_call,
        dossier::get_my_dossier,
        dossier::change_my_contact_details,
        dossier::list_my_children,
        dossier::get_my_child,
        dossier::get_my_child_health,
        documents::upload_my_document,
        documents::list_my_documents,
        documents::get_my_document,
        documents::download_my_document,
        requests::file_request,
        requests::list_my_requests,
        requests::get_my_request,
        admin_dossiers::list_dossiers,
        admin_dossiers::create_dossier,
        admin_dossiers::get_dossier,
        admin_dossiers::update_dossier,
        admin_dossiers::add_child,
        admin_dossiers::get_child,
        admin_dossiers::update_child,
        admin_dossiers::get_child_health,
        admin_dossiers::update_child_health,
        admin_dossiers::record_family_quotient,
        documents::upload_dossier_document,
        documents::list_dossier_documents,
        documents::get_document,
        documents::download_document,
        dossier_imports::check_dossier_import,
        dossier_imports::get_dossier_import,
        dossier_imports::list_dossier_import_rows,
        dossier_imports::confirm_dossier_import,
        requests::list_requests,
        requests::get_request,
        requests::decide_request,
        audit::list_audit_entries,
        activities::list_child_offers,
        registrations::register_child,
        registrations::list_child_registrations,
        registrations::list_my_registrations,
        registrations::get_my_registration,
        registrations::cancel_registration,
        activities::list_activity_kinds,
        activities::create_activity_kind,
        activities::list_activities,
        activities::create_activity,
        activities::get_activity,
        activities::update_activity,
        activities::add_activity_group,
        activities::update_activity_group,
        activities::get_activity_fill,
        activities::set_group_day_capacity,
        registrations::list_registrations,
        registrations::decide_registration,
        baskets::list_holiday_weeks,
        baskets::get_my_basket,
        baskets::add_basket_item,
        baskets::remove_basket_item,
        baskets::checkout_basket,
        baskets::start_basket_payment,
        baskets::get_basket,
        baskets::list_my_holiday_weeks,
        baskets::join_holiday_week_waitlist,
        baskets::list_my_holiday_week_waitlist,
        sandbox::show_sandbox_payment,
        sandbox::end_sandbox_payment,
        invoices::list_invoices,
        invoices::get_invoice,
        invoices::get_invoice_pdf,
        invoices::get_account_statement,
        online_payments::start_invoice_payment,
        online_payments::get_online_payment,
        online_payments::receive_payfip_notification,
        admin_billing::preview_billing_run,
        admin_billing::start_billing_run,
        admin_billing::list_billing_runs,
        admin_billing::get_billing_run,
        admin_billing::list_admin_invoices,
        admin_billing::get_admin_invoice,
        admin_billing::get_admin_invoice_pdf,
        admin_billing::record_counter_payment,
        admin_billing::issue_credit_note,
        admin_billing::export_invoices,
        admin_billing::export_payments,
        news::list_news,
        news::get_news,
        news::download_news_attachment,
        admin_news::list_admin_news,
        admin_news::create_news,
        admin_news::get_admin_news,
        admin_news::update_news,
        admin_news::retire_news,
        admin_news::attach_news_file,
        admin_news::remove_news_attachment,
        admin_news::download_admin_news_attachment,
        notifications::list_my_notifications,
        notifications::count_my_unread_notifications,
        notifications::read_all_my_notifications,
        notifications::read_my_notification,
        notifications::get_my_notification_preferences,
        notifications::set_my_notification_preferences,
        admin_webhooks::list_webhook_endpoints,
        admin_webhooks::create_webhook_endpoint,
        admin_webhooks::get_webhook_endpoint,
        admin_webhooks::update_webhook_endpoint,
        admin_webhooks::delete_webhook_endpoint,
        admin_webhooks::rotate_webhook_secret,
        admin_webhooks::list_webhook_deliveries,
        admin_webhooks::redeliver_webhook,
    ],
}

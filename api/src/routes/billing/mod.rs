//! Billing: invoices and the account statement, online payment through PayFiP (or
//! its sandbox), certificates of childcare costs, and the agents' billing and
//! certificate runs, counter payments, credit notes and exports; SEPA direct debit
//! (mandates, collection files, the bank's answers).

pub mod certificates;
pub mod collections;
pub mod direct_debit_views;
pub mod invoices;
pub mod mandates;
pub mod online_payments;
pub mod sandbox;
pub mod staff;
pub mod views;

super::operations! {
    sandbox::show_sandbox_payment,
    sandbox::end_sandbox_payment,
    invoices::list_invoices,
    invoices::get_invoice,
    invoices::get_invoice_pdf,
    invoices::get_account_statement,
    invoices::list_my_account_credits,
    certificates::issue_my_childcare_tax_certificate,
    certificates::issue_my_attendance_certificate,
    certificates::issue_my_payment_receipt,
    online_payments::start_invoice_payment,
    online_payments::get_online_payment,
    online_payments::receive_payfip_notification,
    staff::preview_billing_run,
    staff::start_billing_run,
    staff::list_billing_runs,
    staff::get_billing_run,
    staff::list_admin_invoices,
    staff::get_admin_invoice,
    staff::get_admin_invoice_pdf,
    staff::record_counter_payment,
    staff::issue_credit_note,
    staff::export_invoices,
    staff::export_payments,
    certificates::start_certificate_run,
    certificates::get_certificate_run,
    mandates::get_direct_debit_creditor,
    mandates::list_my_mandates,
    mandates::sign_my_mandate,
    mandates::get_my_mandate,
    mandates::revoke_my_mandate,
    collections::list_my_direct_debits,
    mandates::get_direct_debit_settings,
    mandates::set_direct_debit_settings,
    mandates::list_dossier_mandates,
    mandates::record_paper_mandate,
    mandates::list_mandates,
    mandates::get_admin_mandate,
    mandates::get_mandate_bank_account,
    mandates::suspend_mandate,
    mandates::revoke_mandate,
    collections::list_direct_debits,
    collections::build_debit_collection,
    collections::list_debit_collections,
    collections::get_debit_collection,
    collections::download_debit_collection,
    collections::record_debit_outcome,
    collections::import_debit_report,
}

//! The family file: the dossier, its children and their health information, its
//! documents and requests (démarches), its quotient looked up at the CAF or MSA, and the import of the city's existing dossiers.

pub mod documents;
pub mod family;
pub mod households;
pub mod imports;
pub mod quotient_lookups;
pub mod renewals;
pub mod requests;
pub mod requirements;
pub mod staff;
pub mod views;

super::operations! {
    family::get_my_dossier,
    family::change_my_contact_details,
    family::list_my_children,
    family::get_my_child,
    family::get_my_child_health,
    documents::upload_my_document,
    documents::list_my_documents,
    documents::get_my_document,
    documents::download_my_document,
    requirements::list_document_requirements,
    requirements::get_my_required_documents,
    requests::file_request,
    requests::list_my_requests,
    requests::get_my_request,
    quotient_lookups::look_up_my_family_quotient,
    renewals::get_my_renewal,
    renewals::confirm_my_renewal_section,
    renewals::submit_my_renewal,
    staff::list_dossiers,
    staff::create_dossier,
    staff::get_dossier,
    staff::update_dossier,
    staff::add_child,
    staff::get_child,
    staff::update_child,
    staff::get_child_health,
    staff::update_child_health,
    staff::record_family_quotient,
    quotient_lookups::look_up_family_quotient,
    documents::upload_dossier_document,
    documents::list_dossier_documents,
    documents::get_document,
    documents::download_document,
    requirements::review_document,
    requirements::get_required_documents,
    requirements::put_document_requirement,
    requirements::delete_document_requirement,
    imports::check_dossier_import,
    imports::get_dossier_import,
    imports::list_dossier_import_rows,
    imports::confirm_dossier_import,
    requests::list_requests,
    requests::get_request,
    requests::decide_request,
    renewals::create_renewal_campaign,
    renewals::list_renewal_campaigns,
    renewals::get_renewal_campaign,
    renewals::update_renewal_campaign,
    renewals::list_renewals,
    renewals::get_renewal,
    renewals::decide_renewal,
    households::get_my_child_custody,
    households::get_child_households,
    households::link_child_household,
    households::unlink_child_household,
    households::set_child_custody,
    households::set_dossier_confidentiality,
}

//! Which scope each operation needs from a third-party app's token. Deny by default:
//! an operation missing from [`required_scope`] (the back office, passwords, exports,
//! the app grants themselves, calendar feeds, whose secret link would outlive the
//! grant) is out of every app's reach. The same table writes the
//! `oauth2` security of each operation in `openapi.yaml`, and [`ScopeTable`] applies it
//! to requests by route, so the contract and the server cannot disagree.

use std::collections::HashMap;

use actix_web::http::Method;
use domain::accounts::scopes::Scope;
use serde_json::Value;

use crate::openapi::operation_table::OperationTable;

/// The scope an app's token needs for the operation, if apps may call it at all.
pub fn required_scope(operation_id: &str) -> Option<Scope> {
    use Scope::*;
    Some(match operation_id {
        "getMe" => Profile,
        "getMyDossier"
        | "listMyChildren"
        | "getMyChild"
        | "getMyChildHealth"
        | "getMyRenewal"
        | "getMyChildCustody"
        | "listMyDocuments"
        | "getMyDocument"
        | "downloadMyDocument"
        | "getMyRequiredDocuments"
        | "listMyRequests"
        | "getMyRequest"
        | "listChildOffers"
        | "listChildRegistrations"
        | "listMyRegistrations"
        | "getMyRegistration" => DossierRead,
        "changeMyContactDetails"
        | "uploadMyDocument"
        | "fileRequest"
        | "confirmMyRenewalSection"
        | "submitMyRenewal"
        | "lookUpMyFamilyQuotient" => DossierWrite,
        "getMyPlanning"
        | "getMyChildPlanning"
        | "getMyPlanningDraft"
        | "getDeadlineTable"
        | "listHolidayWeeks"
        | "getMyBasket"
        | "getBasket"
        | "listMyHolidayWeeks"
        | "listMyHolidayWeekWaitlist" => PlanningRead,
        "discardMyPlanningDraft"
        | "addPlanningDraftChanges"
        | "validateMyPlanningDraft"
        | "registerChild"
        | "cancelRegistration"
        | "addBasketItem"
        | "removeBasketItem"
        | "checkoutBasket"
        | "cancelHolidayWeek"
        | "swapHolidayWeek"
        | "joinHolidayWeekWaitlist" => PlanningWrite,
        "listInvoices"
        | "getInvoice"
        | "getInvoicePdf"
        | "getAccountStatement"
        | "listMyAccountCredits"
        | "issueMyChildcareTaxCertificate"
        | "issueMyAttendanceCertificate"
        | "issueMyPaymentReceipt"
        | "getOnlinePayment"
        | "getDirectDebitCreditor"
        | "listMyMandates"
        | "getMyMandate"
        | "listMyDirectDebits" => InvoicesRead,
        "startInvoicePayment" | "startBasketPayment" | "signMyMandate" | "revokeMyMandate" => {
            Payments
        }
        "listMyNotifications"
        | "countMyUnreadNotifications"
        | "readAllMyNotifications"
        | "readMyNotification"
        | "getMyNotificationPreferences"
        | "setMyNotificationPreferences"
        | "registerMyPushSubscription"
        | "listMyPushSubscriptions"
        | "deleteMyPushSubscription" => Notifications,
        _ => return None,
    })
}

/// The scope each route needs, by method and route pattern as the router matched it.
#[derive(Debug, Default)]
pub struct ScopeTable {
    routes: HashMap<(Method, String), Scope>,
}

impl ScopeTable {
    /// Read from the OpenAPI document's operations.
    pub fn from_spec(spec: &Value) -> Self {
        let routes = OperationTable::from_spec(spec)
            .iter()
            .filter_map(|(method, path, id)| {
                required_scope(id).map(|scope| ((method.clone(), path.to_owned()), scope))
            })
            .collect();
        Self { routes }
    }

    /// What an app needs for this route; `None`: no app may call it.
    pub fn required(&self, method: &Method, pattern: &str) -> Option<Scope> {
        let method = if method == Method::HEAD {
            &Method::GET
        } else {
            method
        };
        self.routes
            .get(&(method.clone(), pattern.to_owned()))
            .copied()
    }
}

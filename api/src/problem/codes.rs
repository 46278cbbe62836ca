//! Every problem `code` the API answers, with its status and meaning: what client
//! developers switch on (README, "For client developers"), and all that an operation's
//! `x-problem-codes` may name (the document is not built with another one).

/// `(code, HTTP status, meaning)`, grouped as the README lists them.
pub const PROBLEM_CODES: &[(&str, u16, &str)] = &[
    // Any operation.
    (
        "validation_failed",
        400,
        "A value breaks a rule (a NUL character in any text, a field out of range...): `errors` names each field, with a code and a message to show next to it.",
    ),
    ("malformed_json", 400, "The body is not valid JSON."),
    (
        "unknown_field",
        400,
        "The body names a field the operation does not take: `errors` names it. Nothing was saved.",
    ),
    (
        "invalid_body",
        400,
        "The body's JSON does not have the operation's shape (a missing field, a wrong type): `errors` names the field when it can.",
    ),
    (
        "invalid_path_parameter",
        400,
        "A path parameter is not of its type (an id that is not a number).",
    ),
    (
        "invalid_query_parameter",
        400,
        "A query parameter is not of its type or value list, or a required one is missing.",
    ),
    (
        "unauthorized",
        401,
        "No valid access token: missing, malformed, expired, or its session ended. Sign in or refresh.",
    ),
    (
        "forbidden",
        403,
        "The account's role may not do this (a family on the back office, an agent on an admin's operation).",
    ),
    (
        "consent_required",
        403,
        "The family must first accept the current terms or privacy policy (`errors` names which): `POST /me/consents`.",
    ),
    (
        "not_found",
        404,
        "No such resource, or not the caller's (another family's child answers the same).",
    ),
    (
        "method_not_allowed",
        405,
        "The path exists but not with this method: `Allow` lists those it takes.",
    ),
    (
        "precondition_failed",
        412,
        "The resource changed since it was read (`If-Match`): read it again.",
    ),
    (
        "precondition_required",
        428,
        "This update needs the `If-Match` header with the `ETag` read.",
    ),
    (
        "payload_too_large",
        413,
        "The body is larger than the operation accepts.",
    ),
    (
        "unsupported_media_type",
        415,
        "The body is not sent with a media type the operation takes.",
    ),
    (
        "too_many_attempts",
        429,
        "Too many failed attempts from this account or address: wait `Retry-After` seconds.",
    ),
    (
        "internal_error",
        500,
        "An unexpected error; the server's log has the cause (give the `requestId`).",
    ),
    (
        "database_unavailable",
        503,
        "The database cannot be reached: try again after `Retry-After` seconds.",
    ),
    // Signing in and accounts.
    ("invalid_credentials", 401, "Wrong username or password."),
    (
        "account_not_activated",
        403,
        "The account is not activated yet: follow the emailed link or ask for a new one.",
    ),
    (
        "account_disabled",
        403,
        "The account was disabled by the city.",
    ),
    (
        "invalid_refresh_token",
        401,
        "The refresh token is unknown or expired: sign in again.",
    ),
    (
        "refresh_token_reused",
        401,
        "A refresh token was used twice: the whole session was ended for safety.",
    ),
    (
        "invalid_token",
        400,
        "The link's token is not valid or was already used.",
    ),
    (
        "activation_link_expired",
        410,
        "The activation link expired (72 hours): ask for a new one.",
    ),
    (
        "reset_link_expired",
        410,
        "The password reset link expired (1 hour): ask again.",
    ),
    (
        "email_change_link_expired",
        410,
        "The email change link expired: change the address again.",
    ),
    (
        "wrong_current_password",
        422,
        "The current password given is not the account's.",
    ),
    (
        "email_taken",
        409,
        "Another account uses this email address.",
    ),
    (
        "account_not_pending",
        409,
        "The account is already activated.",
    ),
    (
        "cannot_disable_self",
        409,
        "An admin cannot disable their own account.",
    ),
    (
        "legal_version_exists",
        409,
        "This version of the document is already published.",
    ),
    (
        "legal_version_outdated",
        409,
        "A newer version of the document was published: accept that one.",
    ),
    // Sign-up.
    (
        "signup_not_found",
        404,
        "The sign-up does not exist or expired: start again.",
    ),
    (
        "signup_step_out_of_order",
        409,
        "A previous step of the sign-up is not done.",
    ),
    (
        "signup_incomplete",
        409,
        "Some steps of the sign-up are not done yet.",
    ),
    ("username_taken", 409, "Another account has this username."),
    (
        "dossier_references_mismatch",
        422,
        "The dossier references do not match a family file of the city.",
    ),
    // The family file.
    (
        "dossier_number_taken",
        409,
        "Another family file has this number.",
    ),
    (
        "request_already_decided",
        409,
        "The request was already accepted or refused.",
    ),
    (
        "unsupported_file_type",
        422,
        "The file is not a PDF, JPEG or PNG (by its content).",
    ),
    (
        "document_kind_reserved",
        422,
        "Families cannot upload documents of this kind (the city issues them).",
    ),
    (
        "storage_quota_exceeded",
        422,
        "The family's documents would exceed their storage quota.",
    ),
    (
        "import_unreadable",
        422,
        "The CSV file cannot be read (not UTF-8, records that cannot be split).",
    ),
    (
        "import_already_confirmed",
        409,
        "The import was already confirmed.",
    ),
    (
        "import_outdated",
        409,
        "The data changed since the import was checked: check it again.",
    ),
    // Activities, baskets, payments.
    (
        "not_eligible",
        422,
        "The activity is not offered to this child (age, school level, dates).",
    ),
    (
        "already_registered",
        409,
        "The child already has a live registration to this activity.",
    ),
    ("activity_full", 422, "No place is left in the group."),
    (
        "registration_already_decided",
        409,
        "The registration was already decided.",
    ),
    (
        "not_cancellable",
        422,
        "This registration cannot be cancelled online.",
    ),
    (
        "prepaid_activity",
        422,
        "The activity is booked and paid by the week, in a basket.",
    ),
    (
        "activity_kind_taken",
        409,
        "An activity kind with this code exists.",
    ),
    (
        "places_left",
        409,
        "The week still has places: book it rather than join its waiting line.",
    ),
    ("basket_empty", 422, "The basket has no week to check out."),
    (
        "basket_not_open",
        409,
        "The basket is no longer open (held for payment, paid or given up).",
    ),
    (
        "idempotency_key_reused",
        422,
        "This `Idempotency-Key` was used with another body.",
    ),
    (
        "payments_unavailable",
        422,
        "Online payment is not set up for this city.",
    ),
    ("nothing_to_pay", 409, "Nothing is left to pay."),
    (
        "payment_service_unavailable",
        503,
        "The payment service cannot be reached: try again later.",
    ),
    (
        "payment_refused_by_service",
        422,
        "The payment service refused to start the payment.",
    ),
    // Billing.
    (
        "billing_run_in_progress",
        409,
        "A billing run for this month is under way.",
    ),
    (
        "amount_exceeds_balance",
        422,
        "The payment is more than what is left to pay.",
    ),
    (
        "credit_exceeds_invoice",
        422,
        "The credit note is more than the invoice's lines.",
    ),
    // Answered by the HTTP layer itself rather than an operation.
    (
        "bad_request",
        400,
        "The request could not be read as HTTP (a malformed request line or header).",
    ),
    (
        "uri_too_long",
        414,
        "The path and query are longer than the server reads.",
    ),
    (
        "headers_too_large",
        431,
        "The request's headers are larger than the server reads.",
    ),
];

/// Whether `code` is one the API answers.
pub fn is_problem_code(code: &str) -> bool {
    PROBLEM_CODES.iter().any(|(known, _, _)| *known == code)
}

/// The problem codes an error response's description names, in backticks (the
/// convention of every operation's `responses`); other backticked words (fields, field
/// error codes) are not problem codes.
pub fn codes_in(description: &str) -> Vec<&'static str> {
    let mut codes = Vec::new();
    for quoted in description.split('`').skip(1).step_by(2) {
        if let Some((known, _, _)) = PROBLEM_CODES.iter().find(|(known, _, _)| *known == quoted)
            && !codes.contains(known)
        {
            codes.push(*known);
        }
    }
    codes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_from_a_description() {
        assert_eq!(
            codes_in(
                "No such child (`not_found`), or `childId` is wrong (`validation_failed`: `too_long`), or not found (`not_found`)."
            ),
            ["not_found", "validation_failed"]
        );
    }

    #[test]
    fn each_code_is_listed_once() {
        let mut codes: Vec<&str> = PROBLEM_CODES.iter().map(|(c, _, _)| *c).collect();
        codes.sort_unstable();
        let count = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), count);
    }
}

//! Every problem `code` the API answers, with its status and meaning: what client
//! developers switch on (README, "For client developers"), and all that an operation's
//! `x-problem-codes` may name, each under its own status only (the document is not
//! built otherwise). The HTTP layer's codes are listed here; the use cases' refusals
//! come from their areas' enums (`usecases::refusal`).

use std::sync::LazyLock;

use crate::usecases::Refusal;

/// `(code, HTTP status, meaning)`.
pub type ProblemCode = (&'static str, u16, &'static str);

/// The codes the HTTP layer answers itself, whatever the operation.
const HTTP_CODES: &[ProblemCode] = &[
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
    (
        "shutting_down",
        503,
        "Readiness only: the instance is stopping, a load balancer sends to the others.",
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

/// Every code the API answers: the HTTP layer's, then each area's refusals (a code
/// several refusals share is listed once).
pub fn problem_codes() -> &'static [ProblemCode] {
    static CODES: LazyLock<Vec<ProblemCode>> = LazyLock::new(|| {
        let mut codes = HTTP_CODES.to_vec();
        for text in Refusal::all().map(Refusal::text) {
            if let Some(meaning) = text.meaning
                && !codes.iter().any(|(code, _, _)| *code == text.code)
            {
                codes.push((text.code, text.status, meaning));
            }
        }
        codes
    });
    &CODES
}

/// The status `code` is answered with, if the API answers it.
pub fn status_of(code: &str) -> Option<u16> {
    problem_codes()
        .iter()
        .find(|(known, _, _)| *known == code)
        .map(|(_, status, _)| *status)
}

/// The problem codes an error response's description names, in backticks (the
/// convention of every operation's `responses`); other backticked words (fields, field
/// error codes) are not problem codes.
pub fn codes_in(description: &str) -> Vec<&'static str> {
    let mut codes = Vec::new();
    for quoted in description.split('`').skip(1).step_by(2) {
        if let Some((known, _, _)) = problem_codes()
            .iter()
            .find(|(known, _, _)| *known == quoted)
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
        let mut codes: Vec<&str> = problem_codes().iter().map(|(c, _, _)| *c).collect();
        codes.sort_unstable();
        let count = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), count);
    }

    /// A code means one error status, whichever refusal answers it (the answer's
    /// status is read from it); a refusal without its own meaning answers a code the
    /// HTTP layer lists.
    #[test]
    fn every_refusal_answers_a_listed_code_with_its_status() {
        for refusal in Refusal::all() {
            let text = refusal.text();
            assert!((400..600).contains(&text.status), "{refusal:?}");
            assert_eq!(status_of(text.code), Some(text.status), "{refusal:?}");
            if text.meaning.is_none() {
                assert!(
                    HTTP_CODES.iter().any(|(code, _, _)| *code == text.code),
                    "{refusal:?}"
                );
            }
        }
    }
}

//! The legal documents every family accepts, each in its current version.

use crate::stored::stored_enum;

stored_enum! {
    /// Which legal document: the terms come first wherever both are listed.
    LegalDocumentKind {
        /// The terms of use (conditions générales d'utilisation).
        Terms => "terms",
        /// The privacy policy (politique de confidentialité).
        Privacy => "privacy",
    }
}

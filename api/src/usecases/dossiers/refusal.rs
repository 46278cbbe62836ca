//! The family file area's refusals, each with its status, code and words.

use crate::usecases::refusal::refusals;

refusals! {
    /// What the family-file use cases refuse: dossier numbers, requests, documents, CSV
    /// imports.
    pub enum DossierRefusal in Dossier {
        DossierNumberTaken => {
            status: 409,
            code: "dossier_number_taken",
            meaning: "Another family file has this number.",
            title: ("Numéro de dossier déjà utilisé", "Dossier number taken"),
            detail: (
                "Un autre dossier porte déjà ce numéro.",
                "Another dossier already has this number.",
            ),
        },
        RequestAlreadyDecided => {
            status: 409,
            code: "request_already_decided",
            meaning: "The request was already accepted or refused.",
            title: ("Démarche déjà traitée", "Request already decided"),
            detail: (
                "Cette démarche a déjà reçu une réponse.",
                "This request was already decided.",
            ),
        },
        /// A family may not upload this kind of document (the city issues it).
        DocumentKindReserved => {
            status: 422,
            code: "document_kind_reserved",
            meaning: "Families cannot upload documents of this kind (the city issues them).",
            title: ("Type de document réservé", "Document kind reserved"),
            detail: (
                "Les factures et attestations sont émises par la ville.",
                "Invoices and certificates are issued by the city.",
            ),
        },
        /// The dossier's documents would take more than the city allows.
        StorageQuotaExceeded => {
            status: 422,
            code: "storage_quota_exceeded",
            meaning: "The family's documents would exceed their storage quota.",
            title: ("Espace de stockage plein", "Storage quota exceeded"),
            detail: (
                "Les documents de votre dossier occupent déjà tout l'espace permis : contactez le service Enfance.",
                "The dossier's documents already take all the space allowed: contact the city's services.",
            ),
        },
        /// The CSV cannot be read (encoding, quoting, header).
        ImportUnreadable => {
            status: 422,
            code: "import_unreadable",
            meaning: "The CSV file cannot be read (not UTF-8, records that cannot be split).",
            title: ("Fichier illisible", "Unreadable file"),
            detail: (
                "Le fichier doit être un CSV encodé en UTF-8 (séparateur « ; » ou « , ») dont la première ligne nomme les colonnes.",
                "The file must be a UTF-8 CSV (separator ';' or ',') whose first line names the columns.",
            ),
        },
        ImportAlreadyConfirmed => {
            status: 409,
            code: "import_already_confirmed",
            meaning: "The import was already confirmed.",
            title: ("Import déjà effectué", "Import already confirmed"),
            detail: (
                "Cet import a déjà été confirmé.",
                "This import was already confirmed.",
            ),
        },
        /// The dossiers changed since the dry run: the plan would differ.
        ImportOutdated => {
            status: 409,
            code: "import_outdated",
            meaning: "The data changed since the import was checked: check it again.",
            title: ("Vérification à refaire", "Check outdated"),
            detail: (
                "Des dossiers ont changé depuis la vérification : déposez à nouveau le fichier pour le vérifier.",
                "Dossiers changed since the check: upload the file again to check it.",
            ),
        },
    }
}

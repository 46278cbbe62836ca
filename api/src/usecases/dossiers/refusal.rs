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
            meaning: "Invoices and certificates are the city's: families cannot upload them, and they are neither required nor reviewed.",
            title: ("Type de document réservé", "Document kind reserved"),
            detail: (
                "Les factures et attestations sont émises par la ville : elles ne se déposent pas, ne sont pas exigées et ne se vérifient pas.",
                "Invoices and certificates are issued by the city: they are not uploaded, required or reviewed.",
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
        /// A campaign exists already for the school year.
        RenewalCampaignExists => {
            status: 409,
            code: "renewal_campaign_exists",
            meaning: "A renewal campaign exists already for this school year: change its dates instead.",
            title: ("Campagne déjà ouverte", "Campaign exists"),
            detail: (
                "Une campagne de renouvellement existe déjà pour cette année scolaire : modifiez-la plutôt.",
                "A renewal campaign exists already for this school year: change it instead.",
            ),
        },
        /// The section cannot be confirmed while its information is incomplete.
        RenewalSectionIncomplete => {
            status: 422,
            code: "renewal_section_incomplete",
            meaning: "The section lacks information (`errors` says what): complete the dossier, then confirm it.",
            title: ("Informations incomplètes", "Section incomplete"),
            detail: (
                "Cette partie de votre dossier est incomplète : complétez-la, puis confirmez-la.",
                "This part of your file is incomplete: complete it, then confirm it.",
            ),
        },
        /// Sent before every section was confirmed.
        RenewalIncomplete => {
            status: 422,
            code: "renewal_incomplete",
            meaning: "Sections of the renewal are not confirmed yet (`errors` names each).",
            title: ("Renouvellement incomplet", "Renewal incomplete"),
            detail: (
                "Confirmez chaque partie de votre dossier avant de l'envoyer.",
                "Confirm each part of your file before sending it.",
            ),
        },
        /// The renewal was sent or validated: the family can no longer change it.
        RenewalLocked => {
            status: 409,
            code: "renewal_locked",
            meaning: "The renewal was sent to the city or validated: it can no longer be changed.",
            title: ("Renouvellement envoyé", "Renewal sent"),
            detail: (
                "Votre renouvellement a été envoyé au service Enfance (ou validé) : il ne peut plus être modifié.",
                "Your renewal was sent to the city (or validated): it can no longer be changed.",
            ),
        },
        /// The decision does not apply to the renewal as it stands.
        RenewalAlreadyDecided => {
            status: 409,
            code: "renewal_already_decided",
            meaning: "The renewal is validated already, or was not sent: it cannot be sent back.",
            title: ("Décision impossible", "Decision not possible"),
            detail: (
                "Ce renouvellement est déjà validé, ou n'a pas été envoyé : il ne peut pas être renvoyé à la famille.",
                "This renewal is validated already, or was not sent: it cannot be sent back.",
            ),
        },
        /// A registration for a school year whose renewal is not validated.
        RenewalRequired => {
            status: 422,
            code: "renewal_required",
            meaning: "Registrations for this school year need the family file renewed and validated first (`errors` says what is missing).",
            title: ("Renouvellement du dossier requis", "Renewal required"),
            detail: (
                "Les inscriptions pour cette année scolaire demandent le renouvellement de votre dossier famille, validé par le service Enfance.",
                "Registrations for this school year need your family file renewed and validated by the city.",
            ),
        },
        /// The city has no access to API Particulier.
        QuotientLookupNotOffered => {
            status: 422,
            code: "quotient_lookup_not_offered",
            meaning: "The city does not look quotients up at the CAF or MSA: send a proof of income instead.",
            title: ("Consultation du quotient non proposée", "Quotient lookup not offered"),
            detail: (
                "La ville ne consulte pas le quotient familial auprès de la CAF ou de la MSA : transmettez votre attestation par une démarche « quotient familial ».",
                "The city does not look the family quotient up at the CAF or MSA: send your certificate through a family-quotient request.",
            ),
        },
        /// No CAF or MSA file matches the identity given.
        QuotientNotFound => {
            status: 422,
            code: "quotient_not_found",
            meaning: "No CAF or MSA file matches the identity given: check it, or send a proof of income.",
            title: ("Quotient introuvable", "Quotient not found"),
            detail: (
                "Aucun dossier CAF ou MSA ne correspond à cette identité. Vérifiez le nom de naissance, les prénoms et le lieu de naissance de l'allocataire, ou transmettez votre attestation par une démarche « quotient familial ».",
                "No CAF or MSA file matches this identity. Check the beneficiary's birth name, first names and birthplace, or send your certificate through a family-quotient request.",
            ),
        },
        /// The CAF or MSA file found is not one of the dossier's guardians'.
        QuotientNotAGuardian => {
            status: 422,
            code: "quotient_not_a_guardian",
            meaning: "The CAF or MSA file found is not that of one of the dossier's guardians (names compared, case and accents aside): nothing recorded; check the guardians' names, or send a proof of income.",
            title: ("Allocataire étranger au dossier", "Beneficiary not in the dossier"),
            detail: (
                "Le dossier CAF ou MSA trouvé n'est pas celui d'un des responsables de ce dossier famille ; aucun quotient n'a été enregistré. Vérifiez que le nom et le prénom de l'allocataire sont ceux d'un responsable du dossier, ou transmettez votre attestation par une démarche « quotient familial ».",
                "The CAF or MSA file found is not that of one of this dossier's guardians; no quotient was recorded. Check that the beneficiary's name and first name are those of a guardian of the dossier, or send your certificate through a family-quotient request.",
            ),
        },
        /// Several CAF or MSA files match the identity given.
        QuotientSeveralFound => {
            status: 422,
            code: "quotient_several_found",
            meaning: "Several CAF or MSA files match the identity given: add every first name and the birthplace, or send a proof of income.",
            title: ("Plusieurs dossiers correspondent", "Several files match"),
            detail: (
                "Plusieurs dossiers CAF ou MSA correspondent à cette identité. Indiquez tous les prénoms et la commune de naissance de l'allocataire, ou transmettez votre attestation par une démarche « quotient familial ».",
                "Several CAF or MSA files match this identity. Give every first name and the birth commune, or send your certificate through a family-quotient request.",
            ),
        },
        /// API Particulier does not answer.
        QuotientServiceUnavailable => {
            status: 503,
            code: "quotient_service_unavailable",
            meaning: "The CAF and MSA lookup service cannot be reached: no quotient was recorded; try again later or send a proof of income.",
            title: ("Service de consultation indisponible", "Lookup service unavailable"),
            detail: (
                "Le service de consultation de la CAF et de la MSA ne répond pas ; aucun quotient n'a été enregistré. Réessayez plus tard ou transmettez votre attestation par une démarche « quotient familial ».",
                "The CAF and MSA lookup service does not answer; no quotient was recorded. Try again later or send your certificate through a family-quotient request.",
            ),
        },
        /// A family's change of a day in the custody of the child's other household.
        NotInCustody => {
            status: 422,
            code: "not_in_custody",
            meaning: "The day is in the custody of the child's other household (separated parents): that household books, cancels and pays it.",
            title: ("Garde de l'autre parent", "Other parent's custody"),
            detail: (
                "Ce jour relève de la garde de l'autre parent : c'est à lui de le réserver ou de l'annuler.",
                "This day is in the other parent's custody: it is theirs to book or cancel.",
            ),
        },
        /// The child already has a second household.
        SecondHouseholdExists => {
            status: 409,
            code: "second_household_exists",
            meaning: "The child already has two households: end the second one's link first.",
            title: ("Deuxième foyer déjà rattaché", "Second household already linked"),
            detail: (
                "Cet enfant est déjà rattaché à deux foyers : retirez d'abord le second.",
                "This child already belongs to two households: remove the second one first.",
            ),
        },
        /// The dossier is already the child's household.
        SameHousehold => {
            status: 422,
            code: "same_household",
            meaning: "The dossier is already one of the child's households.",
            title: ("Même foyer", "Same household"),
            detail: (
                "Ce dossier est déjà un foyer de l'enfant.",
                "This dossier is already one of the child's households.",
            ),
        },
        /// A custody schedule for a child with one household.
        NoSecondHousehold => {
            status: 409,
            code: "no_second_household",
            meaning: "The child has one household: link a second one before setting a custody schedule.",
            title: ("Un seul foyer", "One household"),
            detail: (
                "Cet enfant n'a qu'un foyer : rattachez d'abord le second avant de fixer la garde.",
                "This child has one household: link the second one before setting custody.",
            ),
        },
        /// A custody schedule from a day of a month already billed to either household.
        CustodyMonthBilled => {
            status: 409,
            code: "custody_month_billed",
            meaning: "A household of the child is billed for that month already: a custody schedule applies from the first month not billed yet.",
            title: ("Mois déjà facturé", "Month already billed"),
            detail: (
                "Ce mois est déjà facturé à l'un des foyers de l'enfant : la nouvelle garde ne peut s'appliquer qu'à partir du premier mois non facturé.",
                "This month is already billed to one of the child's households: the new custody can only apply from the first month not billed.",
            ),
        },
        /// The request named is not an accepted second-household request of either household.
        RequestMismatch => {
            status: 422,
            code: "request_mismatch",
            meaning: "The request named is not an accepted `second_household` request filed by either household.",
            title: ("Démarche sans rapport", "Unrelated request"),
            detail: (
                "La démarche indiquée n'est pas une demande de rattachement acceptée, déposée par l'un des deux foyers.",
                "The request given is not an accepted second-household request filed by either household.",
            ),
        },
    }
}

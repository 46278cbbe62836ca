//! The family file as clients see it: the views and forms shared by the family's
//! pages and the back office, and their conversion to and from the store.

use crate::usecases::dossiers::FamilyQuotient;
use crate::usecases::dossiers::{Child, ChildFields, HealthFields};
use crate::usecases::dossiers::{Contact, ContactDetails, Guardian, NewContact, NewGuardian};
use crate::usecases::utc;
use chrono::{DateTime, NaiveDate, Utc};
use domain::dossiers::{
    ContactField, ContactKind, Diet, DocumentKind, DocumentOrigin, DocumentStatus, FieldProblem,
    PriceBasis, QuotientProvider, QuotientSource, Relationship, SchoolLevel, normalise_phone,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::openapi::enums::{api_enum, mirror_enum};
use crate::problem::{FieldError, field_error};
use crate::usecases::dossiers::DossierRecord;

mirror_enum! {
    /// A French school level: maternelle (`PS` to `GS`), then élémentaire (`CP` to `CM2`).
    SchoolLevelView => SchoolLevel {
        /// Petite section de maternelle (about 3 years old).
        Ps = "PS",
        /// Moyenne section de maternelle (about 4).
        Ms = "MS",
        /// Grande section de maternelle (about 5).
        Gs = "GS",
        /// Cours préparatoire, the first year of élémentaire (about 6).
        Cp = "CP",
        /// Cours élémentaire 1re année (about 7).
        Ce1 = "CE1",
        /// Cours élémentaire 2e année (about 8).
        Ce2 = "CE2",
        /// Cours moyen 1re année (about 9).
        Cm1 = "CM1",
        /// Cours moyen 2e année, the last year of élémentaire (about 10).
        Cm2 = "CM2",
    }
}

mirror_enum! {
    /// The meals the canteen serves a child (a non-religious list: the city's rule).
    DietView => Diet {
        /// The standard menu.
        Standard = "standard",
        /// The vegetarian menu, without meat or fish.
        Vegetarian = "vegetarian",
        /// The standard menu without its meat (sans viande).
        NoMeat = "no_meat",
        /// A packed meal brought from home, under a care plan (PAI).
        PackedMeal = "packed_meal",
    }
}

mirror_enum! {
    /// A guardian's tie to the children.
    RelationshipView => Relationship {
        /// The children's mother.
        Mother = "mother",
        /// The children's father.
        Father = "father",
        /// A legal guardian (tuteur, tutrice).
        Guardian = "guardian",
        /// Another tie.
        Other = "other",
    }
}

mirror_enum! {
    /// What a person the family names is for.
    ContactKindView => ContactKind {
        /// Authorised to collect the children.
        Pickup = "pickup",
        /// To call first in an emergency.
        Emergency = "emergency",
    }
}

mirror_enum! {
    /// What a document is.
    DocumentKindView => DocumentKind {
        /// A health form (fiche sanitaire); agents' downloads of it are audited.
        HealthForm = "health_form",
        /// A proof of income, for the family quotient (avis d'imposition, CAF
        /// statement).
        IncomeProof = "income_proof",
        /// A proof of address (justificatif de domicile).
        AddressProof = "address_proof",
        /// An invoice; issued by the city only.
        Invoice = "invoice",
        /// A certificate (attestation); issued by the city only.
        Certificate = "certificate",
        /// Any other document.
        Other = "other",
        /// A school insurance certificate (attestation d'assurance scolaire et
        /// extrascolaire).
        SchoolInsurance = "school_insurance",
        /// The vaccination pages of the health record (carnet de santé); agents'
        /// downloads of them are audited.
        VaccinationRecord = "vaccination_record",
        /// A care plan (PAI, projet d'accueil individualisé) for a child's allergy or
        /// illness; agents' downloads of it are audited.
        CarePlan = "care_plan",
        /// A SEPA direct debit mandate the family signed; filed by the city only.
        DirectDebitMandate = "direct_debit_mandate",
    }
}

mirror_enum! {
    /// Where an agent's review of a document stands.
    DocumentStatusView => DocumentStatus {
        /// Uploaded by the family, waiting for an agent; it already counts for what the
        /// city requires.
        Pending = "pending",
        /// Accepted by an agent, or filed by the city.
        Accepted = "accepted",
        /// Refused by an agent (`reviewReason` says why): send another.
        Refused = "refused",
    }
}

mirror_enum! {
    /// Who put a document in the dossier.
    DocumentOriginView => DocumentOrigin {
        /// Uploaded by the family.
        Family = "family",
        /// Issued by the city (the family's dematerialised documents).
        City = "city",
    }
}

mirror_enum! {
    /// A group of contact details that a family changes as a whole.
    ContactFieldView => ContactField {
        /// The postal address (both lines, postcode, city).
        Address = "address",
        /// The home, mobile and work phone numbers.
        Phones = "phones",
        /// The dossier's email address.
        Email = "email",
    }
}

/// Collects field errors while converting a form.
#[derive(Debug, Default)]
pub struct Checks(pub Vec<FieldError>);

impl Checks {
    pub fn check<T>(&mut self, field: &str, result: Result<T, FieldProblem>) -> Option<T> {
        result.map_err(|p| self.0.push(field_error(field, p))).ok()
    }

    /// An optional phone: empty means none.
    pub fn phone(&mut self, field: &str, phone: Option<&str>) -> Option<Option<String>> {
        match phone.map(str::trim).filter(|p| !p.is_empty()) {
            None => Some(None),
            Some(p) => self.check(field, normalise_phone(p)).map(Some),
        }
    }

    /// An optional email, lowercased; empty means none.
    pub fn email(&mut self, field: &str, email: Option<&str>) -> Option<Option<String>> {
        match email.map(str::trim).filter(|e| !e.is_empty()) {
            None => Some(None),
            Some(e) => self
                .check(
                    field,
                    domain::accounts::Email::parse(e).map_err(FieldProblem::from),
                )
                .map(|e| Some(e.key())),
        }
    }

    pub fn name(&mut self, field: &str, name: &str) -> Option<String> {
        self.check(
            field,
            domain::accounts::PersonName::parse(name)
                .map(|n| n.as_str().to_owned())
                .map_err(FieldProblem::from),
        )
    }

    pub fn finish<T>(self, value: Option<T>) -> Result<T, crate::problem::ApiError> {
        match value {
            Some(value) if self.0.is_empty() => Ok(value),
            _ => Err(crate::problem::ApiError::validation(self.0)),
        }
    }
}

/// A postal address in France.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AddressView {
    /// The number and street; empty while unknown.
    #[validate(length(max = 200))]
    #[schema(max_length = 200, example = "12 rue Jean Jaurès")]
    pub line1: String,
    /// The rest of the address (building, floor, letterbox); empty when there is
    /// none, and when left out.
    #[validate(length(max = 200))]
    #[schema(max_length = 200, example = "Bâtiment B, 3e étage")]
    #[serde(default)]
    pub line2: String,
    /// Five digits; empty while unknown.
    #[validate(length(max = 5))]
    #[schema(max_length = 5, example = "94800")]
    pub postcode: String,
    /// The town; empty while unknown.
    #[validate(length(max = 100))]
    #[schema(max_length = 100, example = "Villejuif")]
    pub city: String,
}

/// Phone numbers, kept as digits with an optional leading `+`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PhonesView {
    /// The home (landline) number; null when there is none.
    #[validate(length(max = 30))]
    #[schema(max_length = 30, example = "0145592000")]
    pub home: Option<String>,
    /// The mobile number; null when there is none.
    #[validate(length(max = 30))]
    #[schema(max_length = 30, example = "0612345678")]
    pub mobile: Option<String>,
    /// The work number; null when there is none.
    #[validate(length(max = 30))]
    #[schema(max_length = 30, example = "0143901234")]
    pub work: Option<String>,
}

/// A guardian of the children (responsable légal), named on the dossier.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GuardianView {
    /// Their tie to the children.
    pub relationship: RelationshipView,
    /// Their first name.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "Camille")]
    pub first_name: String,
    /// Their last name.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "TI")]
    pub last_name: String,
    /// Their email address, lowercased; null when unknown.
    #[validate(length(max = 254))]
    #[schema(max_length = 254, example = "famille.ti@exemple.fr")]
    pub email: Option<String>,
    /// Their mobile number (digits, optional leading `+`); null when unknown.
    #[validate(length(max = 30))]
    #[schema(max_length = 30, example = "0612345678")]
    pub mobile_phone: Option<String>,
    /// Their work number (digits, optional leading `+`); null when unknown.
    #[validate(length(max = 30))]
    #[schema(max_length = 30, example = "0143901234")]
    pub work_phone: Option<String>,
}

/// An authorised pick-up person or an emergency contact.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ContactView {
    /// Whether they may collect the children or are to be called in an emergency.
    pub kind: ContactKindView,
    /// Their first name.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "Rose")]
    pub first_name: String,
    /// Their last name.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "TI")]
    pub last_name: String,
    /// Their tie to the family, in words ("grand-mère", "voisin").
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50, example = "grand-mère")]
    pub relationship: String,
    /// The number to call (digits, optional leading `+`).
    #[validate(length(min = 1, max = 30))]
    #[schema(min_length = 1, max_length = 30, example = "0698765432")]
    pub phone: String,
}

/// A child of a family's dossier.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChildView {
    /// The child's id.
    pub id: i64,
    /// The child's first name.
    #[schema(example = "Luc")]
    pub first_name: String,
    /// The child's last name.
    #[schema(example = "TI")]
    pub last_name: String,
    /// The date of birth.
    pub birth_date: NaiveDate,
    /// The school the child attends; null when unknown.
    #[schema(example = "École maternelle Robespierre")]
    pub school: Option<String>,
    /// The class level this school year; null when unknown or not at school yet.
    pub school_level: Option<SchoolLevelView>,
    /// What the canteen serves the child.
    pub diet: DietView,
}

impl From<&Child> for ChildView {
    fn from(c: &Child) -> Self {
        Self {
            id: c.id,
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
            birth_date: c.birth_date,
            school: c.school.clone(),
            school_level: c.school_level.map(SchoolLevelView::from),
            diet: c.diet.into(),
        }
    }
}

/// A vaccination recorded on a child's health form.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VaccinationView {
    /// The vaccine, as the city names it (compared with `REQUIRED_VACCINATIONS`).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "DTP")]
    pub vaccine: String,
    /// The day of the last injection.
    pub date: NaiveDate,
}

/// A child's health information (fiche sanitaire).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HealthInfoView {
    /// Known allergies, in free text; empty when none.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000, example = "arachide")]
    pub allergies: String,
    /// Whether a care plan (PAI) is in place.
    pub care_plan: bool,
    /// What the care plan provides, in free text; empty when there is none.
    #[validate(length(max = 2000))]
    #[schema(
        max_length = 2000,
        example = "PAI alimentaire : trousse d'urgence à la cantine."
    )]
    pub care_plan_details: String,
    /// The family doctor's name; empty when unknown.
    #[validate(length(max = 200))]
    #[schema(max_length = 200, example = "Dr Martin")]
    pub doctor_name: String,
    /// The family doctor's phone number (digits, optional leading `+`); empty when
    /// unknown.
    #[validate(length(max = 30))]
    #[schema(max_length = 30, example = "0146771234")]
    pub doctor_phone: String,
    /// The vaccinations recorded, each with the day of its last injection.
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub vaccinations: Vec<VaccinationView>,
}

impl HealthInfoView {
    pub fn from_stored(health: &HealthFields) -> Self {
        Self {
            allergies: health.allergies.clone(),
            care_plan: health.care_plan,
            care_plan_details: health.care_plan_details.clone(),
            doctor_name: health.doctor_name.clone(),
            doctor_phone: health.doctor_phone.clone(),
            vaccinations: health
                .vaccinations
                .iter()
                .map(|v| VaccinationView {
                    vaccine: v.vaccine.clone(),
                    date: v.date,
                })
                .collect(),
        }
    }

    pub fn into_fields(self) -> Result<HealthFields, crate::problem::ApiError> {
        let mut checks = Checks::default();
        let doctor_phone = checks.phone("doctorPhone", Some(&self.doctor_phone));
        let vaccinations = self
            .vaccinations
            .iter()
            .map(|v| domain::dossiers::Vaccination {
                vaccine: v.vaccine.clone(),
                date: v.date,
            })
            .collect();
        let fields = doctor_phone.map(|phone| HealthFields {
            allergies: self.allergies.trim().to_owned(),
            care_plan: self.care_plan,
            care_plan_details: self.care_plan_details.trim().to_owned(),
            doctor_name: self.doctor_name.trim().to_owned(),
            doctor_phone: phone.unwrap_or_default(),
            vaccinations,
        });
        checks.finish(fields)
    }
}

/// A child's health information and the child it belongs to.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChildHealthView {
    /// The child.
    pub child: ChildView,
    /// The child's health information.
    pub health: HealthInfoView,
    /// The vaccinations the city requires (`REQUIRED_VACCINATIONS`) that the record
    /// lacks.
    #[schema(example = json!(["DTP"]))]
    pub missing_vaccinations: Vec<String>,
}

impl ChildHealthView {
    pub fn new(child: &Child, health: &HealthFields, required: &[String]) -> Self {
        let health = HealthInfoView::from_stored(health);
        let recorded: Vec<&str> = health
            .vaccinations
            .iter()
            .map(|v| v.vaccine.as_str())
            .collect();
        Self {
            missing_vaccinations: domain::dossiers::missing_vaccinations(required, &recorded),
            child: ChildView::from(child),
            health,
        }
    }
}

/// A family quotient (quotient familial) recorded for a period: it sets the price
/// bracket of the family's activities.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QuotientView {
    /// The record's id.
    pub id: i64,
    /// The quotient's value, compared with the activities' price brackets
    /// (`maxQuotient`).
    #[schema(example = 850)]
    pub quotient: i64,
    /// The first day of validity (included), in the city's time zone.
    pub valid_from: NaiveDate,
    /// The last day of validity (included), in the city's time zone.
    pub valid_until: NaiveDate,
    /// The proof (a document of the dossier) it was recorded from; null when none
    /// was named.
    pub proof_document_id: Option<i64>,
    /// When it was recorded (RFC 3339, UTC).
    pub recorded_at: DateTime<Utc>,
    /// Where it comes from: entered by an agent, or looked up at the CAF or MSA.
    pub source: QuotientSourceView,
    /// The CAF or MSA for a looked-up quotient; null for one an agent entered.
    pub provider: Option<QuotientProviderView>,
    /// The month (`YYYY-MM`) the CAF or MSA computed a looked-up quotient for; null
    /// for one an agent entered.
    #[schema(example = "2026-11", pattern = r"^\d{4}-\d{2}$")]
    pub reference_month: Option<String>,
}

mirror_enum! {
    /// Where a recorded family quotient comes from.
    QuotientSourceView => QuotientSource {
        /// Entered by an agent (from a certificate, or a family's request).
        Agent = "agent",
        /// Looked up at the CAF or MSA through API Particulier, with the family's
        /// consent.
        ApiParticulier = "api_particulier",
    }
}

mirror_enum! {
    /// The body that computed a looked-up quotient.
    QuotientProviderView => QuotientProvider {
        /// The Caisse d'allocations familiales.
        Caf = "caf",
        /// The Mutualité sociale agricole.
        Msa = "msa",
    }
}

api_enum! {
    /// What a family's prices rest on.
    pub enum PriceBasisKind {
        /// Its quotient for the day.
        Quotient = "quotient",
        /// Its quotient of last school year, until the day the city bills the top
        /// bracket to families without a new one (`topBracketFrom`).
        ProvisionalQuotient = "provisional_quotient",
        /// No quotient: the top bracket (tarif maximal).
        TopBracket = "top_bracket",
    }
}

/// What a family's prices rest on, and a sentence saying it to the family.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"kind": "provisional_quotient", "quotient": 620, "validUntil": "2026-08-31", "topBracketFrom": "2026-10-01", "message": "Votre quotient familial de l'an dernier (620) s'applique encore. Sans nouveau quotient, le tarif maximal s'appliquera à partir du 01/10/2026."}))]
pub struct PriceBasisView {
    /// What prices rest on.
    pub kind: PriceBasisKind,
    /// The quotient prices are read with; null with the top bracket.
    pub quotient: Option<i64>,
    /// The last day of that quotient's validity; null with the top bracket.
    pub valid_until: Option<NaiveDate>,
    /// With a provisional quotient, the day the top bracket will apply from; with the
    /// top bracket, the day it applied from, when the city sets one; else null.
    pub top_bracket_from: Option<NaiveDate>,
    /// The sentence to show beside the prices (French).
    pub message: String,
}

impl PriceBasisView {
    pub fn new(basis: PriceBasis) -> Self {
        let french = |day: NaiveDate| day.format("%d/%m/%Y").to_string();
        match basis {
            PriceBasis::Quotient(period) => Self {
                kind: PriceBasisKind::Quotient,
                quotient: Some(period.quotient),
                valid_until: Some(period.valid_until),
                top_bracket_from: None,
                message: format!(
                    "Vos tarifs sont calculés avec votre quotient familial ({}), valable jusqu'au {}.",
                    period.quotient,
                    french(period.valid_until)
                ),
            },
            PriceBasis::Provisional {
                period,
                top_bracket_from,
            } => Self {
                kind: PriceBasisKind::ProvisionalQuotient,
                quotient: Some(period.quotient),
                valid_until: Some(period.valid_until),
                top_bracket_from: Some(top_bracket_from),
                message: format!(
                    "Votre quotient familial de l'an dernier ({}) s'applique encore. Sans nouveau quotient, le tarif maximal s'appliquera à partir du {}.",
                    period.quotient,
                    french(top_bracket_from)
                ),
            },
            PriceBasis::TopBracket { since } => Self {
                kind: PriceBasisKind::TopBracket,
                quotient: None,
                valid_until: None,
                top_bracket_from: since,
                message: "Aucun quotient familial n'est connu : le tarif maximal s'applique. Transmettez votre attestation de quotient ou autorisez sa consultation auprès de la CAF ou de la MSA.".to_owned(),
            },
        }
    }
}

impl From<&FamilyQuotient> for QuotientView {
    fn from(q: &FamilyQuotient) -> Self {
        Self {
            id: q.id,
            quotient: q.quotient,
            valid_from: q.valid_from,
            valid_until: q.valid_until,
            proof_document_id: q.proof_document_id,
            recorded_at: utc(q.created_at),
            source: q.source.into(),
            provider: q.provider.map(Into::into),
            reference_month: q.reference_month.clone(),
        }
    }
}

/// A family file.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DossierView {
    /// The dossier's id.
    pub id: i64,
    /// The city's number, printed on invoices.
    #[schema(example = "18")]
    pub number: String,
    /// The dossier's name (the family's name, as printed on invoices).
    #[schema(example = "T I")]
    pub name: String,
    /// The family's email address, lowercased; null when unknown.
    #[schema(example = "famille.ti@exemple.fr")]
    pub email: Option<String>,
    /// The family's postal address.
    pub address: AddressView,
    /// The family's phone numbers.
    pub phones: PhonesView,
    /// The children's guardians (at most 4).
    pub guardians: Vec<GuardianView>,
    /// Authorised pick-up persons and emergency contacts (at most 10).
    pub contacts: Vec<ContactView>,
    /// Eldest first.
    pub children: Vec<ChildView>,
    /// The family quotient in force today (in the city's time zone); null when none
    /// covers today.
    pub family_quotient: Option<QuotientView>,
    /// Every recorded quotient, latest period first.
    pub family_quotients: Vec<QuotientView>,
    /// What the family's prices rest on today.
    pub price_basis: PriceBasisView,
    /// Whether an agent marked the contact details confidential: they are left out of
    /// every view of its children's other household (separated parents).
    pub contacts_confidential: bool,
    /// When the dossier last changed (RFC 3339, UTC).
    pub updated_at: DateTime<Utc>,
}

impl DossierView {
    pub fn new(record: &DossierRecord, today: NaiveDate) -> Self {
        let d = &record.dossier;
        Self {
            id: d.id,
            number: d.number.clone(),
            name: d.name.clone(),
            email: d.email.clone(),
            address: AddressView {
                line1: d.address_line1.clone(),
                line2: d.address_line2.clone(),
                postcode: d.postcode.clone(),
                city: d.city.clone(),
            },
            phones: PhonesView {
                home: d.home_phone.clone(),
                mobile: d.mobile_phone.clone(),
                work: d.work_phone.clone(),
            },
            guardians: record.guardians.iter().map(guardian_view).collect(),
            contacts: record.contacts.iter().map(contact_view).collect(),
            children: record.children.iter().map(ChildView::from).collect(),
            family_quotient: record.quotient_on(today).map(QuotientView::from),
            family_quotients: record.quotients.iter().map(QuotientView::from).collect(),
            price_basis: PriceBasisView::new(record.price_basis(today)),
            contacts_confidential: d.contacts_confidential,
            updated_at: utc(d.updated_at),
        }
    }
}

fn guardian_view(g: &Guardian) -> GuardianView {
    GuardianView {
        relationship: g.relationship.into(),
        first_name: g.first_name.clone(),
        last_name: g.last_name.clone(),
        email: g.email.clone(),
        mobile_phone: g.mobile_phone.clone(),
        work_phone: g.work_phone.clone(),
    }
}

fn contact_view(c: &Contact) -> ContactView {
    ContactView {
        kind: c.kind.into(),
        first_name: c.first_name.clone(),
        last_name: c.last_name.clone(),
        relationship: c.relationship.clone(),
        phone: c.phone.clone(),
    }
}

impl GuardianView {
    pub fn to_new(&self, checks: &mut Checks, at: &str) -> Option<NewGuardian> {
        let first_name = checks.name(&format!("{at}.firstName"), &self.first_name);
        let last_name = checks.name(&format!("{at}.lastName"), &self.last_name);
        let email = checks.email(&format!("{at}.email"), self.email.as_deref());
        let mobile = checks.phone(&format!("{at}.mobilePhone"), self.mobile_phone.as_deref());
        let work = checks.phone(&format!("{at}.workPhone"), self.work_phone.as_deref());
        Some(NewGuardian {
            relationship: Relationship::from(self.relationship),
            first_name: first_name?,
            last_name: last_name?,
            email: email?,
            mobile_phone: mobile?,
            work_phone: work?,
        })
    }
}

impl ContactView {
    pub fn to_new(&self, checks: &mut Checks, at: &str) -> Option<NewContact> {
        let first_name = checks.name(&format!("{at}.firstName"), &self.first_name);
        let last_name = checks.name(&format!("{at}.lastName"), &self.last_name);
        let phone = checks.check(&format!("{at}.phone"), normalise_phone(&self.phone));
        Some(NewContact {
            kind: ContactKind::from(self.kind),
            first_name: first_name?,
            last_name: last_name?,
            relationship: self.relationship.trim().to_owned(),
            phone: phone?,
        })
    }
}

/// Reads an address and phones into contact details, checking each value.
pub fn contact_details(
    checks: &mut Checks,
    email: Option<&str>,
    address: &AddressView,
    phones: &PhonesView,
) -> Option<ContactDetails> {
    let email = checks.email("email", email);
    let postcode = match address.postcode.trim() {
        "" => Some(String::new()),
        given => checks.check("address.postcode", domain::dossiers::check_postcode(given)),
    };
    let home = checks.phone("phones.home", phones.home.as_deref());
    let mobile = checks.phone("phones.mobile", phones.mobile.as_deref());
    let work = checks.phone("phones.work", phones.work.as_deref());
    Some(ContactDetails {
        email: email?,
        address_line1: address.line1.trim().to_owned(),
        address_line2: address.line2.trim().to_owned(),
        postcode: postcode?,
        city: address.city.trim().to_owned(),
        home_phone: home?,
        mobile_phone: mobile?,
        work_phone: work?,
    })
}

/// A child as an agent writes it.
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"firstName": "Luc", "lastName": "TI", "birthDate": "2023-03-14", "school": "École maternelle Robespierre", "schoolLevel": "PS", "diet": "standard"}))]
pub struct ChildForm {
    /// The child's first name.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "Luc")]
    pub first_name: String,
    /// The child's last name.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "TI")]
    pub last_name: String,
    /// The date of birth: not after today, and less than 26 years ago.
    pub birth_date: NaiveDate,
    /// The school the child attends; null or empty when unknown.
    #[validate(length(max = 200))]
    #[schema(max_length = 200, example = "École maternelle Robespierre")]
    pub school: Option<String>,
    /// The class level this school year; null when unknown or not at school yet.
    pub school_level: Option<SchoolLevelView>,
    /// What the canteen serves the child.
    pub diet: DietView,
}

impl ChildForm {
    pub fn into_fields(self, today: NaiveDate) -> Result<ChildFields, crate::problem::ApiError> {
        let mut checks = Checks::default();
        let first_name = checks.name("firstName", &self.first_name);
        let last_name = checks.name("lastName", &self.last_name);
        let birth = checks.check(
            "birthDate",
            domain::dossiers::check_birth_date(self.birth_date, today),
        );
        let fields = (|| {
            Some(ChildFields {
                first_name: first_name?,
                last_name: last_name?,
                birth_date: birth?,
                school: self
                    .school
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty()),
                school_level: self.school_level.map(SchoolLevel::from),
                diet: Diet::from(self.diet),
            })
        })();
        checks.finish(fields)
    }
}

//! The family file (dossier): its vocabularies, the values a form may hold, the
//! checks on uploaded files, the life of a request, and the planning of a CSV import.

mod contact;
mod custody;
mod files;
mod health;
pub mod import;
mod quotient;
mod renewal;
mod request;
mod requirements;
pub(crate) mod vocabulary;

pub use contact::{
    ContactField, FieldProblem, check_birth_date, check_dossier_number, check_postcode,
    normalise_phone,
};
pub use custody::{
    Custody, CustodySchedule, DatedPeriod, Half, HolidaySplit, Household, Rhythm, ScheduleProblem,
};
pub use files::{FileType, safe_file_name};
pub use health::{Vaccination, missing_vaccinations};
pub use quotient::{
    Allocataire, GuardianName, LookupAppliesFrom, LookupOutcome, MonthDay, PriceBasis,
    QuotientPeriod, QuotientProvider, QuotientSource, allocataire_is_guardian, current_quotient,
    looked_up_period, price_basis,
};
pub use renewal::{
    RenewalDecision, RenewalSection, RenewalStatus, decide_renewal, school_year_of, unconfirmed,
};
pub use request::{RequestDecision, RequestKind, RequestStatus, decide};
pub use requirements::{
    EXPIRY_NOTICE_DAYS, HeldDocument, RequirementScope, RequirementStatus, Validity, ValidityRule,
    requirement_status,
};
pub use vocabulary::{
    ContactKind, Diet, DocumentKind, DocumentOrigin, DocumentStatus, ImportStatus, Relationship,
    SchoolLevel,
};

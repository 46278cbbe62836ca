//! SEPA Core direct debit ("prélèvement SEPA"): the debtor's bank account, the city's
//! creditor identifier, mandates and their references, when a debit may be collected,
//! sequence types, amounts and texts as bank files write them, and the banks' reason
//! codes for a rejected debit.

mod account;
mod calendar;
mod creditor;
mod mandate;
mod reasons;
mod text;
mod vocabulary;

pub use account::{AccountError, BankAccount, mask_iban};
pub use calendar::{
    PRENOTIFICATION_DAYS, collection_date, is_target_business_day, next_business_day,
};
pub use creditor::{CreditorIdError, creditor_identifier};
pub use mandate::{
    LAPSE_MONTHS, REJECTIONS_BEFORE_SUSPENSION, lapses_on, mandate_reference, sequence_type,
    suspends,
};
pub use reasons::{is_reason_code, reason_text};
pub use text::{decimal_euros, sepa_text};
pub use vocabulary::{DebitStatus, MandateChannel, MandateStatus, PainVersion, SequenceType};

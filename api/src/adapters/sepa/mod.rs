//! The bank's files for SEPA direct debit: the collection file the city sends
//! (ISO 20022 `pain.008`), and the reports the bank sends back (ISO 20022 `camt.054`,
//! or a CSV the city keeps).

pub mod pain008;
pub mod report;

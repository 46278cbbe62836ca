//! Paying by SEPA direct debit: the city sets its creditor account; a family signs a
//! mandate (an agent records a paper one); each invoice a billing run issues to a
//! dossier with an active mandate is scheduled for debit on its due date and the
//! family told 14 days ahead at least; agents build the collection file of a date and
//! record what the bank says of each debit, by hand or from its report.

pub mod collections;
pub mod mandates;
pub mod outcomes;
pub mod schedule;
pub mod settings;

pub use persistence::billing::direct_debits::{
    Collection, DebitFilter, DirectDebit, Mandate, Settings,
};

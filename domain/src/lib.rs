//! Pure business rules of Espace Familles.
//!
//! Nothing here performs IO or knows about HTTP or SQL: every function takes what it
//! needs (the current instant included) and returns a decision, so the rules can be
//! unit- and property-tested without a database.

pub mod accounts;
pub mod activities;
pub mod audit;
pub mod billing;
pub mod calendar;
pub mod city;
pub mod dossiers;
pub mod news;
pub mod notifications;
pub mod outbox;
pub mod planning;
pub mod stored;
pub mod text;

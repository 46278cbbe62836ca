//! Pure business rules of Espace Familles.
//!
//! Nothing here performs IO or knows about HTTP or SQL: every function takes what it
//! needs (the current instant included) and returns a decision, so the rules can be
//! unit- and property-tested without a database.

pub mod account;
pub mod activity;
pub mod billing;
pub mod calendar;
pub mod city;
pub mod dossier;
pub mod news;
pub mod notification;
pub mod outbox;
pub mod password;
pub mod planning;
pub mod throttle;

//! End-to-end tests: the real server, a real database, driven over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod baskets;
mod billing;
mod calendar;
mod city;
mod contract;
mod cors;
mod cross_family;
mod documents;
mod dossiers;
mod email;
mod export;
mod framework_errors;
mod health;
mod imports;
mod password_policy;
mod passwords;
mod planning;
mod planning_admin;
mod races;
mod registrations;
mod retention;
mod roles;
mod security_headers;
mod signup;
mod tokens;

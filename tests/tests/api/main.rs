//! End-to-end tests: the real server, a real database, driven over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// A scenario test tells one story of the guide from start to end, in order; it is not
// cut to a length (the code under test is: `too_many_lines` holds everywhere else).
#![allow(clippy::too_many_lines)]

mod backup;
mod baskets;
mod billing;
mod boundary;
mod calendar;
mod certificates;
mod city;
mod city_information;
mod compression;
mod conditional_reads;
mod contract;
mod contract_docs;
mod contract_shape;
mod cors;
mod cross_family;
mod deadline_table;
mod direct_debit;
mod documents;
mod dossiers;
mod email;
mod export;
mod framework_errors;
mod health;
mod imports;
mod metrics;
mod news;
mod notifications;
mod paid_weeks;
mod password_policy;
mod passwords;
mod payments;
mod planning;
mod planning_admin;
mod problem_codes;
mod push;
mod quotient_lookups;
mod races;
mod registrations;
mod renewals;
mod required_documents;
mod retention;
mod roles;
mod security_headers;
mod separated_parents;
mod sign_in_franceconnect;
mod sign_in_staff;
mod signup;
mod storage;
mod third_party_apps;
mod tokens;
mod webhooks;

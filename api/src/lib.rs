//! The Espace Familles API: configuration, the actix-web app, its handlers and use
//! cases, and the OpenAPI document generated from them.

pub mod adapters;
pub mod auth;
pub mod clock;
pub mod commands;
pub mod config;
mod db;
pub mod jobs;
pub mod metrics;
mod middleware;
pub mod openapi;
pub mod problem;
mod request_heads;
mod routes;
pub mod seed;
mod server;
pub mod shutdown;
pub mod snapshot;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod usecases;

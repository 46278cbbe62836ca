//! The Espace Familles API: configuration, the actix-web app, its handlers and use
//! cases, and the OpenAPI document generated from them.

pub mod auth;
pub mod clock;
pub mod config;
mod db;
pub mod email;
mod invoice_pdf;
pub mod jobs;
mod middleware;
pub mod openapi;
mod outbound;
pub mod payfip;
pub mod payments;
pub mod problem;
mod request_heads;
mod routes;
mod server;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telemetry;
pub mod usecases;
pub mod webhooks;

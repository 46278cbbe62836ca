//! Handlers and their DTOs, one file per area. Every documented operation is
//! registered here, once: the same function feeds the server and the OpenAPI document.

pub mod auth;
pub mod calendar;
pub mod city;
pub mod docs;
pub mod health;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::get_liveness)
        .service(health::get_readiness)
        .service(
            utoipa_actix_web::scope("/api/v1")
                .service(city::get_city)
                .service(calendar::list_public_holidays)
                .service(auth::get_password_policy)
                .service(auth::check_password),
        );
}

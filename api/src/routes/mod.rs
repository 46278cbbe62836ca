//! Handlers and their DTOs, one folder per area, each with its own route list. Every
//! documented operation is registered once: the same list feeds the server and the
//! OpenAPI document, in the order the areas are listed here.

pub mod accounts;
pub mod activities;
pub mod apps;
pub mod audit;
pub mod billing;
pub mod city;
pub mod docs;
pub mod dossiers;
pub mod etag;
pub mod headers;
pub mod health;
pub mod json;
pub mod keyed;
pub mod news;
pub mod notifications;
pub mod pagination;
pub mod planning;

use utoipa::openapi::{RefOr, schema::Schema};
use utoipa_actix_web::service_config::ServiceConfig;

pub use json::Json;

/// Every schema an operation brings, by the component name it gives it.
pub type SchemaSources = Vec<(String, RefOr<Schema>)>;

/// An area's route list, declared once: `configure` registers its operations with the
/// server (and so with the OpenAPI document), `schema_sources` adds the schemas each
/// brings, by the name it gives them, so a test can find two types that claim one name.
macro_rules! operations {
    ($($op:path),+ $(,)?) => {
        /// Registers this area's operations, in this order.
        pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
            cfg$(.service($op))+;
        }

        /// The schemas this area's operations bring, as each type renders them.
        pub fn schema_sources(schemas: &mut $crate::routes::SchemaSources) {
            $(<$op as utoipa::__dev::SchemaReferences>::schemas(schemas);)+
        }
    };
}
pub(crate) use operations;

/// The whole API: the probes at the root, then each area under `/api/v1`.
macro_rules! areas {
    (root: [$($root:path),+ $(,)?], api: [$($area:ident),+ $(,)?] $(,)?) => {
        pub fn configure(cfg: &mut ServiceConfig) {
            cfg$(.service($root))+.service(
                utoipa_actix_web::scope("/api/v1")$(.configure($area::configure))+,
            );
        }

        /// Every schema the operations bring, by component name, as each type renders it.
        pub fn schema_sources() -> SchemaSources {
            let mut schemas = Vec::new();
            $(<$root as utoipa::__dev::SchemaReferences>::schemas(&mut schemas);)+
            $($area::schema_sources(&mut schemas);)+
            schemas
        }
    };
}

areas! {
    root: [health::get_liveness, health::get_readiness, apps::registry::get_authorization_server_metadata],
    api: [city, accounts, apps, planning, dossiers, audit, activities, billing, news, notifications],
}

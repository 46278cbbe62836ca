//! The contract and its interactive docs, served by the app itself (no CDN), so they
//! work with no internet access. Not operations of the API: not in the document.

use actix_web::http::header::{self, ContentType};
use actix_web::{HttpResponse, web};
use utoipa_swagger_ui::{Config, SwaggerUi};

/// The document rendered once at start.
#[derive(Debug)]
pub struct RenderedSpec {
    pub json: String,
    pub yaml: String,
}

pub const SPEC_JSON_PATH: &str = "/api/openapi.json";
pub const SPEC_YAML_PATH: &str = "/api/openapi.yaml";
pub const DOCS_PATH: &str = "/docs";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(SPEC_JSON_PATH, web::get().to(spec_json))
        .route(SPEC_YAML_PATH, web::get().to(spec_yaml))
        .route(DOCS_PATH, web::get().to(docs_redirect))
        .service(SwaggerUi::new("/docs/{_:.*}").config(Config::new([SPEC_JSON_PATH])));
}

async fn spec_json(spec: web::Data<RenderedSpec>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(spec.json.clone())
}

async fn spec_yaml(spec: web::Data<RenderedSpec>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/yaml")
        .body(spec.yaml.clone())
}

async fn docs_redirect() -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}

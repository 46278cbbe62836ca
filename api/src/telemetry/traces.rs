//! OpenTelemetry traces over OTLP/HTTP: a server span per request named by its
//! operation id, a child span per database call, a client span per outgoing call
//! (PayFiP, webhooks, API Particulier) carrying W3C `traceparent`, and the caller's
//! `traceparent` taken as the request's parent. Off unless the exporter started: every
//! helper here then returns at once.

use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::dev::ServiceRequest;
use actix_web::http::header::HeaderMap;
use actix_web::web;
use opentelemetry::global;
use opentelemetry::propagation::Extractor;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::{Instrument, Span};
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::Layer;
use tracing_subscriber::registry::LookupSpan;

use crate::state::AppState;

static ENABLED: AtomicBool = AtomicBool::new(false);

/// Whether spans are exported (the process installed the exporter).
pub(crate) fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

pub(super) fn enable() {
    global::set_text_map_propagator(TraceContextPropagator::new());
    ENABLED.store(true, Ordering::Relaxed);
}

/// The span exporter: batches on a thread of its own, sends to `{endpoint}/v1/traces`.
pub(super) struct Exporter {
    provider: SdkTracerProvider,
}

impl std::fmt::Debug for Exporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Exporter")
    }
}

impl Exporter {
    pub(super) fn start(endpoint: &str) -> anyhow::Result<Self> {
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(format!("{}/v1/traces", endpoint.trim_end_matches('/')))
            .build()?;
        let provider = SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(
                Resource::builder()
                    .with_service_name("espace-familles")
                    .build(),
            )
            .build();
        Ok(Self { provider })
    }

    pub(super) fn layer<S>(&self) -> impl Layer<S> + use<S>
    where
        S: tracing::Subscriber + for<'span> LookupSpan<'span>,
    {
        tracing_opentelemetry::layer().with_tracer(self.provider.tracer("espace-familles"))
    }

    pub(super) fn flush(&self) {
        if let Err(error) = self.provider.force_flush() {
            tracing::warn!(%error, "spans could not be sent");
        }
    }
}

impl Drop for Exporter {
    /// Sends what is left (within 5 s) when the process ends.
    fn drop(&mut self) {
        if let Err(error) = self.provider.shutdown() {
            eprintln!("warning: the last spans could not be sent: {error}");
        }
    }
}

/// Names the request's `span` after its operation (`other` outside the contract),
/// with its route, and makes the caller's `traceparent`, if any, its parent: before
/// the span is entered, which starts it.
pub(crate) fn start_request(span: &Span, req: &ServiceRequest) {
    if !enabled() {
        return;
    }
    // The resource map finds the route's pattern before routing.
    let route = req.match_pattern();
    let operation = req
        .app_data::<web::Data<AppState>>()
        .map_or("other", |state| {
            state.metrics.operation_of(req.method(), route.as_deref())
        });
    span.record("otel.name", operation);
    span.record("otel.kind", "server");
    if let Some(route) = &route {
        span.record("http.route", route.as_str());
    }
    let parent = global::get_text_map_propagator(|p| p.extract(&Headers(req.headers())));
    if let Err(error) = span.set_parent(parent) {
        tracing::debug!(%error, "the caller's traceparent was not taken");
    }
}

/// Adds the answer's status to the request's `span`.
pub(crate) fn end_request(span: &Span, status: u16) {
    if enabled() {
        span.record("http.response.status_code", status);
    }
}

/// A span for one database call of a request, child of its span. None when traces
/// are off, nor for background jobs: their polls would each make a trace.
pub(crate) fn database_span(backend: persistence::Backend) -> Span {
    if !enabled() || Span::current().is_none() {
        return Span::none();
    }
    let system = match backend {
        persistence::Backend::Sqlite => "sqlite",
        persistence::Backend::Postgres => "postgresql",
    };
    tracing::info_span!("database", otel.kind = "client", db.system.name = system)
}

/// Sends `request` in a client span named `name`, with the span's `traceparent`, and
/// its answer's status. Within a request, the span is the request's child; from a
/// background job (a webhook delivery, a payment re-check), it starts a trace.
pub(crate) async fn send(
    name: &'static str,
    request: reqwest::RequestBuilder,
) -> reqwest::Result<reqwest::Response> {
    if !enabled() {
        return request.send().await;
    }
    let span = tracing::info_span!(
        "outgoing",
        otel.name = name,
        otel.kind = "client",
        http.response.status_code = tracing::field::Empty,
        otel.status_code = tracing::field::Empty,
    );
    let mut headers = reqwest::header::HeaderMap::new();
    let context = span.context();
    global::get_text_map_propagator(|p| {
        p.inject_context(
            &context,
            &mut opentelemetry_http::HeaderInjector(&mut headers),
        );
    });
    let answer = request
        .headers(headers)
        .send()
        .instrument(span.clone())
        .await;
    match &answer {
        Ok(response) => span.record("http.response.status_code", response.status().as_u16()),
        Err(_) => span.record("otel.status_code", "ERROR"),
    };
    answer
}

/// actix's request headers as the propagator reads them.
struct Headers<'a>(&'a HeaderMap);

impl Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|name| name.as_str()).collect()
    }
}

//! Logs and traces. Logs: `tracing` to stdout, as text or JSON lines, filtered by
//! `RUST_LOG`. Traces: OpenTelemetry over OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT`
//! is set ([`traces`]); nothing of them runs otherwise.

pub mod traces;

use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::LogFormat;

/// What runs until the process ends: the trace exporter, flushed when dropped.
#[derive(Debug, Default)]
#[must_use = "dropping it stops the traces"]
pub struct Telemetry {
    traces: Option<traces::Exporter>,
}

impl Telemetry {
    /// Sends the spans ended so far now (tests; the exporter sends every few seconds).
    pub fn flush(&self) {
        if let Some(traces) = &self.traces {
            traces.flush();
        }
    }
}

/// Installs the global subscriber: logs filtered by `RUST_LOG`, and the spans of
/// requests, database calls and outgoing calls to `otlp_endpoint` when given (whatever
/// `RUST_LOG` says). A second call (several apps in one test process) keeps the first.
pub fn init(format: LogFormat, otlp_endpoint: Option<&str>) -> Telemetry {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn"));
    init_with(filter, format, otlp_endpoint)
}

/// [`init`] with the log filter given (tests keep their logs quiet).
pub fn init_with(filter: EnvFilter, format: LogFormat, otlp_endpoint: Option<&str>) -> Telemetry {
    let logs = match format {
        LogFormat::Text => tracing_subscriber::fmt::layer().with_target(false).boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .with_target(false)
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .boxed(),
    };
    let exporter = otlp_endpoint.and_then(|endpoint| match traces::Exporter::start(endpoint) {
        Ok(exporter) => Some(exporter),
        Err(error) => {
            eprintln!("error: traces are off, the OTLP exporter cannot start: {error:#}");
            None
        }
    });
    let spans = exporter
        .as_ref()
        .map(|exporter| exporter.layer().with_filter(LevelFilter::INFO));
    let installed = tracing_subscriber::registry()
        .with(logs.with_filter(filter))
        .with(spans)
        .try_init();
    match installed {
        Ok(()) => {
            if exporter.is_some() {
                traces::enable();
            }
            Telemetry { traces: exporter }
        }
        Err(_) => {
            tracing::debug!("a tracing subscriber was already installed");
            Telemetry::default()
        }
    }
}

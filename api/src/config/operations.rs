//! What the city's operations team needs: where metrics are served and who may read
//! them, and where traces go.

use super::{ConfigError, Vars};

/// Metrics and traces; all off by default.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct OperationsConfig {
    /// `METRICS_BIND_ADDR`: a second address serving only `GET /metrics`, meant for a
    /// private network (e.g. `127.0.0.1:9464`).
    pub metrics_bind_addr: Option<String>,
    /// `METRICS_TOKEN`: serves `GET /metrics` on the API's own address too, to callers
    /// sending `Authorization: Bearer` with this token (at least 32 characters).
    pub metrics_token: Option<String>,
    /// `OTEL_EXPORTER_OTLP_ENDPOINT`: the OTLP/HTTP receiver traces go to (`/v1/traces`
    /// is appended); no traces when unset.
    pub otlp_endpoint: Option<String>,
}

impl std::fmt::Debug for OperationsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OperationsConfig")
            .field("metrics_bind_addr", &self.metrics_bind_addr)
            .field(
                "metrics_token",
                &self.metrics_token.as_ref().map(|_| "<redacted>"),
            )
            .field("otlp_endpoint", &self.otlp_endpoint)
            .finish()
    }
}

pub(super) fn operations<F: Fn(&str) -> Option<String>>(
    vars: &Vars<'_, F>,
) -> Result<OperationsConfig, ConfigError> {
    let metrics_token = vars.raw("METRICS_TOKEN");
    if metrics_token.as_ref().is_some_and(|token| token.len() < 32) {
        return Err(ConfigError {
            variable: "METRICS_TOKEN",
            value: "(hidden)".into(),
            reason: "must be at least 32 characters of random text".into(),
        });
    }
    let otlp_endpoint = vars.raw("OTEL_EXPORTER_OTLP_ENDPOINT");
    if let Some(endpoint) = &otlp_endpoint
        && !(endpoint.starts_with("http://") || endpoint.starts_with("https://"))
    {
        return Err(ConfigError {
            variable: "OTEL_EXPORTER_OTLP_ENDPOINT",
            value: endpoint.clone(),
            reason: "must be an http:// or https:// address (OTLP over HTTP)".into(),
        });
    }
    Ok(OperationsConfig {
        metrics_bind_addr: vars.raw("METRICS_BIND_ADDR"),
        metrics_token,
        otlp_endpoint,
    })
}

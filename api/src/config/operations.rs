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
}

impl std::fmt::Debug for OperationsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OperationsConfig")
            .field("metrics_bind_addr", &self.metrics_bind_addr)
            .field(
                "metrics_token",
                &self.metrics_token.as_ref().map(|_| "<redacted>"),
            )
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
    Ok(OperationsConfig {
        metrics_bind_addr: vars.raw("METRICS_BIND_ADDR"),
        metrics_token,
    })
}

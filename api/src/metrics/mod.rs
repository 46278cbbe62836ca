//! Metrics for the city's operations team, in the Prometheus text format: requests by
//! operation with their latency, the database pool, the queues waiting in the database,
//! the background jobs' last success, the process's memory. Served at `/metrics` on
//! `METRICS_BIND_ADDR`, or on the API's address to holders of `METRICS_TOKEN`; nowhere
//! by default.

mod endpoint;
mod http;

pub use endpoint::{scrape_with_token, serve_privately};
pub use http::record;

use actix_web::http::Method;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use prometheus::{
    Encoder, Gauge, GaugeVec, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec,
    Opts, Registry, TextEncoder,
};

use chrono::{DateTime, Utc};
use persistence::PoolStatus;
use persistence::backlogs::Backlogs;

use crate::openapi::operation_table::OperationTable;

const PREFIX: &str = "espace_familles";

/// Latency buckets, in seconds: most answers take a millisecond or two.
const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The instance's metrics: one registry per server (tests run several in a process).
#[allow(missing_debug_implementations)] // prometheus' collectors have no Debug
pub struct Metrics {
    registry: Registry,
    operations: OperationTable,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool: IntGaugeVec,
    pool_counts: Mutex<PoolCounts>,
    database_up: IntGauge,
    queues: IntGaugeVec,
    oldest_email_age: Gauge,
    billing_run: IntGaugeVec,
    jobs: GaugeVec,
}

/// The pool's counters as a monotonic Prometheus counter must see them.
#[allow(missing_debug_implementations)]
struct PoolCounts {
    checkouts: prometheus::IntCounter,
    waited: prometheus::Counter,
    timeouts: prometheus::IntCounter,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

/// A background job's mark of its last successful round.
#[derive(Clone)]
#[allow(missing_debug_implementations)]
pub struct Heartbeat(Gauge);

impl Heartbeat {
    /// The round just succeeded.
    pub fn beat(&self) {
        self.0.set(unix_now());
    }
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
}

fn name(suffix: &str) -> String {
    format!("{PREFIX}_{suffix}")
}

impl Metrics {
    pub fn new(spec: &serde_json::Value) -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(name("http_requests_total"), "HTTP requests answered"),
            &["operation", "method", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                name("http_request_duration_seconds"),
                "Time from the request's head to the answer's head",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["operation", "method"],
        )?;
        let pool = IntGaugeVec::new(
            Opts::new(
                name("db_pool_connections"),
                "Database connections of this instance, by state (in_use, idle, max)",
            ),
            &["state"],
        )?;
        let pool_counts = PoolCounts {
            checkouts: prometheus::IntCounter::new(
                name("db_pool_checkouts_total"),
                "Connections handed out by the pool",
            )?,
            waited: prometheus::Counter::new(
                name("db_pool_wait_seconds_total"),
                "Time spent waiting for a connection, summed over checkouts",
            )?,
            timeouts: prometheus::IntCounter::new(
                name("db_pool_timeouts_total"),
                "Checkouts that gave up waiting for a connection (answered 503)",
            )?,
        };
        let database_up = IntGauge::new(
            name("database_up"),
            "Whether the last scrape could read the database (1) or not (0)",
        )?;
        let queues = IntGaugeVec::new(
            Opts::new(
                name("queue_items"),
                "What waits in the database: emails pending or failed, webhook deliveries \
                 pending or failing, online payments awaiting a re-check",
            ),
            &["queue", "state"],
        )?;
        let oldest_email_age = Gauge::new(
            name("outbox_oldest_pending_age_seconds"),
            "Age of the oldest email not yet sent (0 when none waits)",
        )?;
        let billing_run = IntGaugeVec::new(
            Opts::new(
                name("billing_run_dossiers"),
                "The billing run in progress: dossiers done and in all (0 when none runs)",
            ),
            &["state"],
        )?;
        let jobs = GaugeVec::new(
            Opts::new(
                name("job_last_success_timestamp_seconds"),
                "When each background job last finished a round without error (0: not yet)",
            ),
            &["job"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(pool.clone()))?;
        registry.register(Box::new(pool_counts.checkouts.clone()))?;
        registry.register(Box::new(pool_counts.waited.clone()))?;
        registry.register(Box::new(pool_counts.timeouts.clone()))?;
        registry.register(Box::new(database_up.clone()))?;
        registry.register(Box::new(queues.clone()))?;
        registry.register(Box::new(oldest_email_age.clone()))?;
        registry.register(Box::new(billing_run.clone()))?;
        registry.register(Box::new(jobs.clone()))?;
        registry.register(Box::new(
            prometheus::process_collector::ProcessCollector::new(std::process::id() as i32, PREFIX),
        ))?;
        Ok(Self {
            registry,
            operations: OperationTable::from_spec(spec),
            requests,
            latency,
            pool,
            pool_counts: Mutex::new(pool_counts),
            database_up,
            queues,
            oldest_email_age,
            billing_run,
            jobs,
        })
    }

    /// The mark `job` leaves after each successful round (shown as 0 until the first).
    pub fn heartbeat(&self, job: &str) -> Heartbeat {
        Heartbeat(self.jobs.with_label_values(&[job]))
    }

    /// The contract's operation id of a route's pattern, or `other` (the docs, an
    /// unknown path): what metrics and request spans are labelled with.
    pub(crate) fn operation_of(&self, method: &Method, pattern: Option<&str>) -> &str {
        pattern
            .and_then(|pattern| self.operations.find(method, pattern))
            .unwrap_or("other")
    }

    /// Counts an answer to the operation `operation` (or `other`: not in the contract).
    fn observe(&self, operation: &str, method: &str, status: u16, elapsed: Duration) {
        self.requests
            .with_label_values(&[operation, method, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[operation, method])
            .observe(elapsed.as_secs_f64());
    }

    /// Updates the pool's figures, then renders every metric.
    fn render(&self, pool: &PoolStatus, backlogs: Option<&Backlogs>, now: DateTime<Utc>) -> String {
        self.pool
            .with_label_values(&["in_use"])
            .set(i64::from(pool.connections.saturating_sub(pool.idle)));
        self.pool
            .with_label_values(&["idle"])
            .set(i64::from(pool.idle));
        self.pool
            .with_label_values(&["max"])
            .set(i64::from(pool.max_size));
        if let Ok(counts) = self.pool_counts.lock() {
            counts
                .checkouts
                .inc_by(pool.checkouts.saturating_sub(counts.checkouts.get()));
            counts
                .waited
                .inc_by((pool.waited.as_secs_f64() - counts.waited.get()).max(0.0));
            counts
                .timeouts
                .inc_by(pool.timeouts.saturating_sub(counts.timeouts.get()));
        }
        self.database_up.set(i64::from(backlogs.is_some()));
        if let Some(backlogs) = backlogs {
            self.show_backlogs(backlogs, now);
        }
        let mut text = Vec::new();
        if let Err(error) = TextEncoder::new().encode(&self.registry.gather(), &mut text) {
            tracing::error!(%error, "the metrics could not be rendered");
        }
        String::from_utf8_lossy(&text).into_owned()
    }

    fn show_backlogs(&self, backlogs: &Backlogs, now: DateTime<Utc>) {
        let queue = |name: &str, state: &str, value: i64| {
            self.queues.with_label_values(&[name, state]).set(value);
        };
        queue("emails", "pending", backlogs.emails_pending);
        queue("emails", "failed", backlogs.emails_failed);
        queue("webhook_deliveries", "pending", backlogs.webhooks_pending);
        queue("webhook_deliveries", "failing", backlogs.webhooks_failing);
        queue(
            "online_payments",
            "awaiting_recheck",
            backlogs.payments_pending,
        );
        let age = backlogs
            .oldest_email_at
            .map_or(0.0, |at| (now - at).as_seconds_f64().max(0.0));
        self.oldest_email_age.set(age);
        let (done, total) = backlogs.billing_run.unwrap_or_default();
        self.billing_run
            .with_label_values(&["done"])
            .set(i64::from(done));
        self.billing_run
            .with_label_values(&["total"])
            .set(i64::from(total));
    }
}

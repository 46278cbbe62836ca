use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::r2d2::R2D2Connection;

use crate::{AnyConnection, Backend, DatabaseUrl, DbError};

/// A pooled connection, returned to the pool when dropped; used as an
/// [`AnyConnection`].
#[derive(Debug)]
pub struct PooledConn(r2d2::PooledConnection<Manager>);

impl Deref for PooledConn {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.0.conn
    }
}

impl DerefMut for PooledConn {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.0.conn
    }
}

/// A connection with the instant it was last known to work (opened or pinged).
#[derive(Debug)]
pub struct Checked {
    conn: AnyConnection,
    verified_at: Instant,
    /// Found unable to reach the server: closed instead of returned to the pool.
    lost: bool,
}

impl PooledConn {
    /// Closes this connection instead of returning it to the pool, and has every other
    /// one pinged before its next use: a query on it found the server gone (diesel
    /// only tells a connection broken by its transaction state, not by its socket).
    pub fn discard(&mut self) {
        self.0.lost = true;
    }
}

/// A PostgreSQL connection verified (opened or pinged) this recently is handed out
/// without a new ping (HikariCP's rule, with a longer window): under load each
/// connection is pinged about once a second instead of at every checkout, a round trip
/// saved on every request. One verified longer ago is pinged, and so is every
/// connection verified before one was found lost: after a server restart, the first
/// request to meet a dead connection fails (503) and none is trusted until pinged again.
const TRUSTED_FOR: Duration = Duration::from_secs(1);

#[derive(Debug, Clone)]
pub struct PoolOptions {
    pub max_size: u32,
    /// How long a request waits for a free connection before the API answers 503.
    pub acquire_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 10,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

/// r2d2 manager that opens connections through [`DatabaseUrl::connect`], so the
/// backend comes from the URL scheme and a failure carries its real cause.
#[derive(Debug)]
pub struct Manager {
    url: DatabaseUrl,
    trust: Arc<Trust>,
}

/// When a connection was last found lost, shared by the manager and the pool.
#[derive(Debug)]
struct Trust {
    /// When the pool was made: `last_lost` counts from it.
    started: Instant,
    /// Nanoseconds from `started` to the last time a connection was found lost.
    last_lost: AtomicU64,
}

impl Trust {
    fn new() -> Self {
        Self {
            started: Instant::now(),
            last_lost: AtomicU64::new(0),
        }
    }

    /// Whether a connection verified at `verified_at` may skip its ping.
    fn trusted(&self, verified_at: Instant) -> bool {
        let lost = Duration::from_nanos(self.last_lost.load(Ordering::Relaxed));
        verified_at.elapsed() < TRUSTED_FOR
            && verified_at.saturating_duration_since(self.started) > lost
    }

    /// Records that a connection was found lost, so that every connection verified
    /// before now is pinged at its next checkout.
    fn saw_lost(&self) {
        let since = u64::try_from(self.started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.last_lost.fetch_max(since, Ordering::Relaxed);
    }
}

impl r2d2::ManageConnection for Manager {
    type Connection = Checked;
    type Error = DbError;

    fn connect(&self) -> Result<Checked, DbError> {
        Ok(Checked {
            conn: self.url.connect()?,
            verified_at: Instant::now(),
            lost: false,
        })
    }

    /// PostgreSQL connections are pinged (a server restart kills them) unless verified
    /// within [`TRUSTED_FOR`]; an SQLite connection has no server to lose,
    /// and `check_ready` checks its file.
    fn is_valid(&self, checked: &mut Checked) -> Result<(), DbError> {
        if matches!(checked.conn, AnyConnection::Sqlite(_))
            || self.trust.trusted(checked.verified_at)
        {
            return Ok(());
        }
        if let Err(error) = checked.conn.ping() {
            self.trust.saw_lost();
            return Err(error.into());
        }
        checked.verified_at = Instant::now();
        Ok(())
    }

    fn has_broken(&self, checked: &mut Checked) -> bool {
        if checked.lost {
            self.trust.saw_lost();
        }
        checked.lost || checked.conn.is_broken() || std::thread::panicking()
    }
}

/// Logs why the pool could not open a connection (r2d2 retries in the background).
#[derive(Debug)]
struct LogErrors;

impl r2d2::HandleError<DbError> for LogErrors {
    fn handle_error(&self, error: DbError) {
        tracing::warn!(%error, "database connection failed");
    }
}

/// Counts the checkouts and how long they waited, for the operators' metrics.
#[derive(Debug, Default)]
struct Waits {
    checkouts: AtomicU64,
    waited_nanos: AtomicU64,
    timeouts: AtomicU64,
}

/// r2d2's event handler feeding [`Waits`].
#[derive(Debug)]
struct CountWaits(Arc<Waits>);

impl r2d2::HandleEvent for CountWaits {
    fn handle_checkout(&self, event: r2d2::event::CheckoutEvent) {
        let nanos = u64::try_from(event.duration().as_nanos()).unwrap_or(u64::MAX);
        self.0.checkouts.fetch_add(1, Ordering::Relaxed);
        self.0.waited_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    fn handle_timeout(&self, _event: r2d2::event::TimeoutEvent) {
        self.0.timeouts.fetch_add(1, Ordering::Relaxed);
    }
}

/// The pool at one instant, and its counts since it opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    pub max_size: u32,
    /// Connections open, in use or idle.
    pub connections: u32,
    pub idle: u32,
    /// Connections handed out since the pool opened.
    pub checkouts: u64,
    /// The time those checkouts spent waiting for a connection, in all.
    pub waited: Duration,
    /// Checkouts that gave up waiting (answered 503).
    pub timeouts: u64,
}

/// The connection pool shared by request handlers and background jobs.
#[derive(Debug, Clone)]
pub struct DbPool {
    pool: r2d2::Pool<Manager>,
    url: Arc<DatabaseUrl>,
    trust: Arc<Trust>,
    waits: Arc<Waits>,
}

/// How long `/health/ready` waits for a connection: it must answer quickly even
/// when every connection is busy or the server is gone.
const READY_TIMEOUT: Duration = Duration::from_millis(1500);

impl DbPool {
    /// Opens a first connection at once (creating an SQLite file that does not exist
    /// yet), so a wrong URL or a stopped server is reported immediately with its cause
    /// instead of after r2d2's silent retries.
    pub fn open(url: DatabaseUrl, options: &PoolOptions) -> Result<Self, DbError> {
        let first = url.connect_creating()?;
        drop(first);
        let trust = Arc::new(Trust::new());
        let waits = Arc::new(Waits::default());
        let pool = r2d2::Pool::builder()
            .max_size(options.max_size)
            .min_idle(Some(1))
            .connection_timeout(options.acquire_timeout)
            // Every connection handed out is checked first (`Manager::is_valid`),
            // with a ping unless recently verified.
            .test_on_check_out(true)
            .error_handler(Box::new(LogErrors))
            .event_handler(Box::new(CountWaits(Arc::clone(&waits))))
            .build_unchecked(Manager {
                url: url.clone(),
                trust: Arc::clone(&trust),
            });
        Ok(Self {
            pool,
            url: Arc::new(url),
            trust,
            waits,
        })
    }

    pub fn status(&self) -> PoolStatus {
        let state = self.pool.state();
        PoolStatus {
            max_size: self.pool.max_size(),
            connections: state.connections,
            idle: state.idle_connections,
            checkouts: self.waits.checkouts.load(Ordering::Relaxed),
            waited: Duration::from_nanos(self.waits.waited_nanos.load(Ordering::Relaxed)),
            timeouts: self.waits.timeouts.load(Ordering::Relaxed),
        }
    }

    pub fn get(&self) -> Result<PooledConn, DbError> {
        self.pool.get().map(PooledConn).map_err(DbError::from)
    }

    /// Has every connection pinged before its next use: work done with connections of
    /// this pool found the server gone.
    pub fn distrust(&self) {
        self.trust.saw_lost();
    }

    pub fn backend(&self) -> Backend {
        self.url.backend()
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// Whether the database can serve requests now: a connection answers (pinged here,
    /// since the pool trusts a connection that answered recently), and an SQLite
    /// database file still exists
    /// (an open connection keeps working on a deleted file, whose data would be lost
    /// at the next start).
    pub fn check_ready(&self) -> Result<(), DbError> {
        if let Some(file) = self.url.sqlite_file().filter(|file| !file.exists()) {
            return Err(DbError::unavailable(format!(
                "the SQLite database file {} is missing",
                file.display()
            )));
        }
        let asked = Instant::now();
        let mut checked = self.pool.get_timeout(READY_TIMEOUT)?;
        // Pinged here unless the checkout just did.
        if matches!(checked.conn, AnyConnection::Postgresql(_)) && checked.verified_at < asked {
            if let Err(error) = checked.conn.ping() {
                // Whatever the ping met, the database cannot serve requests now.
                checked.lost = true;
                return Err(DbError::unavailable(error));
            }
            checked.verified_at = Instant::now();
        }
        Ok(())
    }
}

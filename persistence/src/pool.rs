use std::sync::Arc;
use std::time::Duration;

use diesel::r2d2::R2D2Connection;

use crate::{AnyConnection, Backend, DatabaseUrl, DbError};

/// A pooled connection, returned to the pool when dropped.
pub type PooledConn = r2d2::PooledConnection<Manager>;

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
}

impl r2d2::ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = DbError;

    fn connect(&self) -> Result<AnyConnection, DbError> {
        self.url.connect()
    }

    /// PostgreSQL connections are pinged (a server restart kills them); an SQLite
    /// connection has no server to lose, and `check_ready` checks its file.
    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), DbError> {
        match conn {
            AnyConnection::Sqlite(_) => Ok(()),
            AnyConnection::Postgresql(_) => conn.ping().map_err(DbError::from),
        }
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        std::thread::panicking() || conn.is_broken()
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

/// The connection pool shared by request handlers and background jobs.
#[derive(Debug, Clone)]
pub struct DbPool {
    pool: r2d2::Pool<Manager>,
    url: Arc<DatabaseUrl>,
}

/// How long `/health/ready` waits for a connection: it must answer quickly even
/// when every connection is busy or the server is gone.
const READY_TIMEOUT: Duration = Duration::from_millis(1500);

impl DbPool {
    /// Opens a first connection at once, so a wrong URL or a stopped server is
    /// reported immediately with its cause instead of after r2d2's silent retries.
    pub fn open(url: DatabaseUrl, options: &PoolOptions) -> Result<Self, DbError> {
        let first = url.connect()?;
        drop(first);
        let pool = r2d2::Pool::builder()
            .max_size(options.max_size)
            .min_idle(Some(1))
            .connection_timeout(options.acquire_timeout)
            // Every connection handed out is pinged first: a connection killed by a
            // server restart is replaced instead of failing a request, and
            // `check_ready` needs nothing more than a checkout.
            .test_on_check_out(true)
            .error_handler(Box::new(LogErrors))
            .build_unchecked(Manager { url: url.clone() });
        Ok(Self {
            pool,
            url: Arc::new(url),
        })
    }

    pub fn get(&self) -> Result<PooledConn, DbError> {
        self.pool.get().map_err(DbError::from)
    }

    pub fn backend(&self) -> Backend {
        self.url.backend()
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// Whether the database can serve requests now: a connection answers (the pool
    /// pings each connection it hands out), and an SQLite database file still exists
    /// (an open connection keeps working on a deleted file, whose data would be lost
    /// at the next start).
    pub fn check_ready(&self) -> Result<(), DbError> {
        if let Some(file) = self.url.sqlite_file().filter(|file| !file.exists()) {
            return Err(DbError::unavailable(format!(
                "the SQLite database file {} is missing",
                file.display()
            )));
        }
        self.pool
            .get_timeout(READY_TIMEOUT)
            .map(drop)
            .map_err(DbError::from)
    }
}

use std::path::{Path, PathBuf};

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, ConnectionError};

use crate::DbError;

/// One connection type for both databases. SQLite comes last: diesel's own
/// `establish` tries variants in order and SQLite accepts any string as a path.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

impl std::fmt::Debug for AnyConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Postgresql(_) => "AnyConnection::Postgresql",
            Self::Sqlite(_) => "AnyConnection::Sqlite",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// A parsed `DATABASE_URL`: the backend is chosen from the scheme, never guessed by
/// trying to connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Postgres(String),
    /// A file path, or an SQLite URI (`file:name?mode=memory&cache=shared`).
    Sqlite(String),
}

/// Without it libpq may wait for minutes on a host that drops packets.
const PG_CONNECT_TIMEOUT_SECS: u32 = 3;

diesel::define_sql_function! {
    /// SQLite's `lower()` folds ASCII only; replaced on each connection by Rust's
    /// full Unicode lowercase, so that searches ignore case as PostgreSQL's do
    /// ("élodie" finds "Élodie").
    #[sql_name = "lower"]
    fn unicode_lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// SQLite settings every connection needs: writers wait for each other instead of
/// failing (first, so that the other pragmas wait too), foreign keys enforced,
/// readers never blocked by the writer (WAL), and the file read through a shared
/// memory map (up to 1 GiB) instead of a `pread` copy into each connection's cache
/// (those system calls and copies took about 6 % of the planning benchmark's CPU). The
/// price, as SQLite documents it: an I/O error on the file ends the process (SIGBUS)
/// instead of failing one query.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; \
     PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA mmap_size = 1073741824;";

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, DbError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let with_timeout = if url.contains("connect_timeout=") {
                url.to_owned()
            } else if url.contains('?') {
                format!("{url}&connect_timeout={PG_CONNECT_TIMEOUT_SECS}")
            } else {
                format!("{url}?connect_timeout={PG_CONNECT_TIMEOUT_SECS}")
            };
            return Ok(Self::Postgres(with_timeout));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() {
            return Err(DbError::InvalidUrl(
                "expected postgres://..., sqlite://PATH or a file path".to_owned(),
            ));
        }
        if path.contains("://") {
            return Err(DbError::InvalidUrl(format!(
                "unsupported scheme in {path:?}: use postgres:// or sqlite://"
            )));
        }
        Ok(Self::Sqlite(path.to_owned()))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Self::Postgres(_) => Backend::Postgres,
            Self::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// The file behind an SQLite database, if it lives in one.
    pub fn sqlite_file(&self) -> Option<&Path> {
        match self {
            Self::Sqlite(path) if !path.starts_with("file:") && path != ":memory:" => {
                Some(Path::new(path))
            }
            _ => None,
        }
    }

    /// The URL with any password masked, for logs and start-up messages.
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite://{path}"),
            Self::Postgres(url) => redact_password(url),
        }
    }

    /// Opens the first connection, creating an SQLite file (and its folder) that does
    /// not exist yet.
    pub fn connect_creating(&self) -> Result<AnyConnection, DbError> {
        if let Some(file) = self.sqlite_file() {
            create_parent_dir(file)?;
            // `create_new`: never truncates a file another process just created.
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(file)
            {
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => {
                    return Err(DbError::unavailable(format!(
                        "cannot create {}: {e}",
                        file.display()
                    )));
                }
            }
        }
        self.connect()
    }

    /// Opens one connection to an existing database, reporting the real cause when it
    /// fails.
    pub fn connect(&self) -> Result<AnyConnection, DbError> {
        match self {
            Self::Postgres(url) => PgConnection::establish(url)
                .map(AnyConnection::Postgresql)
                .map_err(|e| DbError::unavailable(describe(&e))),
            Self::Sqlite(path) => {
                // Only the first connection may create the file: a later one finding it
                // gone would otherwise start an empty database in its place.
                if let Some(file) = self.sqlite_file().filter(|file| !file.exists()) {
                    return Err(DbError::unavailable(format!(
                        "the SQLite database file {} is missing",
                        file.display()
                    )));
                }
                let mut conn = SqliteConnection::establish(path)
                    .map_err(|e| DbError::unavailable(describe(&e)))?;
                conn.batch_execute(SQLITE_PRAGMAS)?;
                unicode_lower_utils::register_impl(&mut conn, |text: String| text.to_lowercase())?;
                Ok(AnyConnection::Sqlite(conn))
            }
        }
    }
}

fn create_parent_dir(file: &Path) -> Result<(), DbError> {
    match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.exists() => std::fs::create_dir_all(dir)
            .map_err(|e| {
                DbError::unavailable(format!(
                    "cannot create {}: {e}",
                    PathBuf::from(dir).display()
                ))
            }),
        _ => Ok(()),
    }
}

fn describe(error: &ConnectionError) -> String {
    match error {
        ConnectionError::BadConnection(message) => message.trim().to_owned(),
        other => other.to_string(),
    }
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((credentials, host)) => match credentials.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheme_chooses_the_backend() {
        assert_eq!(
            DatabaseUrl::parse("postgres://u@h/db").unwrap().backend(),
            Backend::Postgres
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://./data/x.db").unwrap(),
            DatabaseUrl::Sqlite("./data/x.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("data/x.db").unwrap().backend(),
            Backend::Sqlite
        );
        assert!(DatabaseUrl::parse("mysql://u@h/db").is_err());
        assert!(DatabaseUrl::parse("").is_err());
    }

    #[test]
    fn sqlite_connections_get_their_settings() {
        use diesel::RunQueryDsl;
        use diesel::sql_types::BigInt;
        #[derive(diesel::QueryableByName)]
        struct Mmap {
            #[diesel(sql_type = BigInt)]
            mmap_size: i64,
        }
        #[derive(diesel::QueryableByName)]
        struct ForeignKeys {
            #[diesel(sql_type = BigInt)]
            foreign_keys: i64,
        }
        let file = std::env::temp_dir().join(format!("ef-pragmas-{}.db", std::process::id()));
        let url = DatabaseUrl::Sqlite(file.to_string_lossy().into_owned());
        let AnyConnection::Sqlite(mut conn) = url.connect_creating().unwrap() else {
            panic!("an SQLite URL opened another backend");
        };
        let mmap: Mmap = diesel::sql_query("PRAGMA mmap_size")
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(mmap.mmap_size, 1 << 30);
        let keys: ForeignKeys = diesel::sql_query("PRAGMA foreign_keys")
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(keys.foreign_keys, 1);
        drop(conn);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
        }
    }

    #[test]
    fn only_the_first_connection_creates_the_sqlite_file() {
        let dir = std::env::temp_dir().join(format!("ef-create-{}", std::process::id()));
        let file = dir.join("app.db");
        let url = DatabaseUrl::Sqlite(file.to_string_lossy().into_owned());
        assert!(url.connect().is_err());
        assert!(!file.exists(), "a later connection created the file");
        drop(url.connect_creating().unwrap());
        assert!(file.exists());
        drop(url.connect().unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(url.connect().is_err());
        assert!(!dir.exists(), "a later connection created the folder");
    }

    #[test]
    fn postgres_urls_get_a_connect_timeout_and_hide_passwords() {
        let url = DatabaseUrl::parse("postgres://u:secret@h/db").unwrap();
        assert_eq!(
            url,
            DatabaseUrl::Postgres("postgres://u:secret@h/db?connect_timeout=3".into())
        );
        assert_eq!(url.redacted(), "postgres://u:***@h/db?connect_timeout=3");
    }
}

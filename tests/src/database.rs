//! A fresh database per test.

use std::path::PathBuf;

use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;

/// A database made for one test, removed when dropped.
#[derive(Debug)]
pub struct TestDatabase {
    /// The `DATABASE_URL` the app is given.
    pub url: String,
    id: String,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    /// The file lives alone in its own directory, which going offline moves away: no
    /// connection opened meanwhile can create an empty file in its place (SQLite
    /// creates a missing file, not a missing directory).
    Sqlite {
        dir: PathBuf,
    },
    Postgres {
        admin_url: String,
        name: String,
    },
    /// Handed over to another `TestDatabase` (an app restarted on it).
    Moved,
}

impl TestDatabase {
    pub fn create() -> Self {
        let id = uuid::Uuid::new_v4().simple().to_string();
        match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.trim().is_empty() => Self::postgres(admin_url, id),
            _ => Self::sqlite(id),
        }
    }

    /// An SQLite database whatever `TEST_DATABASE_URL` says (a backup restored).
    pub fn create_sqlite() -> Self {
        Self::sqlite(uuid::Uuid::new_v4().simple().to_string())
    }

    fn sqlite(id: String) -> Self {
        let dir = std::env::temp_dir().join(format!("espace-familles-test-{id}"));
        std::fs::create_dir_all(&dir).expect("test database directory");
        Self {
            url: format!("sqlite://{}", dir.join("app.db").display()),
            id,
            kind: Kind::Sqlite { dir },
        }
    }

    /// The SQLite database's file (`None` on PostgreSQL).
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        match &self.kind {
            Kind::Sqlite { dir } => Some(dir.join("app.db")),
            _ => None,
        }
    }

    fn postgres(admin_url: String, id: String) -> Self {
        let name = format!("ef_test_{id}");
        let mut admin = PgConnection::establish(&admin_url)
            .unwrap_or_else(|e| panic!("TEST_DATABASE_URL={admin_url} cannot be reached: {e}"));
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("test database created");
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(base, _)| base);
        Self {
            url: format!("{base}/{name}"),
            id,
            kind: Kind::Postgres { admin_url, name },
        }
    }

    /// Moves the database into a new handle; this one then cleans nothing up.
    pub fn take(&mut self) -> Self {
        Self {
            url: self.url.clone(),
            id: self.id.clone(),
            kind: std::mem::replace(&mut self.kind, Kind::Moved),
        }
    }

    /// A second handle on this database, for another instance beside the first one's;
    /// it cleans nothing up.
    pub fn alias(&self) -> Self {
        Self {
            url: self.url.clone(),
            id: self.id.clone(),
            kind: Kind::Moved,
        }
    }

    /// Where the app writes `.eml` files.
    pub fn mail_dir(&self) -> PathBuf {
        std::env::temp_dir().join(format!("espace-familles-test-mail-{}", self.id))
    }

    /// Where the app under test stores documents.
    pub fn storage_dir(&self) -> PathBuf {
        std::env::temp_dir().join(format!("espace-familles-test-files-{}", self.id))
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.kind, Kind::Postgres { .. })
    }

    /// Makes the database unreachable for the app, as a stopped server or a deleted
    /// file would.
    pub fn take_offline(&self) {
        match &self.kind {
            Kind::Sqlite { dir } => {
                std::fs::rename(dir, dir.with_extension("offline"))
                    .expect("database directory moved away");
            }
            Kind::Moved => panic!("this database was handed to another test app"),
            Kind::Postgres { admin_url, name } => {
                admin(
                    admin_url,
                    &format!(
                        "ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false; \
                     SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}';"
                    ),
                );
                until_no_backend(admin_url, name);
            }
        }
    }

    pub fn bring_online(&self) {
        match &self.kind {
            Kind::Sqlite { dir } => {
                std::fs::rename(dir.with_extension("offline"), dir)
                    .expect("database directory moved back");
            }
            Kind::Moved => panic!("this database was handed to another test app"),
            Kind::Postgres { admin_url, name } => {
                admin(
                    admin_url,
                    &format!("ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true"),
                );
            }
        }
    }

    /// A direct connection, to check what the app wrote.
    pub fn connect(&self) -> persistence::AnyConnection {
        persistence::DatabaseUrl::parse(&self.url)
            .unwrap()
            .connect()
            .expect("test database connection")
    }
}

/// `pg_terminate_backend` only signals the backends: until they have exited, a
/// connection of the app can still answer. Waits (at most 10 s) for them to be gone.
fn until_no_backend(admin_url: &str, name: &str) {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        backends: i64,
    }
    let mut conn = PgConnection::establish(admin_url).expect("admin connection");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let count: Vec<Count> = diesel::sql_query(format!(
            "SELECT count(*) AS backends FROM pg_stat_activity WHERE datname = '{name}'"
        ))
        .load(&mut conn)
        .expect("backends counted");
        if count.first().is_none_or(|c| c.backends == 0) || std::time::Instant::now() > deadline {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn admin(admin_url: &str, sql: &str) {
    let mut conn = PgConnection::establish(admin_url).expect("admin connection");
    conn.batch_execute(sql).expect("admin statement");
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if matches!(self.kind, Kind::Moved) {
            return;
        }
        let _ = std::fs::remove_dir_all(self.mail_dir());
        let _ = std::fs::remove_dir_all(self.storage_dir());
        match &self.kind {
            Kind::Sqlite { dir } => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Kind::Moved => {}
            Kind::Postgres { admin_url, name } => {
                if let Ok(mut conn) = PgConnection::establish(admin_url) {
                    let _ =
                        conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            }
        }
    }
}

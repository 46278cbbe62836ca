//! Another writer of the app's database holding its lock, to test what the app does
//! while it waits.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::TestApp;

/// Another writer of the app's database, its transaction open: on SQLite it holds the
/// database's write lock, on PostgreSQL the rows it wrote, until released.
#[expect(
    missing_debug_implementations,
    reason = "a diesel connection is not Debug"
)]
pub struct Writer {
    pub conn: persistence::AnyConnection,
}

/// Opens another writer's transaction.
pub fn another_writer(app: &TestApp) -> Writer {
    let mut conn = app.database.connect();
    conn.batch_execute("BEGIN").unwrap();
    Writer { conn }
}

impl Writer {
    pub fn run(&mut self, sql: &str) {
        self.conn.batch_execute(sql).unwrap();
    }

    /// Commits.
    pub fn release(mut self) {
        self.conn.batch_execute("COMMIT").unwrap();
    }
}

/// Waits until `n` of the app's statements wait for a lock another writer holds: seen
/// on PostgreSQL; on SQLite, whose waiting writers cannot be seen, three seconds' grace
/// (they wait up to five, the busy timeout; the requests reach the database long before
/// even on a loaded machine).
pub async fn until_waiting(app: &TestApp, n: i64) {
    let persistence::AnyConnection::Postgresql(mut pg) = app.database.connect() else {
        tokio::time::sleep(Duration::from_secs(3)).await;
        return;
    };
    for _ in 0..400 {
        let waiting: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "(SELECT count(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock')",
        ))
        .get_result(&mut pg)
        .unwrap();
        if waiting >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{n} statements of the app never waited for the other writer");
}

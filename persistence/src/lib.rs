//! Database access: one diesel `MultiConnection` over PostgreSQL and SQLite, the pool,
//! the embedded migrations and the repositories the use cases call.

pub mod city;
mod connection;
mod error;
mod migrations;
mod pool;
pub mod schema;

pub use connection::{AnyConnection, Backend, DatabaseUrl};
pub use error::DbError;
pub use migrations::run_migrations;
pub use pool::{DbPool, PoolOptions, PooledConn};

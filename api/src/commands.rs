//! What the `espace-familles` command does besides serving, for the operations team.

use std::path::Path;

use anyhow::Context;
use persistence::DatabaseUrl;

use crate::adapters::storage::{FileStore, sha256_hex};
use crate::clock::Clock;
use crate::config::{Config, StorageLocation};
use crate::startup::prepare_database;

/// `espace-familles backup PATH`: a consistent copy of the SQLite database, made while
/// the API serves (the database in its files is not touched: see the README for them
/// and for PostgreSQL).
pub fn backup(config: &Config, target: &Path) -> anyhow::Result<()> {
    let url = DatabaseUrl::parse(&config.database_url)?;
    if url.sqlite_file().is_none() {
        anyhow::bail!(
            "backup copies SQLite databases; for PostgreSQL use pg_dump as the README says"
        );
    }
    let mut conn = url
        .connect()
        .with_context(|| format!("cannot open the database {}", url.redacted()))?;
    persistence::backup::sqlite_copy(&mut conn, target)
        .with_context(|| format!("cannot write the backup {}", target.display()))
}

/// What `storage migrate` did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct StorageMigration {
    /// Files copied, and their bytes.
    pub copied: usize,
    pub bytes: u64,
    /// Files the target held already, identical.
    pub already_there: usize,
}

/// `espace-familles storage migrate --to URL`: copies every file of the configured store
/// to the store at `to` under the same keys, reading each back to check its SHA-256
/// (and the one its document recorded at upload). Files are written once and never
/// changed, so it may run while the API serves; switch `STORAGE_URL` to `to`
/// afterwards, then run it again to copy what was uploaded meanwhile.
pub fn migrate_storage(config: &Config, to: &StorageLocation) -> anyhow::Result<StorageMigration> {
    let (pool, _, _) = prepare_database(config, &Clock::system())?;
    let mut conn = pool.get()?;
    let source = FileStore::from_config(&config.files).context("cannot open the file store")?;
    let target = FileStore::open(to, &config.files.s3)
        .with_context(|| format!("cannot open the target store {to:?}"))?;
    let recorded = persistence::dossiers::documents::recorded_hashes(&mut conn)?;
    let mut done = StorageMigration::default();
    for key in source.keys(&mut conn)? {
        let content = source
            .read(&mut conn, &key)
            .with_context(|| format!("cannot read the file {key}"))?;
        let sha256 = sha256_hex(&content);
        if let Some(expected) = recorded.get(&key).filter(|expected| **expected != sha256) {
            anyhow::bail!(
                "the file {key} is damaged: its SHA-256 is {sha256}, its document recorded {expected}"
            );
        }
        if target
            .read(&mut conn, &key)
            .is_ok_and(|there| sha256_hex(&there) == sha256)
        {
            done.already_there += 1;
            continue;
        }
        target
            .put(&mut conn, &key, &content)
            .with_context(|| format!("cannot write the file {key}"))?;
        let written = target
            .read(&mut conn, &key)
            .with_context(|| format!("cannot read back the file {key}"))?;
        if sha256_hex(&written) != sha256 {
            anyhow::bail!("the file {key} reads back different from what was written");
        }
        done.copied += 1;
        done.bytes += content.len() as u64;
    }
    Ok(done)
}

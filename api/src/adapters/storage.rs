//! The file store: documents and PDFs kept under server-generated names, never served
//! directly, in one of three places `STORAGE_URL` chooses: a folder (the default), the
//! database itself, or S3-compatible object storage. Every call takes the caller's
//! database connection: the database backend writes on it, inside the caller's
//! transaction when there is one.

mod bucket;
mod folder;

use std::io;

use chrono::Utc;
use persistence::AnyConnection;
use sha2::{Digest, Sha256};

use crate::config::{FilesConfig, S3Access, StorageLocation};

#[derive(Debug)]
pub struct FileStore {
    backend: Backend,
}

#[derive(Debug)]
enum Backend {
    Folder(folder::Folder),
    Database,
    Bucket(bucket::Bucket),
}

/// A stored file: its key (name in the store) and the SHA-256 of its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub key: String,
    pub sha256: String,
}

/// The SHA-256 of `content`, in hex, as documents record it.
pub fn sha256_hex(content: &[u8]) -> String {
    Sha256::digest(content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Keys are the store's own hex names; anything else never reaches a backend.
fn checked(key: &str) -> io::Result<&str> {
    if key.len() == 32 && key.bytes().all(|c| c.is_ascii_hexdigit()) {
        Ok(key)
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a storage key",
        ))
    }
}

fn database_error(error: persistence::DbError) -> io::Error {
    io::Error::other(error.to_string())
}

impl FileStore {
    /// The store the configuration names.
    pub fn from_config(files: &FilesConfig) -> io::Result<Self> {
        Self::open(&files.storage, &files.s3)
    }

    /// Opens the store at `location` (creating a folder if needed).
    pub fn open(location: &StorageLocation, s3: &S3Access) -> io::Result<Self> {
        let backend = match location {
            StorageLocation::Folder(dir) => Backend::Folder(folder::Folder::open(dir.clone())?),
            StorageLocation::Database => Backend::Database,
            StorageLocation::S3 { bucket, prefix } => {
                Backend::Bucket(bucket::Bucket::open(bucket, prefix, s3)?)
            }
        };
        Ok(Self { backend })
    }

    /// Writes `content` under a new random name.
    pub fn save(&self, conn: &mut AnyConnection, content: &[u8]) -> io::Result<Stored> {
        let mut random = [0u8; 16];
        getrandom::fill(&mut random).map_err(|e| io::Error::other(e.to_string()))?;
        let key: String = random.iter().map(|b| format!("{b:02x}")).collect();
        self.put(conn, &key, content)?;
        Ok(Stored {
            key,
            sha256: sha256_hex(content),
        })
    }

    /// Writes `content` under `key` (a storage migration keeps the keys).
    pub fn put(&self, conn: &mut AnyConnection, key: &str, content: &[u8]) -> io::Result<()> {
        let key = checked(key)?;
        match &self.backend {
            Backend::Folder(folder) => folder.put(key, content),
            Backend::Database => persistence::stored_files::insert(conn, key, content, Utc::now())
                .map_err(database_error),
            Backend::Bucket(bucket) => bucket.put(key, content),
        }
    }

    pub fn read(&self, conn: &mut AnyConnection, key: &str) -> io::Result<Vec<u8>> {
        let key = checked(key)?;
        match &self.backend {
            Backend::Folder(folder) => folder.read(key),
            Backend::Database => persistence::stored_files::find(conn, key)
                .map_err(database_error)?
                .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such stored file")),
            Backend::Bucket(bucket) => bucket.read(key),
        }
    }

    /// Deletes a file; one already gone is not an error (a purge run twice).
    pub fn remove(&self, conn: &mut AnyConnection, key: &str) -> io::Result<()> {
        let key = checked(key)?;
        match &self.backend {
            Backend::Folder(folder) => folder.remove(key),
            Backend::Database => {
                persistence::stored_files::delete(conn, key).map_err(database_error)
            }
            Backend::Bucket(bucket) => bucket.remove(key),
        }
    }

    /// Every key the store holds, sorted (a storage migration).
    pub fn keys(&self, conn: &mut AnyConnection) -> io::Result<Vec<String>> {
        let mut keys = match &self.backend {
            Backend::Folder(folder) => folder.names()?,
            Backend::Database => persistence::stored_files::keys(conn).map_err(database_error)?,
            Backend::Bucket(bucket) => bucket.names()?,
        };
        keys.retain(|key| checked(key).is_ok());
        keys.sort();
        Ok(keys)
    }
}

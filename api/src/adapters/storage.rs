//! The file store: documents kept under server-generated names in a directory that
//! nothing serves directly.

use std::io;
use std::path::PathBuf;

use sha2::{Digest, Sha256};

#[derive(Debug, Clone)]
pub struct FileStore {
    dir: PathBuf,
}

/// A stored file: its key (name in the store) and the SHA-256 of its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub key: String,
    pub sha256: String,
}

impl FileStore {
    /// Opens (creating it if needed) the directory, readable by this user only.
    pub fn open(dir: PathBuf) -> io::Result<Self> {
        std::fs::create_dir_all(&dir)?;
        restrict(&dir, 0o700)?;
        Ok(Self { dir })
    }

    /// Writes `content` under a new random name, through a temporary file renamed
    /// into place, so a crash never leaves a half-written document behind its key.
    pub fn save(&self, content: &[u8]) -> io::Result<Stored> {
        let mut random = [0u8; 16];
        getrandom::fill(&mut random).map_err(|e| io::Error::other(e.to_string()))?;
        let key: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let temporary = self.dir.join(format!("{key}.part"));
        std::fs::write(&temporary, content)?;
        restrict(&temporary, 0o600)?;
        std::fs::rename(&temporary, self.path(&key)?)?;
        let sha256 = Sha256::digest(content)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Stored { key, sha256 })
    }

    pub fn read(&self, key: &str) -> io::Result<Vec<u8>> {
        std::fs::read(self.path(key)?)
    }

    /// Deletes a file; one already gone is not an error (a purge run twice).
    pub fn remove(&self, key: &str) -> io::Result<()> {
        match std::fs::remove_file(self.path(key)?) {
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }

    /// Keys are the store's own hex names; anything else never reaches the disk.
    fn path(&self, key: &str) -> io::Result<PathBuf> {
        if key.len() == 32 && key.chars().all(|c| c.is_ascii_hexdigit()) {
            Ok(self.dir.join(key))
        } else {
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a storage key",
            ))
        }
    }
}

/// Health forms and proofs are for this service's user only.
#[cfg(unix)]
fn restrict(path: &std::path::Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn restrict(_path: &std::path::Path, _mode: u32) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_saved_read_and_removed_by_their_key_only() -> io::Result<()> {
        let dir = std::env::temp_dir().join(format!("ef-store-{}", std::process::id()));
        let store = FileStore::open(dir.clone())?;
        let stored = store.save(b"%PDF-1.7 test")?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join(&stored.key))?
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(store.read(&stored.key)?, b"%PDF-1.7 test");
        assert_eq!(stored.sha256.len(), 64);
        assert!(store.read("../../etc/passwd").is_err());
        store.remove(&stored.key)?;
        store.remove(&stored.key)?;
        assert!(store.read(&stored.key).is_err());
        std::fs::remove_dir_all(dir)
    }
}

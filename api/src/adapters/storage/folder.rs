//! Files in a folder of this server's disk (the default): written through a temporary
//! file renamed into place, readable by this service's user only.

use std::io;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Folder {
    dir: PathBuf,
}

impl Folder {
    /// Opens (creating it if needed) the folder, readable by this user only.
    pub fn open(dir: PathBuf) -> io::Result<Self> {
        std::fs::create_dir_all(&dir)?;
        restrict(&dir, 0o700)?;
        Ok(Self { dir })
    }

    /// A crash never leaves a half-written file behind its key.
    pub fn put(&self, key: &str, content: &[u8]) -> io::Result<()> {
        let temporary = self.dir.join(format!("{key}.part"));
        std::fs::write(&temporary, content)?;
        restrict(&temporary, 0o600)?;
        std::fs::rename(&temporary, self.dir.join(key))
    }

    pub fn read(&self, key: &str) -> io::Result<Vec<u8>> {
        std::fs::read(self.dir.join(key))
    }

    pub fn remove(&self, key: &str) -> io::Result<()> {
        match std::fs::remove_file(self.dir.join(key)) {
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }

    /// The names of the folder's files (temporary ones included: the caller keeps keys).
    pub fn names(&self) -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(&self.dir)? {
            if let Some(name) = entry?.file_name().to_str() {
                names.push(name.to_owned());
            }
        }
        Ok(names)
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
    fn files_are_written_for_this_user_only_and_removed_once() -> io::Result<()> {
        let dir = std::env::temp_dir().join(format!("ef-folder-{}", std::process::id()));
        let folder = Folder::open(dir.clone())?;
        folder.put("00112233445566778899aabbccddeeff", b"%PDF-1.7 test")?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join("00112233445566778899aabbccddeeff"))?
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(
            folder.read("00112233445566778899aabbccddeeff")?,
            b"%PDF-1.7 test"
        );
        assert_eq!(
            folder.names()?,
            vec!["00112233445566778899aabbccddeeff".to_owned()]
        );
        folder.remove("00112233445566778899aabbccddeeff")?;
        folder.remove("00112233445566778899aabbccddeeff")?;
        assert!(folder.read("00112233445566778899aabbccddeeff").is_err());
        std::fs::remove_dir_all(dir)
    }
}

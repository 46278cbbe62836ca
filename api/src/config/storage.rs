//! Where documents and PDFs are kept: `STORAGE_URL` (a folder, the database, or
//! S3-compatible object storage), with `STORAGE_DIR` as the folder by default.

use std::path::PathBuf;

use super::{ConfigError, Vars};

/// A file store's location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageLocation {
    /// A folder on this server's disk (`STORAGE_DIR`, or `STORAGE_URL=file:///PATH`).
    Folder(PathBuf),
    /// The database itself (`STORAGE_URL=database:`): shared by every instance, in the
    /// database's backups.
    Database,
    /// A bucket of S3-compatible object storage (`STORAGE_URL=s3://BUCKET[/PREFIX]`),
    /// reached with [`S3Access`].
    S3 { bucket: String, prefix: String },
}

impl StorageLocation {
    /// Reads a `STORAGE_URL` (or `storage migrate --to`'s URL).
    pub fn parse(url: &str) -> Result<Self, String> {
        if url == "database:" {
            return Ok(Self::Database);
        }
        if let Some(path) = url.strip_prefix("file://") {
            return if path.starts_with('/') {
                Ok(Self::Folder(PathBuf::from(path)))
            } else {
                Err("file:// takes an absolute path (file:///srv/files)".into())
            };
        }
        if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            let valid_bucket = (3..=63).contains(&bucket.len())
                && bucket.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'
                });
            return if valid_bucket {
                Ok(Self::S3 {
                    bucket: bucket.to_owned(),
                    prefix: prefix.trim_matches('/').to_owned(),
                })
            } else {
                Err("s3:// takes a bucket name (3 to 63 lowercase letters, digits, - or .)".into())
            };
        }
        Err("expected file:///PATH, database: or s3://BUCKET[/PREFIX]".into())
    }
}

/// How S3-compatible storage is reached: the usual `AWS_*` variables.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct S3Access {
    /// `AWS_REGION` (default `us-east-1`).
    pub region: String,
    /// `AWS_ENDPOINT_URL`: another provider than AWS (Scaleway, OVH, MinIO…); an
    /// `http://` endpoint is allowed (a local server).
    pub endpoint: Option<String>,
    /// `AWS_ACCESS_KEY_ID`.
    pub access_key_id: Option<String>,
    /// `AWS_SECRET_ACCESS_KEY` (a secret, never logged).
    pub secret_access_key: Option<String>,
}

impl std::fmt::Debug for S3Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Access")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .finish()
    }
}

pub(super) fn location<F: Fn(&str) -> Option<String>>(
    vars: &Vars<'_, F>,
) -> Result<StorageLocation, ConfigError> {
    match vars.raw("STORAGE_URL") {
        None => Ok(StorageLocation::Folder(
            vars.text("STORAGE_DIR", "./data/files").into(),
        )),
        Some(url) => StorageLocation::parse(&url).map_err(|reason| ConfigError {
            variable: "STORAGE_URL",
            value: url,
            reason,
        }),
    }
}

pub(super) fn s3_access<F: Fn(&str) -> Option<String>>(vars: &Vars<'_, F>) -> S3Access {
    S3Access {
        region: vars.text("AWS_REGION", "us-east-1"),
        endpoint: vars.raw("AWS_ENDPOINT_URL"),
        access_key_id: vars.raw("AWS_ACCESS_KEY_ID"),
        secret_access_key: vars.raw("AWS_SECRET_ACCESS_KEY"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_urls_name_a_folder_the_database_or_a_bucket() {
        assert_eq!(
            StorageLocation::parse("file:///srv/files"),
            Ok(StorageLocation::Folder("/srv/files".into()))
        );
        assert_eq!(
            StorageLocation::parse("database:"),
            Ok(StorageLocation::Database)
        );
        assert_eq!(
            StorageLocation::parse("s3://ef-files/villejuif/"),
            Ok(StorageLocation::S3 {
                bucket: "ef-files".into(),
                prefix: "villejuif".into()
            })
        );
        for wrong in ["file://relative", "s3://A", "s3://", "ftp://x", "database"] {
            assert!(StorageLocation::parse(wrong).is_err(), "{wrong}");
        }
    }
}

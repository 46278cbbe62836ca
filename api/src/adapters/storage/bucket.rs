//! Files in a bucket of S3-compatible object storage, through `object_store`. The file
//! store is called from blocking threads (inside database work), so the bucket drives
//! its requests on a small runtime of its own.

use std::io;

use futures_util::TryStreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::config::S3Access;

#[derive(Debug)]
pub struct Bucket {
    store: AmazonS3,
    prefix: String,
    /// `None` once dropped (see `Drop`).
    runtime: Option<tokio::runtime::Runtime>,
}

fn other(error: impl std::fmt::Display) -> io::Error {
    io::Error::other(error.to_string())
}

fn from_store(error: object_store::Error) -> io::Error {
    match error {
        object_store::Error::NotFound { .. } => {
            io::Error::new(io::ErrorKind::NotFound, error.to_string())
        }
        error => other(error),
    }
}

impl Bucket {
    pub fn open(bucket: &str, prefix: &str, access: &S3Access) -> io::Result<Self> {
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_region(&access.region);
        if let Some(endpoint) = &access.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        if let (Some(id), Some(secret)) = (&access.access_key_id, &access.secret_access_key) {
            builder = builder
                .with_access_key_id(id)
                .with_secret_access_key(secret);
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("s3-storage")
            .enable_all()
            .build()?;
        Ok(Self {
            store: builder.build().map_err(other)?,
            prefix: prefix.to_owned(),
            runtime: Some(runtime),
        })
    }

    fn path(&self, key: &str) -> Path {
        if self.prefix.is_empty() {
            Path::from(key)
        } else {
            Path::from(format!("{}/{key}", self.prefix))
        }
    }

    fn block_on<F: Future>(&self, work: F) -> io::Result<F::Output> {
        let runtime = self
            .runtime
            .as_ref()
            .ok_or_else(|| other("the storage runtime has stopped"))?;
        Ok(runtime.block_on(work))
    }

    pub fn put(&self, key: &str, content: &[u8]) -> io::Result<()> {
        let payload = PutPayload::from(content.to_vec());
        self.block_on(self.store.put(&self.path(key), payload))?
            .map(|_| ())
            .map_err(from_store)
    }

    pub fn read(&self, key: &str) -> io::Result<Vec<u8>> {
        let path = self.path(key);
        self.block_on(async {
            let found = self.store.get(&path).await?;
            found.bytes().await
        })?
        .map(|bytes| bytes.to_vec())
        .map_err(from_store)
    }

    /// S3 answers a deletion of a missing object as done.
    pub fn remove(&self, key: &str) -> io::Result<()> {
        match self.block_on(self.store.delete(&self.path(key)))? {
            Err(object_store::Error::NotFound { .. }) | Ok(()) => Ok(()),
            Err(error) => Err(other(error)),
        }
    }

    /// The names under the prefix.
    pub fn names(&self) -> io::Result<Vec<String>> {
        let prefix = (!self.prefix.is_empty()).then(|| Path::from(self.prefix.as_str()));
        let objects: Vec<object_store::ObjectMeta> = self
            .block_on(self.store.list(prefix.as_ref()).try_collect())?
            .map_err(from_store)?;
        Ok(objects
            .into_iter()
            .filter_map(|object| object.location.filename().map(str::to_owned))
            .collect())
    }
}

impl Drop for Bucket {
    /// A runtime dropped on an async thread would panic: it is left to stop alone.
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

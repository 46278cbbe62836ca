//! An S3-compatible server for the storage tests: moto's server mode (PyPI), started
//! once per test process from a virtualenv made under `target/` on first use
//! (`tests/s3/requirements.txt`); it stops when the test process ends.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};

struct Running {
    _child: Child,
    /// Kept open: the server exits when its stdin closes.
    _stdin: ChildStdin,
}

static RUNNING: OnceLock<(String, Mutex<Running>)> = OnceLock::new();

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("s3")
}

/// The virtualenv's Python with moto, made once.
fn python() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    // target/debug/deps/api-… → target
    let target = exe.ancestors().nth(3).expect("a target folder");
    let venv = target.join("moto-venv");
    let python = venv.join("bin/python");
    let ready = Command::new(&python)
        .args(["-c", "import moto.server, flask"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ready {
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .expect("python3 runs");
        assert!(made.success(), "python3 -m venv {}", venv.display());
        let installed = Command::new(&python)
            .args(["-m", "pip", "install", "-q", "-r"])
            .arg(folder().join("requirements.txt"))
            .status()
            .expect("pip runs");
        assert!(installed.success(), "pip install moto[server]");
    }
    python
}

/// The server's address, started on first use.
pub fn endpoint() -> String {
    RUNNING
        .get_or_init(|| {
            let mut child = Command::new(python())
                .arg(folder().join("server.py"))
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("moto's server starts");
            let stdin = child.stdin.take().expect("the server's stdin");
            let stdout = child.stdout.take().expect("the server's stdout");
            let mut line = String::new();
            BufReader::new(stdout)
                .read_line(&mut line)
                .expect("the server says where it listens");
            (
                line.trim().to_owned(),
                Mutex::new(Running {
                    _child: child,
                    _stdin: stdin,
                }),
            )
        })
        .0
        .clone()
}

/// A new empty bucket; returns the settings of an app storing its files there.
pub async fn new_bucket() -> Vec<(&'static str, String)> {
    let endpoint = endpoint();
    let bucket = format!("ef-{}", uuid::Uuid::new_v4().simple());
    let created = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .expect("moto answers");
    assert!(created.status().is_success(), "bucket created: {created:?}");
    vec![
        ("STORAGE_URL", format!("s3://{bucket}/files")),
        ("AWS_ENDPOINT_URL", endpoint),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_ACCESS_KEY_ID", "test-key".into()),
        ("AWS_SECRET_ACCESS_KEY", "test-secret".into()),
    ]
}

/// The size of the object `key` as the bucket lists it (objects themselves are not
/// readable without a signature).
pub async fn object_size(settings: &[(&str, String)], key: &str) -> Option<usize> {
    let value = |name: &str| {
        settings
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .expect("a bucket's setting")
    };
    let location = value("STORAGE_URL").replace("s3://", "");
    let (bucket, prefix) = location.split_once('/').expect("s3://BUCKET/PREFIX");
    let listing = reqwest::get(format!(
        "{}/{bucket}?list-type=2&prefix={prefix}/{key}",
        value("AWS_ENDPOINT_URL")
    ))
    .await
    .expect("moto answers")
    .text()
    .await
    .expect("a listing");
    let wanted = format!("<Key>{prefix}/{key}</Key>");
    let (_, after) = listing.split_once(&wanted)?;
    let size = after.split_once("<Size>")?.1.split_once("</Size>")?.0;
    size.parse().ok()
}

//! The `espace-familles` binary itself: its commands, its start-up errors, its
//! graceful stop on SIGTERM.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_espace-familles");

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("espace-familles-bin-{}", std::process::id()));
    let dir = dir.join(format!("{:?}", Instant::now()).replace(['.', ' '], ""));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn command(dir: &PathBuf) -> Command {
    let mut command = Command::new(BIN);
    command
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "info")
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("WORKERS", "1");
    command
}

#[test]
fn openapi_prints_the_committed_contract() {
    let output = Command::new(BIN).arg("openapi").output().unwrap();
    assert!(output.status.success());
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.yaml")).unwrap();
    assert_eq!(String::from_utf8(output.stdout).unwrap(), committed);
}

#[test]
fn migrate_creates_the_default_sqlite_database_under_data() {
    let dir = temp_dir();
    let output = command(&dir).arg("migrate").output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(dir.join("data/espace-familles.db").exists());
    assert!(String::from_utf8_lossy(&output.stdout).contains("applied"));

    let again = command(&dir).arg("migrate").output().unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("up to date"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn purge_applies_the_retention_periods_and_reports_what_it_deleted() {
    let dir = temp_dir();
    let output = command(&dir).arg("purge").output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("purged: 0 audit entries"), "{stdout}");
    assert!(dir.join("data/files").is_dir());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_unreachable_postgresql_is_reported_at_once_with_its_cause() {
    let dir = temp_dir();
    let started = Instant::now();
    let output = command(&dir)
        .arg("migrate")
        .env("DATABASE_URL", "postgres://postgres@127.0.0.1:1/nowhere")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("127.0.0.1") && stderr.contains("refused"),
        "{stderr}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn vapid_key_prints_a_web_push_key_pair_the_server_accepts() {
    let output = Command::new(BIN).arg("vapid-key").output().unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    let private = stdout
        .lines()
        .find_map(|l| l.strip_prefix("WEB_PUSH_VAPID_PRIVATE_KEY="))
        .expect(&stdout);
    let public = stdout
        .lines()
        .find_map(|l| l.strip_prefix("# public key (applicationServerKey): "))
        .expect(&stdout);
    let pair = api::adapters::push::web_push::key_pair(private).unwrap();
    assert_eq!(api::adapters::push::web_push::public_key_of(&pair), public);
    // Two runs, two keys.
    let again = Command::new(BIN).arg("vapid-key").output().unwrap();
    assert_ne!(String::from_utf8(again.stdout).unwrap(), stdout);

    // A key that is not one stops the server at start, naming its variable.
    let dir = temp_dir();
    let refused = command(&dir)
        .env("WEB_PUSH_VAPID_PRIVATE_KEY", "not-a-key")
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("WEB_PUSH_VAPID_PRIVATE_KEY"), "{stderr}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_invalid_setting_names_its_variable() {
    let dir = temp_dir();
    let output = command(&dir)
        .env("DATABASE_POOL_SIZE", "lots")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("DATABASE_POOL_SIZE"));
    std::fs::remove_dir_all(dir).unwrap();
}

/// Starts the server, sends a request whose body is still being written, sends
/// SIGTERM, then completes the request: it is answered, and the process exits 0.
#[test]
fn sigterm_lets_requests_in_flight_finish_then_exits_cleanly() {
    let dir = temp_dir();
    let mut child = command(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let address = loop {
        let line = received
            .recv_timeout(Duration::from_secs(30))
            .expect("the server starts");
        if let Some(url) = line.trim().strip_prefix("API:") {
            let url = url.trim().trim_start_matches("http://");
            break url.split('/').next().unwrap().to_owned();
        }
    };

    let body = r#"{"password":"Trois-Chats-Verts"}"#;
    let mut stream = TcpStream::connect(&address).unwrap();
    write!(
        stream,
        "POST /api/v1/auth/password-policy/check HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        body.len(),
        &body[..10]
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    std::thread::sleep(Duration::from_millis(300));
    stream.write_all(&body.as_bytes()[10..]).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(r#""valid":true"#), "{answer}");

    let deadline = Instant::now() + Duration::from_secs(10);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
    // New connections are refused once it is gone.
    assert!(TcpStream::connect(&address).is_err());
    std::fs::remove_dir_all(dir).unwrap();
}

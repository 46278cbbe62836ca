//! The email outbox: the worker sends what transactions queued, through SMTP or as
//! `.eml` files, and retries with backoff when the server fails.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

use tests::{TestApp, TestAppBuilder, link_token, spawn_app};

const FAMILY: &str = "famille.ti@exemple.fr";

async fn ask_reset(app: &TestApp) {
    let response = app
        .post_json(
            "/api/v1/auth/password-reset-requests",
            &json!({ "email": FAMILY }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
}

/// Waits until `check` holds, for a few seconds.
async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + StdDuration::from_secs(15);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_local_default_writes_eml_files_and_marks_them_sent() {
    let app = spawn_app().await;
    ask_reset(&app).await;
    eventually("the email to be sent", || {
        app.emails_to(FAMILY)
            .first()
            .is_some_and(|e| e.sent_at.is_some())
    })
    .await;
    let email = &app.emails_to(FAMILY)[0];
    assert_eq!(email.attempts, 1);
    let files: Vec<PathBuf> = std::fs::read_dir(app.database.mail_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].extension().unwrap(), "eml");
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    assert!(eml.contains(&format!("To: {FAMILY}")), "{eml}");
    assert!(eml.contains("Subject:"), "{eml}");
    assert!(
        eml.contains("multipart/alternative"),
        "text and HTML: {eml}"
    );
}

#[tokio::test]
async fn a_failing_smtp_server_is_retried_with_backoff_and_nothing_is_lost() {
    let closed = free_port();
    let app = TestAppBuilder::default()
        .setting("MAIL_TRANSPORT", "smtp")
        .setting("SMTP_URL", &format!("smtp://127.0.0.1:{closed}"))
        .spawn()
        .await;
    app.clock.set(app.clock.now());
    ask_reset(&app).await;
    eventually("a failed attempt", || {
        app.emails_to(FAMILY)
            .first()
            .is_some_and(|e| e.attempts == 1)
    })
    .await;
    let email = &app.emails_to(FAMILY)[0];
    assert!(email.sent_at.is_none() && email.failed_at.is_none());
    assert!(email.last_error.as_deref().is_some_and(|e| !e.is_empty()));
    let next = email.next_attempt_at;
    assert_eq!(next - email.created_at, Duration::minutes(1));

    // Not before its time; then once more, one minute later, and the wait doubles.
    tokio::time::sleep(StdDuration::from_millis(300)).await;
    assert_eq!(app.emails_to(FAMILY)[0].attempts, 1);
    app.clock.advance(Duration::minutes(1));
    eventually("a second attempt", || {
        app.emails_to(FAMILY)[0].attempts == 2
    })
    .await;
    let email = &app.emails_to(FAMILY)[0];
    assert_eq!(email.next_attempt_at - next, Duration::minutes(2));
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A Python with aiosmtpd: `SMTP_SINK_PYTHON`, the system's if it has the module, or
/// a virtual environment made once under `target/` (pip reaches PyPI here and in CI).
fn sink_python() -> PathBuf {
    if let Some(python) = std::env::var_os("SMTP_SINK_PYTHON") {
        return PathBuf::from(python);
    }
    let has_module = |python: &Path| {
        Command::new(python)
            .args(["-c", "import aiosmtpd"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if has_module(Path::new("python3")) {
        return PathBuf::from("python3");
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/smtp-sink-venv");
    let python = venv.join("bin/python");
    if !has_module(&python) {
        let created = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .unwrap();
        assert!(created.success(), "python3 -m venv failed");
        let installed = Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "aiosmtpd==1.4.6",
            ])
            .status()
            .unwrap();
        assert!(installed.success(), "pip install aiosmtpd failed");
    }
    python
}

struct Sink(Child);

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn an_email_goes_through_a_real_smtp_server_and_reads_back() {
    let python = sink_python();
    let port = free_port();
    let maildir = std::env::temp_dir().join(format!("espace-familles-smtp-sink-{port}"));
    let _sink = Sink(
        Command::new(python)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(&maildir)
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + StdDuration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the SMTP sink did not start");
        std::thread::sleep(StdDuration::from_millis(100));
    }

    let app = TestAppBuilder::default()
        .setting("MAIL_TRANSPORT", "smtp")
        .setting("SMTP_URL", &format!("smtp://127.0.0.1:{port}"))
        .spawn()
        .await;
    ask_reset(&app).await;
    let new_messages = maildir.join("new");
    eventually("the sink to receive the email", || {
        std::fs::read_dir(&new_messages)
            .map(|d| d.count() > 0)
            .unwrap_or(false)
    })
    .await;
    let file = std::fs::read_dir(&new_messages)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let message = std::fs::read_to_string(file).unwrap();
    assert!(message.contains(&format!("To: {FAMILY}")), "{message}");
    assert!(
        message.contains("From: \"Espace Familles\" <espace.familles@villejuif.example>"),
        "{message}"
    );
    // The link in the delivered text is the one that resets the password.
    let text: String = message
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let token = link_token(&text);
    assert_eq!(token, app.link_token(FAMILY, "password_reset"));
    eventually("the outbox to mark it sent", || {
        app.emails_to(FAMILY)[0].sent_at.is_some()
    })
    .await;
    let _ = std::fs::remove_dir_all(&maildir);
}

//! The outbox worker: claims due emails with a lease, sends them, and records the
//! outcome; a failure is retried with backoff, so nothing is lost and, thanks to the
//! lease, nothing is sent twice by two instances.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::{
    AsyncSmtpTransport, AsyncTransport, FileTransport, Message, Tokio1Executor, Transport as _,
};
use persistence::DbPool;
use persistence::notifications::outbox::{self, OutboxEmail};

use crate::clock::Clock;
use crate::config::{MailConfig, MailTransport};
use crate::metrics::Heartbeat;

/// How long a claimed email is reserved for its sender.
const LEASE_SECONDS: i64 = 120;
const BATCH: i64 = 20;

pub enum Transport {
    File(PathBuf, FileTransport),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File(dir, _) => write!(f, "Transport::File({})", dir.display()),
            Self::Smtp(_) => f.write_str("Transport::Smtp"),
        }
    }
}

impl Transport {
    pub fn from_config(config: &MailConfig) -> anyhow::Result<Self> {
        match &config.transport {
            MailTransport::File(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| {
                    anyhow::anyhow!("cannot create MAIL_DIR {}: {e}", dir.display())
                })?;
                Ok(Self::File(dir.clone(), FileTransport::new(dir)))
            }
            MailTransport::Smtp(url) => Ok(Self::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("invalid SMTP_URL: {e}"))?
                    .timeout(Some(Duration::from_secs(15)))
                    .build(),
            )),
        }
    }

    async fn send(&self, message: Message, email: &OutboxEmail) -> anyhow::Result<()> {
        match self {
            Self::File(dir, transport) => {
                let id = transport.send(&message)?;
                // The local default: say where the message is and which links it holds.
                let links: Vec<&str> = email
                    .text_body
                    .split_whitespace()
                    .filter(|w| w.starts_with("http"))
                    .collect();
                tracing::info!(
                    to = %email.to_address,
                    subject = %email.subject,
                    file = %dir.join(format!("{id}.eml")).display(),
                    links = ?links,
                    "email written"
                );
                Ok(())
            }
            Self::Smtp(transport) => {
                transport.send(message).await?;
                Ok(())
            }
        }
    }
}

/// The running worker; stops when told or dropped.
#[derive(Debug)]
pub struct OutboxWorker {
    stopper: WorkerStopper,
    thread: Option<JoinHandle<()>>,
}

/// Stops a worker from elsewhere (a test stopping it before dropping its database).
#[derive(Debug, Clone, Default)]
pub struct WorkerStopper {
    stop: Arc<AtomicBool>,
    finished: Arc<AtomicBool>,
}

impl WorkerStopper {
    /// Asks the worker to stop and waits, at most `timeout`, until it has.
    pub fn stop_and_wait(&self, timeout: Duration) {
        self.stop.store(true, Ordering::Relaxed);
        let deadline = std::time::Instant::now() + timeout;
        while !self.finished.load(Ordering::Relaxed) && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl OutboxWorker {
    pub fn spawn(
        pool: DbPool,
        clock: Clock,
        config: &MailConfig,
        heartbeat: Heartbeat,
    ) -> anyhow::Result<Self> {
        let transport = Transport::from_config(config)?;
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|e| anyhow::anyhow!("invalid MAIL_FROM: {e}"))?;
        let poll = config.poll_interval;
        let stopper = WorkerStopper::default();
        let (stop, finished) = (stopper.stop.clone(), stopper.finished.clone());
        let thread = std::thread::Builder::new()
            .name("outbox".into())
            .spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => {
                        while !stop.load(Ordering::Relaxed) {
                            let round =
                                runtime.block_on(send_due(&pool, &clock, &transport, &from));
                            match round {
                                Ok(()) => heartbeat.beat(),
                                Err(error) => tracing::warn!(
                                    error = format!("{error:#}"),
                                    "outbox round failed"
                                ),
                            }
                            let mut waited = Duration::ZERO;
                            while waited < poll && !stop.load(Ordering::Relaxed) {
                                let step = Duration::from_millis(25).min(poll);
                                std::thread::sleep(step);
                                waited += step;
                            }
                        }
                    }
                    Err(error) => tracing::error!(%error, "the outbox worker cannot start"),
                }
                finished.store(true, Ordering::Relaxed);
            })?;
        Ok(Self {
            stopper,
            thread: Some(thread),
        })
    }

    pub fn stopper(&self) -> WorkerStopper {
        self.stopper.clone()
    }

    /// Asks the worker to stop after its current round, and waits for it.
    pub fn stop(&mut self) {
        self.stopper.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for OutboxWorker {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One round: claim what is due and send it.
async fn send_due(
    pool: &DbPool,
    clock: &Clock,
    transport: &Transport,
    from: &Mailbox,
) -> anyhow::Result<()> {
    let claimed = {
        let mut conn = pool.get()?;
        outbox::claim_due(
            &mut conn,
            clock.now(),
            chrono::Duration::seconds(LEASE_SECONDS),
            BATCH,
        )?
    };
    for email in claimed {
        let outcome = match build(from, &email) {
            Ok(message) => transport.send(message, &email).await,
            Err(error) => Err(error),
        };
        let now = clock.now();
        let mut conn = pool.get()?;
        match outcome {
            Ok(()) => outbox::mark_sent(&mut conn, email.id, now)?,
            Err(error) => {
                let attempts = email.attempts + 1;
                let retry_at = domain::outbox::retry_delay(attempts).map(|delay| now + delay);
                tracing::warn!(
                    id = email.id,
                    attempts,
                    error = format!("{error:#}"),
                    retry = retry_at.is_some(),
                    "email not sent"
                );
                outbox::mark_failed(&mut conn, email.id, &format!("{error:#}"), now, retry_at)?;
            }
        }
    }
    Ok(())
}

fn build(from: &Mailbox, email: &OutboxEmail) -> anyhow::Result<Message> {
    Ok(Message::builder()
        .from(from.clone())
        .to(email.to_address.parse()?)
        .subject(email.subject.clone())
        .multipart(MultiPart::alternative_plain_html(
            email.text_body.clone(),
            email.html_body.clone(),
        ))?)
}

//! Emails: French messages written to the outbox in the caller's transaction, and
//! the worker that sends them.

mod sender;
pub mod templates;

pub use sender::{OutboxWorker, Transport, WorkerStopper};

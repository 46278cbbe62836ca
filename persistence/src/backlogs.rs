//! What is waiting in the database's queues, for the operators' metrics: emails not
//! yet sent, webhook deliveries not yet made, payments awaiting a re-check, the billing
//! run in progress.

use chrono::{DateTime, Utc};
use diesel::dsl::{count_star, min};
use diesel::prelude::*;
use domain::billing::{BillingRunStatus, OnlinePaymentStatus};
use domain::notifications::DeliveryStatus;

use crate::schema::{billing_runs, online_payments, outbox_emails, webhook_deliveries};
use crate::{AnyConnection, DbError, utc};

/// The queues' state at one instant.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Backlogs {
    /// Emails neither sent nor given up on.
    pub emails_pending: i64,
    /// When the oldest of them was written (`None`: none waits).
    pub oldest_email_at: Option<DateTime<Utc>>,
    /// Emails given up on after their last attempt.
    pub emails_failed: i64,
    /// Webhook deliveries still to make.
    pub webhooks_pending: i64,
    /// Of those, the ones whose last attempt failed.
    pub webhooks_failing: i64,
    /// Online payments still pending (the re-check job asks the provider about them).
    pub payments_pending: i64,
    /// The billing run in progress: dossiers done and in all.
    pub billing_run: Option<(i32, i32)>,
}

/// Reads every queue (a handful of indexed counts).
pub fn read(conn: &mut AnyConnection) -> Result<Backlogs, DbError> {
    let (emails_pending, oldest) = outbox_emails::table
        .filter(outbox_emails::sent_at.is_null())
        .filter(outbox_emails::failed_at.is_null())
        .select((count_star(), min(outbox_emails::created_at)))
        .first::<(i64, Option<chrono::NaiveDateTime>)>(conn)?;
    let emails_failed = outbox_emails::table
        .filter(outbox_emails::failed_at.is_not_null())
        .count()
        .get_result(conn)?;
    let pending = webhook_deliveries::table
        .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()));
    let webhooks_pending = pending.count().get_result(conn)?;
    let webhooks_failing = pending
        .filter(webhook_deliveries::attempts.gt(0))
        .count()
        .get_result(conn)?;
    let payments_pending = online_payments::table
        .filter(online_payments::status.eq(OnlinePaymentStatus::Pending.as_str()))
        .count()
        .get_result(conn)?;
    let billing_run = billing_runs::table
        .filter(billing_runs::status.eq(BillingRunStatus::Running.as_str()))
        .select((billing_runs::dossiers_done, billing_runs::dossiers_total))
        .first::<(i32, i32)>(conn)
        .optional()?;
    Ok(Backlogs {
        emails_pending,
        oldest_email_at: oldest.map(utc),
        emails_failed,
        webhooks_pending,
        webhooks_failing,
        payments_pending,
        billing_run,
    })
}

//! The audit log admins read: who read or changed sensitive data, or touched the money.

pub mod log;

super::operations! {
    log::list_audit_entries,
}

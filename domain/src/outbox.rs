//! When a failed email is tried again.

use chrono::Duration;

/// Attempts after which an email is given up (and stays visible as failed).
pub const MAX_ATTEMPTS: i32 = 8;

/// The wait before the next attempt after `attempts` failed ones: 1, 2, 4 ... 64
/// minutes; `None` once `MAX_ATTEMPTS` have failed.
pub fn retry_delay(attempts: i32) -> Option<Duration> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let exponent = u32::try_from(attempts.clamp(1, 7) - 1).unwrap_or(0);
    Some(Duration::minutes(1) * 2_i32.pow(exponent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_then_give_up() {
        assert_eq!(retry_delay(1), Some(Duration::minutes(1)));
        assert_eq!(retry_delay(2), Some(Duration::minutes(2)));
        assert_eq!(retry_delay(7), Some(Duration::minutes(64)));
        assert_eq!(retry_delay(8), None);
    }
}

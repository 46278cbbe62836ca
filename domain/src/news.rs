//! Where a news item stands at a given instant.

use chrono::{DateTime, Utc};

use crate::stored::stored_enum;

stored_enum! {
    /// `draft` (no publication date), `scheduled` (published later), `published`,
    /// `expired` (its publication ended) or `retired` (withdrawn by an agent).
    NewsStatus {
        Draft => "draft",
        Scheduled => "scheduled",
        Published => "published",
        Expired => "expired",
        Retired => "retired",
    }
}

/// The status at `now` of an item retired at `retired_at`, published over
/// `from..until` (`until` excluded). The public list filters its rows by the same rule
/// in SQL (`persistence::news::list`), to page in the database.
pub fn status(
    retired_at: Option<DateTime<Utc>>,
    from: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> NewsStatus {
    match (retired_at, from, until) {
        (Some(_), _, _) => NewsStatus::Retired,
        (None, None, _) => NewsStatus::Draft,
        (None, Some(from), _) if from > now => NewsStatus::Scheduled,
        (None, Some(_), Some(until)) if until <= now => NewsStatus::Expired,
        _ => NewsStatus::Published,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn an_item_is_published_from_its_first_instant_until_its_last_excluded() {
        let (from, until) = (
            Some(at("2026-12-01T08:00:00Z")),
            Some(at("2026-12-31T23:00:00Z")),
        );
        let status_at = |now: &str| status(None, from, until, at(now));
        assert_eq!(status_at("2026-12-01T07:59:59Z"), NewsStatus::Scheduled);
        assert_eq!(status_at("2026-12-01T08:00:00Z"), NewsStatus::Published);
        assert_eq!(status_at("2026-12-31T22:59:59Z"), NewsStatus::Published);
        assert_eq!(status_at("2026-12-31T23:00:00Z"), NewsStatus::Expired);
        assert_eq!(
            status(None, from, None, at("2030-01-01T00:00:00Z")),
            NewsStatus::Published
        );
    }

    #[test]
    fn retired_wins_and_no_date_is_a_draft() {
        let now = at("2026-12-10T00:00:00Z");
        assert_eq!(status(None, None, None, now), NewsStatus::Draft);
        assert_eq!(
            status(Some(now), Some(at("2026-12-01T00:00:00Z")), None, now),
            NewsStatus::Retired
        );
        assert_eq!(status(Some(now), None, None, now), NewsStatus::Retired);
    }
}

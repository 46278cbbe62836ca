//! Booking-window reminders: each family with a child accepted to an activity is told
//! once when a booking window of that activity opens, and once two days before it
//! closes. A job runs this often; each reminder's key makes it happen once, however
//! often the job runs and on however many servers.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use domain::calendar::french_instant;
use domain::notifications::NoticeKind;
use domain::planning::{Calendar, ChangeWindow, booking_windows};
use persistence::activities::Activity;
use persistence::write_transaction;
use persistence::{
    AnyConnection, activities, activities::registrations, planning::calendar,
    planning::deadline_rules as rules_store,
};

use crate::usecases::Outcome;
use crate::usecases::notifications::notice_data::{
    BookingWindowClosingData, BookingWindowOpeningData, NoticeData,
};
use crate::usecases::notifications::{self, Notice};
use crate::usecases::planning::deadline_rules;

/// How long before a window closes the families are reminded.
pub const CLOSING_NOTICE: Duration = Duration::days(2);

/// Activities read per page.
const PAGE: i64 = 200;

/// Sends the reminders due at `now`; returns how many families were told.
pub fn run(conn: &mut AnyConnection, portal: &str, now: DateTime<Utc>) -> Outcome<usize> {
    let today = now.with_timezone(&chrono_tz::Europe::Paris).date_naive();
    let school_holidays =
        crate::usecases::planning::school_calendar::periods(&calendar::school_holidays(conn)?);
    let mut told = 0;
    let mut offset = 0;
    loop {
        let (page, _) = activities::list(conn, Some(today), offset, PAGE)?;
        offset += PAGE;
        let last = i64::try_from(page.len()).unwrap_or(0) < PAGE;
        for activity in page {
            let calendar = Calendar {
                public_holidays: crate::usecases::planning::all_public_holidays(),
                school_holidays: &school_holidays,
            };
            for window in windows_of(conn, &activity, today, &calendar)? {
                told += remind(conn, portal, &activity, &window, now)?;
            }
        }
        if last {
            return Ok(told);
        }
    }
}

/// The booking windows of the activity's days from `today` on.
fn windows_of(
    conn: &mut AnyConnection,
    activity: &Activity,
    today: chrono::NaiveDate,
    calendar: &Calendar,
) -> Outcome<Vec<ChangeWindow>> {
    let Some(kind) = rules_store::of_kind(conn, activity.kind_id)? else {
        return Ok(Vec::new());
    };
    let own = rules_store::of_activity(conn, activity.id)?;
    let rules = deadline_rules::effective(&kind, own.as_ref());
    let units = activities::units_of(conn, activity.id)?;
    let days = activity
        .starts_on
        .max(today)
        .iter_days()
        .take_while(|d| *d <= activity.ends_on);
    let starts = days.flat_map(|day| {
        units.iter().map(move |unit| {
            NaiveDateTime::new(day, crate::usecases::planning::parse_time(&unit.starts_at))
        })
    });
    Ok(booking_windows(&rules.booking, starts, calendar))
}

/// Tells the activity's families what is due about one window: that it closes soon,
/// else that it is open. Returns how many were told now.
fn remind(
    conn: &mut AnyConnection,
    portal: &str,
    activity: &Activity,
    window: &ChangeWindow,
    now: DateTime<Utc>,
) -> Outcome<usize> {
    let Some(opens_at) = window.opens_at else {
        return Ok(0);
    };
    let closes_at = window.closes_at;
    if now < opens_at || now >= closes_at {
        return Ok(0);
    }
    let closing = now >= closes_at - CLOSING_NOTICE;
    let (kind, title, paragraph) = if closing {
        (
            NoticeKind::BookingWindowClosing,
            format!("Plus que deux jours pour réserver : {}", activity.name),
            format!(
                "Les réservations pour « {} » ferment le {} : pensez à réserver les jours de vos enfants.",
                activity.name,
                french_instant(closes_at)
            ),
        )
    } else {
        (
            NoticeKind::BookingWindowOpening,
            format!("Réservations ouvertes : {}", activity.name),
            format!(
                "Les réservations pour « {} » sont ouvertes jusqu'au {}.",
                activity.name,
                french_instant(closes_at)
            ),
        )
    };
    write_transaction(conn, |conn| {
        let dossiers = registrations::accepted_dossiers(conn, activity.id)?;
        let notices: Vec<Notice> = dossiers
            .into_iter()
            .map(|dossier_id| Notice {
                dossier_id,
                title: title.clone(),
                paragraphs: vec![paragraph.clone()],
                link: Some(("Réserver".to_owned(), format!("{portal}/planning"))),
                data: if closing {
                    NoticeData::BookingWindowClosing(BookingWindowClosingData {
                        activity_id: activity.id,
                        opens_at,
                        closes_at,
                    })
                } else {
                    NoticeData::BookingWindowOpening(BookingWindowOpeningData {
                        activity_id: activity.id,
                        opens_at,
                        closes_at,
                    })
                },
                dedupe_key: Some(format!(
                    "{}:{}:{}:{dossier_id}",
                    kind.as_str(),
                    activity.id,
                    opens_at.timestamp()
                )),
            })
            .collect();
        notifications::notify(conn, &notices, now)
    })
}

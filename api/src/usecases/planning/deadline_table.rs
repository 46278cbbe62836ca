//! The guide's last page for families: each activity kind's booking and change rules,
//! and each current activity's own where the city set different ones.

use chrono::NaiveDate;
use domain::planning::DeadlineRule;
use persistence::AnyConnection;
use persistence::activities::{self as catalogue, Activity, ActivityKind};
use persistence::planning::deadline_rules as store;

use crate::usecases::Outcome;
use crate::usecases::dossiers::gone;
use crate::usecases::planning::deadline_rules;

/// An activity kind's rules, and its activities that follow others.
#[derive(Debug, Clone)]
pub struct KindDeadlines {
    pub kind: ActivityKind,
    pub booking: DeadlineRule,
    pub change: DeadlineRule,
    pub exceptions: Vec<ActivityDeadlines>,
}

/// An activity whose rules are not its kind's.
#[derive(Debug, Clone)]
pub struct ActivityDeadlines {
    pub activity: Activity,
    pub booking: DeadlineRule,
    pub change: DeadlineRule,
}

/// The most activities one table lists (those not ended by `today`).
const ACTIVITIES: i64 = 1000;

/// Every kind with its rules (as the city set them, else the guide's), and the
/// activities not ended by `today` whose own rules differ from their kind's.
pub fn table(conn: &mut AnyConnection, today: NaiveDate) -> Outcome<Vec<KindDeadlines>> {
    let (activities, _) = catalogue::list(conn, Some(today), 0, ACTIVITIES)?;
    let mut table = Vec::new();
    for kind in catalogue::kinds(conn)? {
        let rules = store::of_kind(conn, kind.id)?.ok_or_else(|| gone("activity kind"))?;
        let (booking, change) = deadline_rules::of_kind(&rules);
        let mut exceptions = Vec::new();
        for activity in activities.iter().filter(|a| a.kind_id == kind.id) {
            let own = store::of_activity(conn, activity.id)?;
            let effective = deadline_rules::effective(&rules, own.as_ref());
            if effective.booking != booking || effective.change != change {
                exceptions.push(ActivityDeadlines {
                    activity: activity.clone(),
                    booking: effective.booking,
                    change: effective.change,
                });
            }
        }
        table.push(KindDeadlines {
            kind,
            booking,
            change,
            exceptions,
        });
    }
    Ok(table)
}

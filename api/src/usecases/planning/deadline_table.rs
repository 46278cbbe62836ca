//! The guide's last page for families: each activity kind's booking and change rules,
//! and each current activity's own where the city set different ones.

use std::sync::Arc;

use chrono::NaiveDate;
use domain::planning::DeadlineRule;
use persistence::AnyConnection;
use persistence::activities::{self as catalogue, ActivityKind};
use persistence::planning::ActivitySlot;
use persistence::planning::deadline_rules as store;

use crate::usecases::Outcome;
use crate::usecases::dossiers::gone;
use crate::usecases::planning::activity_catalog::ActivityCatalog;
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
    pub activity: Arc<ActivitySlot>,
    pub booking: DeadlineRule,
    pub change: DeadlineRule,
}

/// Every kind with its rules (as the city set them, else the guide's), and the
/// activities not ended by `today` whose own rules differ from their kind's, by start
/// date. The activities and their rules are read in one statement, whatever their
/// number; the kinds one by one (the guide's six, and the few a city adds).
pub fn table(conn: &mut AnyConnection, today: NaiveDate) -> Outcome<Vec<KindDeadlines>> {
    let catalog = ActivityCatalog::read(conn)?;
    let mut current: Vec<_> = catalog
        .activities()
        .filter(|a| a.activity.ends_on >= today)
        .collect();
    current.sort_by_key(|a| (a.activity.starts_on, a.activity.id));
    let mut table = Vec::new();
    for kind in catalogue::kinds(conn)? {
        let rules = store::of_kind(conn, kind.id)?.ok_or_else(|| gone("activity kind"))?;
        let (booking, change) = deadline_rules::of_kind(&rules);
        let exceptions = current
            .iter()
            .filter(|a| a.activity.kind_id == kind.id)
            .filter(|a| a.rules.booking != booking || a.rules.change != change)
            .map(|a| ActivityDeadlines {
                activity: Arc::clone(&a.activity),
                booking: a.rules.booking.clone(),
                change: a.rules.change.clone(),
            })
            .collect();
        table.push(KindDeadlines {
            kind,
            booking,
            change,
            exceptions,
        });
    }
    Ok(table)
}

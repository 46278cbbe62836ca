//! The activities as the planning reads them: each with its dates, effective deadline
//! rules and units (parsed once), and every group's capacity. Agents change them rarely
//! and every planning read needs them, so planning reads take them from a short-lived
//! copy ([`crate::snapshot::Snapshot`]); every change is judged against a fresh read.

use std::collections::HashMap;
use std::sync::Arc;

use persistence::planning::{self as store, ActivitySlot};
use persistence::{AnyConnection, DbError};

use crate::usecases::planning::UnitPlan;
use crate::usecases::planning::deadline_rules::{self, EffectiveRules};

/// An activity with what the planning computes from it.
#[derive(Debug, Clone)]
///
/// Shared, not copied, by every registration plan built from it (a planning read makes
/// one per registration).
pub struct CatalogActivity {
    pub activity: Arc<ActivitySlot>,
    pub rules: Arc<EffectiveRules>,
    /// By position; an activity without units is not in the catalogue.
    pub units: Arc<[UnitPlan]>,
}

#[derive(Debug, Clone, Default)]
pub struct ActivityCatalog {
    activities: HashMap<i64, CatalogActivity>,
    group_capacity: HashMap<i64, i32>,
}

impl ActivityCatalog {
    /// Reads every activity with its units, and every group's capacity (two statements):
    /// the copy planning reads keep.
    pub fn read(conn: &mut AnyConnection) -> Result<Self, DbError> {
        Self::read_scoped(conn, None)
    }

    /// Reads the activities and groups of the dossier's accepted registrations only: what
    /// a change judges against, fresh, whatever the size of the city's history.
    pub fn of_dossier(conn: &mut AnyConnection, dossier_id: i64) -> Result<Self, DbError> {
        Self::read_scoped(conn, Some(dossier_id))
    }

    fn read_scoped(conn: &mut AnyConnection, dossier_id: Option<i64>) -> Result<Self, DbError> {
        let mut read: HashMap<i64, (ActivitySlot, EffectiveRules, Vec<UnitPlan>)> = HashMap::new();
        for (activity, kind, own, unit) in store::catalog(conn, dossier_id)? {
            let unit = UnitPlan::new(unit);
            match read.get_mut(&activity.id) {
                Some(known) => known.2.push(unit),
                None => {
                    let rules = deadline_rules::effective(&kind, own.as_ref());
                    read.insert(activity.id, (activity, rules, vec![unit]));
                }
            }
        }
        Ok(Self {
            activities: read
                .into_iter()
                .map(|(id, (activity, rules, units))| {
                    let entry = CatalogActivity {
                        activity: Arc::new(activity),
                        rules: Arc::new(rules),
                        units: units.into(),
                    };
                    (id, entry)
                })
                .collect(),
            group_capacity: store::group_capacities(conn, dossier_id)?
                .into_iter()
                .collect(),
        })
    }

    pub fn activity(&self, id: i64) -> Option<&CatalogActivity> {
        self.activities.get(&id)
    }

    /// Every activity of the copy, in no particular order.
    pub fn activities(&self) -> impl Iterator<Item = &CatalogActivity> {
        self.activities.values()
    }

    /// The group's capacity (0 for a group unknown to this copy).
    pub fn capacity(&self, group_id: i64) -> i32 {
        self.group_capacity.get(&group_id).copied().unwrap_or(0)
    }
}

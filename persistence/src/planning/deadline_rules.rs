//! Where the city overrides the guide's deadline rules: per kind, per activity.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use domain::planning::DeadlineRule;

use crate::schema::{activity_kinds, activity_rules};
use crate::stored::encode_optional;
use crate::{AnyConnection, DbError, db_time};

pub use crate::planning::{ActivityRules, KindRules};

pub fn of_kind(conn: &mut AnyConnection, kind_id: i64) -> Result<Option<KindRules>, DbError> {
    Ok(activity_kinds::table
        .find(kind_id)
        .select(KindRules::as_select())
        .first(conn)
        .optional()?)
}

/// Sets a kind's rules (`None`: back to the guide's default).
pub fn set_kind(
    conn: &mut AnyConnection,
    kind_id: i64,
    booking_rule: Option<&DeadlineRule>,
    change_rule: Option<&DeadlineRule>,
) -> Result<bool, DbError> {
    Ok(diesel::update(activity_kinds::table.find(kind_id))
        .set((
            activity_kinds::booking_rule.eq(encode_optional(booking_rule)?),
            activity_kinds::change_rule.eq(encode_optional(change_rule)?),
        ))
        .execute(conn)?
        == 1)
}

pub fn of_activity(
    conn: &mut AnyConnection,
    activity_id: i64,
) -> Result<Option<ActivityRules>, DbError> {
    Ok(activity_rules::table
        .find(activity_id)
        .select(ActivityRules::as_select())
        .first(conn)
        .optional()?)
}

/// Sets an activity's own settings; all `None` removes them.
pub fn set_activity(
    conn: &mut AnyConnection,
    activity_id: i64,
    rules: &ActivityRules,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::delete(activity_rules::table.find(activity_id)).execute(conn)?;
    if rules.runs_on.is_some() || rules.booking_rule.is_some() || rules.change_rule.is_some() {
        diesel::insert_into(activity_rules::table)
            .values((
                activity_rules::activity_id.eq(activity_id),
                activity_rules::runs_on.eq(rules.runs_on.map(|r| r.as_str())),
                activity_rules::booking_rule.eq(encode_optional(rules.booking_rule.as_ref())?),
                activity_rules::change_rule.eq(encode_optional(rules.change_rule.as_ref())?),
                activity_rules::updated_at.eq(db_time(now)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

//! Renewal campaigns and each family's renewal in them.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::dossiers::{RenewalSection, RenewalStatus};

use crate::schema::{dossiers, renewal_campaigns, renewals};
use crate::stored::{Stored, StoredText};
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = renewal_campaigns)]
pub struct Campaign {
    pub id: i64,
    /// The school year's first calendar year (2027 for 2027-2028).
    pub school_year: i32,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    #[diesel(deserialize_as = StoredText<Vec<RenewalSection>>)]
    pub sections: Vec<RenewalSection>,
    /// What the city tells families about it, in French.
    pub message: String,
    /// When families were told it opened.
    pub opening_told_at: Option<NaiveDateTime>,
    /// When those that had not sent their renewal were told it closes soon.
    pub closing_told_at: Option<NaiveDateTime>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What an agent sets on a campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignFields {
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub sections: Vec<RenewalSection>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = renewals)]
pub struct Renewal {
    pub id: i64,
    pub campaign_id: i64,
    pub dossier_id: i64,
    #[diesel(deserialize_as = String)]
    pub status: RenewalStatus,
    #[diesel(deserialize_as = StoredText<Vec<RenewalSection>>)]
    pub confirmed: Vec<RenewalSection>,
    /// The agent's comment when sent back or validated.
    pub comment: Option<String>,
    pub submitted_at: Option<NaiveDateTime>,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<i64>,
    pub updated_at: NaiveDateTime,
}

pub fn insert_campaign(
    conn: &mut AnyConnection,
    school_year: i32,
    fields: &CampaignFields,
    created_by: i64,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    Ok(diesel::insert_into(renewal_campaigns::table)
        .values((
            renewal_campaigns::school_year.eq(school_year),
            renewal_campaigns::opens_on.eq(fields.opens_on),
            renewal_campaigns::closes_on.eq(fields.closes_on),
            renewal_campaigns::sections.eq(fields.sections.encode()?),
            renewal_campaigns::message.eq(&fields.message),
            renewal_campaigns::created_by.eq(created_by),
            renewal_campaigns::created_at.eq(db_time(now)),
            renewal_campaigns::updated_at.eq(db_time(now)),
        ))
        .returning(renewal_campaigns::id)
        .get_result(conn)?)
}

/// Changes a campaign; false when there is none.
pub fn update_campaign(
    conn: &mut AnyConnection,
    id: i64,
    fields: &CampaignFields,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    Ok(diesel::update(renewal_campaigns::table.find(id))
        .set((
            renewal_campaigns::opens_on.eq(fields.opens_on),
            renewal_campaigns::closes_on.eq(fields.closes_on),
            renewal_campaigns::sections.eq(fields.sections.encode()?),
            renewal_campaigns::message.eq(&fields.message),
            renewal_campaigns::updated_at.eq(db_time(now)),
        ))
        .execute(conn)?
        > 0)
}

pub fn find_campaign(conn: &mut AnyConnection, id: i64) -> Result<Option<Campaign>, DbError> {
    Ok(renewal_campaigns::table
        .find(id)
        .select(Campaign::as_select())
        .first(conn)
        .optional()?)
}

/// Every campaign, the latest school year first.
pub fn campaigns(conn: &mut AnyConnection) -> Result<Vec<Campaign>, DbError> {
    Ok(renewal_campaigns::table
        .order(renewal_campaigns::school_year.desc())
        .select(Campaign::as_select())
        .load(conn)?)
}

pub fn campaign_of_year(
    conn: &mut AnyConnection,
    school_year: i32,
) -> Result<Option<Campaign>, DbError> {
    Ok(renewal_campaigns::table
        .filter(renewal_campaigns::school_year.eq(school_year))
        .select(Campaign::as_select())
        .first(conn)
        .optional()?)
}

/// The campaigns open on `day`, the earliest school year first.
pub fn open_on(conn: &mut AnyConnection, day: NaiveDate) -> Result<Vec<Campaign>, DbError> {
    Ok(renewal_campaigns::table
        .filter(renewal_campaigns::opens_on.le(day))
        .filter(renewal_campaigns::closes_on.ge(day))
        .order(renewal_campaigns::school_year)
        .select(Campaign::as_select())
        .load(conn)?)
}

pub fn find(
    conn: &mut AnyConnection,
    campaign_id: i64,
    dossier_id: i64,
) -> Result<Option<Renewal>, DbError> {
    Ok(renewals::table
        .filter(renewals::campaign_id.eq(campaign_id))
        .filter(renewals::dossier_id.eq(dossier_id))
        .select(Renewal::as_select())
        .first(conn)
        .optional()?)
}

/// The dossier's renewals, each with its campaign's school year, latest year first.
pub fn of_dossier(
    conn: &mut AnyConnection,
    dossier_id: i64,
) -> Result<Vec<(Renewal, i32)>, DbError> {
    Ok(renewals::table
        .inner_join(renewal_campaigns::table)
        .filter(renewals::dossier_id.eq(dossier_id))
        .order(renewal_campaigns::school_year.desc())
        .select((Renewal::as_select(), renewal_campaigns::school_year))
        .load(conn)?)
}

/// The dossier's renewal in the campaign, started (a draft) if it has none yet. Two
/// requests starting it at once both read the one row (`ON CONFLICT DO NOTHING`: a
/// unique violation would abort a PostgreSQL transaction).
pub fn find_or_start(
    conn: &mut AnyConnection,
    campaign_id: i64,
    dossier_id: i64,
    now: DateTime<Utc>,
) -> Result<Renewal, DbError> {
    if let Some(found) = find(conn, campaign_id, dossier_id)? {
        return Ok(found);
    }
    let query = diesel::insert_into(renewals::table)
        .values((
            renewals::campaign_id.eq(campaign_id),
            renewals::dossier_id.eq(dossier_id),
            renewals::status.eq(RenewalStatus::Draft.as_str()),
            renewals::confirmed.eq(""),
            renewals::updated_at.eq(db_time(now)),
        ))
        .on_conflict_do_nothing();
    match conn {
        AnyConnection::Postgresql(c) => query.execute(c)?,
        AnyConnection::Sqlite(c) => query.execute(c)?,
    };
    find(conn, campaign_id, dossier_id)?.ok_or(DbError::Query(diesel::result::Error::NotFound))
}

/// Writes the sections confirmed, if the renewal is still as read: in one of `from`,
/// with the sections `read` confirmed (a concurrent change makes it answer false).
pub fn set_confirmed(
    conn: &mut AnyConnection,
    id: i64,
    from: &[RenewalStatus],
    read: &[RenewalSection],
    confirmed: &[RenewalSection],
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let from: Vec<&str> = from.iter().map(|s| s.as_str()).collect();
    Ok(diesel::update(
        renewals::table
            .filter(renewals::id.eq(id))
            .filter(renewals::status.eq_any(from))
            .filter(renewals::confirmed.eq(read.to_vec().encode()?)),
    )
    .set((
        renewals::confirmed.eq(confirmed.to_vec().encode()?),
        renewals::updated_at.eq(db_time(now)),
    ))
    .execute(conn)?
        > 0)
}

/// A change of a renewal's status, from the state read (its status and the sections
/// then confirmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange<'a> {
    pub from: RenewalStatus,
    pub read: &'a [RenewalSection],
    pub to: RenewalStatus,
    /// Sets the comment (an agent's decision), or leaves it.
    pub comment: Option<Option<&'a str>>,
    /// The agent deciding; `None` for the family sending it (which leaves the
    /// sections as read).
    pub decided_by: Option<i64>,
    /// The sections confirmed after an agent's decision.
    pub confirmed: &'a [RenewalSection],
}

/// Moves the renewal from `change.from` to `change.to`; false when it is no longer
/// as read (another request came first).
pub fn change_status(
    conn: &mut AnyConnection,
    id: i64,
    change: &StatusChange<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let target = renewals::table
        .filter(renewals::id.eq(id))
        .filter(renewals::status.eq(change.from.as_str()))
        .filter(renewals::confirmed.eq(change.read.to_vec().encode()?));
    let stamp = db_time(now);
    let confirmed = change.confirmed.to_vec().encode()?;
    let changed = match (change.decided_by, change.comment) {
        (None, _) => diesel::update(target)
            .set((
                renewals::status.eq(change.to.as_str()),
                renewals::submitted_at.eq(stamp),
                renewals::updated_at.eq(stamp),
            ))
            .execute(conn)?,
        (Some(agent), comment) => diesel::update(target)
            .set((
                renewals::status.eq(change.to.as_str()),
                renewals::confirmed.eq(confirmed),
                renewals::comment.eq(comment.flatten()),
                renewals::decided_by.eq(agent),
                renewals::decided_at.eq(stamp),
                renewals::updated_at.eq(stamp),
            ))
            .execute(conn)?,
    };
    Ok(changed > 0)
}

/// A renewal with its dossier's number and name.
pub type RenewalOfDossier = (Renewal, String, String);

/// A page of the campaign's renewals (of `status` if given), the latest change first.
pub fn of_campaign(
    conn: &mut AnyConnection,
    campaign_id: i64,
    status: Option<RenewalStatus>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<RenewalOfDossier>, i64), DbError> {
    let statuses: Vec<&str> = match status {
        Some(s) => vec![s.as_str()],
        None => RenewalStatus::ALL.iter().map(|s| s.as_str()).collect(),
    };
    let total = renewals::table
        .filter(renewals::campaign_id.eq(campaign_id))
        .filter(renewals::status.eq_any(&statuses))
        .count()
        .get_result(conn)?;
    let rows = renewals::table
        .inner_join(dossiers::table)
        .filter(renewals::campaign_id.eq(campaign_id))
        .filter(renewals::status.eq_any(&statuses))
        .order((renewals::updated_at.desc(), renewals::id.desc()))
        .offset(offset)
        .limit(limit)
        .select((Renewal::as_select(), dossiers::number, dossiers::name))
        .load(conn)?;
    Ok((rows, total))
}

/// How many renewals of the campaign are in each status.
pub fn counts(conn: &mut AnyConnection, campaign_id: i64) -> Result<Vec<(String, i64)>, DbError> {
    Ok(renewals::table
        .filter(renewals::campaign_id.eq(campaign_id))
        .group_by(renewals::status)
        .select((renewals::status, diesel::dsl::count_star()))
        .load(conn)?)
}

/// The dossiers that have not sent their renewal of the campaign (nor had it
/// validated): those to remind.
pub fn dossiers_not_sent(conn: &mut AnyConnection, campaign_id: i64) -> Result<Vec<i64>, DbError> {
    let done = renewals::table
        .filter(renewals::campaign_id.eq(campaign_id))
        .filter(renewals::status.eq_any([
            RenewalStatus::Submitted.as_str(),
            RenewalStatus::Validated.as_str(),
        ]))
        .select(renewals::dossier_id);
    Ok(dossiers::table
        .filter(dossiers::id.ne_all(done))
        .order(dossiers::id)
        .select(dossiers::id)
        .load(conn)?)
}

/// Records that families were told of the campaign's opening (`closing` false) or
/// of its closing.
pub fn mark_told(
    conn: &mut AnyConnection,
    campaign_id: i64,
    closing: bool,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let target = renewal_campaigns::table.find(campaign_id);
    if closing {
        diesel::update(target)
            .set(renewal_campaigns::closing_told_at.eq(db_time(now)))
            .execute(conn)?;
    } else {
        diesel::update(target)
            .set(renewal_campaigns::opening_told_at.eq(db_time(now)))
            .execute(conn)?;
    }
    Ok(())
}

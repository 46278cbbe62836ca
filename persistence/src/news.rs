//! The city's news items and their attachments.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::schema::{news_attachments, news_items};
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = news_items)]
pub struct NewsItem {
    pub id: i64,
    pub title: String,
    pub body_markdown: String,
    /// The Markdown rendered and sanitised when written.
    pub body_html: String,
    pub published_from: Option<NaiveDateTime>,
    pub published_until: Option<NaiveDateTime>,
    pub pinned: bool,
    pub retired_at: Option<NaiveDateTime>,
    pub author_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What an agent writes.
#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset)]
#[diesel(table_name = news_items, treat_none_as_null = true)]
pub struct NewsFields {
    pub title: String,
    pub body_markdown: String,
    pub body_html: String,
    pub published_from: Option<NaiveDateTime>,
    pub published_until: Option<NaiveDateTime>,
    pub pinned: bool,
}

pub fn insert(
    conn: &mut AnyConnection,
    fields: &NewsFields,
    author_id: i64,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let now = db_time(now);
    Ok(diesel::insert_into(news_items::table)
        .values((
            fields,
            news_items::author_id.eq(author_id),
            news_items::created_at.eq(now),
            news_items::updated_at.eq(now),
        ))
        .returning(news_items::id)
        .get_result(conn)?)
}

/// Returns false when there is no such item.
pub fn update(
    conn: &mut AnyConnection,
    id: i64,
    fields: &NewsFields,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    Ok(diesel::update(news_items::table.find(id))
        .set((fields, news_items::updated_at.eq(db_time(now))))
        .execute(conn)?
        == 1)
}

/// Retires an item (kept, never shown again); retiring twice keeps the first date.
pub fn retire(conn: &mut AnyConnection, id: i64, now: DateTime<Utc>) -> Result<(), DbError> {
    diesel::update(
        news_items::table
            .find(id)
            .filter(news_items::retired_at.is_null()),
    )
    .set((
        news_items::retired_at.eq(db_time(now)),
        news_items::updated_at.eq(db_time(now)),
    ))
    .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<NewsItem>, DbError> {
    Ok(news_items::table
        .find(id)
        .select(NewsItem::as_select())
        .first(conn)
        .optional()?)
}

/// Items published at `now` (none: every item, drafts and retired ones included),
/// pinned first, then newest first; and their total.
pub fn list(
    conn: &mut AnyConnection,
    published_at: Option<DateTime<Utc>>,
    (offset, limit): (i64, i64),
) -> Result<(Vec<NewsItem>, i64), DbError> {
    let filtered = || {
        let mut query = news_items::table.into_boxed();
        if let Some(now) = published_at {
            let now = db_time(now);
            query = query
                .filter(news_items::retired_at.is_null())
                .filter(news_items::published_from.le(now))
                .filter(
                    news_items::published_until
                        .is_null()
                        .or(news_items::published_until.gt(now)),
                );
        }
        query
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let items = match published_at {
        Some(_) => filtered().order((
            news_items::pinned.desc(),
            news_items::published_from.desc(),
            news_items::id.desc(),
        )),
        None => filtered().order(news_items::id.desc()),
    }
    .offset(offset)
    .limit(limit)
    .select(NewsItem::as_select())
    .load(conn)?;
    Ok((items, total))
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = news_attachments)]
pub struct Attachment {
    pub id: i64,
    pub news_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = news_attachments)]
pub struct NewAttachment {
    pub news_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_attachment(conn: &mut AnyConnection, new: &NewAttachment) -> Result<i64, DbError> {
    Ok(diesel::insert_into(news_attachments::table)
        .values(new)
        .returning(news_attachments::id)
        .get_result(conn)?)
}

/// The attachments of items, in the order they were added.
pub fn attachments_of(
    conn: &mut AnyConnection,
    news_ids: &[i64],
) -> Result<Vec<Attachment>, DbError> {
    Ok(news_attachments::table
        .filter(news_attachments::news_id.eq_any(news_ids))
        .order(news_attachments::id)
        .select(Attachment::as_select())
        .load(conn)?)
}

pub fn find_attachment(
    conn: &mut AnyConnection,
    news_id: i64,
    id: i64,
) -> Result<Option<Attachment>, DbError> {
    Ok(news_attachments::table
        .filter(news_attachments::news_id.eq(news_id))
        .filter(news_attachments::id.eq(id))
        .select(Attachment::as_select())
        .first(conn)
        .optional()?)
}

pub fn delete_attachment(conn: &mut AnyConnection, id: i64) -> Result<(), DbError> {
    diesel::delete(news_attachments::table.find(id)).execute(conn)?;
    Ok(())
}

/// How many files an item carries.
pub fn attachment_count(conn: &mut AnyConnection, news_id: i64) -> Result<i64, DbError> {
    Ok(news_attachments::table
        .filter(news_attachments::news_id.eq(news_id))
        .count()
        .get_result(conn)?)
}

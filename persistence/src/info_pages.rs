//! The city's information pages, each named by its slug.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::schema::info_pages;
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = info_pages)]
pub struct InfoPage {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub body_markdown: String,
    pub body_html: String,
    pub position: i32,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What an agent writes (the HTML rendered from the Markdown).
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = info_pages)]
pub struct PageFields {
    pub title: String,
    pub body_markdown: String,
    pub body_html: String,
    pub position: i32,
}

/// Every page, in the order the city set, then by title.
pub fn list(conn: &mut AnyConnection) -> Result<Vec<InfoPage>, DbError> {
    Ok(info_pages::table
        .order((info_pages::position, info_pages::title, info_pages::id))
        .select(InfoPage::as_select())
        .load(conn)?)
}

pub fn find(conn: &mut AnyConnection, slug: &str) -> Result<Option<InfoPage>, DbError> {
    Ok(info_pages::table
        .filter(info_pages::slug.eq(slug))
        .select(InfoPage::as_select())
        .first(conn)
        .optional()?)
}

/// Adds a page; a slug already taken is a `UniqueViolation`.
pub fn insert(
    conn: &mut AnyConnection,
    slug: &str,
    fields: &PageFields,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let now = db_time(now);
    diesel::insert_into(info_pages::table)
        .values((
            info_pages::slug.eq(slug),
            info_pages::title.eq(&fields.title),
            info_pages::body_markdown.eq(&fields.body_markdown),
            info_pages::body_html.eq(&fields.body_html),
            info_pages::position.eq(fields.position),
            info_pages::created_at.eq(now),
            info_pages::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Rewrites the page if it is still at `version`; false if it moved on or is gone.
pub fn update(
    conn: &mut AnyConnection,
    slug: &str,
    version: i64,
    fields: &PageFields,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        info_pages::table
            .filter(info_pages::slug.eq(slug))
            .filter(info_pages::version.eq(version)),
    )
    .set((
        fields,
        info_pages::version.eq(info_pages::version + 1),
        info_pages::updated_at.eq(db_time(now)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Deletes the page; false if there was none.
pub fn delete(conn: &mut AnyConnection, slug: &str) -> Result<bool, DbError> {
    Ok(diesel::delete(info_pages::table.filter(info_pages::slug.eq(slug))).execute(conn)? == 1)
}

//! News ("Actualités"): agents write items in Markdown, schedule, pin and retire
//! them; everyone reads the published ones. The Markdown is rendered to HTML and
//! sanitised once, when written, so clients may insert `bodyHtml` as is.

pub use persistence::news::Attachment;

use chrono::{DateTime, Utc};
use domain::dossiers::{FileType, safe_file_name};
use domain::news::NewsStatus;
use persistence::news::{self as store, NewAttachment, NewsFields, NewsItem};
use persistence::write_transaction;
use persistence::{AnyConnection, db_time, utc};

use super::{CommonRefusal, Outcome, UseCaseError};
use crate::adapters::storage::FileStore;
use crate::problem::FieldError;

/// Files one item may carry.
pub const MAX_ATTACHMENTS: i64 = 10;

/// What an agent writes.
#[derive(Debug, Clone)]
pub struct NewsInput {
    pub title: String,
    pub body_markdown: String,
    /// None: a draft, published by setting it later.
    pub published_from: Option<DateTime<Utc>>,
    pub published_until: Option<DateTime<Utc>>,
    pub pinned: bool,
}

impl NewsInput {
    fn fields(&self) -> Outcome<NewsFields> {
        let title = self.title.trim();
        let mut errors = Vec::new();
        if title.is_empty() {
            errors.push(FieldError::new(
                "title",
                "required",
                "Le titre est obligatoire.",
                "The title is required.",
            ));
        }
        if let (Some(from), Some(until)) = (self.published_from, self.published_until)
            && until <= from
        {
            errors.push(FieldError::new(
                "publishedUntil",
                "before_start",
                "La fin de publication doit suivre son début.",
                "Publication must end after it starts.",
            ));
        }
        if !errors.is_empty() {
            return Err(UseCaseError::Invalid(errors));
        }
        Ok(NewsFields {
            title: title.to_owned(),
            body_markdown: self.body_markdown.clone(),
            body_html: render(&self.body_markdown),
            published_from: self.published_from.map(db_time),
            published_until: self.published_until.map(db_time),
            pinned: self.pinned,
        })
    }
}

/// CommonMark (with tables and strikethrough) to HTML, then cleaned by ammonia: no
/// script, style, event handler or `javascript:` link survives, links get
/// `rel="noopener noreferrer"`.
pub fn render(markdown: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(markdown, options));
    ammonia::clean(&raw)
}

/// Where an item stands at `now`.
pub fn status(item: &NewsItem, now: DateTime<Utc>) -> NewsStatus {
    domain::news::status(
        item.retired_at.map(utc),
        item.published_from.map(utc),
        item.published_until.map(utc),
        now,
    )
}

/// An item and its attachments.
#[derive(Debug, Clone)]
pub struct NewsDetail {
    pub item: NewsItem,
    pub attachments: Vec<Attachment>,
}

fn with_attachments(conn: &mut AnyConnection, items: Vec<NewsItem>) -> Outcome<Vec<NewsDetail>> {
    let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
    let attachments = store::attachments_of(conn, &ids)?;
    Ok(items
        .into_iter()
        .map(|item| NewsDetail {
            attachments: attachments
                .iter()
                .filter(|a| a.news_id == item.id)
                .cloned()
                .collect(),
            item,
        })
        .collect())
}

pub fn create(
    conn: &mut AnyConnection,
    author_id: i64,
    input: &NewsInput,
    now: DateTime<Utc>,
) -> Outcome<NewsDetail> {
    let fields = input.fields()?;
    write_transaction(conn, |conn| {
        let id = store::insert(conn, &fields, author_id, now)?;
        get(conn, id, None)
    })
}

/// Rewrites an item (a retired one stays retired).
pub fn update(
    conn: &mut AnyConnection,
    id: i64,
    input: &NewsInput,
    now: DateTime<Utc>,
) -> Outcome<NewsDetail> {
    let fields = input.fields()?;
    write_transaction(conn, |conn| {
        if !store::update(conn, id, &fields, now)? {
            return Err(CommonRefusal::NotFound.into());
        }
        get(conn, id, None)
    })
}

pub fn retire(conn: &mut AnyConnection, id: i64, now: DateTime<Utc>) -> Outcome<NewsDetail> {
    write_transaction(conn, |conn| {
        // The write comes first, so SQLite takes its write lock before any read: a
        // transaction that read first fails (database is locked) at its first write
        // when another writer committed meanwhile. An unknown id writes nothing and
        // is not found by the read.
        store::retire(conn, id, now)?;
        get(conn, id, None)
    })
}

/// An item; only if published at `published_at` when given (the public's view).
pub fn get(
    conn: &mut AnyConnection,
    id: i64,
    published_at: Option<DateTime<Utc>>,
) -> Outcome<NewsDetail> {
    let item = store::find(conn, id)?
        .filter(|item| published_at.is_none_or(|now| status(item, now) == NewsStatus::Published))
        .ok_or(CommonRefusal::NotFound)?;
    let mut found = with_attachments(conn, vec![item])?;
    found.pop().ok_or_else(|| CommonRefusal::NotFound.into())
}

/// Published items (pinned first, then newest) when `published_at` is given, else
/// all of them (newest first); and their total.
pub fn list(
    conn: &mut AnyConnection,
    published_at: Option<DateTime<Utc>>,
    page: (i64, i64),
) -> Outcome<(Vec<NewsDetail>, i64)> {
    let (items, total) = store::list(conn, published_at, page)?;
    Ok((with_attachments(conn, items)?, total))
}

/// Attaches a PDF, JPEG or PNG (by its content) to an item.
pub fn attach(
    conn: &mut AnyConnection,
    files: &FileStore,
    news_id: i64,
    file_name: Option<&str>,
    content: &[u8],
    now: DateTime<Utc>,
) -> Outcome<Attachment> {
    let file_type = FileType::sniff(content).ok_or(CommonRefusal::UnsupportedFileType)?;
    store::find(conn, news_id)?.ok_or(CommonRefusal::NotFound)?;
    if store::attachment_count(conn, news_id)? >= MAX_ATTACHMENTS {
        return Err(UseCaseError::Invalid(vec![FieldError::new(
            "body",
            "too_many_attachments",
            "Une actualité porte 10 pièces jointes au plus.",
            "A news item carries 10 attachments at most.",
        )]));
    }
    let size = i64::try_from(content.len()).map_err(|e| UseCaseError::Internal(e.into()))?;
    let stored = files.save(conn, content).map_err(|e| {
        UseCaseError::Internal(anyhow::Error::new(e).context("storing a news attachment"))
    })?;
    let new = NewAttachment {
        news_id,
        file_name: safe_file_name(file_name, "piece-jointe", file_type),
        content_type: file_type.content_type().to_owned(),
        size_bytes: size,
        sha256: stored.sha256,
        storage_key: stored.key.clone(),
        created_at: db_time(now),
    };
    let written = write_transaction(conn, |conn| {
        let id = store::insert_attachment(conn, &new)?;
        store::find_attachment(conn, news_id, id)?.ok_or_else(|| CommonRefusal::NotFound.into())
    });
    if written.is_err()
        && let Err(error) = files.remove(conn, &stored.key)
    {
        tracing::warn!(error = %error, "could not remove the file of a refused attachment");
    }
    written
}

pub fn remove_attachment(
    conn: &mut AnyConnection,
    files: &FileStore,
    news_id: i64,
    id: i64,
) -> Outcome<()> {
    let attachment = store::find_attachment(conn, news_id, id)?.ok_or(CommonRefusal::NotFound)?;
    store::delete_attachment(conn, id)?;
    if let Err(error) = files.remove(conn, &attachment.storage_key) {
        tracing::warn!(error = %error, "could not remove a detached file");
    }
    Ok(())
}

/// An attachment and its bytes; of a published item only when `published_at` is
/// given.
pub fn attachment(
    conn: &mut AnyConnection,
    files: &FileStore,
    news_id: i64,
    id: i64,
    published_at: Option<DateTime<Utc>>,
) -> Outcome<(Attachment, Vec<u8>)> {
    get(conn, news_id, published_at)?;
    let attachment = store::find_attachment(conn, news_id, id)?.ok_or(CommonRefusal::NotFound)?;
    let bytes = files.read(conn, &attachment.storage_key).map_err(|e| {
        UseCaseError::Internal(anyhow::Error::new(e).context("reading a news attachment"))
    })?;
    Ok((attachment, bytes))
}

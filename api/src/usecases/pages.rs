//! The city's information pages ("Aide", "Accessibilité", each service's rules):
//! agents write them in Markdown, anyone reads them; the HTML is rendered and
//! sanitised once, when written, as for the news.

pub use persistence::info_pages::InfoPage;

use chrono::{DateTime, Utc};
use persistence::info_pages::{self as store, PageFields};
use persistence::{AnyConnection, write_transaction};

use super::{CommonRefusal, Outcome, UseCaseError, unique_as};
use crate::problem::FieldError;
use crate::usecases::news::render;

/// What an agent writes.
#[derive(Debug, Clone)]
pub struct PageInput {
    pub title: String,
    pub body_markdown: String,
    pub position: i32,
}

impl PageInput {
    fn fields(&self) -> Outcome<PageFields> {
        let title = self.title.trim();
        if title.is_empty() {
            return Err(UseCaseError::Invalid(vec![FieldError::new(
                "title",
                "required",
                "Le titre est obligatoire.",
                "The title is required.",
            )]));
        }
        Ok(PageFields {
            title: title.to_owned(),
            body_html: render(&self.body_markdown),
            body_markdown: self.body_markdown.clone(),
            position: self.position,
        })
    }
}

fn check_slug(slug: &str) -> Outcome<()> {
    if domain::city::is_page_slug(slug) {
        return Ok(());
    }
    Err(UseCaseError::Invalid(vec![FieldError::new(
        "slug",
        "invalid_slug",
        "L'adresse de la page : 1 à 60 lettres minuscules sans accent, chiffres et tirets (« aide », « reglement-restauration »).",
        "The page's slug: 1 to 60 lowercase letters without accents, digits and hyphens (\"aide\", \"reglement-restauration\").",
    )]))
}

pub fn list(conn: &mut AnyConnection) -> Outcome<Vec<InfoPage>> {
    Ok(store::list(conn)?)
}

/// The page named `slug`; none is `NotFound` (a slug no page could have too).
pub fn get(conn: &mut AnyConnection, slug: &str) -> Outcome<InfoPage> {
    store::find(conn, slug)?.ok_or_else(|| CommonRefusal::NotFound.into())
}

/// Publishes a new page under `slug` (409 `page_slug_taken` if one has it).
pub fn create(
    conn: &mut AnyConnection,
    slug: &str,
    input: &PageInput,
    now: DateTime<Utc>,
) -> Outcome<InfoPage> {
    check_slug(slug)?;
    let fields = input.fields()?;
    write_transaction(conn, |conn| {
        store::insert(conn, slug, &fields, now).map_err(unique_as(CommonRefusal::PageSlugTaken))?;
        get(conn, slug)
    })
}

/// Rewrites the page if it is still at `version` (412 otherwise, 404 if there is none).
pub fn update(
    conn: &mut AnyConnection,
    slug: &str,
    version: i64,
    input: &PageInput,
    now: DateTime<Utc>,
) -> Outcome<InfoPage> {
    let fields = input.fields()?;
    write_transaction(conn, |conn| {
        get(conn, slug)?;
        if !store::update(conn, slug, version, &fields, now)? {
            return Err(CommonRefusal::VersionMismatch.into());
        }
        get(conn, slug)
    })
}

pub fn delete(conn: &mut AnyConnection, slug: &str) -> Outcome<()> {
    if store::delete(conn, slug)? {
        Ok(())
    } else {
        Err(CommonRefusal::NotFound.into())
    }
}

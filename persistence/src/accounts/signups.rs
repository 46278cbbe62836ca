//! Sign-ups in progress: server-side drafts filled step by step.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::schema::signup_drafts;
use crate::{AnyConnection, DbError, db_time};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = signup_drafts)]
pub struct SignupDraft {
    pub id: i64,
    pub public_id: String,
    pub last_name: Option<String>,
    pub first_name: Option<String>,
    pub email: Option<String>,
    pub username: Option<String>,
    pub password_hash: Option<String>,
    pub dossier_id: Option<i64>,
    pub terms_document_id: Option<i64>,
    pub terms_accepted_at: Option<NaiveDateTime>,
    pub privacy_document_id: Option<i64>,
    pub privacy_accepted_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    /// FranceConnect's verified identity (JSON), linked to the account at confirmation.
    pub verified_identity: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PersonalDetails<'a> {
    pub last_name: &'a str,
    pub first_name: &'a str,
    pub email: &'a str,
    pub username: &'a str,
    pub password_hash: &'a str,
}

pub fn create(
    conn: &mut AnyConnection,
    public_id: &str,
    details: &PersonalDetails<'_>,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<i64, DbError> {
    Ok(diesel::insert_into(signup_drafts::table)
        .values((
            signup_drafts::public_id.eq(public_id),
            signup_drafts::last_name.eq(details.last_name),
            signup_drafts::first_name.eq(details.first_name),
            signup_drafts::email.eq(details.email),
            signup_drafts::username.eq(details.username),
            signup_drafts::password_hash.eq(details.password_hash),
            signup_drafts::created_at.eq(db_time(now)),
            signup_drafts::expires_at.eq(db_time(expires_at)),
        ))
        .returning(signup_drafts::id)
        .get_result(conn)?)
}

/// Keeps FranceConnect's verified identity (JSON) with the draft.
pub fn set_verified_identity(
    conn: &mut AnyConnection,
    id: i64,
    identity: &str,
) -> Result<(), DbError> {
    diesel::update(signup_drafts::table.find(id))
        .set(signup_drafts::verified_identity.eq(identity))
        .execute(conn)?;
    Ok(())
}

/// The draft, unless it expired.
pub fn find_live(
    conn: &mut AnyConnection,
    public_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<SignupDraft>, DbError> {
    Ok(signup_drafts::table
        .filter(signup_drafts::public_id.eq(public_id))
        .filter(signup_drafts::expires_at.gt(db_time(now)))
        .select(SignupDraft::as_select())
        .first(conn)
        .optional()?)
}

pub fn set_personal_details(
    conn: &mut AnyConnection,
    id: i64,
    details: &PersonalDetails<'_>,
) -> Result<(), DbError> {
    diesel::update(signup_drafts::table.find(id))
        .set((
            signup_drafts::last_name.eq(details.last_name),
            signup_drafts::first_name.eq(details.first_name),
            signup_drafts::email.eq(details.email),
            signup_drafts::username.eq(details.username),
            signup_drafts::password_hash.eq(details.password_hash),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_dossier(conn: &mut AnyConnection, id: i64, dossier_id: i64) -> Result<(), DbError> {
    diesel::update(signup_drafts::table.find(id))
        .set(signup_drafts::dossier_id.eq(dossier_id))
        .execute(conn)?;
    Ok(())
}

pub fn accept_terms(
    conn: &mut AnyConnection,
    id: i64,
    document_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::update(signup_drafts::table.find(id))
        .set((
            signup_drafts::terms_document_id.eq(document_id),
            signup_drafts::terms_accepted_at.eq(db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn accept_privacy(
    conn: &mut AnyConnection,
    id: i64,
    document_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::update(signup_drafts::table.find(id))
        .set((
            signup_drafts::privacy_document_id.eq(document_id),
            signup_drafts::privacy_accepted_at.eq(db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Removes a draft; false when there was none (already confirmed or cancelled).
pub fn delete(conn: &mut AnyConnection, id: i64) -> Result<bool, DbError> {
    Ok(diesel::delete(signup_drafts::table.find(id)).execute(conn)? == 1)
}

/// Removes expired drafts (they hold a password hash and personal data).
pub fn purge_expired(conn: &mut AnyConnection, now: DateTime<Utc>) -> Result<usize, DbError> {
    Ok(
        diesel::delete(signup_drafts::table.filter(signup_drafts::expires_at.le(db_time(now))))
            .execute(conn)?,
    )
}

use std::fmt;

/// What can go wrong between the API and its database.
///
/// `Unavailable` means the database could not be reached (the API answers 503);
/// everything else is a bug or a broken invariant (the API answers an opaque 500).
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("invalid DATABASE_URL: {0}")]
    InvalidUrl(String),
    #[error("database migration failed: {0}")]
    Migration(String),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    /// A stored value that does not read (or a value that cannot be written) in its
    /// column's format: a bug, never a default.
    #[error("stored value: {0}")]
    Stored(String),
    /// A backup that cannot be made as asked (its target exists, the backend is not
    /// SQLite).
    #[error("backup refused: {0}")]
    Backup(String),
}

impl DbError {
    pub fn unavailable(cause: impl fmt::Display) -> Self {
        Self::Unavailable(cause.to_string())
    }

    /// True when the database itself is unreachable rather than the query being wrong.
    pub fn is_unavailable(&self) -> bool {
        match self {
            Self::Unavailable(_) => true,
            // Closed by the server, or a socket that no longer takes the query.
            Self::Query(diesel::result::Error::DatabaseError(kind, _)) => matches!(
                kind,
                diesel::result::DatabaseErrorKind::ClosedConnection
                    | diesel::result::DatabaseErrorKind::UnableToSendCommand
            ),
            _ => false,
        }
    }
}

impl From<r2d2::Error> for DbError {
    fn from(error: r2d2::Error) -> Self {
        Self::unavailable(error)
    }
}

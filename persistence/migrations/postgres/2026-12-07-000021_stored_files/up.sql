-- Files kept in the database itself (STORAGE_URL=database:): documents and PDFs under
-- their storage key, so several instances share them with no other service and one
-- backup holds everything.
CREATE TABLE stored_files (
    key TEXT PRIMARY KEY NOT NULL,
    content BYTEA NOT NULL,
    size_bytes BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

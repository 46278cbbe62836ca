-- Documents of the new kinds cannot go back under the old CHECK: they are removed.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE documents_rebuilt (
    id INTEGER PRIMARY KEY NOT NULL,
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    child_id INTEGER REFERENCES children (id) ON DELETE CASCADE,
    request_id INTEGER REFERENCES requests (id) ON DELETE SET NULL,
    kind TEXT NOT NULL CHECK (kind IN ('health_form', 'income_proof', 'address_proof', 'invoice', 'certificate', 'other')),
    origin TEXT NOT NULL CHECK (origin IN ('family', 'city')),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    storage_key TEXT NOT NULL UNIQUE,
    uploaded_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO documents_rebuilt
SELECT id, dossier_id, child_id, request_id, kind, origin, file_name, content_type, size_bytes,
    sha256, storage_key, uploaded_by, created_at
FROM documents
WHERE kind NOT IN ('school_insurance', 'vaccination_record', 'care_plan');
DROP TABLE documents;
ALTER TABLE documents_rebuilt RENAME TO documents;
CREATE INDEX documents_dossier ON documents (dossier_id);
CREATE INDEX documents_request ON documents (request_id);
DROP TABLE document_requirements;
COMMIT;
PRAGMA foreign_keys = ON;

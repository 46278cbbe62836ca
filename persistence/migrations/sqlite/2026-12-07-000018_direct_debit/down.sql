-- Mandates' documents cannot go back under the old CHECK: they are removed.
PRAGMA foreign_keys = OFF;
BEGIN;
DROP TABLE direct_debits;
DROP TABLE debit_collections;
DROP TABLE mandates;
DROP TABLE direct_debit_settings;
ALTER TABLE payments DROP COLUMN reversed_on;
ALTER TABLE payments DROP COLUMN reversal_reason;

CREATE TABLE documents_rebuilt (
    id INTEGER PRIMARY KEY NOT NULL,
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    child_id INTEGER REFERENCES children (id) ON DELETE CASCADE,
    request_id INTEGER REFERENCES requests (id) ON DELETE SET NULL,
    kind TEXT NOT NULL CHECK (kind IN ('health_form', 'income_proof', 'address_proof', 'invoice',
        'certificate', 'other', 'school_insurance', 'vaccination_record', 'care_plan')),
    -- Who issued it: the family uploaded it, or the city did.
    origin TEXT NOT NULL CHECK (origin IN ('family', 'city')),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    -- The server-generated name of the file in the storage directory.
    storage_key TEXT NOT NULL UNIQUE,
    uploaded_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    -- An agent's review: a family's upload waits for it; what the city filed is accepted.
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'refused')),
    -- The day the document was issued, which starts its validity, and its last valid day.
    issued_on DATE,
    valid_until DATE,
    review_reason TEXT,
    reviewed_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    reviewed_at TIMESTAMP
);
INSERT INTO documents_rebuilt (id, dossier_id, child_id, request_id, kind, origin, file_name, content_type, size_bytes, sha256, storage_key, uploaded_by, created_at, status, issued_on, valid_until, review_reason, reviewed_by, reviewed_at)
SELECT id, dossier_id, child_id, request_id, kind, origin, file_name, content_type, size_bytes, sha256, storage_key, uploaded_by, created_at, status, issued_on, valid_until, review_reason, reviewed_by, reviewed_at
FROM documents WHERE kind <> 'direct_debit_mandate';
DROP TABLE documents;
ALTER TABLE documents_rebuilt RENAME TO documents;
CREATE INDEX documents_dossier ON documents (dossier_id, kind);
CREATE INDEX documents_request ON documents (request_id);
CREATE INDEX documents_expiry ON documents (valid_until);

COMMIT;
PRAGMA foreign_keys = ON;

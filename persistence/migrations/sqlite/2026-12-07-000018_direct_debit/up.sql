-- SEPA direct debit: the city's creditor account, mandates, debits and the collection
-- files. Documents gain the kind of a signed mandate: SQLite cannot change the kinds'
-- CHECK constraint in place, so the table is rebuilt as in migration 000016 (foreign
-- keys off, new table, copy, drop, rename), in one transaction.
PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE documents_rebuilt (
    id INTEGER PRIMARY KEY NOT NULL,
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    child_id INTEGER REFERENCES children (id) ON DELETE CASCADE,
    request_id INTEGER REFERENCES requests (id) ON DELETE SET NULL,
    kind TEXT NOT NULL CHECK (kind IN ('health_form', 'income_proof', 'address_proof', 'invoice',
        'certificate', 'other', 'school_insurance', 'vaccination_record', 'care_plan',
        'direct_debit_mandate')),
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
FROM documents;
DROP TABLE documents;
ALTER TABLE documents_rebuilt RENAME TO documents;
CREATE INDEX documents_dossier ON documents (dossier_id, kind);
CREATE INDEX documents_request ON documents (request_id);
CREATE INDEX documents_expiry ON documents (valid_until);

-- The city's creditor account for direct debit: one row, set by an admin.
CREATE TABLE direct_debit_settings (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    -- The creditor identifier (ICS) the Banque de France gave the city.
    creditor_id TEXT NOT NULL,
    creditor_name TEXT NOT NULL,
    -- The account the debits are paid into (the treasury's).
    iban TEXT NOT NULL,
    bic TEXT,
    pain_version TEXT NOT NULL CHECK (pain_version IN ('pain.008.001.02', 'pain.008.001.08')),
    updated_at TIMESTAMP NOT NULL
);

-- SEPA Core mandates: a family's authorisation to debit its account.
CREATE TABLE mandates (
    id INTEGER PRIMARY KEY NOT NULL,
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    -- The unique mandate reference (RUM), made from the id once it is known.
    reference TEXT UNIQUE,
    creditor_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'revoked', 'lapsed')),
    channel TEXT NOT NULL CHECK (channel IN ('online', 'paper')),
    holder_name TEXT NOT NULL,
    iban TEXT NOT NULL,
    bic TEXT,
    signed_on DATE NOT NULL,
    signed_at_place TEXT NOT NULL,
    -- The family's account that signed online, or the agent who recorded the paper.
    signed_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    consent_at TIMESTAMP,
    document_id INTEGER REFERENCES documents (id) ON DELETE SET NULL,
    last_collected_on DATE,
    consecutive_rejections INTEGER NOT NULL,
    ended_on DATE,
    end_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- One active mandate per dossier: a second signature revokes the first.
CREATE UNIQUE INDEX mandates_one_active ON mandates (dossier_id) WHERE status = 'active';
CREATE INDEX mandates_status ON mandates (status);

-- The files of a collection date sent to the bank, kept byte for byte.
CREATE TABLE debit_collections (
    id INTEGER PRIMARY KEY NOT NULL,
    collection_date DATE NOT NULL UNIQUE,
    message_id TEXT NOT NULL UNIQUE,
    pain_version TEXT NOT NULL,
    debit_count INTEGER NOT NULL,
    total_cents BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content TEXT NOT NULL,
    built_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    built_at TIMESTAMP NOT NULL
);

-- One debit per invoice, scheduled when the invoice is issued to a dossier with an
-- active mandate; its end-to-end id is the invoice's number.
CREATE TABLE direct_debits (
    id INTEGER PRIMARY KEY NOT NULL,
    invoice_id INTEGER NOT NULL UNIQUE REFERENCES invoices (id) ON DELETE CASCADE,
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    mandate_id INTEGER NOT NULL REFERENCES mandates (id) ON DELETE CASCADE,
    end_to_end_id TEXT NOT NULL UNIQUE,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    collection_date DATE NOT NULL,
    -- The day the family was told the amount and date (pre-notification).
    told_on DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'collecting', 'paid', 'rejected', 'cancelled')),
    sequence_type TEXT CHECK (sequence_type IN ('FRST', 'RCUR')),
    collection_id INTEGER REFERENCES debit_collections (id),
    reason_code TEXT,
    settled_on DATE,
    payment_id INTEGER REFERENCES payments (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX direct_debits_date ON direct_debits (collection_date, status);
CREATE INDEX direct_debits_dossier ON direct_debits (dossier_id);
CREATE INDEX direct_debits_mandate ON direct_debits (mandate_id);

-- A direct debit the bank returned after paying it: the payment stays, marked.
ALTER TABLE payments ADD COLUMN reversed_on DATE;
ALTER TABLE payments ADD COLUMN reversal_reason TEXT;

COMMIT;
PRAGMA foreign_keys = ON;

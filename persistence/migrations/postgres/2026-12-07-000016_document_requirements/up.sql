-- The documents the city requires, one requirement per kind of document: whom it asks
-- (scope) and how long a document stays valid from the day it was issued.
CREATE TABLE document_requirements (
    kind TEXT PRIMARY KEY NOT NULL,
    label TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('dossier', 'child', 'child_with_allergy', 'activity')),
    validity TEXT NOT NULL CHECK (validity IN ('months', 'school_year', 'permanent')),
    validity_months INTEGER,
    updated_at TIMESTAMP NOT NULL
);

-- Documents gain three kinds, an agent's review (a family's upload waits for it; what
-- the city filed is accepted) and their validity, from the day they were issued.
ALTER TABLE documents DROP CONSTRAINT documents_kind_check;
ALTER TABLE documents ADD CONSTRAINT documents_kind_check CHECK (kind IN ('health_form',
    'income_proof', 'address_proof', 'invoice', 'certificate', 'other', 'school_insurance',
    'vaccination_record', 'care_plan'));
ALTER TABLE documents ADD COLUMN status TEXT NOT NULL DEFAULT 'accepted'
    CHECK (status IN ('pending', 'accepted', 'refused'));
ALTER TABLE documents ALTER COLUMN status DROP DEFAULT;
ALTER TABLE documents ADD COLUMN issued_on DATE;
ALTER TABLE documents ADD COLUMN valid_until DATE;
ALTER TABLE documents ADD COLUMN review_reason TEXT;
ALTER TABLE documents ADD COLUMN reviewed_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL;
ALTER TABLE documents ADD COLUMN reviewed_at TIMESTAMP;
UPDATE documents SET status = 'pending' WHERE origin = 'family';
-- A document filed before is taken as issued the day it was filed.
UPDATE documents SET issued_on = CAST(created_at AS DATE);
DROP INDEX documents_dossier;
CREATE INDEX documents_dossier ON documents (dossier_id, kind);
CREATE INDEX documents_expiry ON documents (valid_until);

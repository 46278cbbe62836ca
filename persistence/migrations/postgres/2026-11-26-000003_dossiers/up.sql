-- The family file as the city keeps it: contact details, guardians, children with
-- their health information, family quotients, documents, requests, and the audit
-- log of agents' reads of health data.
ALTER TABLE dossiers ADD COLUMN address_line1 TEXT NOT NULL DEFAULT '';
ALTER TABLE dossiers ADD COLUMN address_line2 TEXT NOT NULL DEFAULT '';
ALTER TABLE dossiers ADD COLUMN postcode TEXT NOT NULL DEFAULT '';
ALTER TABLE dossiers ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE dossiers ADD COLUMN home_phone TEXT;
ALTER TABLE dossiers ADD COLUMN mobile_phone TEXT;
ALTER TABLE dossiers ADD COLUMN work_phone TEXT;
-- Bumped by every change of the dossier, its guardians or its contacts: the ETag.
ALTER TABLE dossiers ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

CREATE TABLE guardians (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    relationship TEXT NOT NULL CHECK (relationship IN ('mother', 'father', 'guardian', 'other')),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT,
    mobile_phone TEXT,
    work_phone TEXT
);
CREATE INDEX guardians_dossier ON guardians (dossier_id);

-- Authorised pick-up persons and emergency contacts.
CREATE TABLE dossier_contacts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('pickup', 'emergency')),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    relationship TEXT NOT NULL,
    phone TEXT NOT NULL
);
CREATE INDEX dossier_contacts_dossier ON dossier_contacts (dossier_id);

CREATE TABLE children (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    birth_date DATE NOT NULL,
    school TEXT,
    school_level TEXT CHECK (school_level IN ('PS', 'MS', 'GS', 'CP', 'CE1', 'CE2', 'CM1', 'CM2')),
    diet TEXT NOT NULL CHECK (diet IN ('standard', 'vegetarian', 'no_meat', 'packed_meal')),
    -- Bumped by every change of the child or of its health information: the ETag.
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX children_dossier ON children (dossier_id);

-- Health information, apart from the rest so that no listing reads it by accident:
-- agents read it only through the audited endpoint.
CREATE TABLE child_health (
    child_id BIGINT PRIMARY KEY NOT NULL REFERENCES children (id) ON DELETE CASCADE,
    allergies TEXT NOT NULL,
    care_plan BOOLEAN NOT NULL,
    care_plan_details TEXT NOT NULL,
    doctor_name TEXT NOT NULL,
    doctor_phone TEXT NOT NULL,
    -- JSON array of {"vaccine", "date"}.
    vaccinations TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE requests (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('situation_change', 'family_quotient', 'contact_change', 'other')),
    message TEXT NOT NULL,
    -- For a contact change: the proposed details, JSON.
    proposal TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'refused')),
    decision_comment TEXT,
    filed_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    decided_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE INDEX requests_dossier ON requests (dossier_id);
CREATE INDEX requests_status ON requests (status, created_at);

CREATE TABLE documents (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    child_id BIGINT REFERENCES children (id) ON DELETE CASCADE,
    request_id BIGINT REFERENCES requests (id) ON DELETE SET NULL,
    kind TEXT NOT NULL CHECK (kind IN ('health_form', 'income_proof', 'address_proof', 'invoice', 'certificate', 'other')),
    -- Who issued it: the family uploaded it, or the city did.
    origin TEXT NOT NULL CHECK (origin IN ('family', 'city')),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    -- The server-generated name of the file in the storage directory.
    storage_key TEXT NOT NULL UNIQUE,
    uploaded_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX documents_dossier ON documents (dossier_id);
CREATE INDEX documents_request ON documents (request_id);

CREATE TABLE family_quotients (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    quotient BIGINT NOT NULL CHECK (quotient >= 0),
    valid_from DATE NOT NULL,
    valid_until DATE NOT NULL,
    proof_document_id BIGINT REFERENCES documents (id) ON DELETE SET NULL,
    recorded_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK (valid_until >= valid_from)
);
CREATE INDEX family_quotients_dossier ON family_quotients (dossier_id, valid_from);

-- Who read or changed what sensitive data; kept after the actor's account goes.
CREATE TABLE audit_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor_id BIGINT,
    actor_username TEXT NOT NULL,
    action TEXT NOT NULL,
    dossier_id BIGINT,
    child_id BIGINT,
    detail TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);

-- A CSV of dossiers checked (the dry run) and, once confirmed, imported.
CREATE TABLE dossier_imports (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('checked', 'imported')),
    file_name TEXT NOT NULL,
    content TEXT NOT NULL,
    rows_total BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    dossiers_planned BIGINT NOT NULL,
    children_planned BIGINT NOT NULL,
    -- The dry run's verdict on each row, JSON, as the agent saw it.
    report TEXT NOT NULL,
    created_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    imported_at TIMESTAMP
);

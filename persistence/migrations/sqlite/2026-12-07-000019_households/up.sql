-- Separated parents: a child's second household (a second dossier), the custody
-- schedules that say which household has the child each day, and a household's
-- contact details an agent marks confidential. Requests gain the kind asking for the
-- link: SQLite cannot change the kinds' CHECK constraint in place, so the table is
-- rebuilt as in migration 000016 (foreign keys off, new table, copy, drop, rename).
-- Calendar feeds become each household's (a shared child has one per household, each
-- showing that household's days): rebuilt the same way with the household's id.
PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE requests_rebuilt (
    id INTEGER PRIMARY KEY NOT NULL,
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('situation_change', 'family_quotient', 'contact_change',
        'other', 'second_household')),
    message TEXT NOT NULL,
    -- For a contact change: the proposed details, JSON.
    proposal TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'refused')),
    decision_comment TEXT,
    filed_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    decided_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
INSERT INTO requests_rebuilt (id, dossier_id, kind, message, proposal, status, decision_comment, filed_by, decided_by, created_at, decided_at)
SELECT id, dossier_id, kind, message, proposal, status, decision_comment, filed_by, decided_by, created_at, decided_at
FROM requests;
DROP TABLE requests;
ALTER TABLE requests_rebuilt RENAME TO requests;
CREATE INDEX requests_dossier ON requests (dossier_id);
CREATE INDEX requests_status ON requests (status, created_at);

-- A child's second household: the child stays in the dossier it was filed in (its
-- first household) and is shared with this one. Two households at most. An ended link
-- (`ended_on`) keeps its custody history, so days before its end are still billed to
-- the household that had the child.
CREATE TABLE child_households (
    child_id INTEGER PRIMARY KEY NOT NULL REFERENCES children (id) ON DELETE CASCADE,
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    request_id INTEGER REFERENCES requests (id) ON DELETE SET NULL,
    linked_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    linked_at TIMESTAMP NOT NULL,
    ended_on DATE
);
CREATE INDEX child_households_dossier ON child_households (dossier_id);
-- A household's registrations are those of its dossier or of the children it shares
-- (`dossier_id = ? OR child_id IN (...)`): both sides need an index, or every planning
-- read scans the registrations.
CREATE INDEX registrations_child ON registrations (child_id);

-- Which household has the child, from `valid_from` until the next schedule's date
-- (JSON: the rhythm, the holiday split, single-day exceptions).
CREATE TABLE custody_schedules (
    id INTEGER PRIMARY KEY NOT NULL,
    child_id INTEGER NOT NULL REFERENCES children (id) ON DELETE CASCADE,
    valid_from DATE NOT NULL,
    schedule TEXT NOT NULL,
    set_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    set_at TIMESTAMP NOT NULL,
    UNIQUE (child_id, valid_from)
);

CREATE TABLE calendar_feeds_rebuilt (
    child_id INTEGER NOT NULL REFERENCES children (id) ON DELETE CASCADE,
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (child_id, dossier_id)
);
INSERT INTO calendar_feeds_rebuilt (child_id, dossier_id, token_hash, created_at)
SELECT f.child_id, c.dossier_id, f.token_hash, f.created_at
FROM calendar_feeds f JOIN children c ON c.id = f.child_id;
DROP TABLE calendar_feeds;
ALTER TABLE calendar_feeds_rebuilt RENAME TO calendar_feeds;

ALTER TABLE dossiers ADD COLUMN contacts_confidential BOOLEAN NOT NULL DEFAULT FALSE;

COMMIT;
PRAGMA foreign_keys = ON;

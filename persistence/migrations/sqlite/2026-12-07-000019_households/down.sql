PRAGMA foreign_keys = OFF;
BEGIN;
DROP INDEX registrations_child;
DROP TABLE custody_schedules;
CREATE TABLE calendar_feeds_rebuilt (
    child_id INTEGER PRIMARY KEY NOT NULL REFERENCES children (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO calendar_feeds_rebuilt (child_id, token_hash, created_at)
SELECT f.child_id, f.token_hash, f.created_at FROM calendar_feeds f
JOIN children c ON c.id = f.child_id AND c.dossier_id = f.dossier_id;
DROP TABLE calendar_feeds;
ALTER TABLE calendar_feeds_rebuilt RENAME TO calendar_feeds;
DROP TABLE child_households;
ALTER TABLE dossiers DROP COLUMN contacts_confidential;
DELETE FROM requests WHERE kind = 'second_household';
CREATE TABLE requests_rebuilt (
    id INTEGER PRIMARY KEY NOT NULL,
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('situation_change', 'family_quotient', 'contact_change', 'other')),
    message TEXT NOT NULL,
    proposal TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'refused')),
    decision_comment TEXT,
    filed_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    decided_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
INSERT INTO requests_rebuilt SELECT id, dossier_id, kind, message, proposal, status, decision_comment, filed_by, decided_by, created_at, decided_at FROM requests;
DROP TABLE requests;
ALTER TABLE requests_rebuilt RENAME TO requests;
CREATE INDEX requests_dossier ON requests (dossier_id);
CREATE INDEX requests_status ON requests (status, created_at);
COMMIT;
PRAGMA foreign_keys = ON;

-- Certificates the city issued, each filed as a document of the dossier: what it
-- certifies (kind, year or period) so that a yearly run does not issue one twice.
CREATE TABLE issued_certificates (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    year INTEGER,
    document_id BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    total_cents BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX issued_certificates_dossier ON issued_certificates (dossier_id, kind, year);

-- An agent's run issuing a year's tax certificates to every dossier, with progress.
CREATE TABLE certificate_runs (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year INTEGER NOT NULL,
    status TEXT NOT NULL,
    total INTEGER NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0,
    issued INTEGER NOT NULL DEFAULT 0,
    started_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    error TEXT
);
-- One run of a year at a time, even when two start at the same moment.
CREATE UNIQUE INDEX certificate_runs_running ON certificate_runs (year) WHERE status = 'running';

-- A renewal campaign: for one school year (its first calendar year), the days it is
-- open and the sections (a comma list) families confirm.
CREATE TABLE renewal_campaigns (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    school_year INTEGER NOT NULL UNIQUE,
    opens_on DATE NOT NULL,
    closes_on DATE NOT NULL,
    sections TEXT NOT NULL,
    message TEXT NOT NULL,
    -- When families were told of its opening and of its closing: each once.
    opening_told_at TIMESTAMP,
    closing_told_at TIMESTAMP,
    created_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- A family's renewal in a campaign: the sections it confirmed (its draft), then sent,
-- sent back with a comment, or validated. One per dossier and campaign.
CREATE TABLE renewals (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES renewal_campaigns (id) ON DELETE CASCADE,
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'validated')),
    confirmed TEXT NOT NULL,
    comment TEXT,
    submitted_at TIMESTAMP,
    decided_at TIMESTAMP,
    decided_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (campaign_id, dossier_id)
);
CREATE INDEX renewals_dossier ON renewals (dossier_id);
CREATE INDEX renewals_status ON renewals (campaign_id, status);

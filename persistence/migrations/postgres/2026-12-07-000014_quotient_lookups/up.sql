-- The city's quotient rules: from which day of each school year a family without a
-- quotient pays the top bracket ('MM-DD'; null: whenever it has none), and from
-- when a quotient looked up at the CAF or MSA applies ('day', 'month', 'next_month').
ALTER TABLE city_settings ADD COLUMN top_bracket_from TEXT;
ALTER TABLE city_settings ADD COLUMN lookup_applies_from TEXT NOT NULL DEFAULT 'month';

-- Where a quotient comes from: entered by an agent, or looked up through API
-- Particulier (then its provider, CAF or MSA, and the month it was computed for).
ALTER TABLE family_quotients ADD COLUMN source TEXT NOT NULL DEFAULT 'agent';
ALTER TABLE family_quotients ADD COLUMN provider TEXT;
ALTER TABLE family_quotients ADD COLUMN reference_month TEXT;

-- Each lookup at API Particulier: who asked, when the family consented, what came of
-- it. Kept as the record of the consent; the identity sent is not stored.
CREATE TABLE quotient_lookups (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    asked_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    consented_at TIMESTAMP NOT NULL,
    outcome TEXT NOT NULL,
    quotient_id BIGINT REFERENCES family_quotients (id) ON DELETE SET NULL
);
CREATE INDEX quotient_lookups_dossier ON quotient_lookups (dossier_id, consented_at);

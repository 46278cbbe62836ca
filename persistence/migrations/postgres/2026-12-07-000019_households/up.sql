-- Separated parents: a child's second household (a second dossier), the custody
-- schedules that say which household has the child each day, and a household's
-- contact details an agent marks confidential; requests gain the kind asking for the link.
ALTER TABLE requests DROP CONSTRAINT requests_kind_check;
ALTER TABLE requests ADD CONSTRAINT requests_kind_check CHECK (kind IN ('situation_change',
    'family_quotient', 'contact_change', 'other', 'second_household'));

-- A child's second household: the child stays in the dossier it was filed in (its
-- first household) and is shared with this one. Two households at most. An ended link
-- (`ended_on`) keeps its custody history, so days before its end are still billed to
-- the household that had the child.
CREATE TABLE child_households (
    child_id BIGINT PRIMARY KEY NOT NULL REFERENCES children (id) ON DELETE CASCADE,
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    request_id BIGINT REFERENCES requests (id) ON DELETE SET NULL,
    linked_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
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
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    child_id BIGINT NOT NULL REFERENCES children (id) ON DELETE CASCADE,
    valid_from DATE NOT NULL,
    schedule TEXT NOT NULL,
    set_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    set_at TIMESTAMP NOT NULL,
    UNIQUE (child_id, valid_from)
);

-- Calendar feeds become each household's: a shared child has one per household, each
-- showing that household's days.
ALTER TABLE calendar_feeds ADD COLUMN dossier_id BIGINT REFERENCES dossiers (id) ON DELETE CASCADE;
UPDATE calendar_feeds f SET dossier_id = c.dossier_id FROM children c WHERE c.id = f.child_id;
ALTER TABLE calendar_feeds ALTER COLUMN dossier_id SET NOT NULL;
ALTER TABLE calendar_feeds DROP CONSTRAINT calendar_feeds_pkey;
ALTER TABLE calendar_feeds ADD PRIMARY KEY (child_id, dossier_id);

ALTER TABLE dossiers ADD COLUMN contacts_confidential BOOLEAN NOT NULL DEFAULT FALSE;

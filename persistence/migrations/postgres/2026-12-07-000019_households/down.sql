DROP INDEX registrations_child;
DROP TABLE custody_schedules;
DELETE FROM calendar_feeds f USING children c WHERE c.id = f.child_id AND c.dossier_id <> f.dossier_id;
ALTER TABLE calendar_feeds DROP CONSTRAINT calendar_feeds_pkey;
ALTER TABLE calendar_feeds DROP COLUMN dossier_id;
ALTER TABLE calendar_feeds ADD PRIMARY KEY (child_id);
DROP TABLE child_households;
ALTER TABLE dossiers DROP COLUMN contacts_confidential;
DELETE FROM requests WHERE kind = 'second_household';
ALTER TABLE requests DROP CONSTRAINT requests_kind_check;
ALTER TABLE requests ADD CONSTRAINT requests_kind_check CHECK (kind IN ('situation_change',
    'family_quotient', 'contact_change', 'other'));

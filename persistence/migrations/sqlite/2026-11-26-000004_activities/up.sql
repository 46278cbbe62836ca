-- The activities a city offers and the children's registrations to them.
CREATE TABLE activity_kinds (
    id INTEGER PRIMARY KEY NOT NULL,
    code TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL
);
-- The guide's six kinds; the city adds others.
INSERT INTO activity_kinds (code, label) VALUES
    ('morning_care', 'Accueil du matin'),
    ('evening_care', 'Accueil du soir'),
    ('wednesday_care', 'Accueil du mercredi'),
    ('school_catering', 'Restauration scolaire'),
    ('stay', 'Séjours'),
    ('holiday_centre', 'Accueil de loisirs vacances');

CREATE TABLE activities (
    id INTEGER PRIMARY KEY NOT NULL,
    kind_id INTEGER NOT NULL REFERENCES activity_kinds (id),
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    -- Who may join, JSON: {"minAge", "maxAge", "ageReference", "levels": [...]}.
    eligibility TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('request', 'automatic', 'prepaid')),
    entry_rule TEXT NOT NULL CHECK (entry_rule IN ('fixed', 'chosen')),
    family_chooses_group BOOLEAN NOT NULL,
    sibling_rate_percent INTEGER CHECK (sibling_rate_percent BETWEEN 0 AND 100),
    -- Document kinds a registration must come with, comma-separated.
    required_documents TEXT NOT NULL,
    cancellable BOOLEAN NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (ends_on >= starts_on)
);

-- What is booked on a day (Matin, Soir, Repas, Journée...), with its prices by
-- family-quotient bracket (JSON: [{"maxQuotient": 500, "priceCents": 120}, ...]).
CREATE TABLE activity_units (
    id INTEGER PRIMARY KEY NOT NULL,
    activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    -- ISO weekdays it runs on, comma-separated (1 = Monday).
    weekdays TEXT NOT NULL,
    prices TEXT NOT NULL
);
CREATE INDEX activity_units_activity ON activity_units (activity_id);

-- A centre or group with its places; `taken` only moves by conditional updates.
CREATE TABLE activity_groups (
    id INTEGER PRIMARY KEY NOT NULL,
    activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity >= 0),
    taken INTEGER NOT NULL DEFAULT 0,
    CHECK (taken >= 0 AND taken <= capacity)
);
CREATE INDEX activity_groups_activity ON activity_groups (activity_id);

-- A group's capacity on a given day, where the city sets one (a smaller room on an
-- exam day, a bigger centre on Wednesdays); other days use the group's capacity.
CREATE TABLE group_day_capacities (
    group_id INTEGER NOT NULL REFERENCES activity_groups (id) ON DELETE CASCADE,
    day DATE NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity >= 0),
    PRIMARY KEY (group_id, day)
);

CREATE TABLE registrations (
    id INTEGER PRIMARY KEY NOT NULL,
    activity_id INTEGER NOT NULL REFERENCES activities (id),
    child_id INTEGER NOT NULL REFERENCES children (id) ON DELETE CASCADE,
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL REFERENCES activity_groups (id),
    status TEXT NOT NULL CHECK (status IN ('requested', 'accepted', 'waitlisted', 'refused', 'cancelled')),
    entry_date DATE NOT NULL,
    health_form_id INTEGER REFERENCES documents (id) ON DELETE SET NULL,
    reason TEXT,
    requested_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    decided_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- One live registration per child and activity, whatever the race.
CREATE UNIQUE INDEX registrations_one_live
    ON registrations (child_id, activity_id)
    WHERE status IN ('requested', 'accepted', 'waitlisted');
CREATE INDEX registrations_queue ON registrations (group_id, status, id);
CREATE INDEX registrations_dossier ON registrations (dossier_id);

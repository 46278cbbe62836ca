-- The planning: the calendar it runs on, deadline rules, bookings, drafts, attendance.

-- Deadline rules of a kind (JSON, see the API's DeadlineRule); NULL: the guide's
-- default for the kind's code, kept in the domain crate.
ALTER TABLE activity_kinds ADD COLUMN booking_rule TEXT;
ALTER TABLE activity_kinds ADD COLUMN change_rule TEXT;

-- An activity's own calendar settings; a NULL column falls back to its kind's.
CREATE TABLE activity_rules (
    activity_id BIGINT PRIMARY KEY REFERENCES activities (id) ON DELETE CASCADE,
    runs_on TEXT CHECK (runs_on IN ('school_days', 'school_holidays', 'every_day')),
    booking_rule TEXT,
    change_rule TEXT,
    updated_at TIMESTAMP NOT NULL
);

-- The city's zone's school holidays, imported from the national calendar; an import
-- replaces the school years it holds.
CREATE TABLE school_holidays (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    school_year TEXT NOT NULL,
    description TEXT NOT NULL,
    first_day DATE NOT NULL,
    last_day DATE NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    imported_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    CHECK (last_day >= first_day)
);
CREATE INDEX school_holidays_days ON school_holidays (first_day, last_day);

-- Days the city closes (a strike, a closed school): every activity, or one.
CREATE TABLE closure_days (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    day DATE NOT NULL,
    activity_id BIGINT REFERENCES activities (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    created_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX closure_days_day ON closure_days (day);

-- A child booked on a unit of a day. 'closed': the city closed that day; kept so the
-- family sees it and billing skips it.
CREATE TABLE bookings (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    child_id BIGINT NOT NULL REFERENCES children (id) ON DELETE CASCADE,
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    registration_id BIGINT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    unit_id BIGINT NOT NULL REFERENCES activity_units (id) ON DELETE CASCADE,
    group_id BIGINT NOT NULL REFERENCES activity_groups (id) ON DELETE CASCADE,
    day DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('booked', 'closed')),
    source TEXT NOT NULL CHECK (source IN ('family', 'agent')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (child_id, unit_id, day)
);
CREATE INDEX bookings_child_day ON bookings (child_id, day);
CREATE INDEX bookings_day ON bookings (day, unit_id);

-- Children booked per group, unit and day; moved only by conditional updates.
CREATE TABLE booking_counts (
    group_id BIGINT NOT NULL REFERENCES activity_groups (id) ON DELETE CASCADE,
    unit_id BIGINT NOT NULL REFERENCES activity_units (id) ON DELETE CASCADE,
    day DATE NOT NULL,
    taken INTEGER NOT NULL DEFAULT 0 CHECK (taken >= 0),
    PRIMARY KEY (group_id, unit_id, day)
);

-- A dossier's draft: changes ticked but not validated yet.
CREATE TABLE planning_changes (
    child_id BIGINT NOT NULL REFERENCES children (id) ON DELETE CASCADE,
    unit_id BIGINT NOT NULL REFERENCES activity_units (id) ON DELETE CASCADE,
    day DATE NOT NULL,
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    action TEXT NOT NULL CHECK (action IN ('book', 'cancel')),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (child_id, unit_id, day)
);
CREATE INDEX planning_changes_dossier ON planning_changes (dossier_id);

-- Who came, recorded by agents; billing reads it.
CREATE TABLE attendances (
    child_id BIGINT NOT NULL REFERENCES children (id) ON DELETE CASCADE,
    unit_id BIGINT NOT NULL REFERENCES activity_units (id) ON DELETE CASCADE,
    day DATE NOT NULL,
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('present', 'absent_justified', 'absent_unjustified', 'present_unbooked')),
    note TEXT,
    recorded_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (child_id, unit_id, day)
);
CREATE INDEX attendances_day ON attendances (day, unit_id);

-- A child's iCalendar feed: only the secret's SHA-256 is kept.
CREATE TABLE calendar_feeds (
    child_id BIGINT PRIMARY KEY REFERENCES children (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

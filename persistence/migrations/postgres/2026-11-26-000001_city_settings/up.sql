-- The city running the portal: exactly one row.
CREATE TABLE city_settings (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    time_zone TEXT NOT NULL,
    school_zone TEXT NOT NULL CHECK (school_zone IN ('A', 'B', 'C', 'Corse')),
    academy TEXT,
    contact_email TEXT,
    contact_phone TEXT,
    website_url TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

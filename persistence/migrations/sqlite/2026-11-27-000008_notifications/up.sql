-- News, and what families and the city's other systems are told: events, the
-- in-portal notifications they make, email preferences, and webhook deliveries.

-- The city's announcements. Published between `published_from` (none: a draft) and
-- `published_until` (none: no end), unless retired.
CREATE TABLE news_items (
    id INTEGER PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    body_html TEXT NOT NULL,
    published_from TIMESTAMP,
    published_until TIMESTAMP,
    pinned BOOLEAN NOT NULL DEFAULT FALSE,
    retired_at TIMESTAMP,
    author_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (published_until IS NULL OR published_from IS NULL OR published_until > published_from)
);
CREATE INDEX news_items_published ON news_items (published_from);

CREATE TABLE news_attachments (
    id INTEGER PRIMARY KEY NOT NULL,
    news_id INTEGER NOT NULL REFERENCES news_items (id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    storage_key TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX news_attachments_news ON news_attachments (news_id);

-- Something that happened to a family, written in the transaction that made it
-- happen. `dedupe_key` makes a job's event (a reminder) happen once.
CREATE TABLE events (
    id INTEGER PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT,
    data TEXT NOT NULL,
    dedupe_key TEXT UNIQUE,
    occurred_at TIMESTAMP NOT NULL
);
CREATE INDEX events_dossier ON events (dossier_id, id);

-- An event as each account of the family sees it in the portal.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    read_at TIMESTAMP,
    UNIQUE (account_id, event_id)
);
CREATE INDEX notifications_of_account ON notifications (account_id, id);

-- Whether an account wants an email for a kind; no row: the kind's default.
CREATE TABLE notification_preferences (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    email BOOLEAN NOT NULL,
    PRIMARY KEY (account_id, kind)
);

-- An endpoint of the city's other systems and the event kinds it wants
-- (comma-separated). The secret signs deliveries, so it is kept to sign them.
CREATE TABLE webhook_endpoints (
    id INTEGER PRIMARY KEY NOT NULL,
    url TEXT NOT NULL,
    description TEXT NOT NULL,
    kinds TEXT NOT NULL,
    secret TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- One event to deliver to one endpoint, retried with backoff under a lease.
CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY NOT NULL,
    endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    delivered_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);

-- Every try of a delivery: when, what the endpoint answered or what went wrong.
CREATE TABLE webhook_attempts (
    id INTEGER PRIMARY KEY NOT NULL,
    delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempted_at TIMESTAMP NOT NULL,
    status_code INTEGER,
    error TEXT,
    duration_ms INTEGER NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- The city's family files, as far as sign-up needs them (the dossier issue adds the rest).
CREATE TABLE dossiers (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- The address the city holds, lowercased: sign-up step 2 compares with it.
    email TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE accounts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('family', 'agent', 'admin')),
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'disabled')),
    username TEXT NOT NULL,
    -- Lowercased copies: logins and uniqueness ignore case on both databases.
    username_key TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    password_hash TEXT,
    dossier_id BIGINT REFERENCES dossiers (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    activated_at TIMESTAMP,
    CHECK ((role = 'family') = (dossier_id IS NOT NULL))
);
CREATE INDEX accounts_dossier ON accounts (dossier_id);

-- Single-use secrets sent by email, stored as SHA-256 hashes.
CREATE TABLE account_tokens (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('activation', 'password_reset', 'email_change')),
    token_hash TEXT NOT NULL UNIQUE,
    new_email TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX account_tokens_account ON account_tokens (account_id, purpose);

-- One signed-in device: a family of rotating refresh tokens.
CREATE TABLE sessions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    remember_me BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    -- The absolute limit: no refresh extends a session beyond it.
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    revoked_reason TEXT
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE refresh_tokens (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id BIGINT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    -- Set when rotated: presenting it again revokes the whole session.
    used_at TIMESTAMP
);

-- Terms of use and privacy policy, versioned; the newest published one is current.
CREATE TABLE legal_documents (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('terms', 'privacy')),
    version TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    UNIQUE (kind, version)
);

CREATE TABLE consents (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    document_id BIGINT NOT NULL REFERENCES legal_documents (id),
    accepted_at TIMESTAMP NOT NULL,
    UNIQUE (account_id, document_id)
);

-- A sign-up in progress, filled step by step; removed when confirmed, cancelled or expired.
CREATE TABLE signup_drafts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    last_name TEXT,
    first_name TEXT,
    email TEXT,
    username TEXT,
    password_hash TEXT,
    dossier_id BIGINT REFERENCES dossiers (id) ON DELETE CASCADE,
    terms_document_id BIGINT REFERENCES legal_documents (id),
    terms_accepted_at TIMESTAMP,
    privacy_document_id BIGINT REFERENCES legal_documents (id),
    privacy_accepted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

-- Emails written in the same transaction as the change that causes them, sent by a worker.
CREATE TABLE outbox_emails (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    sent_at TIMESTAMP,
    failed_at TIMESTAMP,
    last_error TEXT
);
CREATE INDEX outbox_emails_due ON outbox_emails (sent_at, failed_at, next_attempt_at);

-- Failure counters for throttling, shared by every API instance.
CREATE TABLE throttles (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    failures INTEGER NOT NULL,
    window_started_at TIMESTAMP NOT NULL,
    blocked_until TIMESTAMP,
    PRIMARY KEY (scope, key)
);

-- Signing in with the outside world: identities of FranceConnect (families) and of the
-- city's identity provider (staff) linked to accounts; the sign-in flows started with
-- a provider (state, nonce and PKCE verifier, kept here so any instance can finish
-- them); third-party apps (OAuth 2.0 clients) and the one-time codes they exchange.
-- A session now says where it came from: a provider (with the ID token its logout
-- needs) or an app (with the scopes the family granted it).

CREATE TABLE oauth_clients (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('public', 'confidential')),
    -- SHA-256 of the secret of a confidential client, shown once at registration.
    secret_hash TEXT,
    -- JSON array, matched exactly.
    redirect_uris TEXT NOT NULL,
    -- Space-separated: what the app may ask for.
    scopes TEXT NOT NULL,
    created_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    disabled_at TIMESTAMP,
    CHECK ((kind = 'confidential') = (secret_hash IS NOT NULL))
);

ALTER TABLE sessions ADD COLUMN client_id BIGINT REFERENCES oauth_clients (id) ON DELETE CASCADE;
ALTER TABLE sessions ADD COLUMN scopes TEXT;
ALTER TABLE sessions ADD COLUMN provider TEXT;
ALTER TABLE sessions ADD COLUMN id_token TEXT;
CREATE INDEX sessions_client ON sessions (client_id);

CREATE TABLE oauth_codes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code_hash TEXT NOT NULL UNIQUE,
    client_id BIGINT NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    redirect_uri TEXT NOT NULL,
    scopes TEXT NOT NULL,
    -- PKCE (RFC 7636): the S256 challenge; required of public clients.
    code_challenge TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    -- What the code issued: revoked when the code is presented again.
    session_id BIGINT REFERENCES sessions (id) ON DELETE SET NULL
);

CREATE TABLE external_identities (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    provider TEXT NOT NULL CHECK (provider IN ('franceconnect', 'agents')),
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    given_name TEXT,
    family_name TEXT,
    birthdate TEXT,
    linked_at TIMESTAMP NOT NULL,
    UNIQUE (issuer, subject),
    UNIQUE (account_id, provider)
);

CREATE TABLE sign_in_flows (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- SHA-256 of the flow's secret, which only the client that started it holds.
    flow_hash TEXT NOT NULL UNIQUE,
    provider TEXT NOT NULL CHECK (provider IN ('franceconnect', 'agents')),
    purpose TEXT NOT NULL CHECK (purpose IN ('sign_in', 'sign_up', 'link')),
    state TEXT NOT NULL,
    nonce TEXT NOT NULL,
    code_verifier TEXT NOT NULL,
    -- The account a link flow links.
    account_id BIGINT REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    -- A finished sign-up flow keeps the verified identity (JSON) until a sign-up takes it.
    verified_identity TEXT
);

-- A sign-up prefilled from FranceConnect keeps the verified identity (JSON), linked to
-- the account when the sign-up is confirmed.
ALTER TABLE signup_drafts ADD COLUMN verified_identity TEXT;

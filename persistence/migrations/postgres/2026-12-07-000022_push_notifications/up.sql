-- Push notifications: the devices and browsers an account registered, and the outbox
-- of pushes, written with the notification they carry and sent under a lease.
CREATE TABLE push_subscriptions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- The session that registered it: pushes stop when it ends (sign-out, a revoked
    -- app, a password reset), until the app, signed in again, registers anew.
    session_id BIGINT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    channel TEXT NOT NULL CHECK (channel IN ('web_push', 'fcm', 'apns')),
    -- The Web Push endpoint URL, or the FCM or APNs device token.
    address TEXT NOT NULL,
    -- Web Push only: the browser's P-256 public key and auth secret (base64url).
    p256dh TEXT,
    auth TEXT,
    platform TEXT NOT NULL CHECK (platform IN ('web', 'android', 'ios')),
    language TEXT NOT NULL CHECK (language IN ('fr', 'en')),
    label TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_pushed_at TIMESTAMP,
    -- A device registered again (by this account or, signed in anew, another) is one.
    UNIQUE (channel, address)
);
CREATE INDEX push_subscriptions_account ON push_subscriptions (account_id);

CREATE TABLE push_deliveries (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscription_id BIGINT NOT NULL REFERENCES push_subscriptions (id) ON DELETE CASCADE,
    event_id BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    -- JSON: what the device shows and acts on, in the subscription's language.
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    sent_at TIMESTAMP,
    failed_at TIMESTAMP,
    last_error TEXT,
    UNIQUE (subscription_id, event_id)
);
CREATE INDEX push_deliveries_due ON push_deliveries (sent_at, failed_at, next_attempt_at);

ALTER TABLE notification_preferences ADD COLUMN push BOOLEAN NOT NULL DEFAULT TRUE;

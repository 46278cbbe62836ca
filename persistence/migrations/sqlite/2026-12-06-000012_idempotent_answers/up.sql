-- The answer given to a request sent with an Idempotency-Key (a checkout, a payment
-- start): every repeat of the key gets it again, byte for byte, as the IETF
-- Idempotency-Key draft asks. Kept a day (the purge deletes older ones).
CREATE TABLE idempotent_answers (
    id INTEGER PRIMARY KEY NOT NULL,
    -- Whose key it is: 'dossier:<id>'.
    scope TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    -- The request it answered: method and path.
    operation TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (scope, idempotency_key)
);
CREATE INDEX idempotent_answers_created ON idempotent_answers (created_at);

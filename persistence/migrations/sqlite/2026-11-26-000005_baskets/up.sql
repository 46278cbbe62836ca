-- Holiday weeks paid at once: places per group and week, and the families' baskets.
CREATE TABLE week_places (
    group_id INTEGER NOT NULL REFERENCES activity_groups (id) ON DELETE CASCADE,
    week_start DATE NOT NULL,
    -- Held (during a payment) or paid places; moved only by conditional updates.
    taken INTEGER NOT NULL DEFAULT 0 CHECK (taken >= 0),
    PRIMARY KEY (group_id, week_start)
);

CREATE TABLE baskets (
    id INTEGER PRIMARY KEY NOT NULL,
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'held', 'paid', 'failed', 'abandoned', 'expired')),
    total_cents BIGINT NOT NULL DEFAULT 0,
    -- Until when the places of a basket being paid are kept.
    hold_until TIMESTAMP,
    idempotency_key TEXT,
    -- The payment's reference (the sandbox's, later PayFiP's).
    payment_reference TEXT UNIQUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX baskets_one_open ON baskets (dossier_id) WHERE status = 'open';
CREATE UNIQUE INDEX baskets_idempotency ON baskets (dossier_id, idempotency_key);
CREATE INDEX baskets_held ON baskets (status, hold_until);

CREATE TABLE basket_items (
    id INTEGER PRIMARY KEY NOT NULL,
    basket_id INTEGER NOT NULL REFERENCES baskets (id) ON DELETE CASCADE,
    child_id INTEGER NOT NULL REFERENCES children (id) ON DELETE CASCADE,
    activity_id INTEGER NOT NULL REFERENCES activities (id),
    group_id INTEGER NOT NULL REFERENCES activity_groups (id),
    week_start DATE NOT NULL,
    days INTEGER NOT NULL CHECK (days > 0),
    day_price_cents BIGINT NOT NULL CHECK (day_price_cents >= 0),
    amount_cents BIGINT NOT NULL CHECK (amount_cents = days * day_price_cents),
    UNIQUE (basket_id, child_id, activity_id, week_start)
);
CREATE INDEX basket_items_child ON basket_items (child_id, activity_id, week_start);

-- Children waiting for a full holiday week; when a place frees, the first one is
-- offered it (a basket held for them until `offer_until`, with a payment link).
CREATE TABLE week_waitlist (
    id INTEGER PRIMARY KEY NOT NULL,
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    child_id INTEGER NOT NULL REFERENCES children (id) ON DELETE CASCADE,
    activity_id INTEGER NOT NULL REFERENCES activities (id),
    group_id INTEGER NOT NULL REFERENCES activity_groups (id),
    week_start DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('waiting', 'offered', 'taken', 'lapsed')),
    basket_id INTEGER REFERENCES baskets (id) ON DELETE SET NULL,
    offer_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX week_waitlist_one_live
    ON week_waitlist (child_id, activity_id, week_start)
    WHERE status IN ('waiting', 'offered');
CREATE INDEX week_waitlist_line ON week_waitlist (group_id, week_start, status, id);

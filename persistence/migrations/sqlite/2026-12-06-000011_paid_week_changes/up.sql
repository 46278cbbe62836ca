-- A paid holiday week can be cancelled or swapped until its change deadline. A
-- cancelled week stays in its basket, marked; its amount becomes an account credit.
-- A basket holds a child's week once while it stands: a cancelled one does not stop
-- a swap back to that week (SQLite changes a constraint by rebuilding the table;
-- no table refers to this one yet).
CREATE TABLE basket_items_new (
    id INTEGER PRIMARY KEY NOT NULL,
    basket_id INTEGER NOT NULL REFERENCES baskets (id) ON DELETE CASCADE,
    child_id INTEGER NOT NULL REFERENCES children (id) ON DELETE CASCADE,
    activity_id INTEGER NOT NULL REFERENCES activities (id),
    group_id INTEGER NOT NULL REFERENCES activity_groups (id),
    week_start DATE NOT NULL,
    days INTEGER NOT NULL CHECK (days > 0),
    day_price_cents BIGINT NOT NULL CHECK (day_price_cents >= 0),
    amount_cents BIGINT NOT NULL CHECK (amount_cents = days * day_price_cents),
    cancelled_at TIMESTAMP
);
INSERT INTO basket_items_new
    (id, basket_id, child_id, activity_id, group_id, week_start, days, day_price_cents, amount_cents)
SELECT id, basket_id, child_id, activity_id, group_id, week_start, days, day_price_cents, amount_cents
FROM basket_items;
DROP TABLE basket_items;
ALTER TABLE basket_items_new RENAME TO basket_items;
CREATE UNIQUE INDEX basket_items_live
    ON basket_items (basket_id, child_id, activity_id, week_start) WHERE cancelled_at IS NULL;
CREATE INDEX basket_items_child ON basket_items (child_id, activity_id, week_start);

-- What of a basket's total the family's account credits paid (the card pays the rest).
ALTER TABLE baskets ADD COLUMN credit_cents BIGINT NOT NULL DEFAULT 0;

-- An account credit ("avoir") of a dossier, not tied to an invoice: what a cancelled
-- or cheaper swapped week gave back. Numbered with the credit notes (AV). The next
-- invoices and basket checkouts use what remains, oldest credit first.
CREATE TABLE account_credits (
    id INTEGER PRIMARY KEY NOT NULL,
    number TEXT NOT NULL UNIQUE,
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    basket_item_id INTEGER REFERENCES basket_items (id) ON DELETE SET NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    remaining_cents BIGINT NOT NULL CHECK (remaining_cents >= 0 AND remaining_cents <= amount_cents),
    reason TEXT NOT NULL,
    issued_at TIMESTAMP NOT NULL
);
CREATE INDEX account_credits_dossier ON account_credits (dossier_id, id);

-- What used an account credit: an invoice (its credited amount) or a basket (what the
-- card did not pay). A basket that gives its places back gives its uses back.
CREATE TABLE credit_uses (
    id INTEGER PRIMARY KEY NOT NULL,
    credit_id INTEGER NOT NULL REFERENCES account_credits (id) ON DELETE CASCADE,
    invoice_id INTEGER REFERENCES invoices (id) ON DELETE CASCADE,
    basket_id INTEGER REFERENCES baskets (id) ON DELETE CASCADE,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    used_at TIMESTAMP NOT NULL,
    CHECK ((invoice_id IS NULL) <> (basket_id IS NULL))
);
CREATE INDEX credit_uses_credit ON credit_uses (credit_id);
CREATE INDEX credit_uses_invoice ON credit_uses (invoice_id);
CREATE INDEX credit_uses_basket ON credit_uses (basket_id);

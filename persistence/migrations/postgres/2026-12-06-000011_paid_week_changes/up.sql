-- A paid holiday week can be cancelled or swapped until its change deadline. A
-- cancelled week stays in its basket, marked; its amount becomes an account credit.
-- A basket holds a child's week once while it stands: a cancelled one does not stop
-- a swap back to that week.
ALTER TABLE basket_items ADD COLUMN cancelled_at TIMESTAMP;
DO $$
DECLARE unique_name TEXT;
BEGIN
    SELECT conname INTO unique_name FROM pg_constraint
    WHERE conrelid = 'basket_items'::regclass AND contype = 'u';
    EXECUTE format('ALTER TABLE basket_items DROP CONSTRAINT %I', unique_name);
END $$;
CREATE UNIQUE INDEX basket_items_live
    ON basket_items (basket_id, child_id, activity_id, week_start) WHERE cancelled_at IS NULL;

-- What of a basket's total the family's account credits paid (the card pays the rest).
ALTER TABLE baskets ADD COLUMN credit_cents BIGINT NOT NULL DEFAULT 0;

-- An account credit ("avoir") of a dossier, not tied to an invoice: what a cancelled
-- or cheaper swapped week gave back. Numbered with the credit notes (AV). The next
-- invoices and basket checkouts use what remains, oldest credit first.
CREATE TABLE account_credits (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    basket_item_id BIGINT REFERENCES basket_items (id) ON DELETE SET NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    remaining_cents BIGINT NOT NULL CHECK (remaining_cents >= 0 AND remaining_cents <= amount_cents),
    reason TEXT NOT NULL,
    issued_at TIMESTAMP NOT NULL
);
CREATE INDEX account_credits_dossier ON account_credits (dossier_id, id);

-- What used an account credit: an invoice (its credited amount) or a basket (what the
-- card did not pay). A basket that gives its places back gives its uses back.
CREATE TABLE credit_uses (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    credit_id BIGINT NOT NULL REFERENCES account_credits (id) ON DELETE CASCADE,
    invoice_id BIGINT REFERENCES invoices (id) ON DELETE CASCADE,
    basket_id BIGINT REFERENCES baskets (id) ON DELETE CASCADE,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    used_at TIMESTAMP NOT NULL,
    CHECK ((invoice_id IS NULL) <> (basket_id IS NULL))
);
CREATE INDEX credit_uses_credit ON credit_uses (credit_id);
CREATE INDEX credit_uses_invoice ON credit_uses (invoice_id);
CREATE INDEX credit_uses_basket ON credit_uses (basket_id);

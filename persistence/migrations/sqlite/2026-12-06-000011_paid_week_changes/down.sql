DROP TABLE credit_uses;
DROP TABLE account_credits;
ALTER TABLE baskets DROP COLUMN credit_cents;
DELETE FROM basket_items WHERE cancelled_at IS NOT NULL;
CREATE TABLE basket_items_old (
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
INSERT INTO basket_items_old
SELECT id, basket_id, child_id, activity_id, group_id, week_start, days, day_price_cents, amount_cents
FROM basket_items;
DROP TABLE basket_items;
ALTER TABLE basket_items_old RENAME TO basket_items;
CREATE INDEX basket_items_child ON basket_items (child_id, activity_id, week_start);

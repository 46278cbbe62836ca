DROP TABLE credit_uses;
DROP TABLE account_credits;
ALTER TABLE baskets DROP COLUMN credit_cents;
DELETE FROM basket_items WHERE cancelled_at IS NOT NULL;
DROP INDEX basket_items_live;
ALTER TABLE basket_items ADD UNIQUE (basket_id, child_id, activity_id, week_start);
ALTER TABLE basket_items DROP COLUMN cancelled_at;

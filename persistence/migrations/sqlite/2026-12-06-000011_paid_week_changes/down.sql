DROP TABLE credit_uses;
DROP TABLE account_credits;
ALTER TABLE baskets DROP COLUMN credit_cents;
ALTER TABLE basket_items DROP COLUMN cancelled_at;

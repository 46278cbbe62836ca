ALTER TABLE notification_preferences DROP COLUMN push;
DROP TABLE push_deliveries;
DROP TABLE push_subscriptions;

DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
DROP TABLE notification_preferences;
DROP TABLE notifications;
DROP TABLE events;
DROP TABLE news_attachments;
DROP TABLE news_items;

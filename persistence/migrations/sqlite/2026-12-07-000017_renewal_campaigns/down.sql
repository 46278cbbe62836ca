DROP TABLE renewals;
DROP TABLE renewal_campaigns;

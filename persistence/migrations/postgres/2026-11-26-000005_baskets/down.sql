DROP TABLE week_waitlist;
DROP TABLE basket_items;
DROP TABLE baskets;
DROP TABLE week_places;

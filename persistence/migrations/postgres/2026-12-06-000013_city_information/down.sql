DROP TABLE info_pages;
ALTER TABLE city_settings DROP COLUMN version;
ALTER TABLE city_settings DROP COLUMN opening_note;
ALTER TABLE city_settings DROP COLUMN opening_hours;

DROP TABLE city_settings;

DROP TABLE quotient_lookups;
ALTER TABLE family_quotients DROP COLUMN reference_month;
ALTER TABLE family_quotients DROP COLUMN provider;
ALTER TABLE family_quotients DROP COLUMN source;
ALTER TABLE city_settings DROP COLUMN lookup_applies_from;
ALTER TABLE city_settings DROP COLUMN top_bracket_from;

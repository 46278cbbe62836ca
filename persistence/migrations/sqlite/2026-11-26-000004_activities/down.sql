DROP TABLE registrations;
DROP TABLE activity_groups;
DROP TABLE activity_units;
DROP TABLE activities;
DROP TABLE activity_kinds;

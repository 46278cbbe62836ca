DROP TABLE registrations;
DROP TABLE group_day_capacities;
DROP TABLE activity_groups;
DROP TABLE activity_units;
DROP TABLE activities;
DROP TABLE activity_kinds;

-- A planning reads the places taken of its groups over a range of days, all units at
-- once: without this index the key (group_id, unit_id, day) made it walk the group's
-- whole year and compare every day.
CREATE INDEX booking_counts_group_day ON booking_counts (group_id, day);

DROP INDEX booking_counts_group_day;

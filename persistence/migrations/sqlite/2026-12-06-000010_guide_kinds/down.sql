UPDATE activities
SET kind_id = (SELECT id FROM activity_kinds WHERE code = 'short_holiday_centre')
WHERE kind_id = (SELECT id FROM activity_kinds WHERE code = 'summer_centre');

DELETE FROM activity_kinds WHERE code = 'summer_centre';

UPDATE activity_kinds
SET code = 'holiday_centre', label = 'Accueil de loisirs vacances'
WHERE code = 'short_holiday_centre';

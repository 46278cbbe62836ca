-- The guide's table has a column for short holidays and one for summer: the one
-- holiday-centre kind becomes the short-holiday centres, and summer centres get their
-- own kind (booked in the period the city opens). Activities of summer (starting in
-- July or August) move to it.
UPDATE activity_kinds
SET code = 'short_holiday_centre', label = 'Accueil de loisirs petites vacances'
WHERE code = 'holiday_centre';

INSERT INTO activity_kinds (code, label)
SELECT 'summer_centre', 'Accueil de loisirs grandes vacances'
WHERE NOT EXISTS (SELECT 1 FROM activity_kinds WHERE code = 'summer_centre');

UPDATE activities
SET kind_id = (SELECT id FROM activity_kinds WHERE code = 'summer_centre')
WHERE kind_id = (SELECT id FROM activity_kinds WHERE code = 'short_holiday_centre')
  AND strftime('%m', starts_on) IN ('07', '08');

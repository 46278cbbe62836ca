-- A family picked at random, as bench/planning.lua rotates over them.
\set n random(1, :families)
SELECT child, dossier, account, session FROM bench_families WHERE n = :n \gset
-- The same reads folded into one statement, each part aggregated to JSON by the
-- server: the fewest round trips a planning read could make.
SELECT a.id, a.role, a.status, a.dossier_id,
 EXISTS (SELECT 1 FROM legal_documents ld WHERE NOT EXISTS (SELECT 1 FROM legal_documents n WHERE n.kind = ld.kind AND (n.published_at > ld.published_at OR (n.published_at = ld.published_at AND n.id > ld.id))) AND NOT EXISTS (SELECT 1 FROM consents WHERE consents.document_id = ld.id AND consents.account_id = :account)) AS consent_missing,
 (SELECT row_to_json(ch) FROM (SELECT id, dossier_id, first_name, last_name, birth_date, school, school_level, diet, version, created_at, updated_at FROM children WHERE id = :child AND dossier_id = a.dossier_id) ch) AS child,
 (SELECT json_agg(r) FROM (SELECT r.id, r.activity_id, r.child_id, r.group_id, r.entry_date, EXISTS (SELECT 1 FROM registrations s WHERE s.dossier_id = r.dossier_id AND s.activity_id = r.activity_id AND s.child_id <> r.child_id AND s.status IN ('requested', 'accepted', 'waitlisted')) AS sibling FROM registrations r WHERE r.dossier_id = a.dossier_id AND r.status = 'accepted' AND r.child_id = :child) r) AS registrations,
 (SELECT json_agg(json_build_array(b.unit_id, b.day, b.status)) FROM bookings b WHERE b.child_id = :child AND b.day BETWEEN :from::date AND :to::date) AS bookings,
 (SELECT json_agg(json_build_array(p.child_id, p.unit_id, p.day, p.action)) FROM planning_changes p WHERE p.dossier_id = a.dossier_id) AS draft,
 (SELECT json_agg(json_build_array(g.group_id, g.day, g.capacity)) FROM group_day_capacities g WHERE g.group_id IN (SELECT group_id FROM registrations WHERE dossier_id = a.dossier_id AND status = 'accepted') AND g.day BETWEEN :from::date AND :to::date) AS capacities,
 (SELECT json_agg(json_build_array(k.group_id, k.unit_id, k.day, k.taken)) FROM booking_counts k WHERE k.group_id IN (SELECT group_id FROM registrations WHERE dossier_id = a.dossier_id AND status = 'accepted') AND k.day BETWEEN :from::date AND :to::date) AS taken,
 (SELECT json_agg(json_build_array(q.id, q.quotient, q.valid_from, q.valid_until) ORDER BY q.valid_from DESC, q.id DESC) FROM family_quotients q WHERE q.dossier_id = a.dossier_id) AS quotients
FROM sessions se JOIN accounts a ON se.account_id = a.id
WHERE se.id = :session AND se.account_id = :account AND se.revoked_at IS NULL AND se.expires_at > now()::timestamp AND a.status = 'active';

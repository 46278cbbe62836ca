DROP INDEX documents_expiry;
DROP INDEX documents_dossier;
CREATE INDEX documents_dossier ON documents (dossier_id);
ALTER TABLE documents DROP COLUMN reviewed_at;
ALTER TABLE documents DROP COLUMN reviewed_by;
ALTER TABLE documents DROP COLUMN review_reason;
ALTER TABLE documents DROP COLUMN valid_until;
ALTER TABLE documents DROP COLUMN issued_on;
ALTER TABLE documents DROP COLUMN status;
DELETE FROM documents WHERE kind IN ('school_insurance', 'vaccination_record', 'care_plan');
ALTER TABLE documents DROP CONSTRAINT documents_kind_check;
ALTER TABLE documents ADD CONSTRAINT documents_kind_check CHECK (kind IN ('health_form',
    'income_proof', 'address_proof', 'invoice', 'certificate', 'other'));
DROP TABLE document_requirements;

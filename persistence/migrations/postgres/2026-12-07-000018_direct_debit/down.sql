DROP TABLE direct_debits;
DROP TABLE debit_collections;
DROP TABLE mandates;
DROP TABLE direct_debit_settings;
ALTER TABLE payments DROP COLUMN reversed_on;
ALTER TABLE payments DROP COLUMN reversal_reason;
DELETE FROM documents WHERE kind = 'direct_debit_mandate';
ALTER TABLE documents DROP CONSTRAINT documents_kind_check;
ALTER TABLE documents ADD CONSTRAINT documents_kind_check CHECK (kind IN ('health_form',
    'income_proof', 'address_proof', 'invoice', 'certificate', 'other', 'school_insurance',
    'vaccination_record', 'care_plan'));

DROP TABLE payments;
DROP TABLE online_payments;
DROP TABLE credit_notes;
DROP TABLE invoice_lines;
DROP TABLE invoices;
DROP TABLE billing_runs;
DROP TABLE document_numbers;
ALTER TABLE activities DROP COLUMN unbooked_surcharge_percent;

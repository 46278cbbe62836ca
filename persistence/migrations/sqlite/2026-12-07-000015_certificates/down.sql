DROP TABLE certificate_runs;
DROP TABLE issued_certificates;

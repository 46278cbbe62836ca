-- A family picked at random, as bench/planning.lua rotates over them.
\set n random(1, :families)
SELECT child, dossier, account, session FROM bench_families WHERE n = :n \gset

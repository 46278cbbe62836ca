#!/usr/bin/env bash
# How many month plannings PostgreSQL itself can serve on this machine, with no API
# server at all: pgbench (a C client that costs next to nothing) replays the planning's
# reads against the database bench/planning.sh seeded, ten clients as the server's
# pool. Whatever the API does, it cannot answer faster than its database answers it.
#
#   bench/pg_ceiling/pick.sql             picking the family alone (the runs below include it)
#   bench/pg_ceiling/six_statements.sql   the six statements a planning read runs today
#   bench/pg_ceiling/one_statement.sql    the same reads folded into one statement
#
# Usage: KEEP=1 bench/planning.sh postgres, then bench/planning_pg_ceiling.sh.
# Environment: DB (ef_planning), CLIENTS (10), DURATION (seconds, 10), DATE (the month shown;
# default the 15 October of the current school year, as bench/planning.sh).
set -euo pipefail
cd "$(dirname "$0")/pg_ceiling"
DB=${DB:-ef_planning}
CLIENTS=${CLIENTS:-10}
DURATION=${DURATION:-10}
psql_db() { psql -h 127.0.0.1 -U postgres -d "$DB" -v ON_ERROR_STOP=1 -qAt "$@"; }
command -v pgbench >/dev/null || { echo "pgbench is missing (package postgresql-client)" >&2; exit 1; }
year=$(date +%Y); [ "$(date +%-m)" -lt 9 ] && year=$((year - 1))
day=${DATE:-$year-10-15}
from=$(date -d "$day" +%Y-%m-01)
to=$(date -d "$from +1 month -1 day" +%Y-%m-%d)

# Each seeded child with its family's dossier, account and open session.
psql_db <<'SQL'
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_families;
CREATE UNLOGGED TABLE bench_families AS
  SELECT row_number() OVER (ORDER BY c.id) AS n, c.id AS child, c.dossier_id AS dossier,
         a.id AS account, s.id AS session
  FROM children c JOIN dossiers d ON d.id = c.dossier_id AND d.number LIKE 'PL%'
  JOIN accounts a ON a.dossier_id = d.id JOIN sessions s ON s.account_id = a.id;
ALTER TABLE bench_families ADD PRIMARY KEY (n);
ANALYZE bench_families;
SQL
families=$(psql_db -c "SELECT count(*) FROM bench_families")
[ "$families" -gt 0 ] || { echo "no seeded family in $DB: run KEEP=1 bench/planning.sh postgres first" >&2; exit 1; }
echo "$families children, month $from..$to, $CLIENTS clients, ${DURATION}s each"
tps() { # script: transactions per second
  pgbench -h 127.0.0.1 -U postgres -n -M prepared -c "$CLIENTS" -j 2 -T "$DURATION" \
      -D families="$families" -D from="$from" -D to="$to" -f "$1.sql" "$DB" 2>&1 \
    | awk '/^tps/ {printf "%.0f", $3}'
}
pick=$(tps pick)
echo "picking a family alone: $pick/s"
for script in six_statements one_statement; do
  measured=$(tps "$script")
  # Less the time the pick takes: what the planning's reads alone would allow.
  printf 'CEILING %-15s %6s plannings/s (%s without the pick)\n' "$script" "$measured" \
    "$(awk -v m="$measured" -v p="$pick" 'BEGIN { printf "%.0f", 1 / (1 / m - 1 / p) }')"
done
psql_db -c "DROP TABLE bench_families"

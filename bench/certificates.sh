#!/usr/bin/env bash
# The year's certificates of childcare costs (issue 22) on the release build: the
# billing benchmark's city (bench/billing_seed.py: 10,000 dossiers of two nursery
# children with every open day of MONTH booked at the canteen and morning care),
# MONTH billed through the API, then every invoice paid by cheque on PAID_ON (even
# dossiers in full, odd ones half: a partly paid invoice counts in proportion). Then
# POST /api/v1/admin/certificate-runs for the year, timed until the run reports
# `completed`: one PDF per dossier rendered, stored and filed among its documents.
# Target: under 60 s on SQLite and PostgreSQL.
#
# Usage: bench/certificates.sh [sqlite|postgres] (default: both).
# Environment: FAMILIES (10000), MONTH (2026-11), PAID_ON (2026-12-01), BUILD=0 to
# reuse the binary, BIN=path, KEEP=1 to keep the work directory, RUST_LOG (warn),
# CARGO_TARGET_DIR. Needs python3, curl, and for postgres psql and a server on
# 127.0.0.1:5432 (user postgres, trust).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BIN:-}" ] && [ "${BUILD:-1}" != 0 ]; then
  cargo build --release --locked -p api --bin espace-familles >/dev/null
fi
BIN=${BIN:-${CARGO_TARGET_DIR:-$(pwd)/target}/release/espace-familles}
[ -x "$BIN" ] || { echo "no binary at $BIN" >&2; exit 1; }
WORK=$(mktemp -d)
PORT=18098
BASE="http://127.0.0.1:$PORT"
SECRET="certificate-bench-secret-certificate-bench-0123"
FAMILIES=${FAMILIES:-10000}
MONTH=${MONTH:-2026-11}
PAID_ON=${PAID_ON:-2026-12-01}
YEAR=${PAID_ON%%-*}
PID=
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

start() { # database_url log
  env DATABASE_URL="$1" BIND_ADDR="127.0.0.1:$PORT" JWT_SECRET="$SECRET" MAIL_DIR="$WORK/mail" \
    STORAGE_DIR="$WORK/files" RUST_LOG="${RUST_LOG:-warn}" SEED_DEMO_FILES=false \
    "$BIN" >> "$2" 2>&1 &
  PID=$!
  for _ in $(seq 1 150); do curl -fsS "$BASE/health/ready" >/dev/null 2>&1 && return; sleep 0.2; done
  echo "the server did not start:" >&2; cat "$2" >&2; exit 1
}

agent_token() {
  curl -fsS -H 'Content-Type: application/json' \
    -d '{"login": "agent.demo", "password": "Agent-Villejuif-2026!"}' "$BASE/api/v1/auth/login" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["accessToken"])'
}

wait_for() { # token path → polls until the run is no longer running; prints its JSON
  while true; do
    curl -fsS -o "$WORK/poll.json" -H "Authorization: Bearer $1" "$BASE$2"
    grep -q '"status":"running"' "$WORK/poll.json" || { cat "$WORK/poll.json"; return 0; }
    sleep 0.05
  done
}

start_run() { # token path body → the run's id
  curl -fsS -H "Authorization: Bearer $1" -H 'Content-Type: application/json' -d "$3" "$BASE$2" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])'
}

run() { # backend database_url
  local backend=$1 url=$2 log="$WORK/server-$1.log"
  echo "== $backend"
  start "$url" "$log"
  python3 bench/billing_seed.py seed "$url" "$SECRET" "$BASE" "$FAMILIES" "$MONTH"
  local token id t0 t1
  token=$(agent_token)
  id=$(start_run "$token" /api/v1/admin/billing-runs "{\"month\": \"$MONTH\"}")
  wait_for "$token" "/api/v1/admin/billing-runs/$id" >/dev/null
  python3 - "$url" "$PAID_ON" <<'PY'
import sys
sys.path.insert(0, "bench")
from planning_seed import NOW, sql
url, paid_on = sys.argv[1], sys.argv[2]
sql(url, f"""
INSERT INTO payments (dossier_id, invoice_id, method, amount_cents, reference, received_on, created_at)
  SELECT dossier_id, id, 'cheque', CASE WHEN dossier_id % 2 = 0 THEN total_cents ELSE total_cents / 2 END,
         'BENCH', '{paid_on}', '{NOW}' FROM invoices;
UPDATE invoices SET paid_cents = CASE WHEN dossier_id % 2 = 0 THEN total_cents ELSE total_cents / 2 END;
""")
(count,), = sql(url, "", "SELECT count(*) FROM payments")
print(f"{count} invoices paid on {paid_on}")
PY
  t0=$(date +%s.%N)
  id=$(start_run "$token" /api/v1/admin/certificate-runs "{\"year\": $YEAR}")
  wait_for "$token" "/api/v1/admin/certificate-runs/$id" > "$WORK/run.json"
  t1=$(date +%s.%N)
  python3 - "$WORK/run.json" "$backend" "$(echo "$t1 - $t0" | bc -l)" "$url" <<'PY'
import json, sys
sys.path.insert(0, "bench")
from planning_seed import sql
run, backend, seconds, url = json.load(open(sys.argv[1])), sys.argv[2], float(sys.argv[3]), sys.argv[4]
(documents,), = sql(url, "", "SELECT count(*) FROM documents WHERE kind = 'certificate'")
(total,), = sql(url, "", "SELECT sum(total_cents) FROM issued_certificates")
print(f"RESULT {backend}: {run['status']}, {run['issued']}/{run['total']} certificates "
      f"({documents} filed, {int(total) / 100:,.2f} EUR certified) in {seconds:.1f} s; "
      f"target (under 60 s): {'met' if seconds < 60 and run['status'] == 'completed' else 'NOT met'}")
PY
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
}

for backend in ${1:-sqlite postgres}; do
  case $backend in
    sqlite) run sqlite "sqlite://$WORK/certificates.db" ;;
    postgres)
      psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS ef_certificates" -c "CREATE DATABASE ef_certificates"
      run postgres "postgres://postgres@127.0.0.1:5432/ef_certificates?sslmode=disable"
      [ "${KEEP:-0}" = 1 ] || psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE ef_certificates" ;;
    *) echo "unknown backend $backend (sqlite or postgres)" >&2; exit 2 ;;
  esac
done

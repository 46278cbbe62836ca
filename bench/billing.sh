#!/usr/bin/env bash
# A month's billing run (issue 7) on the release build: the demo seed, then 10,000
# dossiers of two nursery children (20,000 children) with every open day of March 2027
# booked at the canteen (Monday to Friday) and morning care (Monday, Tuesday, Thursday,
# Friday) and two days of attendance per child (bench/billing_seed.py). Then:
#   1. a clean run: POST /api/v1/admin/billing-runs, timed until the run reports
#      `completed`; its invoices and lines are dumped;
#   2. the invoices, runs and numbers deleted, the same run again, the server killed
#      (SIGKILL) once half the dossiers are billed, restarted, and the month run again
#      once the dead run's lease ran out: the dump must equal the clean run's.
# Target: under 15 s per run, on SQLite and PostgreSQL.
#
# Usage: bench/billing.sh [sqlite|postgres] (default: both).
# Environment: FAMILIES (10000), MONTH (2027-03), BUILD=0 to reuse the binary, BIN=path
# to run another binary, KEEP=1 to keep the work directory and the PostgreSQL database
# ef_billing, RUST_LOG (warn), CARGO_TARGET_DIR. Needs python3, curl, and for postgres
# psql and a server on 127.0.0.1:5432 (user postgres, trust).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BIN:-}" ] && [ "${BUILD:-1}" != 0 ]; then
  cargo build --release --locked -p api --bin espace-familles >/dev/null
fi
BIN=${BIN:-${CARGO_TARGET_DIR:-$(pwd)/target}/release/espace-familles}
[ -x "$BIN" ] || { echo "no binary at $BIN" >&2; exit 1; }
WORK=$(mktemp -d)
PORT=18097
BASE="http://127.0.0.1:$PORT"
SECRET="billing-bench-secret-billing-bench-secret-0123456"
FAMILIES=${FAMILIES:-10000}
MONTH=${MONTH:-2027-03}
LEASE=10
PID=
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
status=0

start() { # database_url log
  env DATABASE_URL="$1" BIND_ADDR="127.0.0.1:$PORT" JWT_SECRET="$SECRET" MAIL_DIR="$WORK/mail" \
    STORAGE_DIR="$WORK/files" RUST_LOG="${RUST_LOG:-warn}" BILLING_LEASE_SECONDS=$LEASE SEED_DEMO_FILES=false \
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

field() { # json-file field
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

post_run() { # token → writes $WORK/run.json, prints the HTTP status
  curl -sS -o "$WORK/run.json" -w '%{http_code}' -H "Authorization: Bearer $1" \
    -H 'Content-Type: application/json' -d "{\"month\": \"$MONTH\"}" "$BASE/api/v1/admin/billing-runs"
}

num() { # json-file field → an integer field, read without starting python (polls are tight)
  grep -o "\"$2\":[0-9]*" "$1" | cut -d: -f2
}

poll() { # token id [stop-at-dossiers] → waits for the end (or for that many dossiers done)
  local stop=${3:-0}
  while true; do
    curl -fsS -o "$WORK/poll.json" -H "Authorization: Bearer $1" "$BASE/api/v1/admin/billing-runs/$2"
    grep -q '"status":"running"' "$WORK/poll.json" || return 0
    if [ "$stop" -gt 0 ] && [ "$(num "$WORK/poll.json" dossiersDone)" -ge "$stop" ]; then return 0; fi
    sleep 0.01
  done
}

timed_run() { # token label → a run from start to end
  local t0 t1 code id
  t0=$(date +%s.%N)
  code=$(post_run "$1")
  [ "$code" = 202 ] || { echo "POST billing-runs: $code" >&2; cat "$WORK/run.json" >&2; exit 1; }
  id=$(field "$WORK/run.json" id)
  poll "$1" "$id"
  t1=$(date +%s.%N)
  python3 - "$WORK/poll.json" "$2" "$(echo "$t1 - $t0" | bc -l)" <<'PY'
import json, sys
run, label, seconds = json.load(open(sys.argv[1])), sys.argv[2], float(sys.argv[3])
print(f"RUN {label}: {run['status']}, {run['dossiersDone']}/{run['dossiersTotal']} dossiers, "
      f"{run['invoicesCreated']} invoices, {run['totalCents'] / 100:,.2f} EUR in {seconds:.1f} s")
sys.exit(0 if run["status"] == "completed" else 1)
PY
  echo "$t0 $t1" > "$WORK/last-time"
}

run() { # backend database_url
  local backend=$1 url=$2 log="$WORK/server-$1.log"
  echo "== $backend"
  start "$url" "$log"
  python3 bench/billing_seed.py seed "$url" "$SECRET" "$BASE" "$FAMILIES" "$MONTH"
  local token; token=$(agent_token)

  timed_run "$token" "clean"
  local clean; clean=$(awk '{print $2 - $1}' "$WORK/last-time")
  python3 bench/billing_seed.py dump "$url" "$WORK/clean-$backend.txt"

  python3 bench/billing_seed.py reset "$url"
  local code id total
  code=$(post_run "$token")
  [ "$code" = 202 ] || { echo "POST billing-runs: $code" >&2; exit 1; }
  id=$(field "$WORK/run.json" id)
  total=$((FAMILIES / 2))
  poll "$token" "$id" "$total"
  kill -9 "$PID"; wait "$PID" 2>/dev/null || true
  local done; done=$(num "$WORK/poll.json" dossiersDone)
  echo "killed the server with $done of $(num "$WORK/poll.json" dossiersTotal) dossiers billed"
  if ! grep -q '"status":"running"' "$WORK/poll.json"; then
    echo "the run ended before the kill: no crash was injected" >&2; exit 1
  fi
  start "$url" "$log"
  token=$(agent_token)
  code=$(post_run "$token")
  echo "POST billing-runs while the dead run's lease holds: $code (run $(field "$WORK/run.json" id), $(field "$WORK/run.json" status))"
  [ "$code" = 200 ] || { echo "expected the dead run, still holding its lease" >&2; exit 1; }
  sleep $((LEASE + 1))
  timed_run "$token" "after the crash"
  local resumed; resumed=$(awk '{print $2 - $1}' "$WORK/last-time")
  python3 bench/billing_seed.py dump "$url" "$WORK/crash-$backend.txt"
  local same="identical"
  if ! cmp -s "$WORK/clean-$backend.txt" "$WORK/crash-$backend.txt"; then
    same="DIFFERENT"; status=1
    diff "$WORK/clean-$backend.txt" "$WORK/crash-$backend.txt" | head -5
  fi
  printf 'RESULT %-9s clean run %5.1f s, rerun after the crash %5.1f s, invoices after the crash: %s to the clean run'"'"'s\n' \
    "$backend" "$clean" "$resumed" "$same"
  awk -v c="$clean" 'BEGIN { print "target (a run under 15 s): " (c < 15 ? "met" : "NOT met") }'
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
}

for backend in ${1:-sqlite postgres}; do
  case $backend in
    sqlite) run sqlite "sqlite://$WORK/billing.db" ;;
    postgres)
      psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS ef_billing" -c "CREATE DATABASE ef_billing"
      run postgres "postgres://postgres@127.0.0.1:5432/ef_billing?sslmode=disable"
      [ "${KEEP:-0}" = 1 ] || psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE ef_billing" ;;
    *) echo "unknown backend $backend (sqlite or postgres)" >&2; exit 2 ;;
  esac
done
exit $status

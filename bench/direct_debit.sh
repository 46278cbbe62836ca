#!/usr/bin/env bash
# The collection file of 10,000 debits (issue 23) on the release build: the billing
# benchmark's city (bench/billing_seed.py: 10,000 dossiers of two nursery children with
# every open day of MONTH booked at the canteen and morning care), each dossier given
# an active paper mandate straight in the database, MONTH billed through the API (each
# invoice scheduled for debit on its due date and its family told), then
# POST /api/v1/admin/direct-debit-collections for that date, timed: every debit read
# with its mandate and invoice, the pain.008 file written, hashed and stored, each
# debit marked. The file's count and control sum are checked against the database.
# Target: under 5 s.
#
# Usage: bench/direct_debit.sh [sqlite|postgres] (default: both).
# Environment: FAMILIES (10000), MONTH (2026-11), BUILD=0 to reuse the binary,
# BIN=path, KEEP=1 to keep the work directory, RUST_LOG (warn), CARGO_TARGET_DIR.
# Needs python3, curl, and for postgres psql and a server on 127.0.0.1:5432 (user
# postgres, trust).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BIN:-}" ] && [ "${BUILD:-1}" != 0 ]; then
  cargo build --release --locked -p api --bin espace-familles >/dev/null
fi
BIN=${BIN:-${CARGO_TARGET_DIR:-$(pwd)/target}/release/espace-familles}
[ -x "$BIN" ] || { echo "no binary at $BIN" >&2; exit 1; }
WORK=$(mktemp -d)
PORT=18099
BASE="http://127.0.0.1:$PORT"
SECRET="direct-debit-bench-secret-direct-debit-bench-01"
FAMILIES=${FAMILIES:-10000}
MONTH=${MONTH:-2026-11}
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

run() { # backend database_url
  local backend=$1 url=$2 log="$WORK/server-$1.log"
  echo "== $backend"
  start "$url" "$log"
  python3 bench/billing_seed.py seed "$url" "$SECRET" "$BASE" "$FAMILIES" "$MONTH"
  python3 - "$url" <<'PY'
import sys
sys.path.insert(0, "bench")
from planning_seed import NOW, sql
url = sys.argv[1]
sql(url, f"""
INSERT INTO mandates (dossier_id, reference, creditor_id, status, channel, holder_name, iban, bic,
    signed_on, signed_at_place, consecutive_rejections, created_at, updated_at)
  SELECT id, 'EF-' || number || '-' || id, 'FR72ZZZ123456', 'active', 'paper', 'Famille ' || name,
         'FR7630006000011234567890189', NULL, '2026-10-01', 'Villejuif', 0, '{NOW}', '{NOW}'
  FROM dossiers;
""")
(count,), = sql(url, "", "SELECT count(*) FROM mandates")
print(f"{count} active mandates")
PY
  local token id date t0 t1
  token=$(agent_token)
  id=$(curl -fsS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"month\": \"$MONTH\"}" "$BASE/api/v1/admin/billing-runs" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
  while curl -fsS -H "Authorization: Bearer $token" "$BASE/api/v1/admin/billing-runs/$id" | grep -q '"status":"running"'; do
    sleep 0.1
  done
  date=$(python3 - "$url" <<'PY'
import sys
sys.path.insert(0, "bench")
from planning_seed import sql
(date, count), = sql(sys.argv[1], "", "SELECT min(collection_date), count(*) FROM direct_debits")
print(date)
PY
)
  t0=$(date +%s.%N)
  curl -fsS -o "$WORK/collection.json" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"collectionDate\": \"$date\"}" "$BASE/api/v1/admin/direct-debit-collections"
  t1=$(date +%s.%N)
  local file_url
  file_url=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["fileUrl"])' "$WORK/collection.json")
  curl -fsS -o "$WORK/collection.xml" -H "Authorization: Bearer $token" "$BASE$file_url"
  python3 - "$WORK/collection.json" "$WORK/collection.xml" "$backend" "$(echo "$t1 - $t0" | bc -l)" "$url" <<'PY'
import hashlib, json, re, sys
sys.path.insert(0, "bench")
from planning_seed import sql
view, xml = json.load(open(sys.argv[1])), open(sys.argv[2], "rb").read()
backend, seconds, url = sys.argv[3], float(sys.argv[4]), sys.argv[5]
(collecting, cents), = sql(url, "", "SELECT count(*), sum(amount_cents) FROM direct_debits WHERE status = 'collecting'")
header = re.search(rb"<GrpHdr>.*?<NbOfTxs>(\d+)</NbOfTxs><CtrlSum>([\d.]+)</CtrlSum>", xml)
in_file, control = int(header.group(1)), header.group(2).decode()
ok = (in_file == int(collecting) == view["debitCount"] and control == f"{int(cents) // 100}.{int(cents) % 100:02d}"
      and hashlib.sha256(xml).hexdigest() == view["sha256"])
print(f"RESULT {backend}: {view['debitCount']} debits, {control} EUR, {len(xml) / 1e6:.1f} MB file "
      f"({'checked' if ok else 'MISMATCH'} against the database) in {seconds:.2f} s; "
      f"target (under 5 s): {'met' if seconds < 5 and ok else 'NOT met'}")
PY
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
}

for backend in ${1:-sqlite postgres}; do
  case $backend in
    sqlite) run sqlite "sqlite://$WORK/direct-debit.db" ;;
    postgres)
      psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS ef_direct_debit" -c "CREATE DATABASE ef_direct_debit"
      run postgres "postgres://postgres@127.0.0.1:5432/ef_direct_debit?sslmode=disable"
      [ "${KEEP:-0}" = 1 ] || psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE ef_direct_debit" ;;
    *) echo "unknown backend $backend (sqlite or postgres)" >&2; exit 2 ;;
  esac
done

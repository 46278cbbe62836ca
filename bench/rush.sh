#!/usr/bin/env bash
# The registration rush (issue 5): 2,000 families register at the same moment for
# 100 places. PostgreSQL: two API instances on one database; SQLite: one instance.
# Checks: exactly 100 accepted, the rest waitlisted, no 5xx, all answered within
# 3 s. Usage: bench/rush.sh [sqlite|postgres] [FAMILIES] [PLACES].
# Environment: BIN=path to run that binary instead of building this checkout's.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked -p api --bin espace-familles >/dev/null
fi
BIN=${BIN:-$(pwd)/target/release/espace-familles}
WORK=$(mktemp -d)
SECRET="rush-bench-secret-rush-bench-secret-0123456789"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
case ${1:-sqlite} in
  sqlite) URL="sqlite://$WORK/bench.db"; PORTS=(18093) ;;
  postgres)
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS ef_rush" -c "CREATE DATABASE ef_rush"
    URL="postgres://postgres@127.0.0.1:5432/ef_rush"; PORTS=(18093 18094) ;;
esac
BASES=()
for port in "${PORTS[@]}"; do
  DATABASE_URL="$URL" MAIL_DIR="$WORK/mail" STORAGE_DIR="$WORK/files" BIND_ADDR="127.0.0.1:$port" \
    JWT_SECRET="$SECRET" DATABASE_POOL_SIZE=${POOL:-8} RUST_LOG=warn "$BIN" > "$WORK/server-$port.log" 2>&1 &
  for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done
  BASES+=("http://127.0.0.1:$port")
done
python3 bench/rush.py "$URL" "$SECRET" "${2:-2000}" "${3:-100}" "${BASES[@]}"

#!/usr/bin/env bash
# Logins per second with argon2id at the OWASP parameters, and the latency of
# /health/ready while 32 logins run at once, on the release build.
# Usage: bench/login.sh [sqlite|postgres] (default: sqlite). Needs wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p api --bin espace-familles >/dev/null
BIN=$(pwd)/target/release/espace-familles
WORK=$(mktemp -d)
PORT=18091
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
case ${1:-sqlite} in
  sqlite) URL="sqlite://$WORK/bench.db" ;;
  postgres)
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS ef_bench" -c "CREATE DATABASE ef_bench"
    URL="postgres://postgres@127.0.0.1:5432/ef_bench" ;;
esac
DATABASE_URL="$URL" MAIL_DIR="$WORK/mail" BIND_ADDR="127.0.0.1:$PORT" RUST_LOG=warn "$BIN" > "$WORK/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done

echo "== logins alone (wrk -t1 -c32 -d10s)"
wrk -t1 -c32 -d10s --latency -s bench/login.lua "http://127.0.0.1:$PORT/api/v1/auth/login" \
  | grep -E "Requests/sec|99%|Non-2xx"
echo "== /health/ready alone (wrk -t1 -c4 -d10s)"
wrk -t1 -c4 -d10s --latency "http://127.0.0.1:$PORT/health/ready" | grep -E "Requests/sec|99%|Non-2xx"
echo "== /health/ready while 32 logins run (both for 10 s)"
wrk -t1 -c32 -d12s -s bench/login.lua "http://127.0.0.1:$PORT/api/v1/auth/login" > "$WORK/logins.txt" &
logins=$!
( while kill -0 $pid 2>/dev/null; do ps -o rss= -p $pid; sleep 0.5; done ) > "$WORK/rss" &
sleep 1
wrk -t1 -c4 -d10s --latency "http://127.0.0.1:$PORT/health/ready" | grep -E "Requests/sec|Latency|99%|Non-2xx"
wait $logins
echo "-- the logins meanwhile:"; grep -E "Requests/sec|Non-2xx" "$WORK/logins.txt" || true
echo "peak RSS: $(( $(sort -n "$WORK/rss" | tail -1) / 1024 )) MB"

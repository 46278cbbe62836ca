#!/usr/bin/env bash
# Throughput, p99 latency and resident memory of the health probes under wrk, on the
# release build. Usage: bench/health.sh [sqlite|postgres] (default: both).
# Needs wrk (apt-get install wrk) and, for postgres, a server on 127.0.0.1:5432.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p api --bin espace-familles >/dev/null
BIN=$(pwd)/target/release/espace-familles
WORK=$(mktemp -d)
PORT=18090
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

run() { # backend url path
  local backend=$1 url=$2 path=$3
  DATABASE_URL="$url" BIND_ADDR="127.0.0.1:$PORT" "$BIN" > "$WORK/server.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done
  wrk -t2 -c64 -d3s "http://127.0.0.1:$PORT$path" >/dev/null # warm-up
  local peak=0
  ( while kill -0 $pid 2>/dev/null; do ps -o rss= -p $pid; sleep 0.5; done ) > "$WORK/rss" &
  local sampler=$!
  local out
  out=$(wrk -t2 -c64 -d10s --latency "http://127.0.0.1:$PORT$path")
  kill $sampler 2>/dev/null || true
  peak=$(sort -n "$WORK/rss" | tail -1)
  printf '%-9s %-14s %10s req/s   p99 %8s   peak RSS %6.1f MB\n' "$backend" "$path" \
    "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
    "$(echo "$out" | awk '$1 == "99%" {print $2}')" \
    "$(echo "$peak / 1024" | bc -l)"
  echo "$out" | grep -E "Non-2xx|Socket errors" || true
  kill $pid; wait $pid 2>/dev/null || true
}

backends=${1:-sqlite postgres}
for backend in $backends; do
  case $backend in
    sqlite) url="sqlite://$WORK/bench.db" ;;
    postgres)
      psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS ef_bench" -c "CREATE DATABASE ef_bench"
      url="postgres://postgres@127.0.0.1:5432/ef_bench" ;;
  esac
  [ "$backend" = sqlite ] && run "$backend" "$url" /health/live
  run "$backend" "$url" /health/ready
done

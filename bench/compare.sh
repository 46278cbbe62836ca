#!/usr/bin/env bash
# Two builds of the server, run alternately on the same paths (SQLite, the demo data),
# so that a change's cost is measured against the machine's speed of the moment, not
# against an old figure. Each round starts each binary on a fresh database, warms it up,
# then runs `wrk -t2 -c64 -d10s --latency` on each path, and reports the server's own
# CPU time per request (from /proc: less sensitive than req/s to wrk sharing the cores).
#
# Usage: bench/compare.sh BEFORE_BINARY AFTER_BINARY [ROUNDS] [PATH...]
# (default: 3 rounds of /health/live and /api/v1/city). Needs wrk and curl.
set -euo pipefail
BEFORE=$1
AFTER=$2
ROUNDS=${3:-3}
shift $(( $# < 3 ? $# : 3 ))
PATHS=("$@")
[ ${#PATHS[@]} -gt 0 ] || PATHS=(/health/live /api/v1/city)
PORT=18097
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

cpu_ticks() { # pid: its CPU time so far (user + system), in clock ticks
  awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

run() { # label binary
  local label=$1 bin=$2
  rm -rf "$WORK/data"
  DATABASE_URL="sqlite://$WORK/data/bench.db" MAIL_DIR="$WORK/data/mail" STORAGE_DIR="$WORK/data/files" \
    BIND_ADDR="127.0.0.1:$PORT" RUST_LOG=warn "$bin" > "$WORK/server.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/health/ready" > /dev/null 2>&1 && break; sleep 0.2; done
  for path in "${PATHS[@]}"; do
    wrk -t2 -c64 -d3s "http://127.0.0.1:$PORT$path" > /dev/null # warm-up
    local out ticks
    ticks=$(cpu_ticks $pid)
    out=$(wrk -t2 -c64 -d10s --latency "http://127.0.0.1:$PORT$path")
    ticks=$(( $(cpu_ticks $pid) - ticks ))
    local requests
    requests=$(echo "$out" | awk '/requests in/ {print $1}')
    printf '%-7s %-16s %10s req/s   p50 %8s   p99 %8s   server CPU %6.1f us/request\n' "$label" "$path" \
      "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
      "$(echo "$out" | awk '$1 == "50%" {print $2}')" \
      "$(echo "$out" | awk '$1 == "99%" {print $2}')" \
      "$(echo "$ticks * 1000000 / $(getconf CLK_TCK) / $requests" | bc -l)"
    echo "$out" | grep -E "Non-2xx|Socket errors" || true
  done
  kill $pid; wait $pid 2>/dev/null || true
}

for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round"
  run before "$BEFORE"
  run after "$AFTER"
done

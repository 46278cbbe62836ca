#!/usr/bin/env bash
# The month planning of a child (issue 6) under load: the release build on a fresh
# database with the demo seed, 10,000 children in 5,000 dossiers, each with the
# nursery canteen and morning care and a school year of bookings (about 2.8 M rows),
# then `wrk -t2 -c64 -d10s --latency` on
# GET /api/v1/children/{id}/planning?period=month&date=YYYY-10-15, each request for
# the next child with its family's token. Target: 5,000 requests/s, p99 under 25 ms.
#
# Usage: bench/planning.sh [sqlite|postgres] (default: both).
# Environment: PLANNING_ENCODING=br|gzip asks compressed answers (Accept-Encoding);
# ENCODINGS="identity br gzip" measures each in turn, RUNS (1) times over, on one
# seeded database (compare them alternately in one session); FAMILIES (5000 dossiers of 2 children), POOL (DATABASE_POOL_SIZE; the
# server's default is 10), RUST_LOG (warn), BUILD=0 to reuse the binary already built,
# BIN=path to run that binary instead, KEEP=1 to keep the SQLite file and the
# (child, token) pairs, and the PostgreSQL database ef_planning (dropped otherwise),
# CARGO_TARGET_DIR (where cargo builds). Needs wrk, python3, curl, bc, and for
# postgres psql and a server on 127.0.0.1:5432 (user postgres, trust).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BIN:-}" ] && [ "${BUILD:-1}" != 0 ]; then
  cargo build --release --locked -p api --bin espace-familles >/dev/null
fi
BIN=${BIN:-${CARGO_TARGET_DIR:-$(pwd)/target}/release/espace-familles}
[ -x "$BIN" ] || { echo "no binary at $BIN" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
WORK=$(mktemp -d)
PORT=18095
BASE="http://127.0.0.1:$PORT"
SECRET="planning-bench-secret-planning-bench-secret-0123"
FAMILIES=${FAMILIES:-5000}
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
status=0

cpu_ticks() { # pids...: their CPU time so far (user + system), in clock ticks
  local total=0 pid
  for pid in "$@"; do
    # Fields 14 and 15 of /proc/PID/stat, counted after the ")" ending the name.
    total=$((total + $(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

to_ms() { # a wrk duration (850.00us, 4.12ms, 1.02s) in milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.2f", n }'
}

measure() { # backend server_pid coding: one 10 s wrk run, its figures
  local backend=$1 pid=$2 coding=$3
  export PLANNING_ENCODING=${coding#identity}
  # The process's own memory (RssAnon) apart from the database file SQLite maps
  # (RssFile: page cache shared with the kernel, counted once per connection's map).
  ( while kill -0 $pid 2>/dev/null; do
      awk '/^RssAnon/ {a = $2} /^RssFile/ {f = $2} END {print a, f}' /proc/$pid/status
      sleep 0.5
    done ) > "$WORK/rss" &
  local sampler=$!
  local out
  # CPU spent per request by the server and by PostgreSQL's processes (none on SQLite):
  # two cores give 400 us per request at 5,000 requests/s, wrk's own share included.
  local pg_pids; pg_pids=$(pgrep -x postgres || true)
  local server_before pg_before
  server_before=$(cpu_ticks "$pid"); pg_before=$(cpu_ticks $pg_pids)
  out=$(wrk -t2 -c64 -d10s --latency -s bench/planning.lua "$BASE")
  kill $sampler 2>/dev/null || true
  local server_ticks=$(( $(cpu_ticks "$pid") - server_before ))
  local pg_ticks=$(( $(cpu_ticks $pg_pids) - pg_before ))
  local peak rps p50 p99 non2xx
  local peak_file
  peak=$(sort -n "$WORK/rss" | tail -1 | cut -d' ' -f1)
  peak_file=$(sort -n -k2 "$WORK/rss" | tail -1 | cut -d' ' -f2)
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  echo "$out" | sed -n '/Thread Stats/,/requests in/p'
  if echo "$out" | grep -E "Non-2xx|Socket errors"; then status=1; fi
  printf 'RESULT %-9s %-8s %10s req/s   p50 %7s ms   p99 %7s ms   peak memory %6.1f MB (+ %.0f MB mapped file)' \
    "$backend" "$coding" "$rps" "$(to_ms "$p50")" "$(to_ms "$p99")" "$(echo "$peak / 1024" | bc -l)" \
    "$(echo "$peak_file / 1024" | bc -l)"
  if [ -n "$non2xx" ]; then echo "   NON-2XX: $non2xx"; else echo "   all 2xx"; fi
  local transfer
  transfer=$(echo "$out" | awk '/Transfer\/sec/ { v = $2; n = v + 0; if (v ~ /KB$/) n *= 1024;
    else if (v ~ /MB$/) n *= 1048576; else if (v ~ /GB$/) n *= 1073741824; print n }')
  awk -v t="$transfer" -v r="$rps" 'BEGIN { printf "bytes per answer on the wire, headers included: %.0f\n", t / r }'
  local requests hz
  requests=$(echo "$out" | awk '/requests in/ {print $1}'); hz=$(getconf CLK_TCK)
  awk -v s="$server_ticks" -v p="$pg_ticks" -v n="$requests" -v hz="$hz" \
    'BEGIN { printf "CPU per request: server %.0f us, PostgreSQL %.0f us\n", s / hz / n * 1e6, p / hz / n * 1e6 }'
  local met
  met=$(awk -v r="$rps" -v p="$(to_ms "$p99")" 'BEGIN { print (r >= 5000 && p < 25) ? "met" : "NOT met" }')
  echo "target (>= 5,000 req/s, p99 < 25 ms): $met"
}

run() { # backend database_url
  local backend=$1 url=$2
  echo "== $backend"
  env DATABASE_URL="$url" BIND_ADDR="127.0.0.1:$PORT" JWT_SECRET="$SECRET" MAIL_DIR="$WORK/mail" \
    STORAGE_DIR="$WORK/files" RUST_LOG="${RUST_LOG:-warn}" ${POOL:+DATABASE_POOL_SIZE=$POOL} \
    "$BIN" > "$WORK/server-$backend.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 150); do curl -fsS "$BASE/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done
  if ! curl -fsS "$BASE/health/ready" >/dev/null 2>&1; then
    echo "the server did not start:" >&2; cat "$WORK/server-$backend.log" >&2; exit 1
  fi
  local pairs="$WORK/pairs-$backend.txt"
  python3 bench/planning_seed.py "$url" "$SECRET" "$BASE" "$FAMILIES" "$pairs"
  # The 15 October of the demo's school year (it starts on the 1 September before today).
  local year; year=$(date +%Y); [ "$(date +%-m)" -lt 9 ] && year=$((year - 1))
  local date="$year-10-15"

  # One request by hand first: a 200 listing the booked days of the month.
  local child token
  read -r child token < "$pairs"
  local path="/api/v1/children/$child/planning?period=month&date=$date"
  local code
  code=$(curl -sS -o "$WORK/one.json" -w '%{http_code}' -H "Authorization: Bearer $token" "$BASE$path")
  echo "GET $path: $code, $(wc -c < "$WORK/one.json") bytes"
  local coding
  for coding in br gzip; do
    echo "  with Accept-Encoding: $coding, $(curl -sS -o /dev/null -w '%{size_download}' \
      -H "Accept-Encoding: $coding" -H "Authorization: Bearer $token" "$BASE$path") bytes on the wire"
  done
  if [ "$code" != 200 ]; then cat "$WORK/one.json" >&2; echo >&2; exit 1; fi
  python3 - "$WORK/one.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
booked = 0
for c in p["children"]:
    for a in c["activities"]:
        days = [d["date"] for d in a["days"] if d["booking"] == "booked"]
        booked += len(days)
        print(f"  {c['firstName']} {p['from']}..{p['to']}, {a['activityName']}: {len(a['days'])} days listed, "
              f"{len(days)} booked ({days[0] if days else '-'}..{days[-1] if days else '-'}), {a['costCents'] / 100:.2f} EUR")
    print(f"  the child's cost of the month: {c['costCents'] / 100:.2f} EUR")
sys.exit(0 if booked else "no booked day in the month: the seeding went wrong")
PY

  export PLANNING_PAIRS="$pairs" PLANNING_DATE="$date"
  wrk -t2 -c64 -d3s -s bench/planning.lua "$BASE" >/dev/null # warm-up
  local round coding
  for round in $(seq 1 "${RUNS:-1}"); do
    for coding in ${ENCODINGS:-${PLANNING_ENCODING:-identity}}; do
      measure "$backend" "$pid" "$coding"
    done
  done
  kill $pid; wait $pid 2>/dev/null || true
}

for backend in ${1:-sqlite postgres}; do
  case $backend in
    sqlite) run sqlite "sqlite://$WORK/planning.db" ;;
    postgres)
      psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS ef_planning" -c "CREATE DATABASE ef_planning"
      # Loopback: no TLS (libpq's default `prefer` would negotiate it on 127.0.0.1).
      # PG_SOCKET=1: through PostgreSQL's Unix socket instead, as a server sharing the
      # database's machine would.
      if [ "${PG_SOCKET:-0}" = 1 ]; then
        run postgres "postgres://postgres@%2Fvar%2Frun%2Fpostgresql/ef_planning"
      else
        run postgres "postgres://postgres@127.0.0.1:5432/ef_planning?sslmode=disable"
      fi
      # About 700 MB: dropped unless KEEP=1.
      [ "${KEEP:-0}" = 1 ] || psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE ef_planning" ;;
    *) echo "unknown backend $backend (sqlite or postgres)" >&2; exit 2 ;;
  esac
done
exit $status

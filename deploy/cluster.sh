# Sourced by deploy/rolling-restart.sh and bench/soak.sh: builds the release binary,
# then starts two instances on a fresh PostgreSQL database ef_deploy (the demo city,
# FAMILIES dossiers of two children with a school year of bookings), signs the demo
# agent in (AGENT: a token valid 4 hours), and starts haproxy with deploy/haproxy.cfg
# in front of them (FRONT). Defines start N, wait_status NAME STATUS, and a cleanup
# on exit that stops everything and drops the database (KEEP=1 keeps it).
# PostgreSQL runs with autovacuum, as in production: where the server has it off (this
# machine's CI configuration), it is turned on for the run and back off at the end.
# Environment: FAMILIES (500), DRAIN (SHUTDOWN_DRAIN_SECS, 5), ENV1 and ENV2 (more
# variables for instance 1 or 2, e.g. ENV1=MALLOC_ARENA_MAX=2), BUILD=0, BIN, KEEP,
# RUST_LOG (warn), CARGO_TARGET_DIR. Needs haproxy, python3, curl, bc, psql and
# PostgreSQL on 127.0.0.1:5432 (user postgres, trust).
if [ -z "${BIN:-}" ] && [ "${BUILD:-1}" != 0 ]; then
  cargo build --release --locked -p api --bin espace-familles >/dev/null
fi
BIN=${BIN:-${CARGO_TARGET_DIR:-$(pwd)/target}/release/espace-familles}
[ -x "$BIN" ] || { echo "no binary at $BIN" >&2; exit 1; }
command -v haproxy >/dev/null || { echo "haproxy is missing: apt-get install -y haproxy" >&2; exit 1; }
FAMILIES=${FAMILIES:-500}
DRAIN=${DRAIN:-5}
WORK=$(mktemp -d)
DB=ef_deploy
URL="postgres://postgres@127.0.0.1:5432/$DB"
SECRET="deploy-bench-secret-deploy-bench-secret-0123456"
METRICS_TOKEN="deploy-bench-metrics-token-0123456789abcdef"
export FRONT_BIND=127.0.0.1:18180 API1=127.0.0.1:18181 API2=127.0.0.1:18182 STATS_BIND=127.0.0.1:18183
FRONT="http://$FRONT_BIND"
declare -A PID ADDR=([1]=$API1 [2]=$API2) ENV=([1]="${ENV1:-}" [2]="${ENV2:-}")
AUTOVACUUM=$(psql -h 127.0.0.1 -U postgres -Atc "SHOW autovacuum")
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  wait 2>/dev/null || true
  if [ "$AUTOVACUUM" = off ]; then
    psql -h 127.0.0.1 -U postgres -qc "ALTER SYSTEM RESET autovacuum" -c "SELECT pg_reload_conf()" >/dev/null || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK and the database $DB"; else
    rm -rf "$WORK"; psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
if [ "$AUTOVACUUM" = off ]; then
  echo "autovacuum is off on this server: on for the run, as in production"
  psql -h 127.0.0.1 -U postgres -qc "ALTER SYSTEM SET autovacuum = on" -c "SELECT pg_reload_conf()" >/dev/null
fi
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"

start() { # N: starts instance N and waits until it is ready
  DATABASE_URL="$URL" BIND_ADDR="${ADDR[$1]}" JWT_SECRET="$SECRET" STORAGE_URL=database: \
    MAIL_DIR="$WORK/mail" ACCESS_TOKEN_MINUTES=240 BILLING_LEASE_SECONDS=10 TRUST_PROXY_HEADERS=true \
    SHUTDOWN_DRAIN_SECS="$DRAIN" METRICS_TOKEN="$METRICS_TOKEN" SEED_DEMO_FILES=false RUST_LOG=${RUST_LOG:-warn} \
    env ${ENV[$1]} "$BIN" >> "$WORK/api$1.log" 2>&1 &
  PID[$1]=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://${ADDR[$1]}/health/ready" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "instance $1 did not start:" >&2; tail -20 "$WORK/api$1.log" >&2; exit 1
}
server_status() { # NAME: its status in haproxy (UP, DOWN, ...)
  curl -fsS "http://$STATS_BIND/stats;csv" 2>/dev/null | awk -F, -v s="$1" '$1 == "instances" && $2 == s { print $18 }'
}
wait_status() { # NAME STATUS
  for _ in $(seq 1 300); do
    [ "$(server_status "$1")" = "$2" ] && return 0
    sleep 0.1
  done
  echo "haproxy never saw $1 $2" >&2; exit 1
}
log() { printf '%6.1fs  %s\n' "$(echo "$(date +%s.%N) - $T0" | bc)" "$*"; }

start 1   # alone first: it migrates and seeds the demo city
start 2
python3 bench/planning_seed.py "$URL" "$SECRET" "http://$API1" "$FAMILIES" "$WORK/pairs" | tail -1
AGENT=$(curl -fsS -H 'Content-Type: application/json' \
  -d '{"login":"agent.demo","password":"Agent-Villejuif-2026!"}' "http://$API1/api/v1/auth/login" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["accessToken"])')
haproxy -f deploy/haproxy.cfg -db > "$WORK/haproxy.log" 2>&1 &
wait_status api1 UP
wait_status api2 UP


#!/usr/bin/env bash
# Two instances on one PostgreSQL behind haproxy (deploy/haproxy.cfg), under steady
# mixed load (bench/mixed_load.py: family plannings and bookings, agents' lists, a
# billing run after another), restarted in turn ROUNDS times: SIGTERM, wait for the
# process to exit, start it again, wait until haproxy has it back in rotation, 15 s of
# load, then the other one. Reports requests served and failed (the load generator
# never retries) and retried (haproxy's retries and redispatches, its only way to hide
# a failure). Exits 1 unless no request failed.
#
# Usage: deploy/rolling-restart.sh
# Environment: ROUNDS (2), LOAD_WORKERS (16), and those of deploy/cluster.sh, which
# sets the instances up (FAMILIES, DRAIN, BUILD=0, BIN, KEEP...).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-2}
. deploy/cluster.sh

T0=$(date +%s.%N)
python3 bench/mixed_load.py "$FRONT" "$WORK/pairs" "$AGENT" 3600 --interval 10 \
  --workers "${LOAD_WORKERS:-16}" --months 2027-01,2027-02,2027-03,2027-04,2027-05,2027-06 \
  --billing-pause 12 > "$WORK/load.out" 2> "$WORK/load.err" &
LOAD=$!
sleep 15
for round in $(seq 1 "$ROUNDS"); do
  for n in 1 2; do
    log "round $round: SIGTERM to api$n"
    kill -TERM "${PID[$n]}"
    wait_status "api$n" DOWN
    log "haproxy has api$n down"
    code=0; wait "${PID[$n]}" || code=$?
    log "api$n exited (status $code)"
    [ "$code" = 0 ] || { echo "api$n did not exit cleanly" >&2; tail -20 "$WORK/api$n.log" >&2; exit 1; }
    start "$n"
    log "api$n started again"
    wait_status "api$n" UP
    log "haproxy has api$n up"
    sleep 15
  done
done
kill -TERM "$LOAD"
wait "$LOAD" || true
cat "$WORK/load.out"
sed 's/^/  /' "$WORK/load.err" | head -20
STATS=$(curl -fsS "http://$STATS_BIND/stats;csv")
python3 - "$WORK/load.out" "$STATS" <<'EOF'
import csv, io, json, sys
totals = json.loads(open(sys.argv[1]).read().splitlines()[-1])
rows = list(csv.DictReader(io.StringIO(sys.argv[2].lstrip("# "))))
backend = next(r for r in rows if r["pxname"] == "instances" and r["svname"] == "BACKEND")
servers = [r for r in rows if r["pxname"] == "instances" and r["svname"] not in ("FRONTEND", "BACKEND")]
retried = int(backend["wretr"] or 0) + int(backend["wredis"] or 0)
print(f"served {totals['served']}, failed {totals['failed']}, retried by haproxy {retried} "
      f"(retries {backend['wretr']}, redispatches {backend['wredis']}); "
      f"5xx sent by haproxy {backend['hrsp_5xx']}; billing runs completed {len(totals['billed'])}")
for s in servers:
    print(f"  {s['svname']}: {s['stot']} requests, {s['hrsp_5xx']} 5xx, taken out {s['chkdown']} times, "
          f"down {s['downtime']} s")
sys.exit(0 if totals["failed"] == 0 else 1)
EOF

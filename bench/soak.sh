#!/usr/bin/env bash
# The soak (issue 26): MINUTES (30) of steady mixed traffic (bench/mixed_load.py: family
# plannings and bookings, agents' lists and dossiers, a month's billing run every few
# minutes) on two release instances on one PostgreSQL behind haproxy
# (deploy/cluster.sh). Every minute: requests/s, failed requests, p99 per operation and
# each instance's resident memory. At the end: the totals, each instance's memory growth
# from minute 5 to the last, and the queues (emails, webhook deliveries, payments
# awaiting a re-check) as each instance's /metrics shows them.
# Exits 1 on a failed request or a memory growth of 10 % or more.
#
# Usage: bench/soak.sh
# Environment: MINUTES (30), LOAD_WORKERS (8), and those of deploy/cluster.sh (FAMILIES,
# BUILD=0, BIN, KEEP...).
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${MINUTES:-30}
. deploy/cluster.sh

python3 bench/mixed_load.py "$FRONT" "$WORK/pairs" "$AGENT" $((MINUTES * 60)) --interval 60 \
  --workers "${LOAD_WORKERS:-8}" --billing-pause 120 --pids "${PID[1]},${PID[2]}" \
  --months 2026-09,2026-10,2026-11,2026-12,2027-01,2027-02,2027-03,2027-04,2027-05,2027-06,2027-07 \
  2> "$WORK/load.err" | tee "$WORK/load.out"
sed 's/^/  /' "$WORK/load.err" | head -20
for n in 1 2; do
  echo "api$n queues at the end:"
  curl -fsS -H "Authorization: Bearer $METRICS_TOKEN" "http://${ADDR[$n]}/metrics" \
    | grep -E '^espace_familles_(queue_items|outbox_oldest_pending_age_seconds|db_pool_timeouts_total)' \
    | sed 's/^/  /'
done
python3 - "$WORK/load.out" <<'PY'
import json, re, sys
lines = open(sys.argv[1]).read().splitlines()
totals = json.loads(lines[-1])
memory = [dict(re.findall(r"rss\[(\d+)\]=([\d.]+)MiB", line)) for line in lines if line.startswith("interval ")]
ok = totals["failed"] == 0
print(f"served {totals['served']}, failed {totals['failed']}, billing runs completed {len(totals['billed'])}")
if len(memory) >= 6:
    for pid in memory[4]:
        at5, last = float(memory[4][pid]), float(memory[-1][pid])
        growth = (last - at5) / at5 * 100
        ok &= growth < 10
        print(f"instance {pid}: {at5:.1f} MiB at minute 5, {last:.1f} MiB at minute {len(memory)}: {growth:+.1f} %")
sys.exit(0 if ok else 1)
PY

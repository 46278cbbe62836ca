"""Steady mixed traffic for the rolling restarts (deploy/rolling-restart.sh) and the
soak (bench/soak.sh): families read their month plannings and book or cancel a day
(draft, then validation), agents page through the dossiers and open one, and one
admin runs the billing of a month after another (start, then poll to the end).

Each worker thread holds one keep-alive connection and never retries: a refused
connection, a dropped one or an unexpected status counts as failed, so what the
balancer retried on its side is all that hides a failure (it reports that count).

It runs for SECONDS or until SIGTERM. Every INTERVAL seconds it prints one line: requests/s, failed, p99 per operation, and
the resident memory of each PID given; at the end, the totals as JSON on the last line.

Usage: mixed_load.py BASE_URL PAIRS_FILE AGENT_TOKEN SECONDS [options]
  PAIRS_FILE: "CHILD_ID TOKEN" lines (bench/planning_seed.py)
  --workers N (16)  --interval S (60)  --months 2027-01,2027-02,... (billing runs)
  --billing-pause S (30: between two runs)  --pids PID,PID (memory to report)
"""
import argparse
import http.client
import json
import random
import signal
import sys
import threading
import time
import urllib.parse

PLANNING_MONTHS = ("2027-01-15", "2027-02-15", "2027-03-15", "2027-04-15", "2027-05-15", "2027-06-15")
BOOKING_MONTH = "2027-06-15"  # far enough ahead for every deadline


class Stats:
    """Latencies by interval and operation; totals by operation."""

    def __init__(self):
        self.lock = threading.Lock()
        self.window = {}
        self.totals = {}
        self.failures = []

    def record(self, op, seconds, ok, detail=""):
        with self.lock:
            self.window.setdefault(op, []).append(seconds)
            served, failed = self.totals.get(op, (0, 0))
            self.totals[op] = (served + ok, failed + (not ok))
            if not ok:
                self.window.setdefault("_failed", []).append(1)
                if len(self.failures) < 20:
                    self.failures.append(f"{op}: {detail}")

    def take_window(self):
        with self.lock:
            window, self.window = self.window, {}
        return window


class Client:
    """One keep-alive connection; reopened after the server closes it, and after
    IDLE_SECONDS unused (as browsers do: the balancer closes idle connections after
    10 s, and a request sent on a connection closing under it would be lost)."""

    IDLE_SECONDS = 5

    def __init__(self, base, stats):
        url = urllib.parse.urlsplit(base)
        self.host, self.port = url.hostname, url.port or 80
        self.stats = stats
        self.conn = None
        self.last_used = 0.0

    def call(self, op, method, path, token, body=None, expect=(200,)):
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        if started - self.last_used > self.IDLE_SECONDS:
            self.close()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            payload = response.read()
            if response.getheader("Connection", "").lower() == "close":
                self.close()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            self.stats.record(op, time.perf_counter() - started, False, f"{method} {path}: {error!r}")
            return None
        elapsed = time.perf_counter() - started
        self.last_used = time.perf_counter()
        ok = response.status in expect
        self.stats.record(op, elapsed, ok, f"{method} {path}: {response.status} {payload[:200]!r}")
        if not ok:
            return None
        return json.loads(payload) if payload else {}

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def family_step(client, rng, child, token):
    """A month planning read; one time in four, a day booked or cancelled."""
    if rng.random() < 0.75:
        date = rng.choice(PLANNING_MONTHS)
        client.call("getMyChildPlanning", "GET", f"/api/v1/children/{child}/planning?period=month&date={date}", token)
        return
    planning = client.call("getMyChildPlanning", "GET",
                           f"/api/v1/children/{child}/planning?period=month&date={BOOKING_MONTH}", token)
    if planning is None:
        return
    days = [d for c in planning["children"] for a in c["activities"] for d in a["days"]
            if d["open"] and (d.get("change") or {}).get("allowed")]
    if not days:
        return
    day = rng.choice(days)
    action = "cancel" if day["booking"] == "booked" else "book"
    change = {"childId": child, "unitId": day["unitId"], "date": day["date"], "action": action}
    if client.call("addPlanningDraftChanges", "POST", "/api/v1/planning/draft/changes", token,
                   {"changes": [change]}) is not None:
        client.call("validateMyPlanningDraft", "POST", "/api/v1/planning/draft/validation", token, {})


def agent_step(client, rng, token, pages):
    """A page of the dossiers, then one of its dossiers."""
    listing = client.call("listDossiers", "GET", f"/api/v1/admin/dossiers?page={rng.randint(1, pages)}&pageSize=20", token)
    if listing and listing.get("items"):
        dossier = rng.choice(listing["items"])["id"]
        client.call("getDossier", "GET", f"/api/v1/admin/dossiers/{dossier}", token)


def worker(base, stats, pairs, agent_token, stop, seed):
    rng = random.Random(seed)
    client = Client(base, stats)
    while not stop.is_set():
        if rng.random() < 0.8:
            child, token = rng.choice(pairs)
            family_step(client, rng, child, token)
        else:
            agent_step(client, rng, agent_token, pages=max(1, len(pairs) // 40))
    client.close()


def biller(base, stats, token, months, pause, stop, done):
    """Bills each month in turn; a run its server's stop interrupted is started again."""
    client = Client(base, stats)
    for month in months:
        while not stop.is_set():
            run = client.call("startBillingRun", "POST", "/api/v1/admin/billing-runs", token, {"month": month},
                              expect=(200, 202))
            while run is not None and run["status"] == "running" and not stop.wait(1):
                run = client.call("getBillingRun", "GET", f"/api/v1/admin/billing-runs/{run['id']}", token)
            if run is not None and run["status"] == "completed":
                done.append((month, run["invoicesCreated"]))
                break
            stop.wait(2)
        if stop.wait(pause):
            break
    client.close()


def rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def p99(values):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * 0.99))] * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("pairs")
    parser.add_argument("agent_token")
    parser.add_argument("seconds", type=float)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--interval", type=float, default=60)
    parser.add_argument("--months", default="")
    parser.add_argument("--billing-pause", type=float, default=30)
    parser.add_argument("--pids", default="")
    args = parser.parse_args()
    with open(args.pairs, encoding="ascii") as f:
        pairs = [(int(c), t) for c, t in (line.split() for line in f if line.strip())]
    stats, stop, billed = Stats(), threading.Event(), []
    threads = [threading.Thread(target=worker, args=(args.base, stats, pairs, args.agent_token, stop, i))
               for i in range(args.workers)]
    months = [m for m in args.months.split(",") if m]
    if months:
        threads.append(threading.Thread(target=biller, args=(args.base, stats, args.agent_token, months,
                                                             args.billing_pause, stop, billed)))
    pids = [p for p in args.pids.split(",") if p]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    finish = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: finish.set())
    minute, last = 0, started
    while not finish.is_set() and time.monotonic() - started < args.seconds:
        finish.wait(min(args.interval, max(0.0, args.seconds - (time.monotonic() - started))))
        minute += 1
        now = time.monotonic()
        length, last = max(now - last, 1e-3), now
        window = stats.take_window()
        failed = len(window.pop("_failed", []))
        count = sum(len(v) for v in window.values())
        ops = " ".join(f"{op}={p99(v):.1f}" for op, v in sorted(window.items()))
        memory = " ".join(f"rss[{pid}]={rss_mib(pid) or 0:.1f}MiB" for pid in pids)
        print(f"interval {minute} t={time.monotonic() - started:.0f}s: {count / length:.0f} req/s, "
              f"failed {failed}; p99 ms {ops}; {memory}", flush=True)
    stop.set()
    for thread in threads:
        thread.join()
    served = sum(s for s, _ in stats.totals.values())
    failed = sum(f for _, f in stats.totals.values())
    for failure in stats.failures:
        print(f"failure: {failure}", file=sys.stderr)
    print(json.dumps({"served": served, "failed": failed, "billed": billed,
                      "byOperation": {op: {"served": s, "failed": f} for op, (s, f) in sorted(stats.totals.items())}}))


if __name__ == "__main__":
    main()

"""The registration rush: N families register at once for an activity with few
places, spread over one or more API instances. Families, sessions and tokens are
prepared straight in the database (signing 2,000 people in would measure argon2,
not the rush); the requests are plain HTTP/1.1 over asyncio, one connection each.

Usage: rush.py DATABASE_URL JWT_SECRET FAMILIES PLACES BASE_URL [BASE_URL...]
"""
import asyncio
import base64
import hashlib
import hmac
import json
import sqlite3
import subprocess
import sys
import time
import urllib.request
import uuid

db_url, secret, families, places, bases = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:]
NOW = "2026-01-01 00:00:00"
LATER = "2099-01-01 00:00:00"

POPULATE = f"""
INSERT INTO dossiers (number, name, created_at, updated_at) VALUES {", ".join(f"('R{i:05d}', 'RUSH{i:05d}', '{NOW}', '{NOW}')" for i in range(families))};
INSERT INTO children (dossier_id, first_name, last_name, birth_date, school_level, diet, created_at, updated_at)
  SELECT id, 'Enfant', name, '2019-01-01', 'CP', 'standard', '{NOW}', '{NOW}' FROM dossiers WHERE number LIKE 'R%';
INSERT INTO accounts (role, status, username, username_key, email, email_key, first_name, last_name, dossier_id, created_at, updated_at)
  SELECT 'family', 'active', 'rush.' || number, 'rush.' || lower(number), 'rush.' || number || '@exemple.fr',
         'rush.' || lower(number) || '@exemple.fr', 'Rush', name, id, '{NOW}', '{NOW}' FROM dossiers WHERE number LIKE 'R%';
INSERT INTO consents (account_id, document_id, accepted_at)
  SELECT a.id, d.id, '{NOW}' FROM accounts a, legal_documents d WHERE a.username LIKE 'rush.%';
INSERT INTO sessions (account_id, remember_me, created_at, expires_at)
  SELECT id, FALSE, '{NOW}', '{LATER}' FROM accounts WHERE username LIKE 'rush.%';
"""
READ_BACK = """SELECT a.id, s.id, c.id FROM accounts a JOIN sessions s ON s.account_id = a.id
  JOIN children c ON c.dossier_id = a.dossier_id WHERE a.username LIKE 'rush.%' ORDER BY a.id"""


def sql(script, read=None):
    if db_url.startswith("sqlite://"):
        conn = sqlite3.connect(db_url[len("sqlite://"):], timeout=30)
        conn.executescript(script)
        rows = conn.execute(read).fetchall() if read else []
        conn.commit()
        conn.close()
        return rows
    subprocess.run(["psql", db_url, "-q", "-v", "ON_ERROR_STOP=1"], input=script, text=True, check=True)
    if not read:
        return []
    out = subprocess.run(["psql", db_url, "-At", "-F", ",", "-c", read], check=True, capture_output=True, text=True).stdout
    return [tuple(int(x) for x in line.split(",")) for line in out.splitlines() if line]


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(account, session):
    now = int(time.time())
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = b64(json.dumps({"iss": "espace-familles", "aud": "espace-familles-api", "sub": str(account),
                             "jti": str(uuid.uuid4()), "iat": now, "nbf": now - 5, "exp": now + 3600,
                             "sid": session, "role": "family", "typ": "access"}).encode())
    signature = b64(hmac.new(secret.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest())
    return f"{header}.{claims}.{signature}"


def call(method, url, body=None, bearer=None):
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body else None)
    request.add_header("Content-Type", "application/json")
    if bearer:
        request.add_header("Authorization", f"Bearer {bearer}")
    with urllib.request.urlopen(request) as response:
        return json.load(response)


async def register(base, bearer, child, activity):
    host, port = base.split("//")[1].split(":")
    body = json.dumps({"activityId": activity}).encode()
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write((f"POST /api/v1/children/{child}/registrations HTTP/1.1\r\nHost: {host}\r\n"
                  f"Authorization: Bearer {bearer}\r\nContent-Type: application/json\r\n"
                  f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body)
    await writer.drain()
    response = await reader.read()
    writer.close()
    elapsed = time.perf_counter() - started
    head, _, payload = response.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1])
    state = json.loads(payload).get("status") if status == 201 else None
    return status, state, elapsed


async def rush(tasks):
    return await asyncio.gather(*tasks)


def main():
    sql(POPULATE)
    rows = sql("SELECT 1", READ_BACK)
    agent = call("POST", f"{bases[0]}/api/v1/auth/login", {"login": "agent.demo", "password": "Agent-Villejuif-2026!"})["accessToken"]
    activity = call("POST", f"{bases[0]}/api/v1/admin/activities", {
        "kindId": 3, "name": "Centre de loisirs du mercredi (ouverture des inscriptions)", "startsOn": "2026-09-02",
        "endsOn": "2099-06-30", "levels": ["CP"], "mode": "automatic", "entryRule": "chosen",
        "familyChoosesGroup": False, "siblingRatePercent": None, "cancellable": True,
        "units": [{"name": "Journée", "startsAt": "08:30", "endsAt": "17:30", "weekdays": [3],
                   "prices": [{"maxQuotient": None, "priceCents": 1400}]}],
        "groups": [{"name": "Centre", "capacity": places}]}, agent)["id"]
    work = [(bases[i % len(bases)], token(account, session), child) for i, (account, session, child) in enumerate(rows)]
    started = time.perf_counter()
    results = asyncio.run(rush([register(base, bearer, child, activity) for base, bearer, child in work]))
    wall = time.perf_counter() - started
    statuses = {}
    states = {}
    for status, state, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
        states[state] = states.get(state, 0) + 1
    latencies = sorted(elapsed for _, _, elapsed in results)
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
    taken = call("GET", f"{bases[0]}/api/v1/admin/activities/{activity}", bearer=agent)["groups"][0]["taken"]
    print(f"{len(results)} families, {places} places, {len(bases)} instance(s): statuses {statuses}, outcomes {states}")
    print(f"all answered in {wall:.2f} s ({len(results) / wall:.0f} requests/s); latency p50 {p(0.5):.0f} ms, "
          f"p99 {p(0.99):.0f} ms, max {latencies[-1] * 1000:.0f} ms; places taken in the database: {taken}")
    ok = statuses == {201: len(results)} and states.get("accepted") == places and taken == places and wall < 3
    print("RESULT:", "ok" if ok else "NOT OK")
    sys.exit(0 if ok else 1)


main()

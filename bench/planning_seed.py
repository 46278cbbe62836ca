"""Seeds the month-planning benchmark (issue 6) into a database the demo seed filled:
FAMILIES dossiers of two nursery children each, every child with accepted
registrations to the demo's nursery canteen and morning care, and a school year of
bookings (each open day of both units) with the matching places taken. Accounts,
sessions and consents are written straight in the database and each family's access
token is signed with the instance's JWT_SECRET (10,000 argon2 sign-ins would take
minutes and measure nothing of the planning); the server checks them exactly as it
checks a real one (signature, claims, open session, active account, consents).

Which days are open is asked of the server itself: the full-year planning of one
seeded child, before any booking exists, gives every day each unit runs (school
holidays, public holidays and weekdays as the API computes them).

Writes "CHILD_ID TOKEN" lines (shuffled, fixed seed) to OUT for bench/planning.lua.
bench/billing_seed.py seeds the billing benchmark with the same families and its own
range of days.

Usage: planning_seed.py DATABASE_URL JWT_SECRET BASE_URL FAMILIES OUT
"""
import base64
import hashlib
import hmac
import json
import random
import sqlite3
import subprocess
import sys
import time
import urllib.request
import uuid

NOW = "2026-09-01 00:00:00"
LATER = "2099-01-01 00:00:00"
ACTIVITIES = ("Restauration scolaire maternelle", "Accueil matin maternelle")
NAMES = ", ".join(f"'{name}'" for name in ACTIVITIES)
OURS = "d.number LIKE 'PL%'"

def populate_sql(families):
    return f"""
INSERT INTO dossiers (number, name, created_at, updated_at) VALUES
  {", ".join(f"('PL{i:05d}', 'PLANNING{i:05d}', '{NOW}', '{NOW}')" for i in range(1, families + 1))};
INSERT INTO children (dossier_id, first_name, last_name, birth_date, school_level, diet, created_at, updated_at)
  SELECT id, 'Alix', name, '2022-03-10', 'PS', 'standard', '{NOW}', '{NOW}' FROM dossiers d WHERE {OURS} ORDER BY id;
INSERT INTO children (dossier_id, first_name, last_name, birth_date, school_level, diet, created_at, updated_at)
  SELECT id, 'Sacha', name, '2021-05-20', 'MS', 'standard', '{NOW}', '{NOW}' FROM dossiers d WHERE {OURS} ORDER BY id;
INSERT INTO accounts (role, status, username, username_key, email, email_key, first_name, last_name, dossier_id, created_at, updated_at)
  SELECT 'family', 'active', 'planning.' || number, 'planning.' || lower(number), 'planning.' || number || '@exemple.fr',
         'planning.' || lower(number) || '@exemple.fr', 'Camille', name, id, '{NOW}', '{NOW}' FROM dossiers d WHERE {OURS};
INSERT INTO consents (account_id, document_id, accepted_at)
  SELECT a.id, l.id, '{NOW}' FROM accounts a, legal_documents l WHERE a.username LIKE 'planning.%';
INSERT INTO sessions (account_id, remember_me, created_at, expires_at)
  SELECT id, FALSE, '{NOW}', '{LATER}' FROM accounts WHERE username LIKE 'planning.%';
-- Dossier 18's quotient (850, the current school year) for every family.
INSERT INTO family_quotients (dossier_id, quotient, valid_from, valid_until, created_at)
  SELECT d.id, q.quotient, q.valid_from, q.valid_until, '{NOW}'
  FROM dossiers d, family_quotients q WHERE {OURS} AND q.dossier_id = (SELECT id FROM dossiers WHERE number = '18');
UPDATE activity_groups SET capacity = {2 * families + 2000}
  WHERE activity_id IN (SELECT id FROM activities WHERE name IN ({NAMES}));
INSERT INTO registrations (activity_id, child_id, dossier_id, group_id, status, entry_date, created_at, updated_at)
  SELECT a.id, c.id, c.dossier_id, g.id, 'accepted', a.starts_on, '{NOW}', '{NOW}'
  FROM children c JOIN dossiers d ON d.id = c.dossier_id, activities a
  JOIN activity_groups g ON g.activity_id = a.id
  WHERE {OURS} AND a.name IN ({NAMES}) ORDER BY c.id, a.id;
UPDATE activity_groups SET taken = (SELECT count(*) FROM registrations r
  WHERE r.group_id = activity_groups.id AND r.status = 'accepted')
  WHERE activity_id IN (SELECT id FROM activities WHERE name IN ({NAMES}));
"""


FIRST = """SELECT a.id, s.id, c.id FROM children c JOIN accounts a ON a.dossier_id = c.dossier_id
  JOIN sessions s ON s.account_id = a.id WHERE a.username LIKE 'planning.%' ORDER BY c.id LIMIT 1"""
RANGE = f"SELECT min(starts_on), max(ends_on) FROM activities WHERE name IN ({NAMES})"
PAIRS = """SELECT c.id, a.id, s.id FROM children c JOIN accounts a ON a.dossier_id = c.dossier_id
  JOIN sessions s ON s.account_id = a.id WHERE a.username LIKE 'planning.%' ORDER BY c.id"""
COUNTS = """SELECT (SELECT count(*) FROM children), (SELECT count(*) FROM registrations WHERE status = 'accepted'),
  (SELECT count(*) FROM bookings), (SELECT count(*) FROM booking_counts), (SELECT sum(taken) FROM booking_counts)"""


def bookings_sql(open_days, sqlite):
    values = ", ".join(f"({activity}, {unit}, '{day}')" for activity, unit, day in open_days)
    # PostgreSQL: the foreign keys of these 2.8 M rows hold by construction, so their
    # row-by-row checks (triggers) are skipped for this insert.
    replica = "" if sqlite else "SET session_replication_role = replica;"
    return f"""
{replica}
CREATE TEMP TABLE bench_open_days (activity_id BIGINT NOT NULL, unit_id BIGINT NOT NULL, day DATE NOT NULL);
INSERT INTO bench_open_days (activity_id, unit_id, day) VALUES {values};
-- Each family books its children's year at once (a weekday pattern over the year).
INSERT INTO bookings (child_id, dossier_id, registration_id, unit_id, group_id, day, status, source, created_at, updated_at)
  SELECT r.child_id, r.dossier_id, r.id, o.unit_id, r.group_id, o.day, 'booked', 'family', '{NOW}', '{NOW}'
  FROM registrations r JOIN dossiers d ON d.id = r.dossier_id JOIN bench_open_days o ON o.activity_id = r.activity_id
  WHERE {OURS} AND r.status = 'accepted'
  ORDER BY r.dossier_id, r.child_id, o.day, o.unit_id;
INSERT INTO booking_counts (group_id, unit_id, day, taken)
  SELECT group_id, unit_id, day, count(*) FROM bookings GROUP BY group_id, unit_id, day;
DROP TABLE bench_open_days;
"""


def sql(db_url, script, read=None):
    if db_url.startswith("sqlite://"):
        conn = sqlite3.connect(db_url[len("sqlite://"):], timeout=30, isolation_level=None)
        conn.execute("PRAGMA cache_size = -1000000")
        if script:
            conn.executescript(f"BEGIN;\n{script}\nCOMMIT;")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        rows = conn.execute(read).fetchall() if read else []
        conn.close()
        return rows
    if script:
        subprocess.run(["psql", db_url, "-q", "-v", "ON_ERROR_STOP=1", "-1"], input=script, text=True, check=True)
    if not read:
        return []
    out = subprocess.run(["psql", db_url, "-At", "-F", "|", "-c", read], check=True, capture_output=True, text=True).stdout
    return [tuple(line.split("|")) for line in out.splitlines() if line]


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(secret, account, session):
    now = int(time.time())
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = b64(json.dumps({"iss": "espace-familles", "aud": "espace-familles-api", "sub": str(account),
                             "jti": str(uuid.uuid4()), "iat": now, "nbf": now - 5, "exp": now + 4 * 3600,
                             "sid": int(session), "role": "family", "typ": "access"}).encode())
    signature = b64(hmac.new(secret.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest())
    return f"{header}.{claims}.{signature}"


def get(base, path, bearer):
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {bearer}"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def seed(db_url, secret, base, families, keep_day=lambda day: True):
    """Seeds the families and books every open day `keep_day` accepts; returns the
    (child, token) pairs by child."""
    started = time.perf_counter()
    sql(db_url, populate_sql(families))
    (account, session, child), = sql(db_url, "", FIRST)
    (first, last), = sql(db_url, "", RANGE)
    year = get(base, f"/api/v1/children/{child}/planning?from={first}&to={last}", token(secret, account, session))
    open_days = sorted({(a["activityId"], d["unitId"], d["date"])
                        for c in year["children"] for a in c["activities"] for d in a["days"]
                        if d["open"] and keep_day(d["date"])})
    per_activity = {a["activityName"]: sum(1 for d in a["days"] if d["open"] and keep_day(d["date"]))
                    for a in year["children"][0]["activities"]}
    print(f"open days booked, as the API computes them: {per_activity}")
    populated = time.perf_counter()
    sql(db_url, bookings_sql(open_days, db_url.startswith("sqlite://")))
    if not db_url.startswith("sqlite://"):
        # What autovacuum does shortly after such an insert; done now so that the
        # first runs do not race it.
        subprocess.run(["psql", db_url, "-qc", "VACUUM ANALYZE"], check=True)
    children, registrations, bookings, counts, taken = sql(db_url, "", COUNTS)[0]
    print(f"seeded {families} dossiers in {populated - started:.1f} s, bookings in {time.perf_counter() - populated:.1f} s: "
          f"{children} children, {registrations} accepted registrations, {bookings} bookings, "
          f"{counts} booking_counts rows ({taken} places taken)")
    return [(c, token(secret, a, s)) for c, a, s in sql(db_url, "", PAIRS)]


def main():
    db_url, secret, base, families, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
    pairs = seed(db_url, secret, base, families)
    random.Random(6).shuffle(pairs)
    with open(out, "w", encoding="ascii") as f:
        f.writelines(f"{c} {t}\n" for c, t in pairs)


if __name__ == "__main__":
    main()

"""Seeds the billing benchmark (issue 7) into a database the demo seed filled: the
month-planning benchmark's families (bench/planning_seed.py: FAMILIES dossiers of two
nursery children, each registered to the nursery canteen and morning care, with dossier
18's quotient), the canteen also open on Wednesdays, and every open day of MONTH booked
for both units. Attendance: each child was absent with a justification from the
month's first canteen day (not billed) and absent without one from the second (billed).

With CREDITS=1, each dossier also has a 100 EUR account credit (a cancelled holiday
week's) that its invoice uses: the run's worst case for credits.

With SHARED=10 (a percentage), one child in ten also belongs to the next dossier as its
second household (separated parents, issue 24), in alternating weeks handed over on
Mondays: its days are billed to two invoices.

Usage: billing_seed.py seed DATABASE_URL JWT_SECRET BASE_URL FAMILIES MONTH (YYYY-MM)
       billing_seed.py dump DATABASE_URL OUT   (every invoice line, by invoice number)
       billing_seed.py reset DATABASE_URL      (no invoice, run or number any more)
"""
import os
import sys

from planning_seed import NOW, sql, seed

CANTEEN = "(SELECT u.id FROM activity_units u JOIN activities a ON a.id = u.activity_id WHERE a.name = 'Restauration scolaire maternelle')"


DUMP = """SELECT i.number, i.dossier_id, i.month, i.issued_on, i.due_on, i.total_cents, l.position, l.child_id,
  l.child_name, l.unit_id, l.kind, l.first_day, l.last_day, l.quantity, l.unit_price_cents, l.amount_cents
  FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id ORDER BY i.number, l.position"""
RESET = """DELETE FROM documents WHERE kind = 'invoice'; DELETE FROM invoice_lines; DELETE FROM invoices; DELETE FROM billing_runs; DELETE FROM document_numbers;"""
CREDITS = os.environ.get("CREDITS") == "1"
CREDITS_SEED = f"""INSERT INTO account_credits (number, dossier_id, amount_cents, remaining_cents, reason, issued_at)
  SELECT 'AVB-' || id, id, 10000, 10000, 'Semaine annulée (banc d''essai)', '{NOW}' FROM dossiers;"""
SHARED = int(os.environ.get("SHARED", "0"))
SCHEDULE = ('{"rhythm":{"kind":"alternatingWeeks","referenceWeek":"2026-09-07","reference":"first",'
            '"handover":1},"holidays":null,"exceptions":[]}')


def shared_seed():
    every = max(1, round(100 / SHARED))
    return f"""INSERT INTO child_households (child_id, dossier_id, linked_at)
  SELECT c.id, (SELECT MIN(d.id) FROM dossiers d WHERE d.id > c.dossier_id), '{NOW}' FROM children c
  WHERE c.id % {every} = 0 AND EXISTS (SELECT 1 FROM dossiers d WHERE d.id > c.dossier_id);
INSERT INTO custody_schedules (child_id, valid_from, schedule, set_at)
  SELECT child_id, '2026-09-01', '{SCHEDULE}', '{NOW}' FROM child_households;"""


CREDITS_RESET = """DELETE FROM credit_uses; UPDATE account_credits SET remaining_cents = amount_cents;"""


def dump(db_url, out):
    rows = sql(db_url, "", DUMP)
    with open(out, "w", encoding="utf-8") as f:
        f.writelines("|".join(str(v) for v in row) + "\n" for row in rows)
    print(f"{len(rows)} invoice lines in {len({row[0] for row in rows})} invoices")


def populate(db_url, secret, base, families, month):
    sql(db_url, f"UPDATE activity_units SET weekdays = '1,2,3,4,5' WHERE id = {CANTEEN};")
    seed(db_url, secret, base, families, keep_day=lambda day: day.startswith(month))
    days = [d for (d,) in sql(db_url, "", f"SELECT DISTINCT day FROM bookings WHERE unit_id = {CANTEEN} ORDER BY day")]
    script = "".join(
        f"""INSERT INTO attendances (child_id, unit_id, day, dossier_id, status, recorded_at)
  SELECT child_id, unit_id, day, dossier_id, '{status}', '{NOW}' FROM bookings WHERE unit_id = {CANTEEN} AND day = '{day}';
"""
        for status, day in zip(("absent_justified", "absent_unjustified"), days)
    )
    sql(db_url, script)
    if CREDITS:
        sql(db_url, CREDITS_SEED)
    if SHARED:
        sql(db_url, shared_seed())
        (shared,), = sql(db_url, "", "SELECT count(*) FROM child_households")
        print(f"{shared} children with two households")
    (booked, justified), = sql(db_url, "", "SELECT (SELECT count(*) FROM bookings WHERE status = 'booked'), "
                                          "(SELECT count(*) FROM attendances WHERE status = 'absent_justified')")
    print(f"{booked} booked units in {month}, {justified} absent with a justification: "
          f"{int(booked) - int(justified)} billable")


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "seed":
        populate(args[0], args[1], args[2], int(args[3]), args[4])
    elif command == "dump":
        dump(args[0], args[1])
    elif command == "reset":
        sql(args[0], RESET + (CREDITS_RESET if CREDITS else ""))
    else:
        sys.exit(f"unknown command {command}")

#!/usr/bin/env python3
"""Benchmark: monthly attendance sheets (childcare_attendance).

Targets (issue #4):
- the sheet of one structure with 80 children x 22 open days is computed in < 1 s;
- the sheets of 600 structures for one month (20 children each: 12,000 enrollments, ~264,000
  attendance lines) are created and computed in < 2 min.

Run from the repository root: ``python3 tests/bench/attendance_sheets.py``. It creates a throw-away
database (``cc_att_bench_<pid>``), installs childcare_attendance without demo data, loads the data set
with plain SQL (the set-up is not what is measured), times the ORM method the scheduled action and the
sheet form use (``childcare.attendance.sheet._generate_month``), prints what it measured, drops the
database and ends with one line ``RESULT attendance_sheets <seconds> s target < 120 PASS|FAIL``.
"""

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DB = f"cc_att_bench_{os.getpid()}"
MONTH = date(2025, 9, 1)  # September 2025: 22 weekdays, summer time in Brussels (UTC+2)
STRUCTURES = 600
CHILDREN_PER_STRUCTURE = 20
BIG_STRUCTURE_CHILDREN = 80
TARGET_ONE, TARGET_ALL = 1.0, 120.0


def psql(sql):
    subprocess.run(["psql", "-d", "postgres", "-qtAc", sql], check=True, capture_output=True, text=True)


def install():
    cmd = [
        sys.executable,
        "-m",
        "odoo",
        "-c",
        str(ROOT / "odoo.conf"),
        "-d",
        DB,
        "-i",
        "childcare_attendance",
        "--stop-after-init",
        "--log-level=warn",
        "--http-port",
        "8179",
    ]
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode:
        print(proc.stdout[-3000:], proc.stderr[-3000:])
        raise SystemExit("installation failed")
    print(f"installed childcare_attendance in {DB} in {time.perf_counter() - started:.0f} s", flush=True)


def load_data(env):
    """600 structures of 20 children and one of 80, running enrollments (Mon-Fri, 3 schedule shapes),
    attendance for every weekday of the month: ~5 % absences of every kind, 2 % without check-out.
    Times and reasons are pseudo-random but deterministic (hashes of enrollment and day): every run
    measures the same data set."""
    cr = env.cr
    company = env.ref("base.main_company")
    Structure = env["childcare.structure"]
    big = Structure.create({"name": "Bench 80", "tz": "Europe/Brussels", "company_id": company.id})
    smalls = Structure.create(
        [
            {
                "name": f"Bench {n:03d}",
                "tz": "Europe/Brussels",
                "company_id": company.id,
                "attendance_billing_mode": "contracted" if n % 2 else "attended",
                "attendance_rounding": "half" if n % 3 else "quarter",
                "attendance_holiday_days": n % 5,
            }
            for n in range(STRUCTURES)
        ]
    )
    env.flush_all()
    slots = [(big.id, BIG_STRUCTURE_CHILDREN)] + [(s.id, CHILDREN_PER_STRUCTURE) for s in smalls]
    cr.execute("CREATE TEMP TABLE bench_slot (structure_id int, n int)")
    cr.execute("INSERT INTO bench_slot VALUES " + ",".join(f"({s},{n})" for s, n in slots))
    cr.execute("""
        CREATE TEMP TABLE bench_child AS
        SELECT s.structure_id, g.i AS rank, nextval('childcare_child_id_seq') AS child_id
          FROM bench_slot s, generate_series(1, s.n) g(i)
    """)
    cr.execute(
        """
        INSERT INTO childcare_child (id, company_id, name, first_name, last_name, birthdate, active,
                                     school_level, create_uid, write_uid, create_date, write_date)
        SELECT child_id, %(company)s, 'Child ' || child_id, 'Child', 'B' || child_id,
               DATE '2023-01-01' + (child_id %% 700)::int, true, 'creche', 1, 1, now(), now()
          FROM bench_child
    """,
        {"company": company.id},
    )
    cr.execute("""
        INSERT INTO childcare_child_structure_rel (child_id, structure_id)
        SELECT child_id, structure_id FROM bench_child
    """)
    cr.execute(
        """
        INSERT INTO childcare_enrollment (child_id, structure_id, company_id, name, state, date_start,
                                          hours_per_week, create_uid, write_uid, create_date, write_date)
        SELECT child_id, structure_id, %(company)s, 'BENCH/' || child_id, 'running', DATE '2025-01-06',
               CASE rank %% 3 WHEN 0 THEN 45 WHEN 1 THEN 36 ELSE 40 END, 1, 1, now(), now()
          FROM bench_child
    """,
        {"company": company.id},
    )
    # schedule: 08:00-17:00 every weekday, or 08:00-17:00 four days, or 08:30-16:30 every weekday
    cr.execute("""
        INSERT INTO childcare_enrollment_schedule (enrollment_id, company_id, weekday, hour_from, hour_to, hours,
                                                   create_uid, write_uid, create_date, write_date)
        SELECT e.id, e.company_id, d::varchar,
               CASE WHEN e.hours_per_week = 40 THEN 8.5 ELSE 8 END,
               CASE WHEN e.hours_per_week = 40 THEN 16.5 ELSE 17 END,
               CASE WHEN e.hours_per_week = 40 THEN 8 ELSE 9 END, 1, 1, now(), now()
          FROM childcare_enrollment e, generate_series(0, 4) d
         WHERE e.name LIKE 'BENCH/%%' AND NOT (e.hours_per_week = 36 AND d = 2)
    """)
    cr.execute(
        """
        INSERT INTO childcare_attendance (child_id, structure_id, enrollment_id, company_id, date, absence_reason,
                                          check_in, check_out, attended_hours, is_missing_check_out,
                                          entered_by_id, create_uid, write_uid, create_date, write_date)
        SELECT e.child_id, e.structure_id, e.id, e.company_id, day, reason,
               CASE WHEN reason = 'none' THEN day + interval '6 hours' + (r1 * interval '40 minutes') END,
               CASE WHEN reason = 'none' AND r2 >= 0.02
                    THEN day + interval '14 hours' + (r2 * interval '90 minutes') END,
               CASE WHEN reason = 'none' AND r2 >= 0.02
                    THEN 8 + r2 * 1.5 - r1 * 40 / 60 ELSE 0 END,
               reason = 'none' AND r2 < 0.02, 1, 1, 1, now(), now()
          FROM childcare_enrollment e
          JOIN childcare_enrollment_schedule s ON s.enrollment_id = e.id,
               generate_series(%(start)s::date, (%(start)s::date + interval '1 month - 1 day')::date,
                               interval '1 day') day,
               LATERAL (SELECT (abs(hashtext(e.id || 'in' || day)) %% 10000) / 10000.0 AS r1,
                               (abs(hashtext(e.id || 'out' || day)) %% 10000) / 10000.0 AS r2,
                               (abs(hashtext(e.id || 'why' || day)) %% 10000) / 10000.0 AS r3) r,
               LATERAL (SELECT CASE WHEN r3 < 0.95 THEN 'none' WHEN r3 < 0.96 THEN 'sick_certificate'
                                    WHEN r3 < 0.97 THEN 'sick_no_certificate' WHEN r3 < 0.985 THEN 'holiday_announced'
                                    ELSE 'unjustified' END AS reason) a
         WHERE e.name LIKE 'BENCH/%%' AND s.weekday = (extract(isodow FROM day)::int - 1)::varchar
    """,
        {"start": MONTH},
    )
    cr.execute("ANALYZE")
    counts = {}
    for table in ("childcare_child", "childcare_enrollment", "childcare_enrollment_schedule", "childcare_attendance"):
        cr.execute(f"SELECT count(*) FROM {table}")
        counts[table] = cr.fetchone()[0]
    env.invalidate_all()
    print("data set: " + ", ".join(f"{n} {t.replace('childcare_', '')}" for t, n in counts.items()), flush=True)
    return big, smalls


def main():
    sys.path.insert(0, str(ROOT))
    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    one = total = float("inf")
    psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    try:
        install()
        config.parse_config(["-c", str(ROOT / "odoo.conf"), "-d", DB, "--log-level=warn"])
        registry = Registry(DB)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
            started = time.perf_counter()
            big, smalls = load_data(env)
            cr.commit()
            print(f"data loaded in {time.perf_counter() - started:.0f} s", flush=True)
            Sheet = env["childcare.attendance.sheet"]

            started = time.perf_counter()
            sheet = Sheet._generate_month(MONTH, big)
            env.flush_all()
            one = time.perf_counter() - started
            print(
                f"one structure, {len(sheet.line_ids)} children x 22 days: sheet computed in {one:.3f} s "
                f"(target < {TARGET_ONE:.0f} s) {'PASS' if one < TARGET_ONE else 'FAIL'}; "
                f"contracted {sheet.contracted_hours:.2f} h, attended {sheet.attended_hours:.2f} h, "
                f"extra {sheet.extra_hours:.2f} h, billable {sheet.billable_hours:.2f} h, "
                f"{sum(sheet.line_ids.mapped('days_present'))} days present",
                flush=True,
            )
            cr.commit()
            env.invalidate_all()

            started = time.perf_counter()
            sheets = Sheet._generate_month(MONTH, smalls)
            env.flush_all()
            cr.commit()
            total = time.perf_counter() - started
            lines = sum(len(s.line_ids) for s in sheets)
            print(
                f"{len(sheets)} structures, {lines} children: sheets created and computed in {total:.1f} s "
                f"({total / len(sheets) * 1000:.0f} ms per structure)",
                flush=True,
            )
        Registry.delete(DB)
    finally:
        psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    print(
        f"RESULT attendance_sheets {total:.1f} s target < {TARGET_ALL:.0f} "
        f"{'PASS' if total < TARGET_ALL and one < TARGET_ONE else 'FAIL'}"
    )
    return 0 if total < TARGET_ALL and one < TARGET_ONE else 1


if __name__ == "__main__":
    sys.exit(main())

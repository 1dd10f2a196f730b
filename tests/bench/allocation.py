#!/usr/bin/env python3
"""Benchmark: an admission commission allocates 5,000 applications over 100 structures.

Creates a throw-away database, installs childcare_enrollment, generates 100 structures (two age groups
each) and 5,000 complete applications ranking 3 structures, then times ``commission.action_allocate()``
end to end (loading places and scope, the pure allocation, writing and flushing every decision).
Run from the repository root: ``python3 tests/bench/allocation.py``. The last line is
``RESULT allocation <seconds> s target < 5 PASS|FAIL``. The database is dropped at the end.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = 5.0
DB = f"cc_enr_bench_{os.getpid()}"

SCRIPT = r"""
import random
import time
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command

N_STRUCTURES, N_APPLICATIONS, N_CHOICES = 100, 5000, 3
rng = random.Random(20260901)
env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
t0 = time.perf_counter()
env.ref("childcare_enrollment.criterion_sibling").active = False  # keeps the set-up short: no contracts yet
today = date.today()
start = today + relativedelta(months=4)
structures = env["childcare.structure"].create([{
    "name": f"Bench structure {i:03d}",
    "code": f"B{i:03d}",
    "capacity_ids": [
        Command.create({"name": "Babies", "age_min_months": 0, "age_max_months": 17, "places": rng.randint(8, 17)}),
        Command.create({"name": "Toddlers", "age_min_months": 18, "age_max_months": 36, "places": rng.randint(8, 17)}),
    ],
} for i in range(N_STRUCTURES)])
families = env["childcare.family"].create([{
    "name": f"Bench family {i:05d}", "is_resident": rng.random() < 0.8,
} for i in range(N_APPLICATIONS)])
print(f"  structures and families: {time.perf_counter() - t0:.1f} s", flush=True)
children = env["childcare.child"].create([{
    "first_name": f"Child{i:05d}", "last_name": "Bench",
    "birthdate": start - relativedelta(months=rng.randint(5, 30), days=rng.randint(0, 27)),
    "family_child_ids": [Command.create({"family_id": family.id, "custody_share": 100})],
} for i, family in enumerate(families)])
print(f"  children: {time.perf_counter() - t0:.1f} s", flush=True)
ids = structures.ids
base = datetime(2026, 1, 5, 8, 0)
applications = env["childcare.application"].create([{
    "child_id": child.id,
    "date_start": start,
    "state": "complete",
    "date_submitted": base + timedelta(minutes=rng.randint(0, 60 * 24 * 60)),
    "has_social_referral": rng.random() < 0.1,
    "has_disability": rng.random() < 0.05,
    "choice_ids": [Command.create({"structure_id": sid, "rank": rank})
                   for rank, sid in enumerate(rng.sample(ids, N_CHOICES), start=1)],
} for child in children])
env.flush_all()
env.cr.commit()
print(f"setup: {N_STRUCTURES} structures, {len(structures.capacity_ids)} age groups "
      f"({sum(structures.capacity_ids.mapped('places'))} places), {len(applications)} applications, "
      f"{len(applications.choice_ids)} choices in {time.perf_counter() - t0:.1f} s", flush=True)
env.invalidate_all()

commission = env["childcare.commission"].create({
    "date": today, "date_start": start, "structure_ids": [Command.set(ids)],
})
env.flush_all()
env.cr.commit()
env.invalidate_all()
t1 = time.perf_counter()
commission.action_allocate()
env.flush_all()
elapsed = time.perf_counter() - t1
env.cr.commit()
print(f"allocated: {commission.placed_count} placed, {commission.waiting_count} waiting, "
      f"{len(commission.place_ids)} place lines", flush=True)
t2 = time.perf_counter()
commission.action_allocate()
env.flush_all()
again = time.perf_counter() - t2
print(f"second run (same input): {again:.2f} s", flush=True)
print(f"BENCH_SECONDS {elapsed:.3f}", flush=True)
"""


def psql(sql):
    subprocess.run(["psql", "-d", "postgres", "-qtAc", sql], check=True, capture_output=True, text=True)


def main():
    odoo = [sys.executable, "-m", "odoo"]
    options = ["-c", str(ROOT / "odoo.conf"), "-d", DB]
    seconds = None
    try:
        psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        t = time.perf_counter()
        subprocess.run(
            [
                *odoo,
                *options,
                "-i",
                "childcare_enrollment",
                "--stop-after-init",
                "--log-level",
                "warn",
                "--http-port",
                "8179",
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        print(f"database {DB}: childcare_enrollment installed in {time.perf_counter() - t:.0f} s", flush=True)
        proc = subprocess.run(
            [*odoo, "shell", *options, "--log-level", "warn", "--no-http"],
            check=False,
            cwd=ROOT,
            input=SCRIPT,
            capture_output=True,
            text=True,
        )
        for line in proc.stdout.splitlines():
            if line.startswith("BENCH_SECONDS "):
                seconds = float(line.split()[1])
            elif line.strip():
                print(line, flush=True)
        if seconds is None:
            print(proc.stderr[-4000:], file=sys.stderr)
    except subprocess.CalledProcessError as exc:
        print((exc.stderr or "")[-4000:], file=sys.stderr)
    finally:
        if not os.environ.get("BENCH_KEEP_DB"):  # debugging: keep the database to profile it
            psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    if seconds is None:
        print(f"RESULT allocation nan s target < {TARGET:g} FAIL")
        return 1
    verdict = "PASS" if seconds < TARGET else "FAIL"
    print(f"action_allocate (end to end, flushed): {seconds:.2f} s")
    print(f"RESULT allocation {seconds:.2f} s target < {TARGET:g} {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())

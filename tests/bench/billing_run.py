#!/usr/bin/env python3
"""Benchmark: a monthly billing run (childcare_billing) against Odoo's naive invoicing.

Issue #8, "Speed": N households (default 5,000), each with one child placed in one of 100 structures
(half of them on the CNAF PSU plan with a validated 2025 income, half on a flat plan per day), and a
validated month of attendance (September 2025). Side by side, on the same machine and database:

(a) Odoo's naive path: one ``account.move.create([...])`` of N comparable 3-line invoices (a section
    and two product lines with product, label, quantity and price, as a developer writes them), then
    ``action_post()``, in one process;
(b) our full run: a ``childcare.billing.run`` of the month, ``action_compute`` (attendance aggregation
    and the fee engine) then ``action_post`` (one invoice per household, posted), with the queue_job
    jobs executed for real by ``--workers`` worker processes (default 2) that run them as queue_job's
    runner and its ``/queue_job/runjob`` controller do: take the next pending job, mark it enqueued,
    then ``RunJobController._acquire_job`` and ``_runjob`` (each job in its own transaction, committed).

It measures the wall time from ``action_compute`` to the run posted, checks the result (N invoices
posted, every entry balanced, each invoice total equal to the household's run lines, a sample equal to
what Odoo computes from the product alone) and ends with one line
``RESULT billing_run <ours> inv/s target >= 50 PASS|FAIL``: PASS when ours reaches 50 invoices/s and
twice the naive throughput and every check holds.

Run from the repository root: ``.venv/bin/python tests/bench/billing_run.py [--families N]``.
The set-up (install, then households, contracts and attendance loaded with plain SQL; the sheets made
by ``childcare.attendance.sheet._generate_month``) is not measured. ``--profile DIR`` runs the jobs and
the naive path under pyinstrument (cProfile without it) and writes where the time goes into DIR; ``BENCH_KEEP_DB=1`` keeps the database.
"""

import argparse
import importlib.util
import os
import pstats
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SUITE = ["childcare_base", "childcare_enrollment", "childcare_attendance", "childcare_billing"]
MONTH = date(2025, 9, 1)  # September 2025: 22 weekdays, summer time all month in Brussels (UTC+2)
INVOICE_DATE = date(2025, 10, 3)
STRUCTURES = 100
TARGET_RATE, TARGET_RATIO = 50.0, 2.0
#: the naive path posts all its invoices in one call, and Odoo numbers each one with a query that skips the
#: batch's other drafts: its time per invoice grows with the batch (14 ms at 5,000 against 5 ms at 200),
#: 60,000 at once would take hours. Above this many households it is measured on the first ones only,
#: which can only flatter it.
NAIVE_MAX = 5000
HTTP_PORT = "8692"  # the install subprocess only (the benchmark itself serves nothing)


def extra_modules():
    """The Odoo modules the suite's tests install besides the suite (``tests/run.py``): l10n_be."""
    spec = importlib.util.spec_from_file_location("cc_test_runner", ROOT / "tests" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.EXTRA_MODULES)


def psql(sql):
    subprocess.run(["psql", "-d", "postgres", "-qtAc", sql], check=True, capture_output=True, text=True)


def install(db):
    modules = SUITE + extra_modules()
    cmd = [
        sys.executable,
        "-m",
        "odoo",
        "-c",
        str(ROOT / "odoo.conf"),
        "-d",
        db,
        "-i",
        ",".join(modules),
        "--without-demo=True",
        "--stop-after-init",
        "--log-level=warn",
        "--http-port",
        HTTP_PORT,
    ]
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode:
        print(proc.stdout[-3000:], proc.stderr[-3000:])
        raise SystemExit("installation failed")
    print(f"installed {', '.join(modules)} in {db} in {time.perf_counter() - started:.0f} s", flush=True)


def odoo_registry(db):
    sys.path.insert(0, str(ROOT))
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(["-c", str(ROOT / "odoo.conf"), "-d", db, "--log-level=warn"])
    return Registry(db)


# ---------------------------------------------------------------------------------------------- set-up
def load_data(env, families):
    """A Belgian municipality (l10n_be chart, structured communication), 100 structures (even: CNAF PSU
    on contracted hours, Monday-Friday 08:00-17:00; odd: a flat price per day, Wednesday a half day),
    ``families`` households of one child each with a running contract, a validated 2025 income, and
    every weekday of September recorded (about 5 % absences; presence around the schedule, so that most
    PSU children have extra hours and every flat child full and half days: invoices of a section and
    two lines). Set-up data goes in with plain SQL; every stored computed field gets the value Odoo
    computes (checked on a sample at the end). The sheets are made by ``_generate_month`` and validated."""
    from odoo import Command

    cr = env.cr
    env["res.lang"]._activate_lang("fr_FR")  # a third of the households read French
    company = env["res.company"].create(
        {"name": "Bench municipality", "country_id": env.ref("base.be").id, "currency_id": env.ref("base.EUR").id}
    )
    env["account.chart.template"].try_loading("be_comp", company, install_demo=False)
    for user in env.ref("base.user_root") | env.ref("base.user_admin"):
        user.write({"company_ids": [Command.link(company.id)], "company_id": company.id})
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    journal.invoice_reference_model = "be"  # Belgian structured communication (l10n_be)
    structures = env["childcare.structure"].create(
        [
            {
                "name": f"Bench {n:03d}",
                "code": f"B{n:03d}",
                "tz": "Europe/Brussels",
                "company_id": company.id,
                "attendance_billing_mode": "contracted" if n % 2 == 0 else "attended",
                "attendance_rounding": "quarter",
            }
            for n in range(STRUCTURES)
        ]
    )
    psu = structures.filtered(lambda s: int(s.code[1:]) % 2 == 0)
    Plan = env["childcare.rate.plan"]
    Plan.create(
        {
            "name": "PSU bench",
            "company_id": company.id,
            "scheme": "fr_psu",
            "billing_basis": "contracted",
            "weeks_per_year": 45,
            "billed_months": 12,
            "structure_hourly_price": 9.0,
            "structure_line_ids": [Command.create({"structure_id": s.id, "date_from": "2025-01-01"}) for s in psu],
        }
    )
    Plan.create(
        {
            "name": "Flat per day bench",
            "company_id": company.id,
            "scheme": "flat",
            "billing_basis": "billable",
            "flat_unit": "day",
            "resident_price": 24.0,
            "non_resident_price": 30.0,
            "structure_line_ids": [
                Command.create({"structure_id": s.id, "date_from": "2025-01-01"}) for s in structures - psu
            ],
        }
    )
    env.flush_all()
    params = {"company": company.id, "n": families, "s": STRUCTURES, "month": MONTH}
    cr.execute(
        "CREATE TEMP TABLE bench_structure AS SELECT id, (substr(code, 2)::int) AS k, "
        "(substr(code, 2)::int %% 2 = 0) AS is_psu FROM childcare_structure WHERE company_id = %(company)s",
        params,
    )
    cr.execute(
        """
        CREATE TEMP TABLE bench AS
        SELECT g.i, s.id AS structure_id, s.is_psu,
               nextval('res_partner_id_seq') AS partner_id, nextval('childcare_family_id_seq') AS family_id,
               nextval('childcare_child_id_seq') AS child_id, nextval('childcare_enrollment_id_seq') AS enrollment_id
          FROM generate_series(0, %(n)s - 1) g(i) JOIN bench_structure s ON s.k = g.i %% %(s)s
        """,
        params,
    )
    stamps = "1, 1, now() at time zone 'utc', now() at time zone 'utc'"
    cr.execute(
        f"""
        INSERT INTO res_partner (id, name, complete_name, commercial_partner_id, company_id, lang, type, active,
                                 is_company, partner_share, autopost_bills, customer_rank, supplier_rank,
                                 create_uid, write_uid, create_date, write_date)
        SELECT partner_id, 'Household ' || i, 'Household ' || i, partner_id, %(company)s,
               CASE WHEN i %% 3 = 0 THEN 'fr_FR' ELSE 'en_US' END, 'contact', true, false, true, 'ask', 0, 0, {stamps}
          FROM bench
        """,
        params,
    )
    cr.execute(
        f"""
        INSERT INTO childcare_family (id, company_id, country_id, partner_id, name, lang, active, is_resident,
                                      create_uid, write_uid, create_date, write_date)
        SELECT family_id, %(company)s, (SELECT id FROM res_country WHERE code = 'BE'), partner_id, 'Household ' || i,
               CASE WHEN i %% 3 = 0 THEN 'fr_FR' ELSE 'en_US' END, true, i %% 10 <> 0, {stamps}
          FROM bench
        """,
        params,
    )
    cr.execute(
        f"""
        INSERT INTO childcare_child (id, company_id, family_id, name, first_name, last_name, birthdate, active,
                                     school_level, create_uid, write_uid, create_date, write_date)
        SELECT child_id, %(company)s, family_id, 'Child B' || i, 'Child', 'B' || i,
               DATE '2023-06-01' + (i %% 600), true, 'creche', {stamps}
          FROM bench
        """,
        params,
    )
    cr.execute(
        f"""
        INSERT INTO childcare_family_child (family_id, child_id, company_id, custody_share,
                                            create_uid, write_uid, create_date, write_date)
        SELECT family_id, child_id, %(company)s, 100, {stamps} FROM bench
        """,
        params,
    )
    cr.execute("INSERT INTO childcare_family_child_ids_rel (family_id, child_id) SELECT family_id, child_id FROM bench")
    cr.execute("INSERT INTO childcare_child_family_ids_rel (child_id, family_id) SELECT child_id, family_id FROM bench")
    cr.execute(
        "INSERT INTO childcare_child_structure_rel (child_id, structure_id) SELECT child_id, structure_id FROM bench"
    )
    cr.execute(
        f"""
        INSERT INTO childcare_family_income (family_id, company_id, year, amount_monthly_income, dependent_children,
                                             has_disabled_child, state, date_validated,
                                             create_uid, write_uid, create_date, write_date)
        SELECT family_id, %(company)s, 2025, 900 + (i * 37) %% 7500, 1 + i %% 3, false, 'validated',
               DATE '2025-02-01', {stamps}
          FROM bench
        """,
        params,
    )
    cr.execute(
        f"""
        INSERT INTO childcare_enrollment (id, child_id, structure_id, family_id, company_id, name, state, date_start,
                                          hours_per_week, create_uid, write_uid, create_date, write_date)
        SELECT enrollment_id, child_id, structure_id, family_id, %(company)s, 'BENCH/' || i, 'running',
               DATE '2025-01-06', CASE WHEN is_psu THEN 45 ELSE 40 END, {stamps}
          FROM bench
        """,
        params,
    )
    # PSU: Monday-Friday 08:00-17:00; flat: the same but Wednesday 08:00-12:00 (a half day)
    cr.execute(
        f"""
        INSERT INTO childcare_enrollment_schedule (enrollment_id, company_id, weekday, hour_from, hour_to, hours,
                                                   create_uid, write_uid, create_date, write_date)
        SELECT enrollment_id, %(company)s, d::varchar, 8.0, CASE WHEN NOT is_psu AND d = 2 THEN 12.0 ELSE 17.0 END,
               CASE WHEN NOT is_psu AND d = 2 THEN 4.0 ELSE 9.0 END, {stamps}
          FROM bench, generate_series(0, 4) d
        """,
        params,
    )
    # Presence: arrival 07:40-08:10, departure 16:35-17:35 (Wednesday half days 11:45-12:15), local time
    # (UTC+2 all September); ~5 % absences of three kinds; every check-out recorded.
    cr.execute(
        f"""
        INSERT INTO childcare_attendance (child_id, structure_id, enrollment_id, company_id, date, absence_reason,
                                          check_in, check_out, attended_hours, is_missing_check_out, has_meal,
                                          entered_by_id, create_uid, write_uid, create_date, write_date)
        SELECT child_id, structure_id, enrollment_id, %(company)s, day, reason,
               CASE WHEN reason = 'none' THEN day + make_interval(mins => in_min - 120) END,
               CASE WHEN reason = 'none' THEN day + make_interval(mins => out_min - 120) END,
               CASE WHEN reason = 'none' THEN round((out_min - in_min) / 60.0, 2) ELSE 0 END,
               false, reason = 'none' AND in_min <= 720 AND out_min >= 780, 1, {stamps}
          FROM (
                SELECT b.*, day::date AS day,
                       460 + abs(hashtext(b.i || 'in' || day)) %% 31 AS in_min,
                       CASE WHEN NOT b.is_psu AND extract(isodow FROM day) = 3
                            THEN 705 + abs(hashtext(b.i || 'out' || day)) %% 31
                            ELSE 995 + abs(hashtext(b.i || 'out' || day)) %% 61 END AS out_min,
                       CASE WHEN abs(hashtext(b.i || 'why' || day)) %% 1000 < 950 THEN 'none'
                            WHEN abs(hashtext(b.i || 'why' || day)) %% 1000 < 965 THEN 'sick_certificate'
                            WHEN abs(hashtext(b.i || 'why' || day)) %% 1000 < 980 THEN 'sick_no_certificate'
                            ELSE 'unjustified' END AS reason
                  FROM bench b,
                       generate_series(%(month)s::date, (%(month)s::date + interval '1 month - 1 day')::date,
                                       interval '1 day') day
                 WHERE extract(isodow FROM day) <= 5
               ) days
        """,
        params,
    )
    cr.execute("ANALYZE")
    env.invalidate_all()
    counts = {}
    for table in ("childcare_family", "childcare_enrollment", "childcare_attendance"):
        cr.execute(f"SELECT count(*) FROM {table} WHERE company_id = %s", [company.id])
        counts[table] = cr.fetchone()[0]
    print("data set: " + ", ".join(f"{n} {t.replace('childcare_', '')}" for t, n in counts.items()), flush=True)
    check_sample(env, company)

    started = time.perf_counter()
    Sheet = env["childcare.attendance.sheet"]
    sheets = Sheet._generate_month(MONTH, structures)
    env.flush_all()
    incomplete = sheets.filtered(lambda s: s.missing_check_out_count or s.unrecorded_count)
    assert not incomplete, f"sheets that validation would refuse: {incomplete.mapped('name')}"
    # action_submit and action_validate rebuild these same lines from the same attendance (checked just
    # above to be complete) and stamp the sheets: the stamps, without computing the month twice more
    cr.execute(
        "UPDATE childcare_attendance_sheet SET state = 'validated', submitted_by_id = 2, validated_by_id = 2, "
        "date_submitted = now() at time zone 'utc', date_validated = now() at time zone 'utc' WHERE id IN %s",
        [tuple(sheets.ids)],
    )
    env.invalidate_all()
    lines = sum(len(sheet.line_ids) for sheet in sheets)
    print(
        f"{len(sheets)} sheets ({lines} children) generated by _generate_month and validated in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return company, journal, structures


def check_sample(env, company):
    """The stored values the SQL set-up wrote are those Odoo computes (a sample of each model)."""
    Attendance = env["childcare.attendance"]
    sample = Attendance.search([("company_id", "=", company.id)], limit=400, order="id desc")
    fields_ = ["attended_hours", "has_meal", "is_missing_check_out", "enrollment_id", "company_id"]
    stored = {a.id: [a[f] for f in fields_] for a in sample}
    for name in fields_:
        env.add_to_compute(Attendance._fields[name], sample)
    sample._recompute_recordset(fields_)
    for attendance in sample:
        assert stored[attendance.id] == [attendance[f] for f in fields_], (attendance, stored[attendance.id])
    enrollments = env["childcare.enrollment"].search([("company_id", "=", company.id)], limit=100)
    for enrollment in enrollments:
        assert enrollment.hours_per_week == round(sum(enrollment.schedule_line_ids.mapped("hours")), 2)
        assert enrollment.family_id == enrollment.child_id.family_id == enrollment.child_id.family_ids
    env.invalidate_all()


# ---------------------------------------------------------------------------------------------- (a) naive
def naive(env, company, journal, limit, profile_dir=None):
    """N comparable invoices the way a developer writes them: one create, then one action_post, Odoo's
    default context. The same documents as the run's: a section and two lines of the childcare product
    with label, quantity and price, without VAT (childcare is exempt: the run gives the product's taxes,
    none, and so does this; without them Odoo would fall back on the income account's 21 % VAT)."""
    from odoo import Command

    env = env(context={"allowed_company_ids": [company.id]})  # no tracking_disable: Odoo as it comes
    product = env.ref("childcare_billing.product_childcare")
    env.cr.execute(
        """
        SELECT f.partner_id, c.name, s.name, l.contracted_hours, l.extra_hours
          FROM childcare_attendance_sheet_line l
          JOIN childcare_attendance_sheet sh ON sh.id = l.sheet_id
          JOIN childcare_child c ON c.id = l.child_id
          JOIN childcare_family f ON f.id = c.family_id
          JOIN childcare_structure s ON s.id = sh.structure_id
         WHERE sh.company_id = %s AND sh.date_month = %s
         ORDER BY f.id
         LIMIT %s
        """,
        [company.id, MONTH, limit],
    )

    def line(name, quantity, price):
        return Command.create(
            {"product_id": product.id, "name": name, "quantity": quantity, "price_unit": price, "tax_ids": []}
        )

    vals_list = [
        {
            "move_type": "out_invoice",
            "partner_id": partner_id,
            "journal_id": journal.id,
            "invoice_date": INVOICE_DATE,
            "invoice_line_ids": [
                Command.create({"display_type": "line_section", "name": f"{child} — {structure}"}),
                line("Monthly fee (contracted hours)", 1, round(contracted * 1.25, 2)),
                line("Extra hours", extra or 1.0, 1.25),
            ],
        }
        for partner_id, child, structure, contracted, extra in env.cr.fetchall()
    ]
    env.invalidate_all()
    profile = Profile(profile_dir)
    profile.start()
    started = time.perf_counter()
    moves = env["account.move"].create(vals_list)
    env.flush_all()
    created = time.perf_counter()
    moves.action_post()
    env.flush_all()
    posted = time.perf_counter()
    profile.stop()
    profile.save("naive")
    env.cr.commit()
    return moves.ids, created - started, posted - created


class Profile:
    """pyinstrument when it is installed (``.venv/bin/pip install pyinstrument``: a statistical profiler
    whose tree shows where the time goes), else cProfile. ``start``/``stop`` may alternate: the samples
    add up; ``save`` writes ``DIR/<name>.txt`` (and ``.prof`` for cProfile)."""

    def __init__(self, profile_dir):
        self.profile_dir = profile_dir
        self.profiler = None
        if not profile_dir:
            return
        try:
            from pyinstrument import Profiler

            self.profiler = Profiler(interval=0.002)
        except ImportError:
            import cProfile

            self.profiler = cProfile.Profile()

    def start(self):
        if self.profiler is not None:
            (getattr(self.profiler, "enable", None) or self.profiler.start)()

    def stop(self):
        if self.profiler is not None:
            (getattr(self.profiler, "disable", None) or self.profiler.stop)()

    def save(self, name):
        if self.profiler is None:
            return
        path = os.path.join(self.profile_dir, name)
        if hasattr(self.profiler, "dump_stats"):
            self.profiler.dump_stats(path + ".prof")
            with open(path + ".txt", "w", encoding="utf-8") as out:
                pstats.Stats(path + ".prof", stream=out).sort_stats("cumulative").print_stats(80)
        elif self.profiler.last_session:
            with open(path + ".txt", "w", encoding="utf-8") as out:
                out.write(self.profiler.output_text(unicode=False, color=False))


# ---------------------------------------------------------------------------------------------- (b) ours
def next_job(registry):
    """What queue_job's runner does: the next pending job (by eta, priority, age), marked enqueued."""
    with registry.cursor() as cr:
        # the runner's own connection is in autocommit: read committed, the next job nobody else took
        cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
        cr.execute(
            """
            UPDATE queue_job SET state = 'enqueued', date_enqueued = date_trunc('seconds', now() at time zone 'utc')
             WHERE uuid = (SELECT uuid FROM queue_job
                            WHERE state = 'pending' AND (eta IS NULL OR eta <= now() at time zone 'utc')
                            ORDER BY eta NULLS FIRST, priority, date_created, id
                            LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING uuid
            """
        )
        return cr.fetchone()


def worker(db, stop_file, profile_dir, number):
    """A queue_job worker: what queue_job's runner does (:func:`next_job`), then what its
    ``/queue_job/runjob`` controller does (acquire, perform, commit)."""
    registry = odoo_registry(db)
    import psycopg2

    import odoo
    from odoo.addons.queue_job.controllers.main import RunJobController  # once the addons path is set

    profile = Profile(profile_dir)
    print("ready", flush=True)
    idle = 0.0
    while not os.path.exists(stop_file):
        try:
            row = next_job(registry)
        except psycopg2.OperationalError as exc:  # a concurrency error: try again
            print(f"dequeue: {exc}", flush=True)
            row = None
        if not row:
            time.sleep(0.05)
            idle += 0.05
            continue
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            job = RunJobController._acquire_job(env, row[0])
            if job:
                profile.start()
                try:
                    RunJobController._runjob(env, job)
                except Exception as exc:  # recorded on the job by _runjob: the run's checks say it
                    print(f"job {row[0]} failed: {exc}", flush=True)
                finally:
                    profile.stop()
    profile.save(f"worker-{number}")
    print(f"idle {idle:.1f} s", flush=True)


def start_workers(db, count, stop_file, profile_dir):
    workers = []
    for number in range(count):
        cmd = [sys.executable, __file__, "--worker", db, "--stop-file", stop_file, "--number", str(number)]
        if profile_dir:
            cmd += ["--profile", profile_dir]
        workers.append(subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True))
    for proc in workers:
        line = proc.stdout.readline()
        if line.strip() != "ready":
            raise SystemExit(f"worker did not start: {line}")
    return workers


def wait_for(cr, run_id, state, workers, timeout):
    """Poll the run (a fresh snapshot each time) until it reaches ``state``; stop on a failed job or worker."""
    deadline = time.perf_counter() + timeout
    while True:
        if any(proc.poll() is not None for proc in workers):
            raise RuntimeError("a worker stopped")
        cr.rollback()
        cr.execute("SELECT state, progress_done, progress_total FROM childcare_billing_run WHERE id = %s", [run_id])
        current, done, total = cr.fetchone()
        if current == state:
            return
        cr.execute("SELECT count(*) FROM queue_job WHERE state = 'failed'")
        if cr.fetchone()[0]:
            raise RuntimeError(f"a job failed (run {current}, {done}/{total})")
        if time.perf_counter() > deadline:
            raise RuntimeError(f"timeout: run still {current}, {done}/{total}")
        time.sleep(0.1)


def our_run(env, company, structures, workers):
    from odoo import Command

    cr = env.cr
    env = env(context={"allowed_company_ids": [company.id]})
    run = env["childcare.billing.run"].create(
        {
            "company_id": company.id,
            "date_month": MONTH,
            "date_invoice": INVOICE_DATE,
            "structure_ids": [Command.set(structures.ids)],
        }
    )
    cr.commit()
    started = time.perf_counter()
    run.action_compute()
    cr.commit()
    wait_for(cr, run.id, "computed", workers, timeout=7200)
    computed = time.perf_counter()
    env.invalidate_all()
    run.action_post()
    cr.commit()
    wait_for(cr, run.id, "posted", workers, timeout=7200)
    posted = time.perf_counter()
    env.invalidate_all()
    return run, computed - started, posted - computed


# ---------------------------------------------------------------------------------------------- checks
def check_ledger(cr, move_ids, label):
    """Every entry balanced, debit and credit of each entry to the cent."""
    cr.execute(
        """
        SELECT count(*) FROM (
            SELECT move_id FROM account_move_line WHERE move_id = ANY(%s)
             GROUP BY move_id HAVING round(sum(debit), 2) <> round(sum(credit), 2) OR sum(debit) = 0) bad
        """,
        [list(move_ids)],
    )
    unbalanced = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM account_move WHERE id = ANY(%s) AND state = 'posted'", [list(move_ids)])
    posted = cr.fetchone()[0]
    print(f"{label}: {posted} posted entries, {unbalanced} unbalanced", flush=True)
    return unbalanced == 0 and posted == len(move_ids)


def check_run(env, run, families):
    """N invoices posted, one per household, balanced, each equal to its run lines' parent amounts; the
    run lines invoiced, no failure, no job failed or retried; a sample equal to Odoo's own computation."""
    cr = env.cr
    problems = []
    cr.execute(
        "SELECT id FROM account_move WHERE childcare_run_id = %s AND move_type = 'out_invoice' AND state = 'posted'",
        [run.id],
    )
    move_ids = [row[0] for row in cr.fetchall()]
    if len(move_ids) != families:
        problems.append(f"{len(move_ids)} invoices posted for {families} households")
    if not check_ledger(cr, move_ids, "ours"):
        problems.append("unbalanced or unposted entries")
    cr.execute(
        """
        SELECT count(*), count(*) FILTER (WHERE abs(m.amount_total - l.amount) >= 0.005
                                             OR abs(r.balance - m.amount_total) >= 0.005),
               sum(m.amount_total), sum(l.amount)
          FROM account_move m
          JOIN (SELECT family_id, move_id, sum(amount_parent) AS amount FROM childcare_billing_run_line
                 WHERE run_id = %(run)s GROUP BY family_id, move_id) l
            ON l.move_id = m.id AND l.family_id = m.childcare_family_id
          JOIN (SELECT ml.move_id, sum(ml.balance) AS balance FROM account_move_line ml
                  JOIN account_account a ON a.id = ml.account_id
                 WHERE a.account_type = 'asset_receivable' GROUP BY ml.move_id) r ON r.move_id = m.id
         WHERE m.childcare_run_id = %(run)s
        """,
        {"run": run.id},
    )
    matched, different, total_moves, total_lines = cr.fetchone()
    print(
        f"ours: {matched} invoices matched to their run lines, {different} different; invoiced "
        f"{total_moves or 0:.2f}, run lines {total_lines or 0:.2f}",
        flush=True,
    )
    if matched != families or different:
        problems.append(f"{different} invoices differ from their run lines ({matched} matched)")
    # the amounts the run gave its lines are those Odoo computes from price and quantity (price_subtotal)
    cr.execute(
        """
        SELECT count(*), count(*) FILTER (WHERE abs(l.balance + l.price_subtotal) >= 0.005
                                             OR abs(l.amount_currency - l.balance) >= 0.005)
          FROM account_move_line l JOIN account_move m ON m.id = l.move_id
         WHERE m.childcare_run_id = %s AND l.display_type = 'product'
        """,
        [run.id],
    )
    product_lines, wrong = cr.fetchone()
    print(f"ours: {product_lines} invoice lines, {wrong} with a balance other than Odoo's subtotal", flush=True)
    if wrong:
        problems.append(f"{wrong} invoice lines with a balance other than Odoo's subtotal")
    cr.execute("SELECT state, count(*) FROM childcare_billing_run_line WHERE run_id = %s GROUP BY state", [run.id])
    states = dict(cr.fetchall())
    if states != {"invoiced": families}:
        problems.append(f"run lines: {states}")
    cr.execute("SELECT count(*) FROM childcare_billing_run_failure WHERE run_id = %s", [run.id])
    if cr.fetchone()[0]:
        problems.append("failures recorded on the run")
    cr.execute(
        """
        SELECT method_name, count(*), coalesce(sum(exec_time), 0), coalesce(avg(exec_time), 0),
               coalesce(max(exec_time), 0), coalesce(extract(epoch FROM max(date_done) - min(date_started)), 0)
          FROM queue_job GROUP BY method_name ORDER BY min(date_created)
        """
    )
    for method, count, total, average, longest, span in cr.fetchall():
        print(
            f"queue: {count} {method} jobs, {total:.1f} s of work in {span:.1f} s ({total / (span or 1):.2f} at once), "
            f"{average:.2f} s each, the longest {longest:.2f} s",
            flush=True,
        )
    # queue_job counts the attempts (1: done at the first one)
    cr.execute("SELECT count(*), count(*) FILTER (WHERE retry > 1), sum(retry - 1) FROM queue_job")
    jobs, retried, retries = cr.fetchone()
    print(f"queue: {jobs} jobs, {retried} retried ({retries or 0} retries)", flush=True)
    problems += check_like_odoo(env, run, move_ids[:: max(len(move_ids) // 25, 1)])
    return problems


def check_like_odoo(env, run, sample_ids):
    """Our invoices are what Odoo computes from the product alone: the same invoice made by Odoo's
    defaults (product, label, quantity, price only) has the same accounts, taxes and amounts."""
    from odoo import Command

    problems = []
    Move = env["account.move"].with_context(allowed_company_ids=[run.company_id.id], tracking_disable=True)
    for move in Move.browse(sample_ids):
        with env.cr.savepoint(flush=False) as savepoint:
            copy = Move.create(
                {
                    "move_type": move.move_type,
                    "partner_id": move.partner_id.id,
                    "journal_id": move.journal_id.id,
                    "invoice_date": move.invoice_date,
                    "invoice_line_ids": [
                        Command.create(
                            {"display_type": "line_section", "name": line.name}
                            if line.display_type == "line_section"
                            else {
                                "product_id": line.product_id.id,
                                "name": line.name,
                                "quantity": line.quantity,
                                "price_unit": line.price_unit,
                                # the taxes the run chose (the product's: none, childcare is VAT-exempt);
                                # without them Odoo falls back on the income account's default VAT
                                "tax_ids": [Command.set(line.tax_ids.ids)],
                            }
                        )
                        for line in move.invoice_line_ids.sorted("sequence")
                    ],
                }
            )
            copy.action_post()

            def ledger(entry):
                return sorted(
                    (
                        line.display_type,
                        line.name or "",
                        line.account_id.id,
                        tuple(line.tax_ids.ids),
                        round(line.balance, 2),
                        round(line.amount_currency, 2),
                        round(line.price_subtotal, 2),
                        line.date_maturity or False,
                        line.analytic_distribution or False,
                    )
                    for line in entry.line_ids
                    if line.display_type != "payment_term"
                ) + sorted(
                    (line.account_id.id, round(line.balance, 2), line.date_maturity)
                    for line in entry.line_ids
                    if line.display_type == "payment_term"
                )

            if ledger(copy) != ledger(move) or copy.amount_total != move.amount_total:
                problems.append(f"{move.name} differs from Odoo's computation: {ledger(move)} != {ledger(copy)}")
            if move.invoice_date_due != copy.invoice_date_due or not move.payment_reference:
                problems.append(f"{move.name}: due date or payment reference differ")
            savepoint.rollback()
    env.invalidate_all()
    print(f"ours: {len(sample_ids)} sampled invoices equal to Odoo's own computation: {not problems}", flush=True)
    return problems


# ---------------------------------------------------------------------------------------------- main
def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=5000, help="households (one child each), default 5,000")
    parser.add_argument("--workers", type=int, default=2, help="queue_job worker processes, default 2")
    parser.add_argument("--profile", metavar="DIR", help="profile the jobs and the naive path into DIR")
    parser.add_argument(
        "--naive-max",
        type=int,
        default=NAIVE_MAX,
        help=f"households of the naive path at most (default {NAIVE_MAX:,}): Odoo's one-batch posting slows down "
        "with the size of the batch, so a capped naive path is only faster per invoice than the full one",
    )
    parser.add_argument("--post-batch", type=int, help="households per invoicing job (default: the addon's)")
    parser.add_argument("--skip-naive", action="store_true", help="measure only our run (no ratio: FAIL)")
    parser.add_argument("--setup-only", action="store_true", help="stop after the set-up and keep the database")
    parser.add_argument("--worker", metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--stop-file", help=argparse.SUPPRESS)
    parser.add_argument("--number", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.stop_file, args.profile, args.number)
        return 0
    if args.profile:
        os.makedirs(args.profile, exist_ok=True)

    import odoo

    db = f"cc_bench_billing_{os.getpid()}"
    naive_rate = ours_rate = 0.0
    problems = []
    workers = []
    stop_file = os.path.join(tempfile.mkdtemp(prefix="cc_bench_"), "stop")
    psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    try:
        install(db)
        registry = odoo_registry(db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
            started = time.perf_counter()
            company, journal, structures = load_data(env, args.families)
            cr.commit()
            print(f"set-up in {time.perf_counter() - started:.0f} s", flush=True)
            if args.setup_only:
                os.environ["BENCH_KEEP_DB"] = "1"
                print(f"database {db} kept", flush=True)
                return 0
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            company, journal, structures = company.with_env(env), journal.with_env(env), structures.with_env(env)

            if not args.skip_naive:
                move_ids, create_s, post_s = naive(env, company, journal, args.naive_max, args.profile)
                naive_rate = len(move_ids) / (create_s + post_s)
                capped = (
                    f" (the first {len(move_ids)} of {args.families} households)"
                    if len(move_ids) < args.families
                    else ""
                )
                print(
                    f"(a) naive{capped}: {len(move_ids)} invoices, create {create_s:.1f} s + action_post {post_s:.1f} s "
                    f"= {create_s + post_s:.1f} s: {naive_rate:.1f} inv/s",
                    flush=True,
                )
                if not check_ledger(cr, move_ids, "naive"):
                    problems.append("naive entries unbalanced")
                env.invalidate_all()

            if args.post_batch:
                env["ir.config_parameter"].set_param("childcare_billing.post_batch_size", str(args.post_batch))
                cr.commit()
            workers = start_workers(db, args.workers, stop_file, args.profile)
            run, compute_s, post_s = our_run(env, company, structures, workers)
            total = compute_s + post_s
            ours_rate = args.families / total
            cr.execute("SELECT count(*) FROM queue_job")
            print(
                f"(b) ours, {args.workers} workers: compute {compute_s:.1f} s ({len(run.line_ids)} run lines) + "
                f"invoice and post {post_s:.1f} s = {total:.1f} s: {ours_rate:.1f} inv/s",
                flush=True,
            )
            problems += check_run(env, run, args.families)
    except Exception as exc:  # reported as a FAIL, with the reason
        problems.append(f"{type(exc).__name__}: {exc}")
    finally:
        Path(stop_file).touch()
        for proc in workers:
            out, _err = proc.communicate(timeout=900)
            if out.strip():
                print("worker: " + out.strip().replace("\n", "; "), flush=True)
        if not os.environ.get("BENCH_KEEP_DB"):
            psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    if args.profile:
        print(f"profiles: {args.profile}/naive.txt, {args.profile}/worker-<n>.txt", flush=True)
    for problem in problems[:20]:
        print(f"CHECK FAILED: {problem}", flush=True)
    ratio = ours_rate / naive_rate if naive_rate else 0.0
    ok = not problems and ours_rate >= TARGET_RATE and ratio >= TARGET_RATIO
    print(f"N {args.families}: naive {naive_rate:.1f} inv/s, ours {ours_rate:.1f} inv/s")
    verdict = "PASS" if ratio >= TARGET_RATIO else "FAIL"
    print(f"ratio ours / naive: {ratio:.2f} x (target >= {TARGET_RATIO:g}) {verdict}")
    print(f"RESULT billing_run {ours_rate:.1f} inv/s target >= {TARGET_RATE:g} {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

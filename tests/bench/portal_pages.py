#!/usr/bin/env python3
"""Benchmark: the parents' portal pages while the database holds 100,000 invoices (citizen_portal).

Issue #11, "Speed": ``/my`` (home) and ``/my/invoices`` answer in < 150 ms server time for a family with 24
invoices while the database holds 100,000 invoices.

It creates a throw-away database (``cc_portal_pages_<pid>``: ``odoo db init --country be``, then citizen_portal
and l10n_be installed without demo data; ``--template DB`` clones an existing database of the suite instead,
faster), loads with the ORM one household (a guardian with a portal account, two children) and its 24 posted
monthly invoices (two years, one line per child with the statement's breakdown), 2,000 other households, then
copies one posted invoice at the SQL level (the move and its lines) to reach 100,000 invoices spread over the
other households (50 months each), and runs ``ANALYZE``. It starts an Odoo server (threaded, on loopback,
werkzeug's request log on), logs the guardian in, and requests ``/my``, the counters the home page asks for
(``/my/counters``) and ``/my/invoices`` (warm-up first, then ``--runs`` times each). The server time of each
request is read from Odoo's own request log line (``query count, SQL time, other time``): SQL + Python time.
It prints median and p95 of the server time, the query counts and the loopback latency of each page, stops the
server, drops the database and ends with one line
``RESULT portal_pages <worst p95 of /my and /my/invoices> ms target < 150 PASS|FAIL``.

Run from the repository root: ``.venv/bin/python tests/bench/portal_pages.py [--invoices 100000] [--runs 30]
[--template cc_cp_base]``. ``BENCH_KEEP_DB=1`` keeps the database.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import benchlib
from benchlib import free_port, http_call, odoo_cmd, percentile, psql, stop_server, wait_until_up

TMP = Path(tempfile.gettempdir())
ROOT = Path(__file__).resolve().parents[2]
DB = f"cc_portal_pages_{os.getpid()}"
MODULES = ["citizen_portal", "l10n_be"]
PASSWORD = "portal-bench-2026"
LOGIN = "bench_parent"
TARGET_MS = 150.0
OTHER_FAMILIES = 2000
OWN_INVOICES = 24
PAGES = ("/my", "/my/counters", "/my/invoices")
#: werkzeug's request line as Odoo logs it: ... "GET /my HTTP/1.1" 200 - <queries> <sql s> <other s>
LOG_LINE = re.compile(r'"(GET|POST) (\S+) HTTP/[\d.]+" (\d{3}) \S+ (\d+) ([\d.]+) ([\d.]+)')


def install(template=None):
    benchlib.install_db(ROOT, DB, MODULES, template)


# ---------------------------------------------------------------------------------------------- set-up
def load_data(total_invoices):
    """The measured household (24 invoices through the ORM), the other households, and the SQL copies of a
    posted invoice up to ``total_invoices`` invoices in the database."""
    sys.path.insert(0, str(ROOT))
    from odoo.api import SUPERUSER_ID, Environment
    from odoo.fields import Command
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(["-c", str(ROOT / "odoo.conf"), "-d", DB, "--log-level=warn"])
    registry = Registry(DB)
    started = time.perf_counter()
    context = {
        "tracking_disable": True,
        "mail_create_nolog": True,
        "mail_notrack": True,
        "no_reset_password": True,
        "mail_auto_subscribe_no_notify": True,
    }
    with registry.cursor() as cr:
        env = Environment(cr, SUPERUSER_ID, context)
        company = env.ref("base.main_company")
        env = env(context=dict(env.context, allowed_company_ids=company.ids))
        journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
        journal.invoice_reference_model = "be"
        structure = env["childcare.structure"].create(
            {"name": "Crèche Bench", "structure_type": "creche", "company_id": company.id}
        )
        product = env["product.product"].create({"name": "Childcare (bench)", "type": "service", "taxes_id": False})
        partner = env["res.partner"].create({"name": "Bench Parent", "email": "parent@bench.example.com"})
        user = env["res.users"].create(
            {
                "login": LOGIN,
                "partner_id": partner.id,
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "group_ids": [Command.set(env.ref("base.group_portal").ids)],
            }
        )
        user.password = PASSWORD
        family = env["childcare.family"].create(
            {
                "name": "Bench",
                "company_id": company.id,
                "guardian_ids": [Command.create({"partner_id": partner.id, "relationship": "mother"})],
            }
        )
        children = env["childcare.child"].create(
            [
                {
                    "first_name": first,
                    "last_name": "Bench",
                    "birthdate": birthdate,
                    "company_id": company.id,
                    "structure_ids": [Command.set(structure.ids)],
                    "family_child_ids": [Command.create({"family_id": family.id, "custody_share": 100})],
                }
                for first, birthdate in (("Alice", date(2023, 2, 1)), ("Bruno", date(2021, 6, 1)))
            ]
        )
        month = date(2024, 1, 1)
        own = env["account.move"]
        for _index in range(OWN_INVOICES):
            own |= env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": family.partner_id.id,
                    "journal_id": journal.id,
                    "invoice_date": month + timedelta(days=35),
                    "invoice_date_due": month + timedelta(days=65),
                    "childcare_kind": "invoice",
                    "childcare_family_id": family.id,
                    "childcare_period": month,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "name": f"Care {child.first_name}",
                                "quantity": 1,
                                "price_unit": 150.0 + index,
                                "tax_ids": [Command.clear()],
                                "childcare_child_id": child.id,
                                "childcare_structure_id": structure.id,
                                "childcare_period": month,
                                "childcare_hours_billable": 120.0,
                                "childcare_parent_amount": 150.0 + index,
                                "childcare_subsidy_amount": 400.0,
                            }
                        )
                        for index, child in enumerate(children)
                    ],
                }
            )
            month = (month + timedelta(days=32)).replace(day=1)
        own.action_post()
        others = env["childcare.family"].create(
            [{"name": f"Household {n:04d}", "company_id": company.id} for n in range(OTHER_FAMILIES)]
        )
        cr.commit()
        print(
            f"ORM data in {time.perf_counter() - started:.0f} s: the measured household, its {len(own)} invoices, "
            f"{OTHER_FAMILIES} other households",
            flush=True,
        )
        copies = total_invoices - env["account.move"].search_count([("move_type", "=", "out_invoice")])
        copy_invoices(cr, own[0].id, others, max(copies, 0))
        cr.commit()
        count = env["account.move"].search_count([("move_type", "=", "out_invoice")])
        env["ir.config_parameter"].set_param("web.base.url", "http://127.0.0.1")
        cr.commit()
    Registry.delete(DB)
    psql("ANALYZE", db=DB)
    print(f"data loaded in {time.perf_counter() - started:.0f} s: {count} customer invoices", flush=True)
    return count


def copy_invoices(cr, template_id, families, count):
    """``count`` SQL copies of the posted invoice ``template_id`` (the move and its lines), each for one of
    ``families`` and one month (50 months a household), numbered ``BENCH/<n>``."""
    if not count:
        return
    started = time.perf_counter()
    family_ids = families.ids
    partner_by_family = [family.partner_id.id for family in families]

    def columns(table, skip):
        cr.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
            [table],
        )
        return [name for (name,) in cr.fetchall() if name not in skip]

    cr.execute("SELECT max(id) FROM account_move")
    base = cr.fetchone()[0]
    overridden = {
        "id": "%(base)s + g",
        "name": "'BENCH/' || g",
        "childcare_family_id": "(%(families)s)[1 + g %% %(n)s]",
        "partner_id": "(%(partners)s)[1 + g %% %(n)s]",
        "commercial_partner_id": "(%(partners)s)[1 + g %% %(n)s]",
        "childcare_period": "DATE '2000-01-01' + ((g / %(n)s) * INTERVAL '1 month')",
        "payment_reference": "'+++BENCH/' || g || '+++'",
        "access_token": "NULL",
        "childcare_run_id": "NULL",
    }
    move_columns = columns("account_move", set())
    select = ", ".join(overridden.get(name, f"m.{name}") for name in move_columns)
    params = {"base": base, "families": family_ids, "partners": partner_by_family, "n": len(family_ids)}
    batch = 20000
    for first in range(1, count + 1, batch):
        last = min(first + batch - 1, count)
        cr.execute(
            f"INSERT INTO account_move ({', '.join(move_columns)}) "
            f"SELECT {select} FROM account_move m, generate_series({first}, {last}) g WHERE m.id = {template_id}",
            params,
        )
        line_overridden = {
            "move_id": "%(base)s + g",
            "move_name": "'BENCH/' || g",
            "partner_id": "(%(partners)s)[1 + g %% %(n)s]",
            "childcare_child_id": "NULL",
            "childcare_period": "DATE '2000-01-01' + ((g / %(n)s) * INTERVAL '1 month')",
        }
        line_columns = columns("account_move_line", {"id"})
        line_select = ", ".join(line_overridden.get(name, f"l.{name}") for name in line_columns)
        cr.execute(
            f"INSERT INTO account_move_line ({', '.join(line_columns)}) "
            f"SELECT {line_select} FROM account_move_line l, generate_series({first}, {last}) g "
            f"WHERE l.move_id = {template_id}",
            params,
        )
        print(f"  {last} invoices copied ({time.perf_counter() - started:.0f} s)", flush=True)
    cr.execute("SELECT setval('account_move_id_seq', (SELECT max(id) FROM account_move))")


# ---------------------------------------------------------------------------------------------- server
def start_server(port, log_path):
    log = open(log_path, "w")  # closed with the server
    cmd = odoo_cmd(
        "-c",
        str(ROOT / "odoo.conf"),
        "-d",
        DB,
        "--db-filter",
        f"^{DB}$",
        "--http-port",
        str(port),
        "--max-cron-threads",
        "0",
        "--log-level",
        "warn",
        "--log-handler",
        "werkzeug:INFO",
    )
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    wait_until_up(proc, port, log_path, 180)
    return proc, log


def measure(port, runs, log_path):
    status, raw, cookie = http_call(
        port, "POST", "/web/session/authenticate", {"db": DB, "login": LOGIN, "password": PASSWORD}
    )
    if status != 200 or b'"uid"' not in raw:
        raise SystemExit(f"login failed: {status} {raw[:300]}")
    status, raw, cookie = http_call(port, "GET", "/my", cookie=cookie)
    counters = sorted(set(re.findall(rb'data-placeholder_count="(\w+)"', raw)))
    counters = [name.decode() for name in counters]
    print(f"/my asks for the counters: {', '.join(counters)}", flush=True)
    status, raw, cookie = http_call(port, "GET", "/my/invoices", cookie=cookie)
    shown = len(set(re.findall(rb"/my/invoices/(\d+)\?", raw)))
    print(f"/my/invoices shows {shown} invoices (status {status})", flush=True)

    def call(page):
        if page == "/my/counters":
            return http_call(port, "POST", page, {"counters": counters}, cookie=cookie)
        return http_call(port, "GET", page, cookie=cookie)

    for _warm in range(3):
        for page in PAGES:
            call(page)
    mark = log_path.stat().st_size
    latencies = {page: [] for page in PAGES}
    for _run in range(runs):
        for page in PAGES:
            started = time.perf_counter()
            status, _raw, _cookie = call(page)
            latencies[page].append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise SystemExit(f"{page} answered {status}")
    time.sleep(0.5)  # the log lines are written after the responses
    with open(log_path, encoding="utf-8", errors="replace") as log:
        log.seek(mark)
        lines = log.read().splitlines()
    server = {page: [] for page in PAGES}
    for line in lines:
        match = LOG_LINE.search(line)
        if not match:
            continue
        _method, path, _status, queries, sql_time, other_time = match.groups()
        path = path.split("?", 1)[0]
        if path in server:
            server[path].append((int(queries), (float(sql_time) + float(other_time)) * 1000, float(sql_time) * 1000))
    return latencies, server


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=100_000, help="customer invoices in the database")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--template", help="clone this database of the suite instead of installing from scratch")
    args = parser.parse_args()
    keep = os.environ.get("BENCH_KEEP_DB") == "1"
    worst = float("inf")
    ok = False
    psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    server = None
    log_path = TMP / f"{DB}.log"
    try:
        install(args.template)
        count = load_data(args.invoices)
        port = free_port()
        server = start_server(port, log_path)
        load = os.getloadavg()
        print(f"machine: {os.cpu_count()} CPUs, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}", flush=True)
        latencies, measured = measure(port, args.runs, log_path)
        stop_server(*server)
        server = None
        p95s = {}
        for page in PAGES:
            rows = measured[page]
            if len(rows) != args.runs:
                print(f"{page}: {len(rows)} request lines in the server log (expected {args.runs})")
            times = [row[1] for row in rows]
            queries = sorted({row[0] for row in rows})
            p95s[page] = percentile(times, 0.95)
            print(
                f"{page:<14} server time median {statistics.median(times):6.1f} ms, p95 {p95s[page]:6.1f} ms "
                f"(SQL median {statistics.median(row[2] for row in rows):5.1f} ms), queries {queries}; "
                f"loopback latency median {statistics.median(latencies[page]):6.1f} ms"
            )
        worst = max(p95s["/my"], p95s["/my/invoices"])
        ok = worst < TARGET_MS and count >= args.invoices
        print(
            f"{count} invoices in the database; /my and /my/invoices p95 server time {worst:.1f} ms "
            f"(target < {TARGET_MS:.0f} ms); /my/counters p95 {p95s['/my/counters']:.1f} ms"
        )
    finally:
        if server:
            stop_server(*server)
        if keep:
            print(f"database kept: {DB}")
        else:
            psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
            log_path.unlink(missing_ok=True)
    print(f"RESULT portal_pages {worst:.1f} ms target < {TARGET_MS:.0f} {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

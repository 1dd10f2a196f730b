#!/usr/bin/env python3
"""Run the whole Civic Childcare test suite against real Odoo 19 and PostgreSQL.

1. a fresh throw-away database gets every suite addon (with demo data) installed with
   ``--test-enable``; the Odoo tests of our addons run (at-install and post-install);
2. the database-free unit tests run under pytest: the pure functions of the addons
   (``addons/*/tools/tests``) and the suite-wide checks of ``tests/unit``.

Exit status is non-zero on any failed or erroring test, on any ERROR/CRITICAL line in Odoo's
log, or when Odoo 19 cannot be imported. The last line printed is ``N passed, N failed``.

``--odoo-modules event,website_event,...`` runs Odoo's own tests of those modules instead of ours,
in a database where the suite is installed too (``make test-odoo``).
"""

import argparse
import ast
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ROOT / "addons"
UNIT_TESTS = ROOT / "tests" / "unit"
LOG_DIR = ROOT / ".test-logs"

LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>\S+): (?P<msg>.*)$"
)
STARTING = re.compile(r"^Starting (?P<test>\S+) \.\.\.$")
FAILED = re.compile(r"^(?:FAIL|ERROR): (?:Subtest )?(?P<test>[\w.]+)")
SKIPPED = re.compile(r"^skipped (?P<test>\S+) : (?P<reason>.*)$")
SUMMARY = re.compile(r"(tests when loading database|At least one test failed|\bModule \w+: \d+ failures, \d+ errors)")
KNOWN_FAILURES = ROOT / "tests" / "odoo_known_failures.txt"


def short_test_id(test_id):
    """``odoo.addons.website_event.tests.test_x:TestUi.test_y`` -> ``website_event:TestUi.test_y``"""
    logger, _sep, test = test_id.partition(":")
    return f"{logger.removeprefix('odoo.addons.').split('.', 1)[0]}:{test}"


def known_failures():
    """Odoo's and the OCA addons' own tests that fail on this platform whether or not the suite is installed:
    ``module:Class.test_method  # why``, one a line (used by ``make test-odoo`` and for the OCA tests of
    ``make test``; never for the suite's own addons, see ``upstream_known_failures``)."""
    if not KNOWN_FAILURES.exists():
        return {}
    known = {}
    for line in KNOWN_FAILURES.read_text(encoding="utf-8").splitlines():
        test, _sep, why = line.partition("#")
        if test.strip():
            known[test.strip()] = why.strip()
    return known


#: Odoo modules the demo municipality and the tests need besides the suite's own addons: the Belgian
#: localisation gives the structured communication (OGM) of the invoices; Odoo's demo payment provider lets
#: the portal's online payment run end to end without a real provider.
EXTRA_MODULES = ["l10n_be", "payment_demo"]
#: The main company of a new database is created in this country: the demo municipality is Belgian, bills in
#: EUR on the Belgian chart of accounts (SEPA direct debit, CODA, 281.86 need it).
COUNTRY = "be"

#: The Odoo Community Association addons the suite installs (requirements.txt) and depends on: their own tests
#: run in the suite's database by ``make test``, so we know our extensions do not break them.
#: (account_payment_return_import_iso20022 is not installed: it depends on account_payment_order, declared
#: incompatible with account_payment_batch_oca; childcare_billing reuses its parsers.)
OCA_MODULES = [
    "queue_job",
    "account_statement_base",
    "account_statement_import_base",
    "account_statement_import_file",
    "account_statement_import_camt",
    "account_reconcile_oca",
    "account_payment_method_base",
    "account_payment_base_oca",
    "account_payment_batch_oca",
    "account_payment_mandate",
    "account_payment_sepa_base",
    "account_payment_sepa_direct_debit",
    "account_payment_return",
    "account_payment_return_import",
    "account_credit_control",
]


def upstream_known_failures():
    """The known failures, less any entry naming one of the suite's own addons: a failure of our own tests
    always counts."""
    ours = set(suite_addons())
    return {test: why for test, why in known_failures().items() if test.partition(":")[0] not in ours}


def suite_addons():
    names = []
    for manifest in sorted(ADDONS.glob("*/__manifest__.py")):
        values = ast.literal_eval(manifest.read_text(encoding="utf-8"))
        if values.get("installable", True):
            names.append(manifest.parent.name)
    return names


def odoo_version():
    try:
        import odoo.release
    except ImportError:
        return None
    return odoo.release.version


def psql(*sql_args, check=False):
    return subprocess.run(["psql", "-d", "postgres", "-qtAc", *sql_args], capture_output=True, text=True, check=check)


def run_odoo_tests(db, install, test_tags, http_port, known=None):
    LOG_DIR.mkdir(exist_ok=True)
    log_path = LOG_DIR / f"{db}.log"
    psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)', check=True)
    init = [sys.executable, "-m", "odoo", "db", "-c", str(ROOT / "odoo.conf"), "init", db, "--with-demo"]
    init += ["--country", COUNTRY]
    print(f"$ odoo db init {db} --with-demo --country {COUNTRY}", flush=True)
    created = subprocess.run(init, check=False, cwd=ROOT, capture_output=True, text=True)
    if created.returncode != 0:
        print(created.stdout[-3000:], created.stderr[-3000:])
        return {
            "run": 0,
            "failed": 1,
            "expected": [],
            "skipped": [],
            "problems": ["database not created"],
            "returncode": created.returncode,
        }
    cmd = [
        sys.executable,
        "-m",
        "odoo",
        "-c",
        str(ROOT / "odoo.conf"),
        "-d",
        db,
        "-i",
        ",".join(install),
        "--with-demo",
        "--test-enable",
        "--test-tags",
        test_tags,
        "--http-port",
        str(http_port),
        "--stop-after-init",
        "--log-level",
        "info",
        "--logfile",
        "",
    ]
    print(f"$ odoo -d {db} -i {','.join(install)} --test-tags {test_tags}", flush=True)
    started, failed, skipped, problems = [], set(), [], []
    current = None
    with (
        open(log_path, "w", encoding="utf-8") as log,
        subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        ) as proc,
    ):
        for line in proc.stdout:
            log.write(line)
            match = LOG_LINE.match(line.rstrip("\n"))
            if not match:
                if current is not None and current["level"] in ("ERROR", "CRITICAL"):
                    print(line, end="")  # traceback continuation of a reported problem
                continue
            current = match.groupdict()
            msg, logger = current["msg"].strip(), current["logger"]
            if m := STARTING.match(msg):
                started.append(f"{logger}:{m['test']}")
            elif m := SKIPPED.match(msg):
                skipped.append(f"{logger}:{m['test']} ({m['reason']})")
            if current["level"] in ("ERROR", "CRITICAL"):
                if m := FAILED.match(msg):
                    failed.add(f"{logger}:{m['test']}")
                problems.append((f"{logger}:{m['test']}" if m else None, f"{current['level']} {logger}: {msg}"))
                print(line, end="", flush=True)
            elif current["level"] == "WARNING" or (
                "Module " in msg and " loaded in " in msg and logger.endswith("loading")
            ):
                print(line, end="", flush=True)
        returncode = proc.wait()
    print(f"(full Odoo log: {log_path.relative_to(ROOT)})")
    # A known upstream failure (see known_failures) is reported, not counted; so are the summary
    # lines Odoo logs because of it, when known failures are the only failures.
    known = known or {}
    expected = {test for test in failed if short_test_id(test) in known}
    only_known = bool(expected) and failed == expected
    problems = [
        text for test_id, text in problems if not (test_id in expected or (only_known and SUMMARY.search(text)))
    ]
    return {
        "run": len(started),
        "failed": len(failed - expected),
        "expected": sorted(expected),
        "skipped": skipped,
        "problems": problems,
        "returncode": 0 if only_known and not problems else returncode,
    }


def run_unit_tests(addons):
    """pytest on ``addons/<addon>/tools/tests`` of the given addons, and on ``tests/unit`` when it exists."""
    paths = sorted(str(p.relative_to(ROOT)) for p in ADDONS.glob("*/tools/tests") if p.parent.parent.name in addons)
    if UNIT_TESTS.is_dir():
        paths.append(str(UNIT_TESTS.relative_to(ROOT)))
    if not paths:
        return {"passed": 0, "failed": 0, "skipped": 0, "returncode": 0}
    LOG_DIR.mkdir(exist_ok=True)
    junit = LOG_DIR / "unit.xml"
    print(f"$ pytest {' '.join(paths)}", flush=True)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--junitxml", str(junit), *paths],
        check=False,
        cwd=ROOT,
    )
    if not junit.exists():
        return {"passed": 0, "failed": 1, "skipped": 0, "returncode": proc.returncode or 1}
    suite = ET.parse(junit).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    total, failures, errors, skips = (int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
    return {
        "passed": total - failures - errors - skips,
        "failed": failures + errors,
        "skipped": skips,
        "returncode": 0 if proc.returncode in (0, 5) else proc.returncode,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=os.environ.get("TEST_DB", "civic_childcare_test"))
    parser.add_argument("--http-port", type=int, default=int(os.environ.get("TEST_HTTP_PORT", "8169")))
    parser.add_argument("--odoo-modules", help="run Odoo's own tests of these modules instead of ours")
    parser.add_argument("--only", help="comma-separated test tags replacing the default ones (debugging)")
    parser.add_argument("--addons", help="comma-separated suite addons to install and test instead of all")
    parser.add_argument("--no-unit", action="store_true", help="skip the database-free unit tests (debugging)")
    parser.add_argument("--no-oca", action="store_true", help="skip the OCA addons' own tests (debugging)")
    args = parser.parse_args()

    version = odoo_version()
    if not (version or "").startswith("19.0"):
        print(f"ERROR: Odoo 19.0 is not importable by {sys.executable} (found: {version}). Run 'make setup'.")
        print("0 passed, 1 failed")
        return 1

    ours = suite_addons()
    if args.addons:
        ours = [m.strip() for m in args.addons.split(",") if m.strip()]
    if args.odoo_modules:
        theirs = [m.strip() for m in args.odoo_modules.split(",") if m.strip()]
        install, tags = ours + EXTRA_MODULES + theirs, ",".join(f"/{m}" for m in theirs)
    else:
        tested = ours if (args.no_oca or args.addons) else ours + OCA_MODULES
        install, tags = ours + EXTRA_MODULES, ",".join(f"/{m}" for m in tested)
    if args.only:
        tags = args.only

    # Known upstream failures are not counted, for Odoo's tests (--odoo-modules) and the OCA addons' tests alike.
    odoo = run_odoo_tests(args.db, install, tags, args.http_port, upstream_known_failures())
    odoo_passed = max(odoo["run"] - odoo["failed"] - len(odoo["expected"]) - len(odoo["skipped"]), 0)
    unit = {"passed": 0, "failed": 0, "skipped": 0, "returncode": 0}
    if not (args.odoo_modules or args.no_unit):
        unit = run_unit_tests(ours)

    print()
    print(f"Odoo tests: {odoo['run']} run, {odoo['failed']} failed, {len(odoo['skipped'])} skipped")
    for skip in odoo["skipped"]:
        print(f"  skipped: {skip}")
    known = known_failures()
    for test in odoo["expected"]:
        print(f"  known upstream failure, not counted: {short_test_id(test)} ({known[short_test_id(test)]})")
    print(f"Unit tests: {unit['passed']} passed, {unit['failed']} failed, {unit['skipped']} skipped")
    failed = odoo["failed"] + unit["failed"]
    bad = False
    if odoo["problems"]:
        print(f"{len(odoo['problems'])} ERROR/CRITICAL line(s) in Odoo's log:")
        for problem in odoo["problems"][:20]:
            print(f"  {problem[:300]}")
        bad = True
    if odoo["returncode"] != 0 or unit["returncode"] != 0:
        print(f"exit codes: odoo {odoo['returncode']}, pytest {unit['returncode']}")
        bad = True
    if odoo["run"] == 0 and not args.only:
        print("no Odoo test ran")
        bad = True
    if bad and not failed:
        failed = 1  # a broken run never reads as green
    skipped = len(odoo["skipped"]) + unit["skipped"]
    print(f"{odoo_passed + unit['passed']} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 1 if (failed or bad) else 0


if __name__ == "__main__":
    sys.exit(main())

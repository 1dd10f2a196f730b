"""What the HTTP benchmarks share (camp_rush.py, portal_pages.py): psql, a free loopback port, the Odoo command
line, one JSON-RPC/GET call on loopback, waiting for a server to answer, stopping it, a percentile.

The benchmarks run as ``python3 tests/bench/NAME.py``: this folder is on their import path."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path


def psql(sql, db="postgres"):
    return subprocess.run(["psql", "-d", db, "-qtAc", sql], check=True, capture_output=True, text=True).stdout


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def odoo_cmd(*args):
    return [sys.executable, "-m", "odoo", *args]


def http_call(port, method, path, params=None, cookie=None, *, timeout=60):
    """(HTTP status, raw body, session cookie): a JSON-RPC POST when ``params`` is given, else a GET."""
    headers = {}
    body = None
    if params is not None:
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params})
        headers["Content-Type"] = "application/json"
    if cookie:
        headers["Cookie"] = f"session_id={cookie}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        new_cookie = None
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("session_id="):
                new_cookie = value.split(";", 1)[0].split("=", 1)[1]
        return response.status, raw, new_cookie or cookie
    finally:
        conn.close()


def wait_until_up(proc, port, log_path, seconds):
    """Wait until the server ``proc`` answers on ``port`` (SystemExit if it stops or stays silent)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server stopped at start-up: see {log_path}")
        try:
            status, _body, _cookie = http_call(port, "POST", "/web/webclient/version_info", {}, timeout=5)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the server did not answer within {seconds} s")


def stop_server(proc, log):
    """Stop the server's process group (SIGTERM, then SIGKILL after 30 s) and close its log."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    log.close()


def percentile(values, share):
    ordered = sorted(values)
    if not ordered:
        return float("inf")
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


def install_db(root, db, modules, template=None):
    """A throw-away database ``db`` with ``modules``: ``odoo db init --country be`` then the modules without
    demo data, or a copy of ``template`` with the modules upgraded. SystemExit with Odoo's output on failure."""
    started = time.perf_counter()
    conf = str(Path(root) / "odoo.conf")
    if template:
        subprocess.run(["createdb", "-T", template, db], check=True)
        steps = []
    else:
        steps = [odoo_cmd("db", "-c", conf, "init", db, "--country", "be", "--force")]
    steps.append(
        odoo_cmd(
            "-c",
            conf,
            "-d",
            db,
            "-u" if template else "-i",
            ",".join(modules),
            *(() if template else ("--without-demo=True",)),
            "--stop-after-init",
            "--log-level=warn",
            "--http-port",
            str(free_port()),
        )
    )
    for cmd in steps:
        proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, check=False)
        if proc.returncode:
            print(proc.stdout[-3000:], proc.stderr[-3000:])
            raise SystemExit(f"installation failed: {' '.join(cmd[2:6])}")
    how = f"cloned from {template} and upgraded" if template else "installed"
    print(f"{', '.join(modules)} {how} in {db} in {time.perf_counter() - started:.0f} s", flush=True)

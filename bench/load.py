#!/usr/bin/env python
"""Load run: pages and API lists under 10 and then 20 concurrent users, through gunicorn, on the grown database.

Starts gunicorn on 127.0.0.1 (a free port) with the shipped settings (``config/gunicorn.py``) against
``salesflow_growth`` (built first by bench/growth.py if it is not there), with ``config.settings.local`` and DEBUG
off. Each simulated user is a thread with its own connection (kept alive where the server keeps it; sync workers
close it after each answer and the user connects again): sales clerks and billing clerks log in through the login
form (session cookie), integrators use their API token. Together they send a fixed number of requests per level,
a mix of lists, detail pages, the new order page and API lists; the run prints requests/s, p50, p95 and errors per
level. gunicorn is stopped at the end, also on Ctrl-C or failure.

    .venv/bin/python bench/load.py [--users 10,20] [--requests 400] [--workers N] [--worker-class gthread --threads 4]
                                   [--json FILE]

See bench/README.md for what to look at.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.urls import reverse  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from bench.common import change_note, environment, p95, server_version  # noqa: E402
from bench.growth import GROWTH_DATABASE, growth_database, subjects  # noqa: E402
from bench.growth_data import Spec  # noqa: E402
from config import gunicorn as shipped  # noqa: E402
from demo.management.commands.seed_demo import DEMO_PASSWORD  # noqa: E402
from invoicing.models import Invoice  # noqa: E402
from marketing.models import Party  # noqa: E402
from salesapp.models import Customer, SalesOrder  # noqa: E402

HOST = "127.0.0.1"
SAMPLE = 300  # records of each kind the detail requests pick from
# Of every 10 users: 6 sales clerks, 2 billing clerks, 2 integrators (API only).
ROLE_SHARES = (("clerk", 6), ("billing", 2), ("integrator", 2))


# --- what the users ask for ---------------------------------------------------------------------------------------


def request_mix() -> dict[str, list[tuple[str, int, object]]]:
    """role → [(page name, weight, path or a function of the random generator giving one)]."""
    found = subjects()
    orders = list(SalesOrder.objects.order_by("?").values_list("pk", flat=True)[:SAMPLE])
    invoices = list(Invoice.objects.filter(state="posted").order_by("?").values_list("pk", flat=True)[:SAMPLE])
    customers = list(Customer.objects.order_by("?").values_list("pk", flat=True)[:SAMPLE])
    parties = list(Party.objects.order_by("?").values_list("pk", flat=True)[:SAMPLE])
    search = quote(found["search"])

    def detail(name: str, ids: list[int]):
        return lambda rng: reverse(name, args=[rng.choice(ids)])

    return {
        "clerk": [
            ("order list", 25, reverse("salesapp:order_list")),
            ("order detail", 20, detail("salesapp:order_detail", orders)),
            ("new order", 10, reverse("salesapp:order_create")),
            ("dashboard", 10, reverse("home")),
            ("order search", 5, f"{reverse('salesapp:order_list')}?q={search}"),
            ("customer list", 5, reverse("salesapp:customer_list")),
            ("customer detail", 5, detail("salesapp:customer_detail", customers)),
            ("party list", 5, reverse("marketing:party_list")),
            ("party detail", 5, detail("marketing:party_detail", parties)),
            ("lead list", 5, reverse("marketing:lead_list")),
            ("item list", 5, reverse("salesapp:item_list")),
        ],
        "billing": [
            ("invoice list", 40, reverse("invoicing:invoice_list")),
            ("invoice detail", 40, detail("invoicing:invoice_detail", invoices)),
            ("dashboard", 10, reverse("home")),
            ("customer detail", 10, detail("salesapp:customer_detail", customers)),
        ],
        "integrator": [
            ("API sales orders", 30, reverse("salesorder-list")),
            ("API invoices", 25, reverse("invoice-list")),
            ("API customers", 15, reverse("customer-list")),
            ("API parties", 15, reverse("party-list")),
            ("API items", 15, reverse("item-list")),
        ],
    }


# --- gunicorn ----------------------------------------------------------------------------------------------------


def database_url() -> str:
    """The grown database as a DATABASE_URL, for the gunicorn processes (which then keep their connections)."""
    d = connection.settings_dict
    credentials = quote(d["USER"] or "") + (":" + quote(d["PASSWORD"]) if d["PASSWORD"] else "")
    location = (d["HOST"] or "") + (f":{d['PORT']}" if d["PORT"] else "")
    query = urlencode({k: v for k, v in d["OPTIONS"].items() if isinstance(v, str | int)})
    return f"postgresql://{credentials}@{location}/{quote(GROWTH_DATABASE)}" + (f"?{query}" if query else "")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn in its own process group, stopped with everything it started when the block ends."""

    def __init__(self, *, workers: int | None, threads: int | None, worker_class: str | None):
        self.port = free_port()
        # The shipped settings (config/gunicorn.py), with what the options change on top.
        self.command = [
            sys.executable,
            "-m",
            "gunicorn",
            f"--config={ROOT / 'config' / 'gunicorn.py'}",
            "config.wsgi:application",
            f"--bind={HOST}:{self.port}",
            *([f"--workers={workers}"] if workers else []),
            *([f"--threads={threads}"] if threads else []),
            *([f"--worker-class={worker_class}"] if worker_class else []),
            "--log-level=warning",
            f"--chdir={ROOT}",
        ]
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_DEBUG": "0",
            "DATABASE_URL": database_url(),
            "GUNICORN_ACCESS_LOG": "",
            # A few integrator tokens send a share of thousands of requests within seconds: more than the API
            # throttle allows one client. The counting itself still runs, so its cost is in the figures.
            "SALESFLOW_API_THROTTLE_RATE": os.environ.get("SALESFLOW_API_THROTTLE_RATE", "1000000/minute"),
        }
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        self.process = subprocess.Popen(self.command, env=self.env, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited at start (code {self.process.returncode}).")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("GET", reverse("login"))
                if conn.getresponse().status == 200:
                    conn.close()
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit("gunicorn did not answer within 60 s.")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return False


# --- users -------------------------------------------------------------------------------------------------------


@dataclass
class Sample:
    page: str
    seconds: float
    ok: bool


@dataclass
class VirtualUser:
    role: str
    port: int
    headers: dict = field(default_factory=dict)

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(HOST, self.port, timeout=60)

    def log_in(self, token: str) -> None:
        if self.role == "integrator":
            self.headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
            return
        conn = self.connect()
        conn.request("GET", reverse("login"))
        response = conn.getresponse()
        page = response.read().decode()
        csrf_cookie = _cookie(response, "csrftoken")
        csrf_field = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urlencode({"username": self.role, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": csrf_field})
        conn.request(
            "POST",
            reverse("login"),
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf_cookie}"},
        )
        response = conn.getresponse()
        response.read()
        session = _cookie(response, "sessionid")
        if response.status != 302 or not session:
            raise SystemExit(f"Logging in as {self.role} failed (status {response.status}).")
        conn.close()
        self.headers = {"Cookie": f"sessionid={session}; csrftoken={csrf_cookie}"}

    def run(self, mix, tickets, samples: list[Sample], rng: random.Random) -> None:
        names = [m[0] for m in mix]
        weights = [m[1] for m in mix]
        paths = {m[0]: m[2] for m in mix}
        conn = self.connect()
        while tickets.take():
            page = rng.choices(names, weights)[0]
            path = paths[page](rng) if callable(paths[page]) else paths[page]
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=self.headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = self.connect()
            samples.append(Sample(page, time.perf_counter() - started, ok))
        conn.close()


def _cookie(response: http.client.HTTPResponse, name: str) -> str | None:
    for header in response.headers.get_all("Set-Cookie") or []:
        match = re.match(rf"{name}=([^;]*)", header)
        if match:
            return match.group(1)
    return None


class Tickets:
    """The fixed number of requests a level sends, shared by its users."""

    def __init__(self, count: int):
        self.left = count
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def roles_for(users: int) -> list[str]:
    roles = []
    while len(roles) < users:
        for role, share in ROLE_SHARES:
            roles += [role] * share
    return roles[:users]


def level(users: int, requests: int, *, port: int, mix, token: str, seed: int) -> dict:
    people = [VirtualUser(role, port) for role in roles_for(users)]
    for person in people:
        person.log_in(token)
    samples: list[Sample] = []
    tickets = Tickets(requests)
    # Daemon threads: an interrupted run (Ctrl-C, SIGTERM) exits at once instead of sending what is left.
    threads = [
        threading.Thread(target=p.run, args=(mix[p.role], tickets, samples, random.Random(seed + n)), daemon=True)
        for n, p in enumerate(people)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    times = sorted(s.seconds for s in samples)
    per_page = {}
    for page in sorted({s.page for s in samples}):
        page_times = sorted(s.seconds for s in samples if s.page == page)
        per_page[page] = {
            "requests": len(page_times),
            "ms_p50": round(statistics.median(page_times) * 1000, 1),
            "ms_p95": round(p95(page_times) * 1000, 1) if len(page_times) >= 20 else None,
        }
    return {
        "users": users,
        "requests": len(samples),
        "seconds": round(elapsed, 1),
        "requests_per_second": round(len(samples) / elapsed, 1),
        "ms_p50": round(statistics.median(times) * 1000, 1),
        "ms_p95": round(p95(times) * 1000, 1),
        "ms_max": round(times[-1] * 1000, 1),
        "errors": sum(not s.ok for s in samples),
        "pages": per_page,
    }


def run(
    *, levels: list[int], requests: int, warmup: int, workers: int | None, threads: int | None, worker_class: str | None
) -> dict:
    workers = workers or shipped.workers
    worker_class = worker_class or shipped.worker_class
    threads = threads or 1
    with growth_database(Spec(), rebuild=False):
        mix = request_mix()
        token, _created = Token.objects.get_or_create(user=User.objects.get(username="integrator"))
        postgresql = server_version()
        url = database_url()
    results = []
    with Gunicorn(workers=workers, threads=threads, worker_class=worker_class) as server:
        print(
            f"gunicorn on {HOST}:{server.port}, {workers} {worker_class} workers x {threads} threads, "
            f"database {url.split('@')[1]}"
        )
        # Every worker process loads templates and opens its connections on its first requests.
        level(max(levels), warmup, port=server.port, mix=mix, token=token.key, seed=0)
        for n, users in enumerate(levels, start=1):
            result = level(users, requests, port=server.port, mix=mix, token=token.key, seed=1000 * n)
            print(
                f"  {users:>3} users: {result['requests']} requests in {result['seconds']} s, "
                f"{result['requests_per_second']} req/s, p50 {result['ms_p50']} ms, p95 {result['ms_p95']} ms, "
                f"errors {result['errors']}"
            )
            results.append(result)
    return {
        "workers": workers,
        "worker_class": worker_class,
        "threads": threads,
        "requests_per_level": requests,
        "levels": results,
        "environment": environment(postgresql),
    }


def report(result: dict, baseline: dict | None) -> None:
    env = result["environment"]
    print(
        f"load: gunicorn {result['workers']} {result.get('worker_class', 'gthread')} workers x {result['threads']} "
        "threads, grown database"
    )
    print(f"  commit {env['commit']}, Python {env['python']}, PostgreSQL {env['postgresql']}, {env['cpus']} CPUs")
    print(f"  {'users':>5}{'requests':>10}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'errors':>8}")
    before = {lv["users"]: lv for lv in (baseline or {}).get("levels", [])}
    for lv in result["levels"]:
        versus = ""
        if lv["users"] in before:
            versus = change_note(before[lv["users"]]["ms_p95"], lv["ms_p95"], higher_is_better=False)
        print(
            f"  {lv['users']:>5}{lv['requests']:>10}{lv['requests_per_second']:>8}{lv['ms_p50']:>9}"
            f"{lv['ms_p95']:>9}{lv['ms_max']:>9}{lv['errors']:>8}{versus}"
        )
    pages = sorted({page for lv in result["levels"] for page in lv["pages"]})
    header = "".join(f"{str(lv['users']) + ' users p50/p95':>22}" for lv in result["levels"])
    print(f"  {'page':<20}{header}")
    for page in pages:
        cells = ""
        for lv in result["levels"]:
            figures = lv["pages"].get(page)
            text = "-" if not figures else f"{figures['ms_p50']}/{figures['ms_p95'] or '(few)'}"
            cells += f"{text:>22}"
        print(f"  {page:<20}{cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="10,20", help="concurrent users per level, comma-separated (default 10,20)")
    parser.add_argument("--requests", type=int, default=400, help="requests per level (default 400)")
    parser.add_argument("--warmup", type=int, default=60, help="requests sent first, not measured (default 60)")
    parser.add_argument(
        "--workers", type=int, help=f"gunicorn worker processes (default config/gunicorn.py's: {shipped.workers})"
    )
    parser.add_argument("--threads", type=int, help="threads per gunicorn worker (gthread workers only)")
    parser.add_argument(
        "--worker-class", help=f"gunicorn worker class (default config/gunicorn.py's: {shipped.worker_class})"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file (e.g. bench/results/x.json)")
    parser.add_argument("--baseline", type=Path, help="a --json file of an earlier run to compare with")
    args = parser.parse_args()
    try:
        levels = [int(n) for n in args.users.split(",")]
    except ValueError:
        parser.error("--users: whole numbers separated by commas, e.g. 10,20")
    sizes = [n for n in (args.workers, args.threads) if n is not None]
    if not levels or min(levels) < 1 or args.requests < 1 or min(sizes, default=1) < 1:
        parser.error("--users, --requests, --workers and --threads must be at least 1")
    baseline = json.loads(args.baseline.read_text()) if args.baseline else None
    # A SIGTERM (a CI timeout, kill) ends the run like Ctrl-C does: gunicorn is stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    result = run(
        levels=levels,
        requests=args.requests,
        warmup=args.warmup,
        workers=args.workers,
        threads=args.threads,
        worker_class=args.worker_class,
    )
    report(result, baseline)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"  figures written to {args.json}")
    if any(lv["errors"] for lv in result["levels"]):
        raise SystemExit("Some requests failed (see the errors column).")


if __name__ == "__main__":
    main()

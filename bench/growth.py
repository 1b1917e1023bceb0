#!/usr/bin/env python
"""Pages at scale: server time and queries of the main pages and API lists on a database grown to 20,000 orders.

The first run builds ``salesflow_growth`` on the server the settings point at (the demo company, then 20,000
sales orders with 100,000 lines and everything that follows from them; see bench/growth_data.py) and keeps it:
later runs reuse it and only apply new migrations. ``--rebuild`` drops and builds it again.

Each page is requested N times through Django's test ``Client`` (in process: middleware, session, view,
template; no web server), logged in as the role that uses it, or with the integrator's token for the API.

    .venv/bin/python bench/growth.py [--rebuild] [--requests 20] [--json FILE] [--baseline FILE] [--explain PAGE]

See bench/README.md for what to look at.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
# DEBUG keeps every SQL statement in memory: measure what production runs.
os.environ.setdefault("DJANGO_DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from bench.common import change_note, environment, p95, server_version, switch_to  # noqa: E402
from bench.growth_data import Spec, build  # noqa: E402
from core.db_roles import as_owner  # noqa: E402
from invoicing.models import Invoice  # noqa: E402
from salesapp.models import Customer, SalesOrder  # noqa: E402

GROWTH_DATABASE = "salesflow_growth"
# Bumped when the shape of the grown data changes: a database built by an older version is rebuilt.
DATA_VERSION = 1
# Issue 9: at 20,000 orders these pages answer within 60 ms of server time.
BAR_MS = 60
BAR_PAGES = ("order_list", "order_new")


# --- the grown database ------------------------------------------------------------------------------------------


def _marker(spec: Spec) -> str:
    return json.dumps({"salesflow_growth": DATA_VERSION, **spec.as_dict()}, sort_keys=True)


def _stored_marker(name: str) -> str | None:
    """The comment a complete build leaves on the database (None: absent, or its build never finished)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name])
        row = cursor.fetchone()
    return row[0] if row else None


@contextmanager
def growth_database(spec: Spec, *, rebuild: bool):
    """Point the connection at the grown database, building it first when it is missing, incomplete, made for
    other sizes or ``rebuild`` is asked. Yields the build seconds (None when it was reused)."""
    original = connection.settings_dict["NAME"]
    marker = _marker(spec)
    stored = _stored_marker(GROWTH_DATABASE)
    built_seconds = None
    if rebuild or stored != marker:
        reason = "--rebuild" if rebuild else ("absent" if stored is None else "made for other sizes or unfinished")
        print(f"Building {GROWTH_DATABASE} ({reason}); this takes a few minutes once.")
        started = time.monotonic()
        # Made, vacuumed and marked by the owner role; filled as the application does (core/db_roles.py).
        with as_owner(connection), connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{GROWTH_DATABASE}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{GROWTH_DATABASE}"')
        switch_to(GROWTH_DATABASE)
        call_command("migrate", verbosity=0, interactive=False)
        print(f"  {'migrate':<38} {time.monotonic() - started:6.1f} s")
        build(spec)
        analyze_started = time.monotonic()
        with as_owner(connection), connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            cursor.execute(f'COMMENT ON DATABASE "{GROWTH_DATABASE}" IS %s', [marker])
        print(f"  {'VACUUM ANALYZE':<38} {time.monotonic() - analyze_started:6.1f} s")
        built_seconds = round(time.monotonic() - started, 1)
        print(f"  {'built in':<38} {built_seconds:6.1f} s")
    else:
        switch_to(GROWTH_DATABASE)
        with as_owner(connection):  # the owner reads what is applied, whatever the application may read yet
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            print(f"Applying new migrations to {GROWTH_DATABASE}.")
        # Always: migrate also grants the application role its rights on what the owner made.
        call_command("migrate", verbosity=0, interactive=False)
        if pending:
            with as_owner(connection), connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    try:
        yield built_seconds
    finally:
        switch_to(original)


# --- measuring ---------------------------------------------------------------------------------------------------


class SqlRecorder:
    """Counts and times the statements of a request; keeps them when asked (for --explain)."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0
        self.statements: list[tuple[float, str, object]] | None = None

    def reset(self, *, keep: bool = False) -> None:
        self.count, self.seconds = 0, 0.0
        self.statements = [] if keep else None

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.count += 1
            self.seconds += elapsed
            if self.statements is not None:
                self.statements.append((elapsed, sql, params))


def subjects() -> dict:
    """The records the detail pages show: the busiest customer and its latest documents."""
    customer = Customer.objects.annotate(order_count=Count("orders")).order_by("-order_count", "pk").first()
    order = (
        SalesOrder.objects.filter(customer=customer, state="invoiced")
        .annotate(line_count=Count("lines"))
        .filter(line_count=5)
        .order_by("-pk")
        .first()
    ) or SalesOrder.objects.filter(customer=customer).order_by("-pk").first()
    invoice = Invoice.objects.filter(customer=customer, state="posted").order_by("-pk").first()
    # Two words of the customer's name: what a clerk types to find its orders.
    search = " ".join(customer.party.name.split()[:2])
    return {"customer": customer, "order": order, "invoice": invoice, "search": search}


def pages(found: dict) -> dict[str, tuple[str, str, str]]:
    """name → (label, who, URL). Who: a demo user name for pages, "token" for the API."""
    customer, order, invoice = found["customer"], found["order"], found["invoice"]
    search = found["search"].replace(" ", "+")
    return {
        "dashboard": ("dashboard", "clerk", reverse("home")),
        "order_list": ("order list", "clerk", reverse("salesapp:order_list")),
        "order_search": (
            f"order list, search '{found['search']}'",
            "clerk",
            f"{reverse('salesapp:order_list')}?q={search}",
        ),
        "order_new": ("new order", "clerk", reverse("salesapp:order_create")),
        "order_detail": (f"order {order.number}", "clerk", reverse("salesapp:order_detail", args=[order.pk])),
        "customer_list": ("customer list", "clerk", reverse("salesapp:customer_list")),
        "customer_detail": (
            f"customer {customer.number} ({customer.order_count} orders)",
            "clerk",
            reverse("salesapp:customer_detail", args=[customer.pk]),
        ),
        "party_list": ("party list", "clerk", reverse("marketing:party_list")),
        "party_detail": (
            "party of that customer",
            "clerk",
            reverse("marketing:party_detail", args=[customer.party_id]),
        ),
        "lead_list": ("lead list", "clerk", reverse("marketing:lead_list")),
        "invoice_list": ("invoice list", "billing", reverse("invoicing:invoice_list")),
        "invoice_detail": (
            f"invoice {invoice.number}",
            "billing",
            reverse("invoicing:invoice_detail", args=[invoice.pk]),
        ),
        "item_list": ("item list", "clerk", reverse("salesapp:item_list")),
        "api_orders": ("API sales orders", "token", reverse("salesorder-list")),
        "api_invoices": ("API invoices", "token", reverse("invoice-list")),
        "api_customers": ("API customers", "token", reverse("customer-list")),
        "api_parties": ("API parties", "token", reverse("party-list")),
        "api_items": ("API items", "token", reverse("item-list")),
    }


def clients() -> dict[str, Client]:
    # The test client calls itself "testserver"; the rest of the request runs as in production.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    made = {}
    for username in ("clerk", "billing"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        made[username] = client
    token, _created = Token.objects.get_or_create(user=User.objects.get(username="integrator"))
    made["token"] = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    return made


def measure_pages(*, requests: int, warmup: int, only: list[str] | None) -> dict:
    recorder = SqlRecorder()
    found = subjects()
    by_who = clients()
    figures = {}
    with connection.execute_wrapper(recorder):
        for name, (label, who, url) in pages(found).items():
            if only and name not in only:
                continue
            client = by_who[who]
            timings, sql_times, counts, status, size = [], [], [], 200, 0
            for index in range(warmup + requests):
                recorder.reset()
                started = time.perf_counter()
                response = client.get(url)
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    status = response.status_code
                    break
                if index >= warmup:
                    timings.append(elapsed)
                    sql_times.append(recorder.seconds)
                    counts.append(recorder.count)
                    size = len(response.content)
            if status != 200:
                figures[name] = {"label": label, "url": url, "who": who, "status": status}
                continue
            timings.sort()
            figures[name] = {
                "label": label,
                "url": url,
                "who": who,
                "status": status,
                "requests": requests,
                "ms_p50": round(statistics.median(timings) * 1000, 1),
                "ms_p95": round(p95(timings) * 1000, 1),
                "sql_ms_p50": round(statistics.median(sql_times) * 1000, 1),
                "queries": max(counts),
                "queries_min": min(counts),
                "kb": round(size / 1024, 1),
            }
    return figures


def explain(name: str, *, top: int) -> None:
    """One request of a page with every statement timed; EXPLAIN ANALYZE of the slowest ones."""
    found = subjects()
    label, who, url = pages(found)[name]
    client = clients()[who]
    client.get(url)  # warm caches, as the measured requests are
    recorder = SqlRecorder()
    recorder.reset(keep=True)
    with connection.execute_wrapper(recorder):
        started = time.perf_counter()
        client.get(url)
        elapsed = time.perf_counter() - started
    statements = sorted(recorder.statements, key=lambda s: -s[0])
    print(
        f"\n{label} ({url}): {elapsed * 1000:.1f} ms, {recorder.count} statements, SQL {recorder.seconds * 1000:.1f} ms"
    )
    for seconds, sql, _params in statements[:top]:
        print(f"  {seconds * 1000:7.1f} ms  {sql[:300]}")
    with connection.cursor() as cursor:
        for seconds, sql, params in statements[:top]:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print(f"\n  EXPLAIN ANALYZE of the {seconds * 1000:.1f} ms statement:")
            for (line,) in cursor.fetchall():
                print(f"    {line}")


# --- report ------------------------------------------------------------------------------------------------------


def report(result: dict, baseline: dict | None) -> None:
    env = result["environment"]
    counts = result["counts"]
    print(
        f"growth: {counts['orders']} orders, {counts['order_lines']} lines, {counts['customers']} customers, "
        f"{counts['invoices']} invoices, {counts['parties']} parties, {counts['items']} items, {counts['leads']} leads"
    )
    print(f"  commit {env['commit']}, Python {env['python']}, PostgreSQL {env['postgresql']}, {env['cpus']} CPUs")
    print(f"  {result['requests']} requests per page after {result['warmup']} warm-up; in-process server time")
    print(f"  {'page':<44}{'p50 ms':>8}{'p95 ms':>8}{'SQL ms':>8}{'queries':>9}{'KB':>7}")
    for name, page in result["pages"].items():
        if page["status"] != 200:
            print(f"  {page['label'][:43]:<44}  answered {page['status']}: {page['url']}")
            continue
        queries = (
            str(page["queries"])
            if page["queries"] == page["queries_min"]
            else f"{page['queries_min']}-{page['queries']}"
        )
        flag = "  over the 60 ms bar" if name in BAR_PAGES and page["ms_p50"] > BAR_MS else ""
        versus = ""
        if baseline and name in baseline.get("pages", {}) and baseline["pages"][name].get("ms_p50"):
            before = baseline["pages"][name]
            versus = change_note(before["ms_p50"], page["ms_p50"], higher_is_better=False)
            if before["queries"] != page["queries"]:
                versus += f" queries were {before['queries']}"
        print(
            f"  {page['label'][:43]:<44}{page['ms_p50']:>8}{page['ms_p95']:>8}{page['sql_ms_p50']:>8}"
            f"{queries:>9}{page['kb']:>7}{flag}{versus}"
        )


def database_counts() -> dict:
    from invoicing.models import Invoice as InvoiceModel
    from marketing.models import Lead, Party
    from salesapp.models import Item, SalesOrderLine

    return {
        "orders": SalesOrder.objects.count(),
        "order_lines": SalesOrderLine.objects.count(),
        "customers": Customer.objects.count(),
        "invoices": InvoiceModel.objects.count(),
        "parties": Party.objects.count(),
        "items": Item.objects.count(),
        "leads": Lead.objects.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help=f"drop {GROWTH_DATABASE} and build it again")
    parser.add_argument("--requests", type=int, default=20, help="measured requests per page (default 20)")
    parser.add_argument("--warmup", type=int, default=2, help="requests per page run first, not measured (default 2)")
    parser.add_argument("--pages", help="comma-separated page names to measure (default: all)")
    parser.add_argument("--explain", metavar="PAGE", help="also time each statement of PAGE and EXPLAIN the slowest")
    parser.add_argument("--top", type=int, default=3, help="statements --explain shows (default 3)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file (e.g. bench/results/x.json)")
    parser.add_argument("--baseline", type=Path, help="a --json file of an earlier run to compare with")
    parser.add_argument("--orders", type=int, default=Spec.orders, help=f"orders to grow to (default {Spec.orders})")
    parser.add_argument("--lines", type=int, default=Spec.lines, help=f"order lines (default {Spec.lines})")
    parser.add_argument("--customers", type=int, default=Spec.customers, help=f"customers (default {Spec.customers})")
    args = parser.parse_args()
    if args.requests < 1 or args.warmup < 0:
        parser.error("--requests must be at least 1, --warmup at least 0")
    if not args.orders <= args.lines <= 12 * args.orders:
        parser.error("--lines must be between --orders and 12 times --orders")
    spec = Spec(orders=args.orders, lines=args.lines, customers=args.customers)
    only = args.pages.split(",") if args.pages else None
    baseline = json.loads(args.baseline.read_text()) if args.baseline else None
    with growth_database(spec, rebuild=args.rebuild) as built_seconds:
        known = pages(subjects())
        for name in (only or []) + ([args.explain] if args.explain else []):
            if name not in known:
                parser.error(f"unknown page '{name}'; pages: {', '.join(known)}")
        figures = measure_pages(requests=args.requests, warmup=args.warmup, only=only)
        result = {
            "spec": spec.as_dict(),
            "counts": database_counts(),
            "build_seconds": built_seconds,
            "requests": args.requests,
            "warmup": args.warmup,
            "pages": figures,
            "environment": environment(server_version()),
        }
        report(result, baseline)
        if args.explain:
            explain(args.explain, top=args.top)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"  figures written to {args.json}")
    if any(page["status"] != 200 for page in figures.values()):
        raise SystemExit("Some pages did not answer 200 (see above).")


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Lead-to-cash throughput: N sales orders of 5 lines each, from creation to posted invoice, through the services.

Each order goes create → confirm → packing slip (create + post) → invoice from the packing slip → post,
every step its own transaction, as when a clerk and a billing clerk click through it.

The run uses a throwaway database (``salesflow_bench``) on the server the settings point at: created and
migrated at the start, dropped at the end, so demo or development data is never touched.

    .venv/bin/python bench/lead_to_cash.py [--orders 500] [--pdf] [--json FILE] [--baseline FILE]

See bench/README.md for how to compare runs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
# DEBUG keeps every SQL statement in memory: measure what production runs.
os.environ.setdefault("DJANGO_DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from bench.common import (  # noqa: E402
    QueryCounter,
    change_note,
    environment,
    p95,
    server_version,
    throwaway_database,
    user_with_role,
)
from core import roles  # noqa: E402
from core.jobs import jobs_run_due  # noqa: E402
from invoicing.services.invoices import invoice_create_from_order, invoice_post  # noqa: E402
from marketing.services.parties import party_create  # noqa: E402
from salesapp.models import SalesOrder, TaxCode  # noqa: E402
from salesapp.services.customers import customer_create  # noqa: E402
from salesapp.services.items import item_create  # noqa: E402
from salesapp.services.orders import OrderLineInput, order_confirm, order_create  # noqa: E402
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post  # noqa: E402
from salesapp.services.stock import stock_adjust  # noqa: E402

BENCH_DATABASE = "salesflow_bench"
# The raw-SQL floor of one lead-to-cash order (../shared/bench/floor.py): our speed is reported as a ratio to it.
FLOOR_SCRIPT = ROOT.parent / "shared" / "bench" / "floor.py"
LINES_PER_ORDER = 5
STEPS = ("order_create", "order_confirm", "packing_slip_create", "packing_slip_post", "invoice_create", "invoice_post")


def master_data(customers: int = 20, items: int = 25):
    clerk = user_with_role("bench_clerk", roles.SALES_CLERK)
    billing = user_with_role("bench_billing", roles.BILLING_CLERK)
    manager = user_with_role("bench_manager", roles.SALES_MANAGER)
    nl21 = TaxCode.objects.get(code="NL21")
    customer_list = [
        customer_create(
            party=party_create(
                name=f"Bench Customer {n:02d} B.V.",
                city="Utrecht",
                postcode="3511 AA",
                country="NL",
                allow_duplicate=True,  # a rerun on the same database makes the same customers again
                by=manager,
            ),
            payment_terms_days=30,
            by=manager,
        )
        for n in range(customers)
    ]
    item_list = [
        item_create(
            number=f"BENCH-{n:03d}", name=f"Bench item {n}", unit_price=Decimal(5 + 7 * n), tax_code=nl21, by=manager
        )
        for n in range(items)
    ]
    for item in item_list:
        # Every order ships from stock: enough on hand for any run.
        stock_adjust(item=item, quantity=Decimal("1000000"), reason="Opening stock", by=manager)
    return clerk, billing, customer_list, item_list


def lead_to_cash(
    index: int, *, clerk, billing, customers, items, counter: QueryCounter, timings, store_pdf: bool
) -> None:
    def step(name, run):
        counter.step = name
        started = time.perf_counter()
        result = run()
        timings[name] += time.perf_counter() - started
        counter.step = None
        return result

    lines = [
        OrderLineInput(item=items[(index * LINES_PER_ORDER + k) % len(items)], quantity=Decimal(1 + (index + k) % 7))
        for k in range(LINES_PER_ORDER)
    ]
    customer = customers[index % len(customers)]
    order = step("order_create", lambda: order_create(customer=customer, lines=lines, by=clerk))
    order = step("order_confirm", lambda: order_confirm(order=order, by=clerk))
    slip = step("packing_slip_create", lambda: packing_slip_create(order=order, by=clerk))
    slip = step("packing_slip_post", lambda: packing_slip_post(packing_slip=slip, by=clerk))
    invoice = step(
        "invoice_create",
        lambda: invoice_create_from_order(order=order, basis="packing_slips", packing_slips=[slip], by=clerk),
    )
    step("invoice_post", lambda: invoice_post(invoice=invoice, store_pdf=store_pdf, by=billing))
    if store_pdf:
        # The PDF is a job enqueued by the posting: run here as a worker would, so its cost is counted.
        step("invoice_pdf_job", jobs_run_due)


def run(orders: int, warmup: int, pdf: bool) -> dict:
    with ExitStack() as stack:
        stack.enter_context(throwaway_database(BENCH_DATABASE))
        clerk, billing, customers, items = master_data()
        counter = QueryCounter()
        stack.enter_context(connection.execute_wrapper(counter))
        context = {
            "clerk": clerk,
            "billing": billing,
            "customers": customers,
            "items": items,
            "counter": counter,
            "store_pdf": pdf,
        }
        for index in range(warmup):
            lead_to_cash(index, timings=defaultdict(float), **context)
        counter.counts.clear()
        timings: dict[str, float] = defaultdict(float)
        per_order: list[float] = []
        started = time.perf_counter()
        for index in range(warmup, warmup + orders):
            order_started = time.perf_counter()
            lead_to_cash(index, timings=timings, **context)
            per_order.append(time.perf_counter() - order_started)
        elapsed = time.perf_counter() - started
        invoiced = SalesOrder.objects.filter(state="invoiced").count()
        if invoiced != warmup + orders:
            raise SystemExit(f"Only {invoiced} of {warmup + orders} orders reached 'invoiced': the run is not valid.")
        postgresql = server_version()
    per_order.sort()
    return {
        "orders": orders,
        "lines_per_order": LINES_PER_ORDER,
        "pdf": pdf,
        "seconds": round(elapsed, 3),
        "orders_per_second": round(orders / elapsed, 2),
        "invoices_posted_per_second": round(orders / timings["invoice_post"], 2),
        "queries_per_order": round(sum(counter.counts.values()) / orders, 1),
        "ms_per_order": {
            "median": round(statistics.median(per_order) * 1000, 1),
            "p95": round(p95(per_order) * 1000, 1),
        },
        "steps": {
            name: {
                "ms_per_order": round(timings[name] / orders * 1000, 2),
                "queries_per_order": round(counter.counts[name] / orders, 1),
            }
            for name in STEPS
        },
        "environment": environment(postgresql),
    }


def floor_orders_per_second(script: Path, orders: int) -> float:
    """Run the raw-SQL floor for ``orders`` orders on its own private server and return its orders/s."""
    done = subprocess.run(
        [sys.executable, "-W", "ignore", str(script), str(orders)], capture_output=True, text=True, check=True
    )
    found = re.search(r"= ([0-9.]+) orders/s", done.stdout)
    if not found:
        raise SystemExit(f"The floor printed no orders/s: {done.stdout!r} {done.stderr[-500:]!r}")
    return float(found.group(1))


def with_floor(result: dict, script: Path) -> dict:
    """The floor runs right before and right after ours, on the same machine at the same time; the ratio is
    taken to the faster of the two floor runs, so a busy moment never flatters ours."""
    floors = [result.pop("floor_before"), floor_orders_per_second(script, result["orders"])]
    result["floor_orders_per_second"] = max(floors)
    result["ratio_to_floor"] = round(result["orders_per_second"] / max(floors), 3)
    return result


def report(result: dict, baseline: dict | None) -> None:
    def versus(key: str, higher_is_better: bool) -> str:
        if not baseline:
            return ""
        return change_note(baseline[key], result[key], higher_is_better=higher_is_better)

    env = result["environment"]
    if baseline and (baseline["orders"], baseline["pdf"]) != (result["orders"], result["pdf"]):
        print("  note: the baseline ran with other --orders or --pdf settings; the figures compare poorly")
    print(
        f"lead-to-cash: {result['orders']} orders × {result['lines_per_order']} lines, "
        f"PDF rendering {'included' if result['pdf'] else 'deferred'}"
    )
    print(f"  commit {env['commit']}, Python {env['python']}, PostgreSQL {env['postgresql']}, {env['cpus']} CPUs")
    print(f"  total seconds      {result['seconds']:>9}{versus('seconds', False)}")
    print(f"  orders/s           {result['orders_per_second']:>9}{versus('orders_per_second', True)}")
    print(f"  invoices posted/s  {result['invoices_posted_per_second']:>9}{versus('invoices_posted_per_second', True)}")
    print(f"  queries per order  {result['queries_per_order']:>9}{versus('queries_per_order', False)}")
    if "ratio_to_floor" in result:
        print(f"  raw-SQL floor      {result['floor_orders_per_second']:>9} orders/s (best of a run before and after)")
        print(f"  ratio to floor     {result['ratio_to_floor']:>9}{versus('ratio_to_floor', True)}")
    print(f"  ms per order       median {result['ms_per_order']['median']}, p95 {result['ms_per_order']['p95']}")
    print(f"  {'step':<22}{'ms/order':>10}{'queries/order':>15}")
    for name, figures in result["steps"].items():
        print(f"  {name:<22}{figures['ms_per_order']:>10}{figures['queries_per_order']:>15}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=500, help="orders to measure (default 500)")
    parser.add_argument("--warmup", type=int, default=10, help="orders run first and not measured (default 10)")
    parser.add_argument(
        "--pdf", action="store_true", help="render and store each invoice PDF (its job) after it is posted"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file (e.g. bench/results/x.json)")
    parser.add_argument("--baseline", type=Path, help="a --json file of an earlier run to compare with")
    parser.add_argument(
        "--floor",
        type=Path,
        default=FLOOR_SCRIPT,
        help=f"the raw-SQL floor script run before and after ours (default {FLOOR_SCRIPT}); --floor '' skips it",
    )
    args = parser.parse_args()
    if args.orders < 1:
        parser.error("--orders must be at least 1")
    baseline = json.loads(args.baseline.read_text()) if args.baseline else None
    floor = args.floor if str(args.floor) not in ("", ".") else None
    if floor and not floor.exists():
        print(f"  note: no floor script at {floor}: no ratio to the floor (pass --floor PATH)")
        floor = None
    floor_before = floor_orders_per_second(floor, args.orders) if floor else None
    result = run(orders=args.orders, warmup=args.warmup, pdf=args.pdf)
    if floor:
        result = with_floor({**result, "floor_before": floor_before}, floor)
    report(result, baseline)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"  figures written to {args.json}")


if __name__ == "__main__":
    main()

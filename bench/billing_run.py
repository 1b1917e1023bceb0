#!/usr/bin/env python
"""Summary invoicing at scale (issue 13's bar: 10,000 packing slips of 1,000 customers invoiced and posted in one
run in < 60 s): a packing-slip billing run drafts one invoice per customer, then "Post all" posts them.

A throwaway database ``salesflow_bench_billing_run`` gets 1,000 customers with 5 delivered orders each (2 lines an
order) and 2 posted packing slips per order, shipped last month: 10,000 slips, 20,000 slip lines. Rows are inserted
set-wise (bench/growth_data.insert_rows): the deliveries are the set-up, not what is measured. The run's two jobs
are then run synchronously through their services (``summary_run_process``, ``summary_run_post_process``, as the
worker would call them), each timed and its statements counted.

    .venv/bin/python bench/billing_run.py [--customers 1000] [--orders 5]
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
# DEBUG keeps every SQL statement in memory: measure what production runs.
os.environ.setdefault("DJANGO_DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.common import QueryCounter, environment, server_version, throwaway_database, user_with_role  # noqa: E402
from bench.growth_data import Numbers, insert_rows  # noqa: E402
from core import roles  # noqa: E402
from invoicing.models import BillingRunResult, Invoice  # noqa: E402
from invoicing.services.summary_runs import (  # noqa: E402
    summary_run_post_all,
    summary_run_post_process,
    summary_run_process,
    summary_run_start,
)
from marketing.choices import PartyKind  # noqa: E402
from marketing.models import Party  # noqa: E402
from salesapp.choices import LineType, OrderState, PackingSlipState  # noqa: E402
from salesapp.models import Customer, Item, PackingSlip, PackingSlipLine, SalesOrder, SalesOrderLine, TaxCode  # noqa: E402

BENCH_DATABASE = "salesflow_bench_billing_run"
LINES_PER_ORDER = 2
SLIPS_PER_ORDER = 2
D = Decimal


def build(*, customers: int, orders_per_customer: int, rng: random.Random) -> dict:
    manager = user_with_role("bench_manager", roles.SALES_MANAGER)
    billing = user_with_role("bench_billing", roles.BILLING_CLERK)
    clerk = user_with_role("bench_clerk", roles.SALES_CLERK)
    today = timezone.localdate()
    month_start = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    nl21 = TaxCode.objects.get(code="NL21")
    parties = insert_rows(
        Party,
        [
            {
                "kind": PartyKind.ORGANIZATION,
                "name": f"Monthly Customer {n:04d} B.V.",
                "city": "Utrecht",
                "country": "NL",
                "language": "nl",
                "created_by_id": clerk.pk,
            }
            for n in range(customers)
        ],
    )
    numbers = Numbers("customer")
    customer_ids = insert_rows(
        Customer,
        [
            {"party_id": pk, "number": numbers.take(), "invoice_monthly": True, "created_by_id": manager.pk}
            for pk in parties
        ],
    )
    numbers.save()
    items = insert_rows(
        Item,
        [
            {
                "number": f"SUM-{n:03d}",
                "name": f"Monthly product {n}",
                "item_type": "stocked",
                "unit": "pcs",
                "unit_price": D(5 + n),
                "tax_code_id": nl21.pk,
                "created_by_id": manager.pk,
            }
            for n in range(100)
        ],
    )
    numbers = Numbers("sales_order")
    order_rows = [
        {
            "number": numbers.take(),
            "customer_id": customer_id,
            "currency": "EUR",
            "order_date": month_start,
            "state": OrderState.DELIVERED,
            "confirmed_at": timezone.now(),
            "created_by_id": clerk.pk,
        }
        for customer_id in customer_ids
        for _ in range(orders_per_customer)
    ]
    numbers.save()
    order_ids = insert_rows(SalesOrder, order_rows)
    line_rows = []
    for order_id in order_ids:
        for index, item_id in enumerate(rng.sample(items, LINES_PER_ORDER)):
            quantity = D(2 * rng.randrange(1, 6))  # even: half on each slip
            price = D(5 + items.index(item_id))
            line_rows.append(
                {
                    "order_id": order_id,
                    "line_no": (index + 1) * 10,
                    "line_type": LineType.ITEM,
                    "item_id": item_id,
                    "description": f"Monthly product {item_id}",
                    "quantity": quantity,
                    "qty_delivered": quantity,
                    "unit": "pcs",
                    "unit_price": price,
                    "tax_code_id": nl21.pk,
                    "net_amount": quantity * price,
                }
            )
    line_ids = insert_rows(SalesOrderLine, line_rows)
    numbers = Numbers("packing_slip")
    slip_rows = []
    for n, order_id in enumerate(order_ids):
        for slip in range(SLIPS_PER_ORDER):
            ship_date = month_start + datetime.timedelta(days=(n + slip * 14) % 28)
            slip_rows.append(
                {
                    "order_id": order_id,
                    "number": numbers.take(),
                    "ship_date": ship_date,
                    "state": PackingSlipState.POSTED,
                    "posted_at": timezone.now(),
                    "created_by_id": clerk.pk,
                }
            )
    numbers.save()
    slip_ids = insert_rows(PackingSlip, slip_rows)
    slip_line_rows = []
    for index in range(len(order_ids)):
        lines = list(
            zip(
                line_ids[index * LINES_PER_ORDER : (index + 1) * LINES_PER_ORDER],
                line_rows[index * LINES_PER_ORDER : (index + 1) * LINES_PER_ORDER],
                strict=True,
            )
        )
        for slip in range(SLIPS_PER_ORDER):
            slip_id = slip_ids[index * SLIPS_PER_ORDER + slip]
            for line_id, line in lines:
                slip_line_rows.append(
                    {
                        "packing_slip_id": slip_id,
                        "order_line_id": line_id,
                        "quantity": line["quantity"] / SLIPS_PER_ORDER,
                    }
                )
    insert_rows(PackingSlipLine, slip_line_rows, returning=False)
    return {
        "manager": manager,
        "billing": billing,
        "slips": len(slip_ids),
        "slip_lines": len(slip_line_rows),
        "customers": len(customer_ids),
        "from": month_start,
        "to": today,
    }


def timed(counter: QueryCounter, step: str, work):
    counter.step = step
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
    counter.step = None
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1_000, help="customers (default 1,000)")
    parser.add_argument("--orders", type=int, default=5, help="orders per customer, 2 slips each (default 5)")
    args = parser.parse_args()
    with throwaway_database(BENCH_DATABASE):
        with transaction.atomic():
            data = build(customers=args.customers, orders_per_customer=args.orders, rng=random.Random(20261204))
        connection.cursor().execute("ANALYZE")
        print(
            f"billing run: {data['slips']} posted packing slips ({data['slip_lines']} lines) of "
            f"{data['customers']} customers, one invoice per customer"
        )
        print(f"  commit {environment(server_version())['commit']}, PostgreSQL {server_version()}")
        counter = QueryCounter()
        run = summary_run_start(
            customers=None, slips_from=data["from"], slips_to=data["to"], grouping="customer", by=data["manager"]
        )
        run, invoicing_s = timed(counter, "invoice", lambda: summary_run_process(run_id=run.pk))
        summary_run_post_all(run=run, by=data["billing"])
        run, posting_s = timed(counter, "post", lambda: summary_run_post_process(run_id=run.pk, store_pdf=False))
        invoices = Invoice.objects.filter(state="posted").count()
        refused = BillingRunResult.objects.filter(run=run).exclude(refusal="", posting_refusal="").count()
        assert run.state == "done" and run.posting_state == "done", (run.state, run.posting_state)
        assert invoices == data["customers"] and refused == 0, (invoices, refused)
        numbers = list(Invoice.objects.order_by("posted_at", "pk").values_list("number", flat=True))
        assert numbers == sorted(numbers), "numbers follow the posting order"
        print(f"  {'step':28} {'seconds':>8} {'invoices/s':>11} {'statements/invoice':>19}")
        for step, seconds in (("draft (summary_run_process)", invoicing_s), ("post all", posting_s)):
            key = "invoice" if step.startswith("draft") else "post"
            print(f"  {step:28} {seconds:8.1f} {invoices / seconds:11.1f} {counter.counts[key] / invoices:19.1f}")
        total = invoicing_s + posting_s
        verdict = "within" if total < 60 else "OVER"
        print(f"  invoiced and posted {invoices} invoices in {total:.1f} s ({verdict} the 60 s bar)")


if __name__ == "__main__":
    main()

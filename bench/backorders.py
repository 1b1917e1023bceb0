#!/usr/bin/env python
"""The backorder views at scale: server time and queries of the by-item, by-customer and by-vendor views (pages and
API) over 20,000 open order lines.

A throwaway database ``salesflow_bench_backorders`` gets 2,000 customers, 400 stocked items with some stock, 5,000
confirmed orders of 4 lines each waiting to be delivered (20,000 backorder lines, reserved by priority from what is
on hand through the reservation service, in one statement), and 1,200 open inbound supply lines from 40 vendors, a
quarter of them late. Rows are inserted set-wise (bench/growth_data.insert_rows), the stock through the stock
service. Each view is requested N times through Django's test ``Client`` as a sales manager (in process: middleware,
session, view, template; no web server).

    .venv/bin/python bench/backorders.py [--requests 20] [--lines 20000]
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
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

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.common import QueryCounter, environment, p95, server_version, throwaway_database, user_with_role  # noqa: E402
from bench.growth_data import Numbers, insert_rows  # noqa: E402
from core import roles  # noqa: E402
from marketing.choices import PartyKind  # noqa: E402
from marketing.models import Party  # noqa: E402
from salesapp.choices import LineType, OrderState, StockMoveKind  # noqa: E402
from salesapp.models import Customer, InboundSupplyLine, Item, SalesOrder, SalesOrderLine, TaxCode  # noqa: E402
from salesapp.selectors.promising import waiting_lines  # noqa: E402
from salesapp.services.reservations import reservations_fill  # noqa: E402
from salesapp.services.stock import Move, stock_moves_book  # noqa: E402

BENCH_DATABASE = "salesflow_bench_backorders"
LINES_PER_ORDER = 4
D = Decimal


def build(*, lines: int, rng: random.Random) -> dict:
    manager = user_with_role("bench_manager", roles.SALES_MANAGER)
    clerk = user_with_role("bench_clerk", roles.SALES_CLERK)
    today = timezone.localdate()
    nl21 = TaxCode.objects.get(code="NL21")
    parties = insert_rows(
        Party,
        [
            {
                "kind": PartyKind.ORGANIZATION,
                "name": f"Backorder Customer {n:04d} B.V.",
                "city": "Utrecht",
                "country": "NL",
                "email": f"buyer{n}@customer{n}.example",
                "language": "nl",
                "created_by_id": clerk.pk,
            }
            for n in range(2_000)
        ],
    )
    numbers = Numbers("customer")
    customers = insert_rows(
        Customer,
        [{"party_id": pk, "number": numbers.take(), "created_by_id": manager.pk} for pk in parties],
    )
    numbers.save()
    vendors = insert_rows(
        Party,
        [
            {
                "kind": PartyKind.ORGANIZATION,
                "name": f"Vendor {n:02d} AB",
                "city": "Göteborg",
                "country": "SE",
                "language": "sv",
                "created_by_id": manager.pk,
            }
            for n in range(40)
        ],
    )
    items = insert_rows(
        Item,
        [
            {
                "number": f"BO-{n:04d}",
                "name": f"Backordered product {n}",
                "item_type": "stocked",
                "unit": "pcs",
                "unit_price": D(5 + n % 90),
                "tax_code_id": nl21.pk,
                "created_by_id": manager.pk,
            }
            for n in range(400)
        ],
    )
    stock_moves_book(
        [
            Move(item_id=pk, quantity=D(rng.randrange(0, 60)), kind=StockMoveKind.ADJUSTMENT, reason="Opening stock")
            for pk in items
        ],
        by=manager,
    )
    orders = lines // LINES_PER_ORDER
    numbers = Numbers("sales_order")
    order_rows = []
    for n in range(orders):
        order_date = today - datetime.timedelta(days=rng.randrange(0, 40))
        order_rows.append(
            {
                "number": numbers.take(),
                "customer_id": customers[n % len(customers)],
                "currency": "EUR",
                "order_date": order_date,
                "state": OrderState.CONFIRMED,
                "confirmed_at": timezone.now(),
                "created_by_id": clerk.pk,
            }
        )
    numbers.save()
    order_ids = insert_rows(SalesOrder, order_rows)
    line_rows = []
    for order_id, order in zip(order_ids, order_rows, strict=True):
        for index, item_id in enumerate(rng.sample(items, LINES_PER_ORDER)):
            quantity = D(rng.randrange(1, 12))
            price = D(5 + item_id % 90)
            due = order["order_date"] + datetime.timedelta(days=rng.randrange(2, 30))
            line_rows.append(
                {
                    "order_id": order_id,
                    "line_no": (index + 1) * 10,
                    "line_type": LineType.ITEM,
                    "item_id": item_id,
                    "description": f"Backordered product {item_id}",
                    "quantity": quantity,
                    "unit": "pcs",
                    "unit_price": price,
                    "tax_code_id": nl21.pk,
                    "net_amount": quantity * price,
                    "confirmed_ship_date": due if rng.random() < 0.7 else None,
                    "requested_ship_date": due,
                }
            )
    insert_rows(SalesOrderLine, line_rows, returning=False)
    numbers = Numbers("supply")
    insert_rows(
        InboundSupplyLine,
        [
            {
                "number": numbers.take(),
                "vendor_id": vendors[n % len(vendors)],
                "item_id": rng.choice(items),
                "quantity": D(rng.randrange(10, 200)),
                "expected_date": today
                + datetime.timedelta(days=rng.randrange(-20, 60) if n % 4 == 0 else rng.randrange(1, 60)),
                "reference": f"PO-{n:05d}",
                "created_by_id": manager.pk,
            }
            for n in range(1_200)
        ],
        returning=False,
    )
    numbers.save()
    started = time.perf_counter()
    reservations_fill(items)
    fill_ms = (time.perf_counter() - started) * 1000
    return {
        "manager": manager,
        "fill_ms": round(fill_ms, 1),
        "items": items,
        "customers": customers,
        "vendors": vendors,
    }


def measure(client: Client, url: str, requests: int) -> tuple[float, float, int]:
    """Median and p95 server time (ms) of ``url`` and the statements one request runs."""
    counter = QueryCounter()
    client.get(url)  # warm: templates, permission cache
    times = []
    for _ in range(requests):
        counter.counts.clear()
        counter.step = "page"
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            response = client.get(url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), p95(times), counter.counts["page"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=20_000, help="open order lines (default 20,000)")
    parser.add_argument("--requests", type=int, default=20, help="requests per view (default 20)")
    args = parser.parse_args()
    # The test client calls itself "testserver"; the rest of the request runs as in production.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    with throwaway_database(BENCH_DATABASE):
        with transaction.atomic():
            data = build(lines=args.lines, rng=random.Random(20261204))
        connection.cursor().execute("ANALYZE")
        waiting = waiting_lines().count()
        print(
            f"backorders: {waiting} lines waiting, {sum(Item.objects.values_list('reserved', flat=True))} units "
            f"reserved; filling 400 items' reservations took {data['fill_ms']} ms (one statement)"
        )
        print(f"  commit {environment(server_version())['commit']}, PostgreSQL {server_version()}")
        client = Client()
        client.force_login(data["manager"])
        item = data["items"][0]
        pages = {
            "by item": reverse("salesapp:backorders_by_item"),
            "by item, late only": reverse("salesapp:backorders_by_item") + "?late=on",
            "one item (split)": reverse("salesapp:backorder_item", args=[item]),
            "by customer": reverse("salesapp:backorders_by_customer"),
            "by customer, sorted by due": reverse("salesapp:backorders_by_customer") + "?sort=-due",
            "by vendor": reverse("salesapp:backorders_by_vendor"),
            "by item CSV": reverse("salesapp:backorders_by_item") + "?export=csv",
            "API by item": "/api/v1/backorders/by-item/",
            "API by customer": "/api/v1/backorders/by-customer/",
            "API by vendor": "/api/v1/backorders/by-vendor/",
        }
        print(f"  {'view':30} {'median ms':>10} {'p95 ms':>8} {'statements':>11}")
        for name, url in pages.items():
            median, high, statements = measure(client, url, args.requests)
            print(f"  {name:30} {median:10.1f} {high:8.1f} {statements:11d}")


if __name__ == "__main__":
    main()

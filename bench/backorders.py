#!/usr/bin/env python
"""The backorder views at scale: server time and SQL statements of the by-item, by-customer and by-vendor pages
(selector, first page's extras and template) with 20,000 or more lines waiting for stock.

Starts from a copy of the grown company (``salesflow_growth``, built by bench/growth.py), made as
``salesflow_backorders_bench`` and dropped afterwards. Its confirmed orders' lines are the backorders; the copy
gives the stocked items some on hand (booked as opening adjustments), open inbound supply from vendors (a third
of it overdue), and lets the reservations take the stock by priority. Set-based SQL throughout.

    .venv/bin/python bench/backorders.py [--requests 10] [--min-lines 20000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.common import QueryCounter, p95, switch_to  # noqa: E402
from core.db_roles import as_owner  # noqa: E402

SOURCE = "salesflow_growth"
NAME = "salesflow_backorders_bench"

SEED = [
    # Opening stock for a little over half of the stocked items: 0..40 each, booked as adjustments.
    """
    INSERT INTO salesapp_stockmove (item_id, quantity, kind, reason, moved_on, moved_at, created_by_id)
    SELECT i.id, (i.id * 7919 % 41), 'adjustment', 'Opening stock', CURRENT_DATE, now(),
           (SELECT id FROM auth_user WHERE is_superuser ORDER BY id LIMIT 1)
    FROM salesapp_item i WHERE i.item_type = 'stocked' AND i.id % 7 < 4 AND i.id * 7919 % 41 > 0
    """,
    """
    UPDATE salesapp_item i SET on_hand = s.total, reserved = 0
    FROM (SELECT item_id, SUM(quantity) AS total FROM salesapp_stockmove GROUP BY item_id) s WHERE s.item_id = i.id
    """,
    # Open supply: two lines per stocked item from one of 40 vendor parties, every third one overdue.
    """
    INSERT INTO salesapp_inboundsupplyline
        (number, vendor_id, item_id, quantity, expected_date, qty_received, reference, state, order_line_id,
         created_at, updated_at, created_by_id)
    SELECT 'IS-B' || lpad((ROW_NUMBER() OVER ())::text, 7, '0'), v.id, i.id, 10 + (i.id + n) % 30,
           CURRENT_DATE + (CASE WHEN (i.id + n) % 3 = 0 THEN -((i.id + n) % 20) - 1 ELSE (i.id + n) % 60 END)::int,
           0, '', 'open', NULL, now(), now(), NULL
    FROM salesapp_item i CROSS JOIN generate_series(1, 2) n
    JOIN LATERAL (SELECT id FROM marketing_party ORDER BY id OFFSET (i.id + n) % 40 LIMIT 1) v ON true
    WHERE i.item_type = 'stocked'
    """,
]


def _more_lines(wanted: int) -> None:
    """Copy the waiting lines into their own orders (new line numbers, nothing delivered or reserved) until at
    least ``wanted`` lines wait: the grown company has fewer open lines than the views are measured at."""
    from salesapp.selectors.promising import waiting_lines

    have = waiting_lines().count()
    copies = -(-wanted // max(have, 1)) - 1
    if copies <= 0:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'salesapp_salesorderline' "
            "AND column_name <> 'id' ORDER BY ordinal_position"
        )
        columns = [row[0] for row in cursor.fetchall()]
        fresh = {
            "line_no": "l.line_no + 10000 * n",
            "qty_delivered": "0",
            "qty_invoiced": "0",
            "qty_returned": "0",
            "qty_credited": "0",
            "qty_reserved": "0",
            "qty_closed_short": "0",
        }
        values = ", ".join(fresh.get(column, f"l.{column}") for column in columns)
        ids, params = waiting_lines().values("id").query.sql_with_params()
        cursor.execute(
            f"INSERT INTO salesapp_salesorderline ({', '.join(columns)}) "
            f"SELECT {values} FROM salesapp_salesorderline l CROSS JOIN generate_series(1, %s) n "
            f"WHERE l.id IN ({ids})",
            [copies, *params],
        )


def prepare(wanted: int) -> int:
    with as_owner(connection), connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{NAME}"')
        cursor.execute(f'CREATE DATABASE "{NAME}" TEMPLATE "{SOURCE}"')
    switch_to(NAME)
    call_command("migrate", verbosity=0, interactive=False)
    from salesapp.selectors.promising import waiting_lines
    from salesapp.services.reservations import reservations_fill

    _more_lines(wanted)
    with connection.cursor() as cursor:
        for statement in SEED:
            cursor.execute(statement)
        cursor.execute("SELECT id FROM salesapp_item WHERE on_hand > 0")
        reservations_fill([row[0] for row in cursor.fetchall()])
        cursor.execute("ANALYZE")
    return waiting_lines().count()


def measure(client: Client, url: str, requests: int) -> tuple[float, float, int]:
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
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--min-lines", type=int, default=20_000)
    args = parser.parse_args()
    original = connection.settings_dict["NAME"]
    # The test client calls itself "testserver"; the rest of the request runs as in production.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    try:
        lines = prepare(args.min_lines)
        print(f"backorder lines: {lines}")
        if lines < args.min_lines:
            print(f"fewer than {args.min_lines} waiting lines in {SOURCE}: rebuild it with bench/growth.py")
        client = Client()
        client.force_login(
            User.objects.filter(groups__name="sales clerk").first() or User.objects.get(is_superuser=True)
        )
        pages = {
            "by item": reverse("salesapp:backorders_by_item"),
            "by item, late only": reverse("salesapp:backorders_by_item") + "?late=on",
            "by customer": reverse("salesapp:backorders_by_customer"),
            "by customer, sorted by due": reverse("salesapp:backorders_by_customer") + "?sort=-due",
            "by vendor": reverse("salesapp:backorders_by_vendor"),
            "by item CSV": reverse("salesapp:backorders_by_item") + "?export=csv",
        }
        print(f"{'view':32} {'median ms':>10} {'p95 ms':>8} {'statements':>11}")
        for name, url in pages.items():
            median, high, statements = measure(client, url, args.requests)
            print(f"{name:32} {median:10.1f} {high:8.1f} {statements:11d}")
    finally:
        switch_to(original)
        with as_owner(connection), connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{NAME}"')
        connection.close()


if __name__ == "__main__":
    main()

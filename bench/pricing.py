#!/usr/bin/env python
"""Pricing engine throughput: price_for against 10,000 trade agreement lines, one call at a time and per document.

The run uses a throwaway database (``salesflow_bench_pricing``) on the server the settings point at: created and
migrated at the start, dropped at the end, so demo or development data is never touched.

    .venv/bin/python bench/pricing.py [--lines 10000] [--calls 2000] [--json FILE]

See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
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

from django.db import connection  # noqa: E402

from bench.common import QueryCounter, environment, server_version, throwaway_database, user_with_role  # noqa: E402
from core import roles  # noqa: E402
from marketing.models import Party  # noqa: E402
from salesapp.models import (  # noqa: E402
    Customer,
    CustomerPriceGroup,
    Item,
    ItemGroup,
    TaxCode,
    TradeAgreementLine,
)
from salesapp.selectors.pricing import agreement_candidates, price_for, prices_for  # noqa: E402

BENCH_DATABASE = "salesflow_bench_pricing"
CUSTOMERS, ITEMS, PRICE_GROUPS, ITEM_GROUPS = 400, 1000, 20, 25
LINES_PER_DOCUMENT = 5
DAY = datetime.date(2030, 6, 1)


def master_data(rng: random.Random, agreement_lines: int) -> tuple[list[Customer], list[Item]]:
    manager = user_with_role("bench_pricing_manager", roles.SALES_MANAGER)
    nl21 = TaxCode.objects.get(code="NL21")
    groups = CustomerPriceGroup.objects.bulk_create(
        CustomerPriceGroup(code=f"PG{n:02d}", name=f"Price group {n}") for n in range(PRICE_GROUPS)
    )
    item_groups = ItemGroup.objects.bulk_create(
        ItemGroup(code=f"IG{n:02d}", name=f"Item group {n}") for n in range(ITEM_GROUPS)
    )
    # Master data in bulk: this measures look-ups, not the creation services (the CHECK constraints still hold).
    parties = Party.objects.bulk_create(
        Party(name=f"Bench pricing customer {n:03d}", country="NL", created_by=manager) for n in range(CUSTOMERS)
    )
    customers = Customer.objects.bulk_create(
        Customer(party=party, number=f"BP{n:05d}", price_group=rng.choice(groups + [None]), created_by=manager)
        for n, party in enumerate(parties)
    )
    items = Item.objects.bulk_create(
        Item(
            number=f"BP-{n:04d}",
            name=f"Bench pricing item {n}",
            unit_price=Decimal(5 + n % 90),
            tax_code=nl21,
            item_group=rng.choice(item_groups),
            created_by=manager,
        )
        for n in range(ITEMS)
    )
    lines = []
    for n in range(agreement_lines):
        level = rng.choices(["customer", "price_group", "all"], weights=[6, 3, 1])[0]
        whom = {
            "customer": {"customer": rng.choice(customers)},
            "price_group": {"price_group": rng.choice(groups)},
            "all": {},
        }[level]
        valid_from = DAY - datetime.timedelta(days=rng.randint(0, 400)) if rng.random() < 0.5 else None
        valid_to = DAY + datetime.timedelta(days=rng.randint(-60, 400)) if rng.random() < 0.3 else None
        if valid_from and valid_to and valid_to < valid_from:
            valid_to = None
        common = {
            "applies_to": level,
            "currency": rng.choices(["EUR", "SEK"], weights=[9, 1])[0],
            "from_quantity": Decimal(rng.choice([0, 0, 0, 5, 10, 50])),
            "valid_from": valid_from,
            "valid_to": valid_to,
            "active": rng.random() < 0.95,
            "created_by": manager,
            **whom,
        }
        if n % 4 == 3:
            target = {"item": rng.choice(items)} if rng.random() < 0.5 else {"item_group": rng.choice(item_groups)}
            lines.append(
                TradeAgreementLine(kind="discount", discount_percent=Decimal(rng.randint(1, 20)), **target, **common)
            )
        else:
            price = Decimal(rng.randint(300, 9000)) / 100
            lines.append(TradeAgreementLine(kind="price", item=rng.choice(items), unit_price=price, **common))
    TradeAgreementLine.objects.bulk_create(lines, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE salesapp_tradeagreementline")
    return customers, items


def measure(customers, items, rng: random.Random, calls: int) -> dict:
    counter = QueryCounter()
    requests = [(rng.choice(customers), rng.choice(items), Decimal(rng.randint(1, 60))) for _ in range(calls)]
    with connection.execute_wrapper(counter):
        counter.step = "price_for"
        started = time.perf_counter()
        sources: dict[str, int] = {}
        for customer, item, quantity in requests:
            price = price_for(customer=customer, item=item, quantity=quantity, date=DAY, currency="EUR")
            sources[str(price.source)] = sources.get(str(price.source), 0) + 1
        single = time.perf_counter() - started
        documents = [requests[i : i + LINES_PER_DOCUMENT] for i in range(0, len(requests), LINES_PER_DOCUMENT)]
        counter.step = "prices_for"
        started = time.perf_counter()
        for document in documents:
            prices_for(
                customer=document[0][0], lines=[(item, qty) for _c, item, qty in document], date=DAY, currency="EUR"
            )
        batched = time.perf_counter() - started
        counter.step = None
    return {
        "calls": calls,
        "price_for_calls_per_s": round(calls / single, 1),
        "price_for_statements_per_call": counter.counts["price_for"] / calls,
        "documents": len(documents),
        "lines_per_document": LINES_PER_DOCUMENT,
        "prices_for_lines_per_s": round(calls / batched, 1),
        "prices_for_statements_per_document": counter.counts["prices_for"] / len(documents),
        "prices_for_statements_per_line": round(counter.counts["prices_for"] / calls, 3),
        "sources": dict(sorted(sources.items())),
    }


def explain(customer: Customer, item: Item) -> str:
    """The plan PostgreSQL picks for one look-up: the partial indexes, not a scan of the table."""
    query = agreement_candidates(customer=customer, items=[item], date=DAY, currency="EUR", max_quantity=Decimal(10))
    return query.explain()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=10_000, help="trade agreement lines (default 10000)")
    parser.add_argument("--calls", type=int, default=2000, help="price look-ups measured (default 2000)")
    parser.add_argument("--json", help="also write the figures as JSON to this file")
    args = parser.parse_args()
    rng = random.Random(20301)
    with throwaway_database(BENCH_DATABASE):
        customers, items = master_data(rng, args.lines)
        measure(customers, items, random.Random(7), 200)  # warm-up: connection, caches
        figures = measure(customers, items, rng, args.calls)
        plan = explain(customers[0], items[0])
        postgresql = server_version()
    figures = {"agreement_lines": args.lines, **figures, "environment": environment(postgresql)}
    print(f"Trade agreement lines:          {args.lines}")
    print(f"price_for calls/s:              {figures['price_for_calls_per_s']}")
    print(f"price_for statements per call:  {figures['price_for_statements_per_call']:g}")
    print(f"prices_for lines/s ({LINES_PER_DOCUMENT}/doc):     {figures['prices_for_lines_per_s']}")
    print(f"prices_for statements per doc:  {figures['prices_for_statements_per_document']:g}")
    print(f"prices_for statements per line: {figures['prices_for_statements_per_line']:g}")
    print(f"Sources found:                  {figures['sources']}")
    print("Plan of one look-up:")
    print("  " + plan.replace("\n", "\n  "))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()

"""Backorders (DESIGN.md §4.4): the confirmed order lines still waiting for goods from stock, seen by item, by
customer and by vendor.

A backorder line is a line of ``waiting_lines()``; it is late when its due date (the confirmed ship date, else the
requested one) is before today. The views read only the open lines, grouped in the database (the partial index
``order_line_waiting_by_item`` serves them), and add what a page shows for its own rows only.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from core.listing import order_by_sort
from core.money import ZERO
from salesapp.selectors.promising import atp_dates, open_supply, waiting_lines

_QTY = DecimalField(max_digits=18, decimal_places=3)
REMAINDER = ExpressionWrapper(F("quantity") - F("qty_delivered") - F("qty_closed_short"), output_field=_QTY)
# When the customer expects the line: the date promised, else the date asked.
DUE = Coalesce(F("confirmed_ship_date"), F("requested_ship_date"))
# Who is first in line, as salesapp.services.reservations.PRIORITY_SQL orders the waiting lines.
PRIORITY = (
    Coalesce(
        F("confirmed_ship_date"), F("requested_ship_date"), F("order__requested_ship_date"), F("order__order_date")
    ),
    F("order__order_date"),
    F("order__id"),
    F("line_no"),
)


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _sum_subquery(queryset, expression, *, by: str) -> Coalesce:
    """A correlated SUM over ``queryset`` (already filtered on the outer row by its ``by`` column), zero when
    there is none."""
    total = queryset.order_by().values(by).annotate(total=Sum(expression)).values("total")
    return Coalesce(Subquery(total, output_field=_QTY), Value(ZERO), output_field=_QTY)


def _supply_outstanding():
    return ExpressionWrapper(F("quantity") - F("qty_received"), output_field=_QTY)


def backorder_lines(
    *,
    item_id: int | None = None,
    customer_id: int | None = None,
    vendor_id: int | None = None,
    late_only: bool = False,
    today: datetime.date | None = None,
):
    """The backorder lines, each with its ``remainder``, ``due`` date and ``late`` flag, first in line first."""
    today = _today(today)
    lines = waiting_lines().annotate(
        remainder=REMAINDER,
        due=DUE,
        late=Case(When(Q(due__lt=today), then=Value(True)), default=Value(False)),
    )
    if item_id:
        lines = lines.filter(item_id=item_id)
    if customer_id:
        lines = lines.filter(order__customer_id=customer_id)
    if vendor_id:
        lines = lines.filter(item_id__in=open_supply().filter(vendor_id=vendor_id).values("item_id"))
    if late_only:
        lines = lines.filter(due__lt=today)
    return lines.select_related("order__customer__party", "item").order_by(*PRIORITY, "id")


# ---- by item ---------------------------------------------------------------------------------------------------

ITEM_SORTS = {
    "item": ["item__number"],
    "demand": ["demand"],
    "on_hand": ["item__on_hand"],
    "reserved": ["item__reserved"],
    "supply": ["supply"],
    "shortfall": ["shortfall"],
    "orders": ["orders"],
    "late": ["late_lines"],
}


def backorders_by_item(
    *,
    item_id: int | None = None,
    customer_id: int | None = None,
    vendor_id: int | None = None,
    late_only: bool = False,
    ordering: str = "",
    today: datetime.date | None = None,
):
    """One row per item with backorders (``item_id``, number, name, unit, on hand, reserved, demand, supply,
    shortfall, orders, late_lines): grouped in one query. Largest shortfall first unless sorted."""
    today = _today(today)
    lines = waiting_lines()
    if item_id:
        lines = lines.filter(item_id=item_id)
    if customer_id:
        lines = lines.filter(order__customer_id=customer_id)
    if vendor_id:
        lines = lines.filter(item_id__in=open_supply().filter(vendor_id=vendor_id).values("item_id"))
    supply = _sum_subquery(open_supply().filter(item_id=OuterRef("item_id")), _supply_outstanding(), by="item_id")
    rows = (
        lines.values("item_id", "item__number", "item__name", "item__unit", "item__on_hand", "item__reserved")
        .annotate(
            demand=Sum(REMAINDER),
            orders=Count("order_id", distinct=True),
            late_lines=Count(
                "id",
                filter=Q(confirmed_ship_date__lt=today)
                | Q(confirmed_ship_date__isnull=True, requested_ship_date__lt=today),
            ),
            supply=supply,
        )
        .annotate(
            free=ExpressionWrapper(F("item__on_hand") - F("item__reserved"), output_field=_QTY),
            shortfall=ExpressionWrapper(F("demand") - F("item__on_hand") - F("supply"), output_field=_QTY),
        )
    )
    if late_only:
        rows = rows.filter(late_lines__gt=0)
    return _grouped_order(rows, ordering, sorts=ITEM_SORTS, default=["-shortfall", "item__number"], key="item_id")


def _grouped_order(rows, ordering, *, sorts, default, key):
    """core.listing's sort for grouped rows, which have no ``id``: the group's ``key`` breaks ties instead."""
    ordered = order_by_sort(rows, ordering, sorts=sorts, default=default)
    return ordered.order_by(*[term for term in ordered.query.order_by if term != "-id"], key)


def supply_by_date(item_ids) -> dict[int, list[tuple[datetime.date, Decimal]]]:
    """The open supply of ``item_ids`` per expected date (one query), for the rows a page shows."""
    found: dict[int, list[tuple[datetime.date, Decimal]]] = defaultdict(list)
    for row in (
        open_supply()
        .filter(item_id__in=list(item_ids))
        .values("item_id", "expected_date")
        .annotate(quantity=Sum(_supply_outstanding()))
        .order_by("item_id", "expected_date")
    ):
        found[row["item_id"]].append((row["expected_date"], row["quantity"]))
    return found


# ---- by customer -----------------------------------------------------------------------------------------------

CUSTOMER_SORTS = {
    "order": ["order__number"],
    "customer": ["order__customer__party__name"],
    "item": ["item__number"],
    "due": ["due"],
    "remainder": ["remainder"],
    "reserved": ["qty_reserved"],
}


def backorders_by_customer(
    *,
    customer_id: int | None = None,
    item_id: int | None = None,
    vendor_id: int | None = None,
    late_only: bool = False,
    ordering: str = "",
    today: datetime.date | None = None,
):
    """The backorder lines, late ones first, then by due date and priority (unless sorted)."""
    lines = backorder_lines(
        customer_id=customer_id, item_id=item_id, vendor_id=vendor_id, late_only=late_only, today=today
    )
    if ordering and ordering.lstrip("-") in CUSTOMER_SORTS:
        return order_by_sort(lines, ordering, sorts=CUSTOMER_SORTS, default=[])
    return lines.order_by("-late", F("due").asc(nulls_last=True), *PRIORITY, "id")


def lines_with_atp(lines: list, *, today: datetime.date | None = None) -> list:
    """``lines`` (backorder lines of a page) with ``atp``: the date each line's remainder is available to promise
    (two queries for the page). A line fully reserved ships from stock today; for the others their own demand is
    left out of the committed demand, so a line does not wait for itself."""
    today = _today(today)
    open_ = [line for line in lines if line.qty_reserved < line.remainder]
    promises = atp_dates(
        [(line.item, line.remainder) for line in open_], today, exclude_line_ids=[line.pk for line in open_]
    )
    by_line = {line.pk: promise for line, promise in zip(open_, promises, strict=True)}
    for line in lines:
        promise = by_line.get(line.pk)
        line.atp = today if promise is None else promise.date
        line.atp_shortfall = ZERO if promise is None else promise.shortfall
    return lines


# ---- by vendor -------------------------------------------------------------------------------------------------

VENDOR_SORTS = {
    "vendor": ["vendor__name"],
    "open": ["open_lines"],
    "late": ["late_lines"],
    "outstanding": ["outstanding"],
    "earliest": ["earliest"],
    "waiting": ["waiting"],
}


def _uncovered(lines):
    """Lines whose reservation does not cover what they still wait for."""
    return lines.filter(qty_reserved__lt=F("quantity") - F("qty_delivered") - F("qty_closed_short"))


def _waiting_by_vendor(uncovered) -> dict[int, int]:
    """Per vendor with open supply: how many of the ``uncovered`` lines wait for an item it is to deliver."""
    per_item = dict(uncovered.order_by().values("item_id").annotate(n=Count("id")).values_list("item_id", "n"))
    counts: dict[int, int] = defaultdict(int)
    for vendor_id, item_id in open_supply().order_by().values_list("vendor_id", "item_id").distinct():
        counts[vendor_id] += per_item.get(item_id, 0)
    return counts


def backorders_by_vendor(
    *,
    vendor_id: int | None = None,
    item_id: int | None = None,
    customer_id: int | None = None,
    late_only: bool = False,
    ordering: str = "",
    today: datetime.date | None = None,
):
    """One row per vendor with open inbound supply for stock (``vendor_id``, vendor name, open_lines,
    late_lines, outstanding, late_outstanding, earliest expected date, waiting: the order lines waiting on it)."""
    today = _today(today)
    supply = open_supply()
    if vendor_id:
        supply = supply.filter(vendor_id=vendor_id)
    if item_id:
        supply = supply.filter(item_id=item_id)
    uncovered = _uncovered(waiting_lines())
    if customer_id:
        uncovered = uncovered.filter(order__customer_id=customer_id)
        supply = supply.filter(item_id__in=uncovered.values("item_id"))
    waiting = _waiting_by_vendor(uncovered)
    # The counts come from two grouped queries over all vendors at once (a correlated count per vendor reads
    # every waiting line again for each vendor); as a CASE they still sort in the database.
    waiting = Case(
        *[When(vendor_id=pk, then=Value(count)) for pk, count in waiting.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    rows = (
        supply.values("vendor_id", "vendor__name")
        .annotate(
            open_lines=Count("id"),
            late_lines=Count("id", filter=Q(expected_date__lt=today)),
            outstanding=Sum(_supply_outstanding()),
            late_outstanding=Coalesce(
                Sum(_supply_outstanding(), filter=Q(expected_date__lt=today)), Value(ZERO), output_field=_QTY
            ),
            earliest=Min("expected_date"),
        )
        .annotate(waiting=waiting)
    )
    if late_only:
        rows = rows.filter(late_lines__gt=0)
    return _grouped_order(
        rows, ordering, sorts=VENDOR_SORTS, default=["-late_lines", "earliest", "vendor__name"], key="vendor_id"
    )


@dataclass
class VendorDetail:
    supply: list
    lines: list


# The waiting lines a vendor's row lists (its count says how many there are).
LINES_PER_VENDOR = 10


def vendor_rows_detail(vendor_ids, *, today: datetime.date | None = None) -> dict[int, VendorDetail]:
    """For the vendors a page shows: their open supply lines (late first) and the order lines waiting on them
    (two queries)."""
    today = _today(today)
    details = {pk: VendorDetail([], []) for pk in vendor_ids}
    vendors_of_item: dict[int, list[int]] = defaultdict(list)
    for supply in (
        open_supply().filter(vendor_id__in=list(vendor_ids)).select_related("item").order_by("expected_date", "id")
    ):
        supply.late = supply.expected_date < today
        supply.outstanding = supply.quantity - supply.qty_received
        details[supply.vendor_id].supply.append(supply)
        if supply.vendor_id not in vendors_of_item[supply.item_id]:
            vendors_of_item[supply.item_id].append(supply.vendor_id)
    # The first lines in line of each item (a vendor's first ones are among them), not every waiting line: a page
    # of vendors may cover most items, each with hundreds of lines waiting.
    first = (
        _uncovered(backorder_lines(today=today))
        .filter(item_id__in=list(vendors_of_item))
        .annotate(place=Window(RowNumber(), partition_by=[F("item_id")], order_by=[*PRIORITY, "id"]))
        .filter(place__lte=LINES_PER_VENDOR)
    )
    for line in first:
        for pk in vendors_of_item[line.item_id]:
            if len(details[pk].lines) < LINES_PER_VENDOR:
                details[pk].lines.append(line)
    return details


# ---- the dashboard ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackorderSummary:
    late_lines: int
    # Per currency: what the lines still waiting are worth, net of discount.
    value_waiting: dict[str, Decimal]
    items_short: int


def backorder_summary(*, today: datetime.date | None = None) -> BackorderSummary:
    """The dashboard's figures (two queries): late lines, the value waiting, the items whose demand exceeds on
    hand and inbound supply."""
    today = _today(today)
    # The line's net amount for the part still to deliver (the net amount carries discounts and price units).
    value = ExpressionWrapper(
        F("net_amount") * REMAINDER / F("quantity"), output_field=DecimalField(max_digits=20, decimal_places=2)
    )
    totals = {
        row["order__currency"]: row["value"].quantize(Decimal("0.01"))
        for row in waiting_lines()
        .filter(quantity__gt=0)
        .values("order__currency")
        .annotate(value=Sum(value))
        .order_by("order__currency")
    }
    late = (
        waiting_lines()
        .filter(Q(confirmed_ship_date__lt=today) | Q(confirmed_ship_date__isnull=True, requested_ship_date__lt=today))
        .count()
    )
    short = backorders_by_item(today=today).filter(shortfall__gt=0).order_by().count()
    return BackorderSummary(late_lines=late, value_waiting=totals, items_short=short)


def customer_backorder_count(customer_id: int) -> int:
    return waiting_lines().filter(order__customer_id=customer_id).count()

"""Reads of inbound supply and of an item's stock: the supply list, an item's figures, open supply and moves."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from core.listing import order_by_sort
from core.search import contains_any
from salesapp.choices import SupplyState
from salesapp.models import InboundSupplyLine, Item, StockMove

# The supply list's sortable columns and what each orders by.
SUPPLY_SORTS = {
    "number": ("number",),
    "vendor": ("vendor__name",),
    "item": ("item__number",),
    "quantity": ("quantity",),
    "qty_received": ("qty_received",),
    "expected_date": ("expected_date",),
    "state": ("state",),
}


def supply_list(
    *,
    search: str = "",
    state: str = "",
    vendor_id: int | None = None,
    item_id: int | None = None,
    expected_before: datetime.date | None = None,
    expected_after: datetime.date | None = None,
    late: bool = False,
    ordering: str = "",
) -> QuerySet[InboundSupplyLine]:
    """Inbound supply lines; ``search`` looks in the number and the vendor's reference. ``late``: open lines
    expected before today. ``expected_before``/``expected_after`` include the day named."""
    lines = InboundSupplyLine.objects.select_related("vendor", "item")
    if search:
        lines = lines.filter(contains_any(search, "number", "reference"))
    if state:
        lines = lines.filter(state=state)
    if vendor_id:
        lines = lines.filter(vendor_id=vendor_id)
    if item_id:
        lines = lines.filter(item_id=item_id)
    if expected_before:
        lines = lines.filter(expected_date__lte=expected_before)
    if expected_after:
        lines = lines.filter(expected_date__gte=expected_after)
    if late:
        lines = lines.filter(state=SupplyState.OPEN, expected_date__lt=timezone.localdate())
    return order_by_sort(lines, ordering, sorts=SUPPLY_SORTS, default=["expected_date", "id"])


def supply_line_moves(line: InboundSupplyLine) -> QuerySet[StockMove]:
    return StockMove.objects.filter(supply_line=line).select_related("created_by")


def item_open_supply(item: Item) -> QuerySet[InboundSupplyLine]:
    """What is still to come for ``item``, soonest first (lines bought for an order line included: the page
    says for which)."""
    return InboundSupplyLine.objects.filter(item=item, state=SupplyState.OPEN).select_related("vendor")


def item_moves(item: Item) -> QuerySet[StockMove]:
    """The moves of ``item``, latest first, with the document each one books."""
    return StockMove.objects.filter(item=item).select_related(
        "created_by", "supply_line", "packing_slip_line__packing_slip"
    )

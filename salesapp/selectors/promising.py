"""Order promising (DESIGN.md §4.4): the first date a quantity of an item is available to promise.

Available on a date = on hand − the demand already committed + the inbound supply expected up to that date.
The committed demand is every confirmed order line still waiting for goods from stock (what is reserved for it and
what it waits for beyond that): a backorder comes before a new order, so promising a new line never gives away
supply the waiting lines are counting on. Supply overdue (expected before the first date asked) counts as
arriving on that date. Drop shipments and special orders are bought for their own lines: neither their supply nor
their lines count here.

Each look-up is two queries whatever the number of items: one for on-hand and committed demand per item, one
for the open supply per item and date.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import F, OuterRef, Subquery, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext

from core.money import ZERO
from salesapp.choices import ItemType, LineSupply, LineType, OrderState, SupplyState
from salesapp.models import InboundSupplyLine, Item, SalesOrderLine
from salesapp.order_types import POLICIES, StockDirection

# The order types whose lines take goods out of stock (a returned order's bring them in).
_OUT_TYPES = sorted(code for code, policy in POLICIES.items() if policy.stock_direction == StockDirection.OUT)


@dataclass(frozen=True)
class Promise:
    item_id: int
    quantity: Decimal
    # The first date the quantity is available, or None when no supply known covers it.
    date: datetime.date | None
    # What is missing on the last date supply is known for (zero when promisable).
    shortfall: Decimal = ZERO
    # A service or a product not held in stock: promisable on the first date asked, stock or not.
    unstocked: bool = False

    @property
    def promisable(self) -> bool:
        return self.date is not None

    def text(self) -> str:
        if self.unstocked:
            return gettext("Not held in stock: available to promise at once.")
        if self.date is None:
            return gettext("Not promisable: %(shortfall)s short, and no inbound supply covers it.") % {
                "shortfall": _fmt(self.shortfall)
            }
        return gettext("Available to promise on %(date)s.") % {"date": formats.date_format(self.date, "j M Y")}


def _fmt(quantity: Decimal) -> str:
    return f"{quantity.normalize():f}"


def waiting_lines():
    """Confirmed order lines still waiting for goods from stock (the committed demand, and the backorders)."""
    return SalesOrderLine.objects.filter(
        order__state=OrderState.CONFIRMED,
        order__order_type__in=_OUT_TYPES,
        line_type=LineType.ITEM,
        supply=LineSupply.STOCK,
        qty_delivered__lt=F("quantity") - F("qty_closed_short"),
    )


def open_supply():
    """Inbound supply still to come for stock (not bought for one order line)."""
    return InboundSupplyLine.objects.filter(
        state=SupplyState.OPEN, order_line__isnull=True, qty_received__lt=F("quantity")
    )


def atp_date(
    item: Item, quantity: Decimal, from_date: datetime.date | None = None, *, exclude_line_id: int | None = None
) -> Promise:
    """The first date on or after ``from_date`` (today) on which ``quantity`` of ``item`` is available to
    promise. ``exclude_line_id``: a waiting line being promised again, whose own demand does not count."""
    return atp_dates([(item, quantity)], from_date, exclude_line_ids=[exclude_line_id] if exclude_line_id else ())[0]


def atp_dates(requests, from_date: datetime.date | None = None, *, exclude_line_ids=()) -> list[Promise]:
    """``atp_date`` for several (item, quantity) pairs at once, in two queries. A request may carry its own first
    date as a third member, (item, quantity, from_date), instead of ``from_date`` (today)."""
    today = from_date or timezone.localdate()
    stocked = {request[0].pk for request in requests if request[0].item_type == ItemType.STOCKED}
    exclude = [pk for pk in exclude_line_ids if pk]
    figures = _available_now(stocked, exclude) if stocked else {}
    arrivals: dict[int, list[tuple[datetime.date, Decimal]]] = defaultdict(list)
    if stocked:
        for row in (
            open_supply()
            .filter(item_id__in=stocked)
            .values("item_id", "expected_date")
            .annotate(quantity=Sum(F("quantity") - F("qty_received")))
            .order_by("item_id", "expected_date")
        ):
            arrivals[row["item_id"]].append((row["expected_date"], row["quantity"]))
    promises = []
    for item, quantity, *first in requests:
        quantity = Decimal(quantity)
        first_date = (first[0] if first else None) or today
        if item.pk not in stocked:
            promises.append(Promise(item.pk, quantity, first_date, unstocked=True))
            continue
        available = figures.get(item.pk, ZERO)
        if available >= quantity:
            promises.append(Promise(item.pk, quantity, first_date))
            continue
        found = None
        for date, arriving in arrivals.get(item.pk, ()):
            available += arriving
            if available >= quantity:
                # Supply overdue counts as arriving on the first date asked.
                found = max(date, first_date)
                break
        promises.append(Promise(item.pk, quantity, found, ZERO if found else quantity - available))
    return promises


def promised_lines(order) -> list:
    """The lines of ``order`` that ship a stocked item from stock, still have goods to deliver and no confirmed
    ship date, in line order (their item loaded)."""
    return [
        line
        for line in order.lines.filter(
            line_type=LineType.ITEM,
            supply=LineSupply.STOCK,
            item__item_type=ItemType.STOCKED,
            confirmed_ship_date__isnull=True,
            qty_delivered__lt=F("quantity") - F("qty_closed_short"),
        )
        .select_related("item")
        .order_by("line_no")
    ]


def line_promises(order, lines) -> dict[int, Promise]:
    """Per line of ``order`` (from ``promised_lines``): the first date its remainder is available to promise, from
    the later of today and its requested ship date (else the order's). The lines' own demand does not count
    against them; two lines of one item are promised one after the other (the second its own remainder plus
    the first's). Two queries for the whole order."""
    today = timezone.localdate()
    before: dict[int, Decimal] = defaultdict(lambda: ZERO)
    requests = []
    for line in lines:
        before[line.item_id] += line.deliver_remainder
        asked = line.requested_ship_date or order.requested_ship_date
        requests.append((line.item, before[line.item_id], max(asked, today) if asked else today))
    promises = atp_dates(requests, exclude_line_ids=[line.pk for line in lines])
    # Each line's own quantity, and what it misses of it.
    return {
        line.pk: replace(
            promise, quantity=line.deliver_remainder, shortfall=min(promise.shortfall, line.deliver_remainder)
        )
        for line, promise in zip(lines, promises, strict=True)
    }


def _available_now(item_ids, exclude_line_ids) -> dict[int, Decimal]:
    """Per item: on hand minus the committed demand of the lines waiting for it (one query)."""
    demand = (
        waiting_lines()
        .filter(item_id=OuterRef("pk"))
        .exclude(pk__in=list(exclude_line_ids))
        .values("item_id")
        .annotate(demand=Sum(F("quantity") - F("qty_delivered") - F("qty_closed_short")))
        .values("demand")
    )
    return {
        pk: on_hand - (waiting or ZERO)
        for pk, on_hand, waiting in Item.objects.filter(pk__in=item_ids)
        .annotate(waiting=Subquery(demand))
        .values_list("pk", "on_hand", "waiting")
    }

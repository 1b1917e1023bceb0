"""Reads of packing slips."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum

from core.listing import order_by_sort
from core.money import ZERO
from core.search import contains_any, search_filter
from salesapp.choices import LineType, PackingSlipState
from salesapp.models import PackingSlip, PackingSlipLine, SalesOrder, SalesOrderLine, ShippingNotice
from salesapp.selectors.customers import customers_matching

# The packing slip list's sortable columns and what each orders by.
PACKING_SLIP_SORTS = {
    "number": ("number",),
    "order": ("order__number",),
    "customer": ("order__customer__party__name",),
    "ship_date": ("ship_date",),
    "state": ("state",),
}


def packing_slip_list(
    *,
    search: str = "",
    state: str = "",
    order_id: int | None = None,
    customer_id: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    ordering: str = "",
) -> QuerySet[PackingSlip]:
    """Packing slips, newest first; the date range is on the ship date, both days included."""
    slips = PackingSlip.objects.select_related("order__customer__party")
    if search:
        # Each table is searched through its own trigram indexes (core.search).
        orders = search_filter(
            SalesOrder.objects.all(), contains_any(search, "number"), Q(customer_id__in=customers_matching(search))
        )
        slips = search_filter(slips, contains_any(search, "number"), Q(order_id__in=orders.values("pk")))
    if state:
        slips = slips.filter(state=state)
    if order_id:
        slips = slips.filter(order_id=order_id)
    if customer_id:
        slips = slips.filter(order__customer_id=customer_id)
    if date_from:
        slips = slips.filter(ship_date__gte=date_from)
    if date_to:
        slips = slips.filter(ship_date__lte=date_to)
    return order_by_sort(slips, ordering, sorts=PACKING_SLIP_SORTS, default=["-id"])


def packing_slip_list_uninvoiced(*, order: SalesOrder) -> QuerySet[PackingSlip]:
    """Posted packing slips of the order with something delivered and not yet invoiced."""
    return (
        PackingSlip.objects.filter(order=order, state="posted", lines__qty_invoiced__lt=F("lines__quantity"))
        .distinct()
        .prefetch_related("lines__order_line__item")
        .order_by("posted_at", "pk")
    )


@dataclass(frozen=True)
class DeliveryNoteLine:
    order_line: SalesOrderLine
    shipped: Decimal  # on this slip
    to_come: Decimal  # what the order line still waits for after this slip


def delivery_note_lines(slip: PackingSlip) -> list[DeliveryNoteLine]:
    """The order's lines as the slip's delivery note states them: what this slip ships and what is still to come
    after it. "After it" counts the posted slips up to this one, so a note printed again later says the same;
    lines not on this slip are listed while something of them is still to come (two queries)."""
    shipped = dict(slip.lines.values_list("order_line_id", "quantity"))
    before = dict(
        PackingSlipLine.objects.filter(
            order_line__order_id=slip.order_id,
            packing_slip__state=PackingSlipState.POSTED,
            packing_slip__posted_at__lte=slip.posted_at,
        )
        .exclude(packing_slip=slip)
        .values("order_line_id")
        .annotate(total=Sum("quantity"))
        .values_list("order_line_id", "total")
    )
    notes = []
    for line in slip.order.lines.select_related("item").order_by("line_no"):
        if line.line_type == LineType.COMMENT:
            continue
        on_slip = shipped.get(line.pk, ZERO)
        to_come = max(line.quantity - line.qty_closed_short - before.get(line.pk, ZERO) - on_slip, ZERO)
        if on_slip or to_come:
            notes.append(DeliveryNoteLine(order_line=line, shipped=on_slip, to_come=to_come))
    return notes


def shipping_notice_list(*, slip: PackingSlip) -> list[ShippingNotice]:
    """The shipping notices of a slip, newest first."""
    return list(ShippingNotice.objects.filter(packing_slip=slip).order_by("-queued_at", "-id"))

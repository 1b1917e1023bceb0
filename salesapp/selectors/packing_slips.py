"""Reads of packing slips."""

import datetime

from django.db.models import F, Q, QuerySet

from core.listing import order_by_sort
from core.search import contains_any, search_filter
from salesapp.models import PackingSlip, SalesOrder
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

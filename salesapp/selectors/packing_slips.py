"""Reads of packing slips."""

from django.db.models import F, Q, QuerySet

from salesapp.models import PackingSlip, SalesOrder


def packing_slip_list(*, search: str = "", state: str = "", order_id: int | None = None) -> QuerySet[PackingSlip]:
    slips = PackingSlip.objects.select_related("order__customer__party")
    if search:
        slips = slips.filter(
            Q(number__icontains=search)
            | Q(order__number__icontains=search)
            | Q(order__customer__party__name__icontains=search)
        )
    if state:
        slips = slips.filter(state=state)
    if order_id:
        slips = slips.filter(order_id=order_id)
    return slips.order_by("-id")


def packing_slip_list_uninvoiced(*, order: SalesOrder) -> QuerySet[PackingSlip]:
    """Posted packing slips of the order with something delivered and not yet invoiced."""
    return (
        PackingSlip.objects.filter(order=order, state="posted", lines__qty_invoiced__lt=F("lines__quantity"))
        .distinct()
        .prefetch_related("lines__order_line__item")
        .order_by("posted_at", "pk")
    )

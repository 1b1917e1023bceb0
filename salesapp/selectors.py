from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext

from salesapp.models import Customer, Item, PackingSlip, SalesOrder, SalesOrderLine


def customer_list(*, search: str = "", blocked: bool | None = None) -> QuerySet[Customer]:
    customers = Customer.objects.select_related("party")
    if search:
        customers = customers.filter(
            Q(number__icontains=search) | Q(party__name__icontains=search) | Q(party__city__icontains=search)
        )
    if blocked is not None:
        customers = customers.filter(blocked=blocked)
    return customers.order_by("number")


def item_list(*, search: str = "", item_type: str = "", active: bool | None = None) -> QuerySet[Item]:
    items = Item.objects.select_related("tax_code")
    if search:
        items = items.filter(Q(number__icontains=search) | Q(name__icontains=search))
    if item_type:
        items = items.filter(item_type=item_type)
    if active is not None:
        items = items.filter(active=active)
    return items.order_by("number")


def order_list(*, search: str = "", state: str = "", customer_id: int | None = None) -> QuerySet[SalesOrder]:
    """Orders with ``has_deliveries``: a confirmed order with deliveries is "partially delivered"."""
    orders = SalesOrder.objects.select_related("customer__party").annotate(
        has_deliveries=Exists(SalesOrderLine.objects.filter(order=OuterRef("pk"), qty_delivered__gt=0))
    )
    if search:
        orders = orders.filter(
            Q(number__icontains=search)
            | Q(customer__party__name__icontains=search)
            | Q(customer__number__icontains=search)
            | Q(customer_reference__icontains=search)
        )
    if state:
        orders = orders.filter(state=state)
    if customer_id:
        orders = orders.filter(customer_id=customer_id)
    return orders.order_by("-id")


def order_get(*, pk: int) -> SalesOrder:
    return (
        SalesOrder.objects.select_related("customer__party", "opportunity", "campaign")
        .prefetch_related("lines__item", "lines__tax_code")
        .get(pk=pk)
    )


def order_progress(order: SalesOrder) -> dict:
    """What the status bar says: how far delivery and invoicing have come, and why."""
    lines = list(order.lines.all())
    delivered_lines = sum(1 for line in lines if line.deliver_remainder <= 0)
    invoiced_lines = sum(1 for line in lines if line.deliver_remainder <= 0 and line.invoice_remainder <= 0)
    partially = order.state == "confirmed" and any(line.qty_delivered > 0 for line in lines)
    waiting = [
        gettext("%(quantity)s %(unit)s of %(item)s")
        % {
            "quantity": f"{line.deliver_remainder.normalize():f}",
            "unit": line.unit,
            "item": line.item.number if line.item else line.description,
        }
        for line in lines
        if line.deliver_remainder > 0
    ]
    return {
        "line_count": len(lines),
        "delivered_lines": delivered_lines,
        "invoiced_lines": invoiced_lines,
        "partially_delivered": partially,
        "waiting": waiting,
        # Translators: a ratio, so one form serves every number: "1 of 2 lines delivered, 0 invoiced".
        "summary": gettext("%(delivered)s of %(total)s lines delivered, %(invoiced)s invoiced")
        % {"delivered": delivered_lines, "total": len(lines), "invoiced": invoiced_lines},
    }


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

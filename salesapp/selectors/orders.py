"""Reads of sales orders: lists, the order page and its progress."""

import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from core.compiled import CompiledQuery, prefetched
from core.listing import order_by_sort
from core.search import contains_any, search_filter
from marketing.choices import AddressPurpose
from marketing.models import Address
from salesapp.choices import LineType
from salesapp.models import Customer, InboundSupplyLine, SalesOrder, SalesOrderLine
from salesapp.selectors.customers import customers_matching

# The order list's sortable columns (``?sort=number`` / ``?sort=-number``) and what each orders by.
ORDER_SORTS = {
    "number": ("number",),
    "customer": ("customer__party__name",),
    "customer_reference": ("customer_reference",),
    "order_date": ("order_date",),
    "state": ("state",),
    "total": ("amount_total",),
}


def order_list(
    *,
    search: str = "",
    state: str = "",
    customer_id: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    ordering: str = "",
) -> QuerySet[SalesOrder]:
    """Orders; ``search`` looks in the number, the customer's reference and the customer's number and name. The
    date range is on the order date, both days included; ``ordering`` is a key of ORDER_SORTS (newest first
    otherwise). Whether an order has deliveries is asked for the rows shown only: ``orders_mark_deliveries``."""
    orders = SalesOrder.objects.select_related("customer__party")
    if search:
        # Each table is searched through its own trigram indexes (core.search).
        orders = search_filter(
            orders,
            contains_any(search, "number", "customer_reference"),
            Q(customer_id__in=customers_matching(search)),
        )
    if state:
        orders = orders.filter(state=state)
    if customer_id:
        orders = orders.filter(customer_id=customer_id)
    if date_from:
        orders = orders.filter(order_date__gte=date_from)
    if date_to:
        orders = orders.filter(order_date__lte=date_to)
    return order_by_sort(orders, ordering, sorts=ORDER_SORTS, default=["-id"])


def orders_mark_deliveries(orders) -> list[SalesOrder]:
    """The orders, each with ``has_deliveries`` (a confirmed order with deliveries is "partially delivered"),
    in one query over the lines of these orders only."""
    orders = list(orders)
    delivered = set(
        SalesOrderLine.objects.filter(order_id__in=[order.pk for order in orders], qty_delivered__gt=0)
        .values_list("order_id", flat=True)
        .distinct()
    )
    for order in orders:
        order.has_deliveries = order.pk in delivered
    return orders


# The order page's reads, compiled once (core/compiled.py): building these joins anew costs the ORM more Python
# than the rest of the page's queries together.
_order_shown = CompiledQuery(
    lambda pk: SalesOrder.objects.select_related(
        "customer__party", "opportunity", "campaign", "delivery_address"
    ).filter(pk=pk)
)
# The lines with their item and tax code in one query, not three.
_order_lines_shown = CompiledQuery(
    lambda order_id: SalesOrderLine.objects.select_related("item", "tax_code", "returned_line__order").filter(
        order_id=order_id
    )
)


def order_get(*, pk: int) -> SalesOrder:
    """The order with its customer and lines (``order.lines.all()`` needs no further query)."""
    order = _order_shown.one(pk)
    return prefetched(order, "lines", _order_lines_shown.all(order.pk))


def order_progress(order: SalesOrder) -> dict:
    """What the status bar says: how far delivery and invoicing have come, and why."""
    # Comment lines are text: nothing to deliver or invoice, so they are not counted.
    lines = [line for line in order.lines.all() if line.line_type != LineType.COMMENT]
    delivered_lines = sum(1 for line in lines if line.deliver_remainder <= 0)
    invoiced_lines = sum(1 for line in lines if line.deliver_remainder <= 0 and line.invoice_remainder <= 0)
    partially = order.state == "confirmed" and any(line.qty_delivered > 0 for line in lines)
    waiting = [
        gettext("%(quantity)s %(unit)s of %(item)s")
        % {
            "quantity": f"{line.deliver_remainder.normalize():f}",
            "unit": line.unit,
            # A write-in is named as the customer wrote it, not by the item that carries it.
            "item": line.item.number if line.item and line.line_type != LineType.WRITE_IN else line.description,
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


def delivery_addresses(customer: Customer) -> QuerySet[Address]:
    """The addresses an order of ``customer`` may be delivered to, the default first."""
    return Address.objects.filter(party_id=customer.party_id, purpose=AddressPurpose.DELIVERY).order_by(
        "-is_default", "id"
    )


def delivery_address_lines(order: SalesOrder) -> list[str]:
    """Where the order goes: its own delivery address, else the customer's default delivery address, else the
    party's own address."""
    address = order.delivery_address
    if address is None:
        address = delivery_addresses(order.customer).first()
    return address.lines if address is not None else order.customer.party.address_lines


def order_supply_lines(order: SalesOrder) -> dict[int, InboundSupplyLine]:
    """The inbound supply bought for the order's lines (drop shipments, special orders), by order line id."""
    return {
        supply.order_line_id: supply
        for supply in InboundSupplyLine.objects.filter(order_line__order_id=order.pk).select_related("vendor")
    }

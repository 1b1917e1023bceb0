"""Row locks, always taken in the same order: agreement → quotation → order → lines → packing slip
(DESIGN.md §2.4)."""

from django.db import models

from core.compiled import CompiledQuery
from core.loaded import loaded_set
from salesapp.models import (
    InboundSupplyLine,
    PackingSlip,
    PackingSlipLine,
    Quotation,
    QuotationLine,
    SalesAgreement,
    SalesAgreementLine,
    SalesOrder,
    SalesOrderLine,
)

# Every posting step runs these reads: compiled once (core.compiled), they cost PostgreSQL's time, not the ORM's.
_ORDER = CompiledQuery(lambda order_id: SalesOrder.objects.select_for_update(of=("self",)).filter(pk=order_id))
_ORDER_WITH_CUSTOMER = CompiledQuery(
    lambda order_id: (
        SalesOrder.objects.select_for_update(of=("self",)).select_related("customer__party").filter(pk=order_id)
    )
)
_ORDER_LINES: dict[tuple[str, ...], CompiledQuery] = {}
_PACKING_SLIP = CompiledQuery(lambda slip_id: PackingSlip.objects.select_for_update().filter(pk=slip_id))
_PACKING_SLIP_LINES = CompiledQuery(
    lambda slip_id: PackingSlipLine.objects.select_for_update().filter(packing_slip_id=slip_id).order_by("pk")
)
_POSTED_SLIP_LINES = CompiledQuery(
    lambda order_id: (
        PackingSlipLine.objects.select_for_update(of=("self",))
        .filter(order_line__order_id=order_id, packing_slip__state="posted")
        .order_by("packing_slip__posted_at", "pk")
    )
)


def _order_lines_query(related: tuple[str, ...]) -> CompiledQuery:
    query = _ORDER_LINES.get(related)
    if query is None:

        def build(order_id):
            lines = SalesOrderLine.objects.select_for_update(of=("self",)).filter(order_id=order_id)
            # (select_related() with no names would follow every relation)
            return (lines.select_related(*related) if related else lines).order_by("line_no")

        query = _ORDER_LINES[related] = CompiledQuery(build)
    return query


def lock_order(order_id: int, *, with_customer: bool = True) -> SalesOrder:
    """Lock an order. Its customer and party come along (not locked) for services whose rules or replies
    read them; posting steps that only book quantities pass ``with_customer=False``."""
    return (_ORDER_WITH_CUSTOMER if with_customer else _ORDER).one(order_id)


def lock_order_lines(order: SalesOrder, *, related=("item", "tax_code")) -> dict[int, SalesOrderLine]:
    """Lock the lines of a locked order. They become the order's loaded lines, so its conditions (fully
    delivered, fully invoiced …) read the quantities the service changes, without asking the database."""
    # Item and tax code come along (not locked) where a service builds documents from them; a step that only
    # books quantities passes ``related=()`` (an error message naming the item then loads it).
    lines = _order_lines_query(tuple(related)).all(order.pk)
    for line in lines:
        line.order = order
    loaded_set(order, "lines", lines)
    order._lines_locked = True
    return {line.pk: line for line in lines}


def is_locked_with_lines(order: SalesOrder) -> bool:
    """Whether ``order`` came from ``lock_order`` and its lines from ``lock_order_lines`` in this service."""
    return getattr(order, "_lines_locked", False)


def lock_packing_slip(packing_slip_id: int) -> PackingSlip:
    return _PACKING_SLIP.one(packing_slip_id)


def lock_packing_slip_lines(slip: PackingSlip) -> list[PackingSlipLine]:
    lines = _PACKING_SLIP_LINES.all(slip.pk)
    for line in lines:
        line.packing_slip = slip
    loaded_set(slip, "lines", lines)
    return lines


def lock_posted_slip_lines(order: SalesOrder) -> dict[int, PackingSlipLine]:
    """The lines of an order's posted packing slips, oldest delivery first: what invoicing books against."""
    return {line.pk: line for line in _POSTED_SLIP_LINES.all(order.pk)}


def lock_quotation(quotation_id: int) -> Quotation:
    """Lock a quotation; its customer (or prospect party) comes along, not locked, for the rules that read it."""
    return (
        Quotation.objects.select_for_update(of=("self",))
        .select_related("customer__party", "party", "opportunity", "campaign")
        .get(pk=quotation_id)
    )


def lock_quotation_lines(quotation: Quotation) -> list[QuotationLine]:
    """Lock the lines of a locked quotation; they become its loaded lines (its conditions read them)."""
    lines = list(
        QuotationLine.objects.select_for_update(of=("self",))
        .filter(quotation=quotation)
        .select_related("item", "tax_code")
        .order_by("line_no")
    )
    for line in lines:
        line.quotation = quotation
    loaded_set(quotation, "lines", lines)
    return lines


def lock_agreement(agreement_id: int) -> SalesAgreement:
    """Lock a sales agreement; its customer comes along, not locked, for the rules that read it."""
    return SalesAgreement.objects.select_for_update(of=("self",)).select_related("customer__party").get(pk=agreement_id)


def lock_agreement_lines(agreement: SalesAgreement) -> list[SalesAgreementLine]:
    """Lock the lines of a locked agreement; they become its loaded lines (its conditions read them)."""
    lines = list(
        SalesAgreementLine.objects.select_for_update(of=("self",))
        .filter(agreement=agreement)
        .select_related("item")
        .order_by("line_no")
    )
    for line in lines:
        line.agreement = agreement
    loaded_set(agreement, "lines", lines)
    return lines


def lock_returned_lines(line_ids) -> dict[int, SalesOrderLine]:
    """The order lines a return receipt takes goods back from, locked after the returned order, its lines and
    the receipt (they belong to other orders, which a receipt never locks)."""
    return {
        line.pk: line
        for line in SalesOrderLine.objects.select_for_update(of=("self",))
        .select_related("item", "order")
        .filter(pk__in=sorted(set(line_ids)))
        .order_by("pk")
    }


def lock_supply_line(supply_line_id: int) -> InboundSupplyLine:
    """Lock an inbound supply line; its item and vendor come along, not locked (the item is locked by the stock
    booking, after the line)."""
    lines = InboundSupplyLine.objects.select_for_update(of=("self",)).select_related("item", "vendor")
    return lines.get(pk=supply_line_id)


def lock_orders_with_lines(order_ids, *, with_customer: bool = False) -> dict[int, SalesOrder]:
    """Lock several orders, in id order (two services locking overlapping sets wait, never deadlock), then all
    their lines, one statement each: a summary invoice's orders. Each order's lines become its loaded lines, as
    ``lock_order_lines`` leaves them; item and tax code come along, not locked, and so do (with ``with_customer``)
    the orders' customer and party, for the rules that read them."""
    ids = sorted(set(order_ids))
    orders_query = SalesOrder.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
    if with_customer:
        orders_query = orders_query.select_related("customer__party")
    orders = {order.pk: order for order in orders_query}
    by_order: dict[int, list[SalesOrderLine]] = {pk: [] for pk in orders}
    lines = (
        SalesOrderLine.objects.select_for_update(of=("self",))
        .filter(order_id__in=ids)
        .select_related("item", "tax_code")
        .order_by("order_id", "line_no")
    )
    for line in lines:
        line.order = orders[line.order_id]
        by_order[line.order_id].append(line)
    for pk, order in orders.items():
        loaded_set(order, "lines", by_order[pk])
        order._lines_locked = True
    return orders


def lock_posted_slip_lines_of(orders) -> dict[int, dict[int, PackingSlipLine]]:
    """``lock_posted_slip_lines`` for several locked orders in one statement: per order id, its posted slip
    lines, oldest delivery first."""
    per_order: dict[int, dict[int, PackingSlipLine]] = {order.pk: {} for order in orders}
    lines = (
        PackingSlipLine.objects.select_for_update(of=("self",))
        .filter(order_line__order_id__in=sorted(per_order), packing_slip__state="posted")
        .annotate(slip_order_id=models.F("order_line__order_id"))
        .order_by("packing_slip__posted_at", "pk")
    )
    for line in lines:
        per_order[line.slip_order_id][line.pk] = line
    return per_order

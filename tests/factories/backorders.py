"""Backorder test data: orders confirmed with their ship dates, and inbound supply rows."""

import itertools
from decimal import Decimal

from salesapp.models import InboundSupplyLine, SalesOrderLine
from salesapp.services.orders import order_confirm
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_order

_numbers = itertools.count(1)


def supply(item, quantity, expected_date, *, vendor=None, received="0"):
    """An open inbound supply line for stock, as a manager enters it."""
    return InboundSupplyLine.objects.create(
        number=f"IS-T{next(_numbers):05d}",
        vendor=vendor or PartyFactory(),
        item=item,
        quantity=Decimal(quantity),
        qty_received=Decimal(received),
        expected_date=expected_date,
    )


def confirmed(item, quantity, *, by, customer=None, ship=None, **kwargs):
    """A confirmed order of one line of ``item``, promised for ``ship`` (it reserves what is free)."""
    order = make_order(lines=[(item, quantity)], by=by, customer=customer, **kwargs)
    if ship:
        SalesOrderLine.objects.filter(order=order).update(confirmed_ship_date=ship)
    return order_confirm(order=order, by=by)

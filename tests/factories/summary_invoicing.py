"""Packing slips to invoice on summary invoices: posted deliveries of several orders of one customer."""

import datetime
from decimal import Decimal

from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.factories.salesapp import ItemFactory, make_customer, make_order

D = datetime.date
NOVEMBER = {"slips_from": D(2026, 11, 1), "slips_to": D(2026, 11, 30)}


def ship(order, by, day, quantities=None):
    slip = packing_slip_create(order=order, quantities=quantities, ship_date=D(2026, 11, day), by=by)
    return packing_slip_post(packing_slip=slip, by=by, notify_customer=False)


def month_of_slips(by):
    """Three orders of one customer, delivered in four slips in November: 20.00 + 20.00 + 30.00 + 40.00 net."""
    customer = make_customer(payment_terms_days=14)
    a, b = ItemFactory(unit_price=Decimal("10.00")), ItemFactory(unit_price=Decimal("20.00"))
    orders = [
        order_confirm(order=make_order(customer=customer, lines=lines, by=by), by=by)
        for lines in ([(a, "2")], [(b, "1")], [(a, "1"), (b, "3")])
    ]
    slips = [ship(orders[0], by, 3), ship(orders[1], by, 10)]
    third = {line.item_id: line.pk for line in orders[2].lines.all()}
    slips.append(ship(orders[2], by, 12, {third[a.pk]: Decimal("1"), third[b.pk]: Decimal("1")}))
    slips.append(ship(orders[2], by, 28, {third[a.pk]: Decimal("0"), third[b.pk]: Decimal("2")}))
    return customer, orders, slips

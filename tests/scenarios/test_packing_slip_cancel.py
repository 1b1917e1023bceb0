"""Scenario: a delivery canceled before it is invoiced restores stock and the order's remainders; once invoiced,
the cancel is refused and nothing changes."""

from decimal import Decimal

import pytest

from core.errors import TransitionRefused
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from salesapp.models import Item, SalesOrderLine, StockMove
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import order_deliver_remainder, packing_slip_cancel
from tests.factories.salesapp import ItemFactory, make_order

D = Decimal


def test_ship_cancel_ship_again_invoice_then_cancel_is_refused(clerk, manager, billing):
    # given: 10 on hand of A, 4 of B; an order for 6 A and 4 B shipped in full
    a, b = ItemFactory(number="A-1", stock=10), ItemFactory(number="B-2", stock=4)
    order = order_confirm(order=make_order(lines=[(a, "6"), (b, "4")], by=clerk), by=clerk)
    slip = order_deliver_remainder(order=order, by=clerk)
    order.refresh_from_db()
    assert order.state == "delivered"

    # when: the delivery is canceled
    packing_slip_cancel(packing_slip=slip, reason="Truck broke down", by=manager)

    # then: stock back (10 − 6 + 6, 4 − 4 + 4), all of it the order's again, remainders back, order confirmed
    order.refresh_from_db()
    assert order.state == "confirmed"
    assert sorted(Item.objects.values_list("number", "on_hand", "reserved")) == [
        ("A-1", D("10"), D("6")),
        ("B-2", D("4"), D("4")),
    ]
    assert list(
        SalesOrderLine.objects.filter(order=order).order_by("line_no").values_list("qty_delivered", "qty_reserved")
    ) == [(D("0"), D("6")), (D("0"), D("4"))]

    # when: shipped again and invoiced from that slip
    second = order_deliver_remainder(order=order, by=clerk)
    invoice_post(invoice=invoice_create_from_order(order=order, packing_slips=[second], by=clerk), by=billing)
    before = (
        sorted(Item.objects.values_list("number", "on_hand", "reserved")),
        StockMove.objects.count(),
        list(SalesOrderLine.objects.filter(order=order).values_list("qty_delivered", "qty_invoiced")),
    )

    # then: the invoiced slip cannot be canceled, and nothing changed
    with pytest.raises(TransitionRefused) as refused:
        packing_slip_cancel(packing_slip=second, reason="Too late", by=manager)
    assert refused.value.reason.startswith(f"10 of the 10 units on packing slip {second.number} are invoiced")
    second.refresh_from_db()
    order.refresh_from_db()
    assert (second.state, order.state) == ("posted", "invoiced")
    assert (
        sorted(Item.objects.values_list("number", "on_hand", "reserved")),
        StockMove.objects.count(),
        list(SalesOrderLine.objects.filter(order=order).values_list("qty_delivered", "qty_invoiced")),
    ) == before

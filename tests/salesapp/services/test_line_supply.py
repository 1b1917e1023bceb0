"""Drop shipments and special orders: a confirmed line bought from a vendor for this order, and its receipt."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db.models import Sum

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from core.jobs import jobs_run_due
from salesapp.models import InboundSupplyLine, Item, PackingSlip, SalesOrderLine, StockMove
from salesapp.services.line_supply import line_supply_receive, order_line_supply_set
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import (
    order_deliver_remainder,
    packing_slip_cancel,
    packing_slip_create,
    packing_slip_post,
)
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_order

D = Decimal
TODAY = datetime.date.today()
NEXT_WEEK = TODAY + datetime.timedelta(days=7)


def confirmed(item, quantity, *, by):
    return order_confirm(order=make_order(lines=[(item, quantity)], by=by), by=by)


def snapshot():
    return (
        sorted(Item.objects.values_list("pk", "on_hand", "reserved")),
        sorted(SalesOrderLine.objects.values_list("pk", "supply", "qty_reserved", "qty_delivered")),
        sorted(InboundSupplyLine.objects.values_list("pk", "qty_received", "state")),
        StockMove.objects.count(),
        PackingSlip.objects.count(),
    )


def assert_cache_matches_moves():
    for item in Item.objects.all():
        moved = StockMove.objects.filter(item=item).aggregate(total=Sum("quantity"))["total"] or D("0")
        promised = SalesOrderLine.objects.filter(item=item).aggregate(total=Sum("qty_reserved"))["total"] or D("0")
        assert (item.on_hand, item.reserved) == (moved, promised), item.number


@pytest.fixture
def vendor(db):
    return PartyFactory(name="Lampen Groothandel")


def test_a_drop_shipment_gives_back_the_reservation_and_its_receipt_is_the_delivery(clerk, manager, vendor):
    # given: 6 on hand, this order reserved 5 of it; another order waits for 4
    item = ItemFactory(number="A-100", stock=6)
    order = confirmed(item, "5", by=clerk)
    waiting = confirmed(item, "4", by=clerk)
    line = order.lines.get()
    assert (line.qty_reserved, waiting.lines.get().qty_reserved) == (D("5"), D("1"))

    # when
    supply = order_line_supply_set(
        order_line=line, supply="drop_shipment", vendor=vendor, expected_date=NEXT_WEEK, reference="PO-88", by=manager
    )

    # then: the line is a drop shipment with its own supply line; its 5 reserved go to the waiting order (4)
    line.refresh_from_db()
    assert (line.supply, line.qty_reserved, waiting.lines.get().qty_reserved) == ("drop_shipment", D("0"), D("4"))
    assert supply.number.startswith("IS-")
    assert (supply.vendor, supply.item, supply.quantity, supply.expected_date, supply.reference, supply.order_line) == (
        vendor,
        item,
        D("5"),
        NEXT_WEEK,
        "PO-88",
        line,
    )

    # when: the vendor delivered 2, then 3 to the customer
    line_supply_receive(supply_line=supply, quantity=D("2"), received_on=TODAY, by=manager)
    supply = line_supply_receive(supply_line=supply, quantity="3", received_on=TODAY, by=manager)

    # then: two posted deliveries, no stock moved, the order delivered, the supply line received
    order.refresh_from_db()
    item.refresh_from_db()
    assert list(PackingSlip.objects.filter(order=order).values_list("state", flat=True)) == ["posted", "posted"]
    assert (order.state, item.on_hand, StockMove.objects.filter(kind="delivery").count()) == ("delivered", D("6"), 0)
    assert (supply.qty_received, supply.state) == (D("5"), "received")
    jobs_run_due()
    assert len(mail.outbox) == 2  # a shipping notice per delivery
    assert_cache_matches_moves()


def test_a_special_orders_receipt_is_reserved_for_its_line_only(clerk, manager, vendor):
    # given: nothing on hand; a special order line and an earlier stock line of the same item
    item = ItemFactory(stock=0)
    first_in_line = confirmed(item, "3", by=clerk)
    order = confirmed(item, "4", by=clerk)
    supply = order_line_supply_set(
        order_line=order.lines.get(), supply="special_order", vendor=vendor, expected_date=NEXT_WEEK, by=manager
    )

    # when: 4 arrive
    line_supply_receive(supply_line=supply, quantity=D("4"), received_on=TODAY, by=manager)

    # then: all 4 are the special order's, none the first in line's
    item.refresh_from_db()
    assert (item.on_hand, item.reserved) == (D("4"), D("4"))
    assert (order.lines.get().qty_reserved, first_in_line.lines.get().qty_reserved) == (D("4"), D("0"))
    move = StockMove.objects.get(kind="supply_receipt")
    assert (move.quantity, move.supply_line_id) == (D("4"), supply.pk)

    # when: the line ships: it draws on its reservation
    slip = order_deliver_remainder(order=order, by=clerk)
    item.refresh_from_db()
    assert (item.on_hand, item.reserved) == (D("0"), D("0"))

    # when: that delivery is canceled, the goods come back reserved for the special order, not the first in line
    packing_slip_cancel(packing_slip=slip, reason="Wrong truck", by=manager)
    item.refresh_from_db()
    assert (item.on_hand, item.reserved) == (D("4"), D("4"))
    assert (order.lines.get().qty_reserved, first_in_line.lines.get().qty_reserved) == (D("4"), D("0"))
    assert_cache_matches_moves()


def test_setting_is_refused_with_reasons_and_changes_nothing(clerk, manager, vendor):
    # given: an open order, a confirmed one with a draft slip, and a confirmed one with 1 of 3 shipped
    item = ItemFactory(stock=10)
    open_order = make_order(lines=[(item, "2")], by=clerk)
    order = confirmed(item, "5", by=clerk)
    line = order.lines.get()
    packing_slip_create(order=order, quantities={line.pk: D("1")}, by=clerk)
    shipped = confirmed(item, "3", by=clerk)
    shipped_line = shipped.lines.get()
    packing_slip_post(
        packing_slip=packing_slip_create(order=shipped, quantities={shipped_line.pk: D("1")}, by=clerk), by=clerk
    )
    before = snapshot()

    def set_supply(order_line, *, by=manager, **kwargs):
        arguments = {"supply": "drop_shipment", "vendor": vendor, "expected_date": NEXT_WEEK, **kwargs}
        return order_line_supply_set(order_line=order_line, by=by, **arguments)

    # then
    with pytest.raises(ActionForbidden):
        set_supply(line, by=clerk)
    with pytest.raises(ValidationFailed) as refused:
        set_supply(line, supply="stock", vendor=None, expected_date=None)
    assert refused.value.field_errors == {
        "supply": "Choose 'drop_shipment' or 'special_order', not 'stock'.",
        "vendor": "Choose the vendor the goods are ordered from.",
        "expected_date": "Enter the date the vendor is expected to deliver.",
    }
    with pytest.raises(
        TransitionRefused, match="is open: a line is ordered from a vendor while the order is confirmed"
    ):
        set_supply(open_order.lines.get())
    with pytest.raises(TransitionRefused, match="A draft packing slip ships line 10 from stock: delete it first."):
        set_supply(line)
    with pytest.raises(TransitionRefused, match="Line 10 has 1 delivered from stock already"):
        set_supply(shipped_line, supply="special_order")
    assert snapshot() == before
    assert not InboundSupplyLine.objects.exists()


def test_receiving_more_than_is_to_come_is_refused_and_changes_nothing(clerk, manager, vendor):
    order = confirmed(ItemFactory(number="D-1", stock=0), "5", by=clerk)
    supply = order_line_supply_set(
        order_line=order.lines.get(), supply="drop_shipment", vendor=vendor, expected_date=NEXT_WEEK, by=manager
    )
    before = snapshot()
    with pytest.raises(TransitionRefused) as refused:
        line_supply_receive(supply_line=supply, quantity=D("6"), received_on=TODAY, by=manager)
    assert refused.value.reason == (
        f"Only 5 pcs of D-1 are still to come on {supply.number} for line 10 of order {order.number}; 6 received."
    )
    with pytest.raises(ValidationFailed) as invalid:
        line_supply_receive(supply_line=supply, quantity="0", received_on=TODAY, by=manager)
    assert list(invalid.value.field_errors) == ["quantity"]
    with pytest.raises(ActionForbidden):
        line_supply_receive(supply_line=supply, quantity=D("1"), received_on=TODAY, by=clerk)
    assert snapshot() == before


def test_the_supply_api_and_page_receive_a_drop_shipment_as_the_customers_delivery(client, clerk, manager, vendor):
    from tests.core.api.helpers import api_client

    item = ItemFactory(number="A-100", stock=0)
    order = confirmed(item, "5", by=clerk)
    supply = order_line_supply_set(
        order_line=order.lines.get(), supply="drop_shipment", vendor=vendor, expected_date=NEXT_WEEK, by=manager
    )
    response = api_client(manager).post(
        f"/api/v1/inbound-supply/{supply.pk}/receive/", {"quantity": "2"}, format="json"
    )
    assert response.status_code == 200, response.content
    client.force_login(manager)
    client.post(f"/sales/inbound-supply/{supply.pk}/receive/", {"quantity": "3", "received_on": TODAY.isoformat()})
    order.refresh_from_db()
    supply.refresh_from_db()
    assert (order.state, supply.state, PackingSlip.objects.filter(order=order, state="posted").count()) == (
        "delivered",
        "received",
        2,
    )
    assert not StockMove.objects.filter(item=item).exists()


def test_canceling_a_drop_shipments_delivery_expects_its_goods_again(clerk, manager, vendor):
    # given: a drop-shipped line of 5, received (and so delivered) in full
    item = ItemFactory(stock=0)
    order = confirmed(item, "5", by=clerk)
    supply = order_line_supply_set(
        order_line=order.lines.get(), supply="drop_shipment", vendor=vendor, expected_date=NEXT_WEEK, by=manager
    )
    line_supply_receive(supply_line=supply, quantity=D("2"), received_on=TODAY, by=manager)
    line_supply_receive(supply_line=supply, quantity=D("3"), received_on=TODAY, by=manager)
    second = PackingSlip.objects.filter(order=order).latest("pk")

    # when: the second delivery (3) is canceled
    packing_slip_cancel(packing_slip=second, reason="Vendor shipped to the wrong address", by=manager)

    # then: the line waits for 3 again, and so does its supply line, which is open again
    supply.refresh_from_db()
    order.refresh_from_db()
    assert (supply.qty_received, supply.state, supply.remaining) == (D("2"), "open", D("3"))
    assert (order.state, order.lines.get().qty_delivered) == ("confirmed", D("2"))
    # and the 3 can be received again: the delivery is posted once more
    line_supply_receive(supply_line=supply, quantity=D("3"), received_on=TODAY, by=manager)
    supply.refresh_from_db()
    order.refresh_from_db()
    assert (supply.qty_received, supply.state, order.state) == (D("5"), "received", "delivered")
    assert_cache_matches_moves()

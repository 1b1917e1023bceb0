"""Canceling a posted packing slip: the stock moves reversed, the order's quantities back, and every refusal
leaving the database as it was."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from django_fsm_log.models import StateLog

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from salesapp.models import Item, PackingSlip, PackingSlipLine, SalesOrderLine, StockMove
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import (
    order_deliver_remainder,
    packing_slip_cancel,
    packing_slip_create,
    packing_slip_post,
)
from salesapp.services.returns import returned_goods_receive, returned_order_create
from tests.factories.salesapp import ItemFactory, make_order

D = Decimal


def confirmed(item, quantity, *, by):
    return order_confirm(order=make_order(lines=[(item, quantity)], by=by), by=by)


def snapshot():
    """Everything a cancel writes: items' figures, order lines' ledgers, slips, moves, order states."""
    return (
        sorted(Item.objects.values_list("pk", "on_hand", "reserved")),
        sorted(SalesOrderLine.objects.values_list("pk", "qty_delivered", "qty_reserved", "qty_returned")),
        sorted(PackingSlip.objects.values_list("pk", "state", "cancel_reason")),
        StockMove.objects.count(),
        sorted(SalesOrderLine.objects.values_list("order_id", "order__state")),
        StateLog.objects.count(),
    )


def assert_cache_matches_moves():
    for item in Item.objects.all():
        moved = StockMove.objects.filter(item=item).aggregate(total=Sum("quantity"))["total"] or D("0")
        promised = SalesOrderLine.objects.filter(item=item).aggregate(total=Sum("qty_reserved"))["total"] or D("0")
        assert (item.on_hand, item.reserved) == (moved, promised), item.number


def test_canceling_a_delivery_puts_the_goods_back_and_reopens_the_order(clerk, manager):
    # given: 5 of 8 on hand shipped, the order delivered
    item = ItemFactory(number="A-100", stock=8)
    order = confirmed(item, "5", by=clerk)
    slip = order_deliver_remainder(order=order, by=clerk)
    order.refresh_from_db()
    assert order.state == "delivered"

    # when
    slip = packing_slip_cancel(packing_slip=slip, reason="Truck never left", by=manager)

    # then: 8 on hand again, 5 of it promised to the order (first in line), which is confirmed and waits for 5
    item.refresh_from_db()
    order.refresh_from_db()
    line = order.lines.get()
    assert (slip.state, slip.cancel_reason, slip.canceled_at is not None) == ("canceled", "Truck never left", True)
    assert (item.on_hand, item.reserved) == (D("8"), D("5"))
    assert (line.qty_delivered, line.deliver_remainder, line.qty_reserved) == (D("0"), D("5"), D("5"))
    assert order.state == "confirmed"
    move = StockMove.objects.get(kind="delivery_canceled")
    assert (move.quantity, move.packing_slip_line.packing_slip_id) == (D("5"), slip.pk)
    log = StateLog.objects.for_(slip).latest("pk")
    assert (log.transition, log.state, log.description, log.by) == ("cancel", "canceled", "Truck never left", manager)
    assert StateLog.objects.for_(order).latest("pk").transition == "reopen_delivery"
    assert_cache_matches_moves()


def test_the_goods_back_go_to_the_first_in_line(clerk, manager):
    # given: an earlier order waits for 3 when a later order's delivery of 4 is canceled
    item = ItemFactory(stock=4)
    shipped = confirmed(item, "4", by=clerk)
    slip = order_deliver_remainder(order=shipped, by=clerk)
    waiting = make_order(lines=[(item, "3")], by=clerk)
    SalesOrderLine.objects.filter(order=waiting).update(confirmed_ship_date=shipped.order_date.replace(year=2000))
    waiting = order_confirm(order=waiting, by=clerk)

    # when
    packing_slip_cancel(packing_slip=slip, reason="Wrong address", by=manager)

    # then: the waiting order (earlier ship date) takes 3, the canceled delivery's own line the last 1
    assert waiting.lines.get().qty_reserved == D("3")
    assert shipped.lines.get().qty_reserved == D("1")
    assert_cache_matches_moves()


def test_a_partial_delivery_canceled_leaves_the_other_slips(clerk, manager):
    item = ItemFactory(stock=10)
    order = confirmed(item, "10", by=clerk)
    line = order.lines.get()
    first = packing_slip_post(
        packing_slip=packing_slip_create(order=order, quantities={line.pk: D("4")}, by=clerk), by=clerk
    )
    packing_slip_post(packing_slip=packing_slip_create(order=order, quantities={line.pk: D("6")}, by=clerk), by=clerk)

    packing_slip_cancel(packing_slip=first, reason="Returned to sender", by=manager)

    line.refresh_from_db()
    order.refresh_from_db()
    assert (line.qty_delivered, line.deliver_remainder, order.state) == (D("6"), D("4"), "confirmed")


def test_an_invoiced_slip_is_refused_and_nothing_changes(clerk, manager):
    item = ItemFactory(number="A-100", stock=8)
    order = confirmed(item, "5", by=clerk)
    slip = order_deliver_remainder(order=order, by=clerk)
    PackingSlipLine.objects.filter(packing_slip=slip).update(qty_invoiced=D("2"))  # as invoice posting books it
    before = snapshot()

    with pytest.raises(TransitionRefused) as refused:
        packing_slip_cancel(packing_slip=slip, reason="Too late", by=manager)

    assert refused.value.code == "packing-slip-not-cancelable"
    assert refused.value.reason == (
        f"2 of the 5 units on packing slip {slip.number} are invoiced: the slip can no longer be canceled. "
        "Credit the invoice with a returned order instead."
    )
    assert snapshot() == before


def test_a_draft_is_refused_and_nothing_changes(clerk, manager):
    order = confirmed(ItemFactory(stock=8), "5", by=clerk)
    slip = packing_slip_create(order=order, by=clerk)
    before = snapshot()
    with pytest.raises(TransitionRefused, match="Only a posted packing slip can be canceled; this one is Draft."):
        packing_slip_cancel(packing_slip=slip, reason="Not needed", by=manager)
    assert snapshot() == before


def test_the_reason_is_required_and_the_permission_too(clerk, manager):
    order = confirmed(ItemFactory(stock=8), "5", by=clerk)
    slip = order_deliver_remainder(order=order, by=clerk)
    before = snapshot()
    with pytest.raises(ValidationFailed) as refused:
        packing_slip_cancel(packing_slip=slip, reason="  ", by=manager)
    assert refused.value.field_errors == {"reason": "Say why the packing slip is canceled."}
    with pytest.raises(ValidationFailed) as refused:
        packing_slip_cancel(packing_slip=slip, reason="x" * 301, by=manager)
    assert refused.value.field_errors == {"reason": "Enter at most 300 characters."}
    with pytest.raises(ActionForbidden):
        packing_slip_cancel(packing_slip=slip, reason="Clerk tries", by=clerk)
    assert snapshot() == before


def returned_and_received(clerk):
    item = ItemFactory(number="R-1", stock=3)
    sold = confirmed(item, "3", by=clerk)
    order_deliver_remainder(order=sold, by=clerk)
    line = sold.lines.get()
    returned = returned_order_create(order=sold, quantities={line.pk: D("2")}, return_reason="Damaged", by=clerk)
    returned = order_confirm(order=returned, by=clerk)
    receipt = returned_goods_receive(order=returned, by=clerk)
    return item, line, returned, receipt


def test_canceling_a_return_receipt_takes_the_goods_off_the_shelf_again(clerk, manager):
    # given: 2 of 3 sold came back to stock
    item, sold_line, returned, receipt = returned_and_received(clerk)
    sold_line.refresh_from_db()
    item.refresh_from_db()
    assert (sold_line.qty_returned, item.on_hand) == (D("2"), D("2"))

    # when
    packing_slip_cancel(packing_slip=receipt, reason="Counted wrong", by=manager)

    # then
    sold_line.refresh_from_db()
    item.refresh_from_db()
    returned.refresh_from_db()
    assert (sold_line.qty_returned, item.on_hand, returned.state) == (D("0"), D("0"), "confirmed")
    assert returned.lines.get().qty_delivered == D("0")
    assert list(StockMove.objects.filter(kind="delivery_canceled").values_list("quantity", flat=True)) == [D("-2")]
    assert_cache_matches_moves()


def test_a_return_receipt_whose_goods_are_promised_takes_the_promise_back(clerk, manager):
    item, _, _, receipt = returned_and_received(clerk)
    waiting = confirmed(item, "1", by=clerk)
    assert waiting.lines.get().qty_reserved == D("1")

    packing_slip_cancel(packing_slip=receipt, reason="Counted wrong", by=manager)

    item.refresh_from_db()
    assert (item.on_hand, item.reserved, waiting.lines.get().qty_reserved) == (D("0"), D("0"), D("0"))
    assert_cache_matches_moves()


def test_a_return_receipt_whose_goods_left_again_is_refused(clerk, manager):
    # given: the 2 returned units were shipped to another customer
    item, _, _, receipt = returned_and_received(clerk)
    other = confirmed(item, "2", by=clerk)
    order_deliver_remainder(order=other, by=clerk)
    before = snapshot()

    with pytest.raises(TransitionRefused) as refused:
        packing_slip_cancel(packing_slip=receipt, reason="Counted wrong", by=manager)

    assert refused.value.code == "stock-short"
    assert "R-1" in refused.value.reason
    assert snapshot() == before

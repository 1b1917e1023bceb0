import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Sum

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from salesapp.models import Item, SalesOrderLine, StockMove
from salesapp.services.order_remainders import order_line_remainder_close
from salesapp.services.orders import order_cancel, order_confirm
from salesapp.services.packing_slips import order_deliver_remainder, packing_slip_create, packing_slip_post
from salesapp.services.reservations import reservations_split
from salesapp.services.returns import returned_goods_receive, returned_order_create
from salesapp.services.stock import stock_adjust
from tests.factories.salesapp import ItemFactory, make_customer, make_order

D = Decimal
TODAY = datetime.date.today()


def stock_of(item):
    item.refresh_from_db()
    return item.on_hand, item.reserved


def reserved_of(order):
    return [line.qty_reserved for line in order.lines.order_by("line_no")]


def confirmed(item, quantity, *, by, ship=None, customer=None):
    order = make_order(lines=[(item, quantity)], by=by, customer=customer)
    if ship:
        SalesOrderLine.objects.filter(order=order).update(confirmed_ship_date=ship)
    return order_confirm(order=order, by=by)


def assert_cache_matches_moves():
    """The cached figures are what the moves and the lines say, for every item."""
    for item in Item.objects.all():
        moved = StockMove.objects.filter(item=item).aggregate(total=Sum("quantity"))["total"] or D("0")
        promised = SalesOrderLine.objects.filter(item=item).aggregate(total=Sum("qty_reserved"))["total"] or D("0")
        assert (item.on_hand, item.reserved) == (moved, promised), item.number


def test_confirming_reserves_what_is_on_hand_and_delivery_uses_it(clerk):
    item = ItemFactory(stock=8)
    order = confirmed(item, "5", by=clerk)
    assert reserved_of(order) == [D("5")] and stock_of(item) == (D("8"), D("5"))
    order_deliver_remainder(order=order, by=clerk)
    assert reserved_of(order) == [D("0")] and stock_of(item) == (D("3"), D("0"))
    move = StockMove.objects.get(kind="delivery")
    assert (move.quantity, move.packing_slip_line.order_line.order_id) == (D("-5"), order.pk)
    assert_cache_matches_moves()


def test_a_delivery_cannot_take_stock_promised_to_another_order(clerk):
    item = ItemFactory(number="A-100", stock=10)
    first = confirmed(item, "6", by=clerk)
    second = confirmed(item, "6", by=clerk)
    assert reserved_of(first) == [D("6")] and reserved_of(second) == [D("4")]
    line = second.lines.get()
    slip = packing_slip_create(order=second, quantities={line.pk: D("5")}, by=clerk)
    with pytest.raises(TransitionRefused) as refused:
        packing_slip_post(packing_slip=slip, by=clerk)
    assert refused.value.code == "stock-short"
    assert refused.value.reason == (
        "Line 10: only 4 pcs of A-100 can go: 10 on hand, 10 of it promised to orders; 5 asked. "
        "Receive more, or have a manager re-allocate the stock between the orders."
    )
    # Nothing changed: the slip is a draft, the stock and the ledger as they were.
    slip.refresh_from_db()
    line.refresh_from_db()
    assert (slip.state, line.qty_delivered, line.qty_reserved) == ("draft", D("0"), D("4"))
    assert stock_of(item) == (D("10"), D("10")) and StockMove.objects.filter(kind="delivery").count() == 0


def test_services_and_write_ins_ship_without_stock(clerk):
    service = ItemFactory(item_type="service")
    order = confirmed(service, "3", by=clerk)
    order_deliver_remainder(order=order, by=clerk)
    order.refresh_from_db()
    assert order.state == "delivered" and not StockMove.objects.filter(item=service).exists()


def test_stock_that_arrives_goes_to_the_first_in_line(clerk, manager):
    item = ItemFactory(stock=0)
    late = confirmed(item, "4", by=clerk, ship=TODAY + datetime.timedelta(days=20))
    early = confirmed(item, "4", by=clerk, ship=TODAY + datetime.timedelta(days=5))
    assert reserved_of(late) == reserved_of(early) == [D("0")]
    stock_adjust(item=item, quantity="6", reason="Found in the back", by=manager)
    assert reserved_of(early) == [D("4")] and reserved_of(late) == [D("2")]
    assert stock_of(item) == (D("6"), D("6"))
    assert_cache_matches_moves()


def test_canceling_or_closing_short_gives_the_stock_to_the_next_in_line(clerk):
    item = ItemFactory(stock=5)
    first = confirmed(item, "5", by=clerk)
    second = confirmed(item, "3", by=clerk)
    third = confirmed(item, "2", by=clerk)
    assert reserved_of(second) == [D("0")]
    order_cancel(order=first, reason="Customer changed its mind", by=clerk)
    assert reserved_of(first) == [D("0")] and reserved_of(second) == [D("3")] and reserved_of(third) == [D("2")]
    # A partial delivery, then the rest closed short: what the rest held goes on.
    fourth = confirmed(item, "1", by=clerk)
    line = second.lines.get()
    packing_slip_post(packing_slip=packing_slip_create(order=second, quantities={line.pk: D("1")}, by=clerk), by=clerk)
    assert reserved_of(second) == [D("2")] and reserved_of(fourth) == [D("0")]
    order_line_remainder_close(order_line=line, reason="Discontinued colour", by=clerk)
    assert reserved_of(second) == [D("0")] and reserved_of(fourth) == [D("1")]
    assert stock_of(item) == (D("4"), D("3"))
    assert_cache_matches_moves()


def test_a_return_to_stock_fills_waiting_orders_and_scrap_does_not(clerk):
    item = ItemFactory(stock=2)
    sold = confirmed(item, "2", by=clerk)
    order_deliver_remainder(order=sold, by=clerk)
    waiting = confirmed(item, "3", by=clerk)
    assert reserved_of(waiting) == [D("0")]
    line = sold.lines.get()
    returned = returned_order_create(order=sold, quantities={line.pk: D("2")}, return_reason="Damaged", by=clerk)
    returned = order_confirm(order=returned, by=clerk)
    back = returned.lines.get()
    returned_goods_receive(order=returned, quantities={back.pk: D("1")}, dispositions={back.pk: "scrap"}, by=clerk)
    assert stock_of(item) == (D("0"), D("0")) and reserved_of(waiting) == [D("0")]
    returned_goods_receive(order=returned, by=clerk)
    assert stock_of(item) == (D("1"), D("1")) and reserved_of(waiting) == [D("1")]
    assert list(StockMove.objects.filter(kind="return_receipt").values_list("quantity", flat=True)) == [D("1")]
    assert_cache_matches_moves()


def test_adjustments_need_a_reason_and_a_manager_and_never_go_below_zero(clerk, manager):
    item = ItemFactory(stock=3)
    with pytest.raises(ActionForbidden):
        stock_adjust(item=item, quantity="1", reason="Count", by=clerk)
    with pytest.raises(ValidationFailed) as refused:
        stock_adjust(item=item, quantity="abc", reason=" ", by=manager)
    assert set(refused.value.field_errors) == {"quantity", "reason"}
    with pytest.raises(TransitionRefused, match="Only 3 pcs"):
        stock_adjust(item=item, quantity="-4", reason="Count", by=manager)
    assert stock_of(item) == (D("3"), D("0"))
    service = ItemFactory(item_type="service")
    with pytest.raises(ValidationFailed) as refused:
        stock_adjust(item=service, quantity="1", reason="Count", by=manager)
    assert "item" in refused.value.field_errors


def test_a_cut_below_the_promises_takes_them_back_last_in_line_first(clerk, manager):
    item = ItemFactory(stock=6)
    first = confirmed(item, "3", by=clerk, ship=TODAY)
    last = confirmed(item, "3", by=clerk, ship=TODAY + datetime.timedelta(days=9))
    stock_adjust(item=item, quantity="-2", reason="Water damage", by=manager)
    assert reserved_of(first) == [D("3")] and reserved_of(last) == [D("1")]
    assert stock_of(item) == (D("4"), D("4"))
    assert_cache_matches_moves()


def test_a_manager_splits_the_stock_between_waiting_orders(clerk, manager):
    item = ItemFactory(number="B-200", stock=4)
    first = confirmed(item, "4", by=clerk)
    second = confirmed(item, "4", by=clerk)
    one, two = first.lines.get(), second.lines.get()
    with pytest.raises(ActionForbidden):
        reservations_split(item=item, quantities={one.pk: "1", two.pk: "3"}, by=clerk)
    with pytest.raises(TransitionRefused, match="4 pcs of B-200 are on hand; the split promises 5"):
        reservations_split(item=item, quantities={one.pk: "2", two.pk: "3"}, by=manager)
    with pytest.raises(ValidationFailed) as refused:
        reservations_split(item=item, quantities={one.pk: "5"}, by=manager)
    assert refused.value.field_errors == {
        f"lines[{one.pk}].quantity": f"Order line {one.pk} waits for 4 only; 5 asked."
    }
    reservations_split(item=item, quantities={one.pk: "1", two.pk: "3"}, by=manager)
    assert reserved_of(first) == [D("1")] and reserved_of(second) == [D("3")]
    # The second order now ships first.
    packing_slip_post(packing_slip=packing_slip_create(order=second, quantities={two.pk: D("3")}, by=clerk), by=clerk)
    assert stock_of(item) == (D("1"), D("1"))
    assert_cache_matches_moves()


def test_a_returned_order_and_a_journal_reserve_nothing(clerk):
    item = ItemFactory(stock=5)
    journal = make_order(lines=[(item, "2")], by=clerk, order_type="journal")
    assert reserved_of(journal) == [D("0")]
    other = confirmed(item, "1", by=clerk, customer=make_customer())
    assert reserved_of(other) == [D("1")] and stock_of(item) == (D("5"), D("1"))


def test_stock_moves_are_guarded_by_the_database(manager):
    item = ItemFactory(stock=0)
    move = stock_adjust(item=item, quantity="5", reason="Count", by=manager)
    for statement in (
        f"UPDATE salesapp_stockmove SET quantity = 50 WHERE id = {move.pk}",
        f"DELETE FROM salesapp_stockmove WHERE id = {move.pk}",
    ):
        with pytest.raises(DatabaseError, match="kept as booked"), transaction.atomic(), connection.cursor() as c:
            c.execute(statement)
    assert StockMove.objects.get(pk=move.pk).quantity == D("5")

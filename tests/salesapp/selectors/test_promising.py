import datetime
from decimal import Decimal

from django.utils import timezone

from marketing.models import Party
from salesapp.models import InboundSupplyLine, SalesOrderLine
from salesapp.selectors.promising import Promise, atp_date, atp_dates, line_promises, promised_lines
from salesapp.services.orders import order_confirm
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_order

D = Decimal
TODAY = timezone.localdate()


def day(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def supply(item, quantity, expected, *, received="0", state="open", order_line=None, vendor: Party | None = None):
    return InboundSupplyLine.objects.create(
        number=f"IS-T{InboundSupplyLine.objects.count() + 1}",
        vendor=vendor or PartyFactory(),
        item=item,
        quantity=D(quantity),
        qty_received=D(received),
        expected_date=expected,
        state=state,
        order_line=order_line,
    )


def waiting(item, quantity, *, by):
    """A confirmed order for ``quantity`` of ``item``: what it does not get reserved it waits for."""
    return order_confirm(order=make_order(lines=[(item, quantity)], by=by), by=by)


def test_on_hand_that_covers_promises_today(clerk):
    item = ItemFactory(stock=10)
    promise = atp_date(item, D("10"))
    assert promise == Promise(item.pk, D("10"), TODAY)
    assert promise.promisable and promise.shortfall == 0
    assert atp_date(item, D("4"), day(3)).date == day(3)


def test_committed_demand_of_waiting_lines_comes_first(clerk):
    item = ItemFactory(stock=10)
    waiting(item, "8", by=clerk)  # reserves 8
    waiting(item, "5", by=clerk)  # reserves 2, waits for 3 (a backorder)
    # 10 on hand − 13 committed: nothing left, 3 short before even a new line.
    promise = atp_date(item, D("1"))
    assert (promise.date, promise.shortfall) == (None, D("4"))
    supply(item, "4", day(5))
    assert atp_date(item, D("1")).date == day(5)


def test_supply_promises_the_first_date_the_cumulative_covers(clerk):
    item = ItemFactory(stock=2)
    supply(item, "3", day(4))
    supply(item, "5", day(9), received="1")  # 4 still to come
    supply(item, "2", day(9))
    supply(item, "100", day(20), state="canceled")
    assert atp_date(item, D("2")).date == TODAY
    assert atp_date(item, D("5")).date == day(4)
    assert atp_date(item, D("6")).date == day(9)
    assert atp_date(item, D("11")).date == day(9)
    promise = atp_date(item, D("12"))
    assert (promise.date, promise.shortfall, promise.promisable) == (None, D("1"), False)
    assert promise.text() == "Not promisable: 1 short, and no inbound supply covers it."


def test_overdue_supply_counts_as_arriving_on_the_first_date_asked(clerk):
    item = ItemFactory(stock=0)
    supply(item, "5", day(-3))
    assert atp_date(item, D("5")).date == TODAY
    assert atp_date(item, D("5"), day(2)).date == day(2)
    # Per request: the first date rides with it.
    assert [p.date for p in atp_dates([(item, D("5"), day(6)), (item, D("5"))])] == [day(6), TODAY]


def test_no_supply_is_not_promisable_with_the_shortfall(clerk):
    item = ItemFactory(stock=3)
    promise = atp_date(item, D("7.5"))
    assert (promise.date, promise.shortfall, promise.unstocked) == (None, D("4.5"), False)


def test_services_and_products_not_in_stock_are_promised_at_once(clerk):
    service = ItemFactory(item_type="service")
    promise = atp_date(service, D("1000"), day(2))
    assert (promise.date, promise.unstocked, promise.shortfall) == (day(2), True, 0)
    assert promise.text() == "Not held in stock: available to promise at once."


def test_a_line_promised_again_leaves_its_own_demand_out(clerk):
    item = ItemFactory(stock=5)
    order = waiting(item, "8", by=clerk)
    line = order.lines.get()
    assert atp_date(item, D("8")).date is None
    supply(item, "3", day(6))
    assert atp_date(item, D("8"), exclude_line_id=line.pk).date == day(6)
    assert atp_date(item, D("5"), exclude_line_id=line.pk).date == TODAY


def test_drop_shipment_and_special_order_supply_and_lines_do_not_count(clerk):
    item = ItemFactory(stock=5)
    order = make_order(lines=[(item, "50")], by=clerk)
    line = order.lines.get()
    SalesOrderLine.objects.filter(pk=line.pk).update(supply="drop_shipment")
    order_confirm(order=order, by=clerk)
    supply(item, "50", day(2), order_line=line)
    other = make_order(lines=[(item, "20")], by=clerk)
    special = other.lines.get()
    SalesOrderLine.objects.filter(pk=special.pk).update(supply="special_order")
    order_confirm(order=other, by=clerk)
    supply(item, "20", day(3), order_line=special)
    # Neither their demand nor their supply: 5 on hand is what there is.
    assert atp_date(item, D("5")).date == TODAY
    assert atp_date(item, D("6")).shortfall == D("1")


def test_a_promise_of_many_items_is_two_queries(clerk, django_assert_num_queries):
    items = [ItemFactory(stock=n) for n in range(1, 7)] + [ItemFactory(item_type="service")]
    for item in items[:3]:
        supply(item, "10", day(4))
        waiting(item, "1", by=clerk)
    with django_assert_num_queries(2):
        promises = atp_dates([(item, D("5")) for item in items])
    assert [p.date for p in promises] == [day(4), day(4), day(4), None, TODAY, TODAY, TODAY]
    assert promises[3].shortfall == D("1") and promises[-1].unstocked


def test_an_orders_lines_are_promised_one_after_the_other(clerk):
    item = ItemFactory(stock=4)
    supply(item, "6", day(5))
    order = make_order(lines=[(item, "3"), (item, "3"), (item, "6")], by=clerk)
    lines = promised_lines(order)
    promises = line_promises(order, lines)
    assert [(promises[line.pk].date, promises[line.pk].shortfall) for line in lines] == [
        (TODAY, 0),
        (day(5), 0),
        (None, D("2")),
    ]

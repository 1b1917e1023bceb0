import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import roles
from core.errors import TransitionRefused
from salesapp.models import InboundSupplyLine, SalesOrderLine
from salesapp.services.approvals import order_approve
from salesapp.services.orders import order_confirm, order_line_ship_date_promise
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_order
from tests.factories.users import user_with_role

D = Decimal
TODAY = timezone.localdate()


def day(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def supply(item, quantity, expected):
    return InboundSupplyLine.objects.create(
        number=f"IS-S{InboundSupplyLine.objects.count() + 1}",
        vendor=PartyFactory(),
        item=item,
        quantity=D(quantity),
        expected_date=expected,
    )


def ship_dates(order):
    return list(order.lines.order_by("line_no").values_list("confirmed_ship_date", flat=True))


def test_confirming_gives_stock_lines_their_atp_date(clerk):
    stocked, short, service = ItemFactory(stock=10), ItemFactory(stock=2), ItemFactory(item_type="service")
    supply(stocked, "10", day(6))
    dropped = ItemFactory(stock=0)
    order = make_order(
        lines=[(stocked, "4"), (stocked, "10"), (short, "5"), (service, "1"), (stocked, "1"), (dropped, "3")],
        by=clerk,
        requested_ship_date=day(2),
    )
    lines = list(order.lines.order_by("line_no"))
    SalesOrderLine.objects.filter(pk=lines[4].pk).update(confirmed_ship_date=day(30))
    SalesOrderLine.objects.filter(pk=lines[5].pk).update(supply="drop_shipment")
    order_confirm(order=order, by=clerk)
    # 4 from stock on the requested day; 10 more once the supply is in (4 + 10 > 10 on hand, less the 1 of the
    # line already promised); 2 on hand of 5 and no supply: left empty; a service, a promised line and a drop
    # shipment as they were.
    assert ship_dates(order) == [day(2), day(6), None, None, day(30), None]


def test_confirming_promises_a_whole_order_in_a_fixed_number_of_queries(clerk):
    def confirm_with(count, stock=5):
        items = [ItemFactory(stock=stock) for _ in range(count)]
        order = make_order(lines=[(item, "2") for item in items], by=clerk)
        with CaptureQueriesContext(connection) as queries:
            order_confirm(order=order, by=clerk)
        assert ship_dates(order) == [TODAY] * count
        supply_lookups = [q for q in queries.captured_queries if "salesapp_inboundsupplyline" in q["sql"]]
        return len(supply_lookups), len(queries.captured_queries)

    confirm_with(1)  # the caches a first confirmation fills (permissions)
    one, six = confirm_with(1), confirm_with(6)
    # Lines reserved in full are promised without asking for supply, six as cheaply as one.
    assert one[0] == six[0] == 0
    assert one[1] == six[1]
    # Lines that wait: the supply is looked up once, and six lines cost what one does.
    with_supply = [ItemFactory(stock=0) for _ in range(6)]
    for item in with_supply:
        supply(item, "10", TODAY)
    one, six = confirm_waiting(with_supply[:1], clerk), confirm_waiting(with_supply[1:], clerk)
    assert one[0] == six[0] == 1
    assert one[1] == six[1]


def confirm_waiting(items, clerk):
    order = make_order(lines=[(item, "2") for item in items], by=clerk)
    with CaptureQueriesContext(connection) as queries:
        order_confirm(order=order, by=clerk)
    assert ship_dates(order) == [TODAY] * len(items)
    return len([q for q in queries.captured_queries if "salesapp_inboundsupplyline" in q["sql"]]), len(
        queries.captured_queries
    )


def test_an_approved_order_gets_its_atp_dates(db):
    requester = user_with_role(roles.SALES_MANAGER, username="anna")
    approver = user_with_role(roles.SALES_MANAGER, username="bert")
    item = ItemFactory(stock=0, unit_price=D("100.00"))
    supply(item, "10", day(3))
    customer = make_customer(credit_limit=D("100"), by=requester)
    order = order_confirm(order=make_order(customer=customer, lines=[(item, "10")], by=requester), by=requester)
    assert order.state == "pending_approval" and ship_dates(order) == [None]
    order_approve(order=order, by=approver)
    assert ship_dates(order) == [day(3)]


def test_use_atp_date_sets_a_waiting_line_and_refuses_when_nothing_covers_it(clerk):
    item = ItemFactory(stock=1)
    order = order_confirm(order=make_order(lines=[(item, "4")], by=clerk), by=clerk)
    line = order.lines.get()
    assert line.confirmed_ship_date is None and line.qty_reserved == 1
    with pytest.raises(TransitionRefused) as refused:
        order_line_ship_date_promise(order_line=line, by=clerk)
    assert refused.value.code == "stock-short"
    assert refused.value.reason == "Not promisable: 3 short, and no inbound supply covers it."
    supply(item, "3", day(8))
    assert order_line_ship_date_promise(order_line=line, by=clerk).confirmed_ship_date == day(8)
    assert ship_dates(order) == [day(8)]

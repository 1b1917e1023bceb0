import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from salesapp.selectors.backorders import (
    backorder_summary,
    backorders_by_customer,
    backorders_by_item,
    backorders_by_vendor,
    lines_with_atp,
    supply_by_date,
    vendor_rows_detail,
)
from tests.factories.backorders import confirmed, supply
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer

D = Decimal
TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def test_by_item_sums_demand_against_on_hand_and_supply(clerk):
    item = ItemFactory(number="A-1", stock=5)
    other = ItemFactory(number="B-1", stock=100)
    confirmed(item, "4", by=clerk, ship=TODAY - DAY)
    confirmed(item, "6", by=clerk, ship=TODAY + 3 * DAY)
    confirmed(other, "2", by=clerk)
    supply(item, "2", TODAY + 5 * DAY)
    supply(item, "1", TODAY + 9 * DAY, received="0.5")

    rows = list(backorders_by_item())

    first = rows[0]
    assert (first["item__number"], first["demand"], first["item__on_hand"], first["item__reserved"]) == (
        "A-1",
        D("10"),
        D("5"),
        D("5"),
    )
    assert (first["supply"], first["shortfall"], first["orders"], first["late_lines"]) == (D("2.5"), D("2.5"), 2, 1)
    assert [row["item__number"] for row in rows] == ["A-1", "B-1"]  # the largest shortfall first
    assert [row["item__number"] for row in backorders_by_item(late_only=True)] == ["A-1"]
    assert supply_by_date([item.pk]) == {item.pk: [(TODAY + 5 * DAY, D("2")), (TODAY + 9 * DAY, D("0.5"))]}
    assert [row["item__number"] for row in backorders_by_item(ordering="item")] == ["A-1", "B-1"]
    assert [row["item__number"] for row in backorders_by_item(ordering="-item")] == ["B-1", "A-1"]


def test_by_customer_lists_late_lines_first_with_their_atp_dates(clerk):
    customer = make_customer()
    item = ItemFactory(stock=3)
    on_time = confirmed(item, "3", by=clerk, customer=customer, ship=TODAY + 2 * DAY)
    late = confirmed(item, "4", by=clerk, customer=customer, ship=TODAY - 2 * DAY)
    confirmed(item, "1", by=clerk)  # another customer's
    supply(item, "10", TODAY + 7 * DAY)

    lines = list(backorders_by_customer(customer_id=customer.pk))
    with CaptureQueriesContext(connection) as queries:
        lines_with_atp(lines)

    assert [line.order_id for line in lines] == [late.pk, on_time.pk]
    assert [(line.late, line.remainder, line.qty_reserved) for line in lines] == [
        (True, D("4"), D("0")),
        (False, D("3"), D("3")),
    ]
    # The late line waits for the supply; the other is reserved in full and ships today.
    assert [line.atp for line in lines] == [TODAY + 7 * DAY, TODAY]
    assert len(queries) == 2


def test_by_vendor_shows_late_supply_and_the_lines_waiting_on_it(clerk):
    slow = PartyFactory(name="Slow Supplies")
    prompt = PartyFactory(name="Prompt Parts")
    item = ItemFactory(stock=0)
    stocked = ItemFactory(stock=50)
    waiting = confirmed(item, "5", by=clerk)
    confirmed(stocked, "5", by=clerk)  # covered by its reservation: waits on nobody
    late = supply(item, "5", TODAY - 3 * DAY, vendor=slow)
    supply(stocked, "5", TODAY + 3 * DAY, vendor=prompt)

    rows = list(backorders_by_vendor())
    details = vendor_rows_detail([row["vendor_id"] for row in rows])

    assert [(row["vendor__name"], row["late_lines"], row["late_outstanding"], row["waiting"]) for row in rows] == [
        ("Slow Supplies", 1, D("5"), 1),
        ("Prompt Parts", 0, D("0"), 0),
    ]
    assert [line.pk for line in details[slow.pk].supply] == [late.pk] and details[slow.pk].supply[0].late
    assert [line.order_id for line in details[slow.pk].lines] == [waiting.pk]
    assert details[prompt.pk].lines == []
    assert [row["vendor__name"] for row in backorders_by_vendor(late_only=True)] == ["Slow Supplies"]


def test_the_summary_values_what_waits_net_of_discount(clerk):
    item = ItemFactory(stock=0, unit_price=D("10"))
    order = confirmed(item, "4", by=clerk, ship=TODAY - DAY)
    order.lines.update(net_amount=D("36.00"))  # 4 × 10 less 10 %
    summary = backorder_summary()
    assert (summary.late_lines, summary.value_waiting, summary.items_short) == (1, {"EUR": D("36.00")}, 1)


def test_a_vendor_row_counts_every_waiting_line_and_lists_the_first_ten_in_line(clerk):
    vendor = PartyFactory(name="Busy Vendor")
    first, second = ItemFactory(stock=0), ItemFactory(stock=0)
    orders = [confirmed(first if n % 2 else second, "1", by=clerk, ship=TODAY + n * DAY) for n in range(12)]
    supply(first, "20", TODAY + DAY, vendor=vendor)
    supply(second, "20", TODAY + 2 * DAY, vendor=vendor)

    [row] = backorders_by_vendor()
    details = vendor_rows_detail([vendor.pk])

    assert row["waiting"] == 12
    # The first ten by priority across both items: the orders due soonest.
    assert [line.order_id for line in details[vendor.pk].lines] == [order.pk for order in orders[:10]]

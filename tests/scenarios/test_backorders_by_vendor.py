"""Three customers order more than is on hand, the inbound supply is late, the backorders by vendor show it, the
clerk reschedules and exactly the affected customers are emailed, and the goods received go to the first in line."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction

from core.errors import TransitionRefused
from core.jobs import jobs_run_due
from salesapp.choices import StockMoveKind, SupplyState
from salesapp.models import InboundSupplyLine, SalesOrderLine
from salesapp.selectors.backorders import backorders_by_item, backorders_by_vendor, vendor_rows_detail
from salesapp.services.backorders import backorders_reschedule
from salesapp.services.packing_slips import order_deliver_remainder
from salesapp.services.reservations import reservations_fill
from salesapp.services.stock import Move, stock_moves_book
from tests.factories.backorders import confirmed, supply
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer

D = Decimal
TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def receive(supply_line, quantity, *, by):
    """Goods of an inbound supply line arrive: a receipt move, then the waiting lines take them by priority."""
    with transaction.atomic():
        stock_moves_book(
            [
                Move(
                    item_id=supply_line.item_id,
                    quantity=D(quantity),
                    kind=StockMoveKind.SUPPLY_RECEIPT,
                    supply_line_id=supply_line.pk,
                )
            ],
            by=by,
        )
        received = supply_line.qty_received + D(quantity)
        InboundSupplyLine.objects.filter(pk=supply_line.pk).update(
            qty_received=received, state=SupplyState.RECEIVED if received >= supply_line.quantity else SupplyState.OPEN
        )
        reservations_fill([supply_line.item_id])


def test_late_supply_reschedule_and_allocation_by_priority(clerk, manager):
    item = ItemFactory(number="WIDGET", stock=4)
    anna, bert, carl = (
        make_customer(party=PartyFactory(name=name, email=f"{name.lower()}@example.com"))
        for name in ("Anna", "Bert", "Carl")
    )
    # Each orders 3: together 9 against 4 on hand. The first in line is the earliest ship date.
    first = confirmed(item, "3", by=clerk, customer=anna, ship=TODAY + 2 * DAY)
    second = confirmed(item, "3", by=clerk, customer=bert, ship=TODAY + 5 * DAY)
    third = confirmed(item, "3", by=clerk, customer=carl, ship=TODAY + 9 * DAY)
    line_a, line_b, line_c = (order.lines.get() for order in (first, second, third))
    assert [line.qty_reserved for line in (line_a, line_b, line_c)] == [D("3"), D("1"), D("0")]
    [row] = backorders_by_item()
    assert (row["demand"], row["item__on_hand"], row["shortfall"]) == (D("9"), D("4"), D("5"))

    # The vendor's 6 were expected two days ago and have not come.
    vendor = PartyFactory(name="Late Vendor")
    expected = supply(item, "6", TODAY - 2 * DAY, vendor=vendor)
    [late] = backorders_by_vendor(late_only=True)
    assert (late["vendor__name"], late["late_lines"], late["late_outstanding"], late["waiting"]) == (
        "Late Vendor",
        1,
        D("6"),
        2,
    )
    # Anna's line is covered by its reservation: only Bert's and Carl's wait on the vendor.
    assert [line.pk for line in vendor_rows_detail([vendor.pk])[vendor.pk].lines] == [line_b.pk, line_c.pk]

    # The clerk moves the waiting lines to a new date: Bert and Carl are told, once each; Anna is not.
    new = TODAY + 10 * DAY
    backorders_reschedule(lines=[line_b.pk, line_c.pk], confirmed_ship_date=new, by=clerk)
    jobs_run_due()
    jobs_run_due()  # a second run sends nothing more
    assert sorted(message.to[0] for message in mail.outbox) == ["bert@example.com", "carl@example.com"]
    assert set(
        SalesOrderLine.objects.filter(pk__in=[line_b.pk, line_c.pk]).values_list("confirmed_ship_date", flat=True)
    ) == {new}

    # 3 of the 6 arrive: Bert, first in line of those waiting, is served before Carl.
    receive(expected, "3", by=manager)
    line_b.refresh_from_db()
    line_c.refresh_from_db()
    assert (line_b.qty_reserved, line_c.qty_reserved) == (D("3"), D("1"))

    # Deliveries ship what the allocation gave: Anna and Bert in full, Carl the one reserved for him.
    order_deliver_remainder(order=first, by=clerk)
    order_deliver_remainder(order=second, by=clerk)
    with pytest.raises(TransitionRefused) as short:
        order_deliver_remainder(order=third, by=clerk)
    assert short.value.code == "stock-short"
    item.refresh_from_db()
    assert (item.on_hand, item.reserved) == (D("1"), D("1"))
    assert [row["demand"] for row in backorders_by_item()] == [D("3")]

"""Backorders end to end (issue "Fulfilment"): three customers order more than is on hand, the vendor's supply is
late, the backorders show it, rescheduling tells exactly the customers concerned, and the goods that arrive ship
to the first in line."""

import datetime
from decimal import Decimal

from django.core import mail

from core.jobs import jobs_run_due
from salesapp.models import Item, SalesOrderLine, StockMove
from salesapp.selectors.backorders import backorder_summary
from salesapp.services.backorders import backorders_reschedule
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import order_deliver_remainder, packing_slip_create, packing_slip_post
from salesapp.services.supply import supply_line_create, supply_line_receive
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_order

D = Decimal
TODAY = datetime.date.today()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def test_three_customers_wait_for_late_supply_and_the_first_in_line_ships_first(clerk, manager):
    # given: 4 desks on hand; three customers order 3 each, the earliest ship date first in line
    desk = ItemFactory(number="DESK-1", name="Desk", stock=4)
    orders = {}
    for name, ship in (("Bakker", 12), ("Jansen", 5), ("Visser", 20)):
        customer = make_customer(party=PartyFactory(name=name, email=f"inkoop@{name.lower()}.example"))
        order = make_order(customer=customer, lines=[(desk, "3")], by=clerk)
        order.lines.update(requested_ship_date=days(ship))
        orders[name] = order_confirm(order=order, by=clerk)
    line = {name: order.lines.get() for name, order in orders.items()}

    def reserved():
        return {name: SalesOrderLine.objects.get(pk=row.pk).qty_reserved for name, row in line.items()}

    # confirmed in the order Bakker, Jansen, Visser: reservations were given as they came
    assert reserved() == {"Bakker": D("3"), "Jansen": D("1"), "Visser": D("0")}

    # and: the desk is short until the vendor's 6 desks, expected two days ago and not here, come
    assert (backorder_summary().items_short, backorder_summary().late_lines) == (1, 0)
    vendor = PartyFactory(name="Hollandia Meubelen")
    supply = supply_line_create(vendor=vendor, item=desk, quantity="6", expected_date=days(-2), by=manager)
    assert backorder_summary().items_short == 0

    # when: the clerk moves the two waiting customers' lines to the ATP date (the late supply counts as today's
    # arrival, so both can be promised) — Bakker's line is complete and not chosen
    result = backorders_reschedule(lines=[line["Jansen"].pk, line["Visser"].pk], use_atp=True, by=clerk)
    jobs_run_due()

    # then: exactly the two customers concerned are told, once each
    assert sorted(message.to[0] for message in mail.outbox) == ["inkoop@jansen.example", "inkoop@visser.example"]
    assert {row.pk for row in result.changed} == {line["Jansen"].pk, line["Visser"].pk}

    # when: the supply arrives, the goods go to the first in line: Jansen (due in 5 days) before Visser
    supply_line_receive(supply_line=supply, quantity="6", by=manager)
    assert reserved() == {"Bakker": D("3"), "Jansen": D("3"), "Visser": D("3")}
    desk.refresh_from_db()
    assert (desk.on_hand, desk.reserved) == (D("10"), D("9"))

    # and: each ships what was reserved for it; nothing is left over for another order's line
    for order in orders.values():
        order_deliver_remainder(order=order, by=clerk)
    desk.refresh_from_db()
    assert (desk.on_hand, desk.reserved) == (D("1"), D("0"))
    assert sum(StockMove.objects.filter(item=desk).values_list("quantity", flat=True)) == desk.on_hand
    assert backorder_summary().items_short == 0


def test_a_manager_gives_a_late_customer_the_stock_first(clerk, manager):
    from salesapp.services.reservations import reservations_split

    item = ItemFactory(number="CHAIR-1", stock=2)
    first = order_confirm(order=make_order(lines=[(item, "2")], by=clerk), by=clerk).lines.get()
    urgent = order_confirm(order=make_order(lines=[(item, "2")], by=clerk), by=clerk).lines.get()
    reservations_split(item=item, quantities={first.pk: "0", urgent.pk: "2"}, by=manager)
    slip = packing_slip_create(order=urgent.order, by=clerk)
    packing_slip_post(packing_slip=slip, by=clerk)
    assert Item.objects.get(pk=item.pk).on_hand == D("0")
    assert SalesOrderLine.objects.get(pk=first.pk).qty_reserved == D("0")

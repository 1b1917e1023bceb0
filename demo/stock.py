"""The demo company's stock situation: two vendors with inbound supply, and three customers waiting for a desk the
warehouse has too few of, so the backorder views, order promising and the split of on-hand have something to show.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from marketing.choices import PartyKind
from marketing.models import Party
from marketing.services.parties import party_create
from salesapp.choices import OrderState
from salesapp.models import Customer, InboundSupplyLine, Item, SalesOrderLine
from salesapp.services.approvals import order_approve
from salesapp.services.orders import OrderLineInput, order_confirm, order_create, order_line_ship_date_confirm
from salesapp.services.stock import stock_adjust
from salesapp.services.supply import supply_line_create, supply_line_receive

D = Decimal
DEMO_VENDORS = (
    ("Nordic Office Supply AB", "Göteborg", "SE"),
    ("Hollandia Meubelfabriek B.V.", "Apeldoorn", "NL"),
)
# The desk three customers wait for, and the chair whose supply comes in parts.
SHORT_ITEM, SUPPLIED_ITEM = "FUR-1002", "FUR-1005"


def demo_stock_build(*, today: datetime.date, clerk=None, manager=None) -> list[InboundSupplyLine]:
    items = {item.number: item for item in Item.objects.filter(number__in=[SHORT_ITEM, SUPPLIED_ITEM])}
    customers = list(
        Customer.objects.filter(blocked=False, prepayment_required=False)
        .select_related("party")
        .order_by("-number")[:3]
    )
    if len(items) < 2 or len(customers) < 3:
        return []
    nordic, hollandia = (
        Party.objects.filter(name=name).first()
        or party_create(kind=PartyKind.ORGANIZATION, name=name, city=city, country=country, by=manager)
        for name, city, country in DEMO_VENDORS
    )
    desk, chair = items[SHORT_ITEM], items[SUPPLIED_ITEM]
    # A count finds most of the desks damaged: three left that no order has yet.
    desk.refresh_from_db()
    if desk.free > 3:
        stock_adjust(item=desk, quantity=-(desk.free - 3), reason="Cycle count: damaged in the warehouse", by=manager)
    # Three customers ordered more desks than are left ten days ago; the first was promised a date that passed.
    ordered_on = today - datetime.timedelta(days=10)
    for index, (customer, quantity, days) in enumerate(zip(customers, ("2", "4", "3"), (-4, 6, 12), strict=True)):
        order = order_create(
            customer=customer,
            order_date=ordered_on,
            customer_reference=f"Desks for the new office ({index + 1})",
            lines=[OrderLineInput(item=desk, quantity=D(quantity))],
            by=clerk,
        )
        order = order_confirm(order=order, by=clerk)
        if order.state == OrderState.PENDING_APPROVAL:
            order = order_approve(order=order, by=manager)
        order_line_ship_date_confirm(
            order_line=SalesOrderLine.objects.get(order=order),
            confirmed_ship_date=today + datetime.timedelta(days=days),
            by=clerk,
        )
    supply = [
        # Late: expected three days ago and not here yet.
        supply_line_create(
            vendor=hollandia,
            item=desk,
            quantity=D("6"),
            expected_date=today - datetime.timedelta(days=3),
            reference="HM-PO-88213",
            by=manager,
        ),
        supply_line_create(
            vendor=nordic,
            item=desk,
            quantity=D("10"),
            expected_date=today + datetime.timedelta(days=14),
            reference="NOS-4471",
            by=manager,
        ),
        supply_line_create(
            vendor=nordic,
            item=chair,
            quantity=D("40"),
            expected_date=today + datetime.timedelta(days=5),
            reference="NOS-4470",
            by=manager,
        ),
    ]
    # Half of the chairs came in early.
    supply_line_receive(supply_line=supply[2], quantity=D("20"), received_on=today, by=manager)
    return supply

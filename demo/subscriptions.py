"""Demo subscriptions (``manage.py seed_demo``): one behind on its billing, for a billing run to catch up, and
one that starts next month, so the preview shows both a due subscription and nothing for the other."""

from __future__ import annotations

import datetime
from decimal import Decimal

from core.dates import months_added
from demo.sales import demo_confirm
from salesapp.choices import BillingPeriod, OrderType
from salesapp.models import Customer, Item, SalesOrder
from salesapp.services.orders import OrderLineInput, order_create

D = Decimal


def _first_of_month(today: datetime.date, months: int) -> datetime.date:
    return months_added(today.replace(day=1), months)


def demo_subscriptions_build(*, today: datetime.date, by=None, approver=None) -> list[SalesOrder]:
    """A monthly coffee and water supply billed from the first of last month (two periods due today) and a
    quarterly support contract from the first of next month, for a year; both confirmed."""
    customers = list(
        Customer.objects.filter(blocked=False, prepayment_required=False).select_related("party").order_by("number")[:2]
    )
    items = {item.number: item for item in Item.objects.filter(number__in=["CON-3008", "CON-3011", "SRV-9005"])}
    if len(customers) < 2 or len(items) < 3:
        return []
    supply_start = _first_of_month(today, -1)
    support_start = _first_of_month(today, 1)
    supply = order_create(
        customer=customers[0],
        order_type=OrderType.SUBSCRIPTION,
        order_date=supply_start,
        billing_period=BillingPeriod.MONTHLY,
        customer_reference="Coffee and water supply",
        lines=[
            OrderLineInput(item=items["CON-3008"], quantity=D("4")),
            OrderLineInput(item=items["CON-3011"], quantity=D("6")),
        ],
        by=by,
    )
    support = order_create(
        customer=customers[1],
        order_type=OrderType.SUBSCRIPTION,
        order_date=today,
        billing_period=BillingPeriod.QUARTERLY,
        next_billing_date=support_start,
        subscription_end_date=months_added(support_start, 12) - datetime.timedelta(days=1),
        customer_reference="On-site support contract",
        lines=[OrderLineInput(item=items["SRV-9005"], quantity=D("4"))],
        by=by,
    )
    return [demo_confirm(order, by=by, approver=approver) for order in (supply, support)]

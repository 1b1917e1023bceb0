"""The demo company's up-sell and cross-sell rules and standard line sets, made through the services."""

from __future__ import annotations

from decimal import Decimal

from salesapp.models import Customer, CustomerPriceGroup, Item, ProductRelation, StandardLineSet
from salesapp.services.standard_lines import StandardLineInput, standard_line_set_create
from salesapp.services.suggestions import product_relation_create

D = Decimal

# (item, suggested item, kind, minimum quantity, priority, pitch)
DEMO_RELATIONS = [
    ("IT-2010", "CON-3002", "cross_sell", None, 10, "A spare toner saves a rush order when the first runs out."),
    ("IT-2011", "CON-3003", "cross_sell", None, 10, "A spare CMYK set: colour toner is rarely in stock locally."),
    ("IT-2010", "IT-2011", "up_sell", None, 20, "Colour, scanning and copying for 300 more."),
    ("IT-2001", "IT-2005", "cross_sell", None, 10, "One cable to the monitors, network and power at the desk."),
    ("IT-2001", "IT-2002", "up_sell", D("5"), 20, "For a team of five or more: twice the memory, larger screen."),
    ("IT-2003", "IT-2004", "up_sell", None, 10, "More room on screen, and one USB-C cable to the laptop."),
    ("FUR-1001", "FUR-1002", "up_sell", None, 10, "Sit-stand: the health and safety advice for desk work."),
    ("FUR-1003", "FUR-1012", "cross_sell", None, 20, "For shorter colleagues the chair is only right with one."),
    ("FUR-1001", "SRV-9002", "cross_sell", None, 20, "We deliver and assemble: one fee per order."),
]

# Suggested only to customers of one price group: (item, suggested item, kind, price group code, priority, pitch)
DEMO_GROUP_RELATIONS = [
    ("IT-2002", "SRV-9004", "cross_sell", "KEY", 30, "Key accounts: we configure each laptop before it ships."),
]

# (name, customer number or None for everyone, [(item, quantity)])
DEMO_LINE_SETS = [
    ("Monthly office supplies", None, [("CON-3001", "10"), ("CON-3004", "2"), ("CON-3005", "4"), ("CON-3008", "6")]),
    ("New workplace", None, [("FUR-1001", "1"), ("FUR-1003", "1"), ("IT-2003", "2"), ("IT-2006", "1")]),
]


def demo_suggestions_build(*, items: list[Item], customers: list[Customer], by=None) -> None:
    """Rules between the demo items (one of them for key accounts only) and two standard line sets for everyone,
    plus a pantry set for the first customer. Built once: an existing demo company keeps what it has."""
    if ProductRelation.objects.exists() or StandardLineSet.objects.exists():
        return
    by_number = {item.number: item for item in items}
    for item, suggested, kind, min_quantity, priority, pitch in DEMO_RELATIONS:
        product_relation_create(
            item=by_number[item],
            suggested_item=by_number[suggested],
            kind=kind,
            min_quantity=min_quantity,
            priority=priority,
            pitch=pitch,
            by=by,
        )
    for item, suggested, kind, group, priority, pitch in DEMO_GROUP_RELATIONS:
        product_relation_create(
            item=by_number[item],
            suggested_item=by_number[suggested],
            kind=kind,
            price_group=CustomerPriceGroup.objects.get(code=group),
            priority=priority,
            pitch=pitch,
            by=by,
        )
    line_sets = [*DEMO_LINE_SETS]
    if customers:
        line_sets.append(
            ("Weekly pantry", customers[0].number, [("CON-3008", "4"), ("CON-3009", "2"), ("CON-3011", "10")])
        )
    customer_by_number = {customer.number: customer for customer in customers}
    for name, customer_number, lines in line_sets:
        standard_line_set_create(
            name=name,
            customer=customer_by_number.get(customer_number) if customer_number else None,
            lines=[StandardLineInput(item=by_number[number], quantity=D(quantity)) for number, quantity in lines],
            by=by,
        )

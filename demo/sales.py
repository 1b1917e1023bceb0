"""Demo customers, catalog, sales orders and deliveries of a Dutch office supplier.

Used by ``manage.py seed_demo``. Everything goes through the sales services, with dates spread over
the past months, so every order reaches its state the way a clerk's order would."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from marketing.choices import PartyKind
from marketing.models import Opportunity, Party
from marketing.services.opportunities import opportunity_win
from salesapp.choices import ItemType, OrderState
from salesapp.models import Customer, Item, PackingSlip, SalesOrder, TaxCode
from salesapp.services.approvals import order_approve
from salesapp.services.customers import customer_create, customer_update
from salesapp.services.items import item_create, item_update
from salesapp.services.opportunity_orders import order_create_for_opportunity
from salesapp.services.orders import OrderLineInput, order_cancel, order_confirm, order_create, order_line_add
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from salesapp.services.stock import stock_adjust

D = Decimal
STOCKED, SERVICE = ItemType.STOCKED, ItemType.SERVICE

# Parties that stay prospects: no customer account yet.
DEMO_PROSPECTS = {
    "Stichting Openbaar Onderwijs Zeist",
    "Groen Energie Noord B.V.",
    "Fjällsjö Tandvård AB",
    "Fischer Medizintechnik GmbH",
    "Maes Transport BV",
    "Eva Lindberg",
    "Jonas Krüger",
}
# payment terms (days), credit limit; customers not listed get 30 days and 10 000.
DEMO_TERMS: dict[str, tuple[int, Decimal]] = {
    "Van den Berg Kantoorinrichting B.V.": (30, D("50000")),
    "De Vries Advocaten": (14, D("15000")),
    "Zorggroep Hoogeveen": (60, D("40000")),
    "Smit Architecten": (14, D("7500")),
    "Brouwer Bouw B.V.": (60, D("25000")),
    "Koffiebranderij Het Anker": (14, D("5000")),
    "Peters Tandartsen": (14, D("5000")),
    "Lindqvist Kontorsvaror AB": (30, D("30000")),
    "Bergström Fastigheter AB": (60, D("20000")),
    "Weber Büroausstattung GmbH": (30, D("35000")),
    "Hoffmann Logistik GmbH": (60, D("25000")),
    "Dubois Bureautique SA": (30, D("12000")),
    "Sanne de Jong": (14, D("1500")),
    "Pieter van Dijk": (14, D("1500")),
}
DEMO_BLOCKED = ("Visser Uitzendbureau", "Credit insurer withdrew cover: prepayment only until further notice")

# number, name, type, unit, sales price, tax code, largest usual quantity
DEMO_ITEMS: list[tuple[str, str, str, str, str, str, int]] = [
    ("FUR-1001", "Office desk 160×80 cm, oak veneer", STOCKED, "pcs", "429.00", "NL21", 12),
    ("FUR-1002", "Sit-stand desk, electric, 180×80 cm", STOCKED, "pcs", "689.00", "NL21", 10),
    ("FUR-1003", "Ergonomic office chair, mesh back", STOCKED, "pcs", "289.00", "NL21", 20),
    ("FUR-1004", "Executive chair, leather", STOCKED, "pcs", "549.00", "NL21", 4),
    ("FUR-1005", "Meeting table, round Ø120 cm", STOCKED, "pcs", "359.00", "NL21", 3),
    ("FUR-1006", "Meeting chair, stackable", STOCKED, "pcs", "89.00", "NL21", 24),
    ("FUR-1007", "Filing cabinet, 4 drawers", STOCKED, "pcs", "239.00", "NL21", 6),
    ("FUR-1008", "Mobile pedestal, 3 drawers", STOCKED, "pcs", "169.00", "NL21", 12),
    ("FUR-1009", "Bookcase 200×80 cm", STOCKED, "pcs", "199.00", "NL21", 6),
    ("FUR-1010", "Acoustic desk screen 160 cm", STOCKED, "pcs", "139.00", "NL21", 12),
    ("FUR-1011", "Monitor arm, dual", STOCKED, "pcs", "119.00", "NL21", 15),
    ("FUR-1012", "Footrest, adjustable", STOCKED, "pcs", "39.95", "NL21", 10),
    ("FUR-1013", "Whiteboard 180×120 cm, magnetic", STOCKED, "pcs", "189.00", "NL21", 3),
    ("FUR-1014", "Coat stand, steel", STOCKED, "pcs", "59.00", "NL21", 4),
    ("FUR-1015", "Lounge sofa, 2 seats", STOCKED, "pcs", "899.00", "NL21", 2),
    ("FUR-1016", "Locker cabinet, 12 doors", STOCKED, "pcs", "749.00", "NL21", 3),
    ("IT-2001", 'Laptop 14" i5, 16 GB, 512 GB SSD', STOCKED, "pcs", "1049.00", "NL21", 10),
    ("IT-2002", 'Laptop 15" i7, 32 GB, 1 TB SSD', STOCKED, "pcs", "1549.00", "NL21", 5),
    ("IT-2003", 'Monitor 24" Full HD IPS', STOCKED, "pcs", "169.00", "NL21", 15),
    ("IT-2004", 'Monitor 27" QHD USB-C', STOCKED, "pcs", "329.00", "NL21", 10),
    ("IT-2005", "Docking station USB-C", STOCKED, "pcs", "189.00", "NL21", 10),
    ("IT-2006", "Wireless keyboard and mouse set", STOCKED, "pcs", "59.95", "NL21", 20),
    ("IT-2007", "USB headset, noise cancelling", STOCKED, "pcs", "119.00", "NL21", 15),
    ("IT-2008", "Webcam 1080p", STOCKED, "pcs", "79.00", "NL21", 10),
    ("IT-2009", "Conference speakerphone", STOCKED, "pcs", "229.00", "NL21", 3),
    ("IT-2010", "Laser printer A4, mono, duplex", STOCKED, "pcs", "249.00", "NL21", 3),
    ("IT-2011", "Colour multifunction printer A4", STOCKED, "pcs", "549.00", "NL21", 2),
    ("IT-2012", "Network switch, 24 ports PoE", STOCKED, "pcs", "429.00", "NL21", 2),
    ("IT-2013", "Wi-Fi 6 access point", STOCKED, "pcs", "189.00", "NL21", 6),
    ("IT-2014", "NAS 4-bay, 16 TB", STOCKED, "pcs", "899.00", "NL21", 1),
    ("IT-2015", "UPS 1500 VA", STOCKED, "pcs", "329.00", "NL21", 2),
    ("IT-2016", 'Tablet 11", 64 GB', STOCKED, "pcs", "449.00", "NL21", 6),
    ("IT-2017", "Smartphone 128 GB", STOCKED, "pcs", "599.00", "NL21", 8),
    ("IT-2018", "External SSD 1 TB", STOCKED, "pcs", "119.00", "NL21", 10),
    ("IT-2019", "Presenter remote with laser", STOCKED, "pcs", "39.00", "NL21", 4),
    ("IT-2020", 'Monitor 22" Full HD (end of line)', STOCKED, "pcs", "129.00", "NL21", 10),
    ("CON-3001", "Copy paper A4 80 g, box of 5 reams", STOCKED, "box", "27.50", "NL21", 40),
    ("CON-3002", "Toner cartridge black for IT-2010", STOCKED, "pcs", "89.00", "NL21", 8),
    ("CON-3003", "Toner set CMYK for IT-2011", STOCKED, "set", "329.00", "NL21", 3),
    ("CON-3004", "Ballpoint pens blue, box of 50", STOCKED, "box", "14.95", "NL21", 10),
    ("CON-3005", "Sticky notes 76×76 mm, pack of 12", STOCKED, "pack", "9.95", "NL21", 20),
    ("CON-3006", "Lever arch files A4, box of 10", STOCKED, "box", "29.90", "NL21", 12),
    ("CON-3007", "Whiteboard markers, set of 4", STOCKED, "set", "6.95", "NL21", 20),
    ("CON-3008", "Coffee beans 1 kg, espresso blend", STOCKED, "bag", "21.50", "NL9", 30),
    ("CON-3009", "Tea assortment, 6 × 25 bags", STOCKED, "box", "12.95", "NL9", 20),
    ("CON-3010", "Cane sugar sticks, box of 500", STOCKED, "box", "11.50", "NL9", 10),
    ("CON-3011", "Still water 0.5 l, crate of 24", STOCKED, "crate", "8.95", "NL9", 40),
    ("CON-3012", "Screen cleaning wipes, tub of 100", STOCKED, "tub", "7.95", "NL21", 12),
    ("CON-3013", "Handbook Occupational Health and Safety 2026", STOCKED, "pcs", "49.50", "NL9", 5),
    ("CON-3014", "Hand sanitiser 500 ml", STOCKED, "pcs", "4.95", "NL21", 24),
    ("CON-3015", "Envelopes C4 white, box of 250", STOCKED, "box", "34.50", "NL21", 6),
    ("SRV-9001", "Installation per hour", SERVICE, "h", "75.00", "NL21", 16),
    ("SRV-9002", "Delivery and assembly, per order", SERVICE, "pcs", "95.00", "NL21", 1),
    ("SRV-9003", "Workplace ergonomics assessment per hour", SERVICE, "h", "95.00", "NL21", 8),
    ("SRV-9004", "IT configuration per device", SERVICE, "pcs", "45.00", "NL21", 15),
    ("SRV-9005", "On-site support per hour", SERVICE, "h", "85.00", "NL21", 12),
    ("SRV-9006", "Removal and recycling of old furniture per m³", SERVICE, "m3", "65.00", "NL21", 10),
    ("SRV-9007", "Training session, half day", SERVICE, "pcs", "450.00", "NL21", 2),
]
DEMO_DISCONTINUED = "IT-2020"

# What becomes of each demo order, how many there are, and how far along the road to cash it gets
# (older orders are further along, as in a real order book).
OPEN = "open"
CANCELED = "canceled"
CONFIRMED = "confirmed"
PARTIAL = "partially delivered"
PARTIAL_INVOICED = "partially delivered and invoiced"
DELIVERED = "delivered"
DELIVERED_DRAFT_INVOICE = "delivered, draft invoice"
INVOICED_FROM_SLIPS = "invoiced from packing slips"
INVOICED_FROM_ORDER = "invoiced from the order"
DEMO_FATES: dict[str, tuple[int, int]] = {
    OPEN: (12, 0),
    CONFIRMED: (12, 1),
    PARTIAL: (6, 2),
    PARTIAL_INVOICED: (4, 3),
    DELIVERED: (7, 3),
    DELIVERED_DRAFT_INVOICE: (3, 3),
    INVOICED_FROM_SLIPS: (30, 4),
    INVOICED_FROM_ORDER: (28, 4),
    CANCELED: (8, 2),
}
DEMO_DAYS_BACK = 120
CANCEL_REASONS = [
    "Customer accepted a competitor's offer.",
    "Duplicate of an order placed by phone.",
    "Project postponed to next year.",
    "Ordered by mistake.",
]


@dataclass
class DemoOrder:
    """A demo order and what the invoicing demo still has to do with it."""

    order: SalesOrder
    fate: str
    last_ship_date: datetime.date | None = None


def _days_before(today: datetime.date, days: int) -> datetime.date:
    return today - datetime.timedelta(days=days)


def _not_after(date: datetime.date, today: datetime.date) -> datetime.date:
    return min(date, today)


def demo_customers_build(*, parties: list[Party], by=None) -> list[Customer]:
    """Customer accounts for every demo party but the prospects."""
    customers = []
    for party in parties:
        if party.name in DEMO_PROSPECTS:
            continue
        terms, credit_limit = DEMO_TERMS.get(party.name, (30, D("10000")))
        customers.append(
            customer_create(party=party, by=by, payment_terms_days=terms, credit_limit=credit_limit, currency="EUR")
        )
    return customers


# Enough of every product for the demo's history of orders; the backorders of the demo are made apart.
DEMO_OPENING_STOCK = D("1000")


def demo_items_build(*, by=None) -> list[Item]:
    tax_codes = {tax_code.code: tax_code for tax_code in TaxCode.objects.all()}
    # The item write-in lines are carried by (settings.SALESFLOW_WRITE_IN_ITEM); never sampled into demo orders.
    item_create(
        by=by,
        number=settings.SALESFLOW_WRITE_IN_ITEM,
        name="Write-in product (not in the catalogue)",
        item_type=STOCKED,
        unit="pcs",
        unit_price=D("0"),
        tax_code=tax_codes["NL21"],
    )
    items = [
        item_create(
            by=by,
            number=number,
            name=name,
            item_type=item_type,
            unit=unit,
            unit_price=D(price),
            tax_code=tax_codes[tax_code],
        )
        for number, name, item_type, unit, price, tax_code, _largest in DEMO_ITEMS
    ]
    for item in items:
        if item.item_type == STOCKED:
            stock_adjust(item=item, quantity=DEMO_OPENING_STOCK, reason="Opening stock", by=by)
    return items


def _order_lines(rng: random.Random, customer: Customer, items: list[Item]):
    # Tax codes come from the customer's and the item's tax groups (demo.pricing): reverse charge for EU businesses.
    largest = {number: most for number, *_rest, most in DEMO_ITEMS}
    lines = []
    for index, item in enumerate(rng.sample(items, rng.randint(1, 6))):
        quantity = rng.randint(1, largest[item.number])
        if index == 0:
            # Room for a partial delivery on every order.
            quantity = max(quantity, 2)
        # Most lines take the agreed price; now and then a clerk grants a discount of their own.
        discount = rng.choice([None] * 6 + [D("5"), D("10")]) if customer.party.kind != PartyKind.PERSON else None
        lines.append(
            OrderLineInput(
                item=item,
                quantity=D(quantity),
                discount_percent=discount,
            )
        )
    return lines


def _fates_by_age(rng: random.Random) -> list[str]:
    """Every fate its number of times, the furthest along first (for the oldest orders), loosely."""
    keyed = [
        (progress + rng.uniform(-2, 2), fate) for fate, (count, progress) in DEMO_FATES.items() for _ in range(count)
    ]
    return [fate for _key, fate in sorted(keyed, reverse=True)]


def demo_confirm(order: SalesOrder, *, by, approver) -> SalesOrder:
    """Confirm as the clerk does; an order over the customer's credit limit waits for the sales manager, who
    approves it (the demo's customers are good for it)."""
    order = order_confirm(order=order, by=by)
    if order.state == OrderState.PENDING_APPROVAL:
        order = order_approve(order=order, by=approver, comment="Known customer: approved.")
    return order


def demo_orders_build(
    *, customers: list[Customer], items: list[Item], rng: random.Random, today: datetime.date, by=None, approver=None
) -> list[DemoOrder]:
    """Sales orders over the last months, confirmed or canceled as their fate says, oldest first."""
    orderable = [item for item in items if item.active]
    # A few accounts order far more often than the rest, as in any customer base.
    weights = [rng.choice([1, 1, 2, 3, 5]) for _ in customers]
    fates = _fates_by_age(rng)
    order_dates = sorted(_days_before(today, rng.randint(0, DEMO_DAYS_BACK)) for _ in fates)
    plan = []
    for fate, order_date in zip(fates, order_dates, strict=True):
        customer = rng.choices(customers, weights=weights)[0]
        order = order_create(
            customer=customer,
            lines=_order_lines(rng, customer, orderable),
            by=by,
            order_date=order_date,
            requested_ship_date=order_date + datetime.timedelta(days=rng.randint(3, 21)),
            customer_reference=f"PO{rng.randint(450000, 459999)}" if rng.random() < 0.6 else "",
        )
        if fate == CANCELED and rng.random() < 0.5:
            order = order_cancel(order=order, reason=rng.choice(CANCEL_REASONS), by=by)
        elif fate != OPEN:
            order = demo_confirm(order, by=by, approver=approver)
            if fate == CANCELED:
                order = order_cancel(order=order, reason=rng.choice(CANCEL_REASONS), by=by)
        plan.append(DemoOrder(order=order, fate=fate))
    # The end-of-line monitor was sold until recently; it can no longer be ordered.
    item_update(item=Item.objects.get(number=DEMO_DISCONTINUED), by=by, active=False)
    return plan


def demo_customer_block(*, by=None) -> Customer | None:
    """Block the customer the credit insurer dropped; its open orders can no longer be confirmed."""
    name, reason = DEMO_BLOCKED
    customer = Customer.objects.filter(party__name=name).first()
    if customer is None:
        return None
    return customer_update(customer=customer, by=by, blocked=True, blocked_reason=reason)


def _part_of(rng: random.Random, order: SalesOrder) -> dict[int, Decimal]:
    """A first shipment: part of the first line, and each other line either complete or not yet."""
    lines = list(order.lines.order_by("line_no"))
    first = lines[0]
    part = {first.pk: D(rng.randint(1, int(first.quantity) - 1))}
    for line in lines[1:]:
        part[line.pk] = line.quantity if rng.random() < 0.5 else D("0")
    return part


def demo_deliveries_build(
    *, plan: list[DemoOrder], rng: random.Random, today: datetime.date, by=None
) -> list[PackingSlip]:
    """Posted packing slips: partial deliveries for orders still waiting, one or two for the others.

    Slips are posted in ship date order, so their numbers run with the calendar. Orders invoiced
    "from the order" get no packing slip here: posting their invoice ships them."""
    # (ship date, sequence, order, quantities per line or None for everything left)
    shipments: list[tuple[datetime.date, int, DemoOrder, dict[int, Decimal] | None]] = []
    for entry in plan:
        if entry.fate in (OPEN, CANCELED, CONFIRMED, INVOICED_FROM_ORDER):
            continue
        ship_date = _not_after(entry.order.order_date + datetime.timedelta(days=rng.randint(1, 7)), today)
        partial = entry.fate in (PARTIAL, PARTIAL_INVOICED) or rng.random() < 0.3
        if partial:
            shipments.append((ship_date, len(shipments), entry, _part_of(rng, entry.order)))
        if entry.fate not in (PARTIAL, PARTIAL_INVOICED):
            if partial:
                ship_date = _not_after(ship_date + datetime.timedelta(days=rng.randint(2, 10)), today)
            shipments.append((ship_date, len(shipments), entry, None))
        entry.last_ship_date = ship_date
    slips = []
    for ship_date, _sequence, entry, quantities in sorted(shipments, key=lambda shipment: shipment[:2]):
        slip = packing_slip_create(order=entry.order, quantities=quantities, ship_date=ship_date, by=by)
        slips.append(packing_slip_post(packing_slip=slip, by=by))
    for entry in plan:
        entry.order = SalesOrder.objects.get(pk=entry.order.pk)
    return slips


# The orders of the marketing demo's won deals, by opportunity: lines (item number, quantity) and whether the
# invoicing demo bills them, so the campaigns they came from show invoiced revenue as well as ordered revenue.
DEMO_WON_ORDERS: dict[str, tuple[list[tuple[str, int]], bool]] = {
    "Furniture for the new Groningen office": ([("FUR-1001", 10), ("FUR-1003", 10), ("SRV-9002", 1)], False),
    "Sit-stand desks for the new outpatient wing": ([("FUR-1002", 20), ("FUR-1011", 20), ("SRV-9001", 6)], False),
    "Ergonomic chairs for the Tilburg office": ([("FUR-1003", 12), ("FUR-1012", 12), ("SRV-9002", 1)], True),
    "Sit-stand desks and monitors for the Göteborg office": ([("FUR-1002", 8), ("IT-2004", 8)], False),
    "Laptops and docking stations for the engineers": ([("IT-2001", 6), ("IT-2005", 6), ("SRV-9004", 6)], True),
}


def demo_opportunity_orders_build(*, opportunities: list[Opportunity], by=None, approver=None) -> list[DemoOrder]:
    """A sales order for each won deal, made from its opportunity the way the clerk does it (a prospect gets its
    customer account on the way), with its lines, confirmed; then the owner marks the deal won. The fates tell
    the invoicing demo which orders to bill."""
    numbers = {number for lines, _billed in DEMO_WON_ORDERS.values() for number, _quantity in lines}
    items = {item.number: item for item in Item.objects.filter(number__in=numbers)}
    reverse_charge = TaxCode.objects.get(code="EURC")
    plan = []
    for opportunity in opportunities:
        lines, billed = DEMO_WON_ORDERS[opportunity.name]
        order = order_create_for_opportunity(opportunity=opportunity, by=by)
        party = order.customer.party
        # Business customers in another EU country are invoiced without Dutch VAT (reverse charge).
        tax_code = reverse_charge if party.country != "NL" and party.vat_number else None
        for number, quantity in lines:
            order_line_add(
                order=order, line=OrderLineInput(item=items[number], quantity=D(quantity), tax_code=tax_code), by=by
            )
        order = demo_confirm(order, by=by, approver=approver)
        opportunity_win(opportunity=opportunity, by=opportunity.owner or by)
        plan.append(DemoOrder(order=order, fate=INVOICED_FROM_ORDER if billed else CONFIRMED))
    return plan

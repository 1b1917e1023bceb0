from decimal import Decimal

import pytest

from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_order, tax_code

D = Decimal


@pytest.fixture
def delivered_in_part(clerk):
    """10 × A at 12.50 (21 %) and 4 × B at 30.00 (9 %), confirmed; 6 A + 4 B shipped on a posted slip."""
    item_a = ItemFactory(number="A", name="Desk lamp", unit_price=D("12.50"), tax_code=tax_code("NL21"))
    item_b = ItemFactory(number="B", name="Office chair", unit_price=D("30.00"), tax_code=tax_code("NL9"))
    customer = make_customer(party=PartyFactory(name="Acme BV"), payment_terms_days=14)
    order = order_confirm(
        order=make_order(customer=customer, lines=[(item_a, "10"), (item_b, "4")], by=clerk), by=clerk
    )
    line_a, line_b = order.lines.order_by("line_no")
    slip = packing_slip_create(order=order, quantities={line_a.pk: D("6"), line_b.pk: D("4")}, by=clerk)
    slip = packing_slip_post(packing_slip=slip, by=clerk)
    order.refresh_from_db()
    return order, slip

"""A clerk picks an item on a new order and sees the agreed price, its source and the totals follow; a zero price
asks for confirmation before the order is saved."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from salesapp.models import SalesOrder
from tests.e2e.conftest import login
from tests.e2e.test_lead_to_cash_flow import add_form_line, choose, open_new_order_form
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, PriceGroupFactory, make_agreement, make_customer, tax_code

pytestmark = pytest.mark.e2e

D = Decimal


def test_clerk_sees_the_agreed_price_and_confirms_a_zero_price(page, clerk):
    # given: the customer's price group pays 40.00 for the desk (list price 50.00); the sample is free
    group = PriceGroupFactory(code="RETAIL")
    customer = make_customer(party=PartyFactory(name="Acme Trading"), price_group=group)
    desk = ItemFactory(number="DESK", name="Desk", unit_price=D("50"), tax_code=tax_code("NL21"))
    ItemFactory(number="SAMPLE", name="Sample", unit_price=D("0"), tax_code=tax_code("NL21"))
    make_agreement(applies_to="price_group", price_group=group, item=desk, unit_price=D("40"))
    login(page, clerk)
    open_new_order_form(page)

    # when: the customer and the desk are chosen
    choose(page, "#id_customer", "acme", str(customer))
    choose(page, "#id_lines-0-item", "desk", "DESK Desk (50.00 / pcs)")
    page.locator("#id_lines-0-quantity").fill("3")

    # then: the agreed price, its source and the totals (3 × 40.00 = 120.00 + 21 % = 145.20)
    preview = page.locator("#order-preview")
    expect(preview.locator(".price-source")).to_have_text("Trade agreement for the price group")
    expect(preview.locator("#preview-amount-total")).to_have_text("EUR 145.20")
    page.locator("#id_lines-0-quantity").fill("4")
    expect(preview.locator("#preview-amount-total")).to_have_text("EUR 193.60")

    # when: a free sample is added
    add_form_line(page, 1)
    choose(page, "#id_lines-1-item", "sample", "SAMPLE Sample (0.00 / pcs)")
    page.locator("#id_lines-1-quantity").fill("1")
    expect(preview).to_contain_text("The price of SAMPLE is zero.")
    page.get_by_role("button", name="Create order").click()

    # then: the page asks for the confirmation, and saves once it is given
    expect(page.locator("#order-form-lines-body")).to_contain_text("Tick “I confirm this price” to save it.")
    assert not SalesOrder.objects.exists()
    page.locator("#id_lines-1-confirm_price").check()
    page.get_by_role("button", name="Create order").click()
    expect(page.locator(".messages")).to_contain_text("created.")
    order = SalesOrder.objects.get()
    assert [(line.unit_price, line.price_source) for line in order.lines.order_by("line_no")] == [
        (D("40.0000"), "price_group_agreement"),
        (D("0.0000"), "item_price"),
    ]
    assert order.amount_total == D("193.60")

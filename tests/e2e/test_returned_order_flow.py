"""Goods come back in the browser: the clerk enters a returned order from the delivered order, confirms it and
receives the goods on a return receipt; the billing clerk credits it with a credit note."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from invoicing.models import Invoice
from salesapp.models import SalesOrder, SalesOrderLine
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.e2e.conftest import login
from tests.factories.salesapp import ItemFactory, make_customer, make_order, tax_code

pytestmark = pytest.mark.e2e


def confirm_dialog(page):
    page.get_by_role("dialog").get_by_role("button", name="Confirm").click()


def test_a_return_is_entered_received_and_credited(page, clerk, billing):
    # given: 4 lamps at 25.00 (21 %), delivered
    lamp = ItemFactory(number="LAMP-1", name="Desk lamp", unit_price=Decimal("25.00"), tax_code=tax_code("NL21"))
    order = order_confirm(order=make_order(customer=make_customer(), lines=[(lamp, "4")], by=clerk), by=clerk)
    packing_slip_post(packing_slip=packing_slip_create(order=order, by=clerk), by=clerk)
    login(page, clerk)
    page.goto(f"/sales/orders/{order.pk}/")

    # when: the clerk returns one lamp
    page.get_by_role("link", name="Return goods").click()
    expect(page.locator("h1")).to_contain_text("Return goods")
    page.get_by_label("Quantity to return for line 10").fill("1")
    page.get_by_label("Return reason").fill("Broken shade")
    page.get_by_role("button", name="Create returned order").click()

    # then: a returned order with its RMA number, naming the line that comes back
    returned = SalesOrder.objects.get(order_type="returned_order")
    expect(page.locator(".messages")).to_contain_text(f"Returned order {returned.number} created with RMA number")
    expect(page.locator("h1")).to_contain_text("RMA-000001")
    expect(page.locator("#order-lines")).to_contain_text(f"Returns line 10 of order {order.number}")

    # when: confirmed and received, the lamp scrapped
    page.locator("#order-status").get_by_role("button", name="Confirm").click()
    page.get_by_role("link", name="Receive returned goods").click()
    expect(page.locator("h1")).to_contain_text("New return receipt")
    page.get_by_label("Disposition of line 10").select_option("scrap")
    page.get_by_role("button", name="Create return receipt").click()
    page.get_by_role("button", name="Post").click()
    confirm_dialog(page)

    # then
    expect(page.locator(".messages")).to_contain_text("Return receipt posted")
    expect(page.locator("h1")).to_contain_text("Return receipt RR-000001")
    assert SalesOrderLine.objects.get(order=order).qty_returned == Decimal("1")

    # when: the billing clerk credits the returned order
    page.context.clear_cookies()
    login(page, billing)
    page.goto(f"/sales/orders/{returned.pk}/")
    page.get_by_role("link", name="Create credit note").click()
    page.get_by_role("button", name="Create draft credit note").click()
    page.get_by_role("button", name="Post").click()
    confirm_dialog(page)

    # then: a credit note of −25.00 − 5.25 tax
    expect(page.locator(".messages")).to_contain_text("Credit note posted.")
    expect(page.locator("h1")).to_contain_text("Credit note CN-000001")
    assert Invoice.objects.get(kind="credit_note").amount_total == Decimal("-30.25")

"""Document pages and lists at a phone's width (390 × 844): nothing makes the page wider than the screen; wide
tables scroll inside their own box."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from core import roles
from invoicing.services.invoices import invoice_create_from_order
from salesapp.services.orders import order_confirm
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_order, tax_code

pytestmark = pytest.mark.e2e

D = Decimal
PHONE = {"width": 390, "height": 844}


def page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def sticking_out(page: Page) -> list[str]:
    """The outermost elements that end beyond the screen's right edge, to say what a failure is about."""
    return page.evaluate(
        """() => {
          const out = (el) => el && el.getBoundingClientRect().right > window.innerWidth + 1;
          return [...document.querySelectorAll("body *")]
            .filter((el) => out(el) && !out(el.parentElement))
            .map((el) => el.parentElement.className + " > " + el.outerHTML.slice(0, 80));
        }"""
    )


def order_and_invoice(by):
    """A confirmed order of two lines with long descriptions, and its draft invoice."""
    item_a = ItemFactory(
        number="A-100", name="Bracket for wall mounting, galvanised", unit_price=D("12.50"), tax_code=tax_code("NL21")
    )
    item_b = ItemFactory(number="B-200", name="Hinge, stainless steel", unit_price=D("30.00"), tax_code=tax_code("NL9"))
    customer = make_customer(party=PartyFactory(name="Acme Trading International"), payment_terms_days=14)
    order = order_confirm(order=make_order(customer=customer, lines=[(item_a, "10"), (item_b, "4")], by=by), by=by)
    invoice = invoice_create_from_order(order=order, basis="order", by=by)
    return order, invoice


def test_order_invoice_and_list_fit_a_phone(logged_in_page):
    # given: an administrator (who sees every action button) on a phone
    page = logged_in_page(roles.ADMINISTRATOR)
    order, invoice = order_and_invoice(page.user)
    page.set_viewport_size(PHONE)

    # when / then: the order page, the invoice page and the order list are no wider than the screen
    for url, heading in (
        (f"/sales/orders/{order.pk}/", order.number),
        (f"/invoicing/invoices/{invoice.pk}/", "Draft invoice"),
        ("/sales/orders/", "Sales orders"),
    ):
        page.goto(url)
        expect(page.locator("h1")).to_contain_text(heading)
        assert page_width(page) <= PHONE["width"], (url, sticking_out(page))

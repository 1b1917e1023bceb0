"""Document pages and lists are usable on a phone: at 390 px nothing makes the page scroll sideways."""

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import login
from tests.factories.invoicing import posted_invoice
from tests.factories.salesapp import ItemFactory, make_order

pytestmark = pytest.mark.e2e


def test_order_invoice_and_list_fit_a_phone(page: Page, clerk, billing):
    # given: an open order with lines (its add-line form is shown) and a posted invoice
    order = make_order(
        lines=[(ItemFactory(number="FUR-1002", name="Sit-stand desk, electric, 180×80 cm"), "20")] * 3, by=clerk
    )
    invoice = posted_invoice(by=clerk, post_by=billing)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, clerk)

    # when / then
    for url in (
        f"/sales/orders/{order.pk}/",
        f"/invoicing/invoices/{invoice.pk}/",
        "/sales/orders/",
        "/invoicing/invoices/",
    ):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url

"""A clerk turns a journal order (a draft) into a sales order on the order page and confirms it."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from salesapp.models import SalesOrder
from tests.e2e.conftest import login
from tests.factories.salesapp import ItemFactory, make_customer, make_order

pytestmark = pytest.mark.e2e


def test_clerk_switches_a_journal_order_to_sales_and_confirms_it(page, clerk):
    # given: a journal order, which cannot be confirmed
    order = make_order(
        customer=make_customer(), lines=[(ItemFactory(unit_price=Decimal("5")), "2")], order_type="journal", by=clerk
    )
    login(page, clerk)
    page.goto(f"/sales/orders/{order.pk}/")
    expect(page.locator("#order-status")).to_contain_text("A journal order is a draft")

    # when: the header form (loaded by htmx) switches the type
    header = page.locator("#order-header-edit")
    expect(header.get_by_label("Order type")).to_have_value("journal")
    expect(header).to_contain_text("Journal: a draft to work on")
    header.get_by_label("Order type").select_option(label="Sales order")
    header.get_by_label("Customer reference").fill("PO-42")
    header.get_by_role("button", name="Save header").click()

    # then: Confirm is offered and works
    expect(page.locator(".messages")).to_contain_text(f"Order {order.number} updated.")
    page.locator("#order-status").get_by_role("button", name="Confirm").click()
    expect(page.locator(".messages")).to_contain_text(f"Order {order.number} confirmed.")
    expect(page.locator("#order-header-edit")).to_have_count(0)
    order.refresh_from_db()
    assert (order.order_type, order.state, order.customer_reference) == ("sales", "confirmed", "PO-42")
    assert SalesOrder.objects.count() == 1

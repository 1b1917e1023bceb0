"""A clerk confirms an order over the customer's credit limit; a sales manager approves it from the approvals
queue with a comment."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from core import roles
from salesapp.models import SalesOrder
from tests.e2e.conftest import login
from tests.factories.salesapp import ItemFactory, make_customer, make_order
from tests.factories.users import user_with_role

pytestmark = pytest.mark.e2e


def test_manager_approves_an_order_over_the_credit_limit_from_the_queue(page, clerk):
    # given: 3 × 100.00 + 21 % = 363.00 against a credit limit of 300.00
    customer = make_customer(credit_limit=Decimal("300"))
    order = make_order(customer=customer, lines=[(ItemFactory(unit_price=Decimal("100")), "3")], by=clerk)
    login(page, clerk)
    page.goto(f"/sales/orders/{order.pk}/")

    # when the clerk confirms, it waits for approval
    page.locator("#order-status").get_by_role("button", name="Confirm").click()
    expect(page.locator(".messages")).to_contain_text(f"Order {order.number} waits for a sales manager's approval")
    expect(page.locator(".notice")).to_contain_text("Credit limit exceeded: exposure EUR 363.00")
    expect(page.get_by_role("navigation").get_by_role("link", name="Approvals")).to_have_count(0)

    # when a sales manager opens the queue from the menu
    page.context.clear_cookies()
    manager = user_with_role(roles.SALES_MANAGER, username="maria")
    login(page, manager)
    page.get_by_role("navigation").get_by_role("link", name="Approvals").click()
    expect(page.locator("h1")).to_have_text("Orders waiting for approval")
    row = page.locator(f"#approval-{order.pk}")
    expect(row).to_contain_text("EUR 363.00")
    expect(row).to_contain_text("300.00")
    expect(row).to_contain_text(clerk.username)

    # and approves it with a comment
    row.get_by_label("Comment").fill("Known customer, approved")
    row.get_by_role("button", name="Approve").click()

    # then
    expect(page.locator(".messages")).to_contain_text(f"Order {order.number} approved.")
    expect(page.locator(f"#approval-{order.pk}")).to_have_count(0)
    expect(page.locator("table.approvals")).to_contain_text("No orders are waiting for approval.")
    assert SalesOrder.objects.get(pk=order.pk).state == "confirmed"

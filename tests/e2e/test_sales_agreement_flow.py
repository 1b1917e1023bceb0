"""A sales manager sets up a sales agreement and makes it effective; a clerk releases an order from it and the
agreement page shows the release in its fulfilment."""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from salesapp.models import SalesAgreement, SalesOrder
from tests.e2e.conftest import choose, login
from tests.factories.agreements import this_year
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer

pytestmark = pytest.mark.e2e


def test_manager_sets_up_an_agreement_and_a_clerk_releases_an_order(page, manager, clerk):
    # given
    customer = make_customer(party=PartyFactory(name="Tailspin Toys"))
    ItemFactory(number="A-100", name="Bracket", unit_price=Decimal("12.50"))
    valid_from, valid_to = this_year()
    login(page, manager)

    # when: the manager creates the agreement, adds a line and activates it
    page.goto("/sales/sales-agreements/")
    page.get_by_role("link", name="New sales agreement").click()
    choose(page, "#id_customer", "Tailspin", f"{customer.number} Tailspin Toys")
    page.locator("#id_valid_from").fill(valid_from.isoformat())
    page.locator("#id_valid_to").fill(valid_to.isoformat())
    page.locator("#id_default_discount_percent").fill("2")
    page.get_by_role("button", name="Create sales agreement").click()
    expect(page.locator(".messages")).to_contain_text("add its lines")
    choose(page, "#id_add-item", "A-100", "A-100 Bracket (12.50 / pcs)")
    page.locator("#id_add-committed_quantity").fill("100")
    page.locator("#id_add-unit_price").fill("11")
    page.locator("#agreement-line-form").get_by_role("button", name="Add line").click()
    page.locator("#agreement-status").get_by_role("button", name="Activate").click()
    expect(page.locator("h1")).to_contain_text("Effective")
    expect(page.locator("#agreement-versions")).to_contain_text("First version")
    agreement = SalesAgreement.objects.get()

    # and the clerk releases 10 of them
    page.context.clear_cookies()
    login(page, clerk)
    page.goto(f"/sales/sales-agreements/{agreement.pk}/")
    line = agreement.lines.get()
    page.locator(f"#id_release-quantity_{line.pk}").fill("10")
    page.locator("#id_release-requested_ship_date").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Release order").click()

    # then: the order page, priced from the agreement (10 × 11.00 less 2 % = 107.80)
    order = SalesOrder.objects.get()
    expect(page.locator(".messages")).to_contain_text(f"Sales order {order.number} released")
    expect(page.locator("body")).to_contain_text("107.80")
    page.goto(f"/sales/sales-agreements/{agreement.pk}/")
    expect(page.locator(f"#agreement-line-{line.pk}")).to_contain_text("10 %")

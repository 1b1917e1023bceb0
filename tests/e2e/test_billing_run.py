"""A sales manager previews a billing run, starts it, watches its progress bar finish and opens the invoice it
made; the order form shows a subscription's terms only for a subscription."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from core import roles
from core.jobs import jobs_run_due
from invoicing.models import Invoice
from salesapp.services.orders import order_confirm
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_order

pytestmark = pytest.mark.e2e


def test_manager_previews_starts_and_follows_a_billing_run(logged_in_page, clerk):
    # given: a monthly subscription of 2 × 10.00 + 21 % from 1 Oct 2026
    customer = make_customer(party=PartyFactory(name="Hosting BV"))
    item = ItemFactory(name="Managed hosting", unit_price=Decimal("10.00"), item_type="service")
    order = make_order(
        order_type="subscription", customer=customer, lines=[(item, "2")], order_date=datetime.date(2026, 10, 1)
    )
    order_confirm(order=order, by=clerk)
    page = logged_in_page(roles.SALES_MANAGER)

    # when: the manager opens billing runs from the menu and previews a run until 31 Oct
    page.get_by_role("navigation").get_by_role("link", name="Billing runs").click()
    page.get_by_role("link", name="New billing run").click()
    page.get_by_label("Bill until").fill("2026-10-31")
    page.get_by_role("button", name="Preview").click()

    # then: one period, its amounts
    preview = page.locator("#billing-run-preview")
    expect(preview).to_contain_text(order.number)
    expect(preview).to_contain_text("1 Oct 2026 – 31 Oct 2026")
    expect(preview).to_contain_text("1 period to bill, 24.20 in all; 0 refused.")

    # when: started, and the job runs while the page polls
    page.get_by_role("button", name="Start billing run").click()
    expect(page.locator(".messages")).to_contain_text("Billing run started.")
    expect(page.locator("#billing-run-state")).to_have_text("Queued")
    jobs_run_due()

    # then: the progress bar finishes and the invoice is listed
    expect(page.locator("#billing-run-state")).to_have_text("Done")
    expect(page.locator("#billing-run-progress")).to_contain_text("1 of 1 subscriptions processed")
    invoice = Invoice.objects.get(order=order)
    page.locator("#billing-run-results").get_by_role("link", name=invoice.number).click()
    expect(page.locator("h1")).to_contain_text(invoice.number)
    expect(page.locator("main")).to_contain_text("1 Oct 2026 – 31 Oct 2026")


def test_the_order_form_shows_the_subscription_terms_for_a_subscription(logged_in_page):
    # given
    page = logged_in_page(roles.SALES_CLERK)
    page.goto("/sales/orders/new/")
    period = page.get_by_label("Billing period")

    # then: hidden for a sales order, shown for a subscription
    expect(period).to_be_hidden()
    page.get_by_label("Order type").select_option("subscription")
    expect(period).to_be_visible()
    expect(page.get_by_label("End date")).to_be_enabled()
    page.get_by_label("Order type").select_option("sales")
    expect(page.get_by_label("End date")).to_be_hidden()
